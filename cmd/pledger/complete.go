package main

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/chart"
	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

// Shell completion (cobra's dynamic completion: `pledger completion bash`
// and the others write the script, which calls the hidden __complete
// command). Values come from the domain (kinds, qualifiers, ISO 4217
// currencies, places) and from the ledger named by --db or PLEDGER_DB
// (parties with their names, sectors, refs), read only if it exists:
// completing never creates a ledger. Without one, parties are the
// built-in ones.

// completeTimeout bounds how long completion waits for the ledger.
const completeTimeout = 3 * time.Second

// completion lists candidates "value\tdescription" for what is typed.
type completion func(a *app, cmd *cobra.Command, toComplete string) []string

// flagCompletions complete flags by name, on every command that has them.
var flagCompletions = map[string]completion{
	"kind":        fixed(kindNames()...),
	"qualifier":   fixed(qualifierNames()...),
	"currency":    func(*app, *cobra.Command, string) []string { return money.Codes() },
	"party":       (*app).partyCandidates,
	"sector":      (*app).sectorCandidates,
	"location":    func(*app, *cobra.Command, string) []string { return placeCandidates() },
	"toward":      refCandidates(false, ledger.Need),
	"fulfils":     refCandidates(false, ledger.Pledge, ledger.Commitment),
	"lang":        fixed(model.Languages...),
	"valuation":   fixed("spot", "annual", "fixed:"),
	"by":          fixed("year", "quarter", "month"),
	"role":        fixed(roleNames()...),
	"format":      formatCandidates,
	"csv-dialect": fixed(render.Dialects...),
	"table": func(_ *app, cmd *cobra.Command, _ string) []string {
		if d, err := report.Lookup(cmd.Name()); err == nil {
			return tableKeys(d)
		}
		return nil
	},
}

func kindNames() []string {
	out := make([]string, len(ledger.Kinds))
	for i, k := range ledger.Kinds {
		out[i] = string(k)
	}
	return out
}

func qualifierNames() []string {
	out := make([]string, len(ledger.Qualifiers))
	for i, q := range ledger.Qualifiers {
		out[i] = string(q)
	}
	return out
}

func roleNames() []string {
	out := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		out[i] = string(r)
	}
	return out
}

func fixed(values ...string) completion {
	return func(*app, *cobra.Command, string) []string { return values }
}

// formatCandidates: the report formats, html for charts, else the words of
// the flag's help ("table, csv or json").
func formatCandidates(_ *app, cmd *cobra.Command, _ string) []string {
	switch {
	case cmd.Parent() != nil && cmd.Parent().Name() == "report":
		return reportFormats()
	case cmd.Name() == "chart":
		return chartFormats
	}
	f := cmd.Flags().Lookup("format")
	if f == nil {
		return nil
	}
	return regexp.MustCompile(`[a-z]+`).FindAllString(strings.ReplaceAll(f.Usage, " or ", ", "), -1)
}

// withLedger calls fn with the ledger named by --db, if it exists and opens
// in time; it reports whether it did.
func (a *app) withLedger(cmd *cobra.Command, fn func(ctx context.Context, s *store.Store) error) bool {
	dialect, path, err := store.ParseDSN(a.dbFlag)
	if err != nil {
		return false
	}
	if dialect == store.SQLite {
		if _, err := os.Stat(path); err != nil {
			return false
		}
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	s, err := store.Open(ctx, a.dbFlag)
	if err != nil {
		return false
	}
	defer s.Close()
	return fn(ctx, s) == nil
}

// partyCandidates: the ledger's parties (or the built-in ones), each with
// its name.
func (a *app) partyCandidates(cmd *cobra.Command, _ string) []string {
	var parties []ledger.Party
	if !a.withLedger(cmd, func(ctx context.Context, s *store.Store) (err error) {
		parties, err = s.Parties(ctx)
		return err
	}) {
		parties = ledger.BuiltinParties()
	}
	out := make([]string, len(parties))
	for i, p := range parties {
		out[i] = p.Code + "\t" + p.Name
	}
	return out
}

// sectorCandidates: the sector vocabulary (the ledger's, or the built-in
// one without a ledger), each code with its English name, then the other
// sectors entries name (recorded before the vocabulary: a report or a
// list may still ask for them).
func (a *app) sectorCandidates(cmd *cobra.Command, _ string) []string {
	vocab := ledger.BuiltinSectors()
	var inUse []string
	a.withLedger(cmd, func(ctx context.Context, s *store.Store) (err error) {
		if vocab, err = s.SectorVocab(ctx); err != nil {
			return err
		}
		inUse, err = s.Sectors(ctx)
		return err
	})
	var out []string
	for _, sec := range vocab.List() {
		out = append(out, sec.Code+"\t"+sec.Name["en"])
	}
	for _, sec := range inUse {
		if !vocab.Has(sec) {
			out = append(out, sec)
		}
	}
	return out
}

// placeCandidates: ISO 3166-1 alpha-3 codes with their names.
func placeCandidates() []string {
	states := ledger.States()
	out := make([]string, len(states))
	for i, p := range states {
		out[i] = p.Code + "\t" + p.Name
	}
	return out
}

// maxRefs is how many refs completion offers at once.
const maxRefs = 200

// refCandidates: the refs that start with what is typed (of kinds, if
// given; withdrawn ones too with voided), each described.
func refCandidates(voided bool, kinds ...ledger.Kind) completion {
	return func(a *app, cmd *cobra.Command, toComplete string) []string {
		var out []string
		a.withLedger(cmd, func(ctx context.Context, s *store.Store) error {
			f := store.Filter{RefPrefix: toComplete, Kinds: kinds, WithVoided: voided, Limit: maxRefs}
			return s.Entries(ctx, f, func(r ledger.Revision) error {
				desc := describe(r.Entry)
				if r.Action == ledger.Void {
					desc += ", withdrawn"
				}
				out = append(out, r.Ref+"\t"+desc)
				return nil
			})
		})
		return out
	}
}

// matching keeps the candidates that start with what is typed (without
// regard to case). In a list flag (--party BEL,NLD) it completes the last
// item and keeps what comes before.
func matching(cands []string, toComplete string, list bool) []string {
	before, last := "", toComplete
	if list {
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			before, last = toComplete[:i+1], toComplete[i+1:]
		}
	}
	var out []string
	for _, c := range cands {
		v, _, _ := strings.Cut(c, "\t")
		if strings.HasPrefix(strings.ToLower(v), strings.ToLower(last)) {
			out = append(out, before+c)
		}
	}
	return out
}

// registerCompletions adds completion to every command of the tree: its
// flags by name, and its arguments.
func (a *app) registerCompletions(cmd *cobra.Command) {
	for name, fn := range flagCompletions {
		f := cmd.LocalNonPersistentFlags().Lookup(name)
		if f == nil {
			continue
		}
		list := strings.HasSuffix(f.Value.Type(), "Slice")
		cmd.RegisterFlagCompletionFunc(name, func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			d := cobra.ShellCompDirectiveNoFileComp
			if list {
				d |= cobra.ShellCompDirectiveNoSpace
			}
			return matching(fn(a, c, toComplete), toComplete, list), d
		})
	}
	if args := a.argCompletions(cmd); args != nil {
		cmd.ValidArgsFunction = func(c *cobra.Command, given []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(given) >= len(args) || args[len(given)] == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return matching(args[len(given)](a, c, toComplete), toComplete, false), cobra.ShellCompDirectiveNoFileComp
		}
	}
	for _, sub := range cmd.Commands() {
		a.registerCompletions(sub)
	}
}

// argCompletions completes each positional argument of cmd (nil: files,
// cobra's default).
func (a *app) argCompletions(cmd *cobra.Command) []completion {
	path := strings.TrimPrefix(cmd.CommandPath(), "pledger ")
	switch {
	case path == "add":
		return []completion{fixed(kindNames()...)}
	case path == "amend" || path == "void":
		return []completion{refCandidates(false)}
	case path == "history":
		return []completion{refCandidates(true)}
	case path == "chart":
		return []completion{fixed(append(slices.Clone(chart.Names), "dashboard")...)}
	case path == "rates set":
		cur := func(*app, *cobra.Command, string) []string { return money.Codes() }
		return []completion{nil, cur, cur, nil}
	case strings.HasPrefix(path, "report ") && strings.HasSuffix(cmd.Use, " PARTY"):
		return []completion{(*app).partyCandidates}
	}
	return nil
}
