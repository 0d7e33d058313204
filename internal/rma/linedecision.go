package rma

import (
	"fmt"
	"strings"
)

// A desk decides an RMA line by line at authorization: one unit of a
// parcel may be covered and another not (Pixfra: a unit out of warranty or
// tampered with beside one that is fine). A rejected line stays on the RMA
// with its reason, for the requester and the history, but takes no further
// part: it is not sent back (the label and slip leave it out), received,
// evaluated, credited or resolved.

// LineVerdict is the desk's decision on one line at authorization.
type LineVerdict string

const (
	LineAuthorized LineVerdict = "authorize"
	LineRejected   LineVerdict = "reject"
)

// LineDecision is the desk's decision on one line; lines an authorization
// does not name are authorized with the RMA.
type LineDecision struct {
	LineNo   int
	Decision LineVerdict
	Reason   string // required to reject
}

// InPlay reports whether the line takes part in the rest of the RMA's life:
// every line but one the desk rejected.
func (l *Line) InPlay() bool { return !l.Rejected }

// decideLines applies an authorization's per-line decisions to c's RMA: at
// least one line must remain authorized (else the whole RMA is rejected,
// with its own step), each rejection needs a reason.
func (c *change) decideLines(decisions []LineDecision) error {
	if len(decisions) == 0 {
		return nil
	}
	seen := map[int]bool{}
	var rejected []string
	for i, d := range decisions {
		field := fmt.Sprintf("lines[%d]", i)
		l := c.r.line(d.LineNo)
		if l == nil {
			return Invalid(field+".line", "no line %d in this RMA", d.LineNo)
		}
		if seen[d.LineNo] {
			return Invalid(field+".line", "line %d is decided twice", d.LineNo)
		}
		seen[d.LineNo] = true
		reason := strings.TrimSpace(d.Reason)
		if err := optional(field+".reason", d.Reason, 2000); err != nil {
			return err
		}
		switch d.Decision {
		case LineAuthorized, "":
			l.Rejected, l.RejectReason = false, ""
		case LineRejected:
			if reason == "" {
				return Invalid(field+".reason", "required: a reason is required to reject line %d", d.LineNo)
			}
			l.Rejected, l.RejectReason = true, reason
			rejected = append(rejected, fmt.Sprint(d.LineNo))
		default:
			return Invalid(field+".decision", "unknown decision %q (one of authorize, reject)", d.Decision)
		}
	}
	inPlay := 0
	for i := range c.r.Lines {
		if c.r.Lines[i].InPlay() {
			inPlay++
		}
	}
	if inPlay == 0 {
		return Invalid("lines", "every line is rejected: reject the RMA instead")
	}
	if len(rejected) > 0 {
		c.ev.Details["rejected_lines"] = strings.Join(rejected, ",")
	}
	return nil
}

// lineInPlay refuses a step on a line the desk rejected.
func lineInPlay(field string, l *Line) error {
	if l.Rejected {
		return Invalid(field, "line %d was rejected at authorization (%s): it takes no further part", l.No, l.RejectReason)
	}
	return nil
}

// InPlayLines are the lines that take part in the rest of the RMA's life:
// every line but those the desk rejected.
func (r *RMA) InPlayLines() []Line {
	out := make([]Line, 0, len(r.Lines))
	for _, l := range r.Lines {
		if l.InPlay() {
			out = append(out, l)
		}
	}
	return out
}
