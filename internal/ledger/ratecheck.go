package ledger

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/coalition/pledger/internal/money"
	"github.com/shopspring/decimal"
)

// A new rate is checked against the rates around it: those recorded (from
// any source) and, in an import, the file's own other rows. Its pair is the
// same either way round (EUR/USD 1.19 is USD/EUR 0.84).

// Codes of the checks of a rate against the rates around it.
const (
	// CodeRateJump: a rate more than MaxRateJump times higher or lower
	// than its pair's nearest rates within RateJumpDays, refused unless
	// forced; Value is the rate.
	CodeRateJump = "rate_jump"
	// CodeRateOtherSource: a warning, not a refusal: another source
	// already has a rate for the pair and day; Value is the source
	// reports prefer by default.
	CodeRateOtherSource = "rate_other_source"
)

// The sanity bound: a rate more than MaxRateJump times higher or lower than
// its pair's nearest rate before it and than its nearest rate after it
// (each within RateJumpDays days; the same day counts on both sides; one
// side only when the other has none) is refused unless forced. A typo
// stands out from both neighbours; a real jump (the Turkish lira on 22
// February 2001, from 624,367 to 1,050,000 per euro) agrees with the days
// on its far side.
const (
	RateJumpDays = 30
	MaxRateJump  = "1.5"
)

var (
	jumpNum = decimal.NewFromInt(3) // MaxRateJump = 3/2
	jumpDen = decimal.NewFromInt(2)
)

// RateIndex holds rates by pair (either way round) and day, to check new
// rates against. Add every rate first, then check.
type RateIndex struct {
	by     map[[2]string][]ratePoint
	sorted bool
}

type ratePoint struct {
	day     int32
	inv     bool // quoted the other way round than the pair's key
	refused bool // an input rate Jumps refused at first
	rate    money.Rate
	line    int // the input line; 0 for a recorded rate
}

func pairKey(base, quote string) ([2]string, bool) {
	if quote < base {
		return [2]string{quote, base}, true
	}
	return [2]string{base, quote}, false
}

func rateDay(t time.Time) int32 { return int32(t.Unix() / 86400) }

// Add indexes r: a recorded rate (line 0) or one on line of the input.
func (x *RateIndex) Add(r money.Rate, line int) {
	if x.by == nil {
		x.by = map[[2]string][]ratePoint{}
	}
	k, inv := pairKey(r.Base, r.Quote)
	x.by[k] = append(x.by[k], ratePoint{day: rateDay(r.Day), inv: inv, rate: r, line: line})
	x.sorted = false
}

func (x *RateIndex) sort() {
	if x.sorted {
		return
	}
	for _, s := range x.by {
		sort.SliceStable(s, func(i, j int) bool { return s[i].day < s[j].day })
	}
	x.sorted = true
}

// same tells whether p is r itself or the rate r replaces: the same day,
// pair the same way round, and source.
func (p ratePoint) same(r money.Rate, day int32) bool {
	return p.day == day && p.rate.Base == r.Base && p.rate.Quote == r.Quote && p.rate.Source == r.Source
}

// within tells whether r (inv: quoted the other way round than its pair's
// key) is at most MaxRateJump times higher or lower than p, exactly.
func within(r money.Rate, inv bool, p ratePoint) bool {
	// the ratio of r to p, both as r is quoted: r/p, or r×p when p is
	// quoted the other way round
	num, den := r.Rate, p.rate.Rate
	if p.inv != inv {
		num, den = r.Rate.Mul(p.rate.Rate), decimal.NewFromInt(1)
	}
	return num.Mul(jumpDen).Cmp(den.Mul(jumpNum)) <= 0 && num.Mul(jumpNum).Cmp(den.Mul(jumpDen)) >= 0
}

// neighbours are the rates of r's pair on the nearest day at or before r's
// day and on the nearest day at or after it, within RateJumpDays, other
// than r itself and the rate it replaces.
func (x *RateIndex) neighbours(r money.Rate, skipRefused bool) (inv bool, sides [2][]ratePoint) {
	x.sort()
	k, inv := pairKey(r.Base, r.Quote)
	s := x.by[k]
	d := rateDay(r.Day)
	hi := sort.Search(len(s), func(i int) bool { return s[i].day > d })
	for i := hi - 1; i >= 0 && d-s[i].day <= RateJumpDays; i-- {
		if s[i].same(r, d) || skipRefused && s[i].refused {
			continue
		}
		if len(sides[0]) > 0 && s[i].day != sides[0][0].day {
			break
		}
		sides[0] = append(sides[0], s[i])
	}
	lo := sort.Search(len(s), func(i int) bool { return s[i].day >= d })
	for i := lo; i < len(s) && s[i].day-d <= RateJumpDays; i++ {
		if s[i].same(r, d) || skipRefused && s[i].refused {
			continue
		}
		if len(sides[1]) > 0 && s[i].day != sides[1][0].day {
			break
		}
		sides[1] = append(sides[1], s[i])
	}
	return inv, sides
}

// Jump checks r, on line of the input (0: none) in column field, against
// the sanity bound: nil when it is within MaxRateJump of a nearest rate
// on either side (or has none within RateJumpDays), else a problem
// (CodeRateJump) naming the rates and days it is too far from.
func (x *RateIndex) Jump(r money.Rate, line int, field string) *Problem {
	p, _ := x.jump(r, line, field, false)
	return p
}

// RateLine is a rate of the input: its line and the column it is in.
type RateLine struct {
	Rate  money.Rate
	Line  int
	Field string
}

// Jumps checks the input's rates against the sanity bound (Jump), in
// order, after they and the recorded rates were added. A rate refused only
// for being out of line with rates that are themselves refused (the day
// after a typo, at the end of a file) is checked again without them: it
// passes if it agrees with a nearest rate that is not refused.
func (x *RateIndex) Jumps(in []RateLine) []Problem {
	var out []Problem
	refused := map[int]*Problem{}
	for i, r := range in {
		if p, _ := x.jump(r.Rate, r.Line, r.Field, false); p != nil {
			refused[i] = p
			x.mark(r)
		}
	}
	for i, r := range in {
		p := refused[i]
		if p == nil {
			continue
		}
		if again, compared := x.jump(r.Rate, r.Line, r.Field, true); again == nil && compared {
			continue // in line with the rates that are not refused
		}
		out = append(out, *p)
	}
	return out
}

// mark flags the point of an input rate as refused.
func (x *RateIndex) mark(r RateLine) {
	k, _ := pairKey(r.Rate.Base, r.Rate.Quote)
	s := x.by[k]
	d := rateDay(r.Rate.Day)
	for i := sort.Search(len(s), func(i int) bool { return s[i].day >= d }); i < len(s) && s[i].day == d; i++ {
		if s[i].line == r.Line && s[i].same(r.Rate, d) {
			s[i].refused = true
		}
	}
}

// jump is Jump, skipping the rates marked refused when skipRefused;
// compared tells whether r had any nearest rate to compare with.
func (x *RateIndex) jump(r money.Rate, line int, field string, skipRefused bool) (p *Problem, compared bool) {
	inv, sides := x.neighbours(r, skipRefused)
	var far []ratePoint
	for _, side := range sides {
		if len(side) == 0 {
			continue
		}
		for _, p := range side {
			if within(r, inv, p) {
				return nil, true
			}
		}
		if len(far) == 0 || far[0].day != side[0].day {
			far = append(far, side[0])
		}
	}
	if len(far) == 0 {
		return nil, false
	}
	descs := make([]string, len(far))
	for i, p := range far {
		descs[i] = describeRate(p, r)
	}
	text := money.RateText(r.Rate)
	return &Problem{Line: line, Field: field, Code: CodeRateJump, Value: text,
		Msg: fmt.Sprintf("%s %s/%s %s is more than %s times higher or lower than the nearest %s/%s rate within %d days (%s): "+
			"check the rate, its day and which currency is the base",
			r.Day.Format(time.DateOnly), r.Base, r.Quote, text, MaxRateJump, r.Base, r.Quote, RateJumpDays, strings.Join(descs, "; "))}, true
}

// describeRate writes a neighbouring rate for a message about r: its rate
// (with its pair when quoted the other way round), day and where it is.
func describeRate(p ratePoint, r money.Rate) string {
	s := money.RateText(p.rate.Rate)
	if p.rate.Base != r.Base {
		s = p.rate.Base + "/" + p.rate.Quote + " " + s
	}
	s += " on " + p.rate.Day.Format(time.DateOnly)
	if p.line > 0 {
		return s + " (line " + fmt.Sprint(p.line) + ", " + p.rate.Source + ")"
	}
	return s + " (recorded, " + p.rate.Source + ")"
}

// OtherSources are the recorded rates of r's pair (either way round) on
// r's day from sources other than r's.
func (x *RateIndex) OtherSources(r money.Rate) []money.Rate {
	x.sort()
	k, _ := pairKey(r.Base, r.Quote)
	s := x.by[k]
	d := rateDay(r.Day)
	var out []money.Rate
	for i := sort.Search(len(s), func(i int) bool { return s[i].day >= d }); i < len(s) && s[i].day == d; i++ {
		if s[i].line == 0 && s[i].rate.Source != r.Source {
			out = append(out, s[i].rate)
		}
	}
	return out
}

// OtherSourceWarning says that r, recorded on line (0: none), shares its
// pair and day with others from other sources, and which source reports
// use by default (preferred: the first of r's and theirs in the default
// order of preference).
func OtherSourceWarning(r money.Rate, line int, others []money.Rate, preferred string) Problem {
	descs := make([]string, len(others))
	for i, o := range others {
		descs[i] = fmt.Sprintf("%s/%s %s from %s", o.Base, o.Quote, money.RateText(o.Rate), o.Source)
	}
	which := "this rate (" + r.Source + ")"
	if preferred != r.Source {
		which = "the rate from " + preferred
	}
	return Problem{Line: line, Field: "source", Code: CodeRateOtherSource, Value: preferred,
		Msg: fmt.Sprintf("%s %s/%s %s from %s is recorded, and the same pair and day also has %s; by default reports use %s",
			r.Day.Format(time.DateOnly), r.Base, r.Quote, money.RateText(r.Rate), r.Source, strings.Join(descs, ", "), which)}
}
