package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// apiBody is shaped like the API's request bodies: an entry's fields as
// strings, an amendment's changes (a map of values that decode
// themselves), a rate's flags, and a nested object and list.
type apiBody struct {
	Ref          string        `json:"ref"`
	Kind         string        `json:"kind"`
	Party        string        `json:"party"`
	Date         string        `json:"date"`
	Amount       string        `json:"amount"`
	Currency     string        `json:"currency"`
	Note         string        `json:"note"`
	Illustrative fv            `json:"illustrative"`
	Changes      map[string]fv `json:"changes"`
	Reason       string        `json:"reason"`
	Replace      bool          `json:"replace"`
	Inner        *inner        `json:"inner"`
	List         []inner       `json:"list"`
}

// FuzzDecode: whatever the body, Decode does not panic, and a body it
// accepts is one valid JSON object in valid UTF-8 with no key twice in any
// object, that encoding/json decodes to the same value, that encodes and
// decodes back to it, and that is refused once a key is repeated.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, body []byte) {
		var v apiBody
		err := Decode(body, &v)
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("%q: error %v is a %T, not an *Error", body, err, err)
		}
		anyErr := Check(body, nil)
		if anyErr != nil && !errors.As(anyErr, &e) {
			t.Fatalf("%q: Check error %v is a %T, not an *Error", body, anyErr, anyErr)
		}
		if e != nil && (e.Offset < 0 || e.Offset > int64(len(body)) || e.Field == "" || e.Msg == "") {
			t.Fatalf("%q: error %+v: no field, or an offset outside the body", body, e)
		}
		if anyErr == nil {
			accepted(t, body)
		}
		if err != nil {
			return
		}
		if anyErr != nil {
			t.Fatalf("%q: decoded into a struct but refused as any object: %v", body, anyErr)
		}
		// encoding/json reads the same thing: the strict decoder only
		// refuses, it never changes what a body says.
		var plain apiBody
		if err := json.Unmarshal(body, &plain); err != nil || !reflect.DeepEqual(plain, v) {
			t.Fatalf("%q: strict %+v, encoding/json %+v (%v)", body, v, plain, err)
		}
		// What the API decoded, encoded again, decodes the same.
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back apiBody
		if err := Decode(again, &back); err != nil || !reflect.DeepEqual(back, v) {
			t.Fatalf("%q -> %s -> %+v (%v), want %+v", body, again, back, err, v)
		}
	})
}

// accepted checks a body Check took.
func accepted(t *testing.T, body []byte) {
	t.Helper()
	if !json.Valid(body) || !utf8.Valid(body) {
		t.Fatalf("%q: accepted, but not valid JSON in UTF-8", body)
	}
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		t.Fatalf("%q: accepted, but not an object", body)
	}
	// No duplicate key: encoding/json keeps one value per key, so the
	// value it decodes, encoded again, has as many tokens as the body.
	var x any
	if err := json.Unmarshal(body, &x); err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	re, err := json.Marshal(x)
	if err != nil {
		t.Fatalf("%q: %v", body, err)
	}
	if n, m := tokens(t, body), tokens(t, re); n != m {
		t.Fatalf("%q: accepted with %d tokens, but its value has %d: a key appears twice", body, n, m)
	}
	// No lone surrogate became U+FFFD: a replacement character in the
	// value was in the body, as itself or escaped.
	if bytes.Contains(re, []byte("\ufffd")) && !bytes.Contains(body, []byte("\ufffd")) &&
		!bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
		t.Fatalf("%q: accepted, and decodes with a U+FFFD the body does not have", body)
	}
	// Repeating the object's first key (with any value) is refused.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.Token() // {
	if k, err := dec.Token(); err == nil && k != json.Delim('}') {
		key := k.(string)
		end := bytes.TrimRight(body, " \t\r\n")
		keyJSON, _ := json.Marshal(key)
		dup := append(append(append(bytes.Clone(end[:len(end)-1]), ','), keyJSON...), []byte(":null}")...)
		err := Check(dup, nil)
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, "appears twice") || e.Field != join("", key) {
			t.Fatalf("%q: accepted; with its first key again (%q) Check says %v", body, dup, err)
		}
	}
}

func tokens(t *testing.T, b []byte) int {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("%q: token %d: %v", b, n, err)
		}
		n++
	}
}
