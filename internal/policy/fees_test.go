package policy_test

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// withFees is the minimal policy with a withdrawal route (so fees have a
// route to apply on) and the fees given.
func withFees(t testing.TB, fees string) string {
	t.Helper()
	return minimalPolicy(t) + "withdrawal:\n  roles: [consumer]\n  within:\n    - {days: 30, after: delivered}\n  text: Consumers only.\n  clause: all\n" +
		fees
}

// TestFeeLint breaks a fee one way at a time: each problem names the
// field's path and the YAML line it is on (marked # <- in the case).
func TestFeeLint(t *testing.T) {
	cases := []struct {
		name string
		fees string
		path string
		msg  string
	}{
		{"percent over 100", `
fees:
  - kind: restocking
    basis: percentage
    percent: 101 # <-
    routes: [withdrawal]
    clause: all
`, "fees[0].percent", "must be a percentage from 0 to 100"},
		{"percent with three decimals", `
fees:
  - kind: restocking
    basis: percentage
    percent: "12.125" # <-
    clause: all
`, "fees[0].percent", "at most two decimals"},
		{"percent on a fixed fee", `
fees:
  - kind: restocking
    basis: fixed
    amount: "10.00"
    currency: USD
    percent: 15 # <-
    clause: all
`, "fees[0].percent", "only a fee with basis: percentage has percent"},
		{"percentage without percent", `
fees:
  - kind: restocking # <-
    basis: percentage
    clause: all
`, "fees[0].percent", "required for basis: percentage"},
		{"minimum above maximum", `
fees:
  - kind: restocking
    basis: percentage
    percent: 15
    minimum: "200.00" # <-
    maximum: "150.00"
    currency: USD
    clause: all
`, "fees[0].minimum", "is more than the maximum"},
		{"minimum without currency", `
fees:
  - kind: restocking # <-
    basis: percentage
    percent: 15
    minimum: "50.00"
    clause: all
`, "fees[0].currency", "required with an amount"},
		{"minimum not an amount", `
fees:
  - kind: restocking
    basis: percentage
    percent: 15
    minimum: "fifty" # <-
    currency: USD
    clause: all
`, "fees[0].minimum", "must be a decimal amount"},
		{"maximum on a quote", `
fees:
  - kind: repair
    basis: quote
    maximum: "50.00" # <-
    currency: USD
    clause: all
`, "fees[0].maximum", "only a percentage fee has a maximum"},
		{"tier after a catch-all", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - percent: 15
      - conditions: [opened] # <-
        percent: 25
    clause: all
`, "fees[0].tiers[1]", "unreachable: tiers[0] before it matches every unit"},
		{"longer age tier before a shorter one", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - {within_days: 60, after: delivered, percent: 30}
      - {within_days: 30, after: delivered, percent: 15} # <-
    clause: all
`, "fees[0].tiers[1]", "unreachable: tiers[0] before it matches every unit tiers[1] would"},
		{"tier percent over 100", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - conditions: [opened]
        percent: 125 # <-
      - percent: 15
    clause: all
`, "fees[0].tiers[0].percent", "from 0 to 100"},
		{"tier with percent and amount", `
fees:
  - kind: restocking
    basis: percentage
    currency: USD
    tiers:
      - conditions: [opened] # <-
        percent: 25
        amount: "10.00"
      - percent: 15
    clause: all
`, "fees[0].tiers[0]", "give either percent: or amount:, not both"},
		{"tier amount without currency", `
fees:
  - kind: restocking # <-
    basis: fixed
    tiers:
      - conditions: [opened]
        amount: "20.00"
      - amount: "10.00"
    clause: all
`, "fees[0].currency", "required with an amount"},
		{"tier of a fixed fee with a percent", `
fees:
  - kind: restocking
    basis: fixed
    tiers:
      - percent: 15 # <-
    clause: all
`, "fees[0].tiers[0].percent", "only a tier of a fee with basis: percentage has percent"},
		{"tier without a share", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - conditions: [opened] # <-
    clause: all
`, "fees[0].tiers[0].percent", "required: the tier's percent"},
		{"tier with an unknown condition", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - conditions: [unboxed] # <-
        percent: 25
    clause: all
`, "fees[0].tiers[0].conditions[0]", `unknown condition "unboxed"`},
		{"age tier without its date", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - within_days: 30 # <-
        percent: 15
    clause: all
`, "fees[0].tiers[0].after", "required with within_days"},
		{"age tier counted from the reported day", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - within_days: 30
        after: reported # <-
        percent: 15
    clause: all
`, "fees[0].tiers[0].after", "required with within_days"},
		{"after without days", `
fees:
  - kind: restocking
    basis: percentage
    tiers:
      - after: delivered # <-
        percent: 15
    clause: all
`, "fees[0].tiers[0].within_days", "required with after"},
		{"tiers on an hourly fee", `
fees:
  - kind: repair
    basis: hourly
    tiers:
      - amount: "10.00" # <- (the list's first entry)
    currency: USD
    clause: all
`, "fees[0].tiers", "only a fee with basis percentage or fixed has tiers"},
		{"percentage fee after a finding", `
fees:
  - kind: restocking
    basis: percentage
    percent: 15
    findings: [no_fault_found] # <-
    clause: all
`, "fees[0].findings", "takes no findings"},
		{"percentage fee with an amount", `
fees:
  - kind: restocking
    basis: percentage
    percent: 15
    amount: "10.00" # <-
    currency: USD
    clause: all
`, "fees[0].amount", "a percentage fee takes percent:, not amount:"},
		{"unknown basis", `
fees:
  - kind: restocking
    basis: percent # <-
    clause: all
`, "fees[0].basis", `unknown value "percent"`},
		{"empty category", `
fees:
  - kind: restocking
    basis: percentage
    percent: 15
    categories: [""] # <-
    clause: all
`, "fees[0].categories[0]", "must not be empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := withFees(t, strings.TrimPrefix(tc.fees, "\n"))
			wantLine := 0
			for i, l := range strings.Split(src, "\n") {
				if strings.Contains(l, "# <-") {
					wantLine = i + 1
				}
			}
			_, err := policy.Load("p.yaml", []byte(src))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("want a LoadError, got %v", err)
			}
			for _, is := range le.Issues {
				if is.Path == tc.path && strings.Contains(is.Msg, tc.msg) {
					if is.Line != wantLine {
						t.Fatalf("%s: line %d, want %d", is, is.Line, wantLine)
					}
					return
				}
			}
			t.Fatalf("no issue %s: %s...; got %v", tc.path, tc.msg, le.Issues)
		})
	}
}

// feePack loads a pack with the fees given, which must load.
func feePack(t testing.TB, fees string) *policy.Policy {
	t.Helper()
	p, err := policy.Load("p.yaml", []byte(withFees(t, strings.TrimPrefix(fees, "\n"))))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func withdrawalClaim(t testing.TB, extra string) policy.Claim {
	t.Helper()
	c, err := policy.ParseClaim([]byte(`{"kind": "withdrawal", "requester": {"role": "consumer"}, "product": {"category": "tv"` + extra))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestFeeArithmetic: the share of the price, rounded half up to the cent,
// within the fee's minimum and maximum, at the boundaries.
func TestFeeArithmetic(t *testing.T) {
	p := feePack(t, `
fees:
  - kind: restocking
    basis: percentage
    percent: "12.5"
    minimum: "5.00"
    maximum: "100.00"
    currency: USD
    routes: [withdrawal]
    clause: all
`)
	cases := []struct {
		price, want, limit string
	}{
		{"40.00", "5.00", ""},           // 12.5% is exactly the minimum
		{"39.99", "5.00", ""},           // 4.99875 rounds to 5.00: not below it
		{"39.95", "5.00", "minimum"},    // 4.99375 rounds to 4.99: below it
		{"40.04", "5.01", ""},           // 5.005: half a cent rounds up
		{"40.03", "5.00", ""},           // 5.00375: rounds down
		{"800.00", "100.00", ""},        // exactly the maximum
		{"800.04", "100.00", "maximum"}, // 100.005 rounds to 100.01: above it
		{"0.01", "5.00", "minimum"},
		{"9999999999.99", "100.00", "maximum"}, // the largest price: no overflow
	}
	for _, tc := range cases {
		t.Run(tc.price, func(t *testing.T) {
			c := withdrawalClaim(t, `, "price": {"amount": "`+tc.price+`", "currency": "USD"}}, "dates": {"delivered": "2026-03-01", "reported": "2026-03-05"}}`)
			d := p.Evaluate(c)
			if len(d.ExpectedCharges) != 1 {
				t.Fatalf("expected charges %+v", d.ExpectedCharges)
			}
			e := d.ExpectedCharges[0]
			if got := e.Amount.String(); got != tc.want+" USD" || e.Limit != tc.limit || e.Percent != "12.5" {
				t.Fatalf("got %s limit %q percent %s, want %s USD limit %q", got, e.Limit, e.Percent, tc.want, tc.limit)
			}
			if last := d.Reasons[len(d.Reasons)-1]; last.Code != policy.CodeFeeExpected || last.Clause != "all" {
				t.Fatalf("last reason %+v", last)
			}
		})
	}
	t.Run("price in another currency than the limits", func(t *testing.T) {
		c := withdrawalClaim(t, `, "price": {"amount": "100.00", "currency": "EUR"}}, "dates": {"delivered": "2026-03-01", "reported": "2026-03-05"}}`)
		e := p.Evaluate(c).ExpectedCharges[0]
		if !e.Amount.IsZero() || e.Limit != "currency" {
			t.Fatalf("%+v", e)
		}
	})
}

// TestFeeTiers: tiers are chosen first-match by the unit's conditions and
// its age on the reported day (day N of within_days N is in, N+1 out); of
// several fees of a kind the first that applies is the one expected; fees
// apply on their routes and categories only.
func TestFeeTiers(t *testing.T) {
	p := feePack(t, `
fees:
  - kind: restocking
    basis: percentage
    categories: [special]
    routes: [withdrawal]
    tiers:
      - {conditions: [opened], within_days: 10, after: delivered, percent: 40}
      - {within_days: 10, after: delivered, percent: 20}
      - {within_days: 20, after: delivered, percent: 30}
    clause: all
  - kind: restocking
    basis: fixed
    currency: USD
    routes: [withdrawal]
    tiers:
      - {conditions: [opened], amount: "25.00"}
      - {amount: "0.50"}
    clause: all
`)
	price := `, "price": {"amount": "100.00", "currency": "USD"}`
	cases := []struct {
		name, category, reported, conditions string
		kind                                 string
		want                                 string // amount, tier
		tier                                 int
	}{
		{"opened day 10", "special", "2026-03-11", `["opened"]`, "withdrawal", "40.00 USD", 1},
		{"opened day 11", "special", "2026-03-12", `["opened"]`, "withdrawal", "30.00 USD", 3},
		{"day 10", "special", "2026-03-11", `[]`, "withdrawal", "20.00 USD", 2},
		{"day 20", "special", "2026-03-21", `[]`, "withdrawal", "30.00 USD", 3},
		{"day 21: the next fee", "special", "2026-03-22", `[]`, "withdrawal", "0.50 USD", 2},
		{"other category opened", "tv", "2026-03-05", `["opened"]`, "withdrawal", "25.00 USD", 1},
		{"a defect: no fee on its route", "special", "2026-03-05", `["opened"]`, "defect", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := policy.ParseClaim([]byte(`{"kind": "` + tc.kind + `", "requester": {"role": "consumer"}, "product": {"category": "` + tc.category + `"` + price +
				`}, "dates": {"purchase": "2026-03-01", "delivered": "2026-03-01", "reported": "` + tc.reported + `"}, "conditions": ` + tc.conditions + `}`))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			if tc.want == "" {
				if len(d.ExpectedCharges) != 0 {
					t.Fatalf("want none, got %+v", d.ExpectedCharges)
				}
				return
			}
			if len(d.ExpectedCharges) != 1 {
				t.Fatalf("want one, got %+v", d.ExpectedCharges)
			}
			if e := d.ExpectedCharges[0]; e.Amount.String() != tc.want || e.Tier != tc.tier {
				t.Fatalf("got %s tier %d (%s), want %s tier %d", e.Amount, e.Tier, e.Why, tc.want, tc.tier)
			}
		})
	}
	t.Run("undated age tier", func(t *testing.T) {
		c := withdrawalClaim(t, `, "category": "special"}, "dates": {"reported": "2026-03-05"}}`)
		c.Product.Category = "special"
		got := p.ExpectedCharges(&c, policy.RouteWithdrawal)
		if len(got) != 1 || got[0].Why != "no dates.delivered" || !got[0].Amount.IsZero() {
			t.Fatalf("%+v", got)
		}
	})
}

// TestClaimPrice: product.price is checked with its field path, kept
// through the JSON contract, and the claim stays comparable.
func TestClaimPrice(t *testing.T) {
	bad := []struct{ price, field string }{
		{`{"amount": "12.345", "currency": "USD"}`, "product.price.amount"},
		{`{"amount": "-1.00", "currency": "USD"}`, "product.price.amount"},
		{`{"amount": "0.00", "currency": "USD"}`, "product.price.amount"},
		{`{"amount": "12", "currency": "usd"}`, "product.price.currency"},
		{`{"amount": "12"}`, "product.price.currency"},
		{`{"amount": 12, "currency": "USD"}`, "product.price.amount"},
		{`"12 USD"`, "product.price"},
	}
	for _, tc := range bad {
		_, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "tv", "price": ` + tc.price + `}, "dates": {"reported": "2026-03-05"}}`))
		var fe *policy.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: got %v, want an error on %s", tc.price, err, tc.field)
		}
	}
	c := withdrawalClaim(t, `, "price": {"amount": "129.5", "currency": "USD"}}, "dates": {"reported": "2026-03-05"}, "conditions": ["opened"]}`)
	if c.Product.Price != (policy.Amount{Cents: 12950, Currency: "USD"}) || !c.Conditions.Has(policy.Opened) {
		t.Fatalf("%+v", c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"price":{"amount":"129.50","currency":"USD"}`) {
		t.Fatalf("%s", b)
	}
	back, err := policy.ParseClaim(b)
	if err != nil || !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

// TestFeeReasonsInDutch: the expected charge's reason is said in Dutch
// from its wording and values.
func TestFeeReasonsInDutch(t *testing.T) {
	data, err := os.ReadFile("../../examples/policies/usshop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load("usshop.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ claim, want string }{
		{`"category": "tv", "price": {"amount": "899.00", "currency": "USD"}}, "dates": {"delivered": "2026-03-01", "reported": "2026-03-10"}, "conditions": ["opened"]}`,
			"Terugnamekosten van 25% (geopend) van de prijs 899.00 USD: 150.00 USD, het maximum van deze kosten, in rekening gebracht bij de afhandeling van de retour"},
		{`"category": "special-order", "price": {"amount": "600.00", "currency": "USD"}}, "dates": {"purchase": "2026-01-01", "delivered": "2026-01-20", "reported": "2026-01-31"}}`,
			"Terugnamekosten van 15% (dag 30 van 30 na de aankoopdatum) van de prijs 600.00 USD: 90.00 USD, in rekening gebracht bij de afhandeling van de retour"},
		{`"category": "tv"}, "dates": {"delivered": "2026-03-01", "reported": "2026-03-10"}}`,
			"Terugnamekosten van 15% van de prijs: de claim vermeldt geen prijs, dus het bedrag wordt bij de afhandeling van de retour berekend uit de prijs van de regel"},
		{`"category": "special-order"}, "dates": {"delivered": "2026-03-01", "reported": "2026-03-10"}}`,
			"Terugnamekosten: het tarief hangt af van de aankoopdatum, die de claim niet vermeldt; de servicedesk stelt het bedrag vast bij de afhandeling van de retour"},
	}
	for _, tc := range cases {
		c, err := policy.ParseClaim([]byte(`{"kind": "withdrawal", "requester": {"role": "consumer"}, "product": {` + tc.claim))
		if err != nil {
			t.Fatal(err)
		}
		d := p.Evaluate(c)
		r := d.Reasons[len(d.Reasons)-1]
		got, ok := p.ReasonText("nl", r)
		if !ok || got != tc.want {
			t.Errorf("got %q (%v)\nwant %q", got, ok, tc.want)
		}
	}
}

// TestSeedFeesNotAtDecision: no fee of a seed pack is known at decision
// time, so their decisions list no expected charges.
func TestSeedFeesNotAtDecision(t *testing.T) {
	for _, id := range []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"} {
		for _, f := range pack(t, id).Fees {
			if f.AtDecision() {
				t.Errorf("%s: fee %s (%s) would appear in decisions", id, f.Kind, f.Basis)
			}
		}
	}
}

// TestFeeWhyInDutch: what chose a tier, in Dutch, from what chose it.
func TestFeeWhyInDutch(t *testing.T) {
	p := feePack(t, `
fees:
  - kind: restocking
    basis: percentage
    routes: [withdrawal]
    tiers:
      - {conditions: [opened], within_days: 10, after: delivered, percent: 40}
      - {within_days: 10, after: purchase, percent: 20}
      - percent: 15
    clause: all
`)
	cases := []struct{ dates, conditions, en, nl string }{
		{`"delivered": "2026-03-01"`, `["opened"]`, "opened, day 4 of 10 after delivered", "geopend, dag 4 van 10 na de leverdatum"},
		{`"delivered": "2026-03-01"`, `[]`, "no dates.purchase", "geen aankoopdatum"},
		{`"purchase": "2026-02-01", "delivered": "2026-03-01"`, `[]`, "otherwise", "anders"},
	}
	for _, tc := range cases {
		c, err := policy.ParseClaim([]byte(`{"kind": "withdrawal", "requester": {"role": "consumer"}, "product": {"category": "tv"}, "dates": {` + tc.dates + `, "reported": "2026-03-05"}, "conditions": ` + tc.conditions + `}`))
		if err != nil {
			t.Fatal(err)
		}
		e := p.ExpectedCharges(&c, policy.RouteWithdrawal)[0]
		if e.Why != tc.en || e.WhyIn("nl") != tc.nl || e.WhyIn("en") != tc.en {
			t.Errorf("why %q / %q, want %q / %q", e.Why, e.WhyIn("nl"), tc.en, tc.nl)
		}
	}
}
