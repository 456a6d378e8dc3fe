package chart

import "github.com/coalition/pledger/internal/model"

// The words the charts use live in the one message catalog
// (reports/i18n.json), under keys starting with "chart.", read through
// model.Lang like every other text.

// tr translates a chart word for l: the catalog key "chart."+key. A key
// missing there is a bug, caught by the tests, so it panics.
func tr(l *model.Lang, key string, args ...string) string {
	a := make([]any, len(args))
	for i, v := range args {
		a[i] = v
	}
	return l.T("chart."+key, a...)
}

// kindLabel names a kind the way the charts' legends do: "Pledged".
func kindLabel(l *model.Lang, kind string) string {
	if l.Has("chart.kind." + kind) {
		return tr(l, "kind."+kind)
	}
	return l.Kind(kind)
}
