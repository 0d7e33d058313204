package policy

import (
	"slices"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Comparing two decisions of one claim: the what-if (internal/whatif)
// compares a draft's decision of a past claim with the one the desk made,
// and shadow mode (internal/rma) a draft's decision of a new claim with
// the published version's. Both say a difference in the same words, so
// both ask here.

// Aspects in which two decisions of a claim can differ, as Compare names
// them.
const (
	AspectVerdict   = "verdict"
	AspectRoute     = "route"
	AspectWarranty  = "warranty_last_day"
	AspectWindow    = "window_last_day"
	AspectDocuments = "missing_documents"
	AspectCharges   = "expected_charges"
	AspectReasons   = "reasons"
)

// Compare names the aspects in which two decisions of one claim differ, in
// the order of the constants above; none when they are alike.
func Compare(before, after *Decision) []string { return AppendCompare(nil, before, after) }

// AppendCompare is Compare appending to how: a replay of a million lines
// reuses one buffer.
func AppendCompare(how []string, before, after *Decision) []string {
	if before.Verdict != after.Verdict {
		how = append(how, AspectVerdict)
	}
	if before.Route != after.Route {
		how = append(how, AspectRoute)
	}
	if before.Warranty.LastDay != after.Warranty.LastDay {
		how = append(how, AspectWarranty)
	}
	if before.Window.LastDay != after.Window.LastDay || before.Window.Name != after.Window.Name {
		how = append(how, AspectWindow)
	}
	if !slices.Equal(before.MissingDocuments, after.MissingDocuments) || !slices.Equal(before.MissingDeclared, after.MissingDeclared) {
		how = append(how, AspectDocuments)
	}
	if !sameCharges(before.ExpectedCharges, after.ExpectedCharges) {
		how = append(how, AspectCharges)
	}
	if !sameReasons(before.Reasons, after.Reasons) {
		how = append(how, AspectReasons)
	}
	return how
}

func sameCharges(b, a []ExpectedCharge) bool {
	return slices.EqualFunc(b, a, func(x, y ExpectedCharge) bool {
		return x.Kind == y.Kind && x.Amount == y.Amount && x.Basis == y.Basis && x.Percent == y.Percent
	})
}

// sameReasons compares what the reasons say and where the policy says it;
// their wording follows from those.
func sameReasons(b, a []Reason) bool {
	return slices.EqualFunc(b, a, func(x, y Reason) bool { return x.Code == y.Code && x.Clause == y.Clause })
}

// MissingNames are the documents a decision finds missing, by name: the
// format's own, then those the pack declares.
func MissingNames(d *Decision) []string {
	out := make([]string, 0, len(d.MissingDocuments)+len(d.MissingDeclared))
	for _, doc := range d.MissingDocuments {
		out = append(out, doc.String())
	}
	return append(out, d.MissingDeclared...)
}

// DocumentsChanged are the documents missing after and not before (added)
// and those missing before and no longer (removed).
func DocumentsChanged(before, after *Decision) (added, removed []string) {
	was, now := MissingNames(before), MissingNames(after)
	for _, doc := range now {
		if !slices.Contains(was, doc) {
			added = append(added, doc)
		}
	}
	for _, doc := range was {
		if !slices.Contains(now, doc) {
			removed = append(removed, doc)
		}
	}
	return added, removed
}

// How a last day moved from one decision to the other (ShiftOf).
const (
	ShiftEarlier = "earlier"
	ShiftLater   = "later"
	ShiftGained  = "gained" // a last day where there was none
	ShiftLost    = "lost"
)

// ShiftOf says how a last day moved; "" when it did not.
func ShiftOf(before, after calendar.Date) string {
	switch {
	case before == after:
		return ""
	case before.IsZero():
		return ShiftGained
	case after.IsZero():
		return ShiftLost
	case after < before:
		return ShiftEarlier
	default:
		return ShiftLater
	}
}

// AsInForce returns a copy of p that takes effect on any day. A draft
// asked what it would decide (the what-if over past claims, shadow mode
// over new ones) is asked as if it were in force; as itself it would send
// every claim reported before its date to review (policy_not_in_force),
// the desk's guard against deciding by a version too early, which would
// hide every other difference. p is unchanged: it may be in use.
func (p *Policy) AsInForce() *Policy {
	q := *p
	q.EffectiveFrom = 0
	return &q
}
