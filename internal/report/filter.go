package report

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Filter selects what a report counts: the months From to To, and
// optionally one policy, one requester organisation, one model (as
// claimed) and one supplier (the units that went to it).
type Filter struct {
	From     Month  `json:"from"`
	To       Month  `json:"to"`
	Policy   string `json:"policy"`
	Org      int64  `json:"requester"`
	Model    string `json:"model"`
	Supplier int64  `json:"supplier"`
}

// DefaultMonths is the period a report covers when none is given: the
// last twelve months, the current one included.
const DefaultMonths = 12

// MaxMonths bounds a period: ten years.
const MaxMonths = 120

// FilterParams are the query parameters a filter reads; faces may take
// others of their own (format, table).
var FilterParams = []string{"from", "to", "policy", "requester", "model", "supplier"}

// ParseFilter reads a filter from query parameters (from, to as YYYY-MM;
// policy; requester and supplier as organisation IDs; model), each
// mistake an EINVALID error naming its parameter. Empty parameters are
// not given; without to, the period ends with today's month, and without
// from it is the twelve months to its end.
func ParseFilter(v url.Values, today calendar.Date) (Filter, error) {
	var f Filter
	get := func(name string) (string, error) {
		vs := v[name]
		if len(vs) > 1 {
			return "", rma.Invalid(name, "given %d times: give it once", len(vs))
		}
		if len(vs) == 0 {
			return "", nil
		}
		s := strings.TrimSpace(vs[0])
		if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
			return "", rma.Invalid(name, "must be text without control characters")
		}
		return s, nil
	}
	month := func(name string) (Month, error) {
		s, err := get(name)
		if err != nil || s == "" {
			return 0, err
		}
		m, err := ParseMonth(s)
		if err != nil {
			return 0, rma.Invalid(name, "%v", err)
		}
		return m, nil
	}
	id := func(name string) (int64, error) {
		s, err := get(name)
		if err != nil || s == "" {
			return 0, err
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return 0, rma.Invalid(name, "%q is not an organisation's ID (a whole number above 0)", s)
		}
		return n, nil
	}
	var err error
	if f.From, err = month("from"); err != nil {
		return f, err
	}
	if f.To, err = month("to"); err != nil {
		return f, err
	}
	if f.Policy, err = get("policy"); err != nil {
		return f, err
	}
	if f.Model, err = get("model"); err != nil {
		return f, err
	}
	if f.Org, err = id("requester"); err != nil {
		return f, err
	}
	if f.Supplier, err = id("supplier"); err != nil {
		return f, err
	}
	f = f.WithDefaults(today)
	return f, f.Check()
}

// WithDefaults fills the period's months not given: to is today's month,
// from the twelve months that end with to.
func (f Filter) WithDefaults(today calendar.Date) Filter {
	if f.To == 0 {
		f.To = MonthOfDate(today)
	}
	if f.From == 0 {
		f.From = f.To - DefaultMonths + 1
	}
	return f
}

// Check checks what a filter can be checked for without the desk's data:
// a period that runs forward and is at most MaxMonths long, names of a
// sensible length.
func (f Filter) Check() error {
	switch {
	case f.From == 0 || f.To == 0:
		return rma.Invalid("from", "the period needs its first and last month")
	case f.From > f.To:
		return rma.Invalid("from", "%s is after to (%s)", f.From, f.To)
	case f.To-f.From+1 > MaxMonths:
		return rma.Invalid("to", "the period is %d months: at most %d", f.To-f.From+1, MaxMonths)
	case len(f.Policy) > 100:
		return rma.Invalid("policy", "at most 100 characters")
	case len(f.Model) > 200:
		return rma.Invalid("model", "at most 200 characters")
	case f.Org < 0:
		return rma.Invalid("requester", "must be an organisation's ID")
	case f.Supplier < 0:
		return rma.Invalid("supplier", "must be a supplier's ID")
	}
	return nil
}

// Values is the filter as query parameters, the months always, the rest
// when set: a link to the same report.
func (f Filter) Values() url.Values {
	v := url.Values{}
	v.Set("from", f.From.String())
	v.Set("to", f.To.String())
	if f.Policy != "" {
		v.Set("policy", f.Policy)
	}
	if f.Org != 0 {
		v.Set("requester", strconv.FormatInt(f.Org, 10))
	}
	if f.Model != "" {
		v.Set("model", f.Model)
	}
	if f.Supplier != 0 {
		v.Set("supplier", strconv.FormatInt(f.Supplier, 10))
	}
	return v
}

// Months lists the period's months.
func (f Filter) Months() []Month {
	var out []Month
	for m := f.From; m <= f.To; m++ {
		out = append(out, m)
	}
	return out
}
