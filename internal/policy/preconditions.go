package policy

import (
	"fmt"
	"strings"
)

// A pack may require things of the requester before any rule of the
// warranty applies: an account in good standing (no claims while the
// account is on hold for unpaid invoices), or a unit bought through the
// vendor's own channels (no warranty through unauthorized resellers).
// Each precondition names the field, the values allowed, and what happens
// otherwise: reject (nothing more is decided) or review (a person decides,
// with the rest of the decision in front of them).
//
// A requester's standing is the desk's record of the organisation, never
// what the requester types: the desk sets requester.standing from it, as
// it sets the role and the country. A claim without a standing is in good
// standing, as an organisation is until an admin says otherwise. A claim
// without a channel, under a pack that asks for one, is needs_info: the
// requester knows where the unit was bought.

// Standing is the requester organisation's account standing.
type Standing uint8

const (
	StandingUnknown Standing = iota // not given: treated as good
	StandingGood
	StandingOnHold
	StandingBlocked
)

var standingNames = [...]string{"", "good", "on_hold", "blocked"}

func (s Standing) String() string                      { return standingNames[s] }
func (s Standing) MarshalText() ([]byte, error)        { return []byte(s.String()), nil }
func (s *Standing) UnmarshalText(b []byte) (err error) { *s, err = ParseStanding(string(b)); return }

// ParseStanding parses a standing; the empty string is StandingUnknown.
func ParseStanding(s string) (Standing, error) {
	if s == "" {
		return StandingUnknown, nil
	}
	if i, ok := lookup(standingNames[:], s); ok {
		return Standing(i), nil
	}
	return 0, unknownValue("standing", s, standingNames[:])
}

// StandingNames lists the standings, for forms and the CLI.
func StandingNames() []string { return append([]string(nil), standingNames[1:]...) }

// Channel is where the unit was bought.
type Channel uint8

const (
	ChannelUnknown Channel = iota
	ChannelDirect
	ChannelAuthorizedReseller
	ChannelUnauthorizedReseller
	ChannelMarketplace
	ChannelSecondHand
)

var channelNames = [...]string{"", "direct", "authorized_reseller", "unauthorized_reseller", "marketplace", "second_hand"}

func (c Channel) String() string                      { return channelNames[c] }
func (c Channel) MarshalText() ([]byte, error)        { return []byte(c.String()), nil }
func (c *Channel) UnmarshalText(b []byte) (err error) { *c, err = ParseChannel(string(b)); return }

// ParseChannel parses a purchase channel; the empty string is ChannelUnknown.
func ParseChannel(s string) (Channel, error) {
	if s == "" {
		return ChannelUnknown, nil
	}
	if i, ok := lookup(channelNames[:], s); ok {
		return Channel(i), nil
	}
	return 0, unknownValue("channel", s, channelNames[:])
}

// ChannelNames lists the channels, for forms.
func ChannelNames() []string { return append([]string(nil), channelNames[1:]...) }

// Precondition is one thing a requester's claim must be before the
// warranty's rules apply.
type Precondition struct {
	Field     string // "standing" (requester.standing) or "channel" (product.channel)
	Allowed   uint8  // bit v set: value v is allowed
	Otherwise Verdict
	Text      string // what the requester is told; "" for the engine's wording
	Key       string // its text's key, for translations (texts.go)
	Clause    string
}

// Reason codes of preconditions.
const (
	CodeStandingNotAllowed = "requester_standing"
	CodeChannelNotAllowed  = "purchase_channel"
	CodeMissingChannel     = "missing_channel"
)

type preconditionYAML struct {
	Field     string   `yaml:"field"`
	Allowed   []string `yaml:"allowed"`
	Otherwise string   `yaml:"otherwise"`
	Text      string   `yaml:"text"`
	Key       string   `yaml:"key"`
	Clause    string   `yaml:"clause"`
}

func (c *compiler) preconditions(list []preconditionYAML) []Precondition {
	var out []Precondition
	seen := map[string]bool{}
	for i, y := range list {
		path := fmt.Sprintf("requesters.preconditions[%d]", i)
		pc := Precondition{Field: y.Field, Text: strings.TrimSpace(y.Text), Clause: c.clause(path, y.Clause)}
		var names []string
		switch y.Field {
		case "standing":
			names = standingNames[1:]
		case "channel":
			names = channelNames[1:]
		case "":
			c.errorf(path+".field", "required (standing or channel)")
		default:
			c.errorf(path+".field", "must be standing or channel, not %q", y.Field)
		}
		if y.Field != "" && seen[y.Field] {
			c.errorf(path+".field", "a second precondition on %s: give the allowed values in one", y.Field)
		}
		seen[y.Field] = true
		if len(y.Allowed) == 0 {
			c.errorf(path+".allowed", "required: the %s values that may file", orWhat(y.Field))
		}
		for j, v := range y.Allowed {
			k := -1
			for n, name := range names {
				if name == v {
					k = n + 1
				}
			}
			if k < 0 {
				if names != nil {
					c.errorf(fmt.Sprintf("%s.allowed[%d]", path, j), "unknown %s %q (one of %s)", y.Field, v, strings.Join(names, ", "))
				}
				continue
			}
			pc.Allowed |= 1 << k
		}
		switch y.Otherwise {
		case "reject":
			pc.Otherwise = Reject
		case "review":
			pc.Otherwise = Review
		case "":
			c.errorf(path+".otherwise", "required (reject or review)")
		default:
			c.errorf(path+".otherwise", "must be reject or review, not %q", y.Otherwise)
		}
		if y.Key != "" && !textKeyPattern.MatchString(y.Key) {
			c.errorf(path+".key", "must match %s", textKeyPattern)
		}
		out = append(out, pc)
	}
	return out
}

func orWhat(field string) string {
	if field == "" {
		return "field's"
	}
	return field
}

// checkPreconditions decides the requester's preconditions; false stops
// the evaluation (a rejection).
func (p *Policy) checkPreconditions(c *Claim, d *Decision) bool {
	for i := range p.Requesters.Preconditions {
		pc := &p.Requesters.Preconditions[i]
		var value, code string
		var v uint8
		switch pc.Field {
		case "standing":
			s := c.Requester.Standing
			if s == StandingUnknown {
				s = StandingGood
			}
			v, value, code = uint8(s), s.String(), CodeStandingNotAllowed
		case "channel":
			if c.Product.Channel == ChannelUnknown {
				d.raise(NeedsInfo)
				d.add(CodeMissingChannel, pc.Clause, "the claim does not say where the unit was bought (product.channel: "+strings.Join(allowedNames(pc, channelNames[:]), " or ")+" may file)")
				d.said(CodeMissingChannel, "", allowedNames(pc, channelNames[:])...)
				continue
			}
			v, value, code = uint8(c.Product.Channel), c.Product.Channel.String(), CodeChannelNotAllowed
		}
		if pc.Allowed&(1<<v) != 0 {
			continue
		}
		d.raise(pc.Otherwise)
		if pc.Text != "" {
			d.add(code, pc.Clause, pc.Text)
			d.said("", pc.Key)
		} else {
			names := channelNames[:]
			what := "the unit was bought through " + value + ", and only "
			if pc.Field == "standing" {
				names = standingNames[:]
				what = "the requester's account standing is " + value + ", and only "
			}
			allowed := allowedNames(pc, names)
			d.add(code, pc.Clause, what+strings.Join(allowed, ", ")+" may file under this policy")
			d.said(code, "", append([]string{value}, allowed...)...)
		}
		if pc.Otherwise == Reject {
			return false
		}
	}
	return true
}

func allowedNames(pc *Precondition, names []string) []string {
	var out []string
	for i := 1; i < len(names); i++ {
		if pc.Allowed&(1<<i) != 0 {
			out = append(out, names[i])
		}
	}
	return out
}

// Standings and channels in Dutch, for the wordings of say.go.
var (
	nlStandingNames = map[string]string{"good": "goed", "on_hold": "tijdelijk geblokkeerd", "blocked": "geblokkeerd"}
	nlChannelNames  = map[string]string{"direct": "de fabrikant zelf", "authorized_reseller": "een erkende wederverkoper", "unauthorized_reseller": "een niet-erkende wederverkoper", "marketplace": "een marktplaats", "second_hand": "tweedehands"}
)

func nlStanding(s string) string { return orSelf(nlStandingNames, s) }
func nlChannel(s string) string  { return orSelf(nlChannelNames, s) }

func mapNames(names []string, f func(string) string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = f(n)
	}
	return out
}

// writeIssue14Rules adds the preconditions and the declared vocabulary to
// WritePolicy's rules; a pack without them shows as before.
func (p *Policy) writeIssue14Rules(row func(what, rule, clause string)) {
	for i := range p.Requesters.Preconditions {
		pc := &p.Requesters.Preconditions[i]
		names := channelNames[:]
		if pc.Field == "standing" {
			names = standingNames[:]
		}
		row("", pc.Field+" must be "+strings.Join(allowedNames(pc, names), " or ")+"; otherwise "+pc.Otherwise.String(), pc.Clause)
	}
	for _, d := range p.Vocabulary.Documents {
		row("vocabulary", "document "+d.ID+": "+d.Name, d.Clause)
	}
	for _, d := range p.Vocabulary.Conditions {
		row("vocabulary", "condition "+d.ID+": "+d.Name, d.Clause)
	}
}
