package ledger

import (
	"fmt"
	"testing"
)

// Capped keeps the first problems and counts the others in one, adding up
// a count that ends the list already (an import's, past its own cap).
func TestProblemsCapped(t *testing.T) {
	list := func(n int) []Problem {
		var ps []Problem
		for i := range n {
			ps = append(ps, Problem{Line: i + 2, Field: "party", Msg: "unknown party"})
		}
		return ps
	}
	ps := &Problems{File: "f.csv", List: list(3)}
	if ps.Capped(3) != ps {
		t.Error("a list within the cap is not kept as it is")
	}
	got := (&Problems{File: "f.csv", List: list(250)}).Capped(100)
	if len(got.List) != 101 || got.List[100] != MoreProblems(150) || got.List[99].Line != 101 || got.File != "f.csv" {
		t.Errorf("250 capped at 100: %d problems, last %+v", len(got.List), got.List[len(got.List)-1])
	}
	orig := &Problems{List: append(list(1000), MoreProblems(2000))}
	got = orig.Capped(100)
	if len(got.List) != 101 || got.List[100].Value != "2900" || got.List[100].Msg != "... and 2900 more problems" {
		t.Errorf("1000 and 2000 more, capped at 100: last %+v", got.List[len(got.List)-1])
	}
	if len(orig.List) != 1001 {
		t.Error("Capped changed its receiver")
	}
	within := &Problems{List: append(list(10), MoreProblems(5))}
	if within.Capped(100) != within {
		t.Error("a list within the cap that ends with a count is not kept as it is")
	}
	if s := fmt.Sprint(MoreProblems(7)); s != "... and 7 more problems" {
		t.Errorf("MoreProblems writes %q", s)
	}
}
