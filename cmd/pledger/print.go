package main

import (
	"context"
	"slices"

	"github.com/coalition/pledger/internal/model"
	"github.com/coalition/pledger/internal/pdf"
	"github.com/coalition/pledger/internal/render"
)

// PDF is the HTML page printed by a headless Chromium (internal/pdf): a
// step after rendering, so the renderers and the charts stay pure and the
// program needs Chromium only for this format.
const pdfFormat = "pdf"

// reportFormats are the formats of pledger report: what internal/render
// writes, then pdf, its HTML page printed.
func reportFormats() []string { return append(slices.Clone(render.Formats), pdfFormat) }

// chartFormats are the formats of pledger chart NAME.
var chartFormats = []string{"html", pdfFormat}

// pdfReady checks, before any work, that a PDF can be made and written
// where it is asked for: a PDF is bytes, never written to a terminal (give
// --out, or redirect standard output), and it needs Chromium. It returns
// the Chromium to print with.
func (a *app) pdfReady(out string) (string, error) {
	if out == "" && isTerminal(a.out) {
		return "", usage("--format pdf writes a binary file: give --out FILE.pdf (or redirect standard output to a file)")
	}
	return pdf.Find()
}

// printPDF prints page, the HTML of report m, to PDF on A4 with m's
// provenance (ledger state, valuation, rates, when made) in the footer of
// every page, in the reader's language.
func printPDF(ctx context.Context, chromium string, page []byte, l *model.Lang, m *model.Model) ([]byte, error) {
	return pdf.Print(ctx, page, pdf.Options{Chromium: chromium, Lang: l.Code, Footer: pdf.Provenance(l, m)})
}
