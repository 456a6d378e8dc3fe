package chart_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/shopspring/decimal"
)

func TestErrors(t *testing.T) {
	ms := handModels(false)
	en := lang(t, "en")
	var buf bytes.Buffer
	cases := []struct {
		name string
		err  error
	}{
		{"wrong report", chart.WritePage(&buf, chart.Item{Name: "summary", Model: ms["coverage"]}, en, chart.Options{})},
		{"no model", chart.WritePage(&buf, chart.Item{Name: "summary"}, en, chart.Options{})},
		{"unknown chart", chart.WritePage(&buf, chart.Item{Name: "pie", Model: ms["summary"]}, en, chart.Options{})},
		{"negative top", chart.WritePage(&buf, chart.Item{Name: "summary", Model: ms["summary"]}, en, chart.Options{TopN: -1})},
		{"no items", chart.WriteDashboard(&buf, "x", nil, en, chart.Options{})},
		{"twice", chart.WriteDashboard(&buf, "x", []chart.Item{{"summary", ms["summary"]}, {"summary", ms["summary"]}}, en, chart.Options{})},
	}
	for _, c := range cases {
		if !errors.Is(c.err, ledger.ErrInvalid) {
			t.Errorf("%s: %v, want an ErrInvalid", c.name, c.err)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("a failed page wrote %d bytes", buf.Len())
	}
	// A model without the columns a chart reads.
	m := *ms["summary"]
	m.Sections = []model.Section{{Key: "summary", Columns: []model.Column{col("party", "party")}}}
	if err := chart.WritePage(&buf, chart.Item{Name: "summary", Model: &m}, en, chart.Options{}); !errors.Is(err, ledger.ErrInvalid) ||
		!strings.Contains(err.Error(), "amount") {
		t.Errorf("missing columns: %v", err)
	}
}

// The same input gives the same bytes: no random ids, no clock.
func TestDeterministic(t *testing.T) {
	for _, hostile := range []bool{false, true} {
		for _, code := range model.Languages {
			l := lang(t, code)
			for _, opt := range []chart.Options{{}, {TopN: 1, Cumulative: true, Lines: true}} {
				for _, it := range handItems(hostile) {
					a, b := writePage(t, it, l, opt), writePage(t, handItems(hostile)[indexOf(it.Name)], l, opt)
					if !bytes.Equal(a, b) {
						t.Errorf("%s (%s, %+v): two pages differ", it.Name, code, opt)
					}
				}
				a := dashboard(t, "Dashboard", handItems(hostile), l, opt)
				b := dashboard(t, "Dashboard", handItems(hostile), l, opt)
				if !bytes.Equal(a, b) {
					t.Errorf("dashboard (%s, %+v): two pages differ", code, opt)
				}
			}
		}
	}
}

func indexOf(name string) int {
	for i, n := range chart.Names {
		if n == name {
			return i
		}
	}
	return -1
}

// What the charts draw, read back from the page as its script gets it.
func TestOptions(t *testing.T) {
	en := lang(t, "en")
	items := handItems(false)
	get := func(name string, opt chart.Options) spec {
		t.Helper()
		ss := specs(t, writePage(t, items[indexOf(name)], en, opt))
		if len(ss) != 1 {
			t.Fatalf("%s: %d charts in the page", name, len(ss))
		}
		if ss[0].Format.ID != "chart-"+name {
			t.Errorf("%s: chart id %q", name, ss[0].Format.ID)
		}
		if ss[0].Option["animation"] != false {
			t.Errorf("%s: animation %v, want false", name, ss[0].Option["animation"])
		}
		return ss[0]
	}

	t.Run("summary", func(t *testing.T) {
		s := get("summary", chart.Options{})
		series := seriesOf(t, s.Option)
		names := []string{}
		for _, x := range series {
			names = append(names, x["name"].(string))
		}
		if got := strings.Join(names, ","); got != "Pledged,Committed,Disbursed" {
			t.Errorf("series %s", got)
		}
		// DEU pledged most: first. Its need is not drawn.
		cats := axisData(t, s.Option, "yAxis")
		if strings.Join(cats, ",") != "Germany,Belgium" {
			t.Errorf("categories %v", cats)
		}
		pledged := series[0]["data"].([]any)
		if v := value(pledged[0]); v != 47309612.40 {
			t.Errorf("DEU pledged drawn as %v", v)
		}
		if tip := tipOf(pledged[1]); tip != "more than 18,000,000.00 EUR" {
			t.Errorf("BEL pledged tooltip %q", tip)
		}
		if v := value(series[1]["data"].([]any)[0]); v != "-" {
			t.Errorf("DEU committed drawn as %v, want nothing", v)
		}
		if tip := tipOf(series[1]["data"].([]any)[1]); tip != "12,000,000.50 EUR" {
			t.Errorf("BEL committed tooltip %q", tip)
		}
		if s.Format.Tooltip != "axis" || strings.Join(s.Format.Money, ",") != "xAxis" || s.Format.Currency != "EUR" {
			t.Errorf("format %+v", s.Format)
		}
	})

	t.Run("summary others", func(t *testing.T) {
		s := get("summary", chart.Options{TopN: 1})
		// Two parties, top 1: a group of one is shown as itself.
		if cats := axisData(t, s.Option, "yAxis"); len(cats) != 2 || cats[1] != "Belgium" {
			t.Errorf("categories %v", cats)
		}
	})

	t.Run("coverage", func(t *testing.T) {
		s := get("coverage", chart.Options{})
		series := seriesOf(t, s.Option)
		if series[0]["stack"] != "need" || series[1]["stack"] != "need" || series[2]["stack"] != nil {
			t.Errorf("stacks %v %v %v", series[0]["stack"], series[1]["stack"], series[2]["stack"])
		}
		gap := series[1]["data"].([]any)
		// The bar is the need: funded, then the gap (needed − funded).
		if v := value(series[0]["data"].([]any)[0]); v != 100.0 {
			t.Errorf("funded drawn as %v", v)
		}
		if v := value(gap[0]); v != 900.0 {
			t.Errorf("gap drawn as %v", v)
		}
		if v := value(gap[1]); v != 0.0 {
			t.Errorf("an over-funded need's gap drawn as %v, want 0", v)
		}
		if tip := tipOf(gap[1]); tip != "0.00 EUR" {
			t.Errorf("over-funded gap tooltip %q", tip)
		}
		label := gap[0].(map[string]any)["label"].(map[string]any)
		if label["formatter"] != "10.0% covered" {
			t.Errorf("covered label %v", label["formatter"])
		}
		if h := s.Format.Heads[0]; len(h) < 5 || h[1] != "Needed: 1,000.00 EUR" || h[2] != "Covered: 10.0%" || h[3] != "Pledged: 250.00 EUR" {
			t.Errorf("heads %q", h)
		}
	})

	t.Run("deployments", func(t *testing.T) {
		s := get("deployments", chart.Options{})
		series := seriesOf(t, s.Option)
		offset, closed, open := series[0]["data"].([]any), series[1]["data"].([]any), series[2]["data"].([]any)
		// 2021 to 2021-10: 2021-01-01 to 2021-11-01, in milliseconds.
		if v := value(offset[0]); v != 1609459200000.0 {
			t.Errorf("start drawn at %v", v)
		}
		if v := value(closed[0]); v != float64(304*24*3600*1000) {
			t.Errorf("span drawn as %v", v)
		}
		// Open-ended: 2018-10-15 to the end of the as-of day, 2026-01-15.
		if v := value(offset[1]).(float64) + value(open[1]).(float64); v != 1768521600000.0 {
			t.Errorf("open-ended end drawn at %v", v)
		}
		lines := fmt.Sprint(open[1].(map[string]any)["tip"])
		for _, want := range []string{"NATO · advisers", "Quantity: 500", "Location: Iraq", "End: open (drawn to 2026-01-15)", "Asset_months: 44,000"} {
			if !strings.Contains(lines, want) {
				t.Errorf("open-ended tooltip %s lacks %q", lines, want)
			}
		}
		if series[0]["silent"] != true {
			t.Errorf("the offset bars answer the mouse")
		}
		// Start unknown, until October 2021: drawn over October 2021 only,
		// in its own series, and the tooltip says so; no asset-months.
		unknown := series[3]["data"].([]any)
		if v := value(offset[2]); v != 1633046400000.0 {
			t.Errorf("unknown start drawn from %v, want 2021-10-01", v)
		}
		if v := value(unknown[2]); v != float64(31*24*3600*1000) {
			t.Errorf("unknown start drawn over %v, want October 2021", v)
		}
		if v := value(closed[2]); v != 0.0 {
			t.Errorf("unknown start also drawn as a closed deployment: %v", v)
		}
		tip := fmt.Sprint(unknown[2].(map[string]any)["tip"])
		for _, want := range []string{"Netherlands · trainers", "Quantity: about 250", "start unknown (only its end, 2021-10, is drawn)", "End: 2021-10"} {
			if !strings.Contains(tip, want) {
				t.Errorf("unknown-start tooltip %s lacks %q", tip, want)
			}
		}
		if strings.Contains(tip, "Asset_months") {
			t.Errorf("asset-months shown for an unknown start: %s", tip)
		}
	})

	t.Run("flows", func(t *testing.T) {
		s := get("flows", chart.Options{})
		sk := seriesOf(t, s.Option)[0]
		ids := map[string]int{}
		names := map[string]int{}
		var nodes []map[string]any
		for i, n := range sk["data"].([]any) {
			node := n.(map[string]any)
			id := node["id"].(string)
			if _, ok := ids[id]; ok {
				t.Errorf("node id %s twice", id)
			}
			ids[id] = i
			names[node["name"].(string)]++
			nodes = append(nodes, node)
		}
		if _, ok := ids["sector:DEU"]; !ok || names["DEU"] != 1 || names["Germany"] != 1 {
			t.Errorf("a sector named like a party must be its own node: %v", ids)
		}
		// France committed without a pledge: it enters at committed.
		in, out := map[string]float64{}, map[string]float64{}
		var fra []string
		for _, l := range sk["links"].([]any) {
			link := l.(map[string]any)
			from, to := nodes[int(link["source"].(float64))]["id"].(string), nodes[int(link["target"].(float64))]["id"].(string)
			v := link["value"].(float64)
			out[from] += v
			in[to] += v
			if from == "party:FRA" || from == "sector:demining" {
				fra = append(fra, from+" > "+to+": "+tipOf(link))
			}
		}
		want := []string{
			"party:FRA > sector:demining: France → Demining | Committed_alone: more than 70.00 EUR",
			"sector:demining > stage:commitment: Demining → Committed | Committed_alone: more than 70.00 EUR",
			"sector:demining > stage:disbursement: Demining → Disbursed | Disbursed_alone: 8.00 EUR",
		}
		if strings.Join(fra, "\n") != strings.Join(want, "\n") {
			t.Errorf("France's commitment flows\n%s\nwant\n%s", strings.Join(fra, "\n"), strings.Join(want, "\n"))
		}
		// The flows add up: what enters a stage leaves it.
		for stage, v := range map[string]float64{"stage:pledge": 130, "stage:commitment": 120} {
			if in[stage] != v || out[stage] != v {
				t.Errorf("%s: %v in, %v out, want %v", stage, in[stage], out[stage], v)
			}
		}
		if in["stage:disbursement"] != 43 || in["stage:uncommitted"] != 75 || in["stage:undisbursed"] != 90 {
			t.Errorf("disbursed %v, not yet committed %v, not yet disbursed %v", in["stage:disbursement"], in["stage:uncommitted"], in["stage:undisbursed"])
		}
		// Members enter with what they pledged, committed without a pledge
		// or disbursed without either.
		if out["party:BEL"] != 100 || out["party:DEU"] != 38 || out["party:FRA"] != 70 {
			t.Errorf("members' flows %v", out)
		}
		tip := tipOf(nodes[ids["stage:commitment"]])
		if tip != "Committed | Committed_alone: more than 70.00 EUR | Committed_on_pledge: 50.00 EUR" {
			t.Errorf("committed's tooltip %q", tip)
		}
	})

	t.Run("timeline", func(t *testing.T) {
		s := get("timeline", chart.Options{})
		series := seriesOf(t, s.Option)
		if series[0]["type"] != "bar" || len(series) != 4 { // no deployment cost: no series
			t.Errorf("%d series of %v", len(series), series[0]["type"])
		}
		c := get("timeline", chart.Options{Cumulative: true, Lines: true})
		cs := seriesOf(t, c.Option)
		pledged := cs[1]["data"].([]any)
		if cs[1]["type"] != "line" || value(pledged[1]) != 10.0 || value(pledged[2]) != 30.0 {
			t.Errorf("running pledged %v %v %v", cs[1]["type"], value(pledged[1]), value(pledged[2]))
		}
		if tip := tipOf(pledged[2]); tip != "30.00 EUR (approximate)" {
			t.Errorf("running total tooltip %q", tip)
		}
		// Before the first need, its running total is zero: no tooltip.
		if need := cs[0]["data"].([]any)[0]; value(need) != 0.0 || tipOf(need) != "" {
			t.Errorf("a need before any need drawn as %v, %q", value(need), tipOf(need))
		}
		b := get("timeline", chart.Options{Cumulative: true})
		if v := value(seriesOf(t, b.Option)[0]["data"].([]any)[0]); v != "-" {
			t.Errorf("a need before any need drawn as a bar of %v", v)
		}
	})
}

func axisData(t *testing.T, o map[string]any, axis string) []string {
	t.Helper()
	a := o[axis].([]any)[0].(map[string]any)
	var out []string
	for _, d := range a["data"].([]any) {
		out = append(out, d.(string))
	}
	return out
}

func value(item any) any {
	if m, ok := item.(map[string]any); ok {
		return m["value"]
	}
	return item
}

func tipOf(item any) string {
	m, ok := item.(map[string]any)
	if !ok || m["tip"] == nil {
		return ""
	}
	var parts []string
	for _, s := range m["tip"].([]any) {
		parts = append(parts, s.(string))
	}
	return strings.Join(parts, " | ")
}

// Ledger text never becomes markup or code in the page.
func TestInjection(t *testing.T) {
	// Where each chart has hostile text: party names, sectors (coverage's
	// tooltips, flows' nodes) and assets.
	expect := map[string][]string{
		"summary":     {injScript},
		"coverage":    {injScript, injImg},
		"deployments": {injScript, injFunc},
		"flows":       {injScript, injImg},
		"dashboard":   {injScript, injImg, injFunc},
	}
	for _, code := range model.Languages {
		l := lang(t, code)
		pages := map[string][]byte{"dashboard": dashboard(t, "Dashboard "+injScript, handItems(true), l, chart.Options{})}
		for _, it := range handItems(true) {
			pages[it.Name] = writePage(t, it, l, chart.Options{TopN: 1})
		}
		for name, html := range pages {
			s := strings.ToLower(string(html))
			for _, raw := range []string{"</script><script>", "<img src=x", "<script>document"} {
				if strings.Contains(s, raw) {
					t.Errorf("%s (%s): %q is in the page as markup", name, code, raw)
				}
			}
			if n := strings.Count(s, "<script"); n != 3 {
				t.Errorf("%s (%s): %d script elements, want 3 (the data, ECharts and the page's)", name, code, n)
			}
			// The hostile text is in the charts' data, as strings.
			found := map[string]bool{}
			for _, sp := range specs(t, html) {
				walk(sp.Option, func(v string) { found[v] = true })
				for _, h := range sp.Format.Heads {
					for _, v := range h {
						found[v] = true
					}
				}
			}
			all := strings.Join(keys(found), "\n")
			for _, want := range expect[name] {
				if !strings.Contains(all, want) {
					t.Errorf("%s (%s): %q is not among the charts' strings", name, code, want)
				}
			}
		}
	}
}

func walk(v any, fn func(string)) {
	switch x := v.(type) {
	case string:
		fn(x)
	case []any:
		for _, e := range x {
			walk(e, fn)
		}
	case map[string]any:
		for _, e := range x {
			walk(e, fn)
		}
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// The page loads nothing: no URL in its markup, and the only scripts are
// inline: ECharts, and the page's own (which makes a URL only of the chart's
// own image, to save it).
func TestOffline(t *testing.T) {
	html := string(dashboard(t, "Dashboard", handItems(false), lang(t, "en"), chart.Options{}))
	markup := html
	for _, f := range []string{"assets/echarts.min.js", "draw.js"} {
		lib, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(markup, string(lib))
		if i < 0 {
			t.Fatalf("%s is not inlined as it is", f)
		}
		markup = markup[:i] + markup[i+len(lib):]
	}
	for _, re := range []string{`(?i)\b(src|href|action|poster|srcset|data)\s*=`, `(?i)https?:`, `(?i)url\(`, `(?i)@import`, `(?i)<link\b`, `(?i)<(iframe|object|embed|img)\b`} {
		if m := regexp.MustCompile(re).FindString(markup); m != "" {
			t.Errorf("the page's markup has %q", m)
		}
	}
	draw, err := os.ReadFile("draw.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, re := range []string{`(?i)https?:`, `(?i)\b(fetch|XMLHttpRequest|import|WebSocket|EventSource|sendBeacon)\b`, `(?i)\bsrc\b`} {
		if m := regexp.MustCompile(re).FindString(string(draw)); m != "" {
			t.Errorf("the page's script has %q", m)
		}
	}
	if n := strings.Count(string(draw), ".href = "); n != 1 || !strings.Contains(string(draw), "a.href = inst.getDataURL(") {
		t.Errorf("the page's script links to something else than the chart's image")
	}
}

// The page's two scripts are the same on every page, so that a
// Content-Security-Policy can allow them by hash; what varies is data.
func TestScriptsFixed(t *testing.T) {
	re := regexp.MustCompile(`(?s)<script>(.*?)</script>`)
	en := lang(t, "en")
	a := re.FindAllSubmatch(dashboard(t, "A", handItems(false), en, chart.Options{}), -1)
	b := re.FindAllSubmatch(writePage(t, handItems(true)[1], lang(t, "fr"), chart.Options{Lines: true}), -1)
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("%d and %d executable scripts, want 2", len(a), len(b))
	}
	for i := range a {
		if !bytes.Equal(a[i][1], b[i][1]) {
			t.Errorf("script %d differs between pages", i)
		}
	}
}

// The vendored library is the one assets/README.md names, and can sit in a
// <script> element.
func TestLibrary(t *testing.T) {
	lib, err := os.ReadFile("assets/echarts.min.js")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lib)
	got := hex.EncodeToString(sum[:])
	readme, err := os.ReadFile("assets/README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), got) {
		t.Errorf("assets/echarts.min.js has sha256 %s, which assets/README.md does not give", got)
	}
	const want = "b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0" // echarts 6.1.0
	if got != want {
		t.Errorf("assets/echarts.min.js has sha256 %s, want %s (ECharts 6.1.0): update this test with the README", got, want)
	}
	low := bytes.ToLower(lib)
	for _, bad := range []string{"</script", "<script", "<!--"} {
		if bytes.Contains(low, []byte(bad)) {
			t.Errorf("the library contains %q: it cannot be inlined in a <script> element", bad)
		}
	}
	for _, f := range []string{"assets/LICENSE", "assets/NOTICE", "assets/LICENSE-d3"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("the library's licence files must travel with it: %v", err)
		}
	}
}

// Every chart text exists in every report language, with the same verbs.
func TestWords(t *testing.T) {
	var buf bytes.Buffer
	for _, code := range model.Languages {
		l := lang(t, code)
		for _, it := range handItems(false) {
			buf.Reset()
			if err := chart.WritePage(&buf, it, l, chart.Options{TopN: 1, Cumulative: true}); err != nil {
				t.Fatalf("%s %s: %v", it.Name, code, err)
			}
			if !strings.Contains(buf.String(), `lang="`+code+`"`) {
				t.Errorf("%s %s: the page is not in %s", it.Name, code, code)
			}
		}
	}
}

// Eighty parties: the top N, then one "others" bar that sums the rest
// exactly, each with room for its label.
func TestManyParties(t *testing.T) {
	m := manyParties(80)
	total := decimal.Zero
	for _, r := range m.Sections[0].Rows[:3*60] {
		if r["kind"].Text == "pledge" {
			total = total.Add(r["amount"].Value)
		}
	}
	html := writePage(t, chart.Item{Name: "summary", Model: m}, lang(t, "en"), chart.Options{})
	s := specs(t, html)[0]
	cats := axisData(t, s.Option, "yAxis")
	if len(cats) != 21 || cats[0] != "P79" || cats[20] != "Others (60)" {
		t.Fatalf("categories %v", cats)
	}
	others := seriesOf(t, s.Option)[0]["data"].([]any)[20]
	if tip := tipOf(others); tip != "61,770.60 EUR" || total.StringFixed(2) != "61770.60" {
		t.Errorf("others: %q, want the exact sum %s", tip, total.StringFixed(2))
	}
	if h := s.Format.Heads[20]; len(h) != 2 || !strings.HasPrefix(h[1], "60 parties: P59, P58") || !strings.HasSuffix(h[1], "…") {
		t.Errorf("others' tooltip head %q", h)
	}
	if height := heightOf(t, html, "chart-summary"); height/len(cats) < 30 {
		t.Errorf("%d px for %d bars of parties: their labels would touch", height, len(cats))
	}
}

// manyParties is a summary of n parties, P00 to P(n-1), each with a
// pledge, a commitment and a disbursement; the later the larger.
func manyParties(n int) *model.Model {
	var rows []model.Row
	for i := range n {
		v := decimal.New(int64(1000+i), 0).Add(decimal.New(1, -2))
		p := text(fmt.Sprintf("P%02d", i))
		rows = append(rows,
			model.Row{"party": p, "kind": text("pledge"), "amount": model.Cell{Value: v, Int: 1}},
			model.Row{"party": p, "kind": text("commitment"), "amount": model.Cell{Value: v.Div(decimal.New(2, 0)), Int: 1}},
			model.Row{"party": p, "kind": text("disbursement"), "amount": model.Cell{Value: v.Div(decimal.New(3, 0)).Round(2), Int: 1}})
	}
	return handModel("summary", []model.Column{col("party", "party"), col("kind", "kind"), col("amount", "amount")}, rows)
}

func heightOf(t *testing.T, html []byte, id string) int {
	t.Helper()
	m := regexp.MustCompile(`id="` + id + `"[^>]*style="height: (\d+)px"`).FindSubmatch(html)
	if m == nil {
		t.Fatalf("no height for %s", id)
	}
	var h int
	fmt.Sscan(string(m[1]), &h)
	return h
}

// A report with no rows draws an empty chart and says so.
func TestEmpty(t *testing.T) {
	for _, it := range handItems(false) {
		m := *it.Model
		m.Sections = []model.Section{{Key: m.Sections[0].Key, Columns: m.Sections[0].Columns}}
		m.Lang = "nl"
		html := string(writePage(t, chart.Item{Name: it.Name, Model: &m}, nil, chart.Options{}))
		if !strings.Contains(html, "Niets te tekenen") {
			t.Errorf("%s: an empty chart does not say so (in the model's language)", it.Name)
		}
		if len(specs(t, []byte(html))) != 1 {
			t.Errorf("%s: no chart", it.Name)
		}
	}
}

// Each chart is followed by a table of the figures it draws, written as
// its tooltips write them, from the model.
func TestDataTables(t *testing.T) {
	en := lang(t, "en")
	items := handItems(false)
	want := map[string][]string{
		"summary": {
			`<caption>Data of the chart: Hand-made summary</caption>`,
			`<thead><tr><th scope="col">Party</th><th scope="col" class="num">Pledged</th><th scope="col" class="num">Committed</th><th scope="col" class="num">Disbursed</th></tr></thead>`,
			`<tr><th scope="row">Germany</th><td class="num">47,309,612.40 EUR</td><td class="num"></td><td class="num"></td></tr>`,
			`<tr><th scope="row">Belgium</th><td class="num">more than 18,000,000.00 EUR</td><td class="num">12,000,000.50 EUR</td><td class="num">3,000,000.25 EUR</td></tr>`,
		},
		"coverage": {
			`<tr><th scope="row">need-2 (United Nations, 2022-03, Demining)</th><td class="num">100.00 EUR</td><td class="num">120.00 EUR</td><td class="num">0.00 EUR</td><td class="num">120.0%</td><td class="num">0.00 EUR</td></tr>`,
		},
		"deployments": {
			`<tr><th scope="row">NATO · advisers</th><td class="num">500</td><td>Iraq</td><td>2018-10-15</td><td>open (drawn to 2026-01-15)</td><td class="num">44,000</td></tr>`,
		},
		"flows": {
			`<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Stage</th><th scope="col" class="num">Amount</th></tr></thead>`,
			`<tr><th scope="row">France</th><td>Demining</td><td>Committed_alone</td><td class="num">more than 70.00 EUR</td></tr>`,
			`<tr><th scope="row">Pledged</th><td>Committed</td><td>Committed_on_pledge</td><td class="num">50.00 EUR</td></tr>`,
		},
		"timeline": {
			`<tr><th scope="row">2017</th><td class="num"></td><td class="num">about 20.00 EUR</td><td class="num"></td><td class="num"></td></tr>`,
		},
	}
	for _, it := range items {
		html := string(writePage(t, it, en, chart.Options{}))
		for _, w := range want[it.Name] {
			if !strings.Contains(html, w) {
				t.Errorf("%s: the data table lacks\n%s", it.Name, w)
			}
		}
		if !strings.Contains(html, `<div id="data-`+it.Name+`" class="table sr-only">`) {
			t.Errorf("%s: the table is not in the page for screen readers", it.Name)
		}
	}
	// A chart with nothing to draw has no table (its page says so).
	m := *items[0].Model
	m.Sections = []model.Section{{Key: "summary", Columns: m.Sections[0].Columns}}
	if html := writePage(t, chart.Item{Name: "summary", Model: &m}, en, chart.Options{}); bytes.Contains(html, []byte("<table id=")) {
		t.Errorf("an empty chart has a data table")
	}
}

// A dashboard folder is written whole or not at all.
func TestFolderErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dash")
	ms := handModels(false)
	_, err := chart.WriteFolder(dir, "", []chart.Item{{Name: "summary", Model: ms["summary"]}, {Name: "flows", Model: ms["summary"]}}, lang(t, "en"), chart.Options{})
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("a wrong report: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a failed folder left %s behind (%v)", dir, err)
	}
}

// fullDisk accepts n bytes, then fails as a full disk does.
type fullDisk struct {
	w io.Writer
	n *int // room left on the disk, shared by every file
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > *d.n {
		k, _ := d.w.Write(p[:*d.n])
		*d.n = 0
		return k, syscall.ENOSPC
	}
	*d.n -= len(p)
	return d.w.Write(p)
}

// On a full disk, a dashboard leaves every file it was writing as it was
// (the old one, or none): no cut-off or empty file, no temporary file.
func TestFolderFullDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dash")
	ms := handModels(false)
	items := []chart.Item{{Name: "summary", Model: ms["summary"]}}
	if _, err := chart.WriteFolder(dir, "", items, lang(t, "en"), chart.Options{}); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		before[e.Name()] = b
	}
	// No room; some room; room for the library but not the pages.
	for _, room := range []int{0, 1000, len(before[chart.LibraryFile]) + 100} {
		left := room
		restore := chart.SetWriteHook(func(w io.Writer) io.Writer { return &fullDisk{w: w, n: &left} })
		_, err := chart.WriteFolder(dir, "Another title", items, lang(t, "en"), chart.Options{})
		restore()
		if !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("room %d: %v", room, err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			old, ok := before[e.Name()]
			if !ok || len(b) == 0 {
				t.Errorf("room %d: %s left behind (%d bytes)", room, e.Name(), len(b))
			} else if !bytes.Equal(b, old) && !strings.HasPrefix(e.Name(), "echarts") {
				t.Errorf("room %d: %s changed although the dashboard failed before it", room, e.Name())
			}
		}
	}
}
