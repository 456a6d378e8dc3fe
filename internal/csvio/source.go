package csvio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
)

// Row is one input row of entries: its line and its fields. Fields holds
// the columns the file has and only those: a column the file lacks is
// absent, not "", so that a correction of a known ref changes only what
// the file states (an empty cell in a present column clears its field).
type Row struct {
	Line   int
	Fields ledger.Fields
}

// Source is a named input of entry rows: a CSV file, an upload, the
// embedded demo data. Every range over Rows reads the input from the start
// (an import reads it a second time to put lines on link problems). An
// error of type *ledger.Problems is about one row (its Fields are nil) and
// the rows go on; any other error is the last thing the stream yields.
//
// Cell, if set, names the place of a problem on row line in column field
// the way the input's own readers know it (a workbook's Blad1!F7; a row
// when field is not one of its columns); a problem with a cell is written
// with it instead of its line (ledger.Problem.Cell). It is called only
// after a range over Rows has read the header.
type Source struct {
	Name string
	Rows iter.Seq2[Row, error]
	Cell func(line int, field string) string
}

// RateInput is one exchange rate read from a file, with its line and the
// column that holds the rate (the currency's in an ECB file, rate in the
// long layout and for a rate given as values).
type RateInput struct {
	Line  int
	Field string
	Rate  money.Rate
}

// RateSource is a named input of exchange rates, streamed like
// Source.Rows: a *ledger.Problems error is about one line and the rates go
// on; any other error ends the stream.
type RateSource struct {
	Name  string
	Rates iter.Seq2[RateInput, error]
}

// RatesOf is a rate source over rates given as values (each validated by
// ledger.ParseRate): a rate set from a command line, a form or the API.
func RatesOf(name string, rates ...money.Rate) RateSource {
	return RateSource{Name: name, Rates: func(yield func(RateInput, error) bool) {
		for _, r := range rates {
			if !yield(RateInput{Field: "rate", Rate: r}, nil) {
				return
			}
		}
	}}
}

// All streams the rows of rd until the end of the file or an error that
// stops the read.
func (rd *Reader) All() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		for {
			line, f, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var ps *ledger.Problems
			if err != nil && !errors.As(err, &ps) {
				yield(Row{Line: line}, err)
				return
			}
			if !yield(Row{Line: line, Fields: f}, err) {
				return
			}
		}
	}
}

// All streams the rates of rr until the end of the file or an error that
// stops the read.
func (rr *RateReader) All() iter.Seq2[RateInput, error] {
	return func(yield func(RateInput, error) bool) {
		for {
			in, err := rr.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var ps *ledger.Problems
			if err != nil && !errors.As(err, &ps) {
				yield(in, err)
				return
			}
			if !yield(in, err) {
				return
			}
		}
	}
}

// countingReader counts the bytes read, for progress bars.
type countingReader struct {
	r        io.Reader
	progress func(n int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.progress != nil && n > 0 {
		c.progress(n)
	}
	return n, err
}

// openFile opens path; a file that cannot be opened is invalid input.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ledger.ErrInvalid, err)
	}
	return f, nil
}

// FileSource is an import source reading the CSV file at path; progress,
// if not nil, is told of every chunk of bytes read (on every pass over the
// file: Import reads it a second time only to put line numbers on link
// problems).
func FileSource(path string, opt Options, progress func(n int)) Source {
	return NamedFileSource(path, path, opt, progress)
}

// NamedFileSource is FileSource for a file known by another name (an
// upload kept in a temporary file): every problem and error names the
// file by name, never by path.
func NamedFileSource(path, name string, opt Options, progress func(n int)) Source {
	return Source{Name: name, Rows: func(yield func(Row, error) bool) {
		f, err := openFile(path)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = fmt.Errorf("%w: %s: %w", ledger.ErrInvalid, name, pe.Err)
			}
			yield(Row{}, err)
			return
		}
		defer f.Close()
		opt := opt
		opt.Reopen = func() (io.ReadCloser, error) { return os.Open(path) }
		rd, err := NewReader(&countingReader{r: unpathed{f}, progress: progress}, name, opt)
		if err != nil {
			yield(Row{}, err)
			return
		}
		rd.All()(yield)
	}}
}

// unpathed reads r, with the path taken out of its errors (the reader
// names the file).
type unpathed struct{ r io.Reader }

func (u unpathed) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return n, err
}

// BytesSource is an import source over an in-memory file (an upload, the
// embedded demo data).
func BytesSource(name string, data []byte, opt Options) Source {
	return Source{Name: name, Rows: func(yield func(Row, error) bool) {
		opt := opt
		opt.Reopen = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		rd, err := NewReader(bytes.NewReader(data), name, opt)
		if err != nil {
			yield(Row{}, err)
			return
		}
		rd.All()(yield)
	}}
}

// RateFileSource is a rate source reading the file at path; source names
// the rates' source when the file does not. progress, if not nil, is told
// of every chunk of bytes read.
func RateFileSource(path, source string, progress func(n int)) RateSource {
	return RateSource{Name: path, Rates: func(yield func(RateInput, error) bool) {
		f, err := openFile(path)
		if err != nil {
			yield(RateInput{}, err)
			return
		}
		defer f.Close()
		rr, err := NewRateReader(&countingReader{r: f, progress: progress}, path, source)
		if err != nil {
			yield(RateInput{}, err)
			return
		}
		rr.All()(yield)
	}}
}

// RateBytesSource is a rate source over an in-memory file.
func RateBytesSource(name string, data []byte, source string) RateSource {
	return RateSource{Name: name, Rates: func(yield func(RateInput, error) bool) {
		rr, err := NewRateReader(bytes.NewReader(data), name, source)
		if err != nil {
			yield(RateInput{}, err)
			return
		}
		rr.All()(yield)
	}}
}
