package access

import (
	"errors"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"":           now.AddDate(0, 0, 90),
		"30d":        now.AddDate(0, 0, 30),
		"1d":         now.AddDate(0, 0, 1),
		"3650d":      now.AddDate(0, 0, 3650),
		"2026-03-02": time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		"never":      {},
		"Never":      {},
	} {
		got, err := ParseExpiry(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-1d", "3651d", "d", "90", "soon", "2026-03-01", "2025-12-31", "2026-02-30", "90 days"} {
		if _, err := ParseExpiry(in, now); !errors.Is(err, ledger.ErrInvalid) {
			t.Errorf("%q: %v, want invalid", in, err)
		}
	}
}
