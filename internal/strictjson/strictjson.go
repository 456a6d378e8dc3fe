// Package strictjson decodes a JSON request body strictly, for every JSON
// endpoint of the API. encoding/json on its own takes the last of two equal
// keys (`{"amount":"1.00","amount":"999999.00"}` records 999999.00),
// matches a struct's field names case-insensitively (`"AMOUNT"` sets
// Amount), replaces invalid UTF-8 and lone surrogate escapes with U+FFFD,
// and leaves a decoder's trailing data to its caller. Decode refuses all of
// those before anything is decoded, with the field and the byte offset:
//
//   - the body must be exactly one JSON object, with nothing after it but
//     white space;
//   - no object, at any depth, may have the same key twice (compared after
//     unescaping: "a" and "\u0061" are the same key);
//   - an object decoded into a struct may have only the struct's fields,
//     spelled exactly as its json tags spell them: any other key, a case
//     variant of a field's name included, is an unknown field;
//   - every string, key or value, must be valid UTF-8 and must not escape
//     half of a surrogate pair (\ud800 alone);
//   - objects and arrays nest MaxDepth levels at most.
//
// It then decodes with encoding/json (DisallowUnknownFields), whose type
// errors name their field too. Decode has no size limit of its own: the
// caller caps the body (http.MaxBytesReader) before reading it.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxDepth is how deeply objects and arrays may nest.
const MaxDepth = 32

// Body is the Field of an error about the body as a whole.
const Body = "(body)"

// Error is a body Decode refuses: the field it is about (a dotted path such
// as changes.amount, or Body), the byte offset in the body where the
// problem is, and what is wrong.
type Error struct {
	Field  string
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Msg) }

// Decode reads body into v (a pointer to a struct) strictly; see the
// package documentation. Every refusal is an *Error.
func Decode(body []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		panic("strictjson.Decode: v must be a non-nil pointer")
	}
	if err := Check(body, rv.Type().Elem()); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			field = Body
		}
		return &Error{field, te.Offset, fmt.Sprintf("must be %s, not a JSON %s", typeName(te.Type), te.Value)}
	case errors.As(err, &se):
		// Check has read the same bytes: not reached unless the two
		// disagree, and then the body is still refused.
		return &Error{Body, se.Offset, "malformed JSON: " + se.Error()}
	}
	// An UnmarshalJSON method's own error, or an unknown field Check did
	// not see (the two disagree): refused either way.
	return &Error{Body, dec.InputOffset(), err.Error()}
}

// kinds checks a value's first token against the type it is decoded
// into: "" when it fits (or the type is not checked: null fits every
// type, as encoding/json leaves the field alone), otherwise what the type
// wants and what the token is.
func kinds(t reflect.Type, tok json.Token) (want, got string) {
	if t == nil || tok == nil {
		return "", ""
	}
	switch tok := tok.(type) {
	case string:
		got = "string"
	case bool:
		got = "boolean"
	case json.Number:
		got = "number"
	case json.Delim:
		got = "object"
		if tok == '[' {
			got = "list"
		}
	}
	ok := true
	switch t.Kind() {
	case reflect.String:
		ok = got == "string"
	case reflect.Bool:
		ok = got == "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		ok = got == "number"
	case reflect.Struct, reflect.Map:
		ok = got == "object"
	case reflect.Slice:
		ok = got == "list" || (got == "string" && t.Elem().Kind() == reflect.Uint8) // []byte: base64
	case reflect.Array:
		ok = got == "list"
	}
	if ok {
		return "", ""
	}
	return typeName(t), got
}

func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "a " + t.String()
}

// Check reads body as Decode does, without decoding it: t is the type the
// top-level object is decoded into (nil: any object, every key checked
// for duplicates, UTF-8 and surrogates, but none unknown).
func Check(body []byte, t reflect.Type) error {
	c := &checker{body: body, dec: json.NewDecoder(bytes.NewReader(body))}
	c.dec.UseNumber()
	first, err := c.dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		return &Error{Body, 0, "empty body: send one JSON object"}
	case err != nil:
		return c.syntax(err, Body)
	}
	if d, ok := first.(json.Delim); !ok || d != '{' {
		return &Error{Body, 0, "the body must be one JSON object ({...})"}
	}
	if err := c.object(t, "", 1); err != nil {
		return err
	}
	end := c.dec.InputOffset()
	if _, err := c.dec.Token(); !errors.Is(err, io.EOF) {
		at := end + int64(len(body[end:])-len(bytes.TrimLeft(body[end:], " \t\r\n")))
		return &Error{Body, at, fmt.Sprintf("one JSON object expected, and more follows it at byte %d", at)}
	}
	return nil
}

type checker struct {
	body []byte
	dec  *json.Decoder
}

// value reads the value at path, of type t (nil: not checked against a
// type).
func (c *checker) value(t reflect.Type, path string, depth int) error {
	before := c.dec.InputOffset()
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntax(err, path)
	}
	t = deref(t)
	if t != nil && custom(t) {
		// A type that decodes itself: walk its value for the checks
		// that hold everywhere, then let it say whether it takes it,
		// so that its refusal names the place (encoding/json would
		// name only the struct field above it).
		start := c.start(before)
		if err := c.walk(tok, nil, before, path, depth); err != nil {
			return err
		}
		u := reflect.New(t).Interface().(json.Unmarshaler)
		if err := u.UnmarshalJSON(c.body[start:c.dec.InputOffset()]); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return &Error{name(path), start, fmt.Sprintf("must be %s, not a JSON %s", typeName(te.Type), te.Value)}
			}
			return &Error{name(path), start, err.Error()}
		}
		return nil
	}
	if want, got := kinds(t, tok); want != "" {
		return &Error{name(path), c.start(before), fmt.Sprintf("must be %s, not a JSON %s", want, got)}
	}
	return c.walk(tok, t, before, path, depth)
}

// walk reads the rest of the value that begins with tok.
func (c *checker) walk(tok json.Token, t reflect.Type, before int64, path string, depth int) error {
	switch tok := tok.(type) {
	case json.Delim:
		if depth >= MaxDepth {
			return &Error{name(path), before, fmt.Sprintf("nested more than %d levels deep", MaxDepth)}
		}
		switch tok {
		case '{':
			return c.object(t, path, depth+1)
		case '[':
			return c.array(t, path, depth+1)
		}
		// A closing delimiter where a value belongs is a syntax error
		// Token has already returned.
		return &Error{name(path), before, fmt.Sprintf("unexpected %q", rune(tok))}
	case string:
		return c.text(before, path, false)
	}
	return nil
}

// object reads an object's members after its '{', then its '}'.
func (c *checker) object(t reflect.Type, path string, depth int) error {
	fields, elem, typed := members(t)
	seen := map[string]int64{}
	for c.dec.More() {
		before := c.dec.InputOffset()
		tok, err := c.dec.Token()
		if err != nil {
			return c.syntax(err, path)
		}
		key, ok := tok.(string)
		if !ok { // Token refuses a non-string key: not reached
			return &Error{name(path), before, "an object key must be a string"}
		}
		at := c.start(before)
		keyPath := join(path, key)
		if err := c.text(before, keyPath, true); err != nil {
			return err
		}
		if first, dup := seen[key]; dup {
			return &Error{keyPath, at, fmt.Sprintf("the key %s appears twice in one object (first at byte %d): send each field once", strconv.Quote(clip(key)), first)}
		}
		seen[key] = at
		var ft reflect.Type
		switch {
		case fields != nil:
			f, known := fields[key]
			if !known {
				return &Error{keyPath, at, unknown(key, fields)}
			}
			ft = f
		case typed:
			ft = elem
		}
		if err := c.value(ft, keyPath, depth); err != nil {
			return err
		}
	}
	if _, err := c.dec.Token(); err != nil {
		return c.syntax(err, path)
	}
	return nil
}

// array reads an array's values after its '[', then its ']'.
func (c *checker) array(t reflect.Type, path string, depth int) error {
	var elem reflect.Type
	if t = deref(t); t != nil && !custom(t) && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	for i := 0; c.dec.More(); i++ {
		if err := c.value(elem, fmt.Sprintf("%s[%d]", path, i), depth); err != nil {
			return err
		}
	}
	if _, err := c.dec.Token(); err != nil {
		return c.syntax(err, path)
	}
	return nil
}

// start is the offset of the token that begins after offset before (past
// white space, ':' and ',').
func (c *checker) start(before int64) int64 {
	for before < int64(len(c.body)) && strings.IndexByte(" \t\r\n:,", c.body[before]) >= 0 {
		before++
	}
	return before
}

// text checks the string token that ends at the decoder's offset and
// starts after before: valid UTF-8, and no escaped half of a surrogate
// pair. Token has checked its syntax, so every backslash in it starts an
// escape.
func (c *checker) text(before int64, path string, key bool) error {
	start := c.start(before)
	raw := c.body[start:c.dec.InputOffset()]
	what := "the value"
	if key {
		what = "the key"
	}
	for i := 0; i < len(raw); {
		b := raw[i]
		if b == '\\' {
			if raw[i+1] != 'u' {
				i += 2
				continue
			}
			r := hex4(raw[i+2 : i+6])
			switch {
			case r >= 0xD800 && r < 0xDC00:
				if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
					if lo := hex4(raw[i+8 : i+12]); lo >= 0xDC00 && lo < 0xE000 {
						i += 12
						continue
					}
				}
				fallthrough
			case r >= 0xDC00 && r < 0xE000:
				return &Error{name(path), start + int64(i), fmt.Sprintf("%s escapes half of a UTF-16 surrogate pair (%s) at byte %d: send the character itself, or both halves", what, raw[i:i+6], start+int64(i))}
			}
			i += 6
			continue
		}
		if b < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && n <= 1 {
			return &Error{name(path), start + int64(i), fmt.Sprintf("%s is not valid UTF-8 at byte %d: send text encoded as UTF-8", what, start+int64(i))}
		}
		i += n
	}
	return nil
}

func hex4(b []byte) rune {
	n, err := strconv.ParseUint(string(b), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

// syntax turns a Token error into an *Error.
func (c *checker) syntax(err error, path string) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &Error{name(path), se.Offset, fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		n := int64(len(c.body))
		return &Error{name(path), n, fmt.Sprintf("malformed JSON: the body ends at byte %d before the JSON object does", n)}
	}
	return &Error{name(path), c.dec.InputOffset(), "malformed JSON: " + err.Error()}
}

func name(path string) string {
	if path == "" {
		return Body
	}
	return path
}

func join(path, key string) string {
	key = clip(key)
	if key == "" {
		key = `""` // the empty key, named
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// clip shortens a key quoted in a message or a field name.
func clip(s string) string {
	const max = 100
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

func unknown(key string, fields map[string]reflect.Type) string {
	for f := range fields {
		if strings.EqualFold(f, key) {
			return fmt.Sprintf("unknown field: field names are case-sensitive; did you mean %q?", f)
		}
	}
	return "unknown field"
}

var unmarshaler = reflect.TypeFor[json.Unmarshaler]()

// custom reports whether t decodes itself (json.Unmarshaler): its keys
// are not checked against a type.
func custom(t reflect.Type) bool {
	return t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler)
}

func deref(t reflect.Type) reflect.Type {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// members says what the keys of an object decoded into t may be: for a
// struct its fields by their JSON names; for a map with string keys, any
// key with values of its element type (typed); otherwise anything.
func members(t reflect.Type) (fields map[string]reflect.Type, elem reflect.Type, typed bool) {
	t = deref(t)
	if t == nil || custom(t) {
		return nil, nil, false
	}
	switch t.Kind() {
	case reflect.Struct:
		return structFields(t), nil, false
	case reflect.Map:
		return nil, t.Elem(), true
	}
	return nil, nil, false
}

var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// structFields lists the JSON names of t's fields as encoding/json does
// for the structs of a request: exported fields, named by their json tag
// (or their Go name), "-" skipped, embedded structs without a tag
// flattened (the outer field wins a name both have).
func structFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	var add func(t reflect.Type, depth int)
	add = func(t reflect.Type, depth int) {
		var embedded []reflect.Type
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			nm, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && nm == "" {
				if et := deref(f.Type); et.Kind() == reflect.Struct {
					embedded = append(embedded, et)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if nm == "" {
				nm = f.Name
			}
			ft := f.Type
			if strings.Contains(tag, ",string") {
				ft = nil // a number or bool quoted as a string: not checked here
			}
			if _, taken := m[nm]; !taken || depth == 0 {
				m[nm] = ft
			}
		}
		for _, et := range embedded {
			add(et, depth+1)
		}
	}
	add(t, 0)
	fieldCache.Store(t, m)
	return m
}
