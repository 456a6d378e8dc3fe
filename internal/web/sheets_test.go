package web

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// getFile fetches path with the browser's session: status, headers, body.
func (b *browser) getFile(path string) (int, http.Header, []byte) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.srv.URL + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// Reports download as xlsx and CSV from the page and the API alike,
// through the same renderer: a workbook; a CSV of one table; a zip of a
// CSV file per table for a report of several; the excel-be dialect.
func TestReportSpreadsheets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		e := newEnv(t, engine, Config{})
		b := e.browser()
		b.login("analyst")
		token := e.tokens[access.Analyst]

		_, form := b.get("/reports")
		for _, want := range []string{"<option >xlsx</option>", `<select name="csv-dialect">`, `<option value="excel-be">`} {
			if !strings.Contains(form, want) {
				t.Errorf("the reports form has no %q", want)
			}
		}

		st, h, wb := b.getFile("/reports/view?name=coverage&format=xlsx&currency=EUR")
		if st != 200 || h.Get("Content-Type") != contentTypes["xlsx"] || h.Get("Content-Disposition") != `attachment; filename="coverage.xlsx"` {
			t.Fatalf("xlsx: %d %v", st, h)
		}
		f, err := excelize.OpenReader(bytes.NewReader(wb))
		if err != nil {
			t.Fatalf("the workbook does not open: %v", err)
		}
		if sheets := f.GetSheetList(); len(sheets) != 2 || sheets[1] != "Notes and provenance" {
			t.Errorf("sheets %q", sheets)
		}
		// The need's amount: after its ref, title, party, date and sector.
		if typ, _ := f.GetCellType(f.GetSheetList()[0], "F2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Errorf("the need is not a number: %v", typ)
		}
		if head, _ := f.GetCellValue(f.GetSheetList()[0], "F1"); head != "Amount needed" {
			t.Errorf("F1 is %q, not the amount needed", head)
		}
		f.Close()
		ast, api, ah := e.api("GET", "/api/v1/reports/coverage?format=xlsx&currency=EUR", token, "")
		if ast != 200 || api != string(wb) || ah.Get("Content-Type") != contentTypes["xlsx"] {
			t.Errorf("the API's workbook differs from the page's: %d %v", ast, ah)
		}

		st, h, z := b.getFile("/reports/view?name=summary&format=csv&csv-dialect=excel-be")
		if st != 200 || h.Get("Content-Type") != "application/zip" || h.Get("Content-Disposition") != `attachment; filename="summary.zip"` {
			t.Fatalf("csv of two tables: %d %v %s", st, h, z)
		}
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]string{}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			data, _ := io.ReadAll(rc)
			rc.Close()
			files[zf.Name] = string(data)
		}
		balance, ok := files["summary-balance.csv"]
		if len(files) != 2 || !ok || files["summary-summary.csv"] == "" {
			t.Fatalf("zip files: %v", files)
		}
		if !strings.HasPrefix(balance, "\uFEFFparty;pledged;pledged_qualifier;") || !strings.Contains(balance, "\r\n") {
			t.Errorf("the zip's CSV is not excel-be: %q", balance[:min(80, len(balance))])
		}
		st, h, one := b.getFile("/reports/view?name=summary&format=csv&csv-dialect=excel-be&table=balance")
		if st != 200 || h.Get("Content-Type") != contentTypes["csv"] || string(one) != balance ||
			h.Get("Content-Disposition") != `attachment; filename="summary.csv"` {
			t.Errorf("table=balance: %d %v, differs from the zip's file: %v", st, h, string(one) != balance)
		}
		if ast, api, _ := e.api("GET", "/api/v1/reports/summary?format=csv&csv-dialect=excel-be&table=balance", token, ""); ast != 200 || api != balance {
			t.Errorf("the API's CSV differs from the page's: %d", ast)
		}
		for _, bad := range []string{"format=csv&table=nope", "format=csv&table=balance&csv-dialect=semicolon"} {
			if ast, api, _ := e.api("GET", "/api/v1/reports/summary?"+bad, token, ""); ast != 400 {
				t.Errorf("%s: %d %s", bad, ast, api)
			}
		}
		_, h, party := b.getFile("/reports/view?name=party&report-party=BEL&format=csv&currency=EUR")
		if h.Get("Content-Disposition") != `attachment; filename="party-BEL.zip"` {
			t.Errorf("party BEL: %v", h)
		}
		if zr, err := zip.NewReader(bytes.NewReader(party), int64(len(party))); err != nil || len(zr.File) != 5 || zr.File[0].Name != "party-BEL-by_year_sector.csv" {
			t.Errorf("party BEL zip: %v", err)
		}
		if ast, _, ah := e.api("GET", "/api/v1/reports/coverage?format=csv", token, ""); ast != 200 || ah.Get("Content-Type") != contentTypes["csv"] {
			t.Errorf("a report of one table: %d %v", ast, ah)
		}
	})
}
