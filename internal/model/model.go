// Package model is the report model: what a finished report holds (its
// sections of rows and cells, its notes and its provenance), the languages
// pledger writes in with their one message catalog, the rules for reading a
// qualified figure, and typed values such as a valuation. Renderers and
// charts draw a Model and never recompute; nothing of the store is under
// this package, so neither is under them.
package model

import (
	"time"

	"github.com/shopspring/decimal"
)

// Model is a finished report: everything a renderer needs, already
// computed and translated. Renderers (internal/render, internal/chart)
// only lay it out.
type Model struct {
	Report    string    // catalog name, e.g. "coverage"
	Title     string    // in Lang
	Subtitle  string    // e.g. the party of a profile, in Lang
	Lang      string    // en, nl or fr
	Currency  string    // ISO 4217
	Valuation Valuation // the convention the amounts were valued with
	AsOf      time.Time // the ledger state's moment
	Sections  []Section
	Totals    []KindTotal // the scope's totals by kind, whatever the grouping (nil: no amounts)
	Notes     []string    // in Lang
	// Illustrative counts the entries in the report's scope flagged
	// illustrative (not published statements). When there is any, Mark
	// says so in Lang, and every format writes it next to the title (the
	// notes say how many and what they add up to); otherwise Mark is "".
	Illustrative int
	Mark         string
	Provenance   Provenance
	// PartyNames are the recorded names of the parties the report's party
	// columns name, by code, for parties with no name of their own in the
	// reader's language (see Lang.PartyLabel).
	PartyNames map[string]string
	// SectorNames are the names, by code then language, of the sectors
	// the ledger added to the vocabulary that the report's sector columns
	// name (the shipped ones are named by the vocabulary itself; see
	// Lang.WithSectors and Lang.SectorLabel).
	SectorNames map[string]map[string]string
	// Titles are the titles of the entries the report's ref columns name,
	// by ref, for those that have one (see Lang.RefLabel).
	Titles map[string]string
	// Unit is the display unit of the amounts in tables and charts
	// (thousand, million, billion; "" for one): rounded for display only.
	Unit        string
	GeneratedAt time.Time // zero unless a stamp is asked for
}

// KindTotal is the total of one kind of entry in a report's scope: the
// exact sum of the values of every entry of that kind the report counts.
// The same scope gives the same totals in every report.
type KindTotal struct {
	Kind   string
	Amount Cell // Value, Int (entries), Qualifier, Bound
}

// Section is one table of a report.
type Section struct {
	Key     string
	Title   string // in Lang; "" for a report's only table
	Columns []Column
	Rows    []Row
	Totals  []Row
}

// Column describes one column of a section.
type Column struct {
	Key   string
	Label string // in Lang
	Type  string // text, kind, party, ref (an entry, shown by its title), amount, count, percent, date, list
}

// Row is one row: a cell per column key.
type Row map[string]Cell

// Cell is one value. Which fields count depends on the column type.
type Cell struct {
	Text      string          // text, kind, party, date (as stated; "unknown" for an unknown start), list (';'-joined)
	Value     decimal.Decimal // amount (report currency, already rounded), percent
	Int       int64           // count; for an amount, the number of entries in it
	Empty     bool            // no value: renders blank (or "open" for an end date)
	Qualifier string          // amount or count: the qualifier every entry in it shares (at-least, about, up-to), or ""
	Bound     string          // amount or count: "lower", "upper" or "approximate" when some but not all entries are qualified
}

// RateSource is one source of the rates a report used, and how many of
// its entries were valued with a rate from it (an entry valued across two
// sources, EUR->USD from one and EUR->GBP from another, counts under
// each).
type RateSource struct {
	Source  string
	Entries int
}

// Provenance is what a reader needs to verify which ledger state produced
// the figures.
type Provenance struct {
	Valuation   string       // the valuation described in Lang (Valuation.Describe)
	RateSources []RateSource // the sources of the rates used, in the report's order of preference
	RateFirst   time.Time    // the span of rate days used (zero: none needed)
	RateLast    time.Time
	AsOf        time.Time
	Seq         int64  // the ledger's last revision at AsOf
	ChainHash   string // its hash
	// State names the state of the chain of every fact the report read,
	// SEQ:HASH (verify --head confirms the ledger still holds it).
	State string
	// Unverified is why the ledger failed verification, when the report
	// was made from it anyway; "" when it verified.
	Unverified string
	Entries    int // entries counted in the report
}
