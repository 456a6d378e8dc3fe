package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// fv decodes itself, like the API's entry field values: a string, or true
// or false (kept as text).
type fv string

func (v *fv) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", "false":
		*v = fv(b)
		return nil
	}
	return json.Unmarshal(b, (*string)(v))
}

type inner struct {
	Name string `json:"name"`
}

type body struct {
	Amount  string        `json:"amount"`
	Note    string        `json:"note"`
	Force   bool          `json:"force"`
	Changes map[string]fv `json:"changes"`
	Inner   *inner        `json:"inner"`
	List    []inner       `json:"list"`
	Skipped string        `json:"-"`
	Plain   string
}

// TestDecodeRefuses: each way encoding/json alone would take a body the
// API must refuse, with the field and the byte offset.
func TestDecodeRefuses(t *testing.T) {
	for _, c := range []struct {
		name, body, field string
		offset            int64
		msg               string
	}{
		{"duplicate key, top level", `{"amount":"1.00","amount":"999999.00"}`, "amount", 17, `the key "amount" appears twice in one object (first at byte 1)`},
		{"duplicate key, escaped", `{"amount":"1.00","\u0061mount":"9"}`, "amount", 17, "appears twice"},
		{"duplicate key, nested map", `{"changes":{"amount":"1","amount":"2"}}`, "changes.amount", 25, "appears twice"},
		{"duplicate key, nested struct", `{"inner":{"name":"a","name":"b"}}`, "inner.name", 21, "appears twice"},
		{"duplicate key, in a list", `{"list":[{"name":"a"},{"name":"a","name":"b"}]}`, "list[1].name", 34, "appears twice"},
		{"duplicate key, under a custom type", `{"changes":{"x":{"a":1,"a":2}}}`, "changes.x.a", 23, "appears twice"},
		{"custom type's own error", `{"changes":{"x":{"a":1}}}`, "changes.x", 16, "must be a string, not a JSON object"},
		{"case variant", `{"AMOUNT":"999999.00"}`, "AMOUNT", 1, `unknown field: field names are case-sensitive; did you mean "amount"?`},
		{"case variant after the field", `{"amount":"1.00","Amount":"2"}`, "Amount", 17, "case-sensitive"},
		{"case variant, nested", `{"inner":{"Name":"x"}}`, "inner.Name", 10, "case-sensitive"},
		{"unknown field", `{"colour":"red"}`, "colour", 1, "unknown field"},
		{"a field json skips", `{"Skipped":"x"}`, "Skipped", 1, "unknown field"},
		{"invalid UTF-8 in a value", "{\"note\":\"caf\xe9\"}", "note", 12, "the value is not valid UTF-8 at byte 12"},
		{"invalid UTF-8 in a key", "{\"n\xffte\":\"x\"}", "n\ufffdte", 3, "the key is not valid UTF-8 at byte 3"},
		{"invalid UTF-8 in a map key", "{\"changes\":{\"\xc3\":\"x\"}}", "changes.\ufffd", 13, "the key is not valid UTF-8"},
		{"overlong encoding", "{\"note\":\"\xc0\xaf\"}", "note", 9, "not valid UTF-8"},
		{"encoded surrogate", "{\"note\":\"\xed\xa0\x80\"}", "note", 9, "not valid UTF-8"},
		{"lone high surrogate escape", `{"note":"a\ud800b"}`, "note", 10, `escapes half of a UTF-16 surrogate pair (\ud800)`},
		{"lone low surrogate escape", `{"note":"\uDC00"}`, "note", 9, "surrogate"},
		{"reversed surrogates", `{"note":"\udc00\ud800"}`, "note", 9, "surrogate"},
		{"trailing garbage", `{"amount":"1"}x`, Body, 14, "more follows it at byte 14"},
		{"trailing brace", `{"amount":"1"}}`, Body, 14, "more follows"},
		{"trailing bracket", "{\"amount\":\"1\"} \n]", Body, 16, "more follows"},
		{"second object", `{"amount":"1"} {"amount":"2"}`, Body, 15, "more follows"},
		{"trailing NUL", "{\"amount\":\"1\"}\x00", Body, 14, "more follows"},
		{"empty", ``, Body, 0, "empty body"},
		{"white space only", " \n", Body, 0, "empty body"},
		{"not an object", `["amount"]`, Body, 0, "one JSON object"},
		{"null", `null`, Body, 0, "one JSON object"},
		{"truncated", `{"amount":"1",`, Body, 14, "ends at byte 14"},
		{"malformed", `{"amount" "1"}`, "amount", 10, "malformed JSON at byte 10"},
		{"wrong type", `{"amount":1500000}`, "amount", 10, "must be a string, not a JSON number"},
		{"wrong type, bool", `{"force":"yes"}`, "force", 9, "must be a boolean"},
		{"wrong type, list", `{"list":{"name":"a"}}`, "list", 8, "must be a list, not a JSON object"},
		{"wrong type, object", `{"inner":"x"}`, "inner", 9, "must be an object, not a JSON string"},
		{"wrong type, under a custom type", `{"changes":{"amount":18000000}}`, "changes.amount", 21, "must be a string, not a JSON number"},
		{"byte order mark", "\xef\xbb\xbf{}", Body, 1, "malformed"},
		{"too deep", `{"changes":{"x":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}}`, "changes.x" + strings.Repeat("[0]", MaxDepth-2), 16 + MaxDepth - 2, "nested more than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var v body
			err := Decode([]byte(c.body), &v)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%q: got %v (%T), want an *Error", c.body, err, err)
			}
			if e.Field != c.field || e.Offset != c.offset || !strings.Contains(e.Msg, c.msg) {
				t.Errorf("%q:\n got field %q offset %d %q\nwant field %q offset %d %q", c.body, e.Field, e.Offset, e.Msg, c.field, c.offset, c.msg)
			}
		})
	}
}

// TestDecodeAccepts: what the API takes is still taken, and decoded as
// encoding/json decodes it.
func TestDecodeAccepts(t *testing.T) {
	var v body
	in := " {\"amount\":\"18000000.00\",\"note\":\"Noordoost-Syri\u00eb \\u00e9 \\ud83d\\ude00 \U0001F600\",\"force\":true," +
		`"changes":{"amount":"5","illustrative":true,"Amount":"6"},"inner":{"name":"x"},"list":[{"name":"a"},{"name":"b"}],"Plain":"p"}` + "\r\n\t "
	if err := Decode([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	if v.Amount != "18000000.00" || v.Note != "Noordoost-Syrië é 😀 😀" || !v.Force || v.Changes["illustrative"] != "true" ||
		v.Changes["Amount"] != "6" || v.Inner.Name != "x" || len(v.List) != 2 || v.Plain != "p" {
		t.Errorf("decoded %+v", v)
	}
	// MaxDepth levels are taken.
	deep := `{"changes":{"x":` + strings.Repeat("[", MaxDepth-2) + strings.Repeat("]", MaxDepth-2) + `}}`
	if err := Check([]byte(deep), nil); err != nil {
		t.Errorf("%d levels: %v", MaxDepth, err)
	}
	// The same key in two objects is not a duplicate.
	if err := Decode([]byte(`{"inner":{"name":"a"},"list":[{"name":"a"},{"name":"a"}]}`), &v); err != nil {
		t.Error(err)
	}
}
