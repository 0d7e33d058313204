package rma

import (
	"strings"
	"unicode"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Part numbers and the fields a policy requires of each line (issue 12).
// Pixfra: "Applicant must fill in the correct serial number and part number
// with the faulty description for each product", and the unit delivered
// must match the reservation: a mismatch is flagged for the desk, which
// decides what follows, never refused at the door.

// ActFlagPartMismatch is the event receiving adds when a unit's part number
// is not the one reserved. It changes no state.
const ActFlagPartMismatch Action = "flag_part_mismatch"

// lineFieldPath is where each requirable field sits in a submitted line.
var lineFieldPath = map[string]string{
	policy.LineFieldSerial:     "product.serial",
	policy.LineFieldModel:      "product.model",
	policy.LineFieldPartNumber: "part_number",
	policy.LineFieldFault:      "fault",
}

// checkLineFields refuses a line without a field its policy requires, naming
// the field ("lines[0].part_number") and the clause that asks for it.
func checkLineFields(p *policy.Policy, field string, lr LineRequest) error {
	if len(lr.PartNumber) > 100 {
		return Invalid(field+".part_number", "at most 100 characters")
	}
	if strings.ContainsAny(lr.PartNumber, "\x00\r\n\t") {
		return Invalid(field+".part_number", "must be one line of text")
	}
	for _, f := range p.LineFields {
		var value string
		switch f.Field {
		case policy.LineFieldSerial:
			value = lr.Claim.Product.Serial
		case policy.LineFieldModel:
			value = lr.Claim.Product.Model
		case policy.LineFieldPartNumber:
			value = lr.PartNumber
		case policy.LineFieldFault:
			value = lr.Fault
		}
		if strings.TrimSpace(value) == "" {
			return Invalid(field+"."+lineFieldPath[f.Field], "required by policy %s [%s]", p.ID, f.Clause)
		}
	}
	return nil
}

// samePartNumber compares part numbers as people write them: case, spaces
// and the dashes or dots some labels add do not make another part.
func samePartNumber(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' || r == '.' || r == '/' {
				return -1
			}
			return unicode.ToUpper(r)
		}, s)
	}
	return norm(a) == norm(b)
}

// receivePartNumber records the part number read off a received unit and
// flags it, with an event, when it is not the one reserved.
func receivePartNumber(c *change, field string, l *Line, pn string) error {
	pn = strings.TrimSpace(pn)
	if err := optional(field+".part_number", pn, 100); err != nil {
		return err
	}
	l.ReceivedPartNumber = pn
	l.PartMismatch = pn != "" && l.PartNumber != "" && !samePartNumber(pn, l.PartNumber)
	if !l.PartMismatch {
		return nil
	}
	details := map[string]any{"line": l.No, "reserved": l.PartNumber, "received": pn}
	if f := c.p.RequiredLineField(policy.LineFieldPartNumber); f != nil {
		details["clause"] = f.Clause
	}
	c.extra = append(c.extra, &Event{At: c.now, Actor: c.ev.Actor, Action: string(ActFlagPartMismatch),
		From: c.ev.To, To: c.ev.To, Details: details})
	return nil
}
