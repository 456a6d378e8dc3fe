// Package benchgen generates a ledger for measuring pledger: entries in the
// canonical CSV format and twelve years of daily exchange rates against EUR,
// deterministic for a seed, written as a stream (memory stays flat whatever
// the size).
//
// The shape follows the performance issue's table: 80 parties (states by
// their ISO 3166-1 alpha-3 codes and the built-in organisations), 25
// currencies, rates for every business day of 2013-2024, 15 % qualified
// amounts, mostly day-precision dates with month and year dates, spans
// (date and end), sector and place shares, chains (a pledge toward a need,
// commitments that fulfil the pledge, disbursements that fulfil those or the
// pledge), deployments (some with a start that is unknown, some with a
// cost) and a few illustrative entries. Every figure and rate is made up:
// the rates' source is "generated", and so is every entry's.
//
// The chains are consistent (each link dated on or after what it fulfils,
// in the same currency and party, never beyond its amount), so that an
// import records them without a warning.
package benchgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/coalition/pledger/internal/money"
)

// Source is the source of every generated rate and entry.
const Source = "generated"

// First and Last bound the generated ledger: twelve years.
var (
	First = time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC)
	Last  = time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
)

// Currencies are the 25 currencies of the generated ledger; EUR is the base
// of every generated rate.
var Currencies = []string{"EUR", "USD", "GBP", "JPY", "KRW", "CAD", "AUD", "NOK", "SEK", "DKK", "CHF", "CZK",
	"PLN", "HUF", "RON", "BGN", "ISK", "TRY", "BRL", "CNY", "HKD", "INR", "MXN", "NZD", "SGD"}

// units are the decimals of each currency's minor unit (JPY 0, EUR 2).
var units = func() map[string]int {
	m := map[string]int{}
	for _, c := range Currencies {
		m[c] = int(money.MustCurrency(c).Units)
	}
	return m
}()

// Parties are the 80 parties of the generated ledger: 74 states and the
// six built-in organisations. The first ones contribute most.
var Parties = []string{
	"USA", "GBR", "DEU", "FRA", "NLD", "BEL", "ITA", "JPN", "CAN", "AUS", "KOR", "SAU", "NOR", "SWE", "DNK", "ESP",
	"EU", "UN", "CHE", "POL",
	"AUT", "PRT", "FIN", "IRL", "LUX", "ISL", "CZE", "SVK", "HUN", "ROU", "BGR", "GRC", "CYP", "MLT", "SVN", "HRV",
	"EST", "LVA", "LTU", "ALB", "MNE", "MKD", "SRB", "BIH", "MDA", "UKR", "GEO", "TUR", "MEX", "BRA", "ARG", "CHL",
	"PER", "COL", "PAN", "NZL", "SGP", "MYS", "PHL", "THA", "IND", "CHN", "ARE", "QAT", "KWT", "BHR", "OMN", "JOR",
	"LBN", "EGY", "MAR", "TUN", "NGA", "KEN", "ZAF", "ETH",
	"NATO", "LAS", "INTERPOL", "COALITION",
}

// Sectors are the sector codes the generated entries use.
var Sectors = []string{"military", "training", "stabilisation", "demining", "reconstruction", "camps", "humanitarian",
	"counter-financing", "foreign-fighters", "communications"}

// places are the locations of the generated entries, the first ones most.
var places = []string{"IRQ", "SYR", "JOR", "LBN", "TUR", "NGA", "NER", "TCD", "CMR", "MLI", "BFA", "MOZ", "SOM", "AFG", "LBY", "EGY"}

// assets are deployed assets from reports/assets.json, with how many of
// them a deployment sends at most.
var assets = []struct {
	code string
	max  int
}{
	{"F-16", 12}, {"F-35", 8}, {"Rafale", 10}, {"Typhoon", 8}, {"Tornado", 6}, {"F/A-18", 8}, {"MQ-9 Reaper", 6},
	{"C-130", 4}, {"A400M", 3}, {"KC-135", 4}, {"helicopters", 12}, {"trainers", 400}, {"advisers", 120},
	{"special forces", 300}, {"troops", 2000}, {"staff officers", 60}, {"medical staff", 80}, {"frigate", 2},
}

// homeCurrency is the currency a party mostly states its amounts in.
var homeCurrency = map[string]string{
	"USA": "USD", "GBR": "GBP", "JPN": "JPY", "KOR": "KRW", "CAN": "CAD", "AUS": "AUD", "NOR": "NOK", "SWE": "SEK",
	"DNK": "DKK", "CHE": "CHF", "CZE": "CZK", "POL": "PLN", "HUN": "HUF", "ROU": "RON", "BGR": "BGN", "ISL": "ISK",
	"TUR": "TRY", "BRA": "BRL", "CHN": "CNY", "IND": "INR", "MEX": "MXN", "NZL": "NZD", "SGP": "SGD",
	"UN": "USD", "NATO": "EUR", "COALITION": "USD", "SAU": "USD", "ARE": "USD", "QAT": "USD", "KWT": "USD",
}

// euro are the parties that state amounts in EUR.
var euro = map[string]bool{"DEU": true, "FRA": true, "NLD": true, "BEL": true, "ITA": true, "ESP": true, "EU": true,
	"AUT": true, "PRT": true, "FIN": true, "IRL": true, "LUX": true, "SVK": true, "GRC": true, "CYP": true, "MLT": true,
	"SVN": true, "HRV": true, "EST": true, "LVA": true, "LTU": true, "MNE": true}

// Config says what to generate.
type Config struct {
	Entries int    // rows of entries.csv, needs included
	Needs   int    // needs among them; 0: DefaultNeeds(Entries)
	Seed    uint64 // the same seed gives the same bytes
}

// DefaultNeeds is the number of needs of a ledger of n entries when the
// configuration names none: one in twenty.
func DefaultNeeds(n int) int {
	if n <= 0 {
		return 0
	}
	return max(1, n/20)
}

func (c Config) needs() int {
	if c.Needs > 0 {
		return c.Needs
	}
	return DefaultNeeds(c.Entries)
}

// Stats says what was generated, for a benchmark or a test to check what
// a report computed against.
type Stats struct {
	Entries int
	Kinds   map[string]int // entries of each kind
	// Amounts counts the entries with an amount (every monetary entry and
	// the deployments that state a cost); AmountsByKind by kind.
	Amounts       int
	AmountsByKind map[string]int
	Qualified     int // amounts with a qualifier other than exact
	// QualifiedQuantities counts the deployments without an amount whose
	// quantity is qualified ("about 250 trainers").
	QualifiedQuantities int
	Illustrative        int
	DayDates            int // dates of each precision (start dates)
	MonthDates          int
	YearDates           int
	UnknownStarts       int // deployments whose start is unknown
	Spans               int // entries with an end
	SectorShares        int // entries whose sectors have shares
	PlaceShares         int // entries whose places have shares
	SharedSectors       int // several sectors without shares
	Toward              int
	Fulfils             int
	Parties             int // distinct parties used
	Currencies          int // distinct currencies of amounts
	Rates               int // rows of rates.csv
}

// Files are the paths Write wrote.
type Files struct {
	Entries string // entries.csv
	Rates   string // rates.csv
}

// Write writes entries.csv and rates.csv into dir (created if need be).
func Write(dir string, cfg Config) (Files, Stats, error) {
	f := Files{Entries: filepath.Join(dir, "entries.csv"), Rates: filepath.Join(dir, "rates.csv")}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return f, Stats{}, err
	}
	var st Stats
	err := writeFile(f.Entries, func(w io.Writer) (err error) {
		st, err = WriteEntries(w, cfg)
		return err
	})
	if err != nil {
		return f, st, err
	}
	err = writeFile(f.Rates, func(w io.Writer) (err error) {
		st.Rates, err = WriteRates(w, cfg.Seed)
		return err
	})
	return f, st, err
}

func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := fn(w); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// rateLevel is each currency's units per EUR around which its generated
// rate moves, in millionths, and the decimals it is written with. BGN is
// pegged: its rate never moves.
var rateLevel = map[string]struct {
	micro    int64
	decimals int
}{
	"USD": {1_100_000, 4}, "GBP": {860_000, 4}, "JPY": {135_000_000, 2}, "KRW": {1_350_000_000, 2},
	"CAD": {1_450_000, 4}, "AUD": {1_550_000, 4}, "NOK": {10_500_000, 4}, "SEK": {10_600_000, 4},
	"DKK": {7_450_000, 4}, "CHF": {1_050_000, 4}, "CZK": {25_500_000, 3}, "PLN": {4_400_000, 4},
	"HUF": {330_000_000, 2}, "RON": {4_750_000, 4}, "BGN": {1_955_830, 4}, "ISK": {145_000_000, 1},
	"TRY": {8_000_000, 4}, "BRL": {5_500_000, 4}, "CNY": {7_600_000, 4}, "HKD": {8_500_000, 4},
	"INR": {85_000_000, 4}, "MXN": {20_000_000, 4}, "NZD": {1_700_000, 4}, "SGD": {1_500_000, 4},
}

// WriteRates writes the generated rates, date,base,quote,rate,source: for
// every business day of First..Last, EUR against each other currency, a
// bounded random walk (at most 0.3 % a day, kept within a quarter of its
// level, so no rate is far from its neighbours). It returns the rows
// written. Integer arithmetic only: a rate is made of its digits.
func WriteRates(w io.Writer, seed uint64) (int, error) {
	rng := rand.New(rand.NewPCG(seed, 0x5EED_0F_2A7E5))
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString("date,base,quote,rate,source\n")
	quotes := Currencies[1:]
	cur := make([]int64, len(quotes))
	for i, q := range quotes {
		cur[i] = rateLevel[q].micro
	}
	n := 0
	buf := make([]byte, 0, 64)
	for d := First; !d.After(Last); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		day := d.Format(time.DateOnly)
		for i, q := range quotes {
			lv := rateLevel[q]
			if q != "BGN" {
				step := int64(rng.IntN(601) - 300) // -0.3 % .. +0.3 %, in 1/100,000
				switch {
				case cur[i] > lv.micro*5/4:
					step -= 150
				case cur[i] < lv.micro*3/4:
					step += 150
				}
				cur[i] += cur[i] * step / 100_000
			}
			buf = buf[:0]
			buf = append(buf, day...)
			buf = append(buf, ",EUR,"...)
			buf = append(buf, q...)
			buf = append(buf, ',')
			buf = appendFixed(buf, cur[i]/pow10(6-lv.decimals), lv.decimals)
			buf = append(buf, ","+Source+"\n"...)
			bw.Write(buf)
			n++
		}
	}
	return n, bw.Flush()
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// appendFixed writes v / 10^dec with dec decimals.
func appendFixed(b []byte, v int64, dec int) []byte {
	if dec == 0 {
		return strconv.AppendInt(b, v, 10)
	}
	p := pow10(dec)
	b = strconv.AppendInt(b, v/p, 10)
	b = append(b, '.')
	frac := strconv.AppendInt(nil, v%p, 10)
	for range dec - len(frac) {
		b = append(b, '0')
	}
	return append(b, frac...)
}

// Header is the header of the generated entries.csv: the canonical columns.
const Header = "ref,kind,party,date,end,amount,currency,qualifier,quantity,asset,sector,location,toward,fulfils,source,note,illustrative,title"

// row is one generated entry, as its canonical cells.
type row struct {
	ref, kind, party          string
	date, end                 string
	minor                     int64 // amount in minor units; 0: none
	cur                       string
	qualifier                 string
	quantity                  int
	asset, sector, location   string
	toward, fulfils, note     string
	illustrative              bool
	first                     time.Time // the first day of date
	precision                 byte      // 'd', 'm', 'y' or 'u' (unknown)
	sectorShares, placeShares bool
	sharedSectors             bool
	parent                    int // 1 + the index in its group of what it fulfils; 0: nothing
}

// gen holds the generator's state while it writes.
type gen struct {
	rng   *rand.Rand
	w     *bufio.Writer
	st    *Stats
	buf   []byte
	seen  map[string]bool // parties used
	curs  map[string]bool // currencies used
	needs int
	days  int // days in First..Last
}

// WriteEntries writes cfg.Entries generated entries in the canonical CSV
// format: the needs first, then contributions in chains and deployments.
func WriteEntries(w io.Writer, cfg Config) (Stats, error) {
	st := Stats{Kinds: map[string]int{}, AmountsByKind: map[string]int{}}
	needs := cfg.needs()
	if cfg.Entries < 0 || needs > cfg.Entries {
		return st, fmt.Errorf("benchgen: %d needs in %d entries: a ledger cannot hold more needs than entries", needs, cfg.Entries)
	}
	g := &gen{rng: rand.New(rand.NewPCG(cfg.Seed, 0xE7_7E5)), w: bufio.NewWriterSize(w, 1<<20), st: &st,
		seen: map[string]bool{}, curs: map[string]bool{}, needs: needs, days: int(Last.Sub(First).Hours()/24) + 1}
	g.w.WriteString(Header + "\n")
	for i := range needs {
		g.emit(g.need(i))
	}
	for i := needs; i < cfg.Entries; {
		rows := g.group()
		for j := range rows {
			rows[j].ref = rows[j].ref + "-" + strconv.Itoa(i+j)
		}
		for _, r := range rows {
			if i == cfg.Entries {
				break // a group cut short: its entries link only to earlier ones
			}
			if r.parent > 0 {
				r.fulfils = rows[r.parent-1].ref
			}
			g.emit(r)
			i++
		}
	}
	st.Parties, st.Currencies = len(g.seen), len(g.curs)
	return st, g.w.Flush()
}

// pct is true with probability p percent.
func (g *gen) pct(p int) bool { return g.rng.IntN(100) < p }

// day is a day in First..Last: any (from zero), or within about a year
// from from.
func (g *gen) day(from time.Time) time.Time {
	if from.IsZero() {
		return First.AddDate(0, 0, g.rng.IntN(g.days))
	}
	if from.Before(First) {
		from = First
	}
	left := int(Last.Sub(from).Hours() / 24)
	if left <= 0 {
		return from
	}
	return from.AddDate(0, 0, g.rng.IntN(min(left, 400)+1))
}

// date sets r's date from a day with a precision: day, month or year, in
// the given percentages.
func (g *gen) date(r *row, d time.Time, dayPct, monthPct int) {
	switch x := g.rng.IntN(100); {
	case x < dayPct:
		r.date, r.first, r.precision = d.Format(time.DateOnly), d, 'd'
	case x < dayPct+monthPct:
		r.date, r.first, r.precision = d.Format("2006-01"), time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC), 'm'
	default:
		r.date, r.first, r.precision = d.Format("2006"), time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC), 'y'
	}
}

// span gives r an end after its date.
func (g *gen) span(r *row) {
	switch r.precision {
	case 'y':
		if y := r.first.Year() + 1 + g.rng.IntN(4); y <= Last.Year() {
			r.end = strconv.Itoa(y)
		}
	case 'm':
		if e := r.first.AddDate(0, 1+g.rng.IntN(24), 0); !e.After(Last) {
			r.end = e.Format("2006-01")
		}
	default:
		if e := r.first.AddDate(0, 0, 30+g.rng.IntN(700)); !e.After(Last) {
			r.end = e.Format(time.DateOnly)
		}
	}
}

// amount is a made-up amount in minor units of cur, between about
// 10^lo and 10^hi units.
func (g *gen) amount(cur string, lo, hi int) int64 {
	e := lo + g.rng.IntN(hi-lo)
	v := int64(1000+g.rng.IntN(9000)) * pow10(e) / 1000 // four significant digits
	u := units[cur]
	v *= pow10(u)
	if u > 0 && g.pct(30) {
		v += int64(g.rng.IntN(int(pow10(u))))
	}
	return v
}

// qualify gives r a qualifier, for 15 % of amounts.
func (g *gen) qualify(r *row) {
	if g.pct(15) {
		r.qualifier = [...]string{"at-least", "about", "up-to", "at-least", "about"}[g.rng.IntN(5)]
	}
}

// sectors picks r's sectors: one (most), several with shares, or several
// shared (no shares).
func (g *gen) sectors(r *row, pool []string) {
	switch x := g.rng.IntN(100); {
	case x < 70:
		r.sector = pool[g.rng.IntN(len(pool))]
	case x < 88:
		a, b := g.two(pool)
		s := 10 * (1 + g.rng.IntN(9))
		r.sector = fmt.Sprintf("%s:%d;%s:%d", a, s, b, 100-s)
		r.sectorShares = true
	default:
		a, b := g.two(pool)
		r.sector = a + ";" + b
		r.sharedSectors = true
	}
}

// two picks two different values of pool, in sorted order.
func (g *gen) two(pool []string) (string, string) {
	i := g.rng.IntN(len(pool))
	j := (i + 1 + g.rng.IntN(len(pool)-1)) % len(pool)
	if pool[j] < pool[i] {
		i, j = j, i // the canonical (sorted) order
	}
	return pool[i], pool[j]
}

// locations picks r's places: Iraq and Syria most, shares on some.
func (g *gen) locations(r *row) {
	switch x := g.rng.IntN(100); {
	case x < 45:
		r.location = "IRQ"
	case x < 65:
		r.location = "SYR"
	case x < 75:
		s := 5 * (1 + g.rng.IntN(19))
		r.location = fmt.Sprintf("IRQ:%d;SYR:%d", s, 100-s)
		r.placeShares = true
	case x < 85:
		r.location = "IRQ;SYR"
	default:
		r.location = places[2+g.rng.IntN(len(places)-2)]
	}
}

var contributors = Parties[:len(Parties)-1] // every party but the coalition itself

// party picks a contributing party: half of the time one of the twenty
// largest.
func (g *gen) party() string {
	if g.pct(50) {
		return contributors[g.rng.IntN(20)]
	}
	return contributors[g.rng.IntN(len(contributors))]
}

// currency is the currency party states an amount in: its own mostly,
// any of the 25 sometimes.
func (g *gen) currency(party string) string {
	if g.pct(10) {
		return Currencies[g.rng.IntN(len(Currencies))]
	}
	if c, ok := homeCurrency[party]; ok {
		return c
	}
	if euro[party] {
		return "EUR"
	}
	if g.pct(50) {
		return "USD"
	}
	return "EUR"
}

// need is the i-th need: the coalition's mostly, dated by year more often
// than the contributions, a span on some.
func (g *gen) need(i int) row {
	r := row{ref: fmt.Sprintf("need-%d", i), kind: "need", party: "COALITION"}
	switch x := g.rng.IntN(100); {
	case x < 15:
		r.party = "UN"
	case x < 20:
		r.party = "EU"
	}
	g.date(&r, g.day(time.Time{}), 35, 20)
	if g.pct(30) {
		g.span(&r)
	}
	r.cur = "USD"
	if x := g.rng.IntN(100); x < 35 {
		r.cur = "EUR"
	} else if x < 40 {
		r.cur = Currencies[g.rng.IntN(len(Currencies))]
	}
	r.minor = g.amount(r.cur, 7, 9)
	g.qualify(&r)
	g.sectors(&r, Sectors[2:])
	g.locations(&r)
	return r
}

// towardNeed is a random need's ref, or "" when there is none.
func (g *gen) towardNeed() string {
	if g.needs == 0 {
		return ""
	}
	return fmt.Sprintf("need-%d", g.rng.IntN(g.needs))
}

// group is the next few entries (their refs are given a row number by the
// caller): a chain, a lone commitment or disbursement, or a deployment.
// Each entry links only to a need or to an entry before it in the group.
func (g *gen) group() []row {
	switch x := g.rng.IntN(100); {
	case x < 60:
		return g.chain()
	case x < 72:
		return g.lone("commitment")
	case x < 82:
		return g.lone("disbursement")
	default:
		return []row{g.deployment()}
	}
}

// contribution is a pledge, commitment or disbursement of party.
func (g *gen) contribution(kind, party string, from time.Time) row {
	r := row{ref: kind[:1], kind: kind, party: party}
	g.date(&r, g.day(from), 82, 12)
	r.cur = g.currency(party)
	r.minor = g.amount(r.cur, 4, 8)
	g.qualify(&r)
	g.sectors(&r, Sectors[1:])
	g.locations(&r)
	if g.pct(8) {
		g.span(&r)
	}
	if g.pct(5) {
		r.note = "generated row"
	}
	r.illustrative = g.pct(1)
	return r
}

// child is an entry that fulfils parent (at index pi of the group): the
// same party, currency, sectors and places, dated on or after it, for
// share percent of minor (never beyond what parent states).
func (g *gen) child(kind string, parent row, pi int, minor int64) row {
	r := g.contribution(kind, parent.party, parent.first)
	r.cur, r.minor = parent.cur, max(1, minor)
	r.sector, r.location = parent.sector, parent.location
	r.sectorShares, r.placeShares, r.sharedSectors = parent.sectorShares, parent.placeShares, parent.sharedSectors
	r.parent = pi + 1
	return r
}

// chain is a pledge (toward a need, mostly), the commitments that fulfil
// it, the disbursements that fulfil those, and sometimes a disbursement
// that fulfils the pledge itself.
func (g *gen) chain() []row {
	p := g.contribution("pledge", g.party(), time.Time{})
	if g.pct(85) {
		p.toward = g.towardNeed()
	}
	rows := []row{p}
	direct := g.pct(20)
	left := p.minor
	if direct {
		left = p.minor / 2
	}
	nc := g.rng.IntN(3)
	for range nc {
		cm := left * int64(50+g.rng.IntN(51)) / 100 / int64(nc)
		if cm <= 0 {
			break
		}
		rows = append(rows, g.child("commitment", p, 0, cm))
		ci := len(rows) - 1
		nd := g.rng.IntN(3)
		for range nd {
			dm := cm * int64(50+g.rng.IntN(51)) / 100 / int64(nd)
			if dm <= 0 {
				break
			}
			rows = append(rows, g.child("disbursement", rows[ci], ci, dm))
		}
	}
	if direct && p.minor/2 > 0 {
		rows = append(rows, g.child("disbursement", p, 0, p.minor/2))
	}
	return rows
}

// lone is a commitment or disbursement that fulfils nothing (toward a need
// half of the time), a commitment sometimes with a disbursement that
// fulfils it.
func (g *gen) lone(kind string) []row {
	r := g.contribution(kind, g.party(), time.Time{})
	if g.pct(50) {
		r.toward = g.towardNeed()
	}
	rows := []row{r}
	if kind == "commitment" && g.pct(50) {
		rows = append(rows, g.child("disbursement", r, 0, r.minor*int64(50+g.rng.IntN(51))/100))
	}
	return rows
}

// deployment is a deployment of assets: a span mostly, a start unknown on
// some, a qualified quantity ("about 250 trainers") on some, a cost on a
// few.
func (g *gen) deployment() row {
	a := assets[g.rng.IntN(len(assets))]
	r := row{ref: "dep", kind: "deployment", party: contributors[g.rng.IntN(30)], asset: a.code, quantity: 1 + g.rng.IntN(a.max)}
	r.sector = "military"
	if g.pct(25) {
		r.sector = "training"
	}
	g.locations(&r)
	if g.pct(3) {
		// "4 F-16 until October 2021": the start is unknown, the end known.
		end := g.day(time.Time{})
		r.date, r.precision, r.end = "unknown", 'u', end.Format("2006-01")
		return r
	}
	g.date(&r, g.day(time.Time{}), 70, 20)
	if g.pct(70) {
		g.span(&r)
	}
	if g.pct(10) {
		r.cur = g.currency(r.party)
		r.minor = g.amount(r.cur, 5, 8)
	}
	g.qualify(&r)
	r.illustrative = g.pct(1)
	return r
}

// emit writes r and counts it.
func (g *gen) emit(r row) {
	st := g.st
	b := g.buf[:0]
	b = append(b, r.ref...)
	b = append(b, ',')
	b = append(b, r.kind...)
	b = append(b, ',')
	b = append(b, r.party...)
	b = append(b, ',')
	b = append(b, r.date...)
	b = append(b, ',')
	b = append(b, r.end...)
	b = append(b, ',')
	if r.minor > 0 {
		b = appendFixed(b, r.minor, units[r.cur])
		b = append(b, ',')
		b = append(b, r.cur...)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = append(b, r.qualifier...)
	b = append(b, ',')
	if r.quantity > 0 {
		b = strconv.AppendInt(b, int64(r.quantity), 10)
	}
	b = append(b, ',')
	b = append(b, r.asset...)
	b = append(b, ',')
	b = append(b, r.sector...)
	b = append(b, ',')
	b = append(b, r.location...)
	b = append(b, ',')
	b = append(b, r.toward...)
	b = append(b, ',')
	b = append(b, r.fulfils...)
	b = append(b, ","+Source+","...)
	b = append(b, r.note...)
	b = append(b, ',')
	if r.illustrative {
		b = append(b, "true"...)
	}
	b = append(b, ',')
	if r.kind == "need" {
		b = append(b, "Generated need "...) // needs have titles
		b = append(b, r.ref...)
	}
	b = append(b, '\n')
	g.w.Write(b)
	g.buf = b

	st.Entries++
	st.Kinds[r.kind]++
	if r.minor > 0 {
		st.Amounts++
		st.AmountsByKind[r.kind]++
		g.curs[r.cur] = true
	}
	switch {
	case r.qualifier == "":
	case r.minor > 0:
		st.Qualified++
	default:
		st.QualifiedQuantities++
	}
	if r.illustrative {
		st.Illustrative++
	}
	switch r.precision {
	case 'd':
		st.DayDates++
	case 'm':
		st.MonthDates++
	case 'y':
		st.YearDates++
	case 'u':
		st.UnknownStarts++
	}
	if r.end != "" {
		st.Spans++
	}
	if r.sectorShares {
		st.SectorShares++
	}
	if r.placeShares {
		st.PlaceShares++
	}
	if r.sharedSectors {
		st.SharedSectors++
	}
	if r.toward != "" {
		st.Toward++
	}
	if r.fulfils != "" {
		st.Fulfils++
	}
	g.seen[r.party] = true
}
