// Command pledger tracks what the members of the Global Coalition to Defeat
// Daesh need, pledge, commit, disburse and deploy, and reports on it.
//
// This file is the composition root: the root command, global flags,
// opening the store and mapping errors to exit codes. Each subcommand has
// its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"runtime/pprof"
	"syscall"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/store"
	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stopProfile := profile(os.Getenv("PLEDGER_CPUPROFILE"))
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}

// profile writes a CPU profile of the whole command to file, when it is
// set (PLEDGER_CPUPROFILE: for measuring pledger as a user runs it, with
// go tool pprof), and returns what ends it.
func profile(file string) func() {
	if file == "" {
		return func() {}
	}
	f, err := os.Create(file)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pledger: PLEDGER_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// app carries the global flags and I/O of one invocation.
type app struct {
	dbFlag string
	as     string
	in     io.Reader
	out    io.Writer
	errw   io.Writer
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) int {
	a := &app{in: in, out: out, errw: errw}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errw)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	// A message may quote stored text or input: nothing in it reaches the
	// terminal as a control character (its own line breaks excepted), and
	// no database password either.
	fmt.Fprintln(errw, "pledger: "+ledger.PrintableLines(store.RedactIn(phrase(err), a.dbFlag)))
	return exitCode(err)
}

// exitCode maps error kinds to exit codes, in one place.
func exitCode(err error) int {
	switch {
	case errors.Is(err, ledger.ErrInvalid), isUsage(err), errors.Is(err, money.ErrNoRate):
		// A missing exchange rate is bad input too: the ledger lacks a
		// rate the request needs (record it, or ask another valuation).
		return 2
	case errors.Is(err, ledger.ErrNotFound):
		return 3
	case errors.Is(err, ledger.ErrConflict):
		return 4
	case errors.Is(err, ledger.ErrTampered):
		return 5
	}
	return 1
}

type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func usage(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "pledger",
		Short: "Track coalition needs, pledges, commitments, disbursements and deployments",
		Long: `pledger keeps an append-only, hash-chained ledger of what the members of the
Global Coalition to Defeat Daesh need, pledge, commit, disburse and deploy, and
turns it into exact, currency-aware reports.

The ledger is an embedded SQLite file (pledger.db in the current directory) or a
PostgreSQL database: --db postgres://USER@HOST/DB?sslmode=disable, or the
PLEDGER_DB environment variable.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	def := os.Getenv("PLEDGER_DB")
	if def == "" {
		def = store.DefaultDSN
	}
	root.PersistentFlags().StringVar(&a.dbFlag, "db", def, "ledger database: sqlite:PATH, a file path, or postgres://... (env PLEDGER_DB)")
	root.PersistentFlags().Lookup("db").DefValue = store.RedactDSN(def) // --help shows no password from PLEDGER_DB
	root.PersistentFlags().StringVar(&a.as, "as", "", "who records the change (default: the OS user)")
	// Who acts, for the audit log of users, sessions and tokens. --as is
	// free text that every revision records: it keeps the text rules.
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if a.as != "" {
			as, p := ledger.CleanText("author", a.as)
			if p != nil {
				p.Field = "--as"
				return &ledger.Problems{List: []ledger.Problem{*p}}
			}
			a.as = as
		}
		cmd.SetContext(store.WithActor(cmd.Context(), a.author()))
		return nil
	}
	root.AddCommand(a.initCmd(), a.addCmd(), a.amendCmd(), a.voidCmd(), a.listCmd(), a.historyCmd(),
		a.partyCmd(), a.sectorCmd(), a.importCmd(), a.templateCmd(), a.exportCmd(), a.verifyCmd(), a.checkpointCmd(), a.auditCmd(), a.backupCmd(), a.restoreCmd(), a.demoCmd(), a.ratesCmd(), a.reportCmd(),
		a.chartCmd(), a.serveCmd(), a.userCmd(), a.tokenCmd(), a.genLedgerCmd())
	a.registerCompletions(root)
	return root
}

// open opens the ledger named by --db.
func (a *app) open(ctx context.Context) (*store.Store, error) {
	return store.Open(ctx, a.dbFlag)
}

// author is who records a change: --as, else the OS user.
func (a *app) author() string {
	if a.as != "" {
		return a.as
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "unknown"
}

// noArgs is cobra.NoArgs as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage("%s takes no arguments, got %q", cmd.CommandPath(), args)
	}
	return nil
}

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usage("%s needs %s", cmd.CommandPath(), what)
		}
		return nil
	}
}
