package store

import (
	"errors"
	"strings"
	"testing"
)

// A database name is shown without its password (issue #15).
func TestRedactDSN(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://bob:s3cret@db.example/pledger?sslmode=disable":            "postgres://bob:xxxxx@db.example/pledger?sslmode=disable",
		"postgresql://bob:s%40cr%2Fet@db.example:5432/p":                      "postgresql://bob:xxxxx@db.example:5432/p",
		"postgres://bob:s3c@ret@db.example/p":                                 "postgres://bob:xxxxx@db.example/p",
		"postgres://bob:s3cret@[::1/db":                                       "postgres://bob:xxxxx@[::1/db",
		"postgres://bob@db.example/p?sslmode=disable&password=s3cret":         "postgres://bob@db.example/p?sslmode=disable&password=xxxxx",
		"postgres://db.example/p?PASSWORD=s3cret&sslpassword=k3y&sslmode=off": "postgres://db.example/p?PASSWORD=xxxxx&sslpassword=xxxxx&sslmode=off",
		"mysql://bob:s3cret@h/db":                                             "mysql://bob:xxxxx@h/db",
		"postgres://bob@db.example:5432/p?sslmode=disable":                    "postgres://bob@db.example:5432/p?sslmode=disable",
		"postgres://db.example:5432/p":                                        "postgres://db.example:5432/p",
		"sqlite:pledger.db":                                                   "sqlite:pledger.db",
		"/data/my:odd@file.db":                                                "/data/my:odd@file.db",
	} {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
	dsn := "postgres://bob:s%40cr%2Fet-pw@db.example/p"
	msg := `parse "` + dsn + `": invalid port; password s@cr/et-pw; s%40cr%2Fet-pw`
	if got := RedactIn(msg, dsn); strings.Contains(got, "cr") || !strings.Contains(got, "bob:xxxxx@db.example") {
		t.Errorf("RedactIn: %s", got)
	}
	if got := RedactIn("a:pw@b pw", "postgres://a:pw@b/c"); got != "a:xxxxx@b pw" {
		t.Errorf("RedactIn with a short password: %s", got)
	}
	inner := errors.New(`parse "postgres://bob:s3cret@h:x/db": invalid port`)
	err := redactedError{inner, "postgres://bob:s3cret@h:x/db"}
	if strings.Contains(err.Error(), "s3cret") || !errors.Is(err, inner) {
		t.Errorf("redactedError: %v", err)
	}
}
