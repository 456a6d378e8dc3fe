package render

import "github.com/coalition/pledger/internal/ledger"

// EntryJSON is an entry in JSON (the CLI's list --format json and the
// API): amounts as decimal strings with the currency's decimals.
type EntryJSON struct {
	Ref       string   `json:"ref"`
	Kind      string   `json:"kind"`
	Party     string   `json:"party"`
	Title     string   `json:"title,omitempty"` // a need's title
	Date      string   `json:"date"`
	Precision string   `json:"date_precision"`
	End       string   `json:"end,omitempty"`
	Amount    string   `json:"amount,omitempty"`
	Currency  string   `json:"currency,omitempty"`
	Qualifier string   `json:"qualifier"`
	Quantity  int64    `json:"quantity,omitempty"`
	Asset     string   `json:"asset,omitempty"`
	Sectors   []string `json:"sectors"`
	Locations []string `json:"locations"`
	// SectorShares and LocationShares are the shares in percent, one per
	// sector (location), when the entry states them.
	SectorShares   []string         `json:"sector_shares,omitempty"`
	LocationShares []string         `json:"location_shares,omitempty"`
	Toward         string           `json:"toward,omitempty"`
	Fulfils        string           `json:"fulfils,omitempty"`
	Source         string           `json:"source,omitempty"`
	Note           string           `json:"note,omitempty"`
	Value          string           `json:"value,omitempty"` // in ValueCurrency, as reports count it (when asked for)
	ValueCurrency  string           `json:"value_currency,omitempty"`
	Warnings       []ledger.Problem `json:"warnings,omitempty"` // about the entry's place in its chain, when recorded
	// Illustrative: not a published statement (always written, true or false).
	Illustrative bool   `json:"illustrative"`
	Revision     int    `json:"revision"`
	RecordedAt   string `json:"recorded_at"`
	Author       string `json:"recorded_by"`
}

// Entry is the JSON form of an entry's current revision.
func Entry(r ledger.Revision) EntryJSON {
	e := r.Entry
	f := e.Fields()
	j := EntryJSON{Ref: e.Ref, Kind: string(e.Kind), Party: e.Party, Title: e.Title, Date: f["date"], Precision: e.Date.Precision.String(),
		End: f["end"], Amount: f["amount"], Currency: f["currency"], Qualifier: string(e.Qualifier), Quantity: e.Quantity,
		Asset: e.Asset, Sectors: e.Sectors, Locations: e.Locations, Toward: e.Toward, Fulfils: e.Fulfils,
		Source: e.Source, Note: e.Note, Illustrative: e.Illustrative, Revision: r.Rev, RecordedAt: r.RecordedAt.Format(ledger.TimeLayout), Author: r.Author}
	for _, d := range e.SectorShares {
		j.SectorShares = append(j.SectorShares, d.String())
	}
	for _, d := range e.LocationShares {
		j.LocationShares = append(j.LocationShares, d.String())
	}
	if j.Sectors == nil {
		j.Sectors = []string{}
	}
	if j.Locations == nil {
		j.Locations = []string{}
	}
	return j
}
