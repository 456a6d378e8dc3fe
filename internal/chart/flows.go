package chart

import (
	"sort"
	"strconv"

	"github.com/coalition/pledger/internal/model"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
	"github.com/shopspring/decimal"
)

// flowNode is a node of the sankey diagram. Its id is unique across the
// columns ("sector:..." never meets "party:..." even when a sector is
// named like a party); its name is only what the label shows.
type flowNode struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Depth     int             `json:"depth"`
	Tip       []string        `json:"tip"`
	ItemStyle *opts.ItemStyle `json:"itemStyle,omitempty"`
}

// flowLink joins two nodes, by index.
type flowLink struct {
	Source int      `json:"source"`
	Target int      `json:"target"`
	Value  float64  `json:"value"`
	Tip    []string `json:"tip"`
}

// The stages of the money, as the flows report's stages section counts
// them (internal/report/stages.go): where each amount enters its chain,
// and where it goes from there.
var (
	// entries are the columns of money entering a chain, and the stage
	// it enters at.
	entries = []struct{ col, stage string }{
		{"pledge", "pledge"}, {"committed_alone", "commitment"}, {"disbursed_alone", "disbursement"},
	}
	// onward are the columns of money going on from a stage, and where to.
	onward = []struct{ col, from, to string }{
		{"committed_on_pledge", "pledge", "commitment"},
		{"disbursed_on_pledge", "pledge", "disbursement"},
		{"uncommitted", "pledge", "uncommitted"},
		{"disbursed_on_commitment", "commitment", "disbursement"},
		{"undisbursed", "commitment", "undisbursed"},
	}
	// stageDepth is the column of the diagram each stage stands in.
	stageDepth = map[string]int{"pledge": 2, "commitment": 3, "uncommitted": 3, "disbursement": 4, "undisbursed": 4}
)

// drawFlows draws the flows report's stages section as a sankey diagram:
// from member to sector to the stages of the money, pledged, committed and
// disbursed, with what each stage has not yet passed on. Each amount is
// counted once, where it enters its chain, so nothing is counted twice and
// the flows add up: a pledge enters at pledged, a commitment without a
// pledge (Belgium's) at committed, a disbursement without either at
// disbursed. The links from members to sectors are the rows of the
// section, those between stages its columns, summed exactly; the members
// beyond the top N by amount entering are one "others" node.
func drawFlows(c *canvas) error {
	need := []string{"party", "sector"}
	for _, e := range entries {
		need = append(need, e.col)
	}
	for _, o := range onward {
		need = append(need, o.col)
	}
	if err := c.need(need...); err != nil {
		return err
	}
	c.subtitle = tr(c.l, "sub.flows", strconv.Itoa(c.top))
	has := func(r model.Row, col string) bool {
		cell, ok := r[col]
		return ok && !cell.Empty && cell.Value.IsPositive()
	}

	// Members ranked by the money entering chains through them.
	var parties []string
	byParty := map[string]decimal.Decimal{}
	var rows []model.Row
	for _, r := range c.sec.Rows {
		in := false
		for _, e := range entries {
			if has(r, e.col) {
				in = true
				p := r["party"].Text
				if _, ok := byParty[p]; !ok {
					parties = append(parties, p)
				}
				byParty[p] = byParty[p].Add(r[e.col].Value)
			}
		}
		if in {
			rows = append(rows, r)
		}
	}
	c.empty = len(rows) == 0
	top, rest := ranked(parties, byParty, c.top)
	inTop := map[string]bool{}
	for _, p := range top {
		inTop[p] = true
	}

	var nodes []flowNode
	index := map[string]int{}
	node := func(depth int, id, name, colour string, tip ...string) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(nodes)
		nodes = append(nodes, flowNode{ID: id, Name: name, Depth: depth, Tip: tip,
			ItemStyle: &opts.ItemStyle{Color: colour, BorderColor: colour}})
		return index[id]
	}
	// Nodes in a fixed order, which the layout keeps: members as ranked,
	// then the others, sectors by the money through them, then the stages.
	for _, p := range top {
		node(0, "party:"+p, c.party(p), colours["need"], c.party(p))
	}
	if len(rest) > 0 {
		node(0, "party:*others*", c.othersLabel(rest), colours["others"], c.othersLabel(rest), c.othersTip(rest))
	}
	none := c.l.T("none")
	display := func(list string) string {
		if s := c.l.List("sector", list); s != "" {
			return s
		}
		return none
	}
	var sectors []string
	bySector := map[string]decimal.Decimal{}
	for _, r := range rows {
		s := r["sector"].Text
		if _, ok := bySector[s]; !ok {
			sectors = append(sectors, s)
		}
		for _, e := range entries {
			if has(r, e.col) {
				bySector[s] = bySector[s].Add(r[e.col].Value)
			}
		}
	}
	sectors, _ = ranked(sectors, bySector, len(sectors))
	for _, s := range sectors {
		node(1, "sector:"+s, display(s), "#98a3b0", display(s))
	}
	stageName := map[string]string{
		"pledge": kindLabel(c.l, "pledge"), "commitment": kindLabel(c.l, "commitment"), "disbursement": kindLabel(c.l, "disbursement"),
		"uncommitted": c.labels["uncommitted"], "undisbursed": c.labels["undisbursed"],
	}
	stageColour := map[string]string{"pledge": colours["pledge"], "commitment": colours["commitment"],
		"disbursement": colours["disbursement"], "uncommitted": colours["gap"], "undisbursed": colours["gap"]}
	// The stages that any money reaches, in a fixed order.
	for _, s := range []string{"pledge", "commitment", "uncommitted", "disbursement", "undisbursed"} {
		used := false
		for _, r := range c.sec.Rows {
			for _, e := range entries {
				used = used || e.stage == s && has(r, e.col)
			}
			for _, o := range onward {
				used = used || (o.from == s || o.to == s) && has(r, o.col)
			}
		}
		if used {
			node(stageDepth[s], "stage:"+s, stageName[s], stageColour[s], stageName[s])
		}
	}
	stage := func(s string) int { return index["stage:"+s] }

	// Links, each the exact sum of the cells it draws, in the order of the
	// columns they come from.
	type link struct {
		from, to int
		col      string
	}
	cells := map[link][]model.Cell{}
	var order []link
	add := func(l link, cell model.Cell) {
		if _, ok := cells[l]; !ok {
			order = append(order, l)
		}
		cells[l] = append(cells[l], cell)
	}
	for _, r := range rows {
		pid := "party:" + r["party"].Text
		if !inTop[r["party"].Text] {
			pid = "party:*others*"
		}
		p, s := index[pid], index["sector:"+r["sector"].Text]
		for _, e := range entries {
			if has(r, e.col) {
				add(link{p, s, e.col}, r[e.col])
			}
		}
	}
	for _, r := range rows {
		s := index["sector:"+r["sector"].Text]
		for _, e := range entries {
			if has(r, e.col) {
				add(link{s, stage(e.stage), e.col}, r[e.col])
			}
		}
	}
	// Onward from the stages: every row of the section (members with
	// nothing entering may still have money going on).
	for _, o := range onward {
		for _, r := range c.sec.Rows {
			if has(r, o.col) {
				add(link{stage(o.from), stage(o.to), o.col}, r[o.col])
			}
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].from != order[j].from {
			return order[i].from < order[j].from
		}
		return order[i].to < order[j].to
	})

	// Each node's tooltip: the figures through it, by column.
	through := map[int]map[string][]model.Cell{}
	var cols []string
	seenCol := map[string]bool{}
	note := func(n int, col string, cs []model.Cell) {
		if through[n] == nil {
			through[n] = map[string][]model.Cell{}
		}
		through[n][col] = append(through[n][col], cs...)
		if !seenCol[col] {
			seenCol[col] = true
			cols = append(cols, col)
		}
	}
	var links []flowLink
	c.table.head([]string{tr(c.l, "table.from"), tr(c.l, "table.to"), tr(c.l, "table.stage"), tr(c.l, "table.amount")}, 3)
	for _, l := range order {
		t := sum(cells[l])
		from, to := nodes[l.from].Name, nodes[l.to].Name
		line := c.line(c.labels[l.col], c.amount(t))
		links = append(links, flowLink{Source: l.from, Target: l.to, Value: drawn(t.Value),
			Tip: []string{tr(c.l, "flow.link", from, to), line}})
		c.table.row(from, to, c.labels[l.col], c.amount(t))
		if nodes[l.from].Depth == 0 { // a member: what leaves it
			note(l.from, l.col, cells[l])
		}
		note(l.to, l.col, cells[l]) // a sector or stage: what enters it
	}
	for i := range nodes {
		for _, col := range cols {
			if cs := through[i][col]; len(cs) > 0 {
				nodes[i].Tip = append(nodes[i].Tip, c.line(c.labels[col], c.amount(sum(cs))))
			}
		}
	}
	tallest := max(len(top)+min(len(rest), 1), len(sectors), 2)

	sk := charts.NewSankey()
	sk.SetGlobalOptions(c.base("item")...)
	sk.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	sk.MultiSeries = append(sk.MultiSeries, charts.SingleSeries{Name: c.m.Title, Type: types.ChartSankey,
		Data: nodes, Links: links, NodeWidth: opts.Int(14), NodeGap: opts.Int(14), NodeAlign: "justify",
		Left: "8", Right: "210", Top: "28", Bottom: "16"})
	c.format.Tooltip = "item"
	c.height = max(440, 60+40*tallest)
	return c.finish(sk, map[string]any{
		"series": []map[string]any{{
			"layoutIterations": 0,
			"draggable":        false,
			"emphasis":         map[string]any{"focus": "adjacency"},
			"lineStyle":        map[string]any{"color": "target", "opacity": 0.3, "curveness": 0.5},
			"label": map[string]any{"formatter": "{b}", "color": ink, "fontSize": 13, "fontFamily": fontFamily,
				"textBorderColor": "#ffffff", "textBorderWidth": 3, "width": 196, "overflow": "truncate"},
		}},
	})
}
