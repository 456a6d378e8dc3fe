package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// upload posts a CSV file to the import preview with the given form fields.
func (b *browser) upload(name, content string, fields ...string) (int, string) {
	b.e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf("/import"))
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write([]byte(content))
	mw.Close()
	resp, err := b.c.Post(b.e.srv.URL+"/import", mw.FormDataContentType(), &buf)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

var commitRE = regexp.MustCompile(`action="(/import/[^"]+/commit)"`)

// TestImportPreviewAmend: the preview lists every row, a correction field by
// field; a correction needs a reason; the commit changes only the columns
// the file has.
func TestImportPreviewAmend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.login("officer")
		before, err := e.st.Current(ctx, "bel-com-2016-stab")
		if err != nil {
			t.Fatal(err)
		}
		file := "ref,kind,party,date,end,amount,currency\n" +
			"bel-com-2016-stab,commitment,BEL,2016,2021,18500000,EUR\n" +
			"web-new-1,pledge,NLD,2021,,100,EUR\n"

		st, body := b.upload("corrections.csv", file, "amend", "on")
		if st != 400 || !strings.Contains(body, "reason: required") {
			t.Errorf("amend without a reason: %d\n%s", st, body)
		}

		st, body = b.upload("corrections.csv", file)
		text := html.UnescapeString(body)
		if st != 400 || !strings.Contains(text, "amount 18000000.00 -> 18500000.00") || !strings.Contains(text, "to record this row as a correction") {
			t.Errorf("without amend: want the row refused with what differs, got %d\n%s", st, text)
		}

		st, body = b.upload("corrections.csv", file, "amend", "on", "reason", "budget review")
		text = html.UnescapeString(body)
		if st != 200 {
			t.Fatalf("preview: %d\n%s", st, body)
		}
		for _, want := range []string{"committing adds 1, amends 1, leaves 0 unchanged",
			"<td>2</td><td>bel-com-2016-stab</td><td>amend</td>", "<li>amount 18000000.00 -> 18500000.00</li>",
			"<td>3</td><td>web-new-1</td><td>new</td>"} {
			if !strings.Contains(text, want) {
				t.Errorf("preview lacks %q:\n%s", want, text)
			}
		}
		m := commitRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no commit form:\n%s", body)
		}
		if st, out := b.post(m[1], map[string][]string{"csrf": {b.csrf("/import")}}); st != 200 || !strings.Contains(out, "1 amended") {
			t.Fatalf("commit: %d\n%s", st, out)
		}
		after, err := e.st.Current(ctx, "bel-com-2016-stab")
		if err != nil {
			t.Fatal(err)
		}
		if after.Rev != before.Rev+1 || after.Reason != "budget review" || after.Entry.Amount.Decimal.StringFixed(2) != "18500000.00" {
			t.Errorf("after the commit: rev %d reason %q amount %v", after.Rev, after.Reason, after.Entry.Amount)
		}
		if after.Entry.Source != before.Entry.Source || after.Entry.Note != before.Entry.Note || after.Entry.Qualifier != before.Entry.Qualifier ||
			strings.Join(after.Entry.Sectors, ";") != strings.Join(before.Entry.Sectors, ";") ||
			strings.Join(after.Entry.Locations, ";") != strings.Join(before.Entry.Locations, ";") {
			t.Errorf("columns the file lacks changed:\nbefore %+v\nafter  %+v", before.Entry, after.Entry)
		}
	})
}
