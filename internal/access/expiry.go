package access

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
)

// DefaultTokenDays is how long an API token lasts unless its maker asks
// for another expiry.
const DefaultTokenDays = 90

// MaxTokenDays bounds an expiry given in days; a longer life is a date or
// "never", said on purpose.
const MaxTokenDays = 3650

// ParseExpiry reads when a new API token expires, from now: "" for
// DefaultTokenDays, "Nd" for N days, a date YYYY-MM-DD for the start of
// that day (UTC), or "never". The zero time means never.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) error {
		return fmt.Errorf("%w: token expiry %q: %sgive a number of days (90d), a date (2027-01-31) or never",
			ledger.ErrInvalid, ledger.Clip(s), why)
	}
	switch {
	case s == "":
		return now.UTC().AddDate(0, 0, DefaultTokenDays), nil
	case strings.EqualFold(s, "never"):
		return time.Time{}, nil
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > MaxTokenDays {
			return time.Time{}, bad(fmt.Sprintf("days are 1 to %d; ", MaxTokenDays))
		}
		return now.UTC().AddDate(0, 0, n), nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, bad("")
	}
	if !d.After(now) {
		return time.Time{}, bad("the date is not in the future; ")
	}
	return d, nil
}
