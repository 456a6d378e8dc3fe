package chart_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/model"
	"github.com/shopspring/decimal"
)

// Ledger text that must stay text.
const (
	injScript = `</script><script>document.title='x'</script>`
	injImg    = `<img src=x onerror=alert(1)>`
	injFunc   = `__f__function(){document.title='f'}__f__`
)

var asOf = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

func lang(t testing.TB, code string) *model.Lang {
	t.Helper()
	l, err := model.ParseLang(code)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func amt(s string) model.Cell { return model.Cell{Value: dec(s), Int: 1} }

func text(s string) model.Cell { return model.Cell{Text: s} }

// handModel is a report model as report.Run makes them, with the columns of
// the catalog report name.
func handModel(name string, cols []model.Column, rows []model.Row) *model.Model {
	return &model.Model{
		Report: name, Title: "Hand-made " + name, Lang: "en", Currency: "EUR", Valuation: model.DefaultValuation(), AsOf: asOf,
		Sections: []model.Section{{Key: name, Columns: cols, Rows: rows}},
		Notes:    []string{"A note about " + name + "."},
		Provenance: model.Provenance{Valuation: "spot: each entry at the rate of its date", AsOf: asOf, Seq: 7,
			ChainHash: strings.Repeat("ab", 32), Entries: len(rows)},
	}
}

func col(key, typ string) model.Column {
	return model.Column{Key: key, Label: strings.ToUpper(key[:1]) + key[1:], Type: typ}
}

// handModels are small models of every chart, with known figures; with
// hostile set, ledger text is the injection strings.
func handModels(hostile bool) map[string]*model.Model {
	party, sector, asset := "BEL", "stabilisation", "F-16"
	if hostile {
		party, sector, asset = injScript, injImg, injFunc
	}
	ms := map[string]*model.Model{}
	ms["summary"] = handModel("summary",
		[]model.Column{col("party", "party"), col("kind", "kind"), col("amount", "amount"), col("entries", "count")},
		[]model.Row{
			{"party": text(party), "kind": text("pledge"), "amount": model.Cell{Value: dec("18000000.00"), Int: 1, Qualifier: "at-least"}},
			{"party": text(party), "kind": text("commitment"), "amount": amt("12000000.50")},
			{"party": text(party), "kind": text("disbursement"), "amount": amt("3000000.25")},
			{"party": text("DEU"), "kind": text("pledge"), "amount": amt("47309612.40")},
			{"party": text("DEU"), "kind": text("need"), "amount": amt("1.00")},
			{"party": text("UN"), "kind": text("need"), "amount": amt("700000000.00")},
		})
	ms["coverage"] = handModel("coverage",
		[]model.Column{col("need", "text"), col("party", "party"), col("date", "date"), col("sector", "list"),
			col("needed", "amount"), col("pledge", "amount"), col("commitment", "amount"), col("disbursement", "amount"),
			col("funded", "amount"), col("covered", "percent"), col("gap", "amount")},
		[]model.Row{
			{"need": text("need-1"), "party": text(party), "date": text("2021"), "sector": text(sector + ";camps"),
				"needed": amt("1000.00"), "pledge": amt("250.00"), "commitment": amt("100.00"), "disbursement": amt("50.00"),
				"funded": amt("100.00"), "covered": model.Cell{Value: dec("10.0")}, "gap": amt("900.00")},
			{"need": text("need-2"), "party": text("UN"), "date": text("2022-03"), "sector": text("demining"),
				"needed": amt("100.00"), "pledge": amt("150.00"), "commitment": amt("120.00"), "disbursement": amt("0.00"),
				"funded": amt("120.00"), "covered": model.Cell{Value: dec("120.0")}, "gap": amt("0.00")},
		})
	ms["deployments"] = handModel("deployments",
		[]model.Column{col("ref", "text"), col("party", "party"), col("asset", "text"), col("quantity", "count"),
			col("location", "list"), col("start", "date"), col("end", "date"), col("asset_months", "count")},
		[]model.Row{
			{"ref": text("d1"), "party": text(party), "asset": text(asset), "quantity": {Int: 4}, "location": text("IRQ;SYR"),
				"start": text("2021"), "end": text("2021-10"), "asset_months": {Int: 40}},
			{"ref": text("d2"), "party": text("NATO"), "asset": text("advisers"), "quantity": {Int: 500}, "location": text("IRQ"),
				"start": text("2018-10-15"), "end": {Empty: true}, "asset_months": {Int: 44000}},
			{"ref": text("d3"), "party": text("NLD"), "asset": text("trainers"), "quantity": {Int: 250, Qualifier: "about"},
				"location": text("IRQ"), "start": text("unknown"), "end": text("2021-10"), "asset_months": {Empty: true}},
		})
	// The stages of the money (the flows report's stages section): they
	// add up, pledged 130 = 50 committed + 5 disbursed on a pledge + 45 not
	// yet committed + 30 (DEU's, in a sector named like a party); committed
	// 120 = 50 on a pledge + 70 without one = 30 disbursed + 90 not yet.
	ms["flows"] = handModel("flows", stageColumns(), []model.Row{
		stageRow(party, sector, map[string]model.Cell{"pledge": amt("100.00"), "uncommitted": amt("45.00"),
			"committed_on_pledge": amt("50.00"), "undisbursed": amt("20.00"), "disbursed_on_commitment": amt("30.00"),
			"disbursed_on_pledge": amt("5.00")}),
		// A sector named like a party: its node must not be the party's.
		stageRow("DEU", "DEU", map[string]model.Cell{"pledge": amt("30.00"), "uncommitted": amt("30.00")}),
		stageRow("DEU", "demining", map[string]model.Cell{"disbursed_alone": amt("8.00")}),
		// A commitment without a pledge, as Belgium's in the demo.
		stageRow("FRA", "demining", map[string]model.Cell{"committed_alone": {Value: dec("70.00"), Int: 1, Qualifier: "at-least"},
			"undisbursed": {Value: dec("70.00"), Int: 1, Qualifier: "at-least"}}),
	})
	ms["flows"].Sections[0].Key = "stages"
	ms["timeline"] = handModel("timeline",
		[]model.Column{col("period", "text"), col("need", "amount"), col("pledge", "amount"), col("commitment", "amount"),
			col("disbursement", "amount"), col("deployment", "amount"), col("entries", "count")},
		[]model.Row{
			{"period": text("2015"), "need": {Empty: true}, "pledge": amt("10.00"), "commitment": {Empty: true},
				"disbursement": {Empty: true}, "deployment": {Empty: true}},
			{"period": text("2016"), "need": amt("700.00"), "pledge": {Empty: true}, "commitment": amt("5.00"),
				"disbursement": amt("5.00"), "deployment": {Empty: true}},
			{"period": text("2017"), "need": {Empty: true}, "pledge": model.Cell{Value: dec("20.00"), Int: 1, Qualifier: "about"},
				"commitment": {Empty: true}, "disbursement": {Empty: true}, "deployment": {Empty: true}},
		})
	if hostile {
		for _, m := range ms {
			m.Title += " " + injScript
			m.Notes = append(m.Notes, injImg)
			m.Provenance.RateSources = []model.RateSource{{Source: injScript, Entries: 1}}
		}
	}
	return ms
}

// stageColumns are the columns of the flows report's stages section.
func stageColumns() []model.Column {
	cols := []model.Column{col("party", "party"), col("sector", "list")}
	for _, k := range []string{"pledge", "uncommitted", "committed_on_pledge", "committed_alone", "undisbursed",
		"disbursed_on_commitment", "disbursed_on_pledge", "disbursed_alone"} {
		cols = append(cols, col(k, "amount"))
	}
	return cols
}

// stageRow is a row of the stages section: the cells given, the others
// empty.
func stageRow(party, sector string, cells map[string]model.Cell) model.Row {
	r := model.Row{"party": text(party), "sector": text(sector)}
	for _, c := range stageColumns()[2:] {
		if cell, ok := cells[c.Key]; ok {
			r[c.Key] = cell
		} else {
			r[c.Key] = model.Cell{Empty: true}
		}
	}
	return r
}

func handItems(hostile bool) []chart.Item {
	ms := handModels(hostile)
	var items []chart.Item
	for _, n := range chart.Names {
		items = append(items, chart.Item{Name: n, Model: ms[n]})
	}
	return items
}

func writePage(t testing.TB, it chart.Item, l *model.Lang, opt chart.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := chart.WritePage(&buf, it, l, opt); err != nil {
		t.Fatalf("%s: %v", it.Name, err)
	}
	return buf.Bytes()
}

func dashboard(t testing.TB, title string, items []chart.Item, l *model.Lang, opt chart.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := chart.WriteDashboard(&buf, title, items, l, opt); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// spec is what a page gives its script for a chart.
type spec struct {
	Format struct {
		ID       string     `json:"id"`
		Lang     string     `json:"lang"`
		Currency string     `json:"currency"`
		Tooltip  string     `json:"tooltip"`
		Money    []string   `json:"money"`
		Heads    [][]string `json:"heads"`
	} `json:"format"`
	Option map[string]any `json:"option"`
}

// specs reads the charts' data back from a page, as its script gets it.
func specs(t testing.TB, html []byte) []spec {
	t.Helper()
	const open, close = `<script type="application/json" id="pledger-charts">`, "</script>"
	s := string(html)
	i := strings.Index(s, open)
	if i < 0 {
		t.Fatal("no chart data in the page")
	}
	i += len(open)
	j := i + strings.Index(s[i:], close)
	var out []spec
	if err := json.Unmarshal([]byte(s[i:j]), &out); err != nil {
		t.Fatalf("the charts' data is not JSON: %v", err)
	}
	return out
}

// seriesOf returns the series of an option.
func seriesOf(t testing.TB, o map[string]any) []map[string]any {
	t.Helper()
	list, ok := o["series"].([]any)
	if !ok {
		t.Fatalf("no series in %v", o)
	}
	var out []map[string]any
	for _, s := range list {
		out = append(out, s.(map[string]any))
	}
	return out
}

// demoItems are every chart's report of the demo ledger, recorded at a
// fixed moment, in code's language and currency: real models, made by the
// engine and kept in testdata/demo-models.json (internal/chartrun checks
// that they are still what the engine makes), so that drawing them needs no
// ledger.
func demoItems(t testing.TB, code, cur string) []chart.Item {
	t.Helper()
	data, err := os.ReadFile("testdata/demo-models.json")
	if err != nil {
		t.Fatal(err)
	}
	var all map[string][]*model.Model
	if err := json.Unmarshal(data, &all); err != nil {
		t.Fatal(err)
	}
	ms := all[code+"/"+cur]
	if len(ms) != len(chart.Names) {
		t.Fatalf("testdata/demo-models.json has %d models for %s/%s", len(ms), code, cur)
	}
	var items []chart.Item
	for i, n := range chart.Names {
		items = append(items, chart.Item{Name: n, Model: ms[i]})
	}
	return items
}

func itemNamed(items []chart.Item, name string) chart.Item {
	for _, it := range items {
		if it.Name == name {
			return it
		}
	}
	panic(fmt.Sprintf("no item %s", name))
}
