package csvio

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestNeutraliseRestore: text a spreadsheet would run as a formula gets a
// quote, other text none, and Restore undoes Neutralise for every text.
func TestNeutraliseRestore(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-x": "'-x", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"'=1": "''=1", "''-x": "'''-x", "'": "'", "'x": "'x", "x=1": "x=1", "": "", "1000.00": "1000.00", " =x": " =x",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
		if got := Restore(want); got != in {
			t.Errorf("Restore(%q) = %q, want %q", want, got, in)
		}
	}
	// Every text of these characters up to four long.
	alphabet := []string{"", "'", "=", "-", "x", "@", "1", "\t"}
	var all func(prefix string, n int)
	all = func(prefix string, n int) {
		if got := Restore(Neutralise(prefix)); got != prefix {
			t.Errorf("Restore(Neutralise(%q)) = %q", prefix, got)
		}
		if n == 0 {
			return
		}
		for _, c := range alphabet[1:] {
			all(prefix+c, n-1)
		}
	}
	all("", 4)
}

// TestWriterNeutralisesReaderRestores: a record with formula-like text
// goes through Writer and Reader unchanged, and the file holds it quoted.
func TestWriterNeutralisesReaderRestores(t *testing.T) {
	var b bytes.Buffer
	w, err := NewWriter(&b, []string{"ref", "kind", "party", "date", "note"})
	if err != nil {
		t.Fatal(err)
	}
	rec := []string{"r1", "pledge", "BEL", "2021", "=1+1"}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if rec[4] != "=1+1" {
		t.Errorf("Write changed the caller's record: %q", rec)
	}
	if !strings.Contains(b.String(), ",'=1+1\n") {
		t.Errorf("not neutralised: %q", b.String())
	}
	rd, err := NewReader(&b, "x.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, f, err := rd.Next()
	if err != nil || f["note"] != "=1+1" {
		t.Errorf("read back %q (%v)", f["note"], err)
	}
	if _, _, err := rd.Next(); err != io.EOF {
		t.Errorf("want EOF, got %v", err)
	}
}
