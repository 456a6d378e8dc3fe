package ledger

import (
	"strings"
	"time"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// Codes of the problems of a rate.
const (
	// CodeNoSource: a rate without a source; Value is empty.
	CodeNoSource = "no_source"
)

// RateFields is an exchange rate as text, as a CSV row, a form, a command
// line or an API request gives it: 1 Base = Rate Quote on Date, from Source.
type RateFields struct {
	Date, Base, Quote, Rate, Source string
}

// ParseRate validates a rate given as values and returns it as a
// money.Rate. The rules are those of every way a rate comes in: Date a day
// (YYYY-MM-DD), Base and Quote two different ISO 4217 currencies, Rate a
// number greater than zero, Source not empty and keeping the text rules
// (one line, at most 500 characters; stored in NFC). Values are trimmed. line is
// the input line for the problems (0 for none).
func ParseRate(f RateFields, line int) (money.Rate, []Problem) {
	var ps Problems
	bad := func(field, format string, args ...any) { ps.Add(line, field, format, args...) }
	day, err := ParseDay(f.Date)
	if err != nil {
		bad("date", "%v", err)
	}
	base, err := money.ParseCurrency(strings.TrimSpace(f.Base))
	if err != nil {
		bad("base", "unknown currency %q", Clip(strings.TrimSpace(f.Base)))
	}
	quote, err := money.ParseCurrency(strings.TrimSpace(f.Quote))
	if err != nil {
		bad("quote", "unknown currency %q", Clip(strings.TrimSpace(f.Quote)))
	}
	if base.Code != "" && base.Code == quote.Code {
		bad("quote", "base and quote are both %s", base.Code)
	}
	rate, err := ParseRateValue(f.Rate)
	if err != nil {
		bad("rate", "%v", err)
	}
	source, p := TextRules["rate-source"].Clean("source", f.Source)
	switch {
	case p != nil:
		p.Line = line
		ps.List = append(ps.List, *p)
	case source == "":
		ps.List = append(ps.List, Problem{Line: line, Field: "source", Code: CodeNoSource, Msg: "no source"})
	}
	if len(ps.List) > 0 {
		return money.Rate{}, ps.List
	}
	return money.Rate{Day: day, Base: base.Code, Quote: quote.Code, Rate: rate, Source: source}, nil
}

// ParseDay reads the day of a rate, YYYY-MM-DD, as UTC midnight.
func ParseDay(s string) (time.Time, error) {
	d, err := ParseDate(strings.TrimSpace(s))
	if err != nil || d.Precision != Day {
		return time.Time{}, Fail(ErrInvalid, "", "", s, "date %q: use YYYY-MM-DD", Clip(s))
	}
	return d.First(), nil
}

// ParseRateValue reads the value of a rate: a plain decimal number greater
// than zero.
func ParseRateValue(s string) (decimal.Decimal, error) {
	d, err := money.ParseDecimal(strings.TrimSpace(s))
	if err != nil {
		return decimal.Decimal{}, Fail(ErrInvalid, "", "", s, "rate %q is not a number", Clip(s))
	}
	if !d.IsPositive() {
		return decimal.Decimal{}, Fail(ErrInvalid, "", "", s, "rate %s must be greater than zero", d)
	}
	return d, nil
}
