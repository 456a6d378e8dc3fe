package xlsxio

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
	"github.com/xuri/nfp"
)

// excelDigits is how many significant digits Excel keeps of a number a
// person types: more than that in a stored number is the binary remainder
// of a calculation (0.1+0.2 is stored as 0.30000000000000004).
const excelDigits = 15

// numberValue reads a number cell by the text the file stores: a date if
// its format is one, an amount exactly, a year in the date column, and
// any other number as its plain decimal text.
func (s *sheetReader) numberValue(field string, c *cellInfo, currency string) (string, string) {
	d, err := decimal.NewFromString(c.raw)
	if err != nil {
		return "", fmt.Sprintf("stored as %q, which is not a number", ledger.Clip(c.raw))
	}
	if df := s.dateFormat(c.ref); df.date {
		return s.serialDate(c.raw, df)
	}
	plain := c.raw
	if strings.ContainsAny(plain, "eE") {
		plain = d.String() // 1.25E+6 -> 1250000
	}
	switch field {
	case "amount":
		if cur, err := money.ParseCurrency(currency); err == nil && -d.Exponent() > cur.Units && significant(c.raw) > excelDigits {
			f, _ := strconv.ParseFloat(c.raw, 64)
			return "", fmt.Sprintf("the cell stores %s, which Excel shows as %s: the binary remainder of a calculation, with more decimals than %s has (%d); round it in the sheet (ROUND) or type the amount, and paste the value",
				c.raw, strconv.FormatFloat(f, 'g', excelDigits, 64), cur.Code, cur.Units)
		}
	case "date", "end":
		if len(plain) == 4 && d.IsInteger() {
			return plain, "" // a year typed as a number
		}
		return "", fmt.Sprintf("a number (%s), not a date: type the date as text (2021-09-15, 2021-09, 2021 or 15/09/2021) or give the cell a date format", ledger.Clip(plain))
	}
	return plain, ""
}

// significant counts the significant digits of a stored number's text.
func significant(s string) int {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimLeft(s, "+-")
	s = strings.ReplaceAll(s, ".", "")
	return len(strings.TrimRight(strings.TrimLeft(s, "0"), "0"))
}

// dateFormat is what a number format says about a date.
type dateFormat struct {
	date             bool // the format shows a date or a time
	day, month, year bool // it shows the day, the month, the year
	time             bool // it shows a time of day
}

// dateFormat reads the number format of the cell ref (cached by style).
func (s *sheetReader) dateFormat(ref string) dateFormat {
	id, err := s.f.GetCellStyle(s.name, ref)
	if err != nil {
		return dateFormat{}
	}
	if df, ok := s.styles[id]; ok {
		return df
	}
	var df dateFormat
	if st, err := s.f.GetStyle(id); err == nil {
		switch {
		case st.CustomNumFmt != nil:
			df = parseDateFormat(*st.CustomNumFmt)
		default:
			df = builtinDateFormat(st.NumFmt)
		}
	}
	s.styles[id] = df
	return df
}

// builtinDateFormat classifies the built-in number formats (ECMA-376
// 18.8.30): 14-17 and 22 are dates (17 mmm-yy shows no day), 18-21 and
// 45-47 times; 27-36 and 50-58 are East Asian date formats.
func builtinDateFormat(id int) dateFormat {
	switch {
	case id == 17:
		return dateFormat{date: true, month: true, year: true}
	case id >= 14 && id <= 16, id == 22, id >= 27 && id <= 36, id >= 50 && id <= 58:
		return dateFormat{date: true, day: true, month: true, year: true, time: id == 22}
	case id >= 18 && id <= 21, id >= 45 && id <= 47:
		return dateFormat{date: true, time: true}
	}
	return dateFormat{}
}

// parseDateFormat classifies a custom number format by its date and time
// codes (read by excelize's format parser, which skips quoted text and
// [colours] or [$-413] locales).
func parseDateFormat(code string) dateFormat {
	var df dateFormat
	p := nfp.NumberFormatParser()
	sections := p.Parse(code)
	if len(sections) == 0 {
		return df
	}
	for _, tok := range sections[0].Items {
		if tok.TType != nfp.TokenTypeDateTimes && tok.TType != nfp.TokenTypeElapsedDateTimes {
			continue
		}
		df.date = true
		switch strings.ToLower(tok.TValue)[0] {
		case 'd':
			df.day = true
		case 'y', 'e', 'b':
			df.year = true
		case 'm':
			df.month = true // or minutes: decided below
		case 'h', 's':
			df.time = true
		}
	}
	if df.time && !df.day && !df.year {
		df.month = false // h:mm: minutes, not months
	}
	return df
}

// serialDate turns a date cell's serial number into the ledger's date: the
// day, or the month when the format shows no day and it is the first of
// one (Excel turns a typed 2021-10 into 1 October 2021 shown as Oct-21), or
// the year likewise. A time of day is not part of a ledger date.
func (s *sheetReader) serialDate(raw string, df dateFormat) (string, string) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 1 {
		return "", fmt.Sprintf("a time of day or an empty date (stored as %s), not a date", ledger.Clip(raw))
	}
	t, err := excelize.ExcelDateToTime(math.Floor(v), s.date1904)
	if err != nil {
		return "", fmt.Sprintf("stored as %s, which is not a date", ledger.Clip(raw))
	}
	if !df.day && !df.time {
		switch {
		case df.month && t.Day() == 1:
			return t.Format("2006-01"), ""
		case !df.month && df.year && t.YearDay() == 1:
			return t.Format("2006"), ""
		}
	}
	return t.Format(time.DateOnly), ""
}

// isoDateCell reads a date cell stored as ISO 8601 text (t="d").
func isoDateCell(raw string) (string, string) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t.Format(time.DateOnly), ""
		}
	}
	return "", fmt.Sprintf("a date cell stored as %q, which is not a date", ledger.Clip(raw))
}
