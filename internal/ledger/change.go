package ledger

import (
	"strconv"
	"strings"
)

// Change is one field an amendment changes: its text before and after, in
// canonical form (what export writes).
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Diff lists the fields in which next differs from cur, in column order.
func Diff(cur, next Entry) []Change {
	a, b := cur.Record(), next.Record()
	var out []Change
	for i, c := range Columns {
		if a[i] != b[i] {
			out = append(out, Change{Field: c, Old: a[i], New: b[i]})
		}
	}
	return out
}

// String writes the change as `amount 1000.00 -> 2500.00` or
// `note "x" -> ""`: free text, empty values and values with spaces or
// punctuation are quoted, long ones clipped.
func (c Change) String() string {
	return c.Field + " " + changeValue(c.Field, c.Old) + " -> " + changeValue(c.Field, c.New)
}

// Changes writes a list of changes as `amount 1000.00 -> 2500.00; note "x" -> ""`.
func Changes(cs []Change) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// freeText are the columns whose values are prose, always quoted.
var freeText = map[string]bool{"source": true, "note": true, "asset": true, "title": true}

func changeValue(field, v string) string {
	plain := v != "" && !freeText[field] && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".:;_-", r))
	}) < 0
	if plain {
		return Clip(v)
	}
	return strconv.Quote(Clip(v))
}
