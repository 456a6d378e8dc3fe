package xlsxio

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSeparatorVote(t *testing.T) {
	for s, want := range map[string]int{
		"1.250.000,50": 1, "1 250 000,50": 1, "12,5": 1, "1.250.000": 1, "1250000,5": 1,
		"1,250,000.50": -1, "12.5": -1, "1,250,000": -1, "1250000.50": -1,
		"5.000": 0, "5,000": 0, "18000000": 0, "": 0,
	} {
		if got := separatorVote(s); got != want {
			t.Errorf("separatorVote(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestDateFormats(t *testing.T) {
	day := dateFormat{date: true, day: true, month: true, year: true}
	month := dateFormat{date: true, month: true, year: true}
	for code, want := range map[string]dateFormat{
		"dd/mm/yyyy":         day,
		"[$-813]d mmmm yyyy": day,
		"mm/dd/yy":           day,
		"mmm-yy":             month,
		"mmmm yyyy":          month,
		"yyyy":               {date: true, year: true},
		"h:mm":               {date: true, time: true},
		"#,##0.00":           {},
		"\"day\" 0":          {},
		"General":            {},
		"@":                  {},
		"[$€-813] #,##0.00":  {},
	} {
		if got := parseDateFormat(code); got != want {
			t.Errorf("parseDateFormat(%q) = %+v, want %+v", code, got, want)
		}
	}
	if !builtinDateFormat(14).day || builtinDateFormat(17).day || !builtinDateFormat(17).month || builtinDateFormat(4).date {
		t.Errorf("built-in formats: 14 %+v, 17 %+v, 4 %+v", builtinDateFormat(14), builtinDateFormat(17), builtinDateFormat(4))
	}
}

func TestSignificant(t *testing.T) {
	for s, want := range map[string]int{"0.30000000000000004": 17, "1250000.5": 8, "1.25E+6": 3, "-0.001": 1, "100": 1, "0": 0} {
		if got := significant(s); got != want {
			t.Errorf("significant(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestDetect(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		data []byte
		want bool
		bad  bool
	}{
		{"a.csv", []byte("ref,kind\n"), false, false},
		{"a.xlsx", []byte("ref,kind\n"), true, false}, // the read says what is wrong
		{"upload.bin", append([]byte("PK\x03\x04"), make([]byte, 20)...), true, false},
		{"old.xls", append(oleMagic, make([]byte, 20)...), false, true},
		{"empty.csv", nil, false, false},
	} {
		got, err := Detect(write(c.name, c.data), c.name)
		if got != c.want || (err != nil) != c.bad {
			t.Errorf("Detect(%s) = %v, %v; want %v, error %v", c.name, got, err, c.want, c.bad)
		}
	}
	if _, err := Detect(filepath.Join(dir, "missing.xlsx"), "missing.xlsx"); err == nil {
		t.Error("Detect of a missing file: no error")
	}
}

func TestSheetRef(t *testing.T) {
	for name, want := range map[string]string{"Blad1": "Blad1", "Écritures": "Écritures", "My sheet": "'My sheet'", "O'Neil": "'O''Neil'", "2021": "'2021'"} {
		if got := sheetRef(name); got != want {
			t.Errorf("sheetRef(%q) = %q, want %q", name, got, want)
		}
	}
}
