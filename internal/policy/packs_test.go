package policy_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

var (
	packsOnce sync.Once
	packsByID map[string]*policy.Policy
	packsErr  error
)

// pack returns one of the embedded seed packs, loaded once per test binary.
func pack(t testing.TB, id string) *policy.Policy {
	t.Helper()
	packsOnce.Do(func() {
		var set *policy.Set
		set, packsErr = policy.LoadFS(policies.FS)
		if packsErr != nil {
			return
		}
		packsByID = map[string]*policy.Policy{}
		for _, id := range set.IDs() {
			packsByID[id] = set.Latest(id)
		}
	})
	if packsErr != nil {
		t.Fatalf("loading packs: %v", packsErr)
	}
	p := packsByID[id]
	if p == nil {
		t.Fatalf("no pack %q", id)
	}
	return p
}

func TestPacksLoad(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		if le, ok := err.(*policy.LoadError); ok {
			for _, is := range le.Issues {
				t.Error(is)
			}
			t.FailNow()
		}
		t.Fatal(err)
	}
	ids := set.IDs()
	if want := []string{"dexxon", "minicart", "pixfra", "plextor", "webstore4"}; !slices.Equal(ids, want) {
		t.Fatalf("packs = %v, want %v", ids, want)
	}
}

// decisionCase is one claim against one pack and what the engine must say.
// codes is the exact list of reason codes, in order.
type decisionCase struct {
	name     string
	claim    string
	verdict  string
	route    string
	codes    []string
	lastDay  string // the warranty's last day, when it matters
	basis    string // the warranty's start basis, when it matters
	missing  []string
	enclose  []string
	resolves []string
	inbound  string
}

func runDecisionCases(t *testing.T, id string, cases []decisionCase) {
	t.Helper()
	p := pack(t, id)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claim, err := policy.ParseClaim([]byte(tc.claim))
			if err != nil {
				t.Fatalf("claim: %v", err)
			}
			d := p.Evaluate(claim)
			var codes []string
			for _, r := range d.Reasons {
				cover(id, r.Clause)
				codes = append(codes, r.Code)
				if r.Clause != "" && p.Clause(r.Clause) == nil {
					t.Errorf("reason %s cites unknown clause %q", r.Code, r.Clause)
				}
				if r.Text == "" {
					t.Errorf("reason %s has no text", r.Code)
				}
				// Every reason of every case can be said in Dutch: the
				// engine's wording and the pack's text (texts.go, say.go).
				if nl, ok := p.ReasonText("nl", r); !ok || nl == "" {
					t.Errorf("reason %s (wording %q, key %q) has no Dutch: %q", r.Code, r.Msg, r.Key, r.Text)
				}
			}
			coverDecision(p, &claim, &d)
			explain := func() string {
				var b strings.Builder
				_ = policy.WriteDecision(&b, p, &d)
				return b.String()
			}
			if d.Verdict.String() != tc.verdict || d.Route.String() != tc.route || !slices.Equal(codes, tc.codes) {
				t.Fatalf("got %s/%s %v, want %s/%s %v\n%s", d.Verdict, d.Route, codes, tc.verdict, tc.route, tc.codes, explain())
			}
			if tc.lastDay != "" && d.Warranty.LastDay.String() != tc.lastDay {
				t.Errorf("last day = %s, want %s\n%s", d.Warranty.LastDay, tc.lastDay, explain())
			}
			if w := d.Warranty; w.Term != "" && (w.Start.IsZero() || w.LastDay.IsZero()) {
				t.Errorf("half-filled warranty %+v", w)
			}
			if tc.basis != "" && d.Warranty.Basis.String() != tc.basis {
				t.Errorf("basis = %s, want %s", d.Warranty.Basis, tc.basis)
			}
			if got := names(d.MissingDocuments); !slices.Equal(got, tc.missing) {
				t.Errorf("missing documents = %v, want %v", got, tc.missing)
			}
			if tc.enclose != nil {
				if got := names(d.EncloseDocuments); !slices.Equal(got, tc.enclose) {
					t.Errorf("enclose = %v, want %v", got, tc.enclose)
				}
			}
			if tc.resolves != nil && !slices.Equal(d.Resolutions, tc.resolves) {
				t.Errorf("resolutions = %v, want %v", d.Resolutions, tc.resolves)
			}
			if tc.inbound != "" && d.InboundShippingPaidBy.String() != tc.inbound {
				t.Errorf("inbound shipping = %s, want %s", d.InboundShippingPaidBy, tc.inbound)
			}
			if d.Verdict == policy.Reject && (d.Route != policy.RouteNone || d.Resolutions != nil) {
				t.Errorf("a rejection has route %s and resolutions %v", d.Route, d.Resolutions)
			}
			if d.Route == policy.RouteChargeable && d.Verdict == policy.Accept {
				t.Error("a chargeable route is never a plain accept")
			}
		})
	}
}

func names[T interface{ String() string }](items []T) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.String())
	}
	return out
}

func TestDexxon(t *testing.T) {
	const partner = `"requester": {"role": "partner", "country": "NL"}, "product": {"category": "ssd"}`
	receipt := func(purchase, reported string, extra string) string {
		return `{` + partner + `, "dates": {"purchase": "` + purchase + `", "reported": "` + reported + `"}, "documents": ["purchase_receipt"]` + extra + `}`
	}
	runDecisionCases(t, "dexxon", []decisionCase{
		{name: "last day of the 2 years is in warranty", claim: receipt("2024-03-15", "2026-03-14", ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2026-03-14", basis: "purchase",
			enclose: []string{"purchase_receipt"}, resolves: []string{"destroy_and_credit", "refer_to_manufacturer", "return"}, inbound: "requester"},
		{name: "day after the last day is out of warranty", claim: receipt("2024-03-15", "2026-03-15", ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2026-03-14"},
		{name: "leap day purchase ends on 28 February", claim: receipt("2024-02-29", "2026-02-28", ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2026-02-28"},
		{name: "leap day purchase, 1 March is out", claim: receipt("2024-02-29", "2026-03-01", ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2026-02-28"},
		{name: "without the receipt the term runs from Dexxon's invoice",
			claim:   `{` + partner + `, "dates": {"purchase": "2024-03-15", "invoice": "2024-01-10", "reported": "2026-01-09"}}`,
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}, lastDay: "2026-01-09", basis: "invoice",
			enclose: []string{"purchase_receipt"}},
		{name: "invoice fallback: day after its last day is out",
			claim:   `{` + partner + `, "dates": {"purchase": "2024-03-15", "invoice": "2024-01-10", "reported": "2026-01-10"}}`,
			verdict: "reject", route: "none", codes: []string{"warranty_start_fallback", "out_of_warranty"}, basis: "invoice"},
		{name: "a receipt with a vendor invoice encloses the receipt",
			claim:   `{` + partner + `, "dates": {"invoice": "2025-01-10", "reported": "2026-01-09"}, "documents": ["vendor_invoice"]}`,
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}, enclose: []string{"vendor_invoice"}},
		{name: "no dates: needs the receipt", claim: `{` + partner + `, "dates": {"reported": "2026-01-09"}}`,
			verdict: "needs_info", route: "warranty", codes: []string{"missing_warranty_start"}, missing: []string{"purchase_receipt"}},
		{name: "purchase date without receipt and no invoice", claim: `{` + partner + `, "dates": {"purchase": "2025-06-01", "reported": "2026-01-09"}}`,
			verdict: "needs_info", route: "warranty", codes: []string{"missing_warranty_start"}, missing: []string{"purchase_receipt"}},
		{name: "dealer may file", claim: `{"requester": {"role": "dealer"}, "product": {"category": "ssd"}, "dates": {"invoice": "2025-01-10", "reported": "2026-01-09"}}`,
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}},
		{name: "consumer is sent to the shop", claim: `{"requester": {"role": "consumer"}, "product": {"category": "ssd"}, "dates": {"reported": "2026-01-09"}}`,
			verdict: "reject", route: "none", codes: []string{"requester_not_eligible"}},
		{name: "end user is sent to the shop", claim: `{"requester": {"role": "end_user"}, "product": {"category": "ssd"}, "dates": {"reported": "2026-01-09"}}`,
			verdict: "reject", route: "none", codes: []string{"requester_not_eligible"}},
		{name: "serial altered voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["serial_altered"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "serial_altered"}},
		{name: "unauthorized repair voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["unauthorized_repair"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "unauthorized_repair"}},
		{name: "misuse voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["misuse"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "misuse"}},
		{name: "cause misuse voids", claim: receipt("2025-03-15", "2026-03-14", `, "cause": "misuse"`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "cause_misuse"}},
		{name: "unsupported accessory voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["unsupported_accessory"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "unsupported_accessory"}},
		{name: "accident voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["accident"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "accident"}},
		{name: "animal damage voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["animal_damage"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "animal_damage"}},
		{name: "altered receipt voids", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["receipt_altered"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "receipt_altered"}},
		{name: "two exclusions both explained", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["accident", "serial_altered"]`),
			verdict: "reject", route: "none", codes: []string{"in_warranty", "serial_altered", "accident"}},
		{name: "physical damage alone is no Dexxon exclusion", claim: receipt("2025-03-15", "2026-03-14", `, "conditions": ["physical_damage"]`),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}},
		{name: "no right of withdrawal", claim: `{"kind": "withdrawal", ` + partner + `, "dates": {"delivered": "2026-01-05", "reported": "2026-01-09"}}`,
			verdict: "reject", route: "none", codes: []string{"withdrawal_not_offered"}},
	})
}

func TestPlextor(t *testing.T) {
	claim := func(role, country, dates, docs, extra string) string {
		return `{"requester": {"role": "` + role + `", "country": "` + country + `"}, "product": {"category": "optical-drive"}, "dates": {` + dates + `}, "documents": [` + docs + `]` + extra + `}`
	}
	const receipt = `"purchase_receipt"`
	runDecisionCases(t, "plextor", []decisionCase{
		{name: "DOA on the 15th day after purchase", claim: claim("end_user", "BE", `"purchase": "2026-01-01", "reported": "2026-01-16"`, receipt, ""),
			verdict: "accept", route: "doa", codes: []string{"doa"}, resolves: []string{"replace"}, enclose: []string{"purchase_receipt"}, inbound: "unspecified"},
		{name: "reported before the policy took effect: a person checks", claim: claim("end_user", "BE", `"purchase": "2005-12-20", "reported": "2005-12-31"`, receipt, ""),
			verdict: "review", route: "doa", codes: []string{"policy_not_in_force", "doa"}},
		{name: "16th day is a standard warranty claim", claim: claim("end_user", "BE", `"purchase": "2026-01-01", "reported": "2026-01-17"`, receipt, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2027-12-31", resolves: []string{"replace"}},
		{name: "damaged drive falls back to standard RMA", claim: claim("end_user", "FR", `"purchase": "2026-01-01", "reported": "2026-01-05"`, receipt, `, "conditions": ["physical_damage"]`),
			verdict: "accept", route: "warranty", codes: []string{"doa_conditions_not_met", "in_warranty"}},
		{name: "no invoice copy: no DOA and no warranty start", claim: claim("end_user", "FR", `"purchase": "2026-01-01", "reported": "2026-01-05"`, "", ""),
			verdict: "needs_info", route: "warranty", codes: []string{"doa_conditions_not_met", "missing_warranty_start"}, missing: []string{"purchase_receipt"}},
		{name: "each unmet DOA condition is its own reason", claim: claim("end_user", "FR", `"purchase": "2026-01-01", "reported": "2026-01-05"`, "", `, "conditions": ["physical_damage"]`),
			verdict: "needs_info", route: "warranty", codes: []string{"doa_conditions_not_met", "doa_conditions_not_met", "missing_warranty_start"}, missing: []string{"purchase_receipt"}},
		{name: "dealer DOA from Plextor's invoice", claim: claim("dealer", "DE", `"invoice": "2026-03-01", "reported": "2026-03-16"`, `"vendor_invoice"`, ""),
			verdict: "accept", route: "doa", codes: []string{"warranty_start_fallback", "doa"}, enclose: []string{"vendor_invoice"}},
		{name: "last day of the default 2 years", claim: claim("distributor", "NL", `"invoice": "2023-01-01", "reported": "2024-12-31"`, `"vendor_invoice"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}, lastDay: "2024-12-31"},
		{name: "out of warranty goes to chargeable service", claim: claim("distributor", "NL", `"invoice": "2023-01-01", "reported": "2025-01-01"`, `"vendor_invoice"`, ""),
			verdict: "review", route: "chargeable", codes: []string{"warranty_start_fallback", "out_of_warranty", "chargeable_service"}, resolves: []string{"repair", "return_unrepaired"}},
		{name: "Switzerland is served like the EC, with a pro-forma invoice", claim: claim("end_user", "CH", `"purchase": "2025-06-01", "reported": "2026-01-05"`, receipt, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, enclose: []string{"purchase_receipt", "proforma_invoice"}},
		{name: "Norway is served like the EC", claim: claim("end_user", "NO", `"purchase": "2025-06-01", "reported": "2026-01-05"`, receipt, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, enclose: []string{"purchase_receipt", "proforma_invoice"}},
		{name: "inside the EU no pro-forma invoice", claim: claim("end_user", "DE", `"purchase": "2025-06-01", "reported": "2026-01-05"`, receipt, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, enclose: []string{"purchase_receipt"}},
		{name: "other European country: different policy, a person decides", claim: claim("end_user", "GB", `"purchase": "2025-06-01", "reported": "2026-01-05"`, receipt, ""),
			verdict: "review", route: "warranty", codes: []string{"region_not_served", "in_warranty"}},
		{name: "no country: needs it", claim: `{"requester": {"role": "end_user"}, "product": {"category": "optical-drive"}, "dates": {"purchase": "2025-06-01", "reported": "2026-01-05"}, "documents": ["purchase_receipt"]}`,
			verdict: "needs_info", route: "warranty", codes: []string{"missing_country", "in_warranty"}},
		{name: "dealer with an invoice date but no invoice is asked for the invoice", claim: claim("dealer", "NL", `"invoice": "2025-01-01", "reported": "2025-06-01"`, "", ""),
			verdict: "needs_info", route: "warranty", codes: []string{"missing_warranty_start"}, missing: []string{"vendor_invoice"}},
		{name: "partner may file", claim: claim("partner", "NL", `"invoice": "2025-01-01", "reported": "2025-06-01"`, `"vendor_invoice"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}},
	})
}

func TestWebStore4(t *testing.T) {
	withdraw := func(role, dates, extra string) string {
		return `{"kind": "withdrawal", "requester": {"role": "` + role + `", "country": "NL"}, "product": {"category": "router"}, "dates": {` + dates + `}` + extra + `}`
	}
	defect := func(dates, extra string) string {
		return `{"requester": {"role": "consumer", "country": "NL"}, "product": {"category": "router"}, "dates": {` + dates + `}` + extra + `}`
	}
	runDecisionCases(t, "webstore4", []decisionCase{
		{name: "withdrawal on the 14th day after delivery", claim: withdraw("consumer", `"delivered": "2026-03-01", "reported": "2026-03-15"`, ""),
			verdict: "accept", route: "withdrawal", codes: []string{"within_withdrawal_window"}, resolves: []string{"refund"}, inbound: "requester"},
		{name: "withdrawal on the 15th day is too late", claim: withdraw("consumer", `"delivered": "2026-03-01", "reported": "2026-03-16"`, ""),
			verdict: "reject", route: "none", codes: []string{"outside_window"}},
		{name: "withdrawal is a consumer's right", claim: withdraw("dealer", `"delivered": "2026-03-01", "reported": "2026-03-05"`, ""),
			verdict: "reject", route: "none", codes: []string{"requester_not_eligible"}},
		{name: "withdrawal without delivery date needs it", claim: withdraw("consumer", `"reported": "2026-03-05"`, ""),
			verdict: "needs_info", route: "withdrawal", codes: []string{"missing_dates"}},
		{name: "withdrawal with login details: depreciation warning", claim: withdraw("consumer", `"delivered": "2026-03-01", "reported": "2026-03-05"`, `, "conditions": ["credentials_not_removed"]`),
			verdict: "accept", route: "withdrawal", codes: []string{"within_withdrawal_window", "credentials_not_removed"}},
		{name: "defect within 2 years from delivery", claim: defect(`"delivered": "2024-05-10", "reported": "2026-05-09"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2026-05-09", resolves: []string{"repair", "replace"}, inbound: "requester"},
		{name: "defect with login details: second investigation warning", claim: defect(`"delivered": "2025-05-10", "reported": "2026-05-09"`, `, "conditions": ["credentials_not_removed"]`),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty", "credentials_not_removed"}},
		{name: "defect out of warranty: contacted about further processing", claim: defect(`"delivered": "2024-05-10", "reported": "2026-05-10"`, ""),
			verdict: "review", route: "chargeable", codes: []string{"out_of_warranty", "chargeable_service"}, resolves: []string{"repair", "return_unrepaired"}},
		{name: "out of warranty with login details still warns", claim: defect(`"delivered": "2024-05-10", "reported": "2026-05-10"`, `, "conditions": ["credentials_not_removed"]`),
			verdict: "review", route: "chargeable", codes: []string{"out_of_warranty", "chargeable_service", "credentials_not_removed"}},
		{name: "invoice date when delivery is unknown", claim: defect(`"invoice": "2024-05-10", "reported": "2026-05-09"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}, basis: "invoice"},
		{name: "defect with no dates", claim: defect(`"reported": "2026-05-09"`, ""),
			verdict: "needs_info", route: "warranty", codes: []string{"missing_warranty_start"}},
	})
}

func TestPixfra(t *testing.T) {
	const allDocs = `"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"`
	claim := func(part, dates, extra string) string {
		return `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera", "part": "` + part + `"}, "dates": {` + dates + `}, "documents": [` + allDocs + `]` + extra + `}`
	}
	runDecisionCases(t, "pixfra", []decisionCase{
		{name: "last day on National Day moves to the first working day", claim: claim("device", `"invoice": "2022-10-02", "reported": "2025-10-09"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"holiday_extended", "in_warranty"}, lastDay: "2025-10-09", basis: "invoice",
			resolves: []string{"repair", "replace"}},
		{name: "the day after the moved last day is out", claim: claim("device", `"invoice": "2022-10-02", "reported": "2025-10-10"`, ""),
			verdict: "reject", route: "none", codes: []string{"holiday_extended", "out_of_warranty"}, lastDay: "2025-10-09"},
		{name: "Spring Festival 2024 rolls onto the make-up Sunday", claim: claim("device", `"invoice": "2021-02-11", "reported": "2024-02-18"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"holiday_extended", "in_warranty"}, lastDay: "2024-02-18"},
		{name: "Spring Festival 2024: the Monday after is out", claim: claim("device", `"invoice": "2021-02-11", "reported": "2024-02-19"`, ""),
			verdict: "reject", route: "none", codes: []string{"holiday_extended", "out_of_warranty"}, lastDay: "2024-02-18"},
		{name: "an ordinary last day does not move", claim: claim("device", `"invoice": "2022-03-15", "reported": "2025-03-14"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2025-03-14"},
		{name: "an ordinary last day: the day after is out", claim: claim("device", `"invoice": "2022-03-15", "reported": "2025-03-15"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2025-03-14"},
		{name: "a Saturday last day is no holiday and does not move", claim: claim("device", `"invoice": "2022-09-28", "reported": "2025-09-28"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2025-09-27"},
		{name: "leap day invoice: 3 years end on 28 February", claim: claim("device", `"invoice": "2020-02-29", "reported": "2023-02-28"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2023-02-28"},
		{name: "leap day invoice: 1 March is out", claim: claim("device", `"invoice": "2020-02-29", "reported": "2023-03-01"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}},
		{name: "without the invoice the term runs from manufacturing",
			claim:   `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"invoice": "2023-06-01", "manufactured": "2023-01-10", "reported": "2026-01-09"}, "documents": ["purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`,
			verdict: "accept", route: "warranty", codes: []string{"warranty_start_fallback", "in_warranty"}, basis: "manufactured", lastDay: "2026-01-09"},
		{name: "removable battery: 1 year", claim: claim("battery", `"invoice": "2024-05-01", "reported": "2025-04-30"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2025-04-30"},
		{name: "removable battery: a day past the year", claim: claim("battery", `"invoice": "2024-05-01", "reported": "2025-05-01"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}},
		{name: "wearing parts are excluded", claim: claim("wearing", `"invoice": "2025-05-01", "reported": "2025-06-01"`, ""),
			verdict: "reject", route: "none", codes: []string{"part_not_covered"}},
		{name: "other categories get the device term", claim: `{"requester": {"role": "distributor", "country": "FR"}, "product": {"category": "monocular"}, "dates": {"invoice": "2023-01-01", "reported": "2025-12-31"}, "documents": [` + allDocs + `]}`,
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2025-12-31"},
		{name: "painted or tampered: repair with charge", claim: claim("device", `"invoice": "2025-01-02", "reported": "2025-06-01"`, `, "conditions": ["painted_or_tampered"]`),
			verdict: "review", route: "chargeable", codes: []string{"in_warranty", "painted_or_tampered"}, resolves: []string{"repair", "return_unrepaired"}},
		{name: "labels removed: repair with charge", claim: claim("device", `"invoice": "2025-01-02", "reported": "2025-06-01"`, `, "conditions": ["labels_removed"]`),
			verdict: "review", route: "chargeable", codes: []string{"in_warranty", "labels_removed"}},
		{name: "label and appearance photos and proofs are required",
			claim:   `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"invoice": "2025-01-02", "reported": "2025-06-01"}, "documents": ["vendor_invoice"]}`,
			verdict: "needs_info", route: "warranty", codes: []string{"in_warranty", "missing_documents", "missing_documents", "missing_documents", "missing_documents"},
			missing: []string{"label_photo", "appearance_photo", "purchase_receipt", "shipping_document"}},
		{name: "missing photos outrank a chargeable review",
			claim:   `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"invoice": "2025-01-02", "reported": "2025-06-01"}, "documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "appearance_photo"], "conditions": ["labels_removed"]}`,
			verdict: "needs_info", route: "chargeable", codes: []string{"in_warranty", "labels_removed", "missing_documents"}, missing: []string{"label_photo"}},
		{name: "end users are sent to their seller", claim: `{"requester": {"role": "end_user", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"reported": "2025-06-01"}}`,
			verdict: "reject", route: "none", codes: []string{"requester_not_eligible"}},
		{name: "dealers file through their distributor", claim: `{"requester": {"role": "dealer", "country": "DE"}, "product": {"category": "thermal-camera"}, "dates": {"reported": "2025-06-01"}}`,
			verdict: "reject", route: "none", codes: []string{"requester_not_eligible"}},
		{name: "the policy is for overseas distributors", claim: `{"requester": {"role": "distributor", "country": "CN"}, "product": {"category": "thermal-camera"}, "dates": {"invoice": "2025-01-02", "reported": "2025-06-01"}, "documents": [` + allDocs + `]}`,
			verdict: "reject", route: "none", codes: []string{"region_not_served", "in_warranty"}},
		{name: "a last day past the holiday data needs a person", claim: claim("device", `"invoice": "2024-03-05", "reported": "2027-03-10"`, ""),
			verdict: "review", route: "warranty", codes: []string{"calendar_not_covered"}, lastDay: "2027-03-04"},
		{name: "past the holiday data, beyond any holiday's reach", claim: claim("device", `"invoice": "2024-03-05", "reported": "2027-03-19"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2027-03-04"},
		{name: "before the holiday data, years out of warranty", claim: claim("device", `"invoice": "2016-04-30", "reported": "2025-06-01"`, ""),
			verdict: "reject", route: "none", codes: []string{"out_of_warranty"}, lastDay: "2019-04-29"},
		{name: "past the holiday data but still in warranty is decided", claim: claim("device", `"invoice": "2024-03-05", "reported": "2026-03-10"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2027-03-04"},
	})
}

func TestMiniCart(t *testing.T) {
	const proofs = `"documents": ["package_photos", "defect_media"]`
	claim := func(dates, extra string) string {
		return `{"requester": {"role": "consumer", "country": "ES"}, "product": {"category": "tablet"}, "dates": {` + dates + `}, ` + proofs + extra + `}`
	}
	runDecisionCases(t, "minicart", []decisionCase{
		{name: "DOA on the 7th day after delivery", claim: claim(`"delivered": "2026-11-01", "reported": "2026-11-08"`, ""),
			verdict: "accept", route: "doa", codes: []string{"doa"}, resolves: []string{"replace", "refund", "remote_fix"}, inbound: "vendor"},
		{name: "8th day after delivery, within 30 after shipment", claim: claim(`"shipped": "2026-10-20", "delivered": "2026-11-01", "reported": "2026-11-09"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, basis: "shipped", lastDay: "2026-11-19", inbound: "vendor"},
		{name: "8th day after delivery, shipment date unknown", claim: claim(`"delivered": "2026-11-01", "reported": "2026-11-09"`, ""),
			verdict: "reject", route: "none", codes: []string{"outside_window"}, lastDay: "2026-11-08"},
		{name: "30th day after shipment", claim: claim(`"shipped": "2026-10-01", "reported": "2026-10-31"`, ""),
			verdict: "accept", route: "warranty", codes: []string{"in_warranty"}, lastDay: "2026-10-31"},
		{name: "31st day after shipment", claim: claim(`"shipped": "2026-10-01", "reported": "2026-11-01"`, ""),
			verdict: "reject", route: "none", codes: []string{"outside_window"}},
		{name: "both windows closed: the later one is reported", claim: claim(`"shipped": "2026-10-01", "delivered": "2026-10-20", "reported": "2026-11-05"`, ""),
			verdict: "reject", route: "none", codes: []string{"outside_window"}, basis: "shipped", lastDay: "2026-10-31"},
		{name: "no dates", claim: claim(`"reported": "2026-11-05"`, ""),
			verdict: "needs_info", route: "warranty", codes: []string{"missing_dates"}},
		{name: "accidental damage is not covered", claim: claim(`"delivered": "2026-11-01", "reported": "2026-11-03"`, `, "conditions": ["accident"]`),
			verdict: "reject", route: "none", codes: []string{"doa", "accident"}},
		{name: "misuse is not covered", claim: claim(`"delivered": "2026-11-01", "reported": "2026-11-03"`, `, "conditions": ["misuse"]`),
			verdict: "reject", route: "none", codes: []string{"doa", "misuse"}},
		{name: "incorrect usage is not covered", claim: claim(`"delivered": "2026-11-01", "reported": "2026-11-03"`, `, "cause": "misuse"`),
			verdict: "reject", route: "none", codes: []string{"doa", "cause_misuse"}},
		{name: "package photos and defect media are required",
			claim:   `{"requester": {"role": "consumer", "country": "ES"}, "product": {"category": "tablet"}, "dates": {"delivered": "2026-11-01", "reported": "2026-11-03"}}`,
			verdict: "needs_info", route: "doa", codes: []string{"doa", "missing_documents", "missing_documents"}, missing: []string{"package_photos", "defect_media"}},
		{name: "no right of withdrawal in this policy", claim: `{"kind": "withdrawal", "requester": {"role": "consumer"}, "product": {"category": "tablet"}, "dates": {"delivered": "2026-11-01", "reported": "2026-11-03"}}`,
			verdict: "reject", route: "none", codes: []string{"withdrawal_not_offered"}},
	})
}

// coverDecision records the clauses of the rules a decision applied beyond
// its reasons: eligibility, the start basis used, the resolution offered and
// who pays the inbound shipment.
func coverDecision(p *policy.Policy, c *policy.Claim, d *policy.Decision) {
	if p.Requesters.Allowed.Has(c.Requester.Role) {
		cover(p.ID, p.Requesters.Clause)
	}
	for _, b := range p.Warranty.Start {
		if b.Date == d.Warranty.Basis && d.Warranty.Term != "" {
			cover(p.ID, b.Clause)
		}
	}
	if d.Verdict == policy.Reject {
		return
	}
	if r := p.ResolutionFor(d.Route); r != nil {
		cover(p.ID, r.Clause)
	}
	if _, s := p.ShippingPayer("inbound", d.Route, ""); s != nil {
		cover(p.ID, s.Clause)
	}
}
