package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/coalition/pledger/reports"
)

// The asset catalog (reports/assets.json): what a deployment's asset is, so
// that quantities are added only where they count like with like. An F-16
// and a trainer are never summed; two F-16s are, and so are an F-16 and a
// Rafale within the category aircraft, and only there.

// Categories of assets, in the order reports show them. An asset the
// catalog does not know is "other".
var Categories = []string{"aircraft", "personnel", "ships", "vehicles", "other"}

// OtherCategory is the category of an asset not in the catalog.
const OtherCategory = "other"

// Asset is one asset of the catalog.
type Asset struct {
	Code     string            `json:"code"`              // as officers enter it: F-16, trainers
	Aliases  []string          `json:"aliases,omitempty"` // other spellings that mean the same asset
	Category string            `json:"category"`          // one of Categories
	Name     map[string]string `json:"name"`              // in every language of Languages
}

// assetCatalog is reports/assets.json.
type assetCatalog struct {
	Categories []struct {
		Key  string            `json:"key"`
		Name map[string]string `json:"name"`
	} `json:"categories"`
	Assets []Asset `json:"assets"`
}

// AssetCatalog is the loaded catalog: assets by every spelling (case
// folded), and category names.
type AssetCatalog struct {
	Assets     []Asset
	byName     map[string]int
	categories map[string]map[string]string
}

// assets is the built-in catalog, read when first asked for.
var assets = sync.OnceValue(mustLoadAssets)

func mustLoadAssets() *AssetCatalog {
	data, err := reports.FS.ReadFile("assets.json")
	if err != nil {
		panic(err)
	}
	c, err := LoadAssets(data)
	if err != nil {
		panic(err)
	}
	return c
}

// LoadAssets reads and checks an asset catalog: every category known and
// named in every language, every asset in a known category and named in
// every language, no spelling used twice.
func LoadAssets(data []byte) (*AssetCatalog, error) {
	var raw assetCatalog
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("reports/assets.json: %w", err)
	}
	c := &AssetCatalog{Assets: raw.Assets, byName: map[string]int{}, categories: map[string]map[string]string{}}
	for _, cat := range raw.Categories {
		if !contains(Categories, cat.Key) {
			return nil, fmt.Errorf("reports/assets.json: unknown category %q (use %s)", cat.Key, strings.Join(Categories, ", "))
		}
		if err := named(cat.Name); err != nil {
			return nil, fmt.Errorf("reports/assets.json: category %s: %w", cat.Key, err)
		}
		c.categories[cat.Key] = cat.Name
	}
	for _, k := range Categories {
		if c.categories[k] == nil {
			return nil, fmt.Errorf("reports/assets.json: category %s has no names", k)
		}
	}
	for i, a := range raw.Assets {
		if strings.TrimSpace(a.Code) == "" {
			return nil, fmt.Errorf("reports/assets.json: asset %d has no code", i+1)
		}
		if !contains(Categories, a.Category) {
			return nil, fmt.Errorf("reports/assets.json: asset %s: unknown category %q (use %s)", a.Code, a.Category, strings.Join(Categories, ", "))
		}
		if err := named(a.Name); err != nil {
			return nil, fmt.Errorf("reports/assets.json: asset %s: %w", a.Code, err)
		}
		for _, s := range append([]string{a.Code}, a.Aliases...) {
			k := assetKey(s)
			if j, dup := c.byName[k]; dup {
				return nil, fmt.Errorf("reports/assets.json: %q names both %s and %s", s, raw.Assets[j].Code, a.Code)
			}
			c.byName[k] = i
		}
	}
	return c, nil
}

// named checks that names has a non-empty name in every language.
func named(names map[string]string) error {
	for _, l := range Languages {
		if strings.TrimSpace(names[l]) == "" {
			return fmt.Errorf("no name in %s", l)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// assetKey is how a spelling is looked up: spaces trimmed, case folded.
func assetKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Assets is the built-in asset catalog (reports/assets.json).
func Assets() *AssetCatalog { return assets() }

// Lookup finds the asset an entered name means. An asset not in the
// catalog is in category other, under its name as entered: existing
// data is never refused for it.
func (c *AssetCatalog) Lookup(entered string) (Asset, bool) {
	if i, ok := c.byName[assetKey(entered)]; ok {
		return c.Assets[i], true
	}
	return Asset{Code: strings.TrimSpace(entered), Category: OtherCategory}, false
}

// AssetName is an entered asset's name in the reader's language, or the
// name as entered when the catalog does not know it.
func (l *Lang) AssetName(entered string) string {
	a, ok := assets().Lookup(entered)
	if !ok {
		return a.Code
	}
	return a.Name[l.Code]
}

// CategoryName is an asset category's name in the reader's language.
func (l *Lang) CategoryName(category string) string {
	if n := assets().categories[category][l.Code]; n != "" {
		return n
	}
	return category
}
