package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/coalition/pledger/internal/ledger"
	"github.com/spf13/cobra"
)

func (a *app) historyCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:     "history REF",
		Short:   "Show every revision of an entry: who, when, why, what changed",
		Example: "  pledger history bel-com-2016-stab\n  pledger history bel-com-2016-stab --format json",
		Args:    exactArgs(1, "the REF of an entry"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if format != "table" && format != "json" {
				return usage("--format %q: use table or json", format)
			}
			s, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer s.Close()
			revs, err := s.History(ctx, args[0])
			if err != nil {
				return err
			}
			type revJSON struct {
				Revision   int               `json:"revision"`
				Seq        int64             `json:"seq"`
				Action     string            `json:"action"`
				RecordedAt string            `json:"recorded_at"`
				Author     string            `json:"recorded_by"`
				Reason     string            `json:"reason,omitempty"`
				Changes    map[string]string `json:"changes"`
				Hash       string            `json:"hash"`
			}
			var out []revJSON
			var prev ledger.Fields
			for _, r := range revs {
				cur := r.Entry.Fields()
				changes := map[string]string{}
				if r.Action != ledger.Void {
					for _, c := range ledger.Columns {
						if prev == nil && cur[c] != "" || prev != nil && prev[c] != cur[c] {
							changes[c] = cur[c]
						}
					}
				}
				prev = cur
				out = append(out, revJSON{r.Rev, r.Seq, string(r.Action), formatTime(r.RecordedAt), r.Author, r.Reason, changes, r.Hash})
			}
			if format == "json" {
				enc := json.NewEncoder(a.out)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			// Every stored text goes through oneLine: a reason, an author or
			// a value recorded with a line break or an escape sequence
			// (before the text rules, or behind pledger's back) is shown
			// escaped on its own line, and can neither forge a line nor
			// reach the terminal as a control.
			for _, r := range out {
				fmt.Fprintf(a.out, "revision %d (%s) at %s by %s\n", r.Revision, r.Action, r.RecordedAt, oneLine(r.Author))
				if r.Reason != "" {
					fmt.Fprintf(a.out, "  reason: %s\n", oneLine(r.Reason))
				}
				keys := make([]string, 0, len(r.Changes))
				for k := range r.Changes {
					keys = append(keys, k)
				}
				sort.Slice(keys, func(i, j int) bool { return colIndex(keys[i]) < colIndex(keys[j]) })
				for _, k := range keys {
					fmt.Fprintf(a.out, "  %s: %s\n", k, oneLine(r.Changes[k]))
				}
				fmt.Fprintf(a.out, "  hash: %s\n", r.Hash)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func colIndex(c string) int {
	for i, x := range ledger.Columns {
		if strings.EqualFold(x, c) {
			return i
		}
	}
	return len(ledger.Columns)
}
