package ledger

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Human input. The API and the canonical CSV take amounts with '.' as the
// decimal separator and no grouping, and ISO dates. People type otherwise:
// a Belgian officer writes 1.250.000,50 and 15/09/2021. A door that reads
// what a person typed (a command-line flag, a web form, a spreadsheet in
// the Belgian dialect) turns it into the canonical form with HumanFields,
// in the person's Notation, before ParseEntry; nothing is guessed: an
// amount that reads two ways is refused with both readings.

// Notation is how a person writes numbers and dates.
type Notation struct {
	// DecimalComma: ',' is the decimal separator and '.' (or a space)
	// groups thousands: 1.250.000,50. Otherwise '.' is the decimal
	// separator and ',' groups thousands: 1,250,000.50.
	DecimalComma bool
	// DayFirst: dates may also be written dd/mm/yyyy or d/m/yyyy.
	DayFirst bool
}

// Notations of the languages pledger speaks: English, and the Belgian way
// of Dutch and French.
var (
	English = Notation{}
	Belgian = Notation{DecimalComma: true, DayFirst: true}
)

// NotationOf is the notation of a language (en, nl, fr; a tag such as
// nl-BE counts by its language).
func NotationOf(lang string) Notation {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	base, _, _ = strings.Cut(base, "_")
	if base == "nl" || base == "fr" {
		return Belgian
	}
	return English
}

// ReadAmount turns an amount as a person typed it in notation n into the
// canonical form ("1.250.000,50" -> "1250000.50"). It returns the problem
// when there is one: a number that reads two ways ("5.000": five thousand
// or five) is refused with both readings, never guessed.
func ReadAmount(s string, n Notation) (string, string) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(strings.TrimSpace(s))
	if s == "" {
		return "", ""
	}
	dec, group := byte('.'), byte(',')
	if n.DecimalComma {
		dec, group = ',', '.'
	}
	how := fmt.Sprintf("write it as 1%c250%c000%c50 or 1250000%c50", group, group, dec, dec)
	// One separator, followed by exactly three digits: a thousands group
	// or three decimals?
	if i := strings.IndexAny(s, ".,"); i >= 0 && strings.Count(s, ".")+strings.Count(s, ",") == 1 && len(s)-i-1 == 3 && allDigits(s[:i]) && allDigits(s[i+1:]) && i > 0 && s[0] != '0' {
		thousands := s[:i] + s[i+1:]
		decimal := strings.TrimRight(s[i+1:], "0")
		point := s[:i]
		if decimal != "" {
			point += string(dec) + decimal
		}
		return "", fmt.Sprintf("%q reads two ways: as %s (write %s) or as %s (write %s); write it without the separator or with the decimals the currency has",
			Clip(s), thousands, thousands, strings.ReplaceAll(point, ",", "."), point)
	}
	intPart, frac, hasFrac := strings.Cut(s, string(dec))
	if strings.IndexByte(frac, dec) >= 0 || strings.IndexByte(frac, group) >= 0 {
		return "", fmt.Sprintf("%q is not a number: %s", Clip(s), how)
	}
	if strings.IndexByte(intPart, group) >= 0 {
		groups := strings.Split(intPart, string(group))
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			return "", fmt.Sprintf("%q: '%c' groups thousands, three digits each: %s", Clip(s), group, how)
		}
		intPart = strings.ReplaceAll(intPart, string(group), "")
	}
	if !allDigits(intPart) || intPart == "" || !allDigits(frac) || (hasFrac && frac == "") {
		return "", fmt.Sprintf("%q is not a number: %s", Clip(s), how)
	}
	if hasFrac {
		return intPart + "." + frac, ""
	}
	return intPart, ""
}

// ReadDate turns a date as a person typed it in notation n into the
// canonical form: ISO dates (YYYY, YYYY-MM, YYYY-MM-DD) always, and with
// DayFirst also dd/mm/yyyy and d/m/yyyy (15/09/2021 -> 2021-09-15). It
// returns the problem when there is one, showing the accepted forms.
func ReadDate(s string, n Notation) (string, string) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		return s, ""
	}
	forms := "YYYY, YYYY-MM or YYYY-MM-DD"
	if n.DayFirst {
		forms += ", or dd/mm/yyyy (15/09/2021)"
	}
	if !n.DayFirst {
		return "", fmt.Sprintf("%q: write dates as %s", Clip(s), forms)
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[0]) < 1 || len(parts[0]) > 2 || len(parts[1]) < 1 || len(parts[1]) > 2 || len(parts[2]) != 4 ||
		!allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return "", fmt.Sprintf("%q: write dates as %s", Clip(s), forms)
	}
	d, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return "", fmt.Sprintf("%q is not a day (day/month/year): write dates as %s", Clip(s), forms)
	}
	return t.Format(time.DateOnly), ""
}

// HumanFields rewrites the amount and the dates of f, as a person typed
// them in notation n, into the canonical form ParseEntry reads; the
// problems name their field (line for a file's row). Other fields are
// returned as they are.
func HumanFields(f Fields, n Notation, line int) (Fields, []Problem) {
	out := make(Fields, len(f))
	var ps Problems
	for k, v := range f {
		out[k] = v
		switch k {
		case "amount":
			if c, msg := ReadAmount(v, n); msg != "" {
				ps.Add(line, k, "%s", msg)
			} else {
				out[k] = c
			}
		case "date", "end":
			if strings.EqualFold(strings.TrimSpace(v), Unknown) {
				continue
			}
			if c, msg := ReadDate(v, n); msg != "" {
				ps.Add(line, k, "%s", msg)
			} else {
				out[k] = c
			}
		}
	}
	return out, ps.List
}
