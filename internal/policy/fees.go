package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Fees as data (issue 14): vendors publish restocking fees as a share of
// the price ("15%, 25% if opened"), in tiers by the unit's age ("15% within
// 30 days, 30% within 60, 50% within 90"), with a floor or a cap ("15% or
// $50, whichever is higher"). Such a fee is known when the claim is
// decided, so the decision lists it as an expected charge (citing its
// clause), and the desk charges it when it resolves the RMA, from the
// line's price and the unit's state as received.
//
// Only these fees appear in the decision: a fee with basis percentage, with
// tiers, or of kind restocking, and no findings. The fees of the seed packs
// (a repair quoted, transport at cost, an hourly no-fault fee) stay the
// desk's to charge after evaluation, so their decisions are unchanged.

// Amount is money in the smallest unit of its currency (cents): a unit's
// price on a claim, an expected charge. Its JSON is {"amount": "129.00",
// "currency": "USD"}, as the API writes money.
type Amount struct {
	Cents    int64
	Currency string
}

// IsZero reports whether no amount is given.
func (a Amount) IsZero() bool { return a == Amount{} }

// String writes "129.00 USD".
func (a Amount) String() string { return formatCents(a.Cents) + " " + a.Currency }

type amountJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

// MarshalJSON writes the amount as a decimal string with its currency.
func (a Amount) MarshalJSON() ([]byte, error) {
	return json.Marshal(amountJSON{Amount: formatCents(a.Cents), Currency: a.Currency})
}

// UnmarshalJSON reads what MarshalJSON writes (stored decisions).
func (a *Amount) UnmarshalJSON(b []byte) error {
	var raw amountJSON
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v, err := parseAmountField("", raw)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// maxAmountCents bounds an amount (ten thousand million in the currency):
// times a percentage in hundredths (at most 10000) it stays within int64.
const maxAmountCents = 1_000_000_000_000

// parseCents reads a non-negative decimal with at most two decimals
// ("129", "129.5", "129.00") as cents.
func parseCents(s string) (int64, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 || (hasFrac && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	v := w*100 + f
	return v, v <= maxAmountCents
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func formatCents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// parseAmountField checks an amount as the claim's JSON gives it; field is
// its path (lines[0].claim.product.price) for the error.
func parseAmountField(field string, raw amountJSON) (Amount, error) {
	cents, ok := parseCents(raw.Amount)
	if !ok {
		return Amount{}, &FieldError{joinFieldPath(field, "amount"), fmt.Sprintf("%q must be a decimal amount such as 129.00 (at most two decimals)", raw.Amount)}
	}
	if !currencyPattern.MatchString(raw.Currency) {
		return Amount{}, &FieldError{joinFieldPath(field, "currency"), fmt.Sprintf("%q is not an ISO 4217 code such as USD", raw.Currency)}
	}
	return Amount{Cents: cents, Currency: raw.Currency}, nil
}

func joinFieldPath(field, name string) string {
	if field == "" {
		return name
	}
	return field + "." + name
}

// Percent is a share in hundredths of a percent: 1500 is 15%, 1250 12.5%.
type Percent int32

// String writes "15", "12.5", "0.25".
func (p Percent) String() string {
	s := strconv.Itoa(int(p) / 100)
	if f := int(p) % 100; f != 0 {
		fs := fmt.Sprintf("%02d", f)
		s += "." + strings.TrimSuffix(fs, "0")
	}
	return s
}

// Of is p of cents, rounded half up to the cent.
func (p Percent) Of(cents int64) int64 { return (cents*int64(p) + 5000) / 10000 }

// parsePercent reads "15", "12.5" or "0.25" (0 to 100, at most two decimals).
func parsePercent(s string) (Percent, bool) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 3 || len(frac) > 2 || (hasFrac && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi((frac + "0")[:2])
	}
	v := w*100 + f
	return Percent(v), v <= 10000
}

// FeeTier is one step of a fee chosen first-match: it applies when the
// unit has all its Conditions and, with WithinDays, the claim was reported
// within WithinDays days after the date After.
type FeeTier struct {
	Conditions ConditionSet
	WithinDays int
	After      DateField
	Percent    Percent // the tier's share, for a percentage fee
	Amount     int64   // or its fixed amount in the fee's currency (cents)
	HasAmount  bool
}

// catchAll reports whether the tier matches every unit.
func (t *FeeTier) catchAll() bool { return t.Conditions == 0 && t.WithinDays == 0 }

// covers reports whether every unit t2 matches is matched by t too, so t2
// after t is never reached.
func (t *FeeTier) covers(t2 *FeeTier) bool {
	if t.Conditions&t2.Conditions != t.Conditions {
		return false // t asks for a condition t2 does not
	}
	if t.WithinDays == 0 {
		return true
	}
	return t2.WithinDays != 0 && t.After == t2.After && t.WithinDays >= t2.WithinDays
}

// whyOtherwise is the Why of a tier without conditions or age.
const whyOtherwise = "otherwise"

// ExpectedCharge is a fee the decision expects the desk to charge: known
// from the claim (the route, the unit's conditions, its age, its price),
// charged when the RMA is resolved.
type ExpectedCharge struct {
	Kind    string `json:"kind"`
	Basis   string `json:"basis"`
	Percent string `json:"percent,omitempty"` // the share charged, for a percentage ("25")
	// Tier is the tier chosen (1-based), 0 when the fee has no tiers;
	// Why says what chose it: the conditions it asks for, and for an
	// age tier its days after a date and the unit's age ("opened",
	// "within 30 days after delivered: day 12").
	Tier int    `json:"tier,omitempty"`
	Why  string `json:"why,omitempty"`
	// Amount is the charge for one unit, when it can be known: a fixed
	// amount, or the percentage of the claim's price, rounded half up to
	// the cent, within the fee's minimum and maximum. Limit says which
	// limit set it ("minimum", "maximum").
	Amount Amount `json:"amount,omitzero"`
	Limit  string `json:"limit,omitempty"`
	Clause string `json:"clause"`

	// What chose the tier, for the reason's Args (not stored).
	conds  []string
	within int
	after  DateField
	age    int
}

// Cents is the expected charge for one unit, and whether it is known.
func (e *ExpectedCharge) Cents() (int64, bool) { return e.Amount.Cents, !e.Amount.IsZero() }

// Fee kinds and bases of this file.
const (
	FeeKindRestocking = "restocking"
	FeeBasisPercent   = "percentage"
)

// AtDecision reports whether the fee is known when a claim is decided, so
// the decision lists it and the desk charges it at resolution.
func (f *Fee) AtDecision() bool { return f.atDecision }

// compileFeeData checks and compiles a fee's percentage, limits, categories
// and tiers into out.
func (c *compiler) compileFeeData(path string, f *feeYAML, out *Fee) {
	percentBasis := f.Basis == FeeBasisPercent
	if f.Percent != "" {
		if !percentBasis {
			c.errorf(path+".percent", "only a fee with basis: percentage has percent")
		} else if len(f.Tiers) > 0 {
			c.errorf(path+".percent", "a fee with tiers takes each tier's percent, not its own")
		} else {
			out.Percent = c.percent(path+".percent", f.Percent)
		}
	} else if percentBasis && len(f.Tiers) == 0 {
		c.errorf(path+".percent", "required for basis: percentage (or tiers: each with its percent)")
	}
	if percentBasis && f.Amount != "" {
		c.errorf(path+".amount", "a percentage fee takes percent:, not amount: (a tier may give a fixed amount)")
	}
	for _, lim := range []struct {
		name, value string
		dst         *int64
	}{{"minimum", f.Minimum, &out.Minimum}, {"maximum", f.Maximum, &out.Maximum}} {
		if lim.value == "" {
			continue
		}
		if !percentBasis {
			c.errorf(path+"."+lim.name, "only a percentage fee has a %s", lim.name)
			continue
		}
		*lim.dst = c.feeAmount(path+"."+lim.name, lim.value, f.Currency, path)
	}
	if out.Minimum > 0 && out.Maximum > 0 && out.Minimum > out.Maximum {
		c.errorf(path+".minimum", "%s is more than the maximum %s", f.Minimum, f.Maximum)
	}
	for i, cat := range f.Categories {
		if strings.TrimSpace(cat) == "" {
			c.errorf(fmt.Sprintf("%s.categories[%d]", path, i), "must not be empty")
		}
	}
	out.Categories = slices.Clone(f.Categories)
	if len(f.Tiers) > 0 && !percentBasis && f.Basis != "fixed" {
		c.errorf(path+".tiers", "only a fee with basis percentage or fixed has tiers")
	}
	if len(f.Tiers) > 0 && f.Amount != "" {
		c.errorf(path+".amount", "a fee with tiers takes each tier's amount, not its own")
	}
	for i := range f.Tiers {
		out.Tiers = append(out.Tiers, c.feeTier(fmt.Sprintf("%s.tiers[%d]", path, i), &f.Tiers[i], f, percentBasis))
	}
	for j := range out.Tiers {
		for i := range j {
			if out.Tiers[i].covers(&out.Tiers[j]) {
				what := "matches every unit tiers[%d] would"
				if out.Tiers[i].catchAll() {
					what = "matches every unit (it has no conditions and no within_days)"
				} else {
					what = fmt.Sprintf(what, j)
				}
				c.errorf(fmt.Sprintf("%s.tiers[%d]", path, j), "unreachable: tiers[%d] before it %s", i, what)
				break
			}
		}
	}
	out.atDecision = len(f.Findings) == 0 && (percentBasis || len(f.Tiers) > 0 || f.Kind == FeeKindRestocking)
	if len(f.Findings) > 0 && (percentBasis || len(f.Tiers) > 0 || f.Kind == FeeKindRestocking) {
		c.errorf(path+".findings", "a %s fee is known when the claim is decided and charged at resolution: it takes no findings", describeFee(f))
	}
}

func describeFee(f *feeYAML) string {
	switch {
	case f.Kind == FeeKindRestocking:
		return "restocking"
	case len(f.Tiers) > 0:
		return "tiered"
	}
	return "percentage"
}

func (c *compiler) percent(path, s string) Percent {
	p, ok := parsePercent(s)
	if !ok {
		c.errorf(path, "%q must be a percentage from 0 to 100 with at most two decimals, such as 15 or \"12.5\"", s)
	}
	return p
}

// feeAmount checks an amount in the fee's currency; feePath is where the
// currency belongs.
func (c *compiler) feeAmount(path, s, currency, feePath string) int64 {
	cents, ok := parseCents(s)
	if !ok || !amountPattern.MatchString(s) {
		c.errorf(path, "%q must be a decimal amount such as 50.00 (quoted)", s)
		return 0
	}
	if cents == 0 {
		c.errorf(path, "must be more than zero")
	}
	if !currencyPattern.MatchString(currency) {
		c.errorf(feePath+".currency", "required with an amount: an ISO 4217 code such as USD")
	}
	return cents
}

// feeCondition parses a condition a fee's tier names. One place, so that
// the pack's own conditions (declared beside the builtin ones) are read
// here as everywhere else.
func (c *compiler) feeCondition(path, name string) (Condition, bool) {
	cond, err := c.condition(name) // built-in or declared by the pack (vocabulary.go)
	if err != nil {
		c.errorf(path, "%v", err)
		return 0, false
	}
	return cond, true
}

func (c *compiler) feeTier(path string, t *feeTierYAML, f *feeYAML, percentBasis bool) FeeTier {
	var out FeeTier
	for i, name := range t.Conditions {
		if cond, ok := c.feeCondition(fmt.Sprintf("%s.conditions[%d]", path, i), name); ok {
			if out.Conditions.Has(cond) {
				c.errorf(fmt.Sprintf("%s.conditions[%d]", path, i), "%q is listed twice", name)
			}
			out.Conditions = out.Conditions.With(cond)
		}
	}
	switch {
	case t.WithinDays < 0:
		c.errorf(path+".within_days", "must be a positive number of days")
	case t.WithinDays > 0:
		out.WithinDays = t.WithinDays
		fd, err := ParseDateField(t.After)
		if err != nil || fd == DateReported {
			c.errorf(path+".after", "required with within_days: one of purchase, invoice, shipped, delivered, manufactured")
		}
		out.After = fd
	case t.After != "":
		c.errorf(path+".within_days", "required with after: the days after %s the tier lasts", t.After)
	}
	switch {
	case t.Percent != "" && t.Amount != "":
		c.errorf(path, "give either percent: or amount:, not both")
	case t.Percent != "":
		if !percentBasis {
			c.errorf(path+".percent", "only a tier of a fee with basis: percentage has percent (a fixed fee's tier gives amount:)")
		}
		out.Percent = c.percent(path+".percent", t.Percent)
	case t.Amount != "":
		out.Amount, out.HasAmount = c.feeAmount(path+".amount", t.Amount, f.Currency, strings.TrimSuffix(path, fmt.Sprintf(".tiers[%d]", tierIndex(path)))), true
	default:
		if percentBasis {
			c.errorf(path+".percent", "required: the tier's percent (or amount:)")
		} else {
			c.errorf(path+".amount", "required: the tier's amount")
		}
	}
	return out
}

// tierIndex reads i back from a path ending in .tiers[i].
func tierIndex(path string) int {
	i := strings.LastIndex(path, "[")
	n, _ := strconv.Atoi(strings.TrimSuffix(path[i+1:], "]"))
	return n
}

// matchesCategory reports whether the fee applies to category.
func (f *Fee) matchesCategory(category string) bool {
	if len(f.Categories) == 0 {
		return true
	}
	for _, c := range f.Categories {
		if strings.EqualFold(c, category) {
			return true
		}
	}
	return false
}

// ExpectedCharges are the fees the policy expects to charge for claim c on
// route: of the fees known at decision time that apply on the route to the
// claim's category, the first of each kind whose tiers (if any) one
// matches. The desk calls it again at resolution with the line's price and
// the conditions the unit arrived in.
func (p *Policy) ExpectedCharges(c *Claim, route Route) []ExpectedCharge {
	if len(p.decisionFees) == 0 || route == RouteNone {
		return nil
	}
	var out []ExpectedCharge
	for _, i := range p.decisionFees {
		f := &p.Fees[i]
		if !f.Routes.Matches(route) || !f.matchesCategory(c.Product.Category) {
			continue
		}
		if slices.ContainsFunc(out, func(e ExpectedCharge) bool { return e.Kind == f.Kind }) {
			continue // the first fee of a kind that applies is the one charged
		}
		if e, ok := f.expect(c); ok {
			out = append(out, e)
		}
	}
	return out
}

// expect computes the fee for claim c; ok is false when no tier matches.
func (f *Fee) expect(c *Claim) (ExpectedCharge, bool) {
	e := ExpectedCharge{Kind: f.Kind, Basis: f.Basis, Clause: f.Clause}
	percent, amount, hasAmount := f.Percent, int64(0), false
	if f.Basis == "fixed" && f.Amount != "" {
		if cents, ok := parseCents(f.Amount); ok {
			amount, hasAmount = cents, true
		}
	}
	if len(f.Tiers) > 0 {
		t, n, why, undated := f.tier(c, &e)
		if undated {
			// The age decides the tier and the claim does not say it: the
			// fee is expected, its amount is the desk's to settle.
			e.Why = "no dates." + why
			return e, true
		}
		if t == nil {
			return e, false
		}
		e.Tier, e.Why = n, why
		percent, amount, hasAmount = t.Percent, t.Amount, t.HasAmount
	}
	if hasAmount {
		e.Amount = Amount{Cents: amount, Currency: f.Currency}
		return e, true
	}
	if f.Basis != FeeBasisPercent {
		return e, true // a restocking fee the desk quotes
	}
	e.Percent = percent.String()
	price := c.Product.Price
	if price.IsZero() {
		return e, true
	}
	if (f.Minimum > 0 || f.Maximum > 0) && price.Currency != f.Currency {
		e.Limit = "currency" // the limits are in another currency: the desk sets the amount
		return e, true
	}
	cents := percent.Of(price.Cents)
	switch {
	case f.Minimum > 0 && cents < f.Minimum:
		cents, e.Limit = f.Minimum, "minimum"
	case f.Maximum > 0 && cents > f.Maximum:
		cents, e.Limit = f.Maximum, "maximum"
	}
	e.Amount = Amount{Cents: cents, Currency: price.Currency}
	return e, true
}

// tier picks the first tier that matches c (n 1-based), and says why. When
// an age tier is reached whose date the claim lacks, undated is true and
// why names the date.
func (f *Fee) tier(c *Claim, e *ExpectedCharge) (t *FeeTier, n int, why string, undated bool) {
	for i := range f.Tiers {
		t := &f.Tiers[i]
		if t.Conditions&c.Conditions != t.Conditions {
			continue
		}
		var parts []string
		for _, cond := range t.Conditions.Conditions() {
			parts = append(parts, cond.String())
		}
		e.conds = slices.Clone(parts)
		if t.WithinDays > 0 {
			from := c.Dates.Get(t.After)
			if from.IsZero() {
				return nil, 0, t.After.String(), true
			}
			age := int(c.Dates.Reported - from)
			if age > t.WithinDays {
				continue
			}
			e.within, e.after, e.age = t.WithinDays, t.After, age
			parts = append(parts, fmt.Sprintf("day %d of %d after %s", age, t.WithinDays, t.After))
		}
		why := strings.Join(parts, ", ")
		if why == "" {
			why = whyOtherwise
		}
		return t, i + 1, why, false
	}
	e.conds = nil
	return nil, 0, "", false
}

// expectCharges adds the expected charges to a decision, with a reason
// each citing the fee's clause.
func (p *Policy) expectCharges(c *Claim, d *Decision) {
	d.ExpectedCharges = p.ExpectedCharges(c, d.Route)
	for i := range d.ExpectedCharges {
		e := &d.ExpectedCharges[i]
		text, msg, args := e.explain(c)
		d.add(CodeFeeExpected, e.Clause, text)
		d.said(msg, "", args...)
	}
}

// CodeFeeExpected is the reason of an expected charge.
const CodeFeeExpected = "fee_expected"

// explain says an expected charge in English, and how (Reason.Msg, Args):
// kind, percent, amount, currency, limit, price, tier's why, tier.
func (e *ExpectedCharge) explain(c *Claim) (text, msg string, args []string) {
	kind := strings.ReplaceAll(e.Kind, "_", " ")
	if date, ok := strings.CutPrefix(e.Why, "no dates."); ok {
		return kind + " fee: its tier depends on dates." + date + ", which the claim does not give; the desk sets the amount when the return is resolved",
			CodeFeeExpected + ".undated", []string{e.Kind, date}
	}
	var b strings.Builder
	b.WriteString(kind)
	b.WriteString(" fee")
	if e.Percent != "" {
		b.WriteString(" of " + e.Percent + "%")
	}
	if e.Why != "" && e.Why != whyOtherwise {
		b.WriteString(" (" + e.Why + ")")
	}
	price := c.Product.Price
	if e.Percent != "" {
		b.WriteString(" of the price")
		if !price.IsZero() {
			b.WriteString(" " + price.String())
		}
	}
	switch {
	case !e.Amount.IsZero():
		b.WriteString(": " + e.Amount.String())
		switch e.Limit {
		case "minimum":
			b.WriteString(", the fee's minimum")
		case "maximum":
			b.WriteString(", the fee's maximum")
		}
		b.WriteString(", charged when the return is resolved")
	case e.Limit == "currency":
		b.WriteString(": the price is in " + price.Currency + " and the fee's limits are not, so the desk sets the amount when the return is resolved")
	case e.Percent != "":
		b.WriteString(": the claim gives no price, so the amount is computed from the line's price when the return is resolved")
	default:
		b.WriteString(": the desk sets the amount when the return is resolved")
	}
	amount, currency, priceText := "", "", ""
	if !e.Amount.IsZero() {
		amount, currency = formatCents(e.Amount.Cents), e.Amount.Currency
	}
	if !price.IsZero() {
		priceText = price.String()
	}
	within, after, age := "", "", ""
	if e.within > 0 {
		within, after, age = itoa(e.within), e.after.String(), itoa(e.age)
	}
	// Args: kind, percent, amount, currency, limit, price, then the tier's
	// conditions joined by "+", its days, its date, the unit's age.
	return b.String(), CodeFeeExpected, []string{e.Kind, e.Percent, amount, currency, e.Limit, priceText, strings.Join(e.conds, "+"), within, after, age}
}

// Dutch wordings of the expected charges (say.go's wordings, kept here
// beside the fees they say).
func init() {
	dutch[CodeFeeExpected] = nlFeeExpected
	dutch[CodeFeeExpected+".undated"] = func(a []string, _ string) string {
		return capital(nlFeeKind(arg(a, 0))) + ": het tarief hangt af van de " + nlField(arg(a, 1)) +
			", die de claim niet vermeldt; de servicedesk stelt het bedrag vast bij de afhandeling van de retour"
	}
}

var nlFeeKindNames = map[string]string{
	"no_fault_found": "onderzoekskosten (geen defect gevonden)", "missing_accessory": "kosten voor een ontbrekend accessoire",
	"repair": "reparatiekosten", "transport": "transportkosten", "second_investigation": "kosten van een tweede onderzoek",
	"supplier_costs": "kosten van de leverancier", "depreciation": "waardevermindering", "import_duties": "invoerrechten",
	"refused_delivery": "kosten van een geweigerde levering", "restocking": "terugnamekosten",
}

func nlFeeKind(k string) string { return orSelf(nlFeeKindNames, k) }

// nlFeeExpected: args kind, percent, amount, currency, limit, price,
// conditions ("+"), days, date, age (ExpectedCharge.explain).
func nlFeeExpected(a []string, _ string) string {
	s := capital(nlFeeKind(arg(a, 0)))
	percent := arg(a, 1)
	if percent != "" {
		s += " van " + strings.ReplaceAll(percent, ".", ",") + "%"
	}
	var why []string
	if conds := arg(a, 6); conds != "" {
		for _, c := range strings.Split(conds, "+") {
			why = append(why, nlCondition(c))
		}
	}
	if days := arg(a, 7); days != "" {
		why = append(why, "dag "+arg(a, 9)+" van "+days+" na de "+nlField(arg(a, 8)))
	}
	if len(why) > 0 {
		s += " (" + strings.Join(why, ", ") + ")"
	}
	amount, currency, price := arg(a, 2), arg(a, 3), arg(a, 5)
	if percent != "" {
		s += " van de prijs"
		if price != "" {
			s += " " + price
		}
	}
	switch {
	case amount != "":
		s += ": " + amount + " " + currency
		switch arg(a, 4) {
		case "minimum":
			s += ", het minimum van deze kosten"
		case "maximum":
			s += ", het maximum van deze kosten"
		}
		return s + ", in rekening gebracht bij de afhandeling van de retour"
	case arg(a, 4) == "currency":
		return s + ": de prijs is in een andere valuta dan de grenzen van deze kosten, dus de servicedesk stelt het bedrag vast bij de afhandeling van de retour"
	case percent != "":
		return s + ": de claim vermeldt geen prijs, dus het bedrag wordt bij de afhandeling van de retour berekend uit de prijs van de regel"
	}
	return s + ": de servicedesk stelt het bedrag vast bij de afhandeling van de retour"
}

// writeExpectedCharges adds the expected charges to a decision written for
// a person (explain.go).
func writeExpectedCharges(ew *errWriter, d *Decision) {
	for _, e := range d.ExpectedCharges {
		ew.printf("Expected charge: %s (%s", e.Kind, e.Basis)
		if e.Percent != "" {
			ew.printf(" %s%%", e.Percent)
		}
		if e.Tier > 0 {
			ew.printf(", tier %d: %s", e.Tier, e.Why)
		} else if e.Why != "" {
			ew.printf(", %s", e.Why)
		}
		ew.printf(")")
		if !e.Amount.IsZero() {
			ew.printf(" %s", e.Amount)
			if e.Limit != "" {
				ew.printf(" (%s)", e.Limit)
			}
		}
		ew.printf(" [%s]\n", e.Clause)
	}
}

// WhyIn says what chose the tier (Why) in lang, from what chose it rather
// than from the English words; a charge read back from storage, which
// keeps only Why, is said as Why.
func (e *ExpectedCharge) WhyIn(lang string) string {
	if lang != "nl" || e.Why == "" {
		return e.Why
	}
	if d, ok := strings.CutPrefix(e.Why, "no dates."); ok {
		return "geen " + nlField(d)
	}
	if e.Why == whyOtherwise {
		return "anders"
	}
	if e.conds == nil && e.within == 0 {
		return e.Why
	}
	var parts []string
	for _, c := range e.conds {
		parts = append(parts, nlCondition(c))
	}
	if e.within > 0 {
		parts = append(parts, "dag "+itoa(e.age)+" van "+itoa(e.within)+" na de "+nlField(e.after.String()))
	}
	return strings.Join(parts, ", ")
}

// describeData sums up a fee's percentage, limits, categories, routes and
// tiers for the policy summary (explain.go); "" for a fee without them.
func (f *Fee) describeData() string {
	if !f.atDecision {
		return ""
	}
	var parts []string
	if len(f.Tiers) == 0 && f.Basis == FeeBasisPercent {
		parts = append(parts, f.Percent.String()+"%")
	}
	for i, t := range f.Tiers {
		var when []string
		for _, c := range t.Conditions.Conditions() {
			when = append(when, c.String())
		}
		if t.WithinDays > 0 {
			when = append(when, fmt.Sprintf("within %d days after %s", t.WithinDays, t.After))
		}
		if len(when) == 0 {
			when = append(when, whyOtherwise)
		}
		share := t.Percent.String() + "%"
		if t.HasAmount {
			share = formatCents(t.Amount) + " " + f.Currency
		}
		parts = append(parts, fmt.Sprintf("tier %d: %s %s", i+1, strings.Join(when, ", "), share))
	}
	if f.Minimum > 0 {
		parts = append(parts, "at least "+formatCents(f.Minimum)+" "+f.Currency)
	}
	if f.Maximum > 0 {
		parts = append(parts, "at most "+formatCents(f.Maximum)+" "+f.Currency)
	}
	if len(f.Categories) > 0 {
		parts = append(parts, "categories "+strings.Join(f.Categories, ", "))
	}
	parts = append(parts, "on "+orAll(joinNames(f.Routes.Routes())))
	return ": " + strings.Join(parts, "; ")
}
