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

// drawFlows draws the flows report (rows of party, sector, location and an
// amount per kind) as a sankey diagram from member to sector to location.
// It draws one kind, pledged, so that no money is counted twice through its
// stages. The links are the rows summed per pair of nodes; the parties
// beyond the top N by amount pledged are one "others" node.
func drawFlows(c *canvas) error {
	if err := c.need("party", "sector", "location", "pledge"); err != nil {
		return err
	}
	c.subtitle = tr(c.l, "sub.flows", strconv.Itoa(c.top))
	type row struct {
		party, sector, location string
		cell                    model.Cell
	}
	var rows []row
	var parties []string
	byParty := map[string]decimal.Decimal{}
	for _, r := range c.sec.Rows {
		cell := r["pledge"]
		if cell.Empty || !cell.Value.IsPositive() {
			continue
		}
		p := r["party"].Text
		if _, ok := byParty[p]; !ok {
			parties = append(parties, p)
		}
		byParty[p] = byParty[p].Add(cell.Value)
		rows = append(rows, row{p, r["sector"].Text, r["location"].Text, cell})
	}
	c.empty = len(rows) == 0
	top, rest := ranked(parties, byParty, c.top)
	inTop := map[string]bool{}
	for _, p := range top {
		inTop[p] = true
	}

	var nodes []flowNode
	index := map[string]int{}
	node := func(depth int, id, name string, tipHead ...string) int {
		if i, ok := index[id]; ok {
			return i
		}
		index[id] = len(nodes)
		colour := []string{colours["pledge"], "#5b86c2", "#98b4dc"}[depth]
		nodes = append(nodes, flowNode{ID: id, Name: name, Depth: depth, Tip: tipHead,
			ItemStyle: &opts.ItemStyle{Color: colour, BorderColor: colour}})
		return index[id]
	}
	// Nodes in a fixed order, which the layout keeps: parties as ranked,
	// then the others, then sectors and locations.
	for _, p := range top {
		node(0, "party:"+p, c.party(p), c.party(p))
	}
	if len(rest) > 0 {
		node(0, "party:*others*", c.othersLabel(rest), c.othersLabel(rest), c.othersTip(rest))
	}
	none := c.l.T("none")
	display := func(col, list string) string {
		if s := c.l.List(col, list); s != "" {
			return s
		}
		return none
	}
	// Sectors and locations by the amount through them, largest first,
	// as the parties are.
	var sectors, locations []string
	bySector, byLocation := map[string]decimal.Decimal{}, map[string]decimal.Decimal{}
	for _, r := range rows {
		if _, ok := bySector[r.sector]; !ok {
			sectors = append(sectors, r.sector)
		}
		bySector[r.sector] = bySector[r.sector].Add(r.cell.Value)
		if _, ok := byLocation[r.location]; !ok {
			locations = append(locations, r.location)
		}
		byLocation[r.location] = byLocation[r.location].Add(r.cell.Value)
	}
	sectors, _ = ranked(sectors, bySector, len(sectors))
	locations, _ = ranked(locations, byLocation, len(locations))
	for _, s := range sectors {
		node(1, "sector:"+s, display("sector", s), display("sector", s))
	}
	for _, l := range locations {
		node(2, "location:"+l, display("location", l), display("location", l))
	}

	// Links: the rows' amounts summed per pair of nodes, exactly.
	type pair struct{ from, to int }
	cells := map[pair][]model.Cell{}
	var order []pair
	add := func(p pair, cell model.Cell) {
		if _, ok := cells[p]; !ok {
			order = append(order, p)
		}
		cells[p] = append(cells[p], cell)
	}
	out := map[int][]model.Cell{} // node -> the cells flowing through it
	for _, r := range rows {
		pid := "party:" + r.party
		if !inTop[r.party] {
			pid = "party:*others*"
		}
		p, s, l := index[pid], index["sector:"+r.sector], index["location:"+r.location]
		add(pair{p, s}, r.cell)
		add(pair{s, l}, r.cell)
		out[p] = append(out[p], r.cell)
		out[s] = append(out[s], r.cell)
		out[l] = append(out[l], r.cell)
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].from != order[j].from {
			return order[i].from < order[j].from
		}
		return order[i].to < order[j].to
	})
	pledgedLabel := kindLabel(c.l, "pledge")
	var links []flowLink
	for _, p := range order {
		t := sum(cells[p])
		links = append(links, flowLink{Source: p.from, Target: p.to, Value: drawn(t.Value),
			Tip: []string{tr(c.l, "flow.link", nodes[p.from].Name, nodes[p.to].Name), c.line(pledgedLabel, c.amount(t))}})
	}
	tallest := 0
	for i := range nodes {
		nodes[i].Tip = append(nodes[i].Tip, c.line(pledgedLabel, c.amount(sum(out[i]))))
	}
	for _, n := range []int{len(index) - len(sectors) - len(locations), len(sectors), len(locations)} {
		tallest = max(tallest, n)
	}

	sk := charts.NewSankey()
	sk.SetGlobalOptions(c.base("item")...)
	sk.SetGlobalOptions(charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))
	sk.MultiSeries = append(sk.MultiSeries, charts.SingleSeries{Name: pledgedLabel, Type: types.ChartSankey,
		Data: nodes, Links: links, NodeWidth: opts.Int(14), NodeGap: opts.Int(12), NodeAlign: "justify",
		Left: "8", Right: "190", Top: "16", Bottom: "16"})
	c.format.Tooltip = "item"
	c.height = max(420, 40+40*tallest)
	return c.finish(sk, map[string]any{
		"series": []map[string]any{{
			"layoutIterations": 0,
			"draggable":        false,
			"emphasis":         map[string]any{"focus": "adjacency"},
			"lineStyle":        map[string]any{"color": colours["pledge"], "opacity": 0.28, "curveness": 0.5},
			"label": map[string]any{"formatter": "{b}", "color": ink, "fontSize": 13, "fontFamily": fontFamily,
				"textBorderColor": "#ffffff", "textBorderWidth": 3, "width": 220, "overflow": "truncate"},
		}},
	})
}
