package model

import (
	"strings"
	"testing"
)

// TestAssetCatalog: every asset of reports/assets.json has a name in every
// language and a known category; unknown assets are "other", as entered.
func TestAssetCatalog(t *testing.T) {
	c := Assets()
	if len(c.Assets) < 10 {
		t.Fatalf("only %d assets in the catalog", len(c.Assets))
	}
	for _, a := range c.Assets {
		if !contains(Categories, a.Category) {
			t.Errorf("%s: unknown category %q", a.Code, a.Category)
		}
		for _, l := range Languages {
			if strings.TrimSpace(a.Name[l]) == "" {
				t.Errorf("%s: no name in %s", a.Code, l)
			}
		}
	}
	for _, want := range []struct{ entered, code, category, nl string }{
		{"F-16", "F-16", "aircraft", "F-16"},
		{" f16 ", "F-16", "aircraft", "F-16"},
		{"Rafale", "Rafale", "aircraft", "Rafale"},
		{"trainers", "trainers", "personnel", "opleiders"},
		{"advisers", "advisers", "personnel", "adviseurs"},
		{"frigate", "frigate", "ships", "fregat"},
	} {
		a, ok := c.Lookup(want.entered)
		if !ok || a.Code != want.code || a.Category != want.category || MustLang("nl").AssetName(want.entered) != want.nl {
			t.Errorf("%q: got %+v %v, want %s in %s (nl %s)", want.entered, a, ok, want.code, want.category, want.nl)
		}
	}
	a, ok := c.Lookup("Leopard 2A4")
	if ok || a.Category != OtherCategory || MustLang("fr").AssetName("Leopard 2A4") != "Leopard 2A4" {
		t.Errorf("unknown asset: %+v %v", a, ok)
	}
	for _, l := range Languages {
		for _, k := range Categories {
			if n := MustLang(l).CategoryName(k); n == "" {
				t.Errorf("category %s has no name in %s", k, l)
			}
		}
	}
	if n := MustLang("nl").CategoryName("aircraft"); n != "vliegtuigen" {
		t.Errorf("aircraft in nl: %q", n)
	}
}

// TestLoadAssetsRefuses: a catalog with a gap is refused at start-up.
func TestLoadAssetsRefuses(t *testing.T) {
	cats := `"categories": [{"key": "aircraft", "name": {"en": "a", "nl": "a", "fr": "a"}},
		{"key": "personnel", "name": {"en": "p", "nl": "p", "fr": "p"}}, {"key": "ships", "name": {"en": "s", "nl": "s", "fr": "s"}},
		{"key": "vehicles", "name": {"en": "v", "nl": "v", "fr": "v"}}, {"key": "other", "name": {"en": "o", "nl": "o", "fr": "o"}}]`
	for name, c := range map[string]struct{ data, want string }{
		"no fr name":       {`{` + cats + `, "assets": [{"code": "F-16", "category": "aircraft", "name": {"en": "F-16", "nl": "F-16"}}]}`, "asset F-16: no name in fr"},
		"unknown category": {`{` + cats + `, "assets": [{"code": "F-16", "category": "planes", "name": {"en": "x", "nl": "x", "fr": "x"}}]}`, `unknown category "planes"`},
		"spelt twice": {`{` + cats + `, "assets": [{"code": "F-16", "category": "aircraft", "name": {"en": "x", "nl": "x", "fr": "x"}},
			{"code": "f-16", "category": "aircraft", "name": {"en": "x", "nl": "x", "fr": "x"}}]}`, `"f-16" names both F-16 and f-16`},
		"category unnamed": {`{"categories": [], "assets": []}`, "category aircraft has no names"},
		"unknown field":    {`{` + cats + `, "assets": [], "extra": 1}`, "unknown field"},
	} {
		if _, err := LoadAssets([]byte(c.data)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", name, err, c.want)
		}
	}
}
