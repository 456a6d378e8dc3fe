package csvio_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// ecbFile is the real header and two real lines of the ECB's historical
// reference-rate file, copied byte for byte from
// /work/shared/data/ecb/eurofxref-hist.csv (European Central Bank, euro
// foreign exchange reference rates): newest first, N/A for the currencies
// that no longer have a rate (CYP, EEK, LTL, LVL, MTL, ROL, SIT, SKK, TRL),
// a trailing comma on every line. 32 rates per line, 64 in all.
const ecbFile = `Date,USD,JPY,BGN,CYP,CZK,DKK,EEK,GBP,HUF,LTL,LVL,MTL,PLN,ROL,RON,SEK,SIT,SKK,CHF,ISK,NOK,HRK,RUB,TRL,TRY,AUD,BRL,CAD,CNY,HKD,IDR,ILS,INR,KRW,MXN,MYR,NZD,PHP,SGD,THB,ZAR,
2021-01-04,1.2296,126.62,1.9558,N/A,26.141,7.4379,N/A,0.9016,361.32,N/A,N/A,N/A,4.5475,N/A,4.8713,10.0895,N/A,N/A,1.0811,156.1,10.444,7.5565,90.342,N/A,9.0579,1.5928,6.3241,1.5621,7.9484,9.533,17062.67,3.943,89.789,1332.03,24.3031,4.9264,1.7065,59.058,1.6198,36.728,17.9214,
2020-12-31,1.2271,126.49,1.9558,N/A,26.242,7.4409,N/A,0.89903,363.89,N/A,N/A,N/A,4.5597,N/A,4.8683,10.0343,N/A,N/A,1.0802,156.1,10.4703,7.5519,91.4671,N/A,9.1131,1.5896,6.3735,1.5633,8.0225,9.5142,17240.76,3.9447,89.6605,1336,24.416,4.934,1.6984,59.125,1.6218,36.727,18.0219,
`

func readAllRates(t *testing.T, data, name, source string) ([]csvio.RateInput, error) {
	t.Helper()
	rr, err := csvio.NewRateReader(bytes.NewReader([]byte(data)), name, source)
	if err != nil {
		return nil, err
	}
	var out []csvio.RateInput
	var errs []error
	for {
		in, err := rr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, in)
	}
	return out, errors.Join(errs...)
}

func TestRateReaderECB(t *testing.T) {
	rates, err := readAllRates(t, ecbFile, "eurofxref-hist.csv", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(rates) != 64 {
		t.Fatalf("read %d rates, want 64 (N/A skipped)", len(rates))
	}
	want := map[string]struct {
		line int
		rate string
	}{
		"2021-01-04 USD": {2, "1.2296"}, "2021-01-04 KRW": {2, "1332.03"}, "2021-01-04 ZAR": {2, "17.9214"},
		"2020-12-31 GBP": {3, "0.89903"}, "2020-12-31 KRW": {3, "1336"}, "2020-12-31 JPY": {3, "126.49"},
	}
	seen := 0
	for _, in := range rates {
		r := in.Rate
		if r.Base != "EUR" || r.Source != csvio.ECBSource || r.Day.Location() != time.UTC {
			t.Errorf("line %d: %+v", in.Line, r)
		}
		for _, na := range []string{"CYP", "EEK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL"} {
			if r.Quote == na {
				t.Errorf("line %d: a rate for %s, which is N/A", in.Line, na)
			}
		}
		if w, ok := want[r.Day.Format("2006-01-02")+" "+r.Quote]; ok {
			seen++
			if in.Line != w.line || r.Rate.String() != w.rate {
				t.Errorf("%s %s: line %d rate %s, want line %d rate %s", r.Day.Format("2006-01-02"), r.Quote, in.Line, r.Rate, w.line, w.rate)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d checked rates", seen, len(want))
	}
	// A source given for the file replaces the ECB's default.
	rates, err = readAllRates(t, ecbFile, "eurofxref-hist.csv", "ECB via mirror")
	if err != nil || rates[0].Rate.Source != "ECB via mirror" {
		t.Errorf("with a source: %v, %+v", err, rates[0])
	}
	// CRLF line ends and a byte-order mark, as a spreadsheet saves it.
	crlf := "\uFEFF" + strings.ReplaceAll(ecbFile, "\n", "\r\n")
	if rates, err := readAllRates(t, crlf, "eurofxref-hist.csv", ""); err != nil || len(rates) != 64 {
		t.Errorf("CRLF + BOM: %d rates, %v", len(rates), err)
	}
}

func TestRateReaderLong(t *testing.T) {
	data := "date,base,quote,rate,source\n" +
		"2021-01-04,EUR,USD,1.2296,ECB euro foreign exchange reference rates\n" +
		"2021-01-04,usd,jpy,102.98,made up for tests\n" +
		"\n" +
		"2021-01-05,EUR,GBP,0.90333,\n"
	rates, err := readAllRates(t, data, "long.csv", "default source")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line                      int
		day, base, quote, rate, s string
	}{
		{2, "2021-01-04", "EUR", "USD", "1.2296", "ECB euro foreign exchange reference rates"},
		{3, "2021-01-04", "USD", "JPY", "102.98", "made up for tests"},
		{5, "2021-01-05", "EUR", "GBP", "0.90333", "default source"},
	}
	if len(rates) != len(want) {
		t.Fatalf("read %+v, want %d rates", rates, len(want))
	}
	for i, w := range want {
		r := rates[i]
		if r.Line != w.line || r.Rate.Day.Format("2006-01-02") != w.day || r.Rate.Base != w.base || r.Rate.Quote != w.quote ||
			r.Rate.Rate.String() != w.rate || r.Rate.Source != w.s {
			t.Errorf("rate %d = line %d %+v, want %+v", i, r.Line, r.Rate, w)
		}
	}
}

// TestRateReaderLongColumnOrder: the long layout's columns are found by
// name (base,quote,date,rate works), so date,quote,base,rate must work too.
// It is taken for an ECB header because its second column is not "base".
func TestRateReaderLongColumnOrder(t *testing.T) {
	orders := []string{
		"date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n",
		"base,quote,date,rate,source\nEUR,USD,2021-01-04,1.2296,ECB\n",
		"source,rate,quote,base,date\nECB,1.2296,USD,EUR,2021-01-04\n",
		"date,quote,base,rate,source\n2021-01-04,USD,EUR,1.2296,ECB\n",
		"date,rate,base,quote,source\n2021-01-04,1.2296,EUR,USD,ECB\n",
	}
	for _, data := range orders {
		hdr := data[:strings.IndexByte(data, '\n')]
		rates, err := readAllRates(t, data, "long.csv", "")
		if err != nil {
			t.Errorf("header %s: %v", hdr, err)
			continue
		}
		if len(rates) != 1 || rates[0].Rate.Base != "EUR" || rates[0].Rate.Quote != "USD" || rates[0].Rate.Rate.String() != "1.2296" {
			t.Errorf("header %s: read %+v", hdr, rates)
		}
	}
}

var problemLine = regexp.MustCompile(`^bad\.csv:(\d+): `)

type badRateFile struct {
	name   string
	data   string
	source string // default source for the file
	line   int    // the line a problem must name
	msg    string // and a word it must say
}

var badRateFiles = []badRateFile{
	{name: "ECB header: unknown currency", line: 1, msg: "XYZ",
		data: "Date,USD,XYZ,\n2021-01-04,1.2296,1.5,\n"},
	{name: "ECB header: EUR as a column", line: 1, msg: "EUR",
		data: "Date,USD,EUR,\n2021-01-04,1.2296,1,\n"},
	{name: "ECB header: not money (XAU)", line: 1, msg: "XAU",
		data: "Date,USD,XAU,\n2021-01-04,1.2296,1.5,\n"},
	{name: "long: unknown quote currency", line: 3, msg: "XYZ",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,XYZ,1.5,ECB\n"},
	{name: "long: unknown base currency", line: 3, msg: "EURO",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EURO,GBP,0.9016,ECB\n"},
	{name: "long: base equals quote", line: 3, msg: "EUR",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,EUR,1,ECB\n"},
	{name: "long: zero rate", line: 3, msg: "greater than zero",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,0,ECB\n"},
	{name: "long: zero rate with decimals", line: 3, msg: "greater than zero",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,0.0000,ECB\n"},
	{name: "ECB: zero rate", line: 3, msg: "greater than zero",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,0,0.89903,\n"},
	{name: "long: negative rate", line: 3, msg: "greater than zero",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,-0.9016,ECB\n"},
	{name: "ECB: negative rate", line: 3, msg: "greater than zero",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,1.2271,-0.89903,\n"},
	{name: "long: month 13", line: 3, msg: "YYYY-MM-DD",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-13-04,EUR,GBP,0.9016,ECB\n"},
	{name: "long: day/month/year", line: 3, msg: "04/01/2021",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n04/01/2021,EUR,GBP,0.9016,ECB\n"},
	{name: "long: no such day", line: 3, msg: "2021-02-30",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-02-30,EUR,GBP,0.9016,ECB\n"},
	{name: "long: a month, not a day", line: 3, msg: "YYYY-MM-DD",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01,EUR,GBP,0.9016,ECB\n"},
	{name: "ECB: malformed date", line: 3, msg: "2020/12/31",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020/12/31,1.2271,0.89903,\n"},
	{name: "long: non-numeric rate", line: 3, msg: "not a number",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,abc,ECB\n"},
	{name: "long: decimal comma", line: 3, msg: "not a number",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,\"0,9016\",ECB\n"},
	{name: "long: exponent", line: 3, msg: "not a number",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,9.016e-1,ECB\n"},
	{name: "long: empty rate", line: 3, msg: "rate",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,,ECB\n"},
	{name: "ECB: non-numeric rate", line: 3, msg: "not a number",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,1.2271x,0.89903,\n"},
	{name: "ECB: lower-case n/a", line: 3, msg: "not a number",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,n/a,0.89903,\n"},
	// One value too many lands in the column of the ECB's trailing comma,
	// which the reader skips: the extra value is dropped without a word.
	{name: "ECB: one more value than currencies", line: 3, msg: "more values",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,1.2271,0.89903,1.5,\n"},
	{name: "ECB: two more values than currencies", line: 3, msg: "more values",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2020-12-31,1.2271,0.89903,1.5,1.6,\n"},
	{name: "ECB without trailing comma: one more value", line: 3, msg: "more values",
		data: "Date,USD,GBP\n2021-01-04,1.2296,0.9016\n2020-12-31,1.2271,0.89903,1.5\n"},
	{name: "header of neither layout", line: 1, msg: "neither",
		data: "day,from,to,value\n2021-01-04,EUR,USD,1.2296\n"},
	{name: "header: date only", line: 1, msg: "neither",
		data: "date\n2021-01-04\n"},
	{name: "header: long layout without rate", line: 1, msg: "neither",
		data: "date,base,quote,source\n2021-01-04,EUR,USD,ECB\n"},
	{name: "header: long layout with an unknown column", line: 1, msg: "unknown column",
		data: "date,base,quote,rate,source,note\n2021-01-04,EUR,USD,1.2296,ECB,x\n"},
	{name: "empty file", line: 1, msg: "empty", data: ""},
	{name: "long: no source and none given", line: 2, msg: "source",
		data: "date,base,quote,rate\n2021-01-04,EUR,USD,1.2296\n"},
	{name: "long: same day and pair twice, different rates", line: 4, msg: "line 2",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,0.9016,ECB\n2021-01-04,EUR,USD,1.2300,ECB\n"},
	{name: "ECB: same date twice, different rates", line: 3, msg: "line 2",
		data: "Date,USD,GBP,\n2021-01-04,1.2296,0.9016,\n2021-01-04,1.2296,0.9017,\n"},
	{name: "broken quote", line: 3, msg: "quote",
		data: "date,base,quote,rate,source\n2021-01-04,EUR,USD,1.2296,ECB\n2021-01-04,EUR,GBP,0.9016,\"ECB\n2021-01-05,EUR,USD,1.2271,ECB\n"},
}

// TestImportRatesBadFiles: each bad file fails with FILE:LINE: problems,
// matches ledger.ErrInvalid, and writes nothing (good lines before the bad
// one included).
func TestImportRatesBadFiles(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		for _, c := range badRateFiles {
			t.Run(c.name, func(t *testing.T) {
				res, err := s.ImportRates(ctx, csvio.RateBytesSource("bad.csv", []byte(c.data), c.source), store.RateImportOptions{Author: "test"})
				if err == nil {
					t.Errorf("import succeeded: %+v", res)
				} else {
					checkProblems(t, err, c.line, c.msg)
				}
				rows, err := s.Rates(ctx, store.RateFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != 0 {
					t.Errorf("the import wrote %d rates: %+v", len(rows), rows)
					// keep the other cases independent of this one
					if _, err := s.DB().ExecContext(ctx, `DELETE FROM rates`); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
		var n int
		if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM rates`); err != nil || n != 0 {
			t.Errorf("rates table holds %d rows (%v), want 0", n, err)
		}
	})
}

// checkProblems checks that err matches ErrInvalid, that every line of it
// is "bad.csv:LINE: ...", and that one names line and says msg.
func checkProblems(t *testing.T, err error, line int, msg string) {
	t.Helper()
	if !errors.Is(err, ledger.ErrInvalid) {
		t.Errorf("error %v does not match ErrInvalid", err)
	}
	found := false
	for _, l := range strings.Split(err.Error(), "\n") {
		m := problemLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("problem %q is not FILE:LINE: ...", l)
			continue
		}
		if m[1] == strconv.Itoa(line) && strings.Contains(l, msg) {
			found = true
		}
	}
	if !found {
		t.Errorf("error %q: no problem on line %d mentioning %q", err, line, msg)
	}
}

// TestImportRatesIdempotentAndReplace: the ECB file imports (N/A and the
// trailing comma), a second import adds nothing, a different rate for the
// same day, pair and source is refused unless replace, and with replace the
// old rate is kept and still seen as of before the replacement.
func TestImportRatesIdempotentAndReplace(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		s := storetest.Open(t, engine)
		src := csvio.RateBytesSource("eurofxref-hist.csv", []byte(ecbFile), "")
		res, err := s.ImportRates(ctx, src, store.RateImportOptions{Author: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if !sameCounts(res, store.RateImportResult{Rows: 64, Added: 64}) {
			t.Errorf("first import: %+v, want 64 rows added", res)
		}
		rows, err := s.Rates(ctx, store.RateFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 64 {
			t.Fatalf("%d rates recorded, want 64", len(rows))
		}
		first := rows[0]
		if first.Day != "2020-12-31" || first.Base != "EUR" || first.Quote != "AUD" || first.Rate != "1.5896" ||
			first.Source != csvio.ECBSource || first.Author != "alice" {
			t.Errorf("first rate listed: %+v, want 2020-12-31 EUR/AUD 1.5896 by alice", first)
		}
		usd, err := s.Rates(ctx, store.RateFilter{Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		if len(usd) != 2 || usd[0].Rate != "1.2271" || usd[1].Rate != "1.2296" || usd[1].Day != "2021-01-04" {
			t.Errorf("USD rates: %+v", usd)
		}

		// The same file again: nothing added.
		time.Sleep(2 * time.Millisecond)
		res, err = s.ImportRates(ctx, src, store.RateImportOptions{Author: "bob"})
		if err != nil {
			t.Fatal(err)
		}
		if !sameCounts(res, store.RateImportResult{Rows: 64, Skipped: 64}) {
			t.Errorf("second import: %+v, want 64 skipped", res)
		}
		countAll := func() int {
			var n int
			if err := s.DB().GetContext(ctx, &n, `SELECT count(*) FROM rates`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := countAll(); n != 64 {
			t.Errorf("after the second import the table holds %d rows, want 64", n)
		}

		// A different EUR/USD for 2021-01-04 from the same source.
		fix := "date,base,quote,rate,source\n" +
			"2021-01-04,EUR,GBP,0.9016," + csvio.ECBSource + "\n" + // the same: skipped
			"2021-01-04,EUR,USD,1.2300," + csvio.ECBSource + "\n"
		fixSrc := csvio.RateBytesSource("fix.csv", []byte(fix), "")
		_, err = s.ImportRates(ctx, fixSrc, store.RateImportOptions{Author: "carol"})
		var ps *ledger.Problems
		if !errors.As(err, &ps) || !strings.HasPrefix(err.Error(), "fix.csv:3: ") || ps.List[0].Code != "rate_recorded" || ps.List[0].Value != "1.2300" {
			t.Errorf("conflicting rate without replace: %v; want fix.csv:3: ... (code rate_recorded, value 1.2300: the digits given)", err)
		}
		if n := countAll(); n != 64 {
			t.Errorf("a refused import wrote: %d rows", n)
		}
		time.Sleep(2 * time.Millisecond)
		before := time.Now()
		time.Sleep(2 * time.Millisecond)
		res, err = s.ImportRates(ctx, fixSrc, store.RateImportOptions{Replace: true, Author: "carol"})
		if err != nil {
			t.Fatal(err)
		}
		if !sameCounts(res, store.RateImportResult{Rows: 2, Replaced: 1, Skipped: 1}) {
			t.Errorf("replace: %+v, want 1 replaced, 1 skipped", res)
		}
		if n := countAll(); n != 65 {
			t.Errorf("after the replacement the table holds %d rows, want 65 (the old one kept)", n)
		}
		day := store.RateFilter{Currency: "USD", From: "2021-01-04", To: "2021-01-04"}
		now, err := s.Rates(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(now) != 1 || now[0].Rate != "1.2300" || now[0].Author != "carol" {
			t.Errorf("EUR/USD 2021-01-04 now: %+v, want 1.2300 (as given) by carol", now)
		}
		day.AsOf = before
		old, err := s.Rates(ctx, day)
		if err != nil {
			t.Fatal(err)
		}
		if len(old) != 1 || old[0].Rate != "1.2296" || old[0].Author != "alice" || !old[0].RecordedAt.Before(before) {
			t.Errorf("EUR/USD 2021-01-04 as of before the replacement: %+v, want 1.2296 by alice", old)
		}
		// Conversions follow: the table now and the table then.
		for _, c := range []struct {
			at   time.Time
			want string
		}{{time.Time{}, "1.23"}, {before, "1.2296"}} {
			table, err := s.RateTable(ctx, c.at)
			if err != nil {
				t.Fatal(err)
			}
			f, _, err := table.Cross("EUR", "USD", time.Date(2021, 1, 4, 0, 0, 0, 0, time.UTC), 0)
			if err != nil || f.String() != c.want {
				t.Errorf("RateTable(%v): EUR/USD 2021-01-04 = %s, %v; want %s", c.at, f, err, c.want)
			}
		}
		// Replacing again with the same rate changes nothing.
		res, err = s.ImportRates(ctx, fixSrc, store.RateImportOptions{Replace: true, Author: "carol"})
		if err != nil || !sameCounts(res, store.RateImportResult{Rows: 2, Skipped: 2}) {
			t.Errorf("replace again: %+v, %v; want 2 skipped", res, err)
		}
		if n := countAll(); n != 65 {
			t.Errorf("after replacing again the table holds %d rows, want 65", n)
		}
	})
}

// sameCounts compares what two rate imports did, warnings aside.
func sameCounts(a, b store.RateImportResult) bool {
	return a.Rows == b.Rows && a.Added == b.Added && a.Replaced == b.Replaced && a.Skipped == b.Skipped
}
