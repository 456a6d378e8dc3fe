// Package csvio reads and writes pledger's canonical CSV format for entries:
// a header row naming the columns (in any order, each at most once), one
// entry per row, multi-valued sector and location separated by ';'.
//
// Reading also takes what spreadsheet programs in Belgium save: ';' as the
// delimiter with ',' as the decimal separator (detected from the header, or
// forced), UTF-8 with or without a byte-order mark, CRLF line ends. Quoting
// follows RFC 4180 (encoding/csv); a broken quote stops the read with the
// line and column. Writing is canonical: the full header, LF line ends, and
// exactly the text ledger.Entry.Record gives, neutralised so that no cell
// runs as a formula in a spreadsheet (Neutralise; reading restores it), so
// export -> import -> export is byte-identical.
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
)

// Options change how a file is read.
type Options struct {
	// DecimalComma forces ',' as the decimal separator (and '.' as an
	// optional thousands separator) in amounts. Nil: detected, on for a
	// ';'-delimited file.
	DecimalComma *bool
	// Required columns; nil means ledger's entry columns ref, kind, party, date.
	Required []string
	// Columns allowed; nil means ledger.Columns.
	Allowed []string
	// Reopen, if set, reads the input again from the start; it is used
	// only to name the column of a quoting error.
	Reopen func() (io.ReadCloser, error)
}

// Reader reads rows of a CSV file as ledger.Fields.
type Reader struct {
	name         string
	r            *csv.Reader
	header       []string
	decimalComma bool
	line         int
	reopen       func() (io.ReadCloser, error)
	broken       bool // a quoting error: the rest of the file cannot be trusted
}

// NewReader reads the header of r and returns a Reader positioned on the
// first row. name is the file name used in problems.
func NewReader(r io.Reader, name string, opt Options) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	// The delimiter is whichever of ';' and ',' the header line uses more.
	first, _ := br.Peek(4096)
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	delim := ','
	if bytes.Count(first, []byte{';'}) > bytes.Count(first, []byte{','}) {
		delim = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.ReuseRecord = true
	rd := &Reader{name: name, r: cr, decimalComma: delim == ';', reopen: opt.Reopen}
	if opt.DecimalComma != nil {
		rd.decimalComma = *opt.DecimalComma
	}
	ps := &ledger.Problems{File: name}
	hdr, err := cr.Read()
	if err == io.EOF {
		ps.Add(1, "", "empty file: the first line must be a header such as %s", strings.Join(ledger.Columns, ","))
		return nil, ps
	}
	if err != nil {
		return nil, rd.parseError(err)
	}
	rd.line = 1
	rd.header = CheckHeader(hdr, opt, func(_ int, p ledger.Problem) {
		p.Line = 1
		ps.List = append(ps.List, p)
	})
	if err := ps.Err(); err != nil {
		return nil, err
	}
	cr.FieldsPerRecord = len(hdr)
	return rd, nil
}

// MaxColumns is the most columns a header may have: the ledger has
// fewer than 20.
const MaxColumns = 100

// maxBadColumns is how many bad column names a header's problems name one
// by one.
const maxBadColumns = 5

// CheckHeader reads a header row, for every input with one (a CSV file, a
// workbook's sheet): the column names, trimmed and lower case, in order.
// Each must be one of opt.Allowed (nil: ledger.Columns) and appear once,
// and every column of opt.Required (nil: ref, kind, party, date) must be
// there. Each problem is told to problem with the index of its cell in
// cells, or -1 for a missing column or the header as a whole; its Line is
// left to the caller. A header of more than MaxColumns cells is one
// problem, and past maxBadColumns bad column names one problem counts the
// rest: a file cannot make an answer much larger than itself.
func CheckHeader(cells []string, opt Options, problem func(i int, p ledger.Problem)) []string {
	allowed, required := opt.Allowed, opt.Required
	if allowed == nil {
		allowed = ledger.Columns
	}
	if required == nil {
		required = []string{"ref", "kind", "party", "date"}
	}
	if len(cells) > MaxColumns {
		problem(-1, ledger.Problem{Msg: fmt.Sprintf("the header has %d columns, more than the %d a file may have: the columns are %s",
			len(cells), MaxColumns, strings.Join(allowed, ","))})
		return nil
	}
	seen := map[string]bool{}
	var header []string
	bad := 0
	for i, h := range cells {
		h = strings.ToLower(strings.TrimSpace(h))
		var p *ledger.Problem
		switch {
		case h == "":
			p = &ledger.Problem{Field: fmt.Sprintf("column %d", i+1), Msg: "empty column name"}
		case !slices.Contains(allowed, h):
			p = &ledger.Problem{Field: ledger.Clip(h), Msg: "unknown column: the columns are " + strings.Join(allowed, ",")}
		case seen[h]:
			p = &ledger.Problem{Field: h, Msg: "column appears twice"}
		}
		if p != nil {
			if bad++; bad <= maxBadColumns {
				problem(i, *p)
			}
		}
		seen[h] = true
		header = append(header, h)
	}
	if bad > maxBadColumns {
		problem(-1, ledger.Problem{Msg: fmt.Sprintf("... and %d more unknown, empty or repeated column names", bad-maxBadColumns)})
	}
	for _, c := range required {
		if !seen[c] {
			problem(-1, ledger.Problem{Field: c, Msg: "missing required column " + c})
		}
	}
	return header
}

// parseError turns an encoding/csv error into a problem with line and column.
func (rd *Reader) parseError(err error) error {
	var pe *csv.ParseError
	ps := &ledger.Problems{File: rd.name}
	if !errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", rd.name, err)
	}
	msg := pe.Err.Error()
	line := pe.Line
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		msg += ": a field with a quote must be wholly quoted, with inner quotes doubled (\"\")"
		if pe.StartLine > 0 && pe.StartLine != pe.Line {
			msg += fmt.Sprintf(" (the quote opened on line %d is still open on line %d)", pe.StartLine, pe.Line)
			line = pe.StartLine
		}
	}
	field := "column"
	if i, ok := rd.fieldAt(pe); ok && i < len(rd.header) {
		field = rd.header[i]
	} else if ok {
		field = fmt.Sprintf("column %d", i+1)
	}
	ps.Add(line, field, "%s", msg)
	return ps
}

// fieldAt finds which field of its record a parse error is in. encoding/csv
// gives only a byte offset within a line, so this reads the record's lines
// again (only ever once, on the error that stops the read).
func (rd *Reader) fieldAt(pe *csv.ParseError) (int, bool) {
	if rd.reopen == nil || pe.StartLine < 1 {
		return 0, false
	}
	rc, err := rd.reopen()
	if err != nil {
		return 0, false
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	var text []byte
	errPos := -1
	for n := 1; sc.Scan(); n++ {
		if n < pe.StartLine {
			continue
		}
		if n == pe.Line {
			errPos = len(text) + pe.Column - 1
		}
		text = append(text, sc.Bytes()...)
		text = append(text, '\n')
		if n >= pe.Line {
			break
		}
	}
	if n := pe.StartLine; n == 1 {
		text = bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF})
		if errPos > 0 && pe.Line == 1 {
			errPos -= 3
		}
	}
	if errPos < 0 || errPos > len(text) {
		errPos = len(text)
	}
	field, inQuote := 0, false
	for i := 0; i < errPos && i < len(text); i++ {
		switch c := rune(text[i]); {
		case c == '"':
			inQuote = !inQuote
		case c == rd.r.Comma && !inQuote:
			field++
		}
	}
	return field, true
}

// Header returns the columns of the file, lower case, in file order.
func (rd *Reader) Header() []string { return rd.header }

// Next returns the next row's line and fields. At the end it returns
// io.EOF. A row with the wrong number of fields gives a *ledger.Problems
// for that line and the read can go on; a quoting error is fatal (after a
// broken quote the rest of the file cannot be trusted).
func (rd *Reader) Next() (int, ledger.Fields, error) {
	if rd.broken {
		return 0, nil, io.EOF
	}
	rec, err := rd.r.Read()
	line := rd.line + 1
	if err == nil || errors.Is(err, csv.ErrFieldCount) {
		line, _ = rd.r.FieldPos(0)
	}
	rd.line = line
	if err != nil {
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
			ps := &ledger.Problems{File: rd.name}
			ps.Add(line, "", "%d fields, but the header has %d: quote fields that contain %q", len(rec), len(rd.header), string(rd.r.Comma))
			return line, nil, ps
		}
		rd.broken = true
		return line, nil, rd.parseError(err)
	}
	f := make(ledger.Fields, len(rec))
	for i, v := range rec {
		f[rd.header[i]] = Restore(v)
	}
	if rd.decimalComma {
		if a, ok := f["amount"]; ok && a != "" {
			v, err := DecimalComma(a)
			if err != nil {
				ps := &ledger.Problems{File: rd.name}
				ps.Add(line, "amount", "%s", err)
				return line, nil, ps
			}
			f["amount"] = v
		}
		// The Belgian dialect writes days first: 15/09/2021.
		for _, k := range []string{"date", "end"} {
			if v, ok := f[k]; ok && strings.Contains(v, "/") {
				c, msg := ledger.ReadDate(v, ledger.Belgian)
				if msg != "" {
					ps := &ledger.Problems{File: rd.name}
					ps.Add(line, k, "%s", msg)
					return line, nil, ps
				}
				f[k] = c
			}
		}
	}
	return line, f, nil
}

// DecimalComma turns an amount written with ',' as the decimal separator
// and '.' (or a space) grouping thousands into the canonical form:
// "18.000.000,50" -> "18000000.50". A '.' that is not a thousands separator
// is refused rather than guessed.
func DecimalComma(s string) (string, error) {
	s = strings.TrimSpace(s)
	intPart, frac, hasFrac := strings.Cut(s, ",")
	if strings.Contains(frac, ",") {
		return "", fmt.Errorf("%q has two decimal commas", ledger.Clip(s))
	}
	intPart = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(intPart)
	if strings.Contains(intPart, ".") {
		groups := strings.Split(strings.TrimLeft(intPart, "+-"), ".")
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			return "", fmt.Errorf("%q: in a file with ',' as decimal separator, '.' may only group thousands (18.000.000,00)", ledger.Clip(s))
		}
		intPart = strings.ReplaceAll(intPart, ".", "")
	}
	if hasFrac {
		return intPart + "." + frac, nil
	}
	return intPart, nil
}

// Writer writes canonical CSV.
type Writer struct {
	w    *csv.Writer
	cols []string
}

// NewWriter writes the header cols (nil: ledger.Columns) to w.
func NewWriter(w io.Writer, cols []string) (*Writer, error) {
	if cols == nil {
		cols = ledger.Columns
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return nil, err
	}
	return &Writer{w: cw, cols: cols}, nil
}

// Write writes one record (values in header order), each value
// neutralised (Neutralise): no cell of it runs as a formula in a
// spreadsheet, and Reader restores it.
func (w *Writer) Write(rec []string) error {
	out, copied := rec, false
	for i, v := range rec {
		if n := Neutralise(v); n != v {
			if !copied {
				out, copied = slices.Clone(rec), true
			}
			out[i] = n
		}
	}
	return w.w.Write(out)
}

// Flush flushes and reports any write error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
