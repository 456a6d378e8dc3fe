package xlsxio

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages the template is written in.
var Languages = []string{"en", "nl", "fr"}

// templateRows is how far down the drop-downs and formats of the data
// sheet reach: every row Excel has.
const templateRows = 1048576

// widths of the data sheet's columns, in characters.
var widths = map[string]float64{
	"ref": 18, "kind": 14, "party": 10, "date": 12, "end": 12, "amount": 18, "currency": 10, "qualifier": 11,
	"quantity": 10, "asset": 14, "sector": 28, "location": 14, "toward": 18, "fulfils": 18, "source": 32, "note": 40,
	"illustrative": 12, "title": 36,
}

// WriteTemplate writes the officer's entry template in lang (en, nl or fr)
// to w: a data sheet (first, so that it is the one imported) with the
// canonical header frozen above empty rows, drop-downs for kind,
// qualifier, currency (money.Currencies), party (parties, by code, named
// on the list sheet) and illustrative, text formats where Excel would
// otherwise turn what is typed into a number or a date (ref, dates, codes)
// and an amount format that shows up to four decimals; then a sheet of
// instructions and the sheet of lists the drop-downs read.
func WriteTemplate(w io.Writer, lang string, parties []ledger.Party) error {
	wd, ok := templateWords[lang]
	if !ok {
		return fmt.Errorf("%w: template language %q: use en, nl or fr", ledger.ErrInvalid, lang)
	}
	f := excelize.NewFile()
	defer f.Close()
	t := &templ{f: f, w: wd, lang: lang}
	for _, step := range []func() error{
		func() error { return f.SetSheetName(f.GetSheetList()[0], wd.entries) },
		func() error { _, err := f.NewSheet(wd.instructions); return err },
		t.lists(parties),
		t.data,
		t.instructions,
		func() error { f.SetActiveSheet(0); return nil },
	} {
		if err := step(); err != nil {
			return fmt.Errorf("xlsxio.WriteTemplate: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsxio.WriteTemplate: %w", err)
	}
	return nil
}

type templ struct {
	f    *excelize.File
	w    words
	lang string
	// ranges of the list sheet the drop-downs read: currency, party.
	currencies, parties string
}

// lists writes the sheet of lists: kinds, qualifiers, currencies, and the
// parties by code with their names in the template's language.
func (t *templ) lists(parties []ledger.Party) func() error {
	return func() error {
		f, sh := t.f, t.w.lists
		if _, err := f.NewSheet(sh); err != nil {
			return err
		}
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
		if err != nil {
			return err
		}
		if err := f.SetSheetRow(sh, "A1", &t.w.listHeads); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, "A1", "E1", bold); err != nil {
			return err
		}
		col := func(c string, vals []string) error {
			for i, v := range vals {
				if err := f.SetCellStr(sh, fmt.Sprintf("%s%d", c, i+2), v); err != nil {
					return err
				}
			}
			return nil
		}
		var kinds, quals, curs, codes, names []string
		for _, k := range ledger.Kinds {
			kinds = append(kinds, string(k))
		}
		for _, q := range ledger.Qualifiers {
			quals = append(quals, string(q))
		}
		for _, c := range money.Currencies() {
			curs = append(curs, c.Code)
		}
		for _, p := range parties {
			codes = append(codes, p.Code)
			names = append(names, partyName(p, t.lang))
		}
		for c, vals := range map[string][]string{"A": kinds, "B": quals, "C": curs, "D": codes, "E": names} {
			if err := col(c, vals); err != nil {
				return err
			}
		}
		ref := sheetRef(sh)
		t.currencies = fmt.Sprintf("%s!$C$2:$C$%d", ref, len(curs)+1)
		t.parties = fmt.Sprintf("%s!$D$2:$D$%d", ref, max(len(codes), 1)+1)
		for c, w := range map[string]float64{"A": 14, "B": 11, "C": 10, "D": 12, "E": 44} {
			if err := f.SetColWidth(sh, c, c, w); err != nil {
				return err
			}
		}
		return f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
}

// partyName is a party's name in lang: a state's from golang.org/x/text's
// display names (België, Belgique), others as the ledger names them.
func partyName(p ledger.Party, lang string) string {
	if p.Type != "state" || lang == "en" {
		return p.Name
	}
	r, err := language.ParseRegion(p.Code)
	if err != nil {
		return p.Name
	}
	if n := display.Regions(language.Make(lang)).Name(r); n != "" {
		return n
	}
	return p.Name
}

// data writes the data sheet: the header, formats, widths, drop-downs.
func (t *templ) data() error {
	f, sh := t.f, t.w.entries
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": what is typed stays text
	if err != nil {
		return err
	}
	amountFmt := "#,##0.00##"
	amount, err := f.NewStyle(&excelize.Style{CustomNumFmt: &amountFmt})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{NumFmt: 49, Font: &excelize.Font{Bold: true},
		Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border: []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}})
	if err != nil {
		return err
	}
	last := columnName(len(ledger.Columns) - 1)
	for i, c := range ledger.Columns {
		name := columnName(i)
		style := text
		switch c {
		case "amount":
			style = amount
		case "quantity":
			style = 0 // General: a count is a number
		}
		if style != 0 {
			if err := f.SetColStyle(sh, name, style); err != nil {
				return err
			}
		}
		if err := f.SetColWidth(sh, name, name, widths[c]); err != nil {
			return err
		}
	}
	if err := f.SetSheetRow(sh, "A1", &ledger.Columns); err != nil {
		return err
	}
	if err := f.SetCellStyle(sh, "A1", last+"1", head); err != nil {
		return err
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	// The drop-downs: a closed list stops what is not in it; currency and
	// party warn (the import checks them against the ledger anyway, and a
	// party added later can still be typed).
	col := func(field string) string {
		for i, c := range ledger.Columns {
			if c == field {
				return columnName(i)
			}
		}
		panic("xlsxio: no column " + field)
	}
	type drop struct {
		field  string
		values []string // a literal list
		source string   // or a range of the list sheet
		stop   bool
	}
	var kinds, quals []string
	for _, k := range ledger.Kinds {
		kinds = append(kinds, string(k))
	}
	for _, q := range ledger.Qualifiers {
		quals = append(quals, string(q))
	}
	for _, d := range []drop{
		{field: "kind", values: kinds, stop: true},
		{field: "qualifier", values: quals, stop: true},
		{field: "currency", source: t.currencies},
		{field: "party", source: t.parties},
		{field: "illustrative", values: []string{"true", "false"}, stop: true},
	} {
		c := col(d.field)
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", c, c, templateRows))
		if d.source != "" {
			dv.SetSqrefDropList(d.source)
		} else if err := dv.SetDropList(d.values); err != nil {
			return err
		}
		p := t.w.prompts[d.field]
		dv.SetInput(p[0], p[1])
		if d.stop {
			dv.SetError(excelize.DataValidationErrorStyleStop, p[0], t.w.notInList)
		} else {
			dv.SetError(excelize.DataValidationErrorStyleWarning, p[0], t.w.unknownCode)
		}
		if err := f.AddDataValidation(sh, dv); err != nil {
			return err
		}
	}
	return nil
}

// instructions writes the sheet that says what each column means and how
// dates and amounts are read.
func (t *templ) instructions() error {
	f, sh := t.f, t.w.instructions
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{NumFmt: 49, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	set := func(cell, v string, style int) error {
		if err := f.SetCellStr(sh, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sh, cell, cell, style)
	}
	// Wrapped text gets its rows' height: not every spreadsheet program
	// fits it when it opens the file.
	fit := func(row int, texts ...string) error {
		lines := 1
		for i, v := range texts {
			lines = max(lines, (utf8.RuneCountInString(v)+perLine[i]-1)/perLine[i])
		}
		return f.SetRowHeight(sh, row, 15*float64(lines)+3)
	}
	if err := set("A1", t.w.title, title); err != nil {
		return err
	}
	row := 3
	for i, h := range []string{t.w.columnHead, t.w.meaningHead, t.w.exampleHead} {
		if err := set(cellName(i, row), h, bold); err != nil {
			return err
		}
	}
	for _, c := range ledger.Columns {
		row++
		if err := set(cellName(0, row), c, bold); err != nil {
			return err
		}
		if err := set(cellName(1, row), t.w.columns[c], wrap); err != nil {
			return err
		}
		if err := set(cellName(2, row), examples[c], wrap); err != nil {
			return err
		}
		if err := fit(row, t.w.columns[c], examples[c]); err != nil {
			return err
		}
	}
	row += 2
	for i, r := range t.w.rules {
		if err := set(cellName(0, row), fmt.Sprintf("%d.", i+1), bold); err != nil {
			return err
		}
		if err := set(cellName(1, row), r, wrap); err != nil {
			return err
		}
		if err := fit(row, r); err != nil {
			return err
		}
		row++
	}
	for c, w := range map[string]float64{"A": 14, "B": 90, "C": 26} {
		if err := f.SetColWidth(sh, c, c, w); err != nil {
			return err
		}
	}
	// Printed on landscape pages, as wide as the page.
	landscape, one, fitPage := "landscape", 1, true
	if err := f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fitPage}); err != nil {
		return err
	}
	return f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: &landscape, FitToWidth: &one, FitToHeight: new(int)})
}

// perLine is about how many characters a line of the instructions' wrapped
// columns B and C holds.
var perLine = []int{100, 24}

// examples of each column, the same in every language.
var examples = map[string]string{
	"ref": "BEL-2021-001", "kind": "pledge", "party": "BEL", "date": "2021-03 · 15/09/2021", "end": "2021-10",
	"amount": "1250000.50", "currency": "EUR", "qualifier": "at-least", "quantity": "4", "asset": "F-16",
	"sector": "demining:40;camps:60", "location": "IRQ;SYR", "toward": "COAL-NEED-2021", "fulfils": "BEL-2021-001",
	"source": "https://...", "note": "", "illustrative": "true", "title": "Stabilisation needs for 2021",
}

// words are the template's words in one language.
type words struct {
	entries, instructions, lists         string // sheet names
	title                                string
	columnHead, meaningHead, exampleHead string
	columns                              map[string]string // what each column means
	rules                                []string
	listHeads                            []string             // kind, qualifier, currency, party, name
	prompts                              map[string][2]string // a drop-down's title (at most 32 characters) and prompt
	notInList, unknownCode               string
}

// SheetName is the name of the template's data sheet in lang, "" for a
// language the template is not written in.
func SheetName(lang string) string { return templateWords[lang].entries }

var templateWords = map[string]words{
	"en": {
		entries: "Entries", instructions: "Instructions", lists: "Lists",
		title:      "How to fill in this workbook",
		columnHead: "Column", meaningHead: "Meaning", exampleHead: "Example",
		columns: map[string]string{
			"ref":          "Your unique reference for the entry. Importing a row again with the same content adds nothing; a row that differs from the ledger's entry is refused unless it is imported as a correction.",
			"kind":         "What the entry records: need, pledge, commitment, disbursement or deployment (choose from the list).",
			"party":        "Who: a state by its ISO 3166-1 alpha-3 code (BEL), or an organisation by its code (EU, NATO, UN). The codes and their names are on the sheet Lists.",
			"date":         "When, as stated, to the year, the month or the day: 2021, 2021-03, 2021-03-15 or 15/03/2021. A deployment whose start is not known: unknown (and an end).",
			"end":          "For what lasts (a deployment): the last year, month or day, in the same forms.",
			"amount":       "The amount, with no more decimals than the currency has (EUR 2, JPY 0): a number, or text such as 1250000.50, 1,250,000.50 or 1.250.000,50. Empty for a deployment without a cost.",
			"currency":     "The ISO 4217 code of the amount: EUR, USD, GBP... (choose from the list).",
			"qualifier":    "How exact the amount is: exact (or empty), at-least, about, up-to. \"More than 18 million euro\" is at-least 18000000.",
			"quantity":     "For a deployment: how many (4 aircraft, 250 trainers).",
			"asset":        "For a deployment: what is deployed (F-16, trainers).",
			"sector":       "The sectors, by code (military, training, stabilisation, demining, reconstruction, camps, humanitarian, counter-financing, foreign-fighters, communications) or by name in any language, separated by ';', each with an optional share in percent: demining:40;camps:60.",
			"location":     "Where: ISO 3166-1 alpha-3 codes separated by ';': IRQ;SYR.",
			"toward":       "The ref of the need this entry answers (a pledge toward a need).",
			"fulfils":      "The ref of the pledge or commitment this entry carries out (a disbursement of a commitment).",
			"source":       "Where the figure was published: a document, a page, the answer to a parliamentary question.",
			"note":         "Anything else worth knowing.",
			"illustrative": "true for an example or demonstration figure that is not a published statement; empty otherwise.",
			"title":        "For a need: what reports call it, shown with its ref (Stabilisation needs for 2021). Empty for the other kinds.",
		},
		rules: []string{
			"One entry per row, from row 2 on, on the first sheet. Keep the header row: columns may be moved or left out (ref, kind, party and date are required), not renamed.",
			"Dates: the date and end columns are text, so that 2021 stays the year 2021. Type 2021, 2021-03, 2021-03-15 or 15/03/2021 (day first). A date cell Excel made is read as its day, or as its month when it shows no day.",
			"Amounts: a number is read exactly as Excel stores it, and an amount with more decimals than its currency has is refused, never rounded. A calculated amount may be stored with a binary remainder (0.1+0.2 is stored as 0.30000000000000004): round it with ROUND and paste the value. Amounts typed as text use one notation per sheet, 1,250,000.50 or 1.250.000,50; 5.000 reads two ways and is refused.",
			"Formulas are not imported: paste their values (Paste Special, Values).",
			"An import is all or nothing: if a row is wrong, nothing is written, and each problem names its cell (Entries!F7). Importing the same file again adds nothing.",
		},
		listHeads: []string{"kind", "qualifier", "currency", "party", "name"},
		prompts: map[string][2]string{
			"kind":         {"Kind", "need, pledge, commitment, disbursement or deployment"},
			"qualifier":    {"Qualifier", "How exact the amount is: exact (or empty), at-least, about, up-to"},
			"currency":     {"Currency", "The ISO 4217 code of the amount"},
			"party":        {"Party", "The code of a state (ISO 3166-1 alpha-3: BEL) or of an organisation (EU, NATO, UN); their names are on the sheet Lists"},
			"illustrative": {"Illustrative", "true for an example figure that is not a published statement; empty otherwise"},
		},
		notInList:   "Choose a value from the list.",
		unknownCode: "Not in the list: the import refuses a code the ledger does not know.",
	},
	"nl": {
		entries: "Boekingen", instructions: "Instructies", lists: "Lijsten",
		title:      "Hoe u deze werkmap invult",
		columnHead: "Kolom", meaningHead: "Betekenis", exampleHead: "Voorbeeld",
		columns: map[string]string{
			"ref":          "Uw unieke referentie voor de boeking. Een rij opnieuw importeren met dezelfde inhoud voegt niets toe; een rij die afwijkt van de boeking in het grootboek wordt geweigerd, tenzij ze als correctie wordt geïmporteerd.",
			"kind":         "Wat de boeking vastlegt: need (behoefte), pledge (toezegging), commitment (verbintenis), disbursement (uitbetaling) of deployment (inzet); kies uit de lijst.",
			"party":        "Wie: een staat met zijn ISO 3166-1 alpha-3-code (BEL), of een organisatie met haar code (EU, NATO, UN). De codes en hun namen staan op het blad Lijsten.",
			"date":         "Wanneer, zoals vermeld, tot op het jaar, de maand of de dag: 2021, 2021-03, 2021-03-15 of 15/03/2021. Een inzet waarvan het begin niet gekend is: unknown (met een einde).",
			"end":          "Voor wat duurt (een inzet): het laatste jaar, de laatste maand of dag, in dezelfde vormen.",
			"amount":       "Het bedrag, met niet meer decimalen dan de munt heeft (EUR 2, JPY 0): een getal, of tekst zoals 1.250.000,50, 1250000,50 of 1,250,000.50. Leeg voor een inzet zonder kosten.",
			"currency":     "De ISO 4217-code van het bedrag: EUR, USD, GBP... (kies uit de lijst).",
			"qualifier":    "Hoe precies het bedrag is: exact (of leeg), at-least (minstens), about (ongeveer), up-to (hoogstens). \"Meer dan 18 miljoen euro\" is at-least 18000000.",
			"quantity":     "Voor een inzet: hoeveel (4 vliegtuigen, 250 instructeurs).",
			"asset":        "Voor een inzet: wat wordt ingezet (F-16, instructeurs).",
			"sector":       "De sectoren, met hun code (military, training, stabilisation, demining, reconstruction, camps, humanitarian, counter-financing, foreign-fighters, communications) of hun naam in een van de talen (Ontmijning, Wederopbouw), gescheiden door ';', elk met een eventueel aandeel in procent: demining:40;camps:60.",
			"location":     "Waar: ISO 3166-1 alpha-3-codes gescheiden door ';': IRQ;SYR.",
			"toward":       "De ref van de behoefte waarop deze boeking antwoordt (een toezegging voor een behoefte).",
			"fulfils":      "De ref van de toezegging of verbintenis die deze boeking uitvoert (een uitbetaling van een verbintenis).",
			"source":       "Waar het cijfer gepubliceerd werd: een document, een pagina, het antwoord op een parlementaire vraag.",
			"note":         "Al het andere dat het weten waard is.",
			"illustrative": "true voor een voorbeeld- of demonstratiecijfer dat geen gepubliceerde verklaring is; anders leeg.",
			"title":        "Voor een behoefte: hoe rapporten ze noemen, met haar ref erbij (Stabilisatiebehoeften voor 2021). Leeg voor de andere soorten.",
		},
		rules: []string{
			"Eén boeking per rij, vanaf rij 2, op het eerste blad. Behoud de kopregel: kolommen mogen verplaatst of weggelaten worden (ref, kind, party en date zijn verplicht), niet hernoemd.",
			"Datums: de kolommen date en end zijn tekst, zodat 2021 het jaar 2021 blijft. Typ 2021, 2021-03, 2021-03-15 of 15/03/2021 (dag eerst). Een datumcel die Excel maakte, wordt gelezen als die dag, of als die maand wanneer ze geen dag toont.",
			"Bedragen: een getal wordt gelezen zoals Excel het opslaat, en een bedrag met meer decimalen dan de munt heeft, wordt geweigerd, nooit afgerond. Een berekend bedrag kan met een binaire rest opgeslagen zijn (0,1+0,2 wordt opgeslagen als 0.30000000000000004): rond het af met AFRONDEN en plak de waarde. Bedragen als tekst volgen één notatie per blad, 1.250.000,50 of 1,250,000.50; 5.000 is op twee manieren te lezen en wordt geweigerd.",
			"Formules worden niet geïmporteerd: plak hun waarden (Plakken speciaal, Waarden).",
			"Een import is alles of niets: is een rij fout, dan wordt niets geschreven, en elk probleem noemt zijn cel (Boekingen!F7). Hetzelfde bestand opnieuw importeren voegt niets toe.",
		},
		listHeads: []string{"kind", "qualifier", "currency", "party", "naam"},
		prompts: map[string][2]string{
			"kind":         {"Soort (kind)", "need, pledge, commitment, disbursement of deployment"},
			"qualifier":    {"Precisie (qualifier)", "Hoe precies het bedrag is: exact (of leeg), at-least, about, up-to"},
			"currency":     {"Munt (currency)", "De ISO 4217-code van het bedrag"},
			"party":        {"Partij (party)", "De code van een staat (ISO 3166-1 alpha-3: BEL) of van een organisatie (EU, NATO, UN); hun namen staan op het blad Lijsten"},
			"illustrative": {"Illustratief", "true voor een voorbeeldcijfer dat geen gepubliceerde verklaring is; anders leeg"},
		},
		notInList:   "Kies een waarde uit de lijst.",
		unknownCode: "Niet in de lijst: de import weigert een code die het grootboek niet kent.",
	},
	"fr": {
		entries: "Écritures", instructions: "Instructions", lists: "Listes",
		title:      "Comment remplir ce classeur",
		columnHead: "Colonne", meaningHead: "Signification", exampleHead: "Exemple",
		columns: map[string]string{
			"ref":          "Votre référence unique pour l'écriture. Réimporter une ligne au même contenu n'ajoute rien ; une ligne qui diffère de l'écriture du registre est refusée, sauf si elle est importée comme correction.",
			"kind":         "Ce que l'écriture enregistre : need (besoin), pledge (promesse), commitment (engagement), disbursement (décaissement) ou deployment (déploiement) ; choisir dans la liste.",
			"party":        "Qui : un État par son code ISO 3166-1 alpha-3 (BEL), ou une organisation par son code (EU, NATO, UN). Les codes et leurs noms figurent sur la feuille Listes.",
			"date":         "Quand, tel qu'annoncé, à l'année, au mois ou au jour : 2021, 2021-03, 2021-03-15 ou 15/03/2021. Un déploiement dont le début est inconnu : unknown (avec une fin).",
			"end":          "Pour ce qui dure (un déploiement) : la dernière année, le dernier mois ou jour, sous les mêmes formes.",
			"amount":       "Le montant, sans plus de décimales que la devise n'en a (EUR 2, JPY 0) : un nombre, ou du texte comme 1.250.000,50, 1 250 000,50 ou 1,250,000.50. Vide pour un déploiement sans coût.",
			"currency":     "Le code ISO 4217 du montant : EUR, USD, GBP... (choisir dans la liste).",
			"qualifier":    "La précision du montant : exact (ou vide), at-least (au moins), about (environ), up-to (au plus). « Plus de 18 millions d'euros » est at-least 18000000.",
			"quantity":     "Pour un déploiement : combien (4 avions, 250 formateurs).",
			"asset":        "Pour un déploiement : ce qui est déployé (F-16, formateurs).",
			"sector":       "Les secteurs, par leur code (military, training, stabilisation, demining, reconstruction, camps, humanitarian, counter-financing, foreign-fighters, communications) ou leur nom dans l'une des langues (Déminage, Reconstruction), séparés par « ; », chacun avec une part facultative en pour cent : demining:40;camps:60.",
			"location":     "Où : des codes ISO 3166-1 alpha-3 séparés par « ; » : IRQ;SYR.",
			"toward":       "La ref du besoin auquel répond cette écriture (une promesse pour un besoin).",
			"fulfils":      "La ref de la promesse ou de l'engagement que cette écriture exécute (un décaissement d'un engagement).",
			"source":       "Où le chiffre a été publié : un document, une page, la réponse à une question parlementaire.",
			"note":         "Tout autre élément utile.",
			"illustrative": "true pour un chiffre d'exemple ou de démonstration qui n'est pas une déclaration publiée ; vide sinon.",
			"title":        "Pour un besoin : comment les rapports le nomment, avec sa ref (Besoins de stabilisation pour 2021). Vide pour les autres types.",
		},
		rules: []string{
			"Une écriture par ligne, à partir de la ligne 2, sur la première feuille. Gardez la ligne d'en-tête : les colonnes peuvent être déplacées ou omises (ref, kind, party et date sont obligatoires), pas renommées.",
			"Dates : les colonnes date et end sont du texte, pour que 2021 reste l'année 2021. Tapez 2021, 2021-03, 2021-03-15 ou 15/03/2021 (le jour d'abord). Une cellule date créée par Excel est lue comme son jour, ou comme son mois si elle n'affiche pas de jour.",
			"Montants : un nombre est lu tel qu'Excel l'enregistre, et un montant qui a plus de décimales que sa devise est refusé, jamais arrondi. Un montant calculé peut être enregistré avec un reste binaire (0,1+0,2 est enregistré comme 0.30000000000000004) : arrondissez-le avec ARRONDI et collez la valeur. Les montants en texte suivent une seule notation par feuille, 1.250.000,50 ou 1,250,000.50 ; 5.000 se lit de deux façons et est refusé.",
			"Les formules ne sont pas importées : collez leurs valeurs (Collage spécial, Valeurs).",
			"Une importation est tout ou rien : si une ligne est fausse, rien n'est écrit, et chaque problème nomme sa cellule (Écritures!F7). Réimporter le même fichier n'ajoute rien.",
		},
		listHeads: []string{"kind", "qualifier", "currency", "party", "nom"},
		prompts: map[string][2]string{
			"kind":         {"Type (kind)", "need, pledge, commitment, disbursement ou deployment"},
			"qualifier":    {"Précision (qualifier)", "La précision du montant : exact (ou vide), at-least, about, up-to"},
			"currency":     {"Devise (currency)", "Le code ISO 4217 du montant"},
			"party":        {"Partie (party)", "Le code d'un État (ISO 3166-1 alpha-3 : BEL) ou d'une organisation (EU, NATO, UN) ; leurs noms figurent sur la feuille Listes"},
			"illustrative": {"Illustratif", "true pour un chiffre d'exemple qui n'est pas une déclaration publiée ; vide sinon"},
		},
		notInList:   "Choisissez une valeur dans la liste.",
		unknownCode: "Absent de la liste : l'importation refuse un code que le registre ne connaît pas.",
	},
}
