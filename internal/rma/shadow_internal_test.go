package rma

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// TestShadowDecide: a line decided again by the draft in shadow is
// compared; a draft whose engine panics, or that does not load, is the
// line's recorded failure, never the submission's.
func TestShadowDecide(t *testing.T) {
	src, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	published, err := policy.Load("pixfra.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	cut, err := policy.Load("pixfra.yaml", []byte(strings.Replace(string(src), "      part: device\n      years: 3\n", "      part: device\n      years: 1\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	// A draft whose engine fails: its roll-forward has lost its calendar.
	broken := *published
	rf := *published.Warranty.RollForward
	rf.Calendar = nil
	broken.Warranty.RollForward = &rf

	var docs policy.DocumentSet
	for _, d := range []policy.Document{policy.VendorInvoice, policy.PurchaseReceipt, policy.ShippingDocument, policy.LabelPhoto, policy.AppearancePhoto} {
		docs = docs.With(d)
	}
	line := &Line{No: 1, Claim: policy.Claim{Requester: policy.Requester{Role: policy.Distributor, Country: "DE"},
		Product:   policy.Product{Category: "thermal-camera", Part: "device"},
		Documents: docs, Dates: policy.Dates{Invoice: calendar.DateOf(2024, 6, 1), Reported: calendar.DateOf(2026, 3, 2)}}}
	line.Decision = published.Evaluate(EngineClaim(line.Claim, ""))
	if line.Decision.Verdict != policy.Accept {
		t.Fatalf("the published version: %v %+v", line.Decision.Verdict, line.Decision.Reasons)
	}
	for _, tc := range []struct {
		name    string
		live    *liveShadow
		how     string
		failure string
	}{
		{"alike", &liveShadow{draft: published.AsInForce()}, "[]", ""},
		{"the warranty cut", &liveShadow{draft: cut.AsInForce()}, "[verdict route warranty_last_day reasons]", ""},
		{"the engine fails", &liveShadow{draft: &broken}, "[]", "the draft's engine failed: runtime error"},
		{"the draft does not load", &liveShadow{loadErr: "the draft does not load: no calendar XX"}, "[]", "the draft does not load: no calendar XX"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.live.run.ID = 7
			got := tc.live.decide(line)
			if got.Run != 7 || got.LineNo != 1 || got.Baseline != "1" || got.Before.Verdict != policy.Accept {
				t.Fatalf("the comparison's line: %+v", got)
			}
			if h := "[" + strings.Join(got.How, " ") + "]"; h != tc.how {
				t.Fatalf("how %s, want %s", h, tc.how)
			}
			if !strings.HasPrefix(got.Err, tc.failure) || (tc.failure == "") != (got.Err == "") {
				t.Fatalf("failure %q, want %q", got.Err, tc.failure)
			}
			if got.Err != "" && (got.After.Policy != "" || !got.Listed()) {
				t.Fatalf("a failure keeps no decision and is listed: %+v", got)
			}
			if tc.name == "the warranty cut" && (got.After.Verdict != policy.Reject || got.WarrantyShift != policy.ShiftEarlier) {
				t.Fatalf("the draft's decision: %v, shift %q", got.After.Verdict, got.WarrantyShift)
			}
		})
	}
}

func TestStorableText(t *testing.T) {
	if got := storableText("a\x00b\xffc"); got != "ab\uFFFDc" {
		t.Errorf("storableText = %q", got)
	}
	long := storableText(strings.Repeat("é", 400))
	if !utf8.ValidString(long) || len(long) > 504 || !strings.HasSuffix(long, "…") {
		t.Errorf("a long message: %d bytes, valid %v", len(long), utf8.ValidString(long))
	}
}
