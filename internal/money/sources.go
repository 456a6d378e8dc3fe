package money

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
)

// Rate sources. Several sources may quote a rate for the same pair and day
// (the ECB's reference rate, a treasury's, one typed in by hand). A report
// uses one order of preference among them, and this file is the one place
// that decides it: for each pair and day, the rate of the source that comes
// first in the order; another source's rate only for the pairs and days the
// sources before it do not quote. The order is the sources named (for one
// report, or by default in the environment variable EnvRateSources), then
// every other source by how many rates it has in force, most first, ties by
// name.

// EnvRateSources names the environment variable holding the default order
// of preference among rate sources, comma-separated.
const EnvRateSources = "PLEDGER_RATE_SOURCES"

// SplitSources reads a comma-separated list of source names ("ECB,manual");
// blank names are dropped.
func SplitSources(s string) []string {
	var out []string
	for _, n := range strings.Split(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// EnvSources is the default order named in EnvRateSources (nil: none).
func EnvSources() []string { return SplitSources(os.Getenv(EnvRateSources)) }

// AmbiguousSourceError is a source name that matches several sources.
type AmbiguousSourceError struct {
	Name    string
	Matches []string
}

func (e *AmbiguousSourceError) Error() string {
	return fmt.Sprintf("rate source %q matches several sources: %s", e.Name, strings.Join(e.Matches, ", "))
}

// MatchSource finds the source a name means among sources: the source of
// exactly that name, or else the one source equal to it without regard to
// case, or else the one source it begins ("ECB" for "ECB euro foreign
// exchange reference rates"; whole words, case ignored). ok is false when
// none matches; a name matching several is an *AmbiguousSourceError.
func MatchSource(name string, sources []string) (source string, ok bool, err error) {
	name = strings.TrimSpace(name)
	if slices.Contains(sources, name) {
		return name, true, nil
	}
	var fold, prefix []string
	for _, s := range sources {
		switch {
		case strings.EqualFold(s, name):
			fold = append(fold, s)
		case len(s) > len(name) && strings.EqualFold(s[:len(name)], name) && !isWordChar(s[len(name):]):
			prefix = append(prefix, s)
		}
	}
	for _, m := range [][]string{fold, prefix} {
		switch len(m) {
		case 0:
			continue
		case 1:
			return m[0], true, nil
		default:
			slices.Sort(m)
			return "", false, &AmbiguousSourceError{Name: name, Matches: m}
		}
	}
	return "", false, nil
}

// isWordChar tells whether rest begins with a letter or a digit (a name
// that stops there stops inside a word).
func isWordChar(rest string) bool {
	for _, r := range rest {
		return unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return false
}

// OrderSources is the order of preference among the sources of counts
// (how many rates in force each has): the sources named, in the order
// named (each found by MatchSource), then the others by count, most first,
// ties by name. Names that match no source are left out and returned in
// unmatched; a name that matches several is an error.
func OrderSources(named []string, counts map[string]int) (order, unmatched []string, err error) {
	known := make([]string, 0, len(counts))
	for s := range counts {
		known = append(known, s)
	}
	slices.SortFunc(known, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	order = make([]string, 0, len(known))
	for _, n := range named {
		s, ok, err := MatchSource(n, known)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			unmatched = append(unmatched, n)
			continue
		}
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	for _, s := range known {
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	return order, unmatched, nil
}
