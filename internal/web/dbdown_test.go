package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/access"
	"github.com/coalition/pledger/internal/store"
)

// A database that fails is a server error, never "not signed in": a good
// token must not look bad because the database is down.
func TestDatabaseDownIsNotUnauthorized(t *testing.T) {
	e := newEnv(t, store.SQLite, Config{})
	if code, _, _ := e.api("GET", "/api/v1/entries?limit=1", e.tokens[access.Viewer], ""); code == http.StatusUnauthorized {
		t.Fatalf("a good token was refused")
	}
	e.st.Close()
	code, body, _ := e.api("GET", "/api/v1/entries?limit=1", e.tokens[access.Viewer], "")
	if code != http.StatusInternalServerError || strings.Contains(body, "not signed in") {
		t.Errorf("with the database down: %d %s", code, body)
	}
}
