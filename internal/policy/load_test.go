package policy_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

func minimalPolicy(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestLoadMinimal(t *testing.T) {
	p, err := policy.Load("minimal.yaml", []byte(minimalPolicy(t)))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "minimal" || p.EffectiveFrom.String() != "2026-01-01" || len(p.Warranty.Terms) != 1 || p.Source != "minimal.yaml" {
		t.Fatalf("unexpected policy %+v", p)
	}
}

// TestLoadErrors breaks the minimal policy one way at a time; each problem
// must be reported with its line, column and the key's path.
func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name    string
		replace [2]string // old, new in the minimal policy
		append  string    // YAML appended to it
		want    string    // the start of the first issue, as printed
	}{
		{name: "unknown top-level key", append: "colour: red\n",
			want: `p.yaml:36:1: colour: unknown key "colour"`},
		{name: "unknown nested key", replace: [2]string{"      years: 1\n", "      years: 1\n      yeers: 2\n"},
			want: `p.yaml:23:7: warranty.terms[0].yeers: unknown key "yeers"`},
		{name: "text for a number", replace: [2]string{"  valid_days: 14", "  valid_days: fourteen"},
			want: `p.yaml:28:15: rma_number.valid_days: must be a whole number, not the text "fourteen"`},
		{name: "quoted number", replace: [2]string{"  valid_days: 14", `  valid_days: "14"`},
			want: `p.yaml:28:15: rma_number.valid_days: must be a whole number, not the text "14"`},
		{name: "fraction for a whole number", replace: [2]string{"years: 1", "years: 1.5"},
			want: `p.yaml:22:14: warranty.terms[0].years: must be a whole number, not the number 1.5`},
		{name: "unquoted decimal version", replace: [2]string{`version: "1"`, "version: 2026.10"},
			want: `p.yaml:3:10: version: 2026.10 is read as a number; write "2026.10" in quotes to keep it as text`},
		{name: "number with a leading zero as text", replace: [2]string{`version: "1"`, "version: 01"},
			want: `p.yaml:3:10: version: 01 is read as a number; write "01" in quotes to keep it as text`},
		{name: "scalar for a list", replace: [2]string{"allowed: [consumer]", "allowed: consumer"},
			want: `p.yaml:13:12: requesters.allowed: must be a list (for example [a, b]), not the text "consumer"`},
		{name: "list for a mapping", replace: [2]string{"vendor:\n  name: Minimal B.V.", "vendor: [Minimal]"},
			want: `p.yaml:6:9: vendor: must be a mapping of keys, not a list`},
		{name: "text for a flag", append: "replacement:\n  grades: [new]\n  warranty: fresh\n  other_model: no\n  ownership_to_vendor: maybe\n  clause: all\n",
			want: `p.yaml:40:24: replacement.ownership_to_vendor: must be true or false, not the text "maybe"`},
		{name: "bad date", replace: [2]string{"effective_from: 2026-01-01", "effective_from: 2026-02-30"},
			want: `p.yaml:4:17: effective_from: "2026-02-30" is not a date in the form YYYY-MM-DD`},
		{name: "missing id", replace: [2]string{"id: minimal\n", ""},
			want: `p.yaml: id: required`},
		{name: "unknown clause", replace: [2]string{"  route: reject\n  clause: all", "  route: reject\n  clause: nowhere"},
			want: `p.yaml:26:11: out_of_warranty.clause: unknown clause "nowhere"`},
		{name: "rule without clause", replace: [2]string{"      years: 1\n      clause: all\n", "      years: 1\n"},
			want: `p.yaml:21:7: warranty.terms[0].clause: required`},
		{name: "uncited clause", replace: [2]string{"requesters:\n", "  - id: unused\n    quote: Nobody cites me.\nrequesters:\n"},
			want: `p.yaml:12:9: clauses[1].id: clause "unused" is cited by no rule`},
		{name: "unknown role", replace: [2]string{"allowed: [consumer]", "allowed: [customer]"},
			want: `p.yaml:13:13: requesters.allowed[0]: unknown role "customer"`},
		{name: "unknown route value", replace: [2]string{"route: reject", "route: maybe"},
			want: `p.yaml:25:10: out_of_warranty.route: must be reject or chargeable, not "maybe"`},
		{name: "no default term", replace: [2]string{`category: "*"`, "category: laptop"},
			want: `p.yaml:21:7: warranty.terms[0]: the last term must be the default`},
		{name: "negative years", replace: [2]string{"years: 1", "years: -1"},
			want: `p.yaml:22:14: warranty.terms[0].years: a covered term needs a positive length`},
		{name: "bad country in a region", append: "regions:\n  - id: eu\n    countries: [NL, UK]\n    clause: all\n",
			want: `p.yaml:38:21: regions[0].countries[1]: "UK" is not an ISO 3166-1 alpha-2 country code`},
		{name: "unknown calendar", append: "calendar: XX\n",
			want: `p.yaml:36:11: calendar: unknown calendar "XX"`},
		{name: "duplicate key", append: "version: \"2\"\n",
			want: `p.yaml:36:1: mapping key "version" already defined at [3:1]`},
		{name: "syntax error", append: "  - : [\n",
			want: `p.yaml:`},
		{name: "not a mapping", replace: [2]string{minimalPolicy(t), "- just\n- a list\n"},
			want: `p.yaml:1:1: a policy must be a mapping`},
		{name: "YAML tag", replace: [2]string{"allowed: [consumer]", "allowed: !0"},
			want: `p.yaml:13:12: requesters.allowed: YAML tags such as "!0" are not allowed in a policy`},
		{name: "empty file", replace: [2]string{minimalPolicy(t), "# nothing\n"},
			want: `p.yaml: expected exactly one YAML document`},
		{name: "no resolution for a route", replace: [2]string{"  - offer: [repair]\n", "  - routes: [warranty]\n    offer: [repair]\n"},
			append: "withdrawal:\n  roles: [consumer]\n  within: [{days: 14, after: delivered}]\n  text: Consumers only.\n  clause: all\n",
			want:   `p.yaml:33:3: resolutions: no resolution is offered on route withdrawal`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := minimalPolicy(t)
			if tc.replace[0] != "" {
				if !strings.Contains(src, tc.replace[0]) {
					t.Fatalf("test is stale: %q not in minimal.yaml", tc.replace[0])
				}
				src = strings.Replace(src, tc.replace[0], tc.replace[1], 1)
			}
			src += tc.append
			_, err := policy.Load("p.yaml", []byte(src))
			var le *policy.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LoadError", err)
			}
			if got := le.Issues[0].String(); !strings.HasPrefix(got, tc.want) {
				t.Fatalf("first issue:\n  %s\nwant prefix:\n  %s", got, tc.want)
			}
		})
	}
}

// TestLoadReportsEveryProblem: a linter that stops at the first problem
// makes its user run it once per problem.
func TestLoadReportsEveryProblem(t *testing.T) {
	src := strings.NewReplacer("years: 1", "years: 0", "allowed: [consumer]", "allowed: [king]", "valid_days: 14", "valid_days: 0").Replace(minimalPolicy(t))
	_, err := policy.Load("p.yaml", []byte(src))
	var le *policy.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v", err)
	}
	if len(le.Issues) != 3 {
		t.Fatalf("got %d issues, want 3: %v", len(le.Issues), le.Issues)
	}
	if !strings.Contains(err.Error(), "(and 2 more problems)") {
		t.Errorf("Error() = %q", err.Error())
	}
}
