package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core (see axe/README.md: version, licence, checksum).
//
//go:embed axe/axe.min.js
var axeSource string

// Violation is one rule axe found broken on a page, with the elements that
// break it.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

// axeRun runs axe on the document with the WCAG 2.x A and AA rules and the
// best practices, and returns its violations, each with up to five of its
// elements.
const axeRun = `(async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
})()`

// Axe checks the page loaded in ctx with axe-core and returns the
// violations whose impact is serious or critical: missing labels and
// names, contrast, keyboard traps, a page without a lang attribute, and
// the like. The library is injected through the DevTools protocol, so the
// page's own Content-Security-Policy does not stop it.
func Axe(ctx context.Context) ([]Violation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === 'object'`))
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";\ntrue")); err != nil {
			return nil, fmt.Errorf("loading axe-core: %w", err)
		}
	}
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("running axe-core: %w", err)
	}
	var out []Violation
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			out = append(out, v)
		}
	}
	return out, nil
}
