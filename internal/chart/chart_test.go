package chart

import (
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestCharts draws each kind and compares it with its golden file
// (testdata/*.svg, rewritten with -update): the files are the charts as a
// reader sees them, so a change to the drawing shows in review.
func TestCharts(t *testing.T) {
	pct := func(v float64) string { return fmt.Sprintf("%.1f %%", v*100) }
	cases := []struct {
		name string
		c    Chart
	}{
		{"bars", Chart{Kind: Bars, Title: "Return rate by model", Desc: "Return rate of five models; the table beside it gives the numbers.",
			Labels: []string{"DX-2", "MC-1", "WS-R9", "DX-1 with a very long model name indeed", "DX-9"},
			Series: []Series{{Name: "return rate", Values: []float64{0.1, 0.1, 0.1, 0.04, 0}}}, Format: pct}},
		{"bars-two-series-negative", Chart{Kind: Bars, Title: "Time in each state", Desc: "Median and 90th percentile.",
			Labels: []string{"submitted", "authorized"}, Series: []Series{{Name: "median", Values: []float64{1.17, 4.17}}, {Name: "90th", Values: []float64{-17.33, 5.8}}}}},
		{"stacked", Chart{Kind: Stacked, Title: "Findings by model", Desc: "Units by finding.",
			Labels: []string{"DX-1", "DX-2"}, Series: []Series{{Name: "defect", Values: []float64{2, 0}}, {Name: "no fault", Values: []float64{0, 3}}, {Name: "not covered", Values: []float64{1, 0}}}}},
		{"columns", Chart{Kind: Columns, Integers: true, Title: "Units returned by month", Desc: "Three months.",
			Labels: []string{"Jan 2026", "Feb 2026", "Mar 2026"}, Series: []Series{{Name: "units", Values: []float64{5, 3, 4}}}}},
		{"columns-many-negative", Chart{Kind: Columns, Title: "Net cost by month", Desc: "Twenty-four months.",
			Labels: strings.Fields("2024-04 2024-05 2024-06 2024-07 2024-08 2024-09 2024-10 2024-11 2024-12 2025-01 2025-02 2025-03 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"),
			Series: []Series{{Name: "net cost", Values: []float64{200, -110, 50, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 1800}}}}},
		{"pareto", Chart{Kind: Pareto, Title: "Reasons", Desc: "Most frequent first.", LineName: "cumulative share",
			Labels: []string{"in warranty", "warranty from the invoice", "dead on arrival", "accident"},
			Series: []Series{{Name: "units", Values: []float64{12, 11, 1, 1}}}, Line: []float64{0.48, 0.92, 0.96, 1}}},
		{"small", Chart{Kind: Bars, Small: true, Title: "Return rate by model", Desc: "Thumbnail.",
			Labels: []string{"A", "B"}, Series: []Series{{Name: "rate", Values: []float64{0.5, 0.25}}}}},
		{"escaped", Chart{Kind: Bars, Title: `<script>"&'`, Desc: "</desc><x>", Labels: []string{`<img src=x onerror=alert(1)>`},
			Series: []Series{{Name: "<b>", Values: []float64{1}}, {Name: "&", Values: []float64{2}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.c.ID = "c-" + tc.name
			svg := SVG(tc.c)
			// Well-formed XML, with its accessible name and description.
			d := xml.NewDecoder(strings.NewReader(svg))
			for {
				_, err := d.Token()
				if err != nil {
					if err.Error() != "EOF" {
						t.Fatalf("not well-formed: %v", err)
					}
					break
				}
			}
			for _, want := range []string{`role="img"`, `aria-labelledby="c-` + tc.name + `-title c-` + tc.name + `-desc"`, `<title id="c-` + tc.name + `-title">`} {
				if !strings.Contains(svg, want) {
					t.Errorf("lacks %s", want)
				}
			}
			if strings.Contains(svg, "<script") || strings.Contains(svg, "<img") || strings.Contains(svg, "NaN") {
				t.Errorf("unescaped or broken: %s", svg)
			}
			path := filepath.Join("testdata", tc.name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(svg+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(want) != svg+"\n" {
				t.Errorf("%s differs from the drawing (run with -update and look at it)", path)
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi   float64
		integers bool
		want     string
	}{
		{0, 1, false, "[0 0.25 0.5 0.75 1]"},
		{0, 7, false, "[0 2 4 6 8]"},
		{-110, 1800, false, "[-500 0 500 1000 1500 2000]"},
		{0, 0.1, false, "[0 0.025 0.05 0.075 0.1]"},
		{0, 2, true, "[0 1 2]"},
		{0, 10, true, "[0 5 10]"},
		{0, 1, true, "[0 1]"},
	} {
		if got := fmt.Sprint(niceTicks(tc.lo, tc.hi, 4, tc.integers)); got != tc.want {
			t.Errorf("%v..%v: %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}
