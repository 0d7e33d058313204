package policy_test

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

func vocabPolicy(t testing.TB) *policy.Policy {
	t.Helper()
	data, err := os.ReadFile("testdata/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load("vocabulary.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDeclaredVocabulary decides claims under a pack that declares
// documents and conditions of its own and uses them in every place a
// built-in one may go.
func TestDeclaredVocabulary(t *testing.T) {
	p := vocabPolicy(t)
	const base = `"requester": {"role": "consumer"}, "product": {"category": "x"}`
	tests := []struct {
		name        string
		claim       string
		verdict     policy.Verdict
		codes       []string // the reasons' codes, in order
		missing     []string // Decision.MissingDeclared
		missingText string   // a reason's text that must appear
	}{
		{name: "declared document missing at filing",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}}`,
			verdict: policy.NeedsInfo, codes: []string{"warranty_start_fallback", "in_warranty", "missing_documents"},
			missing: []string{"rma_form"}, missingText: "RMA form is required"},
		{name: "declared document given",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form"]}`,
			verdict: policy.Accept, codes: []string{"warranty_start_fallback", "in_warranty"}},
		{name: "declared condition takes a claim off DOA",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "delivered": "2026-03-02", "reported": "2026-03-05"}, "documents": ["rma_form"], "conditions": ["box_damaged"]}`,
			verdict: policy.Accept, codes: []string{"warranty_start_fallback", "doa_conditions_not_met", "in_warranty"},
			missingText: "the unit has Outer box damaged"},
		{name: "without the condition the claim is DOA",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "delivered": "2026-03-02", "reported": "2026-03-05"}, "documents": ["rma_form"]}`,
			verdict: policy.Accept, codes: []string{"warranty_start_fallback", "doa"}},
		{name: "declared condition in an exclusion voids",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form"], "conditions": ["seal_broken"]}`,
			verdict: policy.Reject, codes: []string{"warranty_start_fallback", "in_warranty", "seal_broken"},
			missingText: "Warranty seal broken: the warranty does not apply"},
		{name: "declared evidence of the warranty start is asked for",
			claim:   `{` + base + `, "dates": {"purchase": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form"]}`,
			verdict: policy.NeedsInfo, codes: []string{"missing_warranty_start"},
			missing: []string{"dealer_stamp"}, missingText: "dates.purchase with Dealer's stamp, else dates.invoice"},
		{name: "declared evidence given",
			claim:   `{` + base + `, "dates": {"purchase": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form", "dealer_stamp"]}`,
			verdict: policy.Accept, codes: []string{"in_warranty"}},
		{name: "a condition the policy does not know goes to a person",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form"], "conditions": ["wet"]}`,
			verdict: policy.Review, codes: []string{"unknown_condition", "warranty_start_fallback", "in_warranty"},
			missingText: "the claim reports condition wet, which this policy does not know"},
		{name: "a document the policy does not know is noted and harmless",
			claim:   `{` + base + `, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}, "documents": ["rma_form", "selfie"]}`,
			verdict: policy.Accept, codes: []string{"unknown_document", "warranty_start_fallback", "in_warranty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := policy.ParseClaim([]byte(tt.claim))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(c)
			var codes []string
			var texts []string
			for _, r := range d.Reasons {
				codes = append(codes, r.Code)
				texts = append(texts, r.Text)
			}
			if d.Verdict != tt.verdict || !slices.Equal(codes, tt.codes) || !slices.Equal(d.MissingDeclared, tt.missing) {
				t.Fatalf("got %s %v missing %v, want %s %v missing %v", d.Verdict, codes, d.MissingDeclared, tt.verdict, tt.codes, tt.missing)
			}
			if tt.missingText != "" && !strings.Contains(strings.Join(texts, "\n"), tt.missingText) {
				t.Fatalf("no reason says %q:\n%s", tt.missingText, strings.Join(texts, "\n"))
			}
			if len(d.MissingDocuments) != 0 {
				t.Fatalf("declared documents leaked into MissingDocuments: %v", d.MissingDocuments)
			}
			// Every reason says itself in Dutch.
			for _, r := range d.Reasons {
				if _, ok := p.ReasonText("nl", r); !ok && r.Msg != "" && !strings.HasPrefix(r.Msg, "exclusion.") {
					t.Errorf("reason %s has no Dutch wording", r.Code)
				}
			}
		})
	}
}

// TestDeclaredNamesInOtherLanguages: a translation gives the declared
// names, and the engine's Dutch sentences print them.
func TestDeclaredNamesInOtherLanguages(t *testing.T) {
	p := vocabPolicy(t)
	keys := map[string]bool{}
	for _, k := range p.Texts() {
		keys[k.Key] = true
	}
	for _, k := range []string{"vocabulary.documents.rma_form", "vocabulary.conditions.box_damaged"} {
		if !keys[k] {
			t.Fatalf("no text key %s", k)
		}
	}
	nl := "id: vocab\nversion: \"1\"\nlang: nl\ntexts:\n  vocabulary.documents.rma_form: RMA-formulier\n  vocabulary.conditions.box_damaged: Doos beschadigd\n"
	if err := policy.Translate(p, "vocabulary.nl.yaml", []byte(nl)); err != nil {
		t.Fatal(err)
	}
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "x"}, "dates": {"invoice": "2026-03-01", "reported": "2026-03-05"}}`))
	if err != nil {
		t.Fatal(err)
	}
	d := p.Evaluate(c)
	r := d.Reasons[len(d.Reasons)-1]
	if got, ok := p.ReasonText("nl", r); !ok || got != "RMA-formulier is vereist" {
		t.Fatalf("ReasonText(nl) = %q, %v", got, ok)
	}
	if got, ok := p.DeclaredName("nl", "box_damaged"); !ok || got != "Doos beschadigd" {
		t.Fatalf("DeclaredName(nl) = %q, %v", got, ok)
	}
	if got, ok := p.DeclaredName("nl", "dealer_stamp"); !ok || got != "Dealer's stamp" {
		t.Fatalf("DeclaredName(nl) without a translation = %q, %v, want the English name", got, ok)
	}
}

// TestClaimKeepsOtherNames: names the format does not know are kept on the
// claim, sorted and once, and written back; malformed ones are refused.
func TestClaimKeepsOtherNames(t *testing.T) {
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "x"}, "dates": {"reported": "2026-03-05"},
		"documents": ["rma_form", "vendor_invoice", "dealer_stamp", "rma_form"], "conditions": ["misuse", "box_damaged"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(c.OtherDocuments, []string{"dealer_stamp", "rma_form"}) || !slices.Equal(c.OtherConditions, []string{"box_damaged"}) ||
		!c.Documents.Has(policy.VendorInvoice) || !c.Conditions.Has(policy.Misuse) {
		t.Fatalf("claim %+v", c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	again, err := policy.ParseClaim(b)
	if err != nil || !reflect.DeepEqual(again, c) {
		t.Fatalf("round trip: %v\n%+v\n%+v", err, again, c)
	}
	for _, bad := range []string{`"RMA form"`, `"1form"`, `""`, `"a-b"`} {
		_, err := policy.ParseClaim([]byte(`{"requester": {"role": "consumer"}, "product": {"category": "x"}, "dates": {"reported": "2026-03-05"}, "documents": ["vendor_invoice", ` + bad + `]}`))
		var fe *policy.FieldError
		if !errorsAs(err, &fe) || fe.Field != "documents[1]" {
			t.Errorf("document %s: %v, want an error on documents[1]", bad, err)
		}
	}
}

// TestCheckClaimNames is the API's check of a claim's names against the
// chosen policy, with the field's path.
func TestCheckClaimNames(t *testing.T) {
	p := vocabPolicy(t)
	if err := p.CheckClaimNames("lines[0].claim.", []string{"vendor_invoice", "rma_form"}, "documents"); err != nil {
		t.Fatal(err)
	}
	err := p.CheckClaimNames("lines[0].claim.", []string{"vendor_invoice", "rma_form", "selfie"}, "documents")
	if err == nil || err.Error() != `lines[0].claim.documents[2]: policy vocab does not know document "selfie"` {
		t.Fatalf("err = %v", err)
	}
	err = p.CheckClaimNames("", []string{"wet"}, "conditions")
	if err == nil || err.Error() != `conditions[0]: policy vocab does not know condition "wet"` {
		t.Fatalf("err = %v", err)
	}
}

// TestVocabularyLoadErrors: each mistake in a declaration, or in a rule
// naming a declared value, is reported with its line and path.
func TestVocabularyLoadErrors(t *testing.T) {
	data, err := os.ReadFile("testdata/vocabulary.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{name: "duplicate id", old: "    - id: dealer_stamp\n", new: "    - id: rma_form\n",
			want: `vocabulary.yaml:28:11: vocabulary.documents[1].id: duplicate "rma_form"`},
		{name: "a built-in name", old: "    - id: dealer_stamp\n", new: "    - id: vendor_invoice\n",
			want: `vocabulary.yaml:28:11: vocabulary.documents[1].id: "vendor_invoice" is a built-in name: use it without declaring it`},
		{name: "malformed id", old: "    - id: seal_broken\n", new: "    - id: Seal-Broken\n",
			want: `vocabulary.yaml:35:11: vocabulary.conditions[1].id: "Seal-Broken" must be lower-case letters, digits and '_', starting with a letter`},
		{name: "no name", old: "      name: Outer box damaged\n", new: "",
			want: `vocabulary.yaml:32:7: vocabulary.conditions[0].name: required`},
		{name: "unknown clause", old: "      name: RMA form\n      clause: form\n", new: "      name: RMA form\n      clause: nowhere\n",
			want: `vocabulary.yaml:27:15: vocabulary.documents[0].clause: unknown clause "nowhere"`},
		{name: "unused declaration", old: "  - condition: seal_broken\n    effect: void\n    clause: sticker\n", new: "  - condition: misuse\n    effect: void\n    clause: sticker\n",
			want: `vocabulary.yaml:35:11: vocabulary.conditions[1].id: condition "seal_broken" is used by no rule (doa.not_conditions, exclusions)`},
		{name: "a rule names an undeclared document", old: "  - document: rma_form\n", new: "  - document: rma_forms\n",
			want: `vocabulary.yaml:69:15: documents[0].document: unknown document "rma_forms" (one of purchase_receipt,`},
		{name: "a rule names an undeclared condition", old: "    - condition: box_damaged\n", new: "    - condition: box_crushed\n",
			want: `vocabulary.yaml:58:18: doa.not_conditions[0].condition: unknown condition "box_crushed" (one of serial_altered,`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(src, tt.old) {
				t.Fatalf("the pack has no %q", tt.old)
			}
			_, err := policy.Load("vocabulary.yaml", []byte(strings.Replace(src, tt.old, tt.new, 1)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error:\n%v\nwant a line starting\n%s", err, tt.want)
			}
		})
	}
	// Too many: the bits above DeclaredBase run out.
	var many strings.Builder
	many.WriteString("vocabulary:\n  documents:\n")
	for i := range 33 {
		many.WriteString("    - {id: doc_" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ", name: D, clause: all}\n")
	}
	_, err = policy.Load("p.yaml", []byte(minimalPolicy(t)+many.String()))
	if err == nil || !strings.Contains(err.Error(), "p.yaml:38:5: vocabulary.documents: 33 declared, at most 32") {
		t.Fatalf("33 documents: %v", err)
	}
	// A pack without a vocabulary says where its own names go.
	_, err = policy.Load("p.yaml", []byte(minimalPolicy(t)+"documents:\n  - document: rma_form\n    stage: filing\n    clause: all\n"))
	if err == nil || !strings.Contains(err.Error(), "a pack's own documents are declared under vocabulary.documents") {
		t.Fatalf("undeclared in a pack without vocabulary: %v", err)
	}
}

func errorsAs(err error, fe **policy.FieldError) bool {
	e, ok := err.(*policy.FieldError)
	if ok {
		*fe = e
	}
	return ok
}
