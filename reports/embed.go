// Package reports is the built-in report catalog: one JSON file per report
// (its computation, parameters, columns, titles and labels in every
// language), i18n.json (the words all reports share), ui.json (the words of
// the web app's pages), assets.json (the asset catalog: each asset's
// category and names), parties.json (the built-in organisations' names) and
// sectors.json (the sector vocabulary: each sector's code, names and other
// spellings, which internal/ledger reads). Adding a report means adding a
// file here; internal/report reads them at start-up.
package reports

import "embed"

// FS holds the catalog.
//
//go:embed *.json
var FS embed.FS
