package store_test

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
	"github.com/coalition/pledger/migrations"
	"github.com/pressly/goose/v3"
	"github.com/shopspring/decimal"
)

// The first release (commit 953c7e2, the end of 2026-11-30: migrations
// 00001-00003) wrote testdata/firstrelease/pledger.db.gz; its README says
// how. What that binary reported of it is recorded here and in
// testdata/firstrelease (summary.json, list.json).
const (
	firstReleaseRevisions = 67
	// `pledger verify` of the first release: "ok: 67 revisions, chain head ..."
	firstReleaseHead  = "f5b2ee85eb676871926333bdfe3094ecc75a87aee6c9cdb7e4ec10b5854a19f1"
	firstReleaseRates = 23051 // 23049 ECB rates, a manual one, a replacement
	// The API token `pledger token create alice` printed; alice's password.
	firstReleaseToken    = "plg_5uzDK8LcNXbalcRDGM2tP2BtYZBWJ6d1qIGvJsVHfpQ"
	firstReleasePassword = "fixture-password-1"
)

// firstReleaseMigrations are the SHA-256 of the first release's migration
// files: a landed migration is never edited, so today's are the same.
var firstReleaseMigrations = map[string]string{
	"00001_ledger.sql": "69b14b7f752ed2973330e1c727e7c54b25831d2625313165b6136137b537c18e",
	"00002_rates.sql":  "4127c2731bfa4d36b96a158e96ff0c85e252d87008b5e4340ed9e848e3356205",
	"00003_web.sql":    "9c171f7caedc610b046acc876a625c69356ece45760ba6d1368b76dd4635911d",
}

// firstReleaseDB unpacks the fixture into a temp file.
func firstReleaseDB(t *testing.T) string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "firstrelease", "pledger.db.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pledger.db")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, zr); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// firstReleaseOnPostgres builds the same old-schema database on
// PostgreSQL: the first release's migrations (00001-00003, as that
// binary ran them), then every row of the SQLite fixture, as stored.
func firstReleaseOnPostgres(t *testing.T, fixture string) string {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, store.Postgres)
	pg, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, pg, migrations.FS, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 3); err != nil {
		t.Fatal(err)
	}
	lite, err := sql.Open("sqlite", "file:"+fixture+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	tx, err := pg.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`DELETE FROM ledger_head`); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"parties", "revisions", "ledger_head", "rates", "users", "api_tokens", "sessions", "idempotency", "snapshots"} {
		rows, err := lite.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		marks := make([]string, len(cols))
		for i := range cols {
			marks[i] = "$" + itoa(int64(i+1))
		}
		stmt, err := tx.Prepare(`INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.Join(marks, ", ") + `)`)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			if _, err := stmt.Exec(vals...); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		stmt.Close()
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// oldEntry is an entry of the first release's `list --format json`.
type oldEntry struct {
	Ref, Kind, Party, Date, End, Amount, Currency, Qualifier, Asset, Toward, Fulfils, Source, Note string
	Quantity                                                                                       int64
	Sectors, Locations                                                                             []string
	Revision                                                                                       int
	RecordedAt                                                                                     string `json:"recorded_at"`
	RecordedBy                                                                                     string `json:"recorded_by"`
}

// TestUpgradeFromFirstRelease: a ledger written by the first release (its
// schema: migrations 00001-00003, no chain of states, no illustrative
// flag, no titles) is migrated by today's store on opening, on both
// engines, with every figure and hash intact: it verifies in full, its
// revision chain ends at the hash the old binary reported, every current
// entry reads as the old binary listed it (amounts, dates, who and when),
// the rates and accounts still work, and the summary counts the same
// entries with the same figures (to the rounding rule of f898df7: each
// entry rounded once, where the first release rounded each row's exact
// sum, so a row of n entries may differ by at most n half-cents).
func TestUpgradeFromFirstRelease(t *testing.T) {
	for name, want := range firstReleaseMigrations {
		b, err := migrations.FS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want {
			t.Errorf("migration %s is not the first release's: a landed migration was edited", name)
		}
	}
	var oldList []oldEntry
	readJSON(t, filepath.Join("testdata", "firstrelease", "list.json"), &oldList)
	var oldSummary report.Summary
	readJSON(t, filepath.Join("testdata", "firstrelease", "summary.json"), &oldSummary)
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		fixture := firstReleaseDB(t)
		dsn := "sqlite:" + fixture
		if engine == store.Postgres {
			dsn = firstReleaseOnPostgres(t, fixture)
		}
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("today's store cannot open the first release's ledger: %v", err)
		}
		defer s.Close()
		res, err := s.Verify(ctx, store.VerifyOptions{})
		if err != nil {
			t.Fatalf("the migrated ledger does not verify: %v", err)
		}
		if res.Revisions != firstReleaseRevisions || res.Rates != firstReleaseRates {
			t.Errorf("verified %d revisions and %d rates, the first release had %d and %d", res.Revisions, res.Rates, firstReleaseRevisions, firstReleaseRates)
		}
		h, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if h.Seq != firstReleaseRevisions || h.Hash != firstReleaseHead {
			t.Errorf("revision chain head %d:%s, the first release reported %d:%s", h.Seq, h.Hash, firstReleaseRevisions, firstReleaseHead)
		}
		got := map[string]ledger.Revision{}
		if err := s.Entries(ctx, store.Filter{}, func(r ledger.Revision) error { got[r.Ref] = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(oldList) {
			t.Errorf("%d current entries, the first release listed %d", len(got), len(oldList))
		}
		for _, o := range oldList {
			r, ok := got[o.Ref]
			if !ok {
				t.Errorf("%s: listed by the first release, gone now", o.Ref)
				continue
			}
			e := r.Entry
			amountSame := o.Amount == "" && !e.Amount.Valid ||
				e.Amount.Valid && decimal.RequireFromString(o.Amount).Equal(e.Amount.Decimal) && e.Amount.Decimal.Exponent() == decimal.RequireFromString(o.Amount).Exponent()
			if !amountSame || o.Currency != e.Currency.Code || o.Kind != string(e.Kind) || o.Party != e.Party || o.Date != e.Date.String() ||
				o.End != e.End.String() || o.Qualifier != string(e.Qualifier) || o.Quantity != e.Quantity || o.Asset != e.Asset ||
				!slices.Equal(o.Sectors, e.Sectors) || !slices.Equal(o.Locations, e.Locations) || o.Toward != e.Toward ||
				o.Fulfils != e.Fulfils || o.Source != e.Source || o.Note != e.Note {
				t.Errorf("%s reads %+v now; the first release listed %+v", o.Ref, e, o)
			}
			if o.Revision != r.Rev || o.RecordedAt != r.RecordedAt.UTC().Format(ledger.TimeLayout) || o.RecordedBy != r.Author {
				t.Errorf("%s: revision %d recorded at %s by %s; the first release: %d at %s by %s", o.Ref, r.Rev,
					r.RecordedAt.UTC().Format(ledger.TimeLayout), r.Author, o.Revision, o.RecordedAt, o.RecordedBy)
			}
		}
		if u, err := s.TokenUser(ctx, firstReleaseToken); err != nil || u.Name != "alice" || u.Role != access.Admin {
			t.Errorf("the first release's API token: %+v %v", u, err)
		}
		if u, err := s.User(ctx, "alice"); err != nil || !access.CheckPassword(u.PasswordHash, firstReleasePassword) {
			t.Errorf("the first release's password: %v", err)
		}
		opt, err := report.DefaultRequest().Options(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := report.MakeSummary(ctx, s, opt)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Currency != oldSummary.Currency || sum.Valuation != oldSummary.Valuation || sum.AsOf != oldSummary.AsOf {
			t.Errorf("summary in %s, %s, as of %s; the first release's in %s, %s, as of %s", sum.Currency, sum.Valuation, sum.AsOf,
				oldSummary.Currency, oldSummary.Valuation, oldSummary.AsOf)
		}
		type fig struct {
			amount  string
			entries int
		}
		now := map[string]fig{}
		for _, r := range sum.Rows {
			now[r.Party+" "+r.Kind] = fig{r.Amount, r.Entries}
		}
		for _, r := range sum.Totals {
			now["total "+r.Kind] = fig{r.Amount, r.Entries}
		}
		old := map[string]fig{}
		for _, r := range oldSummary.Rows {
			old[r.Party+" "+r.Kind] = fig{r.Amount, r.Entries}
		}
		for _, r := range oldSummary.Totals {
			old["total "+r.Kind] = fig{r.Amount, r.Entries}
		}
		if len(now) != len(old) {
			t.Errorf("the summary has %d rows and totals, the first release's %d", len(now), len(old))
		}
		same := 0
		for k, o := range old {
			n := now[k]
			if n.entries != o.entries {
				t.Errorf("summary %s: %d entries, the first release counted %d", k, n.entries, o.entries)
				continue
			}
			diff := decimal.RequireFromString(n.amount).Sub(decimal.RequireFromString(o.amount)).Abs()
			bound := decimal.New(5, -3).Mul(decimal.NewFromInt(int64(o.entries)))
			switch {
			case o.entries == 1 && !diff.IsZero():
				t.Errorf("summary %s: %s, the first release %s: one entry, so the same rule", k, n.amount, o.amount)
			case diff.GreaterThan(bound):
				t.Errorf("summary %s: %s, the first release %s: more than rounding apart", k, n.amount, o.amount)
			case diff.IsZero():
				same++
			}
		}
		if same < len(old)-3 {
			t.Errorf("only %d of %d summary figures are the first release's to the cent", same, len(old))
		}
	})
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
