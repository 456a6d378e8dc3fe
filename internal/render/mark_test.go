package render

import (
	"strings"
	"testing"
)

// TestIllustrativeMark: a model that counts illustrative entries is marked
// by every format, and one that counts none by none.
func TestIllustrativeMark(t *testing.T) {
	for _, lang := range []string{"en", "nl", "fr"} {
		m, l := sample(t, lang)
		mark := l.T("mark.illustrative")
		for _, format := range Formats {
			if got := render(t, m, format, l); strings.Contains(got, mark) {
				t.Errorf("%s %s: marked without illustrative entries", lang, format)
			}
		}
		m.Illustrative, m.Mark = 2, mark
		for _, format := range Formats {
			got := render(t, m, format, l)
			switch format {
			case "csv":
				// A table of data: the mark is in every other format.
			case "xlsx":
				if !strings.Contains(got, "title: "+m.Title+" "+mark+"\n") || !strings.Contains(got, `A1 text "`+m.Title+" "+mark+`" bold`) {
					t.Errorf("%s xlsx: no mark in the title:\n%s", lang, got)
				}
			case "json":
				if !strings.Contains(got, `"title_mark": "`+mark+`"`) || !strings.Contains(got, `"illustrative_entries": 2,`) {
					t.Errorf("%s json: no mark or count:\n%s", lang, got)
				}
			case "html":
				if !strings.Contains(got, `<p class="mark">`+mark+`</p>`) {
					t.Errorf("%s html: no mark under the title", lang)
				}
			default: // table, md: on the title line
				if first, _, _ := strings.Cut(got, "\n"); !strings.HasSuffix(first, m.Title+" "+mark) {
					t.Errorf("%s %s: title line %q", lang, format, first)
				}
			}
		}
	}
}
