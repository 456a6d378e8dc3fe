package store

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// redacted stands for a password wherever a database name is shown.
const redacted = "xxxxx"

var (
	// userinfoPassword is the password of a URL's userinfo (as written:
	// also in a URL that net/url cannot parse).
	userinfoPassword = regexp.MustCompile(`(://[^/?#@:]*:)[^/?#]*@`)
	// queryPassword is a password given as a parameter (lib/pq reads
	// password and sslpassword from the query too).
	queryPassword = regexp.MustCompile(`(?i)([?&](?:ssl)?password=)[^&#]*`)
)

// RedactDSN is a database name as it may be shown (printed, logged, put
// in an error): a URL's password, in its userinfo or its query, replaced
// by xxxxx. A name without a password comes back as it is.
func RedactDSN(dsn string) string {
	if !strings.Contains(dsn, "://") {
		return dsn
	}
	dsn = userinfoPassword.ReplaceAllString(dsn, "${1}"+redacted+"@")
	return queryPassword.ReplaceAllString(dsn, "${1}"+redacted)
}

// RedactIn is text (a message, an error) with the password of the
// database dsn redacted wherever it appears: the whole name, as written or
// quoted, and the password on its own, as written or decoded.
func RedactIn(text, dsn string) string {
	safe := RedactDSN(dsn)
	if safe == dsn {
		return text
	}
	text = strings.ReplaceAll(text, dsn, safe)
	text = strings.ReplaceAll(text, strconv.Quote(dsn), strconv.Quote(safe))
	for _, pw := range dsnPasswords(dsn) {
		for _, form := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw), strings.Trim(strconv.Quote(pw), `"`)} {
			if len(form) >= 4 {
				text = strings.ReplaceAll(text, form, redacted)
			} else if form != "" {
				text = strings.ReplaceAll(text, ":"+form+"@", ":"+redacted+"@")
				text = strings.ReplaceAll(text, "password="+form, "password="+redacted)
			}
		}
	}
	return text
}

// dsnPasswords are the passwords dsn holds: as written and, when they
// differ, percent-decoded.
func dsnPasswords(dsn string) []string {
	var raw []string
	if m := userinfoPassword.FindStringSubmatchIndex(dsn); m != nil {
		raw = append(raw, dsn[m[3]:m[1]-1])
	}
	for _, m := range queryPassword.FindAllStringSubmatchIndex(dsn, -1) {
		raw = append(raw, dsn[m[3]:m[1]])
	}
	var out []string
	for _, pw := range raw {
		out = append(out, pw)
		if dec, err := url.PathUnescape(pw); err == nil && dec != pw {
			out = append(out, dec)
		}
		if dec, err := url.QueryUnescape(pw); err == nil && dec != pw {
			out = append(out, dec)
		}
	}
	return out
}

// redactedError is err with the password of dsn redacted from its
// message; errors.Is and As still see err.
type redactedError struct {
	err error
	dsn string
}

func (e redactedError) Error() string { return RedactIn(e.err.Error(), e.dsn) }
func (e redactedError) Unwrap() error { return e.err }
