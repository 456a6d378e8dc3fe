package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// TestTextRulesWeb: the web's doors (the entry form, the void form, the
// JSON API, a CSV or Excel upload, the parties and rates forms) refuse a
// NUL, an escape sequence, a bidirectional override, an overlong value and
// a bad ref with the field named, through the same ledger rules as the
// command line, and write nothing.
func TestTextRulesWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		e := newEnv(t, engine, Config{})
		tok := e.tokens[access.Officer]
		head := func() string {
			h, err := e.st.Head(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return h.StateText()
		}
		before := head()
		unchanged := func(what string) {
			t.Helper()
			if now := head(); now != before {
				t.Errorf("%s: the ledger changed (%s -> %s)", what, before, now)
			}
		}

		// The JSON API: a JSON string may hold \u0000 and \u001b.
		for _, c := range []struct{ name, body, want string }{
			{"NUL in note", `{"ref":"api-t1","kind":"pledge","party":"NLD","date":"2021","amount":"1.00","currency":"EUR","note":"a\u0000b"}`,
				`"field":"note","code":"bad_character","value":"U+0000","problem":"a control character (U+0000) at character 2: remove it"`},
			{"NUL in source", `{"ref":"api-t1","kind":"pledge","party":"NLD","date":"2021","amount":"1.00","currency":"EUR","source":"x\u0000"}`,
				`"field":"source","code":"bad_character","value":"U+0000"`},
			{"NUL in asset", `{"ref":"api-t1","kind":"deployment","party":"NLD","date":"2021","quantity":"4","asset":"F\u000016"}`,
				`"field":"asset","code":"bad_character","value":"U+0000"`},
			{"ESC in note", `{"ref":"api-t1","kind":"pledge","party":"NLD","date":"2021","amount":"1.00","currency":"EUR","note":"\u001b[2J"}`,
				`"field":"note","code":"bad_character","value":"U+001B"`},
			{"bidi override in title", `{"ref":"api-t1","kind":"need","party":"UN","date":"2021","amount":"1.00","currency":"EUR","title":"a\u202eb"}`,
				`"field":"title","code":"bad_character","value":"U+202E"`},
			{"overlong asset", `{"ref":"api-t1","kind":"deployment","party":"NLD","date":"2021","quantity":"4","asset":"` + strings.Repeat("a", 201) + `"}`,
				`"field":"asset","problem":"too long (200 characters at most)"`},
			{"ref ..", `{"ref":"..","kind":"pledge","party":"NLD","date":"2021","amount":"1.00","currency":"EUR"}`,
				`"field":"ref","problem":"\"..\": a ref starts with a letter or a digit`},
			{"ref .", `{"ref":".","kind":"pledge","party":"NLD","date":"2021","amount":"1.00","currency":"EUR"}`,
				`"field":"ref","problem":"\".\": a ref starts with a letter or a digit`},
			{"quantity above the limit", `{"ref":"api-t1","kind":"deployment","party":"NLD","date":"2021","quantity":"9223372036854775807","asset":"F-16"}`,
				`"field":"quantity","problem":"9223372036854775807 is more than 1000000000000, the largest quantity: check the figure"`},
		} {
			st, out, _ := e.api("POST", "/api/v1/entries", tok, c.body)
			if st != http.StatusBadRequest || !strings.Contains(out, c.want) {
				t.Errorf("API %s: %d %s, want 400 with %s", c.name, st, out, c.want)
			}
			unchanged("API " + c.name)
		}
		const ref = "bel-pledge-2021-stab"
		for _, c := range []struct{ name, path, body, want string }{
			{"amend reason with a line break", "/api/v1/entries/" + ref + "/amend", `{"changes":{"note":"x"},"reason":"ok\nrevision 9 (void) by admin"}`,
				`"field":"reason","code":"bad_character","value":"U+000A","problem":"a line break (U+000A) at character 3: write it on one line (only a note may have line breaks)"`},
			{"amend note with NUL", "/api/v1/entries/" + ref + "/amend", `{"changes":{"note":"x\u0000"},"reason":"r"}`,
				`"field":"note","code":"bad_character","value":"U+0000"`},
			{"void reason with ESC", "/api/v1/entries/" + ref + "/void", `{"reason":"dup\u001b[2J"}`,
				`"field":"reason","code":"bad_character","value":"U+001B"`},
			{"rate source with NUL", "/api/v1/rates", `{"date":"2021-01-04","base":"EUR","quote":"USD","rate":"1.2296","source":"ECB\u0000"}`,
				`"field":"source","code":"bad_character","value":"U+0000"`},
		} {
			st, out, _ := e.api("POST", c.path, tok, c.body)
			if st != http.StatusBadRequest || !strings.Contains(out, c.want) {
				t.Errorf("API %s: %d %s, want 400 with %s", c.name, st, out, c.want)
			}
			unchanged("API " + c.name)
		}

		// The forms.
		b := e.browser()
		b.login("officer")
		for _, c := range []struct {
			name   string
			fields map[string]string
			want   string
		}{
			{"ESC in source", map[string]string{"source": "x\x1b[31m"}, "a control character (U+001B) at character 2: remove it"},
			{"NUL in note", map[string]string{"note": "a\x00b"}, "a control character (U+0000) at character 2: remove it"},
			{"bidi isolate in note", map[string]string{"note": "a\u2066b"}, "a bidirectional control character (U+2066) at character 2"},
			{"overlong source", map[string]string{"source": strings.Repeat("s", 2001)}, "too long (2000 characters at most)"},
			{"ref ..", map[string]string{"ref": ".."}, `"..": a ref starts with a letter or a digit`},
		} {
			form := url.Values{"csrf": {b.csrf("/entries/new")}, "kind": {"pledge"}, "ref": {"web-t1"}, "party": {"NLD"}, "date": {"2021"},
				"amount": {"1"}, "currency": {"EUR"}}
			for k, v := range c.fields {
				form.Set(k, v)
			}
			st, page := b.post("/entries", form)
			if st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), c.want) {
				t.Errorf("form %s: %d, want 400 with %q", c.name, st, c.want)
			}
			unchanged("form " + c.name)
		}
		v := url.Values{"csrf": {b.csrf("/entries/" + ref)}, "reason": {"dup\r\nrevision 9 (void) by admin"}}
		if st, page := b.post("/entries/"+ref+"/void", v); st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), "a line break (U+000D) at character 4") {
			t.Errorf("void form: %d, want 400 naming the line break", st)
		}
		unchanged("void form")
		rf := url.Values{"csrf": {b.csrf("/rates")}, "date": {"2021-01-04"}, "base": {"EUR"}, "quote": {"USD"}, "rate": {"1.2296"}, "source": {"ECB\u202e"}}
		if st, page := b.post("/rates", rf); st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), "a bidirectional control character (U+202E) at character 4") {
			t.Errorf("rate form: %d, want 400 naming the bidi control", st)
		}
		unchanged("rate form")

		// Uploads: a CSV file and a workbook, refused whole.
		csvFile := "ref,kind,party,date,amount,currency,note\nup-1,pledge,NLD,2021,1,EUR,fine\nup-2,pledge,NLD,2021,1,EUR,a\x00b\n"
		if st, page := b.upload("text.csv", csvFile); st != http.StatusBadRequest ||
			!strings.Contains(html.UnescapeString(page), "text.csv: line 3: Note: a control character (U+0000) at character 2: remove it") {
			t.Errorf("CSV upload: %d\n%s", st, page)
		}
		unchanged("CSV upload")
		book := excelize.NewFile()
		for i, r := range [][]any{{"ref", "kind", "party", "date", "amount", "currency", "source"}, {"up-1", "pledge", "NLD", 2021, 1, "EUR", "s\u202e"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := book.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		data, err := book.WriteToBuffer()
		if err != nil {
			t.Fatal(err)
		}
		if st, page := uploadBytes(t, b, "text.xlsx", data.Bytes()); st != http.StatusBadRequest ||
			!strings.Contains(html.UnescapeString(page), "text.xlsx:Sheet1!G2: Source: a bidirectional control character (U+202E) at character 2") {
			t.Errorf("workbook upload: %d\n%s", st, page)
		}
		unchanged("workbook upload")

		// The parties form (admin).
		a := e.browser()
		a.login("admin")
		pf := url.Values{"csrf": {a.csrf("/parties")}, "code": {"XYZ"}, "name": {"Xyz\x1b[2J"}}
		if st, page := a.post("/parties", pf); st != http.StatusBadRequest || !strings.Contains(html.UnescapeString(page), "a control character (U+001B) at character 4") {
			t.Errorf("party form: %d", st)
		}
		if ps, _ := e.st.Parties(ctx); len(ps) > 0 && ps[len(ps)-1].Code == "XYZ" {
			t.Error("the party form wrote")
		}
		unchanged("party form")
	})
}

// uploadBytes posts a file to the import preview.
func uploadBytes(t *testing.T, b *browser, name string, content []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf("/import"))
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	resp, err := b.c.Post(b.e.srv.URL+"/import", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
