// Package reports is the built-in report catalog: one JSON file per report
// (its computation, parameters, columns, titles and labels in every
// language) and i18n.json (the words all reports share). Adding a report
// means adding a file here; internal/report reads them at start-up.
package reports

import "embed"

// FS holds the catalog.
//
//go:embed *.json
var FS embed.FS
