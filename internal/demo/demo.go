// Package demo holds pledger's demo data set, embedded: the statements of
// the 2021 ministerial announcement (cited as such) plus illustrative
// entries of other members (each flagged illustrative, and saying so in its
// source), and
// the real ECB reference rates they need. See data/README.md.
package demo

import _ "embed"

// Entries is the demo ledger in the canonical CSV format.
//
//go:embed data/entries.csv
var Entries []byte

// Rates are ECB euro reference rates in the long layout date,base,quote,rate,source.
//
//go:embed data/rates.csv
var Rates []byte
