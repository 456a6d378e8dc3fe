package migrations

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// Migrations are numbered 00001, 00002, ... with no gap or duplicate, and
// each has a goose Up section.
func TestNumbering(t *testing.T) {
	names, err := fs.Glob(FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migrations")
	}
	for i, n := range names {
		if want := fmt.Sprintf("%05d_", i+1); !strings.HasPrefix(n, want) {
			t.Errorf("migration %d is %s, want a name starting %s", i+1, n, want)
		}
		b, _ := fs.ReadFile(FS, n)
		if !strings.Contains(string(b), "-- +goose Up") {
			t.Errorf("%s has no -- +goose Up section", n)
		}
	}
}
