package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// revCols are the columns of revisions, in insert order.
var revCols = []string{"seq", "ref", "rev", "action", "supersedes", "kind", "party", "date", "date_first", "date_last",
	"end_date", "end_last", "amount_minor", "currency", "qualifier", "quantity", "asset", "sector", "location",
	"toward", "fulfils", "source", "note", "reason", "author", "recorded_at", "content_hash", "prev_hash", "hash",
	"illustrative", "title"}

var revColList = strings.Join(revCols, ", ")

// revValues flattens r into the column values of revCols.
func revValues(r *ledger.Revision) ([]any, error) {
	e := r.Entry
	var amount, quantity, supersedes any
	if e.Amount.Valid {
		m, err := money.ToMinor(e.Amount.Decimal, e.Currency)
		if err != nil {
			return nil, err
		}
		amount = m
	}
	if e.Quantity > 0 {
		quantity = e.Quantity
	}
	if r.Supersedes > 0 {
		supersedes = r.Supersedes
	}
	illustrative := 0
	if e.Illustrative {
		illustrative = 1
	}
	endLast := ""
	if !e.End.IsZero() {
		endLast = e.End.Last().Format(time.DateOnly)
	}
	// An unknown start (a deployment with an end) may be any day up to the
	// end: date_first is "" (before every day) and date_last the end's last
	// day, so that a from/to filter keeps the entry when it may match.
	dateFirst, dateLast := "", endLast
	if e.Date.Known() {
		dateFirst, dateLast = e.Date.First().Format(time.DateOnly), e.Date.Last().Format(time.DateOnly)
	}
	return []any{r.Seq, r.Ref, r.Rev, string(r.Action), supersedes, string(e.Kind), e.Party, e.Date.String(),
		dateFirst, dateLast, e.End.String(), endLast,
		amount, e.Currency.Code, string(e.Qualifier), quantity, e.Asset, ledger.FormatSplit(e.Sectors, e.SectorShares),
		ledger.FormatSplit(e.Locations, e.LocationShares), e.Toward, e.Fulfils, e.Source, e.Note, r.Reason, r.Author,
		r.RecordedAt.UTC().Format(ledger.TimeLayout), r.Content, r.PrevHash, r.Hash,
		illustrative, e.Title}, nil
}

// revRow is a scanned revisions row.
type revRow struct {
	Seq          int64         `db:"seq"`
	Ref          string        `db:"ref"`
	Rev          int           `db:"rev"`
	Action       string        `db:"action"`
	Supersedes   sql.NullInt64 `db:"supersedes"`
	Kind         string        `db:"kind"`
	Party        string        `db:"party"`
	Date         string        `db:"date"`
	DateFirst    string        `db:"date_first"`
	DateLast     string        `db:"date_last"`
	EndDate      string        `db:"end_date"`
	EndLast      string        `db:"end_last"`
	AmountMinor  sql.NullInt64 `db:"amount_minor"`
	Currency     string        `db:"currency"`
	Qualifier    string        `db:"qualifier"`
	Quantity     sql.NullInt64 `db:"quantity"`
	Asset        string        `db:"asset"`
	Sector       string        `db:"sector"`
	Location     string        `db:"location"`
	Toward       string        `db:"toward"`
	Fulfils      string        `db:"fulfils"`
	Source       string        `db:"source"`
	Note         string        `db:"note"`
	Reason       string        `db:"reason"`
	Author       string        `db:"author"`
	RecordedAt   string        `db:"recorded_at"`
	ContentHash  string        `db:"content_hash"`
	PrevHash     string        `db:"prev_hash"`
	Hash         string        `db:"hash"`
	Illustrative int64         `db:"illustrative"`
	Title        string        `db:"title"`
}

// revision turns a row back into a Revision. It does not validate: what is
// in the table is what was recorded, and Verify says whether it still is.
func (row *revRow) revision() (ledger.Revision, error) {
	var e ledger.Entry
	var err error
	e.Ref, e.Kind, e.Party = row.Ref, ledger.Kind(row.Kind), row.Party
	if e.Date, err = ledger.ParseStart(row.Date); err != nil {
		return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
	}
	if row.EndDate != "" {
		if e.End, err = ledger.ParseDate(row.EndDate); err != nil {
			return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
		}
	}
	if row.Currency != "" {
		if e.Currency, err = money.ParseCurrency(row.Currency); err != nil {
			return ledger.Revision{}, fmt.Errorf("revision %d: %w", row.Seq, err)
		}
	}
	if row.AmountMinor.Valid {
		e.Amount = decimal.NullDecimal{Decimal: money.FromMinor(row.AmountMinor.Int64, e.Currency), Valid: true}
	}
	e.Qualifier = ledger.Qualifier(row.Qualifier)
	if row.Qualifier == "" {
		// Always stored as "exact": an empty one reads back so, and
		// verify's column check then names it.
		e.Qualifier = ledger.Exact
	}
	e.Quantity = row.Quantity.Int64
	e.Asset = row.Asset
	e.Sectors, e.SectorShares = ledger.ReadSplit(row.Sector)
	e.Locations, e.LocationShares = ledger.ReadSplit(row.Location)
	e.Toward, e.Fulfils, e.Source, e.Note = row.Toward, row.Fulfils, row.Source, row.Note
	e.Illustrative = row.Illustrative != 0
	e.Title = row.Title
	at, err := time.Parse(ledger.TimeLayout, row.RecordedAt)
	if err != nil {
		return ledger.Revision{}, fmt.Errorf("revision %d: recorded_at %q: %w", row.Seq, row.RecordedAt, err)
	}
	return ledger.Revision{
		Seq: row.Seq, Ref: row.Ref, Rev: row.Rev, Action: ledger.Action(row.Action), Supersedes: row.Supersedes.Int64,
		Entry: e, Reason: row.Reason, Author: row.Author, RecordedAt: at,
		Content: row.ContentHash, PrevHash: row.PrevHash, Hash: row.Hash,
	}, nil
}
