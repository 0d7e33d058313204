package policy

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Support contracts (issue 14): the plans a vendor sells on top of its
// warranty (a networking vendor's "next business day" plan), and the
// contracts a claim carries. A contract active on the day a claim is
// reported entitles the unit to its plan's service level, whose response
// deadline the desk keeps like any other; a plan that covers units out of
// warranty keeps such a unit in warranty for as long as the contract runs.
//
// Packs without plans and claims without contracts pay nothing for this:
// Evaluate looks at it only when the claim carries a contract.

type contractYAML struct {
	ID                  string       `yaml:"id"`
	Name                string       `yaml:"name"`
	CoversOutOfWarranty bool         `yaml:"covers_out_of_warranty"`
	Routes              []string     `yaml:"routes"`
	Response            responseYAML `yaml:"response"`
	AdvanceReplacement  bool         `yaml:"advance_replacement"`
	Clause              string       `yaml:"clause"`
}

type responseYAML struct {
	BusinessDays  int `yaml:"business_days"`
	BusinessHours int `yaml:"business_hours"`
}

type workingHoursYAML struct {
	Open     string `yaml:"open"`
	Close    string `yaml:"close"`
	TimeZone string `yaml:"time_zone"`
}

// Plan is a support plan the vendor sells.
type Plan struct {
	ID   string
	Name string
	// CoversOutOfWarranty: a unit whose warranty has ended is in warranty
	// by contract while one of this plan is active.
	CoversOutOfWarranty bool
	Routes              RouteSet // the routes its service level applies on; empty: all
	// The response the plan promises: within BusinessDays working days,
	// or BusinessHours working hours (of the pack's working_hours).
	BusinessDays       int
	BusinessHours      int
	AdvanceReplacement bool // the plan includes advance replacement (advance.go)
	Clause             string
	response           string // "1 business day", precomputed
}

// Response says the plan's service level: "1 business day", "4 business hours".
func (pl *Plan) Response() string { return pl.response }

// Plan returns the plan with the given ID, or nil.
func (p *Policy) Plan(id string) *Plan {
	for i := range p.Plans {
		if p.Plans[i].ID == id {
			return &p.Plans[i]
		}
	}
	return nil
}

// WorkingHours are the hours of the pack's working days in which a service
// level counts (4 business hours), in the vendor's zone: calendar.Hours
// over the pack's calendar (weekdays when it has none).
type WorkingHours struct {
	calendar.Hours
	zone string
}

// Zone is the time zone's name as the pack gives it.
func (h *WorkingHours) Zone() string { return h.zone }

// ContractClaim is a support contract the claim's unit is under, as the
// claim carries it.
type ContractClaim struct {
	Plan  string
	ID    string
	Start calendar.Date
	End   calendar.Date // the last day it covers
}

// ContractJSON is a contract in the claim's JSON contract.
type ContractJSON struct {
	Plan  string `json:"plan"`
	ID    string `json:"id"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// ParseContracts checks the claim's contracts, naming each field's path
// (contracts[0].end).
// Whether a plan is known is the policy's to say (Evaluate): a claim is
// checked before a policy is chosen.
func ParseContracts(raw []ContractJSON) ([]ContractClaim, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]ContractClaim, len(raw))
	for i, r := range raw {
		f := fmt.Sprintf("contracts[%d]", i)
		if strings.TrimSpace(r.Plan) == "" {
			return nil, &FieldError{f + ".plan", "required: the support plan's id in the policy"}
		}
		if strings.TrimSpace(r.ID) == "" {
			return nil, &FieldError{f + ".id", "required: the contract's number"}
		}
		if len(r.Plan) > 100 || len(r.ID) > 100 {
			return nil, &FieldError{f + ".id", "too long (at most 100 characters)"}
		}
		start, err := calendar.ParseDate(r.Start)
		if err != nil {
			return nil, &FieldError{f + ".start", fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", r.Start)}
		}
		end, err := calendar.ParseDate(r.End)
		if err != nil {
			return nil, &FieldError{f + ".end", fmt.Sprintf("%q is not a date in the form YYYY-MM-DD", r.End)}
		}
		if end < start {
			return nil, &FieldError{f + ".end", fmt.Sprintf("%s is before start %s", end, start)}
		}
		out[i] = ContractClaim{Plan: r.Plan, ID: r.ID, Start: start, End: end}
	}
	return out, nil
}

func contractsJSON(cs []ContractClaim) []ContractJSON {
	if len(cs) == 0 {
		return nil
	}
	out := make([]ContractJSON, len(cs))
	for i, c := range cs {
		out[i] = ContractJSON{Plan: c.Plan, ID: c.ID, Start: c.Start.String(), End: c.End.String()}
	}
	return out
}

// Entitlement is the service a claim is entitled to by an active contract.
type Entitlement struct {
	Plan     string        `json:"plan"`
	PlanName string        `json:"plan_name"`
	Contract string        `json:"contract"`
	Start    calendar.Date `json:"start"`
	End      calendar.Date `json:"end"`
	// The response the plan promises, and its rule: in working days of
	// the pack's calendar, or in working hours of its working_hours.
	Response      string `json:"response"`
	BusinessDays  int    `json:"response_business_days,omitempty"`
	BusinessHours int    `json:"response_business_hours,omitempty"`
	Clause        string `json:"clause"`
}

// Reason codes of contracts.
const (
	CodeEntitled            = "entitled"
	CodeCoveredByContract   = "covered_by_contract"
	CodeContractExpired     = "contract_expired"
	CodeContractNotStarted  = "contract_not_started"
	CodeUnknownPlan         = "unknown_plan"
	CodeContractNotCovering = "contract_not_covering"
	CodeAdvanceReplacement  = "advance_replacement"
	CodeAdvanceNotOffered   = "advance_replacement_not_offered"
)

// activeContract finds the contract of a known plan active on the reported
// day that best serves the claim (the first such), explaining each contract
// that does not count. It is called only for claims with contracts.
func (p *Policy) activeContract(c *Claim, d *Decision, explain bool) (*ContractClaim, *Plan) {
	var found *ContractClaim
	var plan *Plan
	for i := range c.Contracts {
		cc := &c.Contracts[i]
		pl := p.Plan(cc.Plan)
		switch {
		case pl == nil:
			if explain {
				d.raise(Review)
				d.add(CodeUnknownPlan, "", "contract "+cc.ID+" is for plan "+cc.Plan+", which this policy does not sell: a person checks it")
				d.said(CodeUnknownPlan, "", cc.ID, cc.Plan)
			}
		case c.Dates.Reported > cc.End:
			if explain {
				d.add(CodeContractExpired, pl.Clause, "contract "+cc.ID+" ("+pl.Name+") ended on "+cc.End.String()+", before the claim was reported on "+c.Dates.Reported.String())
				d.said(CodeContractExpired, "", cc.ID, pl.ID, cc.End.String(), c.Dates.Reported.String())
			}
		case c.Dates.Reported < cc.Start:
			if explain {
				d.add(CodeContractNotStarted, pl.Clause, "contract "+cc.ID+" ("+pl.Name+") starts on "+cc.Start.String()+", after the claim was reported on "+c.Dates.Reported.String())
				d.said(CodeContractNotStarted, "", cc.ID, pl.ID, cc.Start.String(), c.Dates.Reported.String())
			}
		case found == nil:
			found, plan = cc, pl
		}
	}
	return found, plan
}

// coveredByContract reports whether an out-of-warranty defect is in
// warranty by an active contract whose plan covers it.
func (p *Policy) coveredByContract(c *Claim, d *Decision) bool {
	for i := range c.Contracts {
		cc := &c.Contracts[i]
		pl := p.Plan(cc.Plan)
		if pl == nil || !pl.CoversOutOfWarranty || c.Dates.Reported < cc.Start || c.Dates.Reported > cc.End {
			continue
		}
		d.add(CodeCoveredByContract, pl.Clause, "in warranty by contract "+cc.ID+" ("+pl.Name+"), "+cc.Start.String()+" to "+cc.End.String())
		d.said(CodeCoveredByContract, "", cc.ID, pl.ID, cc.Start.String(), cc.End.String())
		return true
	}
	return false
}

// entitle explains the claim's contracts and sets its entitlement.
func (p *Policy) entitle(c *Claim, d *Decision, route Route) {
	cc, pl := p.activeContract(c, d, true)
	if cc == nil {
		return
	}
	if d.Verdict == Reject {
		if w := &d.Warranty; !w.Start.IsZero() && !w.InWarranty && !pl.CoversOutOfWarranty {
			// Say why the active contract did not save the claim.
			d.add(CodeContractNotCovering, pl.Clause, "contract "+cc.ID+" ("+pl.Name+") is active, but its plan does not cover units out of warranty")
			d.said(CodeContractNotCovering, "", cc.ID, pl.ID)
		}
		return
	}
	if !pl.Routes.Matches(route) {
		return
	}
	d.Entitlement = &Entitlement{Plan: pl.ID, PlanName: pl.Name, Contract: cc.ID, Start: cc.Start, End: cc.End,
		Response: pl.response, BusinessDays: pl.BusinessDays, BusinessHours: pl.BusinessHours, Clause: pl.Clause}
	d.add(CodeEntitled, pl.Clause, "contract "+cc.ID+" ("+pl.Name+") runs "+cc.Start.String()+" to "+cc.End.String()+": response within "+pl.response)
	d.said(CodeEntitled, "", cc.ID, pl.ID, cc.Start.String(), cc.End.String(), strconv.Itoa(pl.BusinessDays), strconv.Itoa(pl.BusinessHours))
}

// compilePlans checks contracts: and working_hours:.
func (c *compiler) compilePlans(f *fileYAML, p *Policy) {
	if wh := f.WorkingHours; wh != nil {
		p.WorkingHours = c.workingHours(wh)
	}
	seen := map[string]bool{}
	for i := range f.Contracts {
		y := &f.Contracts[i]
		path := fmt.Sprintf("contracts[%d]", i)
		if !idPattern.MatchString(y.ID) {
			c.errorf(path+".id", "required: lower-case letters, digits, '-' or '_'")
		} else if seen[y.ID] {
			c.errorf(path+".id", "duplicate plan %q", y.ID)
		}
		seen[y.ID] = true
		c.nonEmpty(path+".name", y.Name)
		pl := Plan{ID: y.ID, Name: y.Name, CoversOutOfWarranty: y.CoversOutOfWarranty, Routes: c.routes(path+".routes", y.Routes),
			BusinessDays: y.Response.BusinessDays, BusinessHours: y.Response.BusinessHours,
			AdvanceReplacement: y.AdvanceReplacement, Clause: c.clause(path, y.Clause)}
		switch {
		case y.Response.BusinessDays < 0 || y.Response.BusinessHours < 0:
			c.errorf(path+".response", "must be a positive number of business_days or business_hours")
		case y.Response.BusinessDays > 0 && y.Response.BusinessHours > 0:
			c.errorf(path+".response", "give either business_days: or business_hours:, not both")
		case y.Response.BusinessDays > 0:
			pl.response = plural(y.Response.BusinessDays, "business day")
			if p.Calendar == nil {
				c.errorf(path+".response.business_days", "business days need the policy's calendar: (its working days)")
			}
		case y.Response.BusinessHours > 0:
			pl.response = plural(y.Response.BusinessHours, "business hour")
			if p.WorkingHours == nil {
				c.errorf(path+".response.business_hours", "business hours need the policy's working_hours: (open, close, time_zone; on the days of its calendar:, else weekdays)")
			}
		default:
			c.errorf(path+".response", "required: business_days or business_hours")
		}
		p.Plans = append(p.Plans, pl)
	}
}

func (c *compiler) workingHours(y *workingHoursYAML) *WorkingHours {
	h, err := calendar.ParseHours(y.Open, y.Close, y.TimeZone, c.p.Calendar)
	if err != nil {
		// ParseHours names the part: "open: ...", "close: ...", "zone: ...".
		part, msg, _ := strings.Cut(err.Error(), ": ")
		field := map[string]string{"open": "working_hours.open", "close": "working_hours.close", "zone": "working_hours.time_zone"}[part]
		if field == "" {
			field, msg = "working_hours", err.Error()
		}
		c.errorf(field, "%s", msg)
	}
	return &WorkingHours{Hours: h, zone: y.TimeZone}
}
