package chart_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/coalition/pledger/internal/model"

	"github.com/coalition/pledger/internal/chart"
)

// A chart of a ledger with many needs and deployments draws the largest
// (twice --top) and groups or counts the rest, so its size is bounded.
func TestLimits(t *testing.T) {
	var rows []model.Row
	for i := 0; i < 100; i++ {
		rows = append(rows, model.Row{"need": text(fmt.Sprintf("n-%03d", i)), "needed": amt(fmt.Sprintf("%d.00", 1000+i)),
			"pledge": amt("1.00"), "disbursement": amt("0.50"), "funded": amt("1.00"), "gap": amt(fmt.Sprintf("%d.00", 999+i)), "covered": {Empty: true}})
	}
	cols := []model.Column{col("need", "text"), col("needed", "amount"), col("pledge", "amount"), col("disbursement", "amount"), col("funded", "amount"), col("covered", "percent"), col("gap", "amount")}
	m := handModel("coverage", cols, rows)
	page := writePage(t, chart.Item{Name: "coverage", Model: m}, lang(t, "en"), chart.Options{TopN: 5})
	sp := specs(t, page)
	cats := sp[0].Option["yAxis"].([]any)[0].(map[string]any)["data"].([]any)
	if len(cats) != 11 {
		t.Fatalf("%d needs drawn, want the 10 largest and one group", len(cats))
	}
	last := fmt.Sprint(cats[10])
	if !strings.HasPrefix(last, "Others needs") && !strings.HasPrefix(last, "Other needs (90)") {
		t.Errorf("the group is %q", last)
	}
	// The group holds exactly the 90 smaller needs: 1000+...+1089 = 94005.
	if !strings.Contains(string(page), "94,005.00 EUR") {
		t.Error("the group's needed amount is not the exact sum of the rest")
	}
}
