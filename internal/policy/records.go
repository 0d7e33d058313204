package policy

import (
	"fmt"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Issue 16, the serial registry: a desk that keeps its own records of the
// units it sold and shipped (its installed base) decides from them where
// the policy says so, and checks a claim against them.
//
// The engine stays pure: it reads no database. The desk looks the claim's
// serial up in its registry and its RMAs and puts what it found on the
// claim (Claim.Records); a pack says what counts:
//
//   - a warranty.start entry with `source: records` runs the term from the
//     desk's record of a date (Pixfra: "the date of delivery of the product
//     from PIXFRA manufacturing"), cited as the desk's records;
//   - `records:` checks say what a claim that disagrees with the records
//     does (unknown serial, sold to another organisation, dates that
//     differ, the serial claimed again within N days): a note, a review or
//     a rejection, each citing a clause;
//   - a replacement the desk shipped carries the warranty end it was sent
//     with (Records.WarrantyEnd), which decides a claim on it.
//
// A claim without Records (the desk keeps no registry, or a claim checked
// outside the desk) decides as before: records entries are passed over
// unmentioned and no check runs.

// Records are what the desk's own records say of a claim's unit. The desk
// fills them from its registry and its RMAs, never from what the requester
// sends; nil when the desk keeps no registry.
type Records struct {
	// Known: the registry has the unit's serial.
	Known bool
	// Dates are the registry's dates of the unit: Invoice (the desk's,
	// or its vendor's, sale), Delivered, Manufactured; the others stay zero.
	Dates     Dates
	InvoiceNo string
	// SoldToOther: the registry has the unit sold to an organisation
	// other than the requester.
	SoldToOther bool
	// LastClaim is the day the desk's latest other RMA on this serial was
	// filed (zero: none), and LastClaimRMA its number when the requester
	// may know it (its own RMA), else "".
	LastClaim    calendar.Date
	LastClaimRMA string
	// A replacement the desk shipped: the serial it replaced ("" when the
	// desk did not know it), the day it was sent, and the last day of the
	// warranty it carries (Plextor: the original's, carried over).
	Replaces    string
	Replaced    calendar.Date
	WarrantyEnd calendar.Date
}

// RecordDates are the dates a registry keeps, which a `source: records`
// start may name.
var RecordDates = []DateField{DateInvoice, DateDelivered, DateManufactured}

func isRecordDate(f DateField) bool {
	for _, r := range RecordDates {
		if r == f {
			return true
		}
	}
	return false
}

// SourceRecords marks a warranty placed from the desk's records
// (WarrantyStatus.Source); LastDayByRecords a last day that is the warranty
// end a replacement carries (WarrantyStatus.LastDayBy).
const (
	SourceRecords    = "records"
	LastDayByRecords = "records"
)

// Reason codes of the records.
const (
	CodeWarrantyFromRecords = "warranty_start_records"
	CodeRecordsWarrantyEnd  = "records_warranty_end"
)

// RecordCheckKind is what a records check compares.
type RecordCheckKind uint8

const (
	CheckUnknownSerial RecordCheckKind = iota + 1 // the serial is not in the registry
	CheckSoldToOther                              // the registry has it sold to another organisation
	CheckDatesDiffer                              // a claim date differs from the registry's
	CheckClaimedAgain                             // another RMA claimed the serial within WithinDays
)

var recordCheckNames = [...]string{"", "unknown_serial", "sold_to_other", "dates_differ", "claimed_again"}

// String is the check's name, which is also its reason code.
func (k RecordCheckKind) String() string { return recordCheckNames[k] }

// RecordEffect is what a check that finds a disagreement does.
type RecordEffect uint8

const (
	RecordNote   RecordEffect = iota // a reason only
	RecordReview                     // a person decides
	RecordReject                     // the claim is rejected
)

var recordEffectNames = [...]string{"note", "review", "reject"}

func (e RecordEffect) String() string { return recordEffectNames[e] }

// RecordCheck is one `records:` entry.
type RecordCheck struct {
	Check      RecordCheckKind
	Effect     RecordEffect
	WithinDays int // claimed_again: how recent an earlier claim counts
	Clause     string
}

type recordCheckYAML struct {
	Check      string `yaml:"check"`
	Effect     string `yaml:"effect"`
	WithinDays int    `yaml:"within_days"`
	Clause     string `yaml:"clause"`
}

// maxClaimedAgainDays bounds within_days: ten years, beyond any warranty.
const maxClaimedAgainDays = 3660

// startSource reads a warranty.start entry's source: the claim (default)
// or the desk's records.
func (c *compiler) startSource(path string, s startYAML, f DateField) bool {
	switch s.Source {
	case "", "claim":
		return false
	case "records":
		if f != DateNone && f != DateReported && !isRecordDate(f) {
			c.errorf(path+".date", "the desk's records keep invoice, delivered and manufactured, not %s", f)
		}
		if s.Evidence != "" {
			c.errorf(path+".evidence", "a date from the desk's records needs no document: they are the desk's own")
		}
		return true
	}
	c.errorf(path+".source", "must be claim (the requester's date, the default) or records (the desk's record of it), not %q", s.Source)
	return false
}

func (c *compiler) recordChecks(list []recordCheckYAML) []RecordCheck {
	var out []RecordCheck
	seen := map[RecordCheckKind]bool{}
	for i, y := range list {
		path := fmt.Sprintf("records[%d]", i)
		var k RecordCheck
		name := c.oneOf(path+".check", y.Check, recordCheckNames[1:], true)
		for j, n := range recordCheckNames {
			if j > 0 && n == name {
				k.Check = RecordCheckKind(j)
			}
		}
		if k.Check != 0 && seen[k.Check] {
			c.errorf(path+".check", "%s is checked once; an earlier entry names it", name)
		}
		seen[k.Check] = true
		switch y.Effect {
		case "note":
			k.Effect = RecordNote
		case "review":
			k.Effect = RecordReview
		case "reject":
			k.Effect = RecordReject
		default:
			c.errorf(path+".effect", "must be note, review or reject, not %q", y.Effect)
		}
		switch {
		case k.Check == CheckClaimedAgain && (y.WithinDays <= 0 || y.WithinDays > maxClaimedAgainDays):
			c.errorf(path+".within_days", "required for claimed_again: the days within which an earlier claim on the serial counts (1 to %d)", maxClaimedAgainDays)
		case k.Check != CheckClaimedAgain && y.WithinDays != 0:
			c.errorf(path+".within_days", "only claimed_again counts days")
		}
		k.WithinDays = y.WithinDays
		k.Clause = c.clause(path, y.Clause)
		out = append(out, k)
	}
	return out
}

// ReadsRecords reports whether the policy uses the desk's records: a start
// entry or a check. The desk fills Claim.Records either way when it keeps
// a registry (a replacement's carried warranty needs no rule).
func (p *Policy) ReadsRecords() bool {
	if len(p.RecordChecks) > 0 {
		return true
	}
	for _, b := range p.Warranty.Start {
		if b.Records {
			return true
		}
	}
	return false
}

// startDate is the date a start entry gives this claim, if it counts: the
// desk's record of it, or the claim's with its evidence.
func startDate(c *Claim, b *StartBasis) (calendar.Date, bool) {
	if b.Records {
		if c.Records == nil {
			return 0, false
		}
		d := c.Records.Dates.Get(b.Date)
		return d, !d.IsZero()
	}
	d := c.Dates.Get(b.Date)
	if d.IsZero() || (b.HasEvidence && !c.Documents.Has(b.Evidence)) {
		return 0, false
	}
	return d, true
}

// sees reports whether a start entry is one the claim is told about: an
// entry on the desk's records is not when the desk keeps none.
func (c *Claim) sees(b *StartBasis) bool { return !b.Records || c.Records != nil }

// recordsWarranty places the warranty of a replacement the desk shipped
// from its records: the end it carries, which the desk worked out when it
// sent the unit under the policy's replacement rule. Nothing moves it: a
// holiday was rolled over, and a minimum counted, when it was set.
func (p *Policy) recordsWarranty(c *Claim, d *Decision) {
	rec := c.Records
	w := &d.Warranty
	w.Basis, w.Start, w.LastDay = DateReplaced, rec.Replaced, rec.WarrantyEnd
	w.Term, w.LastDayBy, w.Source = "carried over", LastDayByRecords, SourceRecords
	w.InWarranty = c.Dates.Reported <= w.LastDay
	replaces := "serial " + rec.Replaces
	if rec.Replaces == "" {
		replaces = "another unit"
	}
	d.add(CodeRecordsWarrantyEnd, p.replacementClause(), "the desk's records: this unit was sent on "+rec.Replaced.String()+
		" to replace "+replaces+" and carries its warranty until "+rec.WarrantyEnd.String())
	d.said(CodeRecordsWarrantyEnd, "", rec.Replaced.String(), rec.Replaces, rec.WarrantyEnd.String())
}

// replacementClause is what a replacement's carried warranty cites: the
// replacement rule's clause, or the warranty's for a pack without one.
func (p *Policy) replacementClause() string {
	if p.Replacement != nil {
		return p.Replacement.Clause
	}
	return p.Warranty.Clause
}

// explained makes the texts that say the entry did not count (and their
// translations' arguments): "field", "field/document", or "records.field".
func (b *StartBasis) explained(p *Policy) {
	f := b.Date.String()
	if b.Records {
		b.missingText, b.missingArg = "no "+f+" in the desk's records", "records."+f
		return
	}
	b.missingText, b.missingArg = "no dates."+f, f
	if b.HasEvidence {
		b.noEvidenceText, b.noEvidenceArg = "dates."+f+" without "+p.docLabel(b.Evidence), f+"/"+p.DocumentName(b.Evidence)
	}
}

// skippedStart describes a start entry that did not count, for the
// fallback's reason: the text, and the argument its translation reads.
func (p *Policy) skippedStart(c *Claim, b *StartBasis) (text, arg string) {
	if b.Records || c.Dates.Get(b.Date).IsZero() {
		return b.missingText, b.missingArg
	}
	return b.noEvidenceText, b.noEvidenceArg
}

// explainRecordsStart says that the term runs from the desk's record of a
// date, and why no earlier entry counted.
func (p *Policy) explainRecordsStart(c *Claim, d *Decision, used int) {
	b := &p.Warranty.Start[used]
	start := d.Warranty.Start.String()
	args := make([]string, 2, 2+used)
	args[0], args[1] = b.Date.String(), start
	var buf [256]byte
	text := buf[:0]
	for i := range p.Warranty.Start[:used] {
		s := &p.Warranty.Start[i]
		if !c.sees(s) {
			continue
		}
		t, arg := p.skippedStart(c, s)
		if len(args) > 2 {
			text = append(text, ", "...)
		}
		text, args = append(text, t...), append(args, arg)
	}
	if len(args) > 2 {
		text = append(text, ": "...)
	}
	text = append(text, "the warranty runs from the desk's records: "...)
	text = append(append(append(text, b.Date.String()...), ' '), start...)
	if c.Product.Serial != "" {
		text = append(append(text, " for serial "...), c.Product.Serial...)
	}
	d.add(CodeWarrantyFromRecords, b.Clause, string(text))
	d.said(CodeWarrantyFromRecords, "", args...)
}

// checkRecords runs the pack's records checks on a claim the desk looked up.
func (p *Policy) checkRecords(c *Claim, d *Decision) {
	rec := c.Records
	serial := c.Product.Serial
	for i := range p.RecordChecks {
		k := &p.RecordChecks[i]
		var text string
		var args []string
		switch k.Check {
		case CheckUnknownSerial:
			if rec.Known || serial == "" {
				continue
			}
			text, args = "serial "+serial+" is not in the desk's records of units sold and shipped", []string{serial}
		case CheckSoldToOther:
			if !rec.Known || !rec.SoldToOther {
				continue
			}
			text, args = "the desk's records have serial "+serial+" sold to another organisation than the requester", []string{serial}
		case CheckDatesDiffer:
			if !rec.Known {
				continue
			}
			var parts []string
			for _, f := range RecordDates {
				given, kept := c.Dates.Get(f), rec.Dates.Get(f)
				if given.IsZero() || kept.IsZero() || given == kept {
					continue
				}
				parts = append(parts, "dates."+f.String()+" "+given.String()+" (the desk's records: "+kept.String()+")")
				args = append(args, f.String(), given.String(), kept.String())
			}
			if len(parts) == 0 {
				continue
			}
			text = "the claim's dates differ from the desk's records: " + strings.Join(parts, ", ")
		case CheckClaimedAgain:
			if rec.LastClaim.IsZero() {
				continue
			}
			ago := int(c.Dates.Reported - rec.LastClaim)
			if ago < 0 {
				ago = 0
			}
			if ago > k.WithinDays {
				continue
			}
			in := rec.LastClaimRMA
			if in == "" {
				in = "an RMA" // another organisation's: the desk does not name it to the requester
			}
			text = "serial " + serial + " was claimed before, in " + in + " filed " + rec.LastClaim.String() +
				": " + plural(ago, "day") + " ago, within " + plural(k.WithinDays, "day")
			args = []string{serial, rec.LastClaimRMA, rec.LastClaim.String(), itoa(ago), itoa(k.WithinDays)}
		}
		switch k.Effect {
		case RecordReview:
			d.raise(Review)
		case RecordReject:
			d.raise(Reject)
		}
		code := k.Check.String()
		d.add(code, k.Clause, text)
		d.said(code, "", args...)
	}
}

// recordsJSON is the claim contract's "records" object: what the desk's
// records say, which only the desk writes (the API's and the portal's
// claims have no such field).
type recordsJSON struct {
	Known        bool              `json:"known,omitempty"`
	Dates        map[string]string `json:"dates,omitempty"`
	InvoiceNo    string            `json:"invoice_no,omitempty"`
	SoldToOther  bool              `json:"sold_to_other,omitempty"`
	LastClaim    string            `json:"last_claim,omitempty"`
	LastClaimRMA string            `json:"last_claim_rma,omitempty"`
	Replaces     string            `json:"replaces,omitempty"`
	Replaced     string            `json:"replaced,omitempty"`
	WarrantyEnd  string            `json:"warranty_end,omitempty"`
}

// maxRecordText bounds the records' texts, as the claim's product fields.
const maxRecordText = 200

func (raw *recordsJSON) records(reported calendar.Date) (*Records, error) {
	r := &Records{Known: raw.Known, InvoiceNo: raw.InvoiceNo, SoldToOther: raw.SoldToOther, LastClaimRMA: raw.LastClaimRMA, Replaces: raw.Replaces}
	for _, t := range []struct{ field, s string }{{"invoice_no", raw.InvoiceNo}, {"last_claim_rma", raw.LastClaimRMA}, {"replaces", raw.Replaces}} {
		if len(t.s) > maxRecordText {
			return nil, &FieldError{"records." + t.field, fmt.Sprintf("at most %d bytes", maxRecordText)}
		}
	}
	date := func(field, s string) (calendar.Date, error) {
		if s == "" {
			return 0, nil
		}
		d, err := calendar.ParseDate(s)
		if err != nil {
			return 0, &FieldError{"records." + field, fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", s)}
		}
		if d > reported {
			return 0, &FieldError{"records." + field, fmt.Sprintf("%s is after dates.reported %s", d, reported)}
		}
		return d, nil
	}
	for name, s := range raw.Dates {
		f, err := ParseDateField(name)
		if err != nil || !isRecordDate(f) {
			return nil, &FieldError{"records.dates." + name, "unknown date of the desk's records (one of invoice, delivered, manufactured)"}
		}
		d, err := date("dates."+name, s)
		if err != nil {
			return nil, err
		}
		r.Dates.Set(f, d)
	}
	var err error
	if r.LastClaim, err = date("last_claim", raw.LastClaim); err != nil {
		return nil, err
	}
	if r.Replaced, err = date("replaced", raw.Replaced); err != nil {
		return nil, err
	}
	if raw.WarrantyEnd != "" {
		// The end a replacement carries may lie after the day reported.
		if r.WarrantyEnd, err = calendar.ParseDate(raw.WarrantyEnd); err != nil {
			return nil, &FieldError{"records.warranty_end", fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", raw.WarrantyEnd)}
		}
		if r.Replaced.IsZero() {
			return nil, &FieldError{"records.warranty_end", "a carried warranty end is a replacement's: records.replaced, the day it was sent, is required with it"}
		}
	}
	return r, nil
}

func recordsOf(r *Records) *recordsJSON {
	if r == nil {
		return nil
	}
	out := &recordsJSON{Known: r.Known, InvoiceNo: r.InvoiceNo, SoldToOther: r.SoldToOther, LastClaimRMA: r.LastClaimRMA, Replaces: r.Replaces}
	for _, f := range RecordDates {
		if d := r.Dates.Get(f); !d.IsZero() {
			if out.Dates == nil {
				out.Dates = map[string]string{}
			}
			out.Dates[f.String()] = d.String()
		}
	}
	if !r.LastClaim.IsZero() {
		out.LastClaim = r.LastClaim.String()
	}
	if !r.Replaced.IsZero() {
		out.Replaced = r.Replaced.String()
	}
	if !r.WarrantyEnd.IsZero() {
		out.WarrantyEnd = r.WarrantyEnd.String()
	}
	return out
}

// writeRecordRules adds the records' rules to WritePolicy's list.
func (p *Policy) writeRecordRules(row func(what, rule, clause string)) {
	for _, k := range p.RecordChecks {
		s := k.Check.String()
		if k.Check == CheckClaimedAgain {
			s += " within " + plural(k.WithinDays, "day")
		}
		row("records", s+": "+k.Effect.String(), k.Clause)
	}
}

func init() {
	nlFieldNames["records"] = "gegevens van de desk"
	for msg, w := range dutchRecords {
		dutch[msg] = w
	}
}

// nlRecordsSkipped says the start entries that did not count, in Dutch.
func nlStartSkipped(args []string) []string {
	var out []string
	for _, s := range args {
		if field, ok := strings.CutPrefix(s, "records."); ok {
			out = append(out, "geen "+nlField(field)+" in de gegevens van de desk")
			continue
		}
		field, doc, withDoc := strings.Cut(s, "/")
		if withDoc {
			out = append(out, nlField(field)+" zonder "+nlDocument(doc))
		} else {
			out = append(out, "geen "+nlField(field))
		}
	}
	return out
}

var dutchRecords = map[string]wording{
	CodeWarrantyFromRecords: func(a []string, _ string) string {
		s := "de garantie loopt vanaf de " + nlField(arg(a, 0)) + " " + arg(a, 1) + " volgens de gegevens van de desk"
		if skipped := nlStartSkipped(rest(a, 2)); len(skipped) > 0 {
			s = strings.Join(skipped, ", ") + ": " + s
		}
		return s
	},
	CodeRecordsWarrantyEnd: func(a []string, _ string) string {
		replaces := "serienummer " + arg(a, 1)
		if arg(a, 1) == "" {
			replaces = "een ander apparaat"
		}
		return "volgens de gegevens van de desk is dit apparaat op " + arg(a, 0) + " verzonden ter vervanging van " + replaces +
			" en heeft het garantie tot en met " + arg(a, 2)
	},
	CodeInWarranty + ".records": func(a []string, _ string) string {
		return "in garantie: overgenomen garantie, laatste dag " + arg(a, 1)
	},
	CodeOutOfWarranty + ".records": func(a []string, _ string) string {
		return "buiten de garantie: overgenomen garantie, laatste dag " + arg(a, 1) + ", gemeld op " + arg(a, 2)
	},
	"unknown_serial": func(a []string, _ string) string {
		return "serienummer " + arg(a, 0) + " staat niet in de gegevens van de desk over verkochte en verzonden apparaten"
	},
	"sold_to_other": func(a []string, _ string) string {
		return "volgens de gegevens van de desk is serienummer " + arg(a, 0) + " aan een andere organisatie verkocht dan de aanvrager"
	},
	"dates_differ": func(a []string, _ string) string {
		var parts []string
		for i := 0; i+2 < len(a); i += 3 {
			parts = append(parts, "de "+nlField(a[i])+" "+a[i+1]+" (gegevens van de desk: "+a[i+2]+")")
		}
		return "de data van de claim wijken af van de gegevens van de desk: " + strings.Join(parts, ", ")
	},
	"claimed_again": func(a []string, _ string) string {
		in := arg(a, 1)
		if in == "" {
			in = "een retour"
		}
		return "serienummer " + arg(a, 0) + " is eerder geclaimd, in " + in + " ingediend op " + arg(a, 2) + ": " +
			nlDays(arg(a, 3)) + " geleden, binnen " + nlDays(arg(a, 4))
	},
}
