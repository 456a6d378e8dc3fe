package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/spf13/cobra"
)

// reportFlags are the options every report (and chart) takes.
type reportFlags struct {
	currency, valuation, asOf, from, to, format, lang, out string
	unit                                                   string
	by, activeOn                                           string
	parties, sectors, locations, rateSources               []string
	maxStale                                               int
	stamp                                                  bool
	allowUnverified, codes                                 bool
	table, dialect                                         string // report --format csv
}

// bind adds the flags to cmd; formats are the formats it writes, the
// first by default.
func (f *reportFlags) bind(cmd *cobra.Command, formats []string) {
	cmd.Flags().StringVar(&f.currency, "currency", model.Defaults.Currency, "report currency (ISO 4217)")
	cmd.Flags().StringVar(&f.valuation, "valuation", model.Defaults.Valuation, "spot, annual or fixed:YYYY-MM-DD")
	cmd.Flags().IntVar(&f.maxStale, "max-staleness", model.Defaults.MaxStale, "days a spot or fixed rate may be older than its day")
	cmd.Flags().StringVar(&f.asOf, "as-of", "", "the ledger and rates as recorded at this moment (RFC 3339, or a date: end of that day, UTC)")
	cmd.Flags().StringVar(&f.from, "from", "", "the period's first day (YYYY, YYYY-MM or YYYY-MM-DD): only entries whose whole span lies in the period count")
	cmd.Flags().StringVar(&f.to, "to", "", "the period's last day (YYYY: 31 December, YYYY-MM: the month's last day)")
	cmd.Flags().StringSliceVar(&f.parties, "party", nil, "only these parties (codes)")
	cmd.Flags().StringSliceVar(&f.sectors, "sector", nil, "only entries with one of these sectors")
	cmd.Flags().StringSliceVar(&f.locations, "location", nil, "only entries in one of these locations (ISO 3166-1 alpha-3)")
	cmd.Flags().StringVar(&f.lang, "lang", model.Defaults.Lang, "language of labels and numbers: en, nl or fr")
	cmd.Flags().StringVar(&f.format, "format", formats[0], strings.Join(formats, ", "))
	cmd.Flags().StringVar(&f.out, "out", "", "write to this file (default: standard output)")
	cmd.Flags().StringVar(&f.unit, "unit", "one", "show amounts in one, thousand, million or billion (rounded for display; totals from exact values)")
	cmd.Flags().BoolVar(&f.codes, "codes", false, "show parties and places by their codes (BEL, IRQ) instead of their names")
	cmd.Flags().BoolVar(&f.allowUnverified, "allow-unverified", false, "make the report even from a ledger that failed verification, marked as such")
	cmd.Flags().BoolVar(&f.stamp, "stamp", false, "print when the report was generated (off by default, so that reports are reproducible)")
	cmd.Flags().StringVar(&f.by, "by", "", "timeline: year, quarter or month")
	cmd.Flags().StringVar(&f.activeOn, "active-on", "", "deployments: only what was deployed on this day (YYYY-MM-DD)")
	bindRateSources(cmd, &f.rateSources)
}

// bindRateSources adds --rate-source, the order of preference among rate
// sources, to a command that values entries.
func bindRateSources(cmd *cobra.Command, v *[]string) {
	cmd.Flags().StringSliceVar(v, "rate-source", nil, "rate sources in order of preference (e.g. ECB,manual): for a pair and day quoted by several, "+
		"the first one's rate is used (default: $"+money.EnvRateSources+", then the source with the most rates first)")
}

// request is the flags as a report request.
func (f *reportFlags) request() report.Request {
	return report.Request{Currency: f.currency, Valuation: f.valuation, MaxStale: f.maxStale, AsOf: f.asOf, From: f.from, To: f.to,
		Parties: f.parties, Sectors: f.sectors, Locations: f.locations, Lang: f.lang, By: f.by, ActiveOn: f.activeOn, Stamp: f.stamp,
		AllowUnverified: f.allowUnverified, RateSources: f.rateSources, Codes: f.codes, Unit: f.unit}
}

// writeOut writes through fn to --out (atomically: a temp file renamed) or
// to standard output.
func (a *app) writeOut(path string, fn func(w io.Writer) error) error {
	if path == "" {
		return fn(a.out)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pledger-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Fprintf(a.errw, "wrote %s\n", path)
	return nil
}

func (a *app) reportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Make reports from the ledger (pledger report list)",
		Long: `Make a report of the built-in catalog. Every report takes the same options:
currency and valuation, --as-of (the ledger as recorded then: a report made today
--as-of last March equals the one made last March), date range, party, sector and
location filters, --lang en|nl|fr and --format table|md|csv|json|html|xlsx|pdf.

Formats: table, md and html are for reading; json for programs; xlsx is a workbook
with a sheet per table (figures as exact numbers, qualifier and currency in columns
of their own) and a sheet of notes and provenance. A CSV file holds one table of
data (no notes: those are in the other formats): a report of several tables needs
--table KEY, or --out DIR to write DIR/NAME-KEY.csv for each. --csv-dialect excel-be
writes what Excel opens in Belgian settings (';', decimal comma, BOM, CRLF).

PDF is the HTML page printed on A4 by a headless Chromium (installed apart:
Debian/Ubuntu apt-get install chromium; or set PLEDGER_CHROMIUM to the
binary), with the provenance (ledger state, valuation, rates, when made) in
the footer of every page. It is written to --out, or to standard output
redirected to a file, never to a terminal; it always says when it was made.

Valuation conventions (--valuation):
  spot          the rate on the entry's date, or the latest earlier one at most
                --max-staleness days old; an entry dated with month or year
                precision at the mean of the daily rates over that month or year
  annual        the mean of the daily rates over the entry's calendar year (OECD DAC)
  fixed:DATE    every entry at the rate of that one day

Rate sources (--rate-source ECB,manual): for a pair and day quoted by several
sources, the rate of the source named first is used; another source's rate only
where the sources before it have none. Unnamed sources come after the named ones.
Default: the sources named in $PLEDGER_RATE_SOURCES, then the source with the most
rates, then the others by count, ties by name.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				_, err := report.Lookup(args[0])
				return err
			}
			return cmd.Help()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the reports of the catalog",
		Args:  noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			for _, d := range report.Catalog() {
				use := d.Name
				for _, arg := range d.Args {
					use += " " + strings.ToUpper(arg)
				}
				fmt.Fprintf(tw, "%s\t%s\n", use, d.Description["en"])
			}
			return tw.Flush()
		},
	})
	for _, d := range report.Catalog() {
		cmd.AddCommand(a.reportSubcommand(d))
	}
	return cmd
}

// reportSubcommand makes the command for one report of the catalog.
func (a *app) reportSubcommand(d *report.Def) *cobra.Command {
	var rf reportFlags
	use := d.Name
	for _, arg := range d.Args {
		use += " " + strings.ToUpper(arg)
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: d.Title["en"],
		Long:  d.Description["en"],
		Example: fmt.Sprintf("  pledger report %s%s --currency EUR --format md\n  pledger report %s%s --lang nl --format html --out %s.html\n  pledger report %s%s --format pdf --out %s.pdf",
			d.Name, exampleArgs(d), d.Name, exampleArgs(d), d.Name, d.Name, exampleArgs(d), d.Name),
		Args: exactArgs(len(d.Args), "its "+strings.Join(d.Args, ", ")),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if formats := reportFormats(); !slices.Contains(formats, rf.format) {
				return usage("--format %q: use %s", rf.format, strings.Join(formats, ", "))
			}
			var chromium string
			req := rf.request()
			if rf.format == pdfFormat {
				var err error
				if chromium, err = a.pdfReady(rf.out); err != nil {
					return err
				}
				// A PDF is never the same bytes twice (Chromium dates
				// it): it says when it was made, on every page.
				req.Stamp = true
			}
			if err := rf.checkCSV(d); err != nil {
				return err
			}
			if render.Binary(rf.format) && rf.out == "" && isTerminal(a.out) {
				return usage("--format %s: a workbook is not for the terminal: give --out FILE.%s, or redirect the output to a file", rf.format, rf.format)
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			opt, err := req.Options(ctx, s)
			if err != nil {
				return err
			}
			for i, arg := range d.Args {
				opt.Params[arg] = args[i]
			}
			ctx, bar := a.readBar(ctx, "report "+d.Name)
			defer bar.Done()
			m, err := report.Run(ctx, s, d.Name, opt)
			if err != nil {
				return err
			}
			if rf.format == pdfFormat {
				bar.Describe("report " + d.Name + ": printing to PDF")
				var page bytes.Buffer
				if err := render.Write(&page, m, "html", opt.Lang); err != nil {
					return err
				}
				out, err := printPDF(ctx, chromium, page.Bytes(), opt.Lang, m)
				bar.Done()
				if err != nil {
					return err
				}
				return a.writeOut(rf.out, func(w io.Writer) error { _, err := w.Write(out); return err })
			}
			bar.Done()
			if rf.format == "csv" {
				return a.writeCSV(m, opt.Lang, &rf, d.Name+argsSuffix(args))
			}
			return a.writeOut(rf.out, func(w io.Writer) error { return render.Write(w, m, rf.format, opt.Lang) })
		},
	}
	rf.bind(cmd, reportFormats())
	cmd.Flags().StringVar(&rf.table, "table", "", "csv: the table to write ("+strings.Join(tableKeys(d), ", ")+"); a CSV file holds one")
	cmd.Flags().StringVar(&rf.dialect, "csv-dialect", render.RFC4180, "csv: rfc4180 (',', decimal point) or excel-be (';', decimal comma, BOM, CRLF: Excel in Belgian settings)")
	return cmd
}

// tableKeys are the keys of a report's tables.
func tableKeys(d *report.Def) []string {
	keys := make([]string, len(d.Sections))
	for i, s := range d.Sections {
		keys[i] = s.Key
	}
	return keys
}

// argsSuffix is what a report's arguments add to its files' names:
// party-BEL.
func argsSuffix(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return "-" + strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, strings.Join(args, "-"))
}

// isDir tells whether path names a folder: one that exists, or a path
// that ends with a separator.
func isDir(path string) bool {
	if path == "" {
		return false
	}
	if strings.HasSuffix(path, "/") || strings.HasSuffix(path, string(filepath.Separator)) {
		return true
	}
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// checkCSV checks the CSV options before anything is run: --table names
// one of the report's tables, and --table and --csv-dialect go with
// --format csv only.
func (f *reportFlags) checkCSV(d *report.Def) error {
	if f.format != "csv" {
		switch {
		case f.table != "":
			return usage("--table: only for --format csv (a CSV file holds one table; the other formats hold them all)")
		case f.dialect != "" && f.dialect != render.RFC4180:
			return usage("--csv-dialect: only for --format csv")
		}
		return nil
	}
	if _, err := render.ParseDialect(f.dialect); err != nil {
		return usage("--csv-dialect %q: use %s", f.dialect, strings.Join(render.Dialects, " or "))
	}
	keys := tableKeys(d)
	if f.table != "" && !slices.Contains(keys, f.table) {
		return usage("--table %q: report %s has the tables %s", f.table, d.Name, strings.Join(keys, ", "))
	}
	if f.table == "" && len(keys) > 1 && (f.out == "" || strings.EqualFold(filepath.Ext(f.out), ".csv")) {
		return severalTables(d.Name, keys)
	}
	return nil
}

// severalTables is the error of a CSV asked of a report of several tables
// without naming one.
func severalTables(name string, keys []string) error {
	return usage("report %s has %d tables (%s) and a CSV file holds one: choose one with --table %s, or write each to its own file with --out DIR",
		name, len(keys), strings.Join(keys, ", "), keys[0])
}

// writeCSV writes a report as CSV: the table asked for, or the report's
// only one, to --out or standard output; or, for a report of several
// tables, one file per table into the folder --out names (DIR/NAME-KEY.csv).
func (a *app) writeCSV(m *model.Model, l *model.Lang, rf *reportFlags, base string) error {
	opt := render.Options{Table: rf.table, Dialect: rf.dialect}
	if rf.table != "" || len(m.Sections) == 1 {
		out := rf.out
		if isDir(out) {
			if err := os.MkdirAll(out, 0o755); err != nil {
				return err
			}
			name := base + ".csv"
			if len(m.Sections) > 1 {
				name = base + "-" + rf.table + ".csv"
			}
			out = filepath.Join(out, name)
		}
		return a.writeOut(out, func(w io.Writer) error { return render.WriteWith(w, m, "csv", l, opt) })
	}
	if rf.out == "" || strings.EqualFold(filepath.Ext(rf.out), ".csv") {
		return severalTables(m.Report, render.Tables(m))
	}
	files, err := render.CSVFiles(m, l, rf.dialect, base)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(rf.out, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := a.writeOut(filepath.Join(rf.out, f.Name), func(w io.Writer) error { _, err := w.Write(f.Data); return err }); err != nil {
			return err
		}
	}
	return nil
}

func exampleArgs(d *report.Def) string {
	if len(d.Args) > 0 {
		return " BEL"
	}
	return ""
}
