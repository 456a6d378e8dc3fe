// Package chartrun makes the charts of pledger: it runs, for each chart,
// the catalog report it draws (internal/report) and hands the models to
// internal/chart. It is the one chart runner the CLI, the web app and the
// API share; the charts themselves stand on the report model alone.
package chartrun

import (
	"context"
	"maps"

	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
)

// Items makes the reports the named charts draw, with opt (each chart adds
// the report parameters it needs), in the order named.
func Items(ctx context.Context, s *store.Store, opt report.Options, names []string) ([]chart.Item, error) {
	items := make([]chart.Item, 0, len(names))
	for _, n := range names {
		rep, params, err := chart.Source(n)
		if err != nil {
			return nil, err
		}
		o := opt
		o.Params = maps.Clone(opt.Params)
		if o.Params == nil {
			o.Params = map[string]string{}
		}
		maps.Copy(o.Params, params)
		m, err := report.Run(ctx, s, rep, o)
		if err != nil {
			return nil, err
		}
		items = append(items, chart.Item{Name: n, Model: m})
	}
	return items, nil
}
