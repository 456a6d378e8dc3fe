package demo_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// richDemo is the demo ledger on SQLite with every kind of fact a ledger
// holds beside its imported entries: amendments and a void, a rate
// replaced and a manual one, an added party and sector, a signed
// checkpoint, accounts with a token, a published dashboard.
func richDemo(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx := context.Background()
	s := openDemo(t, store.SQLite)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Amend(ctx, "bel-pledge-2021-stab", 0, ledger.Fields{"amount": "5500000"}, "budget review", "officer")
	must(err)
	_, err = s.Amend(ctx, "bel-pledge-2021-stab", 0, ledger.Fields{"note": "corrected twice", "illustrative": "false"}, "confirmed", "officer")
	must(err)
	_, err = s.Void(ctx, "gbr-com-2016-comms", 0, "entered twice", "officer")
	must(err)
	_, err = s.ImportRates(ctx, csvio.RateBytesSource("manual.csv", []byte("date,base,quote,rate,source\n2021-03-15,EUR,CHF,1.1079,manual\n"), ""),
		store.RateImportOptions{Author: "officer"})
	must(err)
	_, err = s.ImportRates(ctx, csvio.RateBytesSource("fix.csv", []byte("date,base,quote,rate,source\n2021-09-15,EUR,USD,1.1817,"+ecbSource(t, s)+"\n"), ""),
		store.RateImportOptions{Author: "officer", Replace: true})
	must(err)
	must(s.AddParty(ctx, ledger.Party{Code: "XKX", Name: "Kosovo", Type: "state"}, "admin"))
	sec, err := ledger.NewSector("mine-risk-education", map[string]string{"en": "Mine risk education",
		"nl": "Voorlichting over mijnrisico's", "fr": "Éducation aux risques des mines"}, []string{"MRE"})
	must(err)
	must(s.AddSector(ctx, sec, "admin"))
	e, ps := ledger.ParseEntry(ledger.Fields{"ref": "che-pledge-2021-mre", "kind": "pledge", "party": "CHE", "date": "2021-03-15",
		"amount": "1250000.50", "currency": "CHF", "sector": "MRE", "location": "SYR", "source": "test (not a real figure)",
		"note": "a \"quoted\" note,\nover two lines\twith a tab", "illustrative": "true"}, 0, ledger.Known{Sectors: mustVocab(t, s)}, ledger.RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	_, err = s.Add(ctx, e, "officer")
	must(err)
	_, key, err := ed25519.GenerateKey(nil)
	must(err)
	_, err = s.Checkpoint(ctx, key)
	must(err)
	hash, err := access.HashPassword("correct horse battery")
	must(err)
	must(s.AddUser(ctx, "alice", access.Admin, hash))
	must(s.AddUser(ctx, "bob", access.Officer, hash))
	token, err := s.NewToken(ctx, "bob", "sync")
	must(err)
	_, err = s.Publish(ctx, store.Snapshot{Title: "Demo <dashboard>", AsOf: "2026-01-15T09:30:00Z", Options: `{"currency":"USD"}`, PublishedBy: "alice"})
	must(err)
	return s, token
}

func ecbSource(t *testing.T, s *store.Store) string {
	t.Helper()
	names, err := s.RateSourceNames(context.Background(), fixedClock())
	if err != nil || len(names) == 0 {
		t.Fatalf("rate sources: %v %v", names, err)
	}
	return names[0]
}

func mustVocab(t *testing.T, s *store.Store) *ledger.Sectors {
	t.Helper()
	v, err := s.SectorVocab(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func backupOf(t *testing.T, s *store.Store, withAccounts bool) ([]byte, *store.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := s.Backup(context.Background(), &buf, store.BackupOptions{WithAccounts: withAccounts, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func restoreInto(t *testing.T, engine store.Dialect, archive []byte) (*store.Store, store.RestoreResult) {
	t.Helper()
	s := storetest.OpenAt(t, engine, fixedClock)
	res, err := s.Restore(context.Background(), bytes.NewReader(archive), int64(len(archive)), "archive.zip")
	if err != nil {
		t.Fatalf("restore into %s: %v", engine, err)
	}
	return s, res
}

// parts reads every part of an archive but the manifest.
func parts(t *testing.T, archive []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(archive), int64(len(archive)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		if f.Name == store.ManifestName {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

// reportsJSON makes every report of the catalog as JSON, in English, in
// USD (Belgium's profile in EUR).
func reportsJSON(t *testing.T, s *store.Store) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	lang, err := model.ParseLang("en")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, d := range report.Catalog() {
		cur := "USD"
		if len(d.Args) > 0 {
			cur = "EUR"
		}
		m, err := report.Run(ctx, s, d.Name, report.Options{Currency: money.MustCurrency(cur), Valuation: model.DefaultValuation(), Lang: lang,
			Params: map[string]string{"party": "BEL"}})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		var buf bytes.Buffer
		if err := render.Write(&buf, m, "json", lang); err != nil {
			t.Fatal(err)
		}
		out[d.Name] = buf.Bytes()
	}
	return out
}

// TestBackupMovesTheDemoLedger: the demo ledger, with amendments, a void,
// replaced and manual rates, an added party and sector, a checkpoint,
// accounts and a published dashboard, backed up from SQLite and restored
// into each engine (PostgreSQL: the officer's ledger moving to the
// ministry), then backed up again and restored into SQLite once more: the
// same chain head, byte-identical parts, every report the same JSON, and
// the restored ledger verifies and takes new writes.
func TestBackupMovesTheDemoLedger(t *testing.T) {
	ctx := context.Background()
	src, token := richDemo(t)
	a, ma := backupOf(t, src, true)
	want := reportsJSON(t, src)
	if ma.State == "" || ma.Revisions == "" {
		t.Fatalf("manifest without a state: %+v", ma)
	}
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dst, res := restoreInto(t, engine, a)
		if res.Verified.State != ma.State {
			t.Errorf("restored state %s, archived %s", res.Verified.State, ma.State)
		}
		if res.Verified.Checkpoints != 1 || res.Verified.Sectors != 1 {
			t.Errorf("restored %d checkpoints and %d added sectors, want 1 and 1", res.Verified.Checkpoints, res.Verified.Sectors)
		}
		h, err := dst.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.StateText(); got != ma.State {
			t.Errorf("%s: chain head %s after restore, want %s", engine, got, ma.State)
		}
		if _, err := dst.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("%s: the restored ledger does not verify: %v", engine, err)
		}
		b, mb := backupOf(t, dst, true)
		if mb.State != ma.State || mb.Revisions != ma.Revisions {
			t.Errorf("%s: backed up again at %s (%s), first at %s (%s)", engine, mb.State, mb.Revisions, ma.State, ma.Revisions)
		}
		pa, pb := parts(t, a), parts(t, b)
		if len(pa) != len(pb) {
			t.Errorf("%s: %d parts, first %d", engine, len(pb), len(pa))
		}
		for name, data := range pa {
			if !bytes.Equal(data, pb[name]) {
				t.Errorf("%s: part %s differs after a round trip (%d bytes, first %d)", engine, name, len(pb[name]), len(data))
			}
		}
		for i := range ma.Parts {
			if x, y := ma.Parts[i], mb.Parts[i]; x.Name != y.Name || x.Rows != y.Rows || x.Bytes != y.Bytes || x.SHA256 != y.SHA256 {
				t.Errorf("%s: manifest part %+v, first %+v", engine, y, x)
			}
		}
		got := reportsJSON(t, dst)
		for name, w := range want {
			if !bytes.Equal(got[name], w) {
				t.Errorf("%s: the %s report differs after the move:\n%s", engine, name, firstDiff(string(w), string(got[name])))
			}
		}
		// And back to SQLite.
		back, _ := restoreInto(t, store.SQLite, b)
		c, mc := backupOf(t, back, true)
		if mc.State != ma.State {
			t.Errorf("back on SQLite at %s, want %s", mc.State, ma.State)
		}
		for name, data := range parts(t, c) {
			if !bytes.Equal(data, pa[name]) {
				t.Errorf("%s -> sqlite: part %s differs", engine, name)
			}
		}
		// The accounts came with their secrets: the token and the
		// password still sign in.
		if u, err := dst.TokenUser(ctx, token); err != nil || u.Name != "bob" {
			t.Errorf("%s: the token after the move: %+v %v", engine, u, err)
		}
		if u, err := dst.User(ctx, "alice"); err != nil || !access.CheckPassword(u.PasswordHash, "correct horse battery") {
			t.Errorf("%s: alice's password after the move: %v", engine, err)
		}
		// The restored ledger takes new writes: a rate (PostgreSQL numbers
		// it after the restored ones) and an entry, and still verifies.
		if _, err := dst.ImportRates(ctx, csvio.RateBytesSource("new.csv", []byte("date,base,quote,rate,source\n2026-01-02,EUR,CHF,0.9301,manual\n"), ""),
			store.RateImportOptions{Author: "officer"}); err != nil {
			t.Fatalf("%s: a rate after the restore: %v", engine, err)
		}
		if _, err := dst.Void(ctx, "che-pledge-2021-mre", 0, "test", "officer"); err != nil {
			t.Fatalf("%s: a void after the restore: %v", engine, err)
		}
		if _, err := dst.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("%s: after new writes: %v", engine, err)
		}
	})
}
