package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// TestImportWorkbookUpload: an .xlsx upload gets the same preview and
// commit as a CSV file, and its problems name their cells.
func TestImportWorkbookUpload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.login("officer")
		if _, page := b.get("/import"); !strings.Contains(page, ".xlsx") {
			t.Fatal("the import form does not take .xlsx")
		}
		upload := func(name string, rows ...[]any) (int, string) {
			t.Helper()
			f := excelize.NewFile()
			defer f.Close()
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
					t.Fatal(err)
				}
			}
			book, err := f.WriteToBuffer()
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			mw.WriteField("csrf", b.csrf("/import"))
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write(book.Bytes())
			mw.Close()
			resp, err := b.c.Post(e.srv.URL+"/import", mw.FormDataContentType(), &buf)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			out, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, html.UnescapeString(string(out))
		}
		hdr := []any{"ref", "kind", "party", "date", "amount", "currency"}
		st, page := upload("bad.xlsx", hdr, []any{"wb-1", "pledge", "BEL", "31/02/2021", "1.250.000,50", "EUR"})
		if st != 400 || !strings.Contains(page, `bad.xlsx:Sheet1!D2: Date: "31/02/2021" is not a day`) {
			t.Fatalf("bad workbook: %d %s", st, page)
		}
		st, page = upload("belgie.xlsx", hdr,
			[]any{"wb-1", "pledge", "BEL", "15/09/2021", "1.250.000,50", "EUR"},
			[]any{"wb-2", "pledge", "NLD", "2021", 2500000, "EUR"})
		if st != 200 || !strings.Contains(page, "belgie.xlsx checks out: 2 rows; committing adds 2") {
			t.Fatalf("preview: %d %s", st, page)
		}
		m := regexp.MustCompile(`action="/import/([^/"]+)/commit"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no commit form in %s", page)
		}
		if _, err := e.st.Current(context.Background(), "wb-1"); err == nil {
			t.Fatal("the preview wrote")
		}
		st, page = b.post("/import/"+m[1]+"/commit", url.Values{"csrf": {b.csrf("/import")}})
		if st != 200 || !strings.Contains(page, "Imported belgie.xlsx: 2 rows, 2 added") {
			t.Fatalf("commit: %d %s", st, page)
		}
		r, err := e.st.Current(context.Background(), "wb-1")
		if err != nil || r.Entry.Date.String() != "2021-09-15" || strings.Join(r.Entry.Record(), ",") != "wb-1,pledge,BEL,2021-09-15,,1250000.50,EUR,,,,,,,,,,," {
			t.Errorf("wb-1: %v %v", r.Entry.Record(), err)
		}
	})
}
