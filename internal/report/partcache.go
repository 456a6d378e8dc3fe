package report

import (
	"fmt"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
)

// scanCache is one scan part's memory of what it has read: each date
// text's date, each currency, and the conversion (with its tally) of each
// currency and date. A scan of a million entries asks it two million
// times, so it avoids hashing texts: a date is found by a number read from
// its digits (dateKey), in a small map per currency.
type scanCache struct {
	conv  *Converter
	dates map[int32]ledger.Date
	curs  map[string]*curCache
	last  *curCache // of the entry before: entries often share a currency
}

type curCache struct {
	code    string
	cur     money.Currency
	factors map[int32]*tally // by dateKey
}

func newScanCache(conv *Converter) *scanCache {
	return &scanCache{conv: conv, dates: map[int32]ledger.Date{}, curs: map[string]*curCache{}}
}

// dateKey is a number naming a date text of the form YYYY, YYYY-MM or
// YYYY-MM-DD: Y*10000 + M*100 + D, the parts not stated 0. Two texts of
// those forms have the same key only if they are the same text. false:
// the text has none of those forms (it is no date: ParseDate says why).
func dateKey(s string) (int32, bool) {
	digits := func(s string) (int32, bool) {
		n := int32(0)
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int32(c-'0')
		}
		return n, true
	}
	y, ok := digits(s[:min(4, len(s))])
	if !ok || len(s) < 4 {
		return 0, false
	}
	k := y * 10000
	switch len(s) {
	case 4:
		return k, true
	case 7, 10:
		if s[4] != '-' {
			return 0, false
		}
		m, ok := digits(s[5:7])
		if !ok {
			return 0, false
		}
		k += m * 100
		if len(s) == 7 {
			return k, true
		}
		if s[7] != '-' {
			return 0, false
		}
		d, ok := digits(s[8:10])
		if !ok {
			return 0, false
		}
		return k + d, true
	}
	return 0, false
}

// date is the date of text s (an entry's), parsed the first time.
func (c *scanCache) date(s string) (ledger.Date, int32, error) {
	k, ok := dateKey(s)
	if ok {
		if d, ok := c.dates[k]; ok {
			return d, k, nil
		}
	}
	d, err := ledger.ParseDate(s)
	if err != nil {
		return d, 0, err
	}
	k = int32(d.Y*10000 + d.M*100 + d.D)
	c.dates[k] = d
	return d, k, nil
}

// currency is the cache of currency code, made the first time.
func (c *scanCache) currency(code string) (*curCache, error) {
	if c.last != nil && c.last.code == code {
		return c.last, nil
	}
	cc := c.curs[code]
	if cc == nil {
		cur, err := money.ParseCurrency(code)
		if err != nil {
			return nil, err
		}
		cc = &curCache{code: cur.Code, cur: cur, factors: map[int32]*tally{}}
		c.curs[code] = cc
	}
	c.last = cc
	return cc, nil
}

// entry finds what valuing a needs: its date, its currency and the tally
// of its conversion (made the first time; its error names the entry, or
// when the scan did not read its ref, one entry of that currency and
// date, firstRef).
func (c *scanCache) entry(a *store.Amount, firstRef func() string) (ledger.Date, *curCache, *tally, error) {
	d, k, err := c.date(a.Date)
	if err != nil {
		return d, nil, nil, fmt.Errorf("entry %s: %w", a.Ref, err)
	}
	cc, err := c.currency(a.Currency)
	if err != nil {
		return d, nil, nil, fmt.Errorf("entry %s: %w", a.Ref, err)
	}
	t := cc.factors[k]
	if t == nil {
		cv, err := c.conv.conversion(a.Currency, d)
		if err != nil {
			ref := string(a.Ref)
			if ref == "" && firstRef != nil {
				ref = firstRef()
			}
			return d, nil, nil, fmt.Errorf("%w (entry %s)", err, ref)
		}
		t = &tally{conv: cv}
		cc.factors[k] = t
	}
	return d, cc, t, nil
}

// tallies calls fn with every tally the cache made.
func (c *scanCache) tallies(fn func(t *tally)) {
	for _, cc := range c.curs {
		for _, t := range cc.factors {
			fn(t)
		}
	}
}
