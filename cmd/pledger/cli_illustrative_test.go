package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// summaryJSON is what these tests read of a report in JSON.
type summaryJSON struct {
	Title        string   `json:"title"`
	Mark         string   `json:"title_mark"`
	Illustrative int      `json:"illustrative_entries"`
	Notes        []string `json:"notes"`
	Provenance   struct {
		Entries int `json:"entries"`
	} `json:"provenance"`
}

func reportJSON(t *testing.T, dsn string, args ...string) summaryJSON {
	t.Helper()
	out := mustPledger(t, dsn, append([]string{"report"}, append(args, "--format", "json")...)...)
	var s summaryJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("report %v: %v\n%s", args, err, clip(out))
	}
	return s
}

// TestCLIIllustrative: an illustrative entry marks every report whose scope
// includes it, and only those; the flag is set and cleared like any field.
func TestCLIIllustrative(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		mustPledger(t, dsn, "add", "need", "--ref", "n1", "--party", "COALITION", "--date", "2021",
			"--amount", "670000000", "--currency", "USD")
		out := mustPledger(t, dsn, "add", "pledge", "--ref", "p1", "--party", "USA", "--date", "2021",
			"--amount", "1000000.50", "--currency", "USD", "--illustrative")
		if !strings.Contains(out, "illustrative") {
			t.Errorf("add --illustrative: %q", out)
		}
		if l := listJSON(t, dsn); !l["p1"].Illustrative || l["n1"].Illustrative {
			t.Errorf("list: %+v", l)
		}
		if table := mustPledger(t, dsn, "list"); !strings.Contains(table, "ILLUSTRATIVE") || strings.Count(table, " yes\n") != 1 {
			t.Errorf("list table:\n%s", table)
		}

		all := reportJSON(t, dsn, "summary", "--currency", "USD")
		if all.Illustrative != 1 || all.Mark != "(includes illustrative figures)" {
			t.Errorf("summary of both: %+v", all)
		}
		want := "Illustrative figures: 1 of the 2 entries counted is flagged illustrative (not a published statement)."
		if !containsString(all.Notes, want) {
			t.Errorf("summary notes: %q", all.Notes)
		}
		nl := reportJSON(t, dsn, "summary", "--currency", "USD", "--lang", "nl")
		if nl.Mark != "(bevat illustratieve cijfers)" {
			t.Errorf("summary in Dutch: mark %q", nl.Mark)
		}
		real := reportJSON(t, dsn, "summary", "--currency", "USD", "--party", "COALITION")
		if real.Illustrative != 0 || real.Mark != "" || real.Provenance.Entries != 1 {
			t.Errorf("summary of the real entry: %+v", real)
		}
		for _, n := range real.Notes {
			if strings.Contains(n, "llustrative") {
				t.Errorf("summary of the real entry has the note %q", n)
			}
		}
		md := mustPledger(t, dsn, "report", "summary", "--currency", "USD", "--party", "COALITION", "--format", "md")
		if strings.Contains(md, "illustrative") {
			t.Errorf("markdown of the real entry mentions illustrative:\n%s", md)
		}

		mustPledger(t, dsn, "amend", "p1", "--illustrative=false", "--reason", "published by the ministry")
		if l := listJSON(t, dsn); l["p1"].Illustrative {
			t.Errorf("after --illustrative=false: %+v", l["p1"])
		}
		if s := reportJSON(t, dsn, "summary", "--currency", "USD"); s.Illustrative != 0 || s.Mark != "" {
			t.Errorf("summary after clearing the flag: %+v", s)
		}
		mustPledger(t, dsn, "amend", "p1", "--illustrative", "--reason", "not confirmed after all")
		if res := pledger(t, dsn, "amend", "p1", "--illustrative=maybe", "--reason", "x"); res.code != 2 || !strings.Contains(res.stderr, "illustrative") {
			t.Errorf("--illustrative=maybe: %s", res)
		}
		mustPledger(t, dsn, "verify")
	})
}

// TestCLIIllustrativeCSV: export writes the column (true or empty),
// export -> import -> export gives the same bytes, and a file without the
// column still imports (nothing illustrative).
func TestCLIIllustrativeCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := storetest.DSN(t, engine)
		mustPledger(t, dsn, "init")
		in := "ref,kind,party,date,amount,currency,illustrative\n" +
			"a,pledge,BEL,2021,5,EUR,yes\nb,pledge,BEL,2021,6,EUR,0\nc,pledge,NLD,2021,7,EUR,TRUE\n"
		mustPledger(t, dsn, "import", writeFile(t, "in.csv", in))
		exp := mustPledger(t, dsn, "export")
		lines := strings.Split(exp, "\n")
		if !strings.HasSuffix(lines[0], ",note,illustrative,title") || !strings.HasSuffix(lines[1], ",true,") ||
			!strings.HasSuffix(lines[2], ",6.00,EUR,,,,,,,,,,,") || !strings.HasSuffix(lines[3], ",true,") {
			t.Errorf("export:\n%s", exp)
		}
		again := storetest.DSN(t, engine)
		mustPledger(t, again, "init")
		mustPledger(t, again, "import", writeFile(t, "exp.csv", exp))
		if got := mustPledger(t, again, "export"); got != exp {
			t.Errorf("export -> import -> export differs:\n%s\n---\n%s", exp, got)
		}

		old := "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note\n" +
			"d,pledge,BEL,2021,,8,EUR,,,,,,,,,\n"
		mustPledger(t, dsn, "import", writeFile(t, "old.csv", old))
		if l := listJSON(t, dsn); l["d"].Illustrative || !l["a"].Illustrative {
			t.Errorf("after importing a file without the column: %+v", l)
		}
		bad := "ref,kind,party,date,amount,currency,illustrative\ne,pledge,BEL,2021,9,EUR,perhaps\n"
		if res := pledger(t, dsn, "import", writeFile(t, "bad.csv", bad)); res.code != 2 || !strings.Contains(res.stderr, ":2: illustrative: ") {
			t.Errorf("a bad flag: %s", res)
		}
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
