package ledger

import (
	"testing"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

func TestChainWarnings(t *testing.T) {
	eur := money.MustCurrency("EUR")
	ent := func(ref string, kind Kind, date, amount string) Entry {
		d, err := ParseDate(date)
		if err != nil {
			t.Fatal(err)
		}
		e := Entry{Ref: ref, Kind: kind, Date: d, Currency: eur}
		if amount != "" {
			e.Amount = decimal.NullDecimal{Decimal: decimal.RequireFromString(amount), Valid: true}
		}
		return e
	}
	pledge := ent("p1", Pledge, "2021-03", "100.00")
	for _, c := range []struct {
		name   string
		e      Entry
		target Entry
		others []Entry
		codes  []string
	}{
		{"a commitment within its pledge", ent("c1", Commitment, "2021-04", "60.00"), pledge, nil, nil},
		{"the same month is not before", ent("c1", Commitment, "2021-03-01", "60.00"), pledge, nil, nil},
		{"dated before", ent("d1", Disbursement, "2021-02-28", "10.00"), pledge, nil, []string{CodeChainEarly}},
		{"over with the others", ent("c2", Commitment, "2021-05", "50.00"), pledge, []Entry{ent("c1", Commitment, "2021-04", "60.00")}, []string{CodeChainOver}},
		{"exactly fulfilled", ent("c2", Commitment, "2021-05", "40.00"), pledge, []Entry{ent("c1", Commitment, "2021-04", "60.00")}, nil},
		{"itself among the others counts once", ent("c1", Commitment, "2021-05", "100.00"), pledge, []Entry{ent("c1", Commitment, "2021-05", "100.00")}, nil},
		{"a pledge fulfilling a commitment", ent("p2", Pledge, "2021-05", "1.00"), ent("c9", Commitment, "2021-04", "5.00"), nil, []string{CodeChainOrder}},
		{"a commitment fulfilling a commitment", ent("c3", Commitment, "2021-05", "1.00"), ent("c9", Commitment, "2021-04", "5.00"), nil, []string{CodeChainOrder}},
	} {
		got := ChainWarnings(c.e, c.target, c.others)
		if len(got) != len(c.codes) {
			t.Errorf("%s: %v, want codes %v", c.name, got, c.codes)
			continue
		}
		for i, p := range got {
			if p.Code != c.codes[i] || p.Field != "fulfils" || p.Value != c.target.Ref || p.Msg == "" {
				t.Errorf("%s: %+v, want code %s", c.name, p, c.codes[i])
			}
		}
	}
}
