package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

func mineRiskEducation(t *testing.T) ledger.Sector {
	t.Helper()
	s, err := ledger.NewSector("mine-risk-education", map[string]string{"en": "Mine risk education",
		"nl": "Voorlichting over mijnrisico's", "fr": "Éducation aux risques des mines"}, []string{"MRE", "risk education"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestAddSector: an added sector is kept with its names and spellings,
// joins the vocabulary every door checks against (also after the ledger is
// opened again), is a link of the chain, and cannot be added twice or take
// a spelling another sector has.
func TestAddSector(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		dsn := storetest.DSN(t, engine)
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		before, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddSector(ctx, mineRiskEducation(t), "officer"); err != nil {
			t.Fatal(err)
		}
		after, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after.StateText() == before.StateText() {
			t.Errorf("adding a sector appended no link to the chain: %s", after.StateText())
		}
		res, err := s.Verify(ctx, store.VerifyOptions{})
		if err != nil || res.Sectors != 1 {
			t.Fatalf("verify: %+v %v", res, err)
		}
		s.Close()

		s, err = store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		added, err := s.AddedSectors(ctx)
		if err != nil || len(added) != 1 {
			t.Fatalf("added sectors: %+v %v", added, err)
		}
		got := added[0]
		if got.Code != "mine-risk-education" || got.Name["fr"] != "Éducation aux risques des mines" || got.Name["nl"] != "Voorlichting over mijnrisico's" ||
			strings.Join(got.Spellings, "|") != "MRE|risk education" || !got.Added {
			t.Errorf("stored sector: %+v", got)
		}
		v, err := s.SectorVocab(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if code, ok := v.Lookup("mre"); !ok || code != "mine-risk-education" || !v.Has("demining") {
			t.Errorf("vocabulary: %q %v", code, ok)
		}

		// What the import reads: the added sector by any of its spellings.
		if _, err := importString(t, s, "in.csv", header+"p,pledge,BEL,2021,,5,EUR,,,,Risk Education:50;Déminage:50,IRQ,,,s,n\n", store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		cur, err := s.Current(ctx, "p")
		if err != nil || ledger.FormatSplit(cur.Entry.Sectors, cur.Entry.SectorShares) != "demining:50;mine-risk-education:50" {
			t.Errorf("imported sectors: %q %v", cur.Entry.Sectors, err)
		}

		err = s.AddSector(ctx, mineRiskEducation(t), "officer")
		var f *ledger.Failure
		if !errors.Is(err, ledger.ErrConflict) || !errors.As(err, &f) || f.Code != "sector_exists" {
			t.Errorf("added twice: %v", err)
		}
		taken, _ := ledger.NewSector("clearance", map[string]string{"en": "Clearance", "nl": "Ruiming", "fr": "Déminage"}, nil)
		if err := s.AddSector(ctx, taken, "officer"); !errors.Is(err, ledger.ErrConflict) || !strings.Contains(err.Error(), "already means the sector demining") {
			t.Errorf("a name another sector has: %v", err)
		}
		if added, _ := s.AddedSectors(ctx); len(added) != 1 {
			t.Errorf("a refused sector was written: %+v", added)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Errorf("verify after refused adds: %v", err)
		}
	})
}

// TestTamperSectors: an added sector changed, forged or removed behind
// pledger's back is caught by verify and named.
func TestTamperSectors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		if err := s.AddSector(ctx, mineRiskEducation(t), "officer"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
		var seq int64
		if err := s.DB().Get(&seq, `SELECT chain_seq FROM sectors WHERE code = 'mine-risk-education'`); err != nil {
			t.Fatal(err)
		}
		for _, col := range []string{"name_en", "name_nl", "name_fr", "spellings"} {
			var old string
			if err := s.DB().Get(&old, `SELECT `+col+` FROM sectors`); err != nil {
				t.Fatal(err)
			}
			mustTamper(t, s, `UPDATE sectors SET `+col+` = 'Mallory'`, "sector "+col, "the sectors of state", "mine-risk-education")
			if _, err := s.DB().Exec(s.DB().Rebind(`UPDATE sectors SET `+col+` = ?`), old); err != nil {
				t.Fatal(err)
			}
			restore(t, s)
		}
		mustTamper(t, s, `UPDATE sectors SET code = 'mine-risk'`, "sector code", "the sectors of state")
		restore(t, s, `UPDATE sectors SET code = 'mine-risk-education'`)
		mustTamper(t, s, `INSERT INTO sectors (code, name_en, name_nl, name_fr, spellings, chain_seq) VALUES ('forged', 'F', 'F', 'F', '', 0)`,
			"a sector added", "sector forged", "in no state")
		restore(t, s, `DELETE FROM sectors WHERE code = 'forged'`)
		mustTamper(t, s, `DELETE FROM sectors`, "a sector removed", "the sectors of state")
		restore(t, s, s.DB().Rebind(`INSERT INTO sectors (code, name_en, name_nl, name_fr, spellings, chain_seq)
			VALUES ('mine-risk-education', 'Mine risk education', 'Voorlichting over mijnrisico''s', 'Éducation aux risques des mines', 'MRE;risk education', `)+itoa(seq)+`)`)
		mustTamper(t, s, `UPDATE sectors SET chain_seq = chain_seq + 100`, "a sector moved out of its link", "the sectors of state")
	})
}

func itoa(n int64) string {
	b := []byte{}
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

// TestSectorsRecordedBefore: an entry recorded before the vocabulary keeps
// its sector: it verifies, is listed as outside the vocabulary, survives a
// correction of another field and a re-import of its row as it is; a
// correction of the sector must name the vocabulary.
func TestSectorsRecordedBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		// Recorded as an old pledger did: store.Add takes a validated
		// entry, and the vocabulary did not exist then.
		e := parse(t, s, ledger.Fields{"ref": "old", "kind": "pledge", "party": "BEL", "date": "2017", "amount": "100", "currency": "EUR",
			"sector": "demining", "location": "IRQ"})
		e.Sectors = []string{"Post-conflict support", "demining"}
		if _, err := s.Add(ctx, e, "officer"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatalf("an old sector must verify: %v", err)
		}
		v, _ := s.SectorVocab(ctx)
		out, err := s.SectorsOutside(ctx, v)
		if err != nil || len(out) != 1 || out[0].Sector != "Post-conflict support" || out[0].Entries != 1 || out[0].Refs[0] != "old" {
			t.Errorf("sectors outside the vocabulary: %+v %v", out, err)
		}

		if _, err := s.Amend(ctx, "old", 0, ledger.Fields{"amount": "150"}, "budget review", "officer"); err != nil {
			t.Fatalf("a correction that leaves the sector: %v", err)
		}
		row := "old,pledge,BEL,2017,,150.00,EUR,,,,Post-conflict support;demining,IRQ,,,,\n"
		res, err := importString(t, s, "same.csv", header+row, store.ImportOptions{})
		if err != nil || res.Skipped != 1 {
			t.Errorf("the row as exported: %+v %v", res, err)
		}
		res, err = importString(t, s, "amend.csv", header+strings.Replace(row, "150.00", "175.00", 1), store.ImportOptions{Amend: true, Reason: "r"})
		if err != nil || res.Amended != 1 {
			t.Errorf("a correction of the amount in a full row: %+v %v", res, err)
		}
		_, err = importString(t, s, "new.csv", header+strings.Replace(row, "old,", "new,", 1), store.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), `new.csv:2: sector: unknown sector "Post-conflict support"`) {
			t.Errorf("a new entry with the old sector: %v", err)
		}
		_, err = s.Amend(ctx, "old", 0, ledger.Fields{"sector": "Post-conflict support;camps"}, "r", "officer")
		if !errors.Is(err, ledger.ErrInvalid) || !strings.Contains(err.Error(), "unknown sector") {
			t.Errorf("a changed sector outside the vocabulary: %v", err)
		}
		r, err := s.Amend(ctx, "old", 0, ledger.Fields{"sector": "wederopbouw;Déminage"}, "into the vocabulary", "officer")
		if err != nil || strings.Join(r.Entry.Sectors, ";") != "demining;reconstruction" {
			t.Errorf("a sector brought into the vocabulary: %q %v", r.Entry.Sectors, err)
		}
		if out, _ := s.SectorsOutside(ctx, v); len(out) != 0 {
			t.Errorf("after the correction: %+v", out)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestImportSectors: an import stores sectors as codes, and an unknown
// one refuses the whole file, naming the line and the close matches.
func TestImportSectors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		in := header +
			"a,pledge,BEL,2021,,5,EUR,,,,Stabilization:70;wederopbouw:30,IRQ,,,s,n\n" +
			"b,pledge,NLD,2021,,6,EUR,,,,DÉMINAGE,IRQ,,,s,n\n"
		if _, err := importString(t, s, "in.csv", in, store.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		for ref, want := range map[string]string{"a": "reconstruction:30;stabilisation:70", "b": "demining"} {
			cur, err := s.Current(ctx, ref)
			if err != nil || ledger.FormatSplit(cur.Entry.Sectors, cur.Entry.SectorShares) != want {
				t.Errorf("%s: %q %v, want %s", ref, cur.Entry.Sectors, err, want)
			}
		}
		// The same file again is the same entries: nothing to add.
		if res, err := importString(t, s, "in.csv", in, store.ImportOptions{}); err != nil || res.Skipped != 2 {
			t.Errorf("again: %+v %v", res, err)
		}
		bad := header + "c,pledge,BEL,2021,,5,EUR,,,,demning,IRQ,,,s,n\nd,pledge,BEL,2021,,5,EUR,,,,health,IRQ,,,s,n\n"
		_, err := importString(t, s, "bad.csv", bad, store.ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), `bad.csv:2: sector: unknown sector "demning": did you mean demining (Demining)?`) ||
			!strings.Contains(err.Error(), `bad.csv:3: sector: unknown sector "health": not in the sector vocabulary (military, training,`) {
			t.Errorf("unknown sectors: %v", err)
		}
		var ps *ledger.Problems
		if errors.As(err, &ps) && (ps.List[0].Code != ledger.CodeUnknownSector || ps.List[0].Value != "demning") {
			t.Errorf("problem %+v", ps.List[0])
		}
		if n, _ := s.CountEntries(ctx, store.Filter{}); n != 2 {
			t.Errorf("%d entries after a refused import, want 2", n)
		}
	})
}

// TestTitles: a need's title is stored, read back, found by a search, and
// as of an earlier moment the title then.
func TestTitles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		ctx := context.Background()
		s := storetest.Open(t, engine)
		f := need("n1")
		f["title"] = "Stabilisation of liberated areas"
		if _, err := s.Add(ctx, parse(t, s, f), "officer"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, parse(t, s, need("n2")), "officer"); err != nil {
			t.Fatal(err)
		}
		h1, _ := s.Head(ctx)
		if _, err := s.Amend(ctx, "n1", 0, ledger.Fields{"title": "Stabilisation, 2021"}, "shorter", "officer"); err != nil {
			t.Fatal(err)
		}
		cur, err := s.Current(ctx, "n1")
		if err != nil || cur.Entry.Title != "Stabilisation, 2021" {
			t.Fatalf("current: %q %v", cur.Entry.Title, err)
		}
		now, err := s.Titles(ctx, 0, []string{"n1", "n2", "none"})
		if err != nil || len(now) != 1 || now["n1"] != "Stabilisation, 2021" {
			t.Errorf("titles now: %v %v", now, err)
		}
		then, err := s.Titles(ctx, h1.Seq, []string{"n1", "n2"})
		if err != nil || then["n1"] != "Stabilisation of liberated areas" {
			t.Errorf("titles then: %v %v", then, err)
		}
		n := 0
		s.Entries(ctx, store.Filter{SearchText: "LIBERATED", WithVoided: true, Seq: h1.Seq}, func(ledger.Revision) error { n++; return nil })
		if n != 1 {
			t.Errorf("search by title: %d entries", n)
		}
		if _, err := s.Verify(ctx, store.VerifyOptions{}); err != nil {
			t.Fatal(err)
		}
		mustTamper(t, s, `UPDATE revisions SET title = 'Mallory' WHERE ref = 'n1' AND rev = 2`, "title", "ref n1")
	})
}
