package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// shellProblem says why an example line would not run the same when
// pasted into bash and into PowerShell, or "". An example is one line
// (no "\" continuation, which PowerShell does not know) that starts with
// "pledger " or is a comment. Outside quotes it may hold none of the
// characters either shell treats specially: ; | & > < (statement
// separators, pipes and redirections; PowerShell's ">" writes UTF-16), ","
// (PowerShell makes an array of a,b), $ and ` (variables and escapes,
// different in each), ( ) { } (PowerShell sub-expressions and blocks).
// Inside double quotes $ and ` still expand. An empty quoted argument ("")
// is dropped by Windows PowerShell: write --flag= instead.
func shellProblem(line string) string {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return ""
	}
	if !strings.HasPrefix(line, "pledger ") && line != "pledger" {
		return "does not start with pledger (an environment assignment or another command is shell-specific)"
	}
	if strings.HasSuffix(line, "\\") {
		return `ends with "\": a bash line continuation (PowerShell uses a backtick): keep the example on one line`
	}
	var quote rune
	tokenStart, tokenLen := true, 0
	var token strings.Builder
	for i, r := range line {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
				continue
			}
			if quote == '"' && (r == '$' || r == '`') {
				return fmt.Sprintf("%q inside double quotes expands differently in bash and PowerShell: use single quotes", r)
			}
			token.WriteRune(r)
			tokenLen++
		case r == '"' || r == '\'':
			quote = r
			tokenStart = false
			tokenLen++
		case r == ' ' || r == '\t':
			if tokenLen > 0 && token.Len() == 0 {
				return `an empty quoted argument ("") is dropped by Windows PowerShell: write --flag= instead`
			}
			tokenStart, tokenLen = true, 0
			token.Reset()
		case r == '#' && tokenStart:
			return "" // a comment, in both shells
		case strings.ContainsRune(";|&><,$`(){}", r):
			return fmt.Sprintf("unquoted %q at column %d: quote the value (\"IRQ;SYR\")", r, i+1)
		default:
			token.WriteRune(r)
			tokenStart = false
			tokenLen++
		}
	}
	if quote != 0 {
		return "a quote is not closed"
	}
	if tokenLen > 0 && token.Len() == 0 {
		return `an empty quoted argument ("") is dropped by Windows PowerShell: write --flag= instead`
	}
	return ""
}

func TestShellProblem(t *testing.T) {
	for line, bad := range map[string]bool{
		`pledger add need --location "IRQ;SYR"`:         false,
		`pledger add need --location 'IRQ;SYR'`:         false,
		`pledger list --party "BEL,NLD"`:                false,
		`pledger amend x --end= --reason "none given"`:  false,
		`pledger verify --head 12:4f9c   # a comment`:   false,
		`# a comment line`:                              false,
		`pledger add need --location IRQ;SYR`:           true,
		`pledger list --party BEL,NLD`:                  true,
		`pledger export > ledger.csv`:                   true,
		`pledger import < file.csv`:                     true,
		`echo x | pledger user add bob`:                 true,
		`pledger list | sort`:                           true,
		`pledger add need \`:                            true,
		`pledger serve --db "$PLEDGER_DB"`:              true,
		`PLEDGER_DB=x.db pledger list`:                  true,
		`pledger amend x --end "" --reason "y"`:         true,
		`pledger amend x --note "open`:                  true,
		`pledger add pledge --amount 2.500.000,00`:      true,
		`pledger list && pledger verify`:                true,
		`pledger add need --note "a; b" --source 'c|d'`: false,
	} {
		if got := shellProblem(line) != ""; got != bad {
			t.Errorf("%s: problem %q, want a problem: %v", line, shellProblem(line), bad)
		}
	}
}

// TestExamplesPasteIntoAnyShell checks every command's examples: each line
// runs the same pasted into bash and PowerShell.
func TestExamplesPasteIntoAnyShell(t *testing.T) {
	a := &app{}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, line := range strings.Split(c.Example, "\n") {
			if strings.TrimSpace(line) != "" {
				n++
			}
			if p := shellProblem(line); p != "" {
				t.Errorf("%s: example %q: %s", c.CommandPath(), strings.TrimSpace(line), p)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCmd())
	if n < 30 {
		t.Errorf("only %d example lines found: is the walk broken?", n)
	}
}
