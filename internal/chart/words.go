package chart

import (
	"fmt"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/report"
)

// words are the texts only the charts use, in every report language.
// (The words reports share live in reports/i18n.json, through report.Lang.)
// Verbs are %s: numbers are formatted by report.Lang before they get here.
var words = map[string]map[string]string{
	"kind.need":         {"en": "Needed", "nl": "Nood", "fr": "Besoin"},
	"kind.pledge":       {"en": "Pledged", "nl": "Toegezegd", "fr": "Promis"},
	"kind.commitment":   {"en": "Committed", "nl": "Vastgelegd", "fr": "Engagé"},
	"kind.disbursement": {"en": "Disbursed", "nl": "Uitbetaald", "fr": "Décaissé"},
	"kind.deployment":   {"en": "Deployment cost", "nl": "Kosten inzet", "fr": "Coût des déploiements"},
	"gap":               {"en": "Gap to the need", "nl": "Tekort tegenover de nood", "fr": "Écart au besoin"},
	"covered":           {"en": "Covered", "nl": "Gedekt", "fr": "Couvert"},
	"covered.label":     {"en": "%s covered", "nl": "%s gedekt", "fr": "%s couvert"},
	"others":            {"en": "Others (%s)", "nl": "Overige (%s)", "fr": "Autres (%s)"},
	"others.needs":      {"en": "Other needs (%s)", "nl": "Overige noden (%s)", "fr": "Autres besoins (%s)"},
	"limit.deployments": {"en": "The %s largest deployments by asset-months are drawn; %s more are in the deployments report.", "nl": "De %s grootste inzetten in middel-maanden staan erop; %s andere staan in het inzetrapport.", "fr": "Les %s plus grands déploiements en moyens-mois sont dessinés ; %s autres figurent dans le rapport des déploiements."},
	"others.list":       {"en": "%s parties: %s", "nl": "%s partijen: %s", "fr": "%s parties : %s"},
	"meta.amounts":      {"en": "Amounts in %s", "nl": "Bedragen in %s", "fr": "Montants en %s"},
	"meta.asof":         {"en": "ledger as of %s", "nl": "grootboek op %s", "fr": "registre au %s"},
	"val.spot":          {"en": "at spot rates", "nl": "tegen dagkoersen", "fr": "aux taux du jour"},
	"val.annual":        {"en": "at annual average rates", "nl": "tegen jaargemiddelde koersen", "fr": "aux taux moyens annuels"},
	"val.fixed":         {"en": "at the rates of %s", "nl": "tegen de koersen van %s", "fr": "aux taux du %s"},
	"val.other":         {"en": "valuation %s", "nl": "waardering %s", "fr": "valorisation %s"},
	"sub.summary": {
		"en": "Pledged, committed and disbursed per member: the %s largest by amount pledged, the others grouped.",
		"nl": "Toegezegd, vastgelegd en uitbetaald per lid: de %s grootste naar toegezegd bedrag, de overige samen.",
		"fr": "Promis, engagé et décaissé par membre : les %s plus grands par montant promis, les autres regroupés.",
	},
	"sub.coverage": {
		"en": "Each need: the amount pledged toward it and the gap that remains, with the amount disbursed below; the share covered at the end of the bar.",
		"nl": "Elke nood: het toegezegde bedrag en het resterende tekort, met daaronder het uitbetaalde bedrag; het gedekte deel aan het eind van de balk.",
		"fr": "Chaque besoin : le montant promis et l'écart qui reste, avec en dessous le montant décaissé ; la part couverte au bout de la barre.",
	},
	"sub.deployments": {
		"en": "Deployments per member and asset, from the first day of the stated start to the last day of the stated end; open-ended ones drawn to %s.",
		"nl": "Inzet per lid en middel, van de eerste dag van het vermelde begin tot de laatste dag van het vermelde einde; inzet zonder einddatum getekend tot %s.",
		"fr": "Déploiements par membre et moyen, du premier jour du début indiqué au dernier jour de la fin indiquée ; ceux sans fin tracés jusqu'au %s.",
	},
	"sub.flows": {
		"en": "Amounts pledged only (not committed or disbursed), from member to sector to location: the %s largest members, the others grouped.",
		"nl": "Alleen toegezegde bedragen (niet vastgelegd of uitbetaald), van lid naar sector naar locatie: de %s grootste leden, de overige samen.",
		"fr": "Montants promis uniquement (ni engagés ni décaissés), du membre au secteur puis au lieu : les %s plus grands membres, les autres regroupés.",
	},
	"sub.timeline": {
		"en": "Amounts per period and kind.",
		"nl": "Bedragen per periode en soort.",
		"fr": "Montants par période et par type.",
	},
	"sub.timeline.cumulative": {
		"en": "Running totals per period and kind: each period adds to the ones before it.",
		"nl": "Lopende totalen per periode en soort: elke periode telt op bij de vorige.",
		"fr": "Totaux cumulés par période et par type : chaque période s'ajoute aux précédentes.",
	},
	"deploy.closed":  {"en": "Deployment", "nl": "Inzet", "fr": "Déploiement"},
	"deploy.open":    {"en": "Open-ended", "nl": "Zonder einddatum", "fr": "Sans date de fin"},
	"deploy.drawnto": {"en": "open (drawn to %s)", "nl": "open (getekend tot %s)", "fr": "ouvert (tracé jusqu'au %s)"},
	"asof.line":      {"en": "As of %s", "nl": "Op %s", "fr": "Au %s"},
	"flow.link":      {"en": "%s → %s", "nl": "%s → %s", "fr": "%s → %s"},
	"nodata": {
		"en": "Nothing to draw: the report has no rows.",
		"nl": "Niets te tekenen: het rapport heeft geen rijen.",
		"fr": "Rien à tracer : le rapport n'a pas de lignes.",
	},
	"footer.report": {"en": "Report", "nl": "Rapport", "fr": "Rapport"},
	"chart.label":   {"en": "Chart: %s", "nl": "Grafiek: %s", "fr": "Graphique : %s"},
}

// tr translates a key of words for l. A key missing there is a bug, caught by
// the tests, so it panics as report.Lang.T does.
func tr(l *report.Lang, key string, args ...string) string {
	w, ok := words[key]
	if !ok {
		panic("chart: no text " + key)
	}
	s, ok := w[l.Code]
	if !ok {
		s = w["en"]
	}
	if len(args) == 0 {
		return s
	}
	a := make([]any, len(args))
	for i, v := range args {
		a[i] = v
	}
	return fmt.Sprintf(s, a...)
}

// kindLabel names a kind the way the charts' legends do: "Pledged".
func kindLabel(l *report.Lang, kind string) string {
	if _, ok := words["kind."+kind]; ok {
		return tr(l, "kind."+kind)
	}
	return l.Kind(kind)
}

// valuation says, briefly, how amounts were valued: "at spot rates".
// model.Valuation is the value given on the command line.
func valuation(l *report.Lang, v string) string {
	switch {
	case v == "spot" || v == "":
		return tr(l, "val.spot")
	case v == "annual":
		return tr(l, "val.annual")
	case strings.HasPrefix(v, "fixed:"):
		return tr(l, "val.fixed", longDate(l, v[len("fixed:"):]))
	}
	return tr(l, "val.other", v)
}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"nl": {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
}

// longDate writes a YYYY-MM-DD day as "15 January 2026" in the reader's
// language; anything else as it is.
func longDate(l *report.Lang, day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return dayName(l, t)
}

func dayName(l *report.Lang, t time.Time) string {
	names, ok := months[l.Code]
	if !ok {
		names = months["en"]
	}
	d := fmt.Sprint(t.Day())
	if l.Code == "fr" && t.Day() == 1 {
		d = "1er"
	}
	return d + " " + names[t.Month()-1] + " " + fmt.Sprint(t.Year())
}

// moment writes the as-of moment: "15 January 2026, 09:30 UTC".
func moment(l *report.Lang, t time.Time) string {
	t = t.UTC()
	sep := ", "
	if l.Code == "fr" {
		sep = " à "
	}
	return dayName(l, t) + sep + t.Format("15:04") + " UTC"
}
