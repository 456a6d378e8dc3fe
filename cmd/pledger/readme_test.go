package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/browsertest"
	"github.com/coalition/pledger/internal/pdf"
)

// TestREADMEExamples runs, on the demo ledger, every pledger command the
// README gives as written: the lines of its sh blocks and its inline
// `pledger ...` examples. Lines with placeholders (REF, FILE, [options])
// and commands that need a terminal or a file the reader brings are left
// out; every other one must exit 0.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	inBlock := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "```") {
			inBlock = strings.TrimPrefix(line, "```") == "sh"
			continue
		}
		if inBlock && strings.HasPrefix(line, "pledger ") {
			if i := strings.Index(line, "  #"); i >= 0 {
				line = line[:i]
			}
			cmds = append(cmds, strings.TrimSpace(line))
		}
	}
	for _, m := range regexp.MustCompile("`(pledger [^`\\n]+)`").FindAllStringSubmatch(string(b), -1) {
		cmds = append(cmds, m[1])
	}
	placeholder := regexp.MustCompile(`\[|\bREF\b|\bID\b|\bFILE\b|\bNAME\b|\bCODE\b|\bDATE\b|\bSEQ\b|\.\.\.|…|\|`)
	needsMore := []string{"pledger serve", "pledger user add", "pledger init", "pledger rates import", "pledger token create"}

	dir := t.TempDir()
	var out, errw bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--out", dir}, strings.NewReader(""), &out, &errw); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out.String(), errw.String())
	}
	dsn := "sqlite:" + filepath.Join(dir, "pledger.db")
	t.Chdir(t.TempDir()) // --out files land here
	// The PDF examples need Chromium: the browser tests' (.ci/run sets
	// PLEDGER_TEST_CHROMIUM), else /usr/bin/chromium; without one they
	// are left out here (internal/pdf and TestCLIPDF test the format).
	chromium := os.Getenv(browsertest.EnvChromium)
	if _, err := exec.LookPath("/usr/bin/chromium"); chromium == "" && err == nil {
		chromium = "/usr/bin/chromium"
	}
	t.Setenv(pdf.EnvChromium, chromium)
	ran := 0
	for _, c := range cmds {
		skip := placeholder.MatchString(c)
		for _, p := range needsMore {
			skip = skip || strings.HasPrefix(c, p)
		}
		skip = skip || !strings.Contains(c, " ") || c == "pledger add"
		if strings.Contains(c, "--format pdf") && chromium == "" {
			t.Logf("no Chromium: README example %q left out", c)
			skip = true
		}
		if skip {
			continue
		}
		args, ok := shellWords(strings.TrimPrefix(c, "pledger "))
		if !ok {
			t.Errorf("README: cannot read %q", c)
			continue
		}
		ran++
		if res := pledger(t, dsn, args...); res.code != 0 {
			t.Errorf("README example %q: %s", c, res)
		}
	}
	if ran < 14 {
		t.Errorf("ran %d README examples; the README has more than that", ran)
	}
}

// shellWords splits a command line as sh does for the README's examples:
// spaces separate words, double and single quotes group them.
func shellWords(s string) ([]string, bool) {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, in = r, true
		case r == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words, quote == 0
}
