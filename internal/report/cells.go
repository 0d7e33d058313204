package report

import (
	"context"
	"slices"
	"strings"
)

// Metric is what a roll-up cell counts. Its Item says which one: a reason's
// code, a finding, a bucket...
type Metric string

const (
	// MetricFiled: units filed (Item ""), in the month the RMA was reported.
	MetricFiled Metric = "filed"
	// MetricDOA: units filed on the dead-on-arrival route (Item "").
	MetricDOA Metric = "doa"
	// MetricReason: units whose decision gave the reason code Item.
	MetricReason Metric = "reason"
	// MetricCondition: units with a condition, Item "declared:NAME" (on
	// the claim) or "found:NAME" (found at evaluation, in its month).
	MetricCondition Metric = "condition"
	// MetricFinding: units evaluated with the finding Item, in the month
	// the finding was recorded.
	MetricFinding Metric = "finding"
	// MetricTurnaround: units resolved, in the month resolved, Item their
	// bucket of filing-to-resolution time; Amount sums the seconds.
	MetricTurnaround Metric = "turnaround"
	// MetricStay: units that left a state, in the month they left it, Item
	// "STATE/BUCKET"; Amount sums the seconds.
	MetricStay Metric = "stay"
	// MetricDeadline: deadlines by due month, Item "NAME/on_time",
	// "NAME/late" or "NAME/open:YYYY-MM-DD" (still open, due that day).
	MetricDeadline Metric = "deadline"
	// MetricMoney: Amount cents of a kind of money, Item "KIND/CURRENCY",
	// in the month it was booked; N counts units where the kind has them
	// (replacements).
	MetricMoney Metric = "money"
	// MetricRepeat: returns of a unit that came back before, Item its serial.
	MetricRepeat Metric = "repeat"
)

// Metrics lists every metric.
var Metrics = []Metric{MetricFiled, MetricDOA, MetricReason, MetricCondition, MetricFinding,
	MetricTurnaround, MetricStay, MetricDeadline, MetricMoney, MetricRepeat}

// Dims are what a figure can be filtered by besides its month: the policy
// and the requester of its RMA, the model a unit was claimed as and the
// supplier it last went to (0: none).
type Dims struct {
	Policy   string
	Org      int64
	Supplier int64
	Model    string
}

// Cell is one roll-up count.
type Cell struct {
	Month  Month
	Dims   Dims
	Metric Metric
	Item   string
	N      int64
	Amount int64
}

// cellKey is a cell without its counts.
type cellKey struct {
	month  Month
	dims   Dims
	metric Metric
	item   string
}

// Cube is one roll-up of the cells: the month, the policy and the metric
// always, and of the other dimensions those it keeps; the others are summed
// over (left zero). Four cubes are kept, so that a report reads a cube no
// larger than its filters need: with no filter, the policy cube (a few
// cells a month); by model, the model cube; by requester, the requester
// cube; and for a supplier or two filters together, the full cube, which
// the store indexes by requester and by supplier so such a read takes the
// few cells that match.
type Cube uint8

const (
	CubePolicy Cube = iota // month, policy
	CubeModel              // and model
	CubeOrg                // and requester
	CubeFull               // and requester, supplier and model
)

// Cubes lists the cubes every cell is written to.
var Cubes = []Cube{CubePolicy, CubeModel, CubeOrg, CubeFull}

// Keeps reports which dimensions c keeps (policy is always kept).
func (c Cube) Keeps() (org, supplier, model bool) {
	switch c {
	case CubeModel:
		return false, false, true
	case CubeOrg:
		return true, false, false
	case CubeFull:
		return true, true, true
	}
	return false, false, false
}

// project is d as cube c keeps it.
func (c Cube) project(d Dims) Dims {
	org, supplier, model := c.Keeps()
	out := Dims{Policy: d.Policy}
	if org {
		out.Org = d.Org
	}
	if supplier {
		out.Supplier = d.Supplier
	}
	if model {
		out.Model = d.Model
	}
	return out
}

// CubeFor is the smallest cube that answers a query with filter f,
// grouped by model or not.
func CubeFor(f Filter, byModel bool) Cube {
	model := byModel || f.Model != ""
	switch {
	case f.Supplier != 0, f.Org != 0 && model:
		return CubeFull
	case f.Org != 0:
		return CubeOrg
	case model:
		return CubeModel
	}
	return CubePolicy
}

// CubeCell is a cell of one cube: a change to add to it.
type CubeCell struct {
	Cube Cube
	Cell
}

// Spread is cells as changes to every cube, summed where cells meet in a
// cube and sorted (so that two transactions take the cube rows' locks in
// one order), without the ones that come to nothing.
func Spread(cells []Cell) []CubeCell {
	type key struct {
		cube Cube
		cellKey
	}
	sums := map[key]*CubeCell{}
	for _, c := range cells {
		for _, cube := range Cubes {
			k := key{cube, cellKey{c.Month, cube.project(c.Dims), c.Metric, c.Item}}
			s := sums[k]
			if s == nil {
				s = &CubeCell{Cube: cube, Cell: Cell{Month: c.Month, Dims: k.dims, Metric: c.Metric, Item: c.Item}}
				sums[k] = s
			}
			s.N += c.N
			s.Amount += c.Amount
		}
	}
	out := make([]CubeCell, 0, len(sums))
	for _, s := range sums {
		if s.N != 0 || s.Amount != 0 {
			out = append(out, *s)
		}
	}
	slices.SortFunc(out, compareCubeCells)
	return out
}

func compareCubeCells(a, b CubeCell) int {
	if a.Cube != b.Cube {
		return int(a.Cube) - int(b.Cube)
	}
	if c := strings.Compare(string(a.Metric), string(b.Metric)); c != 0 {
		return c
	}
	if a.Month != b.Month {
		return int(a.Month - b.Month)
	}
	if c := strings.Compare(a.Dims.Policy, b.Dims.Policy); c != 0 {
		return c
	}
	if a.Dims.Org != b.Dims.Org {
		return cmpInt(a.Dims.Org, b.Dims.Org)
	}
	if a.Dims.Supplier != b.Dims.Supplier {
		return cmpInt(a.Dims.Supplier, b.Dims.Supplier)
	}
	if c := strings.Compare(a.Dims.Model, b.Dims.Model); c != 0 {
		return c
	}
	return strings.Compare(a.Item, b.Item)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Query asks a Source for the sums of a cube's cells: of Metrics, in the
// months From to To, matching the filter's dimensions, grouped by metric
// and item, and by month and by model when asked (otherwise those come
// back zero).
type Query struct {
	Cube     Cube
	Metrics  []Metric
	From, To Month
	Policy   string // "": every policy
	Org      int64  // 0: every requester
	Supplier int64  // 0: every supplier, and none
	Model    string // "": every model
	ByMonth  bool
	ByModel  bool
}

// Source is what reports read: the store's roll-ups.
type Source interface {
	// ReportCells sums the cells q asks for. A filter on a dimension the
	// cube does not keep is the caller's mistake (CubeFor), refused.
	ReportCells(ctx context.Context, q Query) ([]Cell, error)
}
