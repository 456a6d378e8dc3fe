package model

import (
	"errors"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
)

func TestParseValuation(t *testing.T) {
	good := []struct {
		in       string
		stale    int
		kind     string
		fixed    string
		str      string
		describe string
	}{
		{"", 4, "spot", "", "spot", "spot:"},
		{"spot", 0, "spot", "", "spot", "spot:"},
		{"annual", 4, "annual", "", "annual", "annual:"},
		{"fixed:2021-12-31", 4, "fixed", "2021-12-31", "fixed:2021-12-31", "fixed: every entry at the rate of 2021-12-31 (or up to 4 days before)"},
		{"fixed:2016-02-29", 0, "fixed", "2016-02-29", "fixed:2016-02-29", "fixed:"},
	}
	en := MustLang("en")
	for _, c := range good {
		v, err := ParseValuation(c.in, c.stale)
		if err != nil {
			t.Errorf("ParseValuation(%q, %d): %v", c.in, c.stale, err)
			continue
		}
		if string(v.Kind) != c.kind || v.MaxStale != c.stale || v.String() != c.str || !strings.HasPrefix(v.Describe(en), c.describe) {
			t.Errorf("ParseValuation(%q, %d) = %+v (%q, %q)", c.in, c.stale, v, v.String(), v.Describe(en))
		}
		if c.fixed != "" && v.Fixed.Format("2006-01-02") != c.fixed {
			t.Errorf("ParseValuation(%q).Fixed = %s, want %s", c.in, v.Fixed, c.fixed)
		}
		if c.fixed == "" && !v.Fixed.IsZero() {
			t.Errorf("ParseValuation(%q).Fixed = %s, want zero", c.in, v.Fixed)
		}
		// String round-trips.
		if v2, err := ParseValuation(v.String(), c.stale); err != nil || v2 != v {
			t.Errorf("ParseValuation(%q) = %+v, %v; want %+v", v.String(), v2, err, v)
		}
	}
	bad := []struct {
		in    string
		stale int
	}{
		{"Spot", 4}, {"SPOT", 4}, {"annual ", 4}, {"yearly", 4}, {"monthly", 4}, {"spot:2021", 4},
		{"fixed", 4}, {"fixed:", 4}, {"fixed:2021", 4}, {"fixed:2021-12", 4}, {"fixed:2021-02-30", 4},
		{"fixed:31-12-2021", 4}, {"fixed: 2021-12-31", 4}, {"fixed:2021-12-31T00:00", 4}, {"fixed=2021-12-31", 4},
		{"spot", -1}, {"annual", -1}, {"fixed:2021-12-31", -1},
	}
	for _, c := range bad {
		v, err := ParseValuation(c.in, c.stale)
		if !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("ParseValuation(%q, %d) = %+v, %v; want ErrInvalid", c.in, c.stale, v, err)
		}
	}
}
