package deps

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Hints belong to the door. Below cmd and web, no string a program can
// print names a pledger command or a flag: problems are data (a field, a
// code, the value at fault), and cmd/pledger/hints.go and
// internal/web/hints.go phrase the advice for their users.
var (
	commandRef = regexp.MustCompile("`pledger|\\bpledger [a-z]+ ")
	flagRef    = regexp.MustCompile(`(^|[\s"'(\x60])--[a-z][a-z-]*[a-z]\b[^:(]?`)
)

func TestMessagesNameNoCommand(t *testing.T) {
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel == "web" || rel == "deps" || strings.HasSuffix(rel, "testdata") || strings.HasSuffix(rel, "assets") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, line := range strings.Split(s, "\n") {
				if strings.Contains(line, "var(--") || strings.HasPrefix(strings.TrimSpace(line), "--") && strings.Contains(line, ":") {
					continue // CSS custom properties
				}
				if m := commandRef.FindString(line); m != "" {
					t.Errorf("internal/%s: a message names a command (%q): %q", rel, m, line)
				}
				if m := flagRef.FindString(line); m != "" {
					t.Errorf("internal/%s: a message names a flag (%q): %q", rel, strings.TrimSpace(m), line)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
