package report

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/reports"
)

// Def is a report of the catalog, as written in reports/NAME.json.
type Def struct {
	Name        string            `json:"name"`
	Compute     string            `json:"compute"`          // which computation: summary, breakdown, coverage, deployments, party
	Args        []string          `json:"args,omitempty"`   // positional arguments, stored as params (e.g. party)
	Params      map[string]string `json:"params,omitempty"` // defaults, overridden by options
	Title       map[string]string `json:"title"`
	Description map[string]string `json:"description"`
	Sections    []DefSection      `json:"sections"`
}

// DefSection lays out one section: which columns, in which order, labelled how.
type DefSection struct {
	Key     string            `json:"key"`
	Title   map[string]string `json:"title,omitempty"`
	Columns []DefColumn       `json:"columns"`
}

// DefColumn is one column of a section.
type DefColumn struct {
	Key   string            `json:"key"`
	Type  string            `json:"type"`
	Label map[string]string `json:"label"`
}

var columnTypes = map[string]bool{"text": true, "kind": true, "party": true, "ref": true, "amount": true, "count": true, "percent": true, "date": true, "list": true}

var defs = mustLoadCatalog(reports.FS)

// mustLoadCatalog reads and checks every report definition: a broken
// catalog stops pledger at start-up, not in front of a reader.
func mustLoadCatalog(fsys fs.FS) map[string]*Def {
	d, err := LoadCatalog(fsys)
	if err != nil {
		panic(err)
	}
	return d
}

// LoadCatalog reads the report definitions in fsys (every *.json but
// i18n.json, ui.json, assets.json and parties.json, which internal/model
// reads, and sectors.json, internal/ledger's) and checks them.
func LoadCatalog(fsys fs.FS) (map[string]*Def, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]*Def{}
	for _, n := range names {
		if n == "i18n.json" || n == "ui.json" || n == "assets.json" || n == "parties.json" || n == "sectors.json" {
			continue
		}
		data, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var d Def
		dec := json.NewDecoder(strings.NewReader(string(data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, fmt.Errorf("reports/%s: %w", n, err)
		}
		if err := d.check(); err != nil {
			return nil, fmt.Errorf("reports/%s: %w", n, err)
		}
		if d.Name+".json" != n {
			return nil, fmt.Errorf("reports/%s: name %q must match the file name", n, d.Name)
		}
		out[d.Name] = &d
	}
	return out, nil
}

func (d *Def) check() error {
	if computes[d.Compute] == nil {
		return fmt.Errorf("unknown compute %q", d.Compute)
	}
	texts := []map[string]string{d.Title, d.Description}
	for _, s := range d.Sections {
		if s.Title != nil {
			texts = append(texts, s.Title)
		}
		if len(s.Columns) == 0 {
			return fmt.Errorf("section %s has no columns", s.Key)
		}
		for _, c := range s.Columns {
			if !columnTypes[c.Type] {
				return fmt.Errorf("section %s: column %s: unknown type %q", s.Key, c.Key, c.Type)
			}
			texts = append(texts, c.Label)
		}
	}
	for _, t := range texts {
		for _, l := range model.Languages {
			if t[l] == "" {
				return fmt.Errorf("a text has no %s version: %v", l, t)
			}
		}
	}
	return nil
}

// Catalog lists the built-in reports, by name.
func Catalog() []*Def {
	out := make([]*Def, 0, len(defs))
	for _, d := range defs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds a report of the catalog.
func Lookup(name string) (*Def, error) {
	d := defs[name]
	if d == nil {
		var names []string
		for _, x := range Catalog() {
			names = append(names, x.Name)
		}
		return nil, ledger.Fail(ledger.ErrInvalid, "unknown_report", "", name, "unknown report %q: the reports are %s", name, strings.Join(names, ", "))
	}
	return d, nil
}

// Run makes report name with opt.
func Run(ctx context.Context, s *store.Store, name string, opt Options) (*model.Model, error) {
	def, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	l := opt.Lang
	if l == nil {
		if l, err = model.ParseLang("en"); err != nil {
			return nil, err
		}
	}
	params := map[string]string{}
	for k, v := range def.Params {
		params[k] = v
	}
	for k, v := range opt.Params {
		if v != "" {
			params[k] = v
		}
	}
	for _, a := range def.Args {
		if params[a] == "" {
			return nil, ledger.Fail(ledger.ErrInvalid, "report_needs_arg", a, name, "report %s needs its %s", name, a)
		}
	}
	opt.Params = params
	if opt.Currency.Code == "" {
		opt.Currency = money.MustCurrency(model.Defaults.Currency)
	}
	if opt.Valuation.Kind == "" {
		opt.Valuation = model.DefaultValuation()
	}
	st, err := Open(ctx, s, opt)
	if err != nil {
		return nil, err
	}
	// Sectors read by their names, those the ledger added too.
	added, err := s.AddedSectors(ctx)
	if err != nil {
		return nil, err
	}
	sectorNames := map[string]map[string]string{}
	for _, sec := range added {
		sectorNames[sec.Code] = sec.Name
	}
	l = l.WithSectors(sectorNames)
	c, err := computes[def.Compute](ctx, s, st, opt, l)
	if err != nil {
		return nil, err
	}
	m := &model.Model{Report: name, Title: def.Title[l.Code], Subtitle: c.subtitle, Lang: l.Code, Currency: opt.Currency.Code,
		Valuation: opt.Valuation, AsOf: st.AsOf, GeneratedAt: opt.Stamp}
	money := false
	for _, ds := range def.Sections {
		sec := model.Section{Key: ds.Key}
		if ds.Title != nil {
			sec.Title = ds.Title[l.Code]
		}
		for _, dc := range ds.Columns {
			sec.Columns = append(sec.Columns, model.Column{Key: dc.Key, Label: dc.Label[l.Code], Type: dc.Type})
			money = money || dc.Type == "amount"
		}
		if got := c.sections[ds.Key]; got != nil {
			sec.Rows, sec.Totals = got.Rows, got.Totals
		}
		m.Sections = append(m.Sections, sec)
	}
	if money {
		m.Notes = append(m.Notes, l.T("note.rounding", opt.Currency.Code))
		if opt.Unit != "" {
			m.Unit = opt.Unit
			m.Notes = append(m.Notes, l.T("note.unit", l.T("units."+opt.Unit), opt.Currency.Code))
		}
	}
	if err := nameParties(ctx, s, m); err != nil {
		return nil, err
	}
	nameSectors(m, sectorNames)
	m.Titles = c.titles
	m.Totals = c.totals
	if n := c.illus; n > 0 {
		m.Illustrative, m.Mark = n, l.T("mark.illustrative")
		m.Notes = append(m.Notes, c.illustrativeNote(l))
	}
	m.Notes = append(m.Notes, c.notes...)
	if c.shared != nil {
		m.Notes = append(m.Notes, c.shared.notes(l, opt.Currency)...)
	}
	if c.qnotes > maxQualifierNotes {
		m.Notes = append(m.Notes, l.T("note.more-qualified", l.N(c.qnotes-maxQualifierNotes)))
	}
	m.Provenance = model.Provenance{Valuation: opt.Valuation.Describe(l), AsOf: st.AsOf, Seq: st.Head.Seq, ChainHash: st.Head.Hash,
		State: st.Head.StateText(), Entries: c.entries}
	if !st.Status.OK() {
		// Made anyway (AllowUnverified): marked next to the title and in
		// the notes, and in the footer.
		why := strings.TrimPrefix(st.Status.Failure, ledger.ErrTampered.Error()+": ")
		m.Provenance.Unverified = why
		m.Mark = strings.TrimSpace(l.T("mark.unverified") + " " + m.Mark)
		m.Notes = append([]string{l.T("note.unverified", why)}, m.Notes...)
	}
	if c.conv != nil {
		_, m.Provenance.RateFirst, m.Provenance.RateLast = c.conv.RatesUsed()
		m.Provenance.RateSources = c.conv.rateSources(c.rated)
	}
	return m, nil
}

// nameParties records, for the parties m's party columns name, the names
// they were recorded with: renderers show a party by its name in the
// reader's language (model.Lang.PartyLabel), which for a party pledger does
// not know by itself is that one.
func nameParties(ctx context.Context, s *store.Store, m *model.Model) error {
	used := map[string]bool{}
	for _, sec := range m.Sections {
		for _, c := range sec.Columns {
			if c.Type != "party" {
				continue
			}
			for _, rows := range [][]model.Row{sec.Rows, sec.Totals} {
				for _, r := range rows {
					if code := r[c.Key].Text; code != "" {
						used[code] = true
					}
				}
			}
		}
	}
	if len(used) == 0 {
		return nil
	}
	ps, err := s.Parties(ctx)
	if err != nil {
		return err
	}
	m.PartyNames = map[string]string{}
	for _, p := range ps {
		if used[p.Code] {
			m.PartyNames[p.Code] = p.Name
		}
	}
	return nil
}

// nameSectors records, for the sectors the ledger added that m's sector
// columns name, their names (added: by code, then language): renderers and
// charts show a sector by its name in the reader's language.
func nameSectors(m *model.Model, added map[string]map[string]string) {
	if len(added) == 0 {
		return
	}
	for _, sec := range m.Sections {
		for _, c := range sec.Columns {
			if c.Key != "sector" {
				continue
			}
			for _, rows := range [][]model.Row{sec.Rows, sec.Totals} {
				for _, r := range rows {
					values := ledger.ListValues(r[c.Key].Text)
					for _, p := range ledger.Parts(r[c.Key].Text) {
						values = append(values, p.Members...)
					}
					for _, v := range values {
						if names, ok := added[v]; ok {
							if m.SectorNames == nil {
								m.SectorNames = map[string]map[string]string{}
							}
							m.SectorNames[v] = names
						}
					}
				}
			}
		}
	}
}

// reportDay is the day a report is "as of", for open-ended periods.
func reportDay(st *State) time.Time {
	t := st.AsOf.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
