package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/store"
	"github.com/coalition/pledger/internal/store/storetest"
)

// complete asks for the completions of args (the last one is what is
// typed) through cobra's hidden __complete command, as the shell scripts
// do, and returns the candidates.
func complete(t *testing.T, dsn string, args ...string) []string {
	t.Helper()
	var out, errw bytes.Buffer
	full := append([]string{"__complete", "--db", dsn}, args...)
	if code := run(context.Background(), full, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("__complete %q: exit %d\n%s", args, code, errw.String())
	}
	var cands []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, ":") && line != "" {
			cands = append(cands, line)
		}
	}
	return cands
}

func has(cands []string, want string) bool {
	for _, c := range cands {
		if c == want || strings.HasPrefix(c, want+"\t") {
			return true
		}
	}
	return false
}

func TestCompletion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, engine store.Dialect) {
		dsn := seedLedger(t, engine) // seed-need, seed-pledge (toward it), seed-dep
		mustPledger(t, dsn, "party", "add", "OIC", "--name", "Organisation of Islamic Cooperation")
		mustPledger(t, dsn, "add", "need", "--ref", "gone-need", "--party", "UN", "--date", "2020", "--amount", "5", "--currency", "USD")
		mustPledger(t, dsn, "void", "gone-need", "--reason", "entered twice")

		for _, c := range []struct {
			name      string
			args      []string
			want, not []string
		}{
			{"add's KIND", []string{"add", ""}, []string{"need", "pledge", "commitment", "disbursement", "deployment"}, nil},
			{"--kind", []string{"list", "--kind", "dis"}, []string{"disbursement"}, []string{"need"}},
			{"--kind as a list", []string{"list", "--kind", "need,p"}, []string{"need,pledge"}, nil},
			{"--qualifier", []string{"add", "pledge", "--qualifier", ""}, []string{"exact", "at-least", "about", "up-to"}, nil},
			{"--currency", []string{"add", "pledge", "--currency", "EU"}, []string{"EUR"}, []string{"USD", "XXX"}},
			{"rates set BASE", []string{"rates", "set", "2021-03-15", "US"}, []string{"USD"}, nil},
			{"--party, with names", []string{"add", "pledge", "--party", "BE"}, []string{"BEL\tBelgium"}, []string{"NLD"}},
			{"--party, the ledger's own", []string{"list", "--party", "OI"}, []string{"OIC\tOrganisation of Islamic Cooperation"}, nil},
			{"report's PARTY", []string{"report", "party", "OI"}, []string{"OIC"}, nil},
			{"--sector from the ledger", []string{"list", "--sector", ""}, []string{"stabilisation"}, nil},
			{"--location", []string{"list", "--location", "IR"}, []string{"IRQ\tIraq"}, nil},
			{"amend's REF", []string{"amend", "seed-"}, []string{"seed-need", "seed-pledge", "seed-dep"}, []string{"gone-need"}},
			{"history's REF, withdrawn too", []string{"history", ""}, []string{"seed-need", "gone-need"}, nil},
			{"--toward: needs", []string{"add", "pledge", "--toward", ""}, []string{"seed-need"}, []string{"seed-pledge", "gone-need"}},
			{"--fulfils: pledges and commitments", []string{"add", "commitment", "--fulfils", ""}, []string{"seed-pledge"}, []string{"seed-need"}},
			{"chart NAME", []string{"chart", ""}, []string{"summary", "dashboard"}, nil},
			{"--format", []string{"report", "summary", "--format", ""}, []string{"md", "html"}, nil},
		} {
			t.Run(c.name, func(t *testing.T) {
				got := complete(t, dsn, c.args...)
				for _, w := range c.want {
					if !has(got, w) {
						t.Errorf("lacks %q: %q", w, got)
					}
				}
				for _, n := range c.not {
					if has(got, n) {
						t.Errorf("offers %q: %q", n, got)
					}
				}
			})
		}
		if got := complete(t, dsn, "amend", "seed-n"); len(got) != 1 || !strings.Contains(got[0], "COALITION need 2021") {
			t.Errorf("a ref is described: %q", got)
		}
	})

	t.Run("without a ledger: the built-in parties, and no ledger created", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.db")
		got := complete(t, "sqlite:"+path, "add", "pledge", "--party", "NL")
		if !has(got, "NLD\tNetherlands") {
			t.Errorf("built-in parties: %q", got)
		}
		if got := complete(t, "sqlite:"+path, "amend", ""); len(got) != 0 {
			t.Errorf("refs without a ledger: %q", got)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("completion created %s: %v", path, err)
		}
	})

	t.Run("completion scripts", func(t *testing.T) {
		for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
			var out, errw bytes.Buffer
			if code := run(context.Background(), []string{"completion", sh}, strings.NewReader(""), &out, &errw); code != 0 || !strings.Contains(out.String(), "__complete") {
				t.Errorf("completion %s: exit %d, %d bytes\n%s", sh, code, out.Len(), errw.String())
			}
		}
	})
}
