package ledger

import (
	"fmt"
	"strconv"
	"time"
)

// Precision says how much of a Date was stated: "2021" is a year,
// "2021-10" a month, "2021-10-31" a day.
type Precision int8

const (
	NoDate Precision = iota
	Year
	Month
	Day
)

// UnknownDate is the precision of a date stated as not known: a deployment
// "until October 2021" has an unknown start. It is below NoDate so that
// no "at least a month" comparison takes it for a stated date.
const UnknownDate Precision = -1

// Unknown is how an unknown date is written, in CSV and everywhere else.
const Unknown = "unknown"

func (p Precision) String() string {
	switch p {
	case Year:
		return "year"
	case Month:
		return "month"
	case Day:
		return "day"
	case UnknownDate:
		return Unknown
	}
	return "none"
}

// Date is a calendar date stated with a precision. The zero Date is "no
// date"; a Date of precision UnknownDate says the date is not known (only
// a deployment's start may be, see ParseStart).
type Date struct {
	Y         int
	M, D      int // 0 when not stated
	Precision Precision
}

// ParseDate reads YYYY, YYYY-MM or YYYY-MM-DD and refuses impossible dates
// such as 2021-02-30.
func ParseDate(s string) (Date, error) {
	bad := func(why string) (Date, error) {
		return Date{}, fmt.Errorf("%w: date %q: %s (use YYYY, YYYY-MM or YYYY-MM-DD)", ErrInvalid, Clip(s), why)
	}
	num := func(part string) (int, bool) {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(part)
		return n, err == nil
	}
	var d Date
	switch len(s) {
	case 4, 7, 10:
	default:
		return bad("malformed")
	}
	y, ok := num(s[:4])
	if !ok || y < 1900 || y > 2999 {
		return bad("year must be four digits between 1900 and 2999")
	}
	d.Y, d.Precision = y, Year
	if len(s) >= 7 {
		if s[4] != '-' {
			return bad("malformed")
		}
		m, ok := num(s[5:7])
		if !ok || m < 1 || m > 12 {
			return bad("month must be 01 to 12")
		}
		d.M, d.Precision = m, Month
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return bad("malformed")
		}
		day, ok := num(s[8:10])
		if !ok || day < 1 || day > daysIn(y, d.M) {
			return bad(fmt.Sprintf("no such day: %04d-%02d has %d days", y, d.M, daysIn(y, d.M)))
		}
		d.D, d.Precision = day, Day
	}
	return d, nil
}

// ParseStart reads an entry's date: what ParseDate reads, or "unknown"
// (precision UnknownDate). Whether an entry may have an unknown date is
// the entry's rule (a deployment with an end), not the date's.
func ParseStart(s string) (Date, error) {
	if s == Unknown {
		return Date{Precision: UnknownDate}, nil
	}
	return ParseDate(s)
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// IsZero reports whether no date was stated.
func (d Date) IsZero() bool { return d.Precision == NoDate }

// IsUnknown reports whether the date was stated as unknown.
func (d Date) IsUnknown() bool { return d.Precision == UnknownDate }

// Known reports whether the date names days: neither zero nor unknown.
// First and Last mean nothing otherwise.
func (d Date) Known() bool { return d.Precision >= Year }

// String writes the date as it was stated: 2021, 2021-10 or 2021-10-31.
func (d Date) String() string {
	switch d.Precision {
	case Year:
		return fmt.Sprintf("%04d", d.Y)
	case Month:
		return fmt.Sprintf("%04d-%02d", d.Y, d.M)
	case Day:
		return fmt.Sprintf("%04d-%02d-%02d", d.Y, d.M, d.D)
	case UnknownDate:
		return Unknown
	}
	return ""
}

// First is the first day the date covers (2021-10 -> 2021-10-01); the
// zero time for a date that is not Known.
func (d Date) First() time.Time {
	if !d.Known() {
		return time.Time{}
	}
	m, day := d.M, d.D
	if m == 0 {
		m = 1
	}
	if day == 0 {
		day = 1
	}
	return time.Date(d.Y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
}

// Last is the last day the date covers (2021-10 -> 2021-10-31); the zero
// time for a date that is not Known.
func (d Date) Last() time.Time {
	switch d.Precision {
	case Year:
		return time.Date(d.Y, 12, 31, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(d.Y, time.Month(d.M)+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return d.First()
}
