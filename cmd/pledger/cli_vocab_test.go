package main

// End-to-end tests of the sector vocabulary and needs' titles at the
// command line (helpers in cli_test.go).

import (
	"context"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// TestCLISectors: sector list and add; sectors given as people write them
// are stored as codes; an unknown one is refused with the close matches
// and what to do; an added sector is counted by verify.
func TestCLISectors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		list := mustPledger(t, dsn, "sector", "list")
		for _, w := range []string{"CODE", "demining", "Ontmijning", "Déminage", "counter-financing", "Countering Daesh's propaganda"} {
			if !strings.Contains(list, w) {
				t.Errorf("sector list: no %q in\n%s", w, list)
			}
		}

		res := pledger(t, dsn, "add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "5", "--currency", "EUR", "--sector", "demning")
		if res.code != 2 || !strings.Contains(res.stderr, `sector: unknown sector "demning": did you mean demining (Demining)?: the sectors are listed by `+"`pledger sector list`") {
			t.Errorf("unknown sector: %s", res)
		}
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021", "--amount", "5", "--currency", "EUR",
			"--sector", "Stabilization:70;wederopbouw:30")
		if got := listJSON(t, dsn)["p1"].Sectors; strings.Join(got, ";") != "reconstruction;stabilisation" {
			t.Errorf("stored sectors %q", got)
		}

		res = pledger(t, dsn, "sector", "add", "mine-risk-education", "--name-en", "Mine risk education", "--name-nl", "Voorlichting over mijnrisico's")
		if res.code != 2 || !strings.Contains(res.stderr, "name-fr: required: the sector's name in French") {
			t.Errorf("a name missing: %s", res)
		}
		out := mustPledger(t, dsn, "sector", "add", "mine-risk-education", "--name-en", "Mine risk education",
			"--name-nl", "Voorlichting over mijnrisico's", "--name-fr", "Éducation aux risques des mines", "--spelling", "MRE")
		if !strings.Contains(out, "added sector mine-risk-education") {
			t.Errorf("sector add: %s", out)
		}
		if res := pledger(t, dsn, "sector", "add", "mine-risk-education", "--name-en", "a", "--name-nl", "b", "--name-fr", "c"); res.code != 4 {
			t.Errorf("added twice: %s", res)
		}
		if res := pledger(t, dsn, "sector", "add", "clearance", "--name-en", "Mine action", "--name-nl", "b", "--name-fr", "c"); res.code != 4 ||
			!strings.Contains(res.stderr, `"Mine action" already means the sector demining`) {
			t.Errorf("a spelling taken: %s", res)
		}
		if list := mustPledger(t, dsn, "sector", "list"); !strings.Contains(list, "Éducation aux risques des mines") || !strings.Contains(list, "(added) MRE") {
			t.Errorf("sector list after add:\n%s", list)
		}
		mustPledger(t, dsn, "add", "pledge", "--ref", "p2", "--party", "BEL", "--date", "2021", "--amount", "5", "--currency", "EUR", "--sector", "mre")
		if got := listJSON(t, dsn)["p2"].Sectors; strings.Join(got, ";") != "mine-risk-education" {
			t.Errorf("an added sector by its spelling: %q", got)
		}
		if v := mustPledger(t, dsn, "verify"); !strings.Contains(v, "1 added sectors") || strings.Contains(v, "note:") {
			t.Errorf("verify: %s", v)
		}
		// The report filter reads spellings too; the report names sectors
		// in the reader's language, added ones included.
		rep := mustPledger(t, dsn, "report", "flows", "--currency", "EUR", "--lang", "fr", "--sector", "MRE")
		if !strings.Contains(rep, "Éducation aux risques des mines") || strings.Contains(rep, "Reconstruction") {
			t.Errorf("flows --sector MRE in French:\n%s", rep)
		}
		rep = mustPledger(t, dsn, "report", "flows", "--currency", "EUR", "--lang", "nl", "--codes")
		if !strings.Contains(rep, "mine-risk-education") || strings.Contains(rep, "Voorlichting") {
			t.Errorf("flows --codes:\n%s", rep)
		}
	})
}

// TestCLITitles: a need's title is taken by --title (and only for a
// need), shown by the coverage report with its ref (the ref alone with
// --codes), kept apart in CSV and JSON, and goes through export -> import
// -> export byte for byte.
func TestCLITitles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		mustPledger(t, dsn, "add", "need", "--ref", "n1", "--party", "COALITION", "--date", "2021", "--amount", "670000000", "--currency", "USD",
			"--sector", "stabilisation", "--title", "Stabilisation needs for 2021, \"Iraq & Syria\"")
		mustPledger(t, dsn, "add", "need", "--ref", "n2", "--party", "UN", "--date", "2021", "--amount", "1000", "--currency", "USD", "--sector", "Ontmijning")
		if res := pledger(t, dsn, "add", "pledge", "--party", "BEL", "--date", "2021", "--amount", "5", "--currency", "EUR", "--title", "x"); res.code != 2 ||
			!strings.Contains(res.stderr, "title: only a need has a title") {
			t.Errorf("a pledge with a title: %s", res)
		}
		mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "BEL", "--date", "2021", "--amount", "5000", "--currency", "USD", "--toward", "n1")

		rep := mustPledger(t, dsn, "report", "coverage", "--currency", "USD", "--lang", "nl")
		for _, w := range []string{`Stabilisation needs for 2021, "Iraq & Syria" (n1)`, "Stabilisatie", "Ontmijning", "\nn2 "} {
			if !strings.Contains(rep, w) {
				t.Errorf("coverage: no %q in\n%s", w, rep)
			}
		}
		html := mustPledger(t, dsn, "report", "coverage", "--currency", "USD", "--format", "html")
		if !strings.Contains(html, `Stabilisation needs for 2021, &#34;Iraq &amp; Syria&#34; <small class="ref">n1</small>`) {
			t.Errorf("coverage html: no title with its ref in small print")
		}
		codes := mustPledger(t, dsn, "report", "coverage", "--currency", "USD", "--codes")
		if strings.Contains(codes, "Stabilisation needs") || !strings.Contains(codes, "\nn1 ") || !strings.Contains(codes, "stabilisation") {
			t.Errorf("coverage --codes:\n%s", codes)
		}
		csv := mustPledger(t, dsn, "report", "coverage", "--currency", "USD", "--format", "csv", "--lang", "fr")
		if !strings.HasPrefix(csv, "need,need_title,party,") || !strings.Contains(csv, `n1,"Stabilisation needs for 2021, ""Iraq & Syria""",COALITION,2021,stabilisation,`) {
			t.Errorf("coverage csv:\n%s", csv)
		}
		if !strings.Contains(mustPledger(t, dsn, "list", "--format", "json"), `"title":"Stabilisation needs for 2021, \"Iraq \u0026 Syria\""`) {
			t.Errorf("list json has no title")
		}

		// Export -> import -> export, byte for byte; a correction of the
		// title; a file without the column keeps it.
		exp := mustPledger(t, dsn, "export")
		if !strings.Contains(exp, ",note,illustrative,title\n") || !strings.Contains(exp, `,"Stabilisation needs for 2021, ""Iraq & Syria"""`+"\n") {
			t.Errorf("export:\n%s", exp)
		}
		again := storetest.DSN(t, engine)
		mustPledger(t, again, "init")
		mustPledger(t, again, "import", writeFile(t, "exp.csv", exp))
		if got := mustPledger(t, again, "export"); got != exp {
			t.Errorf("export -> import -> export differs:\n%s\n---\n%s", exp, got)
		}
		if out := mustPledger(t, again, "import", writeFile(t, "exp.csv", exp)); !strings.Contains(out, "0 added") {
			t.Errorf("the same file again: %s", out)
		}
		mustPledger(t, again, "amend", "n1", "--title", "Stabilisation, 2021", "--reason", "shorter")
		noTitle := "ref,kind,party,date,amount,currency,sector\nn1,need,COALITION,2021,670000000,USD,stabilisation\n"
		if out := mustPledger(t, again, "import", writeFile(t, "old.csv", noTitle)); !strings.Contains(out, "0 added") {
			t.Errorf("a file without the title column: %s", out)
		}
		if got := listJSON(t, again)["n1"]; got.Kind != "need" {
			t.Errorf("n1: %+v", got)
		}
		if !strings.Contains(mustPledger(t, again, "export"), ",Stabilisation, 2021\n") && !strings.Contains(mustPledger(t, again, "export"), `,"Stabilisation, 2021"`) {
			t.Errorf("the title after the correction:\n%s", mustPledger(t, again, "export"))
		}
		mustPledger(t, again, "verify")
	})
}

// TestCLISectorsRecordedBefore: a ledger holding a sector from before the
// vocabulary verifies, and verify's note names it and says what to do.
func TestCLISectorsRecordedBefore(t *testing.T) {
	dsn := storetest.DSN(t, store.SQLite)
	mustPledger(t, dsn, "init")
	ctx := context.Background()
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	e, ps := ledger.ParseEntry(ledger.Fields{"ref": "old", "kind": "pledge", "party": "BEL", "date": "2017", "amount": "100", "currency": "EUR"},
		0, ledger.Known{}, ledger.RefRequired)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	e.Sectors = []string{"Post-conflict support"} // as an older pledger recorded it
	if _, err := s.Add(ctx, e, "officer"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out := mustPledger(t, dsn, "verify")
	if !strings.Contains(out, "note: 1 sectors that entries name are outside the sector vocabulary") ||
		!strings.Contains(out, `"Post-conflict support": 1 entries (old)`) || !strings.Contains(out, "pledger sector add") {
		t.Errorf("verify:\n%s", out)
	}
	rep := mustPledger(t, dsn, "report", "flows", "--currency", "EUR", "--lang", "nl")
	if !strings.Contains(rep, "Post-conflict support") {
		t.Errorf("a report shows the old sector as written:\n%s", rep)
	}
	mustPledger(t, dsn, "amend", "old", "--amount", "150", "--reason", "budget review")
	mustPledger(t, dsn, "amend", "old", "--sector", "stabilization", "--reason", "into the vocabulary")
	if out := mustPledger(t, dsn, "verify"); strings.Contains(out, "note:") {
		t.Errorf("verify after the correction:\n%s", out)
	}
}
