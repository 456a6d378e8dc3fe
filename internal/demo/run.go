package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/csvio"
	"github.com/coalition/pledger/internal/money"
	"github.com/coalition/pledger/internal/render"
	"github.com/coalition/pledger/internal/report"
	"github.com/coalition/pledger/internal/store"
)

// Load imports the demo entries and rates into s; running it again adds
// nothing.
func Load(ctx context.Context, s *store.Store) (store.ImportResult, store.RateImportResult, error) {
	res, err := s.Import(ctx, csvio.BytesSource("demo/entries.csv", Entries, csvio.Options{}),
		store.ImportOptions{Author: "pledger demo", Reason: "demo data set"})
	if err != nil {
		return res, store.RateImportResult{}, err
	}
	rates, err := s.ImportRates(ctx, csvio.RateBytesSource("demo/rates.csv", Rates, ""), store.RateImportOptions{Author: "pledger demo"})
	return res, rates, err
}

// ReportFormats are the formats the demo writes every report in (CSV as a
// file per table).
var ReportFormats = []string{"md", "csv", "json", "html", "xlsx"}

// Job is one report the demo writes.
type Job struct {
	Name     string // catalog name
	Party    string // for the party report
	Lang     string
	Currency string
	File     string // base name, without the format
}

// Jobs lists the demo's reports: every report of the catalog in English,
// in USD; Belgium's profile in EUR, in English, Dutch and French.
func Jobs() []Job {
	var jobs []Job
	for _, d := range report.Catalog() {
		if len(d.Args) > 0 {
			for _, lang := range model.Languages {
				jobs = append(jobs, Job{Name: d.Name, Party: "BEL", Lang: lang, Currency: "EUR", File: fmt.Sprintf("%s-BEL.%s", d.Name, lang)})
			}
			continue
		}
		jobs = append(jobs, Job{Name: d.Name, Lang: "en", Currency: "USD", File: d.Name})
	}
	return jobs
}

// WriteReports writes every job in every ReportFormats into dir and
// returns the files written.
func WriteReports(ctx context.Context, s *store.Store, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var files []string
	for _, j := range Jobs() {
		m, lang, err := j.Run(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("demo report %s: %w", j.File, err)
		}
		for _, format := range ReportFormats {
			if format == "csv" {
				tables, err := render.CSVFiles(m, lang, render.RFC4180, j.File)
				if err != nil {
					return nil, fmt.Errorf("demo report %s: %w", j.File, err)
				}
				for _, t := range tables {
					path := filepath.Join(dir, t.Name)
					if err := os.WriteFile(path, t.Data, 0o644); err != nil {
						return nil, err
					}
					files = append(files, path)
				}
				continue
			}
			path := filepath.Join(dir, j.File+"."+format)
			f, err := os.Create(path)
			if err != nil {
				return nil, err
			}
			err = render.Write(f, m, format, lang)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("demo report %s: %w", path, err)
			}
			files = append(files, path)
		}
	}
	return files, nil
}

// Run makes the job's report.
func (j Job) Run(ctx context.Context, s *store.Store) (*model.Model, *model.Lang, error) {
	lang, err := model.ParseLang(j.Lang)
	if err != nil {
		return nil, nil, err
	}
	opt := report.Options{Currency: money.MustCurrency(j.Currency), Valuation: model.DefaultValuation(), Lang: lang, Params: map[string]string{"party": j.Party}}
	m, err := report.Run(ctx, s, j.Name, opt)
	return m, lang, err
}
