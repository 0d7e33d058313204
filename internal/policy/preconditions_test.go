package policy_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

func precondPolicy(t testing.TB) (*policy.Policy, string) {
	t.Helper()
	data, err := os.ReadFile("testdata/preconditions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load("preconditions.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return p, string(data)
}

func TestPreconditions(t *testing.T) {
	p, _ := precondPolicy(t)
	tests := []struct {
		name, standing, channel string
		verdict                 policy.Verdict
		codes                   []string
		text                    string
	}{
		{name: "good standing, direct", standing: "good", channel: "direct", verdict: policy.Accept, codes: []string{"in_warranty"}},
		{name: "no standing is good standing", channel: "authorized_reseller", verdict: policy.Accept, codes: []string{"in_warranty"}},
		{name: "on hold is rejected with the pack's text, nothing more decided", standing: "on_hold", channel: "direct", verdict: policy.Reject,
			codes: []string{"requester_standing"}, text: "Your account is on hold; please contact our accounts department."},
		{name: "blocked is rejected", standing: "blocked", channel: "direct", verdict: policy.Reject, codes: []string{"requester_standing"}},
		{name: "an unauthorized reseller goes to a person, with the rest decided", standing: "good", channel: "unauthorized_reseller", verdict: policy.Review,
			codes: []string{"purchase_channel", "in_warranty"}, text: "the unit was bought through unauthorized_reseller, and only direct, authorized_reseller may file under this policy"},
		{name: "no channel is needs_info", standing: "good", verdict: policy.NeedsInfo,
			codes: []string{"missing_channel", "in_warranty"}, text: "the claim does not say where the unit was bought (product.channel: direct or authorized_reseller may file)"},
		{name: "on hold and no channel: the rejection wins", standing: "on_hold", verdict: policy.Reject, codes: []string{"requester_standing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := `"requester": {"role": "consumer"`
			if tt.standing != "" {
				req += `, "standing": "` + tt.standing + `"`
			}
			prod := `"product": {"category": "x"`
			if tt.channel != "" {
				prod += `, "channel": "` + tt.channel + `"`
			}
			c, err := policy.ParseClaim([]byte(`{` + req + `}, ` + prod + `}, "dates": {"purchase": "2026-03-01", "reported": "2026-03-05"}}`))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			var codes, texts []string
			for _, r := range d.Reasons {
				codes, texts = append(codes, r.Code), append(texts, r.Text)
				if r.Code != "in_warranty" && r.Clause == "" {
					t.Errorf("reason %s cites no clause", r.Code)
				}
				if _, ok := p.ReasonText("nl", r); !ok && r.Key == "" {
					t.Errorf("reason %s has no Dutch wording", r.Code)
				}
			}
			if d.Verdict != tt.verdict || !slices.Equal(codes, tt.codes) {
				t.Fatalf("got %s %v, want %s %v", d.Verdict, codes, tt.verdict, tt.codes)
			}
			if tt.text != "" && !slices.Contains(texts, tt.text) {
				t.Fatalf("no reason says %q: %q", tt.text, texts)
			}
			if d.Verdict == policy.Reject && (d.Route != policy.RouteNone || d.RMAValidDays != 0) {
				t.Fatalf("a rejection with a route: %+v", d)
			}
		})
	}
}

func TestPreconditionClaimFields(t *testing.T) {
	for _, tt := range []struct{ body, field string }{
		{`"requester": {"role": "consumer", "standing": "suspended"}, "product": {"category": "x"}`, "requester.standing"},
		{`"requester": {"role": "consumer"}, "product": {"category": "x", "channel": "ebay"}`, "product.channel"},
	} {
		_, err := policy.ParseClaim([]byte(`{` + tt.body + `, "dates": {"reported": "2026-03-05"}}`))
		fe, ok := err.(*policy.FieldError)
		if !ok || fe.Field != tt.field {
			t.Errorf("%s: %v", tt.field, err)
		}
	}
}

func TestPreconditionLoadErrors(t *testing.T) {
	_, src := precondPolicy(t)
	tests := []struct{ name, old, new, want string }{
		{"unknown field", "    - field: channel\n", "    - field: country\n",
			`preconditions.yaml:28:14: requesters.preconditions[1].field: must be standing or channel, not "country"`},
		{"unknown value", "      allowed: [good]\n", "      allowed: [fine]\n",
			`preconditions.yaml:24:17: requesters.preconditions[0].allowed[0]: unknown standing "fine" (one of good, on_hold, blocked)`},
		{"bad otherwise", "      otherwise: review\n", "      otherwise: needs_info\n",
			`preconditions.yaml:30:18: requesters.preconditions[1].otherwise: must be reject or review, not "needs_info"`},
		{"no clause", "      clause: resellers\nwarranty", "warranty",
			`preconditions.yaml:28:7: requesters.preconditions[1].clause: required`},
		{"two on one field", "    - field: channel\n", "    - field: standing\n",
			`preconditions.yaml:28:14: requesters.preconditions[1].field: a second precondition on standing`},
		{"no allowed values", "      allowed: [direct, authorized_reseller]\n", "",
			`preconditions.yaml:28:7: requesters.preconditions[1].allowed: required`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(src, tt.old) {
				t.Fatalf("no %q", tt.old)
			}
			_, err := policy.Load("preconditions.yaml", []byte(strings.Replace(src, tt.old, tt.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}
