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

const validClaim = `{"kind": "defect",
 "requester": {"role": "distributor", "country": "DE"},
 "product": {"category": "thermal-camera", "part": "battery", "model": "A435", "serial": "S1"},
 "dates": {"purchase": "2024-01-01", "invoice": "2023-12-01", "shipped": "2023-11-20", "delivered": "2023-11-25", "manufactured": "2023-10-01", "reported": "2024-06-01"},
 "conditions": ["labels_removed", "accident"],
 "cause": "manufacturing",
 "documents": ["label_photo", "vendor_invoice"]}`

func TestParseClaim(t *testing.T) {
	c, err := policy.ParseClaim([]byte(validClaim))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != policy.Defect || c.Requester.Role != policy.Distributor || c.Requester.Country != "DE" ||
		c.Product.Part != "battery" || c.Dates.Manufactured.String() != "2023-10-01" || c.Dates.Reported.String() != "2024-06-01" ||
		!c.Conditions.Has(policy.LabelsRemoved) || !c.Conditions.Has(policy.Accident) || c.Conditions.Len() != 2 ||
		c.Cause != policy.CauseManufacturing || !c.Documents.Has(policy.LabelPhoto) || c.Documents.Len() != 2 {
		t.Fatalf("decoded %+v", c)
	}
	checkRoundTrip(t, c)
}

// checkRoundTrip: a claim survives its own JSON unchanged.
func checkRoundTrip(t *testing.T, c policy.Claim) {
	t.Helper()
	out, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := policy.ParseClaim(out)
	if err != nil {
		t.Fatalf("re-parsing %s: %v", out, err)
	}
	if !reflect.DeepEqual(again, c) {
		t.Fatalf("round trip changed the claim:\n%+v\n%+v", c, again)
	}
}

func TestParseClaimDefaults(t *testing.T) {
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != policy.Defect || c.Product.Part != "device" || c.Cause != policy.CauseUnknown {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

// TestParseClaimErrors: every bad input names the field and what is wrong.
func TestParseClaimErrors(t *testing.T) {
	const base = `"requester": {"role": "consumer"}, "product": {"category": "x"}`
	cases := []struct {
		name, claim, want string
	}{
		{"empty input", ``, "empty input: expected a claim object"},
		{"malformed JSON", `{"requester": `, "malformed JSON: unexpected end of input"},
		{"syntax error", `{"requester": }`, "malformed JSON at byte 15: invalid character '}' looking for beginning of value"},
		{"trailing data", `{` + base + `, "dates": {"reported": "2026-01-01"}} {}`, "unexpected data after the claim object"},
		{"not an object", `[1, 2]`, "claim: must be an object, not a JSON array"},
		{"unknown field", `{` + base + `, "dates": {"reported": "2026-01-01"}, "colour": "red"}`, "colour: unknown field"},
		{"wrong type", `{"requester": {"role": 7}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, "requester.role: must be a string, not a JSON number"},
		{"missing role", `{"product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, "requester.role: required"},
		{"unknown role", `{"requester": {"role": "king"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, `requester.role: unknown role "king" (one of consumer, end_user, dealer, partner, distributor)`},
		{"bad country", `{"requester": {"role": "consumer", "country": "UK"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, `requester.country: "UK" is not an ISO 3166-1 alpha-2 country code (upper case, e.g. NL)`},
		{"lower-case country", `{"requester": {"role": "consumer", "country": "nl"}, "product": {"category": "x"}, "dates": {"reported": "2026-01-01"}}`, `requester.country: "nl" is not an ISO 3166-1 alpha-2`},
		{"missing category", `{"requester": {"role": "consumer"}, "product": {}, "dates": {"reported": "2026-01-01"}}`, "product.category: required"},
		{"missing reported", `{` + base + `, "dates": {"purchase": "2026-01-01"}}`, "dates.reported: required"},
		{"no dates at all", `{` + base + `}`, "dates.reported: required"},
		{"bad date", `{` + base + `, "dates": {"reported": "2026-02-30"}}`, `dates.reported: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{"date in another format", `{` + base + `, "dates": {"reported": "01/02/2026"}}`, `dates.reported: "01/02/2026" is not a date`},
		{"unknown date", `{` + base + `, "dates": {"reported": "2026-01-01", "bought": "2025-01-01"}}`, "dates.bought: unknown date"},
		{"date after reported", `{` + base + `, "dates": {"reported": "2026-01-01", "delivered": "2026-01-02"}}`, "dates.delivered: 2026-01-02 is after dates.reported 2026-01-01"},
		{"unknown kind", `{"kind": "swap", ` + base + `, "dates": {"reported": "2026-01-01"}}`, `kind: unknown kind "swap" (one of defect, withdrawal)`},
		{"unknown condition", `{` + base + `, "dates": {"reported": "2026-01-01"}, "conditions": ["misuse", "Wet!"]}`, `conditions[1]: unknown condition "Wet!"`},
		{"unknown cause", `{` + base + `, "dates": {"reported": "2026-01-01"}, "cause": "gremlins"}`, `cause: unknown cause "gremlins"`},
		{"unknown document", `{` + base + `, "dates": {"reported": "2026-01-01"}, "documents": ["Selfie"]}`, `documents[0]: unknown document "Selfie"`},
		{"conditions not a list", `{` + base + `, "dates": {"reported": "2026-01-01"}, "conditions": "misuse"}`, "conditions: must be an array, not a JSON string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := policy.DecodeClaim(strings.NewReader(tc.claim))
			var fe *policy.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v (%T), want a *FieldError", err, err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got  %q\nwant %q", err.Error(), tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("message is not one line: %q", err.Error())
			}
		})
	}
}

func TestDecodeClaimTooLarge(t *testing.T) {
	big := `{"requester": {"role": "consumer", "country": "` + strings.Repeat(" ", 2<<20) + `"}}`
	_, err := policy.DecodeClaim(strings.NewReader(big))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v", err)
	}
}

func TestDecisionJSON(t *testing.T) {
	p := pack(t, "dexxon")
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "ssd"}, "dates": {"reported": "2026-01-09"}}`))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(p.Evaluate(c))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	// The contract's fields are always present; lists are never null.
	for _, k := range []string{"policy", "policy_version", "decision", "route", "reasons", "missing_documents", "resolutions", "rma_valid_days", "inbound_shipping_paid_by"} {
		if _, ok := m[k]; !ok {
			t.Errorf("field %q missing in %s", k, out)
		}
	}
	for _, k := range []string{"reasons", "missing_documents", "enclose_documents", "resolutions"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("field %q is %v, want a list", k, m[k])
		}
	}
	if m["decision"] != "reject" || m["route"] != "none" || m["inbound_shipping_paid_by"] != "unspecified" {
		t.Errorf("unexpected decision %s", out)
	}
}

// TestDecisionRoundTrip: a stored decision reads back equal.
func TestDecisionRoundTrip(t *testing.T) {
	for _, id := range []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"} {
		data, err := os.ReadFile("../../examples/claims/" + id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		c, err := policy.ParseClaim(data)
		if err != nil {
			t.Fatal(err)
		}
		d := pack(t, id).Evaluate(c)
		out, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back policy.Decision
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("%s: %v\n%s", id, err, out)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(out) {
			t.Fatalf("%s: round trip changed the decision:\n%s\n%s", id, out, again)
		}
	}
}
