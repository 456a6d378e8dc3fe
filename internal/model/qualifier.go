package model

import "github.com/coalition/pledger/internal/ledger"

// The rules for reading a figure made of qualified amounts ("more than 18
// million"): one place, for every report, total and chart.

// Qualifiers are the qualifiers that make a figure a bound, in the order
// notes list them.
var Qualifiers = []string{string(ledger.AtLeast), string(ledger.About), string(ledger.UpTo)}

// BoundOf is the kind of bound a figure stated with qualifier q is:
// lower, upper or approximate.
func BoundOf(q string) string {
	switch ledger.Qualifier(q) {
	case ledger.AtLeast:
		return "lower"
	case ledger.UpTo:
		return "upper"
	}
	return "approximate"
}

// QualifierOf says how a figure made of entries entries, qualified ones
// counted in q, is to be read.
func QualifierOf(q map[string]int, entries int) (qualifier, bound string) {
	if len(q) == 0 {
		return "", ""
	}
	if len(q) == 1 {
		for k, n := range q {
			if n == entries {
				return k, ""
			}
		}
	}
	switch {
	case q[string(ledger.AtLeast)] > 0 && q[string(ledger.UpTo)] == 0 && q[string(ledger.About)] == 0:
		return "", "lower"
	case q[string(ledger.UpTo)] > 0 && q[string(ledger.AtLeast)] == 0 && q[string(ledger.About)] == 0:
		return "", "upper"
	}
	return "", "approximate"
}

// SumCells adds rounded amount cells (a total is the sum of its rows) and
// combines their qualifiers, weighing each cell by its entries (Int). It is
// the one rule for every total: of a report, and of a chart's "others".
func SumCells(cells []Cell) Cell {
	var t Cell
	q := map[string]int{}
	entries := 0
	for _, c := range cells {
		t.Value = t.Value.Add(c.Value)
		n := int(c.Int)
		entries += n
		switch {
		case c.Qualifier != "":
			q[c.Qualifier] += n
		case c.Bound == "lower":
			q[string(ledger.AtLeast)]++
		case c.Bound == "upper":
			q[string(ledger.UpTo)]++
		case c.Bound == "approximate":
			q[string(ledger.About)]++
		}
	}
	t.Qualifier, t.Bound = QualifierOf(q, entries)
	t.Int = int64(entries)
	return t
}
