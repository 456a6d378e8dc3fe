package store

import (
	"strings"
	"testing"
)

// TestArchiveRowCodec: what the archive writes reads back exactly, any
// text included, and the reader takes any JSON of the same shape (white
// space, another key order, escapes) but nothing else: a missing, unknown
// or repeated column, a value of the wrong type, a fraction, an integer
// beyond int64, text that is not UTF-8, or anything after the object.
func TestArchiveRowCodec(t *testing.T) {
	tbl := archiveTable{name: "t", key: "id", cols: cols("id:i name n:n")}
	dec := newRowDecoder(tbl, tbl.cols)
	for _, text := range []string{"", "plain", `"quoted" \ back\slash`, "line\nbreak\ttab\rcr", "\x00\x01\x1f\x7f",
		"é ü ß 中文 🎉", "\u2028\u2029", "</script><b>", "=1+1", strings.Repeat("x", 100000)} {
		line := appendJSONString([]byte(`{"id":7,"name":`), text)
		line = append(line, `,"n":null}`...)
		vals, err := dec.decode(line)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if vals[0] != int64(7) || vals[1] != text || vals[2] != nil {
			t.Errorf("%q read back as %q", text, vals)
		}
	}
	for line, want := range map[string][]any{
		`{"id":-9223372036854775808,"name":"a","n":9223372036854775807}`:            {int64(-9223372036854775808), "a", int64(9223372036854775807)},
		" { \"n\" : 3 ,\t\"name\" : \"caf\\u00e9 \\\"x\\\" \\/\" , \"id\" : 0 } \n": {int64(0), `café "x" /`, int64(3)},
	} {
		vals, err := dec.decode([]byte(line))
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		for i := range want {
			if vals[i] != want[i] {
				t.Errorf("%s: column %d is %#v, want %#v", line, i, vals[i], want[i])
			}
		}
	}
	for line, says := range map[string]string{
		`{"id":1,"name":"a"}`:                         "the column n is missing",
		`{"id":1,"name":"a","n":null,"x":1}`:          `the column "x" is not in the manifest's list`,
		`{"id":1,"name":"a","n":null,"id":2}`:         "the column id is there twice",
		`{"id":"1","name":"a","n":null}`:              `id: "1" is not an integer`,
		`{"id":1,"name":2,"n":null}`:                  "name: 2 is not text",
		`{"id":null,"name":"a","n":null}`:             "id: null where an integer is required",
		`{"id":1.5,"name":"a","n":null}`:              "id: 1.5 is not an integer",
		`{"id":1e3,"name":"a","n":null}`:              "id: 1e3 is not an integer",
		`{"id":9223372036854775808,"name":"a","n":1}`: "id: 9223372036854775808 is not an integer",
		`{"id":true,"name":"a","n":null}`:             "id: true is not an integer",
		`{"id":1,"name":"a","n":null} x`:              "not a JSON object: x follows it",
		`{"id":1,"name":"a","n":null`:                 "not a JSON object",
		`[1,"a",null]`:                                "not a JSON object",
		"{\"id\":1,\"name\":\"a\xff\",\"n\":null}":    "name: \"a\xff\" is not text",
		"{\"id\":1,\"name\":\"a\nb\",\"n\":null}":     "is not text",
	} {
		_, err := dec.decode([]byte(line))
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v, want an error saying %q", line, err, says)
		}
	}
	// A part without a column (a secret left out, or a column added after
	// the archive was written) reads it as its default.
	part := newRowDecoder(tbl, cols("id:i"))
	vals, err := part.decode([]byte(`{"id":3}`))
	if err != nil || vals[1] != "" || vals[2] != nil {
		t.Errorf("defaults: %#v %v", vals, err)
	}
}
