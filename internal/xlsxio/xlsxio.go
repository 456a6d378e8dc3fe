// Package xlsxio reads entries from an Excel workbook (.xlsx) and writes
// the officer's entry template. It is the only importer of excelize, and
// it knows no database: a workbook is read as a csvio.Source, so that the
// store imports it by the same path as a CSV file (same validation by
// ledger.ParseEntry, one transaction, idempotent), and the template takes
// the parties it offers as a list.
//
// What is read, and how (the README's "Excel workbooks" says the same):
//
//   - The first sheet (or one named), row 1 the header with the canonical
//     columns (csvio.CheckHeader), one entry per row below; empty rows are
//     skipped. A problem names its cell: FILE:SHEET!CELL: column: problem.
//   - Every cell by what the file stores, never by what its format shows.
//     A formula is refused, not evaluated: its cached value may be stale.
//   - A number in the amount column is the exact decimal text Excel stored
//     (1250000.5). Excel stores binary doubles and writes the shortest text
//     that reads back to the same double, so a typed amount comes back as
//     typed; the remainder of a calculation (0.1+0.2 is stored as
//     0.30000000000000004, more than the 15 significant digits a person can
//     type in Excel) is refused with what Excel shows, never rounded, like
//     any amount with more decimals than its currency has.
//   - A number with a date format in the date or end column is that day
//     (YYYY-MM-DD); a date format that shows no day on the first of a month
//     is that month (Excel turns a typed 2021-10 into 1 October with the
//     format mmm-yy). A year typed as a number (2021) is that year. A text
//     cell is read like the canonical CSV, and also as dd/mm/yyyy or
//     d/m/yyyy (ledger.ReadDate in the Belgian notation).
//   - A text amount is read in the workbook's notation (ledger.ReadAmount):
//     Belgian (1.250.000,50) when forced, or when more text amounts in the
//     sheet show a decimal comma than a decimal point; English otherwise.
//     An amount that reads two ways (5.000) is refused in either.
//
// A workbook is read into memory (excelize's model of the sheet): fine for
// the workbooks officers keep; a file of a million rows is for CSV.
package xlsxio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
)

var (
	zipMagic = []byte("PK\x03\x04")
	// oleMagic opens a Compound File: an Excel 97-2003 workbook (.xls) or
	// an encrypted .xlsx.
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Detect tells whether the file at path is an XLSX workbook rather than a
// CSV file: by its content (a zip archive, as every .xlsx is) or, for a
// file that is not one, by an .xlsx or .xlsm name (the read then says what
// is wrong with it). name is the file's name for the extension and for
// messages (an upload is stored under another). An Excel 97-2003 or
// password-protected workbook is an error that says how to save it.
func Detect(path, name string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the file is named by name (path may be an upload's temporary file)
		}
		return false, fmt.Errorf("%w: %s: %w", ledger.ErrInvalid, name, err)
	}
	defer f.Close()
	head := make([]byte, len(oleMagic))
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return false, fmt.Errorf("%w: %s: %w", ledger.ErrInvalid, name, err)
	}
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(head, zipMagic):
		return true, nil
	case bytes.Equal(head, oleMagic):
		return false, &ledger.Problems{File: name, List: []ledger.Problem{{Code: "xls_workbook",
			Msg: "an Excel 97-2003 (.xls) or password-protected workbook: save it as an Excel Workbook (.xlsx) without a password, or as CSV"}}}
	case ext == ".xlsx" || ext == ".xlsm":
		return true, nil
	}
	return false, nil
}
