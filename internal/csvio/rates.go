package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// ECBSource is the source recorded for rates read from an ECB file when no
// other is named.
const ECBSource = "ECB euro foreign exchange reference rates"

// RateReader reads exchange rates from either of two layouts, told apart
// by the header:
//   - the ECB's historical reference-rate file: Date,USD,JPY,... with units
//     of each currency per 1 EUR, newest first, N/A for a missing value and
//     a trailing comma on every line;
//   - a long layout: date,base,quote,rate[,source].
type RateReader struct {
	name    string
	r       *csv.Reader
	ecb     bool
	quotes  []string // ECB: the currency of each column (index 0 unused)
	cols    map[string]int
	source  string
	pending []RateInput
	probs   []ledger.Problem
	broken  bool
}

// NewRateReader reads the header of r. source names the rates' source
// when the file does not (default: the ECB's for an ECB file); it keeps
// the text rules of a rate's source.
func NewRateReader(r io.Reader, name, source string) (*RateReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	ps := &ledger.Problems{File: name}
	if source != "" {
		// The source given for the whole file keeps the text rules as a
		// source column does (ledger.ParseRate).
		clean, p := ledger.TextRules["rate-source"].Clean("source", source)
		if p != nil {
			ps.List = append(ps.List, *p)
			return nil, ps
		}
		source = clean
	}
	rr := &RateReader{name: name, r: cr, source: source}
	hdr, err := cr.Read()
	if err == io.EOF {
		ps.Add(1, "", "empty file: want an ECB header (Date,USD,JPY,...) or date,base,quote,rate[,source]")
		return nil, ps
	}
	if err != nil {
		ps.Add(1, "", "%v", err)
		return nil, ps
	}
	low := make([]string, len(hdr))
	for i, h := range hdr {
		low[i] = strings.ToLower(strings.TrimSpace(h))
	}
	isLong := slices.Contains(low, "base") || slices.Contains(low, "quote")
	switch {
	case !isLong && len(low) > 1 && low[0] == "date":
		rr.ecb = true
		if rr.source == "" {
			rr.source = ECBSource
		}
		rr.quotes = make([]string, len(hdr))
		for i, h := range hdr[1:] {
			h = strings.TrimSpace(h)
			if h == "" && i == len(hdr)-2 {
				continue // the ECB's trailing comma
			}
			c, err := money.ParseCurrency(h)
			if err != nil {
				ps.Add(1, ledger.Clip(h), "unknown currency in the header: %v", err)
				continue
			}
			if c.Code == "EUR" {
				ps.Add(1, h, "an ECB file quotes other currencies against EUR; EUR itself cannot be a column")
			}
			rr.quotes[i+1] = c.Code
		}
	default:
		rr.cols = map[string]int{}
		for i, h := range low {
			rr.cols[h] = i
		}
		for _, c := range []string{"date", "base", "quote", "rate"} {
			if _, ok := rr.cols[c]; !ok {
				ps.Add(1, "", "the header is neither the ECB layout (Date,USD,JPY,...) nor date,base,quote,rate[,source]")
				return nil, ps
			}
		}
		for h := range rr.cols {
			switch h {
			case "date", "base", "quote", "rate", "source":
			default:
				ps.Add(1, ledger.Clip(h), "unknown column: the long layout is date,base,quote,rate[,source]")
			}
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return rr, nil
}

// Next returns the next rate, io.EOF at the end, or a *ledger.Problems
// about one line (reading can go on).
func (rr *RateReader) Next() (RateInput, error) {
	for len(rr.pending) == 0 && len(rr.probs) == 0 {
		if rr.broken {
			return RateInput{}, io.EOF
		}
		rec, err := rr.r.Read()
		if err == io.EOF {
			return RateInput{}, io.EOF
		}
		line, _ := rr.r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			rr.broken = true
			rr.probs = append(rr.probs, ledger.Problem{Line: line, Msg: err.Error()})
			break
		}
		rr.readRecord(line, rec)
	}
	if len(rr.probs) > 0 {
		ps := &ledger.Problems{File: rr.name, List: rr.probs}
		rr.probs = nil
		return RateInput{}, ps
	}
	in := rr.pending[0]
	rr.pending = rr.pending[1:]
	return in, nil
}

func (rr *RateReader) readRecord(line int, rec []string) {
	bad := func(field, format string, args ...any) {
		rr.probs = append(rr.probs, ledger.Problem{Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
		return // a blank line
	}
	if rr.ecb {
		day, err := ledger.ParseDay(rec[0])
		if err != nil {
			bad("Date", "%v", err)
			return
		}
		for i := 1; i < len(rec); i++ {
			v := strings.TrimSpace(rec[i])
			if i >= len(rr.quotes) {
				if v != "" {
					bad("", "more values than the header has currencies")
				}
				break
			}
			if rr.quotes[i] == "" && v != "" {
				// only the trailing comma's column has no currency
				bad("", "more values than the header has currencies")
				break
			}
			if rr.quotes[i] == "" || v == "" || v == "N/A" {
				continue
			}
			rate, err := ledger.ParseRateValue(v)
			if err != nil {
				bad(rr.quotes[i], "%v", err)
				continue
			}
			r := money.Rate{Day: day, Base: "EUR", Quote: rr.quotes[i], Rate: rate, Source: rr.source}
			rr.pending = append(rr.pending, RateInput{Line: line, Field: rr.quotes[i], Rate: r})
		}
		return
	}
	get := func(c string) string {
		if i, ok := rr.cols[c]; ok && i < len(rec) {
			return Restore(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	source := get("source")
	if source == "" {
		source = rr.source
	}
	r, ps := ledger.ParseRate(ledger.RateFields{Date: get("date"), Base: get("base"), Quote: get("quote"), Rate: get("rate"), Source: source}, line)
	if len(ps) > 0 {
		rr.probs = append(rr.probs, ps...)
		return
	}
	rr.pending = append(rr.pending, RateInput{Line: line, Field: "rate", Rate: r})
}
