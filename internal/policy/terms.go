package policy

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Issue 14, terms: what vendors' warranty terms say beyond "N years from
// the invoice" (docs/POLICIES.md section 10.1):
//
//   - terms counted in days ("a 90-day refurbished warranty"), and windows
//     that say whether the day they count from is day 1 (counting:
//     including_start) or day 0 (after_start, the default);
//   - terms chosen by model, part number, serial, the requester's region
//     and the date of purchase, besides category and part;
//   - a longer term for units registered soon enough after purchase;
//   - the manufacture date read from the serial number;
//   - a replacement unit's warranty of "N days or the remainder of the
//     original's, whichever is longer".
//
// Packs that use none of these pay for none: each rule hides behind one
// flag or nil pointer the evaluator already holds (Term.ext, Term.sel,
// Policy.SerialDate, Replacement.MinimumDays).

// WindowCounting says whether a window's or day term's first date is day 0
// or day 1 of it.
type WindowCounting uint8

const (
	// AfterStart: "within 7 days after delivery" includes delivery+7 (the
	// zero value, and what every window did before counting: existed).
	AfterStart WindowCounting = iota
	// IncludingStart: "within the first thirty days from the shipment
	// date": the day of shipment is day 1, the last day start+29.
	IncludingStart
)

var windowCountingNames = [...]string{"after_start", "including_start"}

func (w WindowCounting) String() string { return windowCountingNames[w] }

// lastDayOf returns the last day of n days counted from start.
func lastDayOf(start calendar.Date, n int, counting WindowCounting) calendar.Date {
	if counting == IncludingStart {
		return start.AddDays(n - 1)
	}
	return start.AddDays(n)
}

// lastDay returns the last day of the window opening on start.
func (w *Window) lastDay(start calendar.Date) calendar.Date {
	return lastDayOf(start, w.Days, w.Counting)
}

// msg is the wording of a window's reason: base, or base.first for a
// window whose first date is day 1.
func (w *Window) msg(base string) string {
	if w.Counting == IncludingStart {
		return base + ".first"
	}
	return base
}

// daysDesc describes n days counted from field: "7 days after delivered",
// "the first 30 days from shipped".
func daysDesc(n int, counting WindowCounting, field DateField) string {
	if counting == IncludingStart {
		return "the first " + plural(n, "day") + " from " + field.String()
	}
	return plural(n, "day") + " after " + field.String()
}

// Span is the length of a term: years and months (the start counts as day
// 1, calendar.LastDayOfTerm), or days counted as Counting says.
type Span struct {
	Years, Months, Days int
	Counting            WindowCounting // for Days
}

// LastDay returns the last day of the span starting on start.
func (s Span) LastDay(start calendar.Date) calendar.Date {
	if s.Days > 0 {
		return lastDayOf(start, s.Days, s.Counting)
	}
	return calendar.LastDayOfTerm(start, s.Years, s.Months)
}

// String says the span: "2 years", "90 days", "the first 90 days".
func (s Span) String() string {
	if s.Days > 0 {
		if s.Counting == IncludingStart {
			return "the first " + plural(s.Days, "day")
		}
		return plural(s.Days, "day")
	}
	return termLength(s.Years, s.Months)
}

// DateRange selects terms by a claim date: From and Until are both
// included; either may be zero (open).
type DateRange struct {
	Date        DateField
	From, Until calendar.Date
}

func (r *DateRange) contains(d calendar.Date) bool {
	return !d.IsZero() && (r.From.IsZero() || d >= r.From) && (r.Until.IsZero() || d <= r.Until)
}

// Registration lengthens a term for a unit registered with the vendor
// within WithinDays after the date After: the unit then has Span instead of
// the term's own length.
type Registration struct {
	WithinDays int
	After      DateField
	Span       Span
	Clause     string
}

// SerialDate reads the date a unit was made from its serial number: a
// regular expression with named groups yy or yyyy (the year) and ww (the ISO
// week: its Monday) or mm (the month: its first day).
type SerialDate struct {
	Pattern string
	Clause  string
	re      *regexp.Regexp
	year    int // the submatch index of yy or yyyy
	twoYear bool
	week    int // of ww, or 0
	month   int // of mm, or 0
}

// Derive returns the manufacture date the serial says, or false when the
// serial does not match or names no real week or month.
func (s *SerialDate) Derive(serial string) (calendar.Date, bool) {
	m := s.re.FindStringSubmatch(serial)
	if m == nil {
		return 0, false
	}
	y, ok := digits(m[s.year])
	if !ok {
		return 0, false
	}
	if s.twoYear {
		y += 2000
	}
	if s.week > 0 {
		w, ok := digits(m[s.week])
		if !ok || w < 1 || w > 53 {
			return 0, false
		}
		return isoWeekMonday(y, w)
	}
	mo, ok := digits(m[s.month])
	if !ok || mo < 1 || mo > 12 {
		return 0, false
	}
	return calendar.DateOf(y, time.Month(mo), 1), true
}

func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// isoWeekMonday returns the Monday of ISO week w of year y: week 1 is the
// week with the year's first Thursday (the week of 4 January). Week 53
// exists only in years whose last week has its Thursday in them.
func isoWeekMonday(y, w int) (calendar.Date, bool) {
	jan4 := calendar.DateOf(y, time.January, 4)
	monday1 := jan4.AddDays(-((int(jan4.Weekday()) + 6) % 7))
	d := monday1.AddDays(7 * (w - 1))
	if ty, _, _ := d.AddDays(3).YMD(); ty != y {
		return 0, false
	}
	return d, true
}

// Glob is a part number or serial pattern: '*' stands for any run of
// characters (none included), '?' for exactly one; anything else matches
// itself, case-insensitively (ASCII). It matches the whole value: "*-EU"
// is a suffix, "WDS*" a prefix.
type Glob string

// Match reports whether s matches the pattern.
func (g Glob) Match(s string) bool {
	p := string(g)
	// The classic greedy matcher with one backtrack point: linear enough
	// for patterns of a few stars, and no allocation.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || lowerASCII(p[pi]) == lowerASCII(s[si])):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func matchAny(globs []Glob, s string) bool {
	if s == "" {
		return false
	}
	for _, g := range globs {
		if g.Match(s) {
			return true
		}
	}
	return false
}

// validGlob: letters, digits and the punctuation part numbers and serials
// are written with, so that a typo such as a space or a regexp's '^' is
// told at load rather than matching nothing for ever.
func validGlob(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		case strings.IndexByte("-_./+#*?", b) >= 0:
		default:
			return false
		}
	}
	return true
}

// The YAML of issue 14's terms (format.go holds the fields that use them).

type dateRangeYAML struct {
	Date  string `yaml:"date"` // default purchase
	From  string `yaml:"from"`
	Until string `yaml:"until"`
}

type registrationYAML struct {
	WithinDays int    `yaml:"within_days"`
	After      string `yaml:"after"` // default purchase
	Years      int    `yaml:"years"`
	Months     int    `yaml:"months"`
	Days       int    `yaml:"days"`
	Counting   string `yaml:"counting"`
	Clause     string `yaml:"clause"`
}

type serialDateYAML struct {
	Pattern string `yaml:"pattern"`
	Clause  string `yaml:"clause"`
}

// Compiling.

// windowCounting reads a window's or day term's counting:.
func (c *compiler) windowCounting(path, s string) WindowCounting {
	switch s {
	case "", "after_start":
		return AfterStart
	case "including_start":
		return IncludingStart
	}
	c.errorf(path, "must be after_start (the start is day 0) or including_start (the start is day 1), not %q", s)
	return AfterStart
}

// anchorField reads a date a period counts from: one of the unit's own
// dates, not the claim's day nor the registration or replacement.
func (c *compiler) anchorField(path, s string) DateField {
	if s == "" {
		return DatePurchase
	}
	f, err := ParseDateField(s)
	if err != nil || f >= DateReported {
		c.errorf(path, "must be one of purchase, invoice, shipped, delivered, manufactured")
	}
	return f
}

// span checks a length in years and months, or in days (not both).
func (c *compiler) span(path string, years, months, days int, counting string) (Span, bool) {
	s := Span{Years: years, Months: months, Days: days}
	switch {
	case days != 0 && (years != 0 || months != 0):
		c.errorf(path+".days", "a term is either days or years/months, not both")
		return s, false
	case days < 0 || years < 0 || months < 0:
		c.errorf(path+".years", "a length cannot be negative")
		return s, false
	case days > 0:
		if days > 36600 {
			c.errorf(path+".days", "%d days is more than a century", days)
		}
		s.Counting = c.windowCounting(path+".counting", counting)
	case years*12+months <= 0 || years > 100:
		c.errorf(path+".years", "a covered term needs a positive length in years and/or months, or days (or fixed windows under within:)")
		return s, false
	case counting != "":
		c.errorf(path+".counting", "only a length in days says how it counts; years and months count their first day as day 1")
	}
	return s, true
}

// termExtras compiles a term's issue-14 selectors and registration.
func (c *compiler) termExtras(path string, t *termYAML, term *Term) {
	for i, m := range t.Models {
		if strings.TrimSpace(m) == "" {
			c.errorf(fmt.Sprintf("%s.models[%d]", path, i), "required: a model name")
		}
	}
	term.Models = t.Models
	term.PartNumbers = c.globs(path+".part_numbers", t.PartNumbers)
	term.Serials = c.globs(path+".serials", t.Serials)
	term.Regions = c.regionRefs(path+".regions", t.Regions)
	if r := t.Purchased; r != nil {
		rng := &DateRange{Date: c.anchorField(path+".purchased.date", r.Date), From: c.date(path+".purchased.from", r.From, false), Until: c.date(path+".purchased.until", r.Until, false)}
		switch {
		case r.From == "" && r.Until == "":
			c.errorf(path+".purchased", "give from:, until: or both")
		case !rng.From.IsZero() && !rng.Until.IsZero() && rng.From > rng.Until:
			c.errorf(path+".purchased.until", "%s is before from: %s", rng.Until, rng.From)
		}
		term.Purchased = rng
	}
	term.sel = len(term.Models) > 0 || len(term.PartNumbers) > 0 || len(term.Serials) > 0 || len(t.Regions) > 0 || term.Purchased != nil
	if r := t.Registered; r != nil {
		rp := path + ".registered"
		switch {
		case !term.Covered || len(t.Within) > 0:
			c.errorf(rp, "only a covered term with a length (years, months or days) can be lengthened by registration")
		case r.WithinDays <= 0:
			c.errorf(rp+".within_days", "required: a positive number of days after the date the registration must come within")
		}
		reg := &Registration{WithinDays: r.WithinDays, After: c.anchorField(rp+".after", r.After), Clause: c.clause(rp, r.Clause)}
		reg.Span, _ = c.span(rp, r.Years, r.Months, r.Days, r.Counting)
		term.Registration = reg
	}
	for _, w := range term.Within {
		if w.Counting == IncludingStart {
			term.ext = true
		}
	}
	if term.Days > 0 || term.Registration != nil {
		term.ext = true
	}
}

func (c *compiler) globs(path string, list []string) []Glob {
	var out []Glob
	for i, s := range list {
		if !validGlob(s) {
			c.errorf(fmt.Sprintf("%s[%d]", path, i), "bad pattern %q: letters, digits, - _ . / + #, with * for any characters and ? for one", s)
			continue
		}
		out = append(out, Glob(s))
	}
	return out
}

func (c *compiler) serialDate(s *serialDateYAML) *SerialDate {
	out := &SerialDate{Pattern: s.Pattern, Clause: c.clause("serial_date", s.Clause)}
	if s.Pattern == "" {
		c.errorf("serial_date.pattern", "required: a regular expression with named groups (?P<yy>..) or (?P<yyyy>..), and (?P<ww>..) or (?P<mm>..)")
		return out
	}
	re, err := regexp.Compile(s.Pattern)
	if err != nil {
		c.errorf("serial_date.pattern", "%v", err)
		return out
	}
	out.re = re
	for i, name := range re.SubexpNames() {
		switch name {
		case "yy":
			out.year, out.twoYear = i, true
		case "yyyy":
			out.year = i
		case "ww":
			out.week = i
		case "mm":
			out.month = i
		}
	}
	switch {
	case re.SubexpIndex("yy") > 0 && re.SubexpIndex("yyyy") > 0:
		c.errorf("serial_date.pattern", "name the year once: yy or yyyy")
	case out.year == 0:
		c.errorf("serial_date.pattern", "needs a named group for the year: (?P<yy>..) or (?P<yyyy>..)")
	}
	switch {
	case out.week > 0 && out.month > 0:
		c.errorf("serial_date.pattern", "name either the week (ww) or the month (mm), not both")
	case out.week == 0 && out.month == 0:
		c.errorf("serial_date.pattern", "needs a named group for the week (?P<ww>..) or the month (?P<mm>..)")
	}
	return out
}

// termsCoherence checks what issue 14's fields need of the rest of the pack.
func (c *compiler) termsCoherence(p *Policy) {
	if p.SerialDate != nil && !p.readsManufactured() {
		c.errorf("serial_date", "no rule reads dates.manufactured (warranty.start or a window's after:), so a date read from the serial would change nothing")
	}
}

func (p *Policy) readsManufactured() bool {
	for _, f := range p.ClaimDates() {
		if f == DateManufactured {
			return true
		}
	}
	return false
}

// Deciding.

// selects reports whether the claim meets the term's issue-14 selectors.
// A term for some regions cannot be chosen without the requester's
// country: the claim is then asked for it, and the next term considered.
func (t *Term) selects(c *Claim, d *Decision) bool {
	if !t.selectsUnit(c) {
		return false
	}
	if len(t.Regions) > 0 {
		if c.Requester.Country == "" {
			d.addMissingCountry(t.Clause)
			return false
		}
		if !inAnyRegion(t.Regions, c.Requester.Country) {
			return false
		}
	}
	return true
}

// selectsUnit checks the selectors of the unit: model, part number,
// serial, date range.
func (t *Term) selectsUnit(c *Claim) bool {
	if len(t.Models) > 0 && !equalFoldAny(t.Models, c.Product.Model) {
		return false
	}
	if len(t.PartNumbers) > 0 && !matchAny(t.PartNumbers, c.Product.PartNumber) {
		return false
	}
	if len(t.Serials) > 0 && !matchAny(t.Serials, c.Product.Serial) {
		return false
	}
	if r := t.Purchased; r != nil && !r.contains(c.Dates.Get(r.Date)) {
		return false
	}
	return true
}

func equalFoldAny(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

// deriveManufactured puts the date the serial says into a claim that gives
// no dates.manufactured; it reports whether it did, and how many reasons
// the decision had then, where explainSerialDate puts its reason.
func (p *Policy) deriveManufactured(c *Claim, d *Decision) (at int, derived bool) {
	sd := p.SerialDate
	if !c.Dates.Manufactured.IsZero() || c.Product.Serial == "" {
		return 0, false
	}
	m, ok := sd.Derive(c.Product.Serial)
	if !ok || m > c.Dates.Reported {
		return 0, false
	}
	c.Dates.Manufactured = m
	return len(d.Reasons), true
}

// explainSerialDate says where dates.manufactured came from, when the
// decision used it (a warranty or window from it): before the reasons that
// used it. A derived date the decision did not use is not mentioned.
func (p *Policy) explainSerialDate(c *Claim, d *Decision, at int) {
	if d.Warranty.Basis != DateManufactured && d.Window.Basis != DateManufactured {
		return
	}
	m := c.Dates.Manufactured
	d.add(CodeManufacturedFromSerial, p.SerialDate.Clause, "the serial number "+c.Product.Serial+" says the unit was made "+m.String()+": dates.manufactured is taken as "+m.String())
	d.said(CodeManufacturedFromSerial, "", c.Product.Serial, m.String())
	r := d.Reasons[len(d.Reasons)-1]
	copy(d.Reasons[at+1:], d.Reasons[at:len(d.Reasons)-1])
	d.Reasons[at] = r
}

// countryUndecided reports whether a term for some regions, before t, was
// passed over only because the claim gives no country: then t's answer is
// not the claim's, and a claim t would reject waits for the country.
func (p *Policy) countryUndecided(c *Claim, t *Term) bool {
	if c.Requester.Country != "" {
		return false
	}
	for i := range p.Warranty.Terms {
		u := &p.Warranty.Terms[i]
		if u == t {
			return false
		}
		if len(u.Regions) > 0 && (u.Category == "" || strings.EqualFold(u.Category, c.Product.Category)) &&
			(u.Part == "" || strings.EqualFold(u.Part, c.Product.Part)) && u.selectsUnit(c) {
			return true
		}
	}
	return false
}

// Reason codes of issue 14's terms.
const (
	CodeManufacturedFromSerial  = "manufactured_from_serial"
	CodeRegistrationExtended    = "registration_extended"
	CodeRegistrationNotExtended = "registration_not_extended"
	CodeReplacementWarranty     = "replacement_warranty"
)

// What set a warranty's last day beyond its term (WarrantyStatus.LastDayBy).
const (
	LastDayByRegistration = "registration" // the registered term
	LastDayByReplacement  = "replacement"  // the replacement's minimum, longer than the original's remainder
	LastDayByRemainder    = "remainder"    // the original's remainder, longer than the replacement's minimum
)

// termSpan is the length that applies to the claim: the registered one
// when the unit was registered in time, else the term's own; it says which
// when the term has a registration clause.
func (p *Policy) termSpan(c *Claim, d *Decision, t *Term) Span {
	own := Span{Years: t.Years, Months: t.Months, Days: t.Days, Counting: t.Counting}
	reg := t.Registration
	if reg == nil {
		return own
	}
	registered, anchor := c.Dates.Registered, c.Dates.Get(reg.After)
	switch {
	case registered.IsZero():
		d.add(CodeRegistrationNotExtended, reg.Clause, "not registered (no dates.registered): the term is "+own.String()+", not the "+reg.Span.String()+" of a unit registered within "+plural(reg.WithinDays, "day")+" after "+reg.After.String())
		d.said(CodeRegistrationNotExtended+".none", "", spanArgs(own, reg)...)
	case anchor.IsZero():
		d.add(CodeRegistrationNotExtended, reg.Clause, "registered "+registered.String()+", but the claim gives no dates."+reg.After.String()+" to count "+plural(reg.WithinDays, "day")+" from: the term is "+own.String())
		d.said(CodeRegistrationNotExtended+".no_anchor", "", append(spanArgs(own, reg), registered.String())...)
	default:
		after := int(registered - anchor)
		if after < 0 {
			after = 0 // registered before the anchor date: in time
		}
		args := append(spanArgs(own, reg), registered.String(), itoa(after), anchor.String())
		if after <= reg.WithinDays {
			d.add(CodeRegistrationExtended, reg.Clause, "registered "+registered.String()+", "+plural(after, "day")+" after "+reg.After.String()+" "+anchor.String()+" (within "+plural(reg.WithinDays, "day")+"): the term is "+reg.Span.String())
			d.said(CodeRegistrationExtended, "", args...)
			d.Warranty.LastDayBy, d.Warranty.Registered = LastDayByRegistration, registered
			return reg.Span
		}
		d.add(CodeRegistrationNotExtended, reg.Clause, "registered too late: "+registered.String()+" is "+plural(after, "day")+" after "+reg.After.String()+" "+anchor.String()+", more than "+plural(reg.WithinDays, "day")+": the term is "+own.String())
		d.said(CodeRegistrationNotExtended+".late", "", args...)
	}
	return own
}

// spanArgs: the term's own length and the registered one, as years, months,
// days, counting each; then the days allowed and the date they count from.
func spanArgs(own Span, reg *Registration) []string {
	return []string{itoa(own.Years), itoa(own.Months), itoa(own.Days), own.Counting.String(),
		itoa(reg.Span.Years), itoa(reg.Span.Months), itoa(reg.Span.Days), reg.Span.Counting.String(),
		itoa(reg.WithinDays), reg.After.String()}
}

// replacementWarranty applies "N days or the remainder, whichever is
// longer" to a claim on a replacement unit (dates.replaced): the later of
// the original's last day and replaced+N.
func (p *Policy) replacementWarranty(c *Claim, d *Decision) {
	r := p.Replacement
	w := &d.Warranty
	replaced := c.Dates.Replaced
	minLast := replaced.AddDays(r.MinimumDays)
	original := w.LastDay
	args := []string{replaced.String(), itoa(r.MinimumDays), minLast.String(), original.String()}
	if minLast > original {
		w.Basis, w.Start, w.LastDay, w.ExtendedFrom = DateReplaced, replaced, minLast, 0
		w.Term = plural(r.MinimumDays, "day")
		w.LastDayBy = LastDayByReplacement
		w.InWarranty = c.Dates.Reported <= minLast
		d.add(CodeReplacementWarranty, r.Clause, "replacement unit sent "+replaced.String()+": "+plural(r.MinimumDays, "day")+" from then (last day "+minLast.String()+") outlast the rest of the original unit's warranty (last day "+original.String()+")")
		d.said(CodeReplacementWarranty+".minimum", "", args...)
		return
	}
	w.LastDayBy = LastDayByRemainder
	d.add(CodeReplacementWarranty, r.Clause, "replacement unit sent "+replaced.String()+": the rest of the original unit's warranty (last day "+original.String()+") outlasts "+plural(r.MinimumDays, "day")+" from then (last day "+minLast.String()+")")
	d.said(CodeReplacementWarranty+".remainder", "", args...)
}

// statusClause is the clause a warranty reason cites: the replacement's
// when its minimum set the last day, else the term's.
func (p *Policy) statusClause(t *Term, w *WarrantyStatus) string {
	switch w.LastDayBy {
	case LastDayByReplacement:
		return p.Replacement.Clause
	case LastDayByRecords: // issue 16 (records.go)
		return p.replacementClause()
	}
	return t.Clause
}

// termMsg and termArgs are windowMsg and windowArgs (say.go) for terms with
// issue 14's lengths: days, registration, the replacement's minimum, and
// windows counted from day 1.
func termMsg(code string, t *Term, w *WarrantyStatus) string {
	if w.LastDayBy == LastDayByRecords {
		return code + ".records" // issue 16 (records.go)
	}
	if t.Within != nil {
		if win := matchingWindow(t, w); win != nil && win.Counting == IncludingStart {
			return code + ".window.first"
		}
		return code + ".window"
	}
	s := effectiveSpan(t, w)
	switch {
	case s.Days > 0 && s.Counting == IncludingStart:
		return code + ".days.first"
	case s.Days > 0:
		return code + ".days"
	}
	return code + ".term"
}

func termArgs(t *Term, w *WarrantyStatus, reported string) []string {
	var args []string
	if w.LastDayBy == LastDayByRecords {
		args = []string{w.Start.String(), w.LastDay.String()} // issue 16 (records.go)
	} else if t.Within != nil {
		days := 0
		if win := matchingWindow(t, w); win != nil {
			days = win.Days
		}
		args = []string{itoa(days), w.Basis.String(), w.Start.String(), w.LastDay.String()}
	} else if s := effectiveSpan(t, w); s.Days > 0 {
		args = []string{itoa(s.Days), w.Basis.String(), w.Start.String(), w.LastDay.String()}
	} else {
		args = []string{itoa(s.Years), itoa(s.Months), w.Basis.String(), w.Start.String(), w.LastDay.String()}
	}
	if reported != "" {
		args = append(args, reported)
	}
	return args
}

func matchingWindow(t *Term, w *WarrantyStatus) *Window {
	last := w.LastDay
	if !w.ExtendedFrom.IsZero() {
		last = w.ExtendedFrom
	}
	for i := range t.Within {
		if win := &t.Within[i]; win.After == w.Basis && win.lastDay(w.Start) == last {
			return win
		}
	}
	return nil
}

// effectiveSpan is the length the warranty status was placed with.
func effectiveSpan(t *Term, w *WarrantyStatus) Span {
	switch {
	case w.LastDayBy == LastDayByReplacement:
		return Span{Days: int(w.LastDay - w.Start)}
	case !w.Registered.IsZero() && t.Registration != nil:
		return t.Registration.Span
	}
	return Span{Years: t.Years, Months: t.Months, Days: t.Days, Counting: t.Counting}
}

// termSelectors describes a term's issue-14 selectors for WritePolicy.
func termSelectors(t *Term) string {
	if !t.sel {
		return ""
	}
	var parts []string
	if len(t.Models) > 0 {
		parts = append(parts, "model "+strings.Join(t.Models, " or "))
	}
	globs := func(what string, gs []Glob) {
		if len(gs) > 0 {
			s := make([]string, len(gs))
			for i, g := range gs {
				s[i] = string(g)
			}
			parts = append(parts, what+" "+strings.Join(s, " or "))
		}
	}
	globs("part number", t.PartNumbers)
	globs("serial", t.Serials)
	if len(t.Regions) > 0 {
		ids := make([]string, len(t.Regions))
		for i, r := range t.Regions {
			ids[i] = r.ID
		}
		parts = append(parts, "in "+strings.Join(ids, " or "))
	}
	if r := t.Purchased; r != nil {
		s := r.Date.String()
		if !r.From.IsZero() {
			s += " from " + r.From.String()
		}
		if !r.Until.IsZero() {
			s += " until " + r.Until.String()
		}
		parts = append(parts, s)
	}
	return ", " + strings.Join(parts, ", ")
}

// termsDates marks the claim dates issue 14's rules read (ClaimDates): a
// registration's date and the date it counts from, a date range's date,
// and the replacement's shipment under remainder_or_minimum.
func termsDates(p *Policy, used *[numDateFields]bool) {
	for i := range p.Warranty.Terms {
		t := &p.Warranty.Terms[i]
		if r := t.Registration; r != nil {
			used[DateRegistered], used[r.After] = true, true
		}
		if r := t.Purchased; r != nil {
			used[r.Date] = true
		}
	}
	if r := p.Replacement; r != nil && r.MinimumDays > 0 {
		used[DateReplaced] = true
	}
}

// ReadsPartNumber reports whether some warranty term is chosen by part
// number, so a form asks for it.
func (p *Policy) ReadsPartNumber() bool {
	for i := range p.Warranty.Terms {
		if len(p.Warranty.Terms[i].PartNumbers) > 0 {
			return true
		}
	}
	return false
}
