// Package chart draws the portal's charts as SVG, on the server, so a
// report reads without JavaScript: horizontal bars (side by side or
// stacked), columns (months, buckets) and a Pareto (columns largest first
// with their cumulative share as a line). A chart is an image with a title
// and a description (role="img"); its numbers are in the table the portal
// puts beside it, which is what a screen reader reads. It knows nothing of
// reports: the portal hands it labels, series and how to write a value.
package chart

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Kind is how a chart draws its series.
type Kind int

const (
	Bars    Kind = iota // a horizontal bar a label and series, side by side
	Stacked             // a horizontal bar a label, its series stacked
	Columns             // a column a label and series, side by side
	Pareto              // columns (the first series) with Line as a line
)

// Series is one set of values, a value a label.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what to draw.
type Chart struct {
	ID     string // unique on the page: the title's and description's ids start with it
	Kind   Kind
	Title  string
	Desc   string
	Labels []string
	Series []Series
	// Line is a Pareto's cumulative share, 0 to 1, a value a label.
	Line     []float64
	LineName string
	// Format writes a value (bars' ends, the axis); nil: %g.
	Format func(float64) string
	// Percent writes a share for the Pareto's right axis; nil: 0 %..100 %.
	Percent func(float64) string
	// Small is the index's thumbnail: half as wide (so its text is as
	// large on a card), no value labels, fewer ticks.
	Small bool
	// Integers: the values are counts, so the axis ticks are whole.
	Integers bool
}

// Colours that keep 3:1 against white and each other apart in the common
// colour blindnesses (blue, orange, green, purple), and the line's.
var palette = []string{"#1f5fa8", "#b45309", "#2f7d32", "#7b3fa0", "#566573", "#a4131c"}

const lineColour = "#a4131c"

const (
	font     = 12
	ink      = "#1b1f24"
	gridInk  = "#c9d1d9"
	maxLabel = 28 // characters of a label drawn; the whole one is its tooltip
)

// width is the chart's width in its own units: the page scales it.
func (c *Chart) width() int {
	if c.Small {
		return 320
	}
	return 640
}

// SVG draws c. The text is escaped; the result is safe to put in a page.
func SVG(c Chart) string {
	if c.Format == nil {
		c.Format = func(v float64) string { return fmt.Sprintf("%g", v) }
	}
	if c.Percent == nil {
		c.Percent = func(v float64) string { return fmt.Sprintf("%.0f %%", v*100) }
	}
	var body strings.Builder
	var h int
	switch c.Kind {
	case Bars, Stacked:
		h = c.bars(&body)
	default:
		h = c.columns(&body)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, sans-serif" font-size="%d">`,
		c.width(), h, esc(c.ID), esc(c.ID), font)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(c.ID), esc(c.Title), esc(c.ID), esc(c.Desc))
	b.WriteString(body.String())
	b.WriteString(`</svg>`)
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

// short is a label cut to what fits.
func short(s string) string {
	r := []rune(s)
	if len(r) <= maxLabel {
		return s
	}
	return string(r[:maxLabel-1]) + "…"
}

// legend draws the series' names at y, from x; it returns the height used.
func (c *Chart) legend(b *strings.Builder, x, y int) int {
	if len(c.Series) < 2 && c.Kind != Pareto {
		return 0
	}
	type item struct{ name, colour string }
	var items []item
	for i, s := range c.Series {
		items = append(items, item{s.Name, palette[i%len(palette)]})
	}
	if c.Kind == Pareto && c.LineName != "" {
		items = append(items, item{c.LineName, lineColour})
	}
	// Items go left to right, on as many lines as the width needs.
	at, line := x, 0
	for _, it := range items {
		w := 16 + 7*len([]rune(it.name)) + 16
		if at > x && at+w > c.width() {
			at, line = x, line+1
		}
		ly := y + line*18
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" fill="%s">%s</text>`,
			at, ly, it.colour, at+16, ly+10, ink, esc(it.name))
		at += w
	}
	return 22 + line*18
}

// domain is the range the values span, zero included.
func (c *Chart) domain(stacked bool) (lo, hi float64) {
	for i := range c.Labels {
		sum := 0.0
		for _, s := range c.Series {
			v := value(s.Values, i)
			if stacked {
				sum += math.Max(v, 0)
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		hi = math.Max(hi, sum)
	}
	if hi == lo {
		hi = lo + 1
	}
	return lo, hi
}

func value(vs []float64, i int) float64 {
	if i < len(vs) && !math.IsNaN(vs[i]) && !math.IsInf(vs[i], 0) {
		return vs[i]
	}
	return 0
}

// bars draws horizontal bars; it returns the height drawn.
func (c *Chart) bars(b *strings.Builder) int {
	labelW := 0
	for _, l := range c.Labels {
		labelW = max(labelW, len([]rune(short(l))))
	}
	left := min(8+7*labelW, c.width()/3)
	valueW := 80
	if c.Small {
		valueW = 6
	}
	plot := c.width() - left - valueW
	stacked := c.Kind == Stacked
	y := 4
	y += c.legend(b, left, y)
	lo, hi := c.domain(stacked)
	x := func(v float64) float64 { return float64(left) + (v-lo)/(hi-lo)*float64(plot) }
	barH := 16
	if c.Small {
		barH = 10
	}
	per := len(c.Series)
	if stacked || per == 0 {
		per = 1
	}
	top := y
	for i, label := range c.Labels {
		rowH := per*(barH+2) + 6
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" fill="%s"><title>%s</title>%s</text>`,
			left-6, y+rowH/2+2, ink, esc(label), esc(short(label)))
		if stacked {
			at, total := 0.0, 0.0
			for j, s := range c.Series {
				v := math.Max(value(s.Values, i), 0)
				if v > 0 {
					fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`, x(at), y, x(at+v)-x(at), barH, palette[j%len(palette)])
				}
				at += v
				total += v
			}
			if !c.Small {
				fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="%s">%s</text>`, x(at)+4, y+barH-4, ink, esc(c.Format(total)))
			}
		} else {
			for j, s := range c.Series {
				v := value(s.Values, i)
				by := y + j*(barH+2)
				x0, x1 := math.Min(x(0), x(v)), math.Max(x(0), x(v))
				fmt.Fprintf(b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>`, x0, by, math.Max(x1-x0, 0.5), barH, palette[j%len(palette)])
				if !c.Small {
					fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="%s">%s</text>`, x1+4, by+barH-4, ink, esc(c.Format(v)))
				}
			}
		}
		y += rowH
	}
	// The zero line.
	fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/>`, x(0), top-2, x(0), y, ink)
	return y + 4
}

// columns draws vertical columns (and a Pareto's line); it returns the
// height drawn.
func (c *Chart) columns(b *strings.Builder) int {
	left, right := 64, 16
	if c.Kind == Pareto {
		right = 48
	}
	plotH := 180
	if c.Small {
		plotH = 90
	}
	y0 := 6
	y0 += c.legend(b, left, y0)
	plotW := c.width() - left - right
	n := max(len(c.Labels), 1)
	series := c.Series
	if c.Kind == Pareto && len(series) > 1 {
		series = series[:1]
	}
	lo, hi := c.domain(false)
	nticks := 4
	if c.Small {
		nticks = 2
	}
	ticks := niceTicks(lo, hi, nticks, c.Integers)
	lo, hi = math.Min(lo, ticks[0]), math.Max(hi, ticks[len(ticks)-1])
	y := func(v float64) float64 { return float64(y0) + (hi-v)/(hi-lo)*float64(plotH) }
	for _, t := range ticks {
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/><text x="%d" y="%.1f" text-anchor="end" fill="%s">%s</text>`,
			left, y(t), left+plotW, y(t), gridInk, left-6, y(t)+4, ink, esc(c.Format(t)))
	}
	group := float64(plotW) / float64(n)
	per := max(len(series), 1)
	colW := math.Min(group*0.8/float64(per), 48)
	for i := range c.Labels {
		gx := float64(left) + group*float64(i) + (group-colW*float64(per))/2
		for j, s := range series {
			v := value(s.Values, i)
			y1, y2 := math.Min(y(0), y(v)), math.Max(y(0), y(v))
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
				gx+colW*float64(j), y1, math.Max(colW-1, 1), math.Max(y2-y1, 0.5), palette[j%len(palette)], esc(c.Labels[i]), esc(c.Format(v)))
		}
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/>`, left, y(0), left+plotW, y(0), ink)
	if c.Kind == Pareto && len(c.Line) > 0 {
		var pts []string
		for i := range c.Labels {
			cx := float64(left) + group*(float64(i)+0.5)
			cy := float64(y0) + (1-math.Min(math.Max(value(c.Line, i), 0), 1))*float64(plotH)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", cx, cy))
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, cx, cy, lineColour)
		}
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), lineColour)
		for _, share := range []float64{0, 0.5, 1} {
			fmt.Fprintf(b, `<text x="%d" y="%.1f" fill="%s">%s</text>`, left+plotW+4, float64(y0)+(1-share)*float64(plotH)+4, ink, esc(c.Percent(share)))
		}
	}
	// Labels under the columns: every one that fits, turned when long.
	every := 1
	maxLen := 0
	for _, l := range c.Labels {
		maxLen = max(maxLen, len([]rune(short(l))))
	}
	slant := float64(maxLen*7) > group
	if slant {
		every = max(1, int(math.Ceil(14/group)))
	}
	base := y0 + plotH + 14
	height := base + 6
	if !c.Small {
		for i, l := range c.Labels {
			if i%every != 0 {
				continue
			}
			cx := float64(left) + group*(float64(i)+0.5)
			if slant {
				fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-40 %.1f %d)" fill="%s">%s</text>`, cx, base, cx, base, ink, esc(short(l)))
			} else {
				fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle" fill="%s">%s</text>`, cx, base, ink, esc(short(l)))
			}
		}
		if slant {
			height = base + int(float64(maxLen*7)*0.65) + 6
		}
	}
	return height
}

// niceTicks are about n round values from lo to hi, both included; whole
// numbers when integers.
func niceTicks(lo, hi float64, n int, integers bool) []float64 {
	span := hi - lo
	if span <= 0 {
		return []float64{lo, lo + 1}
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw && (!integers || m*mag >= 1 && math.Trunc(m*mag) == m*mag) {
			step = m * mag
			break
		}
	}
	if integers && step < 1 {
		step = 1
	}
	// Ticks are whole multiples of step, written back through their
	// decimal form so 3 × 0.025 is 0.075, not 0.07500000000000001.
	tick := func(k float64) float64 {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(k*step, 'g', 12, 64), 64)
		return v
	}
	var out []float64
	k := math.Floor(lo / step)
	for ; tick(k) < hi; k++ {
		out = append(out, tick(k))
	}
	return append(out, tick(k))
}
