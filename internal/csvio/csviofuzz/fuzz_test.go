package csviofuzz

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

const name = "fuzz.csv"

// problems checks that err, from reading name, is a *ledger.Problems that
// names the file and, for each problem, a line (from 1, at least min) and
// what is wrong.
func problems(t *testing.T, data []byte, err error, min int) {
	t.Helper()
	var ps *ledger.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("%q: error %v is a %T, not problems with a file and line", data, err, err)
	}
	if ps.File != name || len(ps.List) == 0 {
		t.Fatalf("%q: problems %+v: not in %s, or none", data, ps, name)
	}
	for _, p := range ps.List {
		if p.Line < min || p.Msg == "" {
			t.Fatalf("%q: problem %+v: no line (at least %d) or no message", data, p, min)
		}
	}
}

type row struct {
	line   int
	fields ledger.Fields
}

// readEntries reads every row; it fails the test on an error that is not
// problems with the file's name and a line.
func readEntries(t *testing.T, data []byte, opt csvio.Options) ([]string, []row, bool) {
	t.Helper()
	opt.Reopen = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	rd, err := csvio.NewReader(bytes.NewReader(data), name, opt)
	if err != nil {
		problems(t, data, err, 1)
		return nil, nil, false
	}
	var rows []row
	last := 1
	for {
		line, f, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Header(), rows, true
		}
		if line <= last {
			t.Fatalf("%q: line %d after line %d", data, line, last)
		}
		last = line
		if err != nil {
			problems(t, data, err, line)
			continue
		}
		if len(f) != len(rd.Header()) {
			t.Fatalf("%q: line %d: %d fields for %d columns", data, line, len(f), len(rd.Header()))
		}
		rows = append(rows, row{line, f})
	}
}

// FuzzReadEntries: the entries CSV reader never panics; it either refuses
// with problems naming the file and a line, or yields rows (on increasing
// lines) whose cells, written by csvio.Writer under the same header, read
// back the same.
func FuzzReadEntries(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		header, rows, ok := readEntries(t, data, csvio.Options{})
		if !ok || len(rows) == 0 {
			return
		}
		var buf bytes.Buffer
		w, err := csvio.NewWriter(&buf, header)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			rec := make([]string, len(header))
			for i, h := range header {
				rec[i] = r.fields[h]
			}
			if err := w.Write(rec); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		comma := false // written canonical: '.' decimals, days as YYYY-MM-DD
		header2, rows2, ok := readEntries(t, buf.Bytes(), csvio.Options{DecimalComma: &comma})
		if !ok || !slices.Equal(header2, header) || len(rows2) != len(rows) {
			t.Fatalf("%q: read %d rows under %q; written as %q, read %d rows under %q", data, len(rows), header, buf.Bytes(), len(rows2), header2)
		}
		for i := range rows {
			if !maps.Equal(rows[i].fields, rows2[i].fields) {
				t.Fatalf("%q: line %d reads %q; written as %q, it reads back %q", data, rows[i].line, rows[i].fields, buf.Bytes(), rows2[i].fields)
			}
		}
	})
}

// readRates reads every rate, checking each.
func readRates(t *testing.T, data []byte) ([]money.Rate, bool) {
	t.Helper()
	rr, err := csvio.NewRateReader(bytes.NewReader(data), name, "")
	if err != nil {
		problems(t, data, err, 1)
		return nil, false
	}
	var out []money.Rate
	for {
		in, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return out, true
		}
		if err != nil {
			problems(t, data, err, 1)
			continue
		}
		r := in.Rate
		if in.Line < 2 || !r.Rate.IsPositive() || r.Base == r.Quote || r.Source == "" || in.Field == "" ||
			r.Day.Location() != time.UTC || r.Day.Truncate(24*time.Hour) != r.Day {
			t.Fatalf("%q: rate %+v on line %d in %q", data, r, in.Line, in.Field)
		}
		for _, c := range []string{r.Base, r.Quote} {
			if cur, err := money.ParseCurrency(c); err != nil || cur.Code != c {
				t.Fatalf("%q: rate %+v: currency %q", data, r, c)
			}
		}
		out = append(out, r)
	}
}

// FuzzReadRates: the rate reader never panics, whichever layout the
// header says (the ECB's Date,USD,JPY,... or date,base,quote,rate[,source]);
// it either refuses with problems naming the file and a line, or yields
// rates (positive, two different currencies, a source, a day) that,
// written in the long layout with the digits they were given, read back
// the same.
func FuzzReadRates(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		rates, ok := readRates(t, data)
		if !ok || len(rates) == 0 {
			return
		}
		var buf bytes.Buffer
		w, err := csvio.NewWriter(&buf, []string{"date", "base", "quote", "rate", "source"})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rates {
			if err := w.Write([]string{r.Day.Format(time.DateOnly), r.Base, r.Quote, money.RateText(r.Rate), r.Source}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		back, ok := readRates(t, buf.Bytes())
		if !ok || len(back) != len(rates) {
			t.Fatalf("%q: %d rates; written as %q, %d", data, len(rates), buf.Bytes(), len(back))
		}
		for i, r := range rates {
			b := back[i]
			if !b.Day.Equal(r.Day) || b.Base != r.Base || b.Quote != r.Quote || !b.Rate.Equal(r.Rate) ||
				money.RateText(b.Rate) != money.RateText(r.Rate) || b.Source != r.Source {
				t.Fatalf("%q: rate %+v; written as %q, it reads back %+v", data, r, buf.Bytes(), b)
			}
		}
	})
}
