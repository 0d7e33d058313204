package rma

import (
	"slices"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

// TestSuggestedStepAndPolicySteps: the RMA page's steps by the seeds'
// policies: Dexxon offers destruction with a credit first on its warranty
// route, Pixfra never refers to a manufacturer, the engine's verdict picks
// the step suggested, and resolving waits for every line in play.
func TestSuggestedStepAndPolicySteps(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	pix, dex := set.Latest("pixfra"), set.Latest("dexxon")
	today := calendar.MustParseDate("2026-03-02")
	all := AllowedActions(Submitted)
	cases := []struct {
		name string
		p    *policy.Policy
		r    RMA
		want Action
	}{
		{"pixfra accepted: authorize", pix, RMA{State: Submitted, Verdict: policy.Accept, Route: policy.RouteWarranty}, ActAuthorize},
		{"pixfra rejected: reject", pix, RMA{State: Submitted, Verdict: policy.Reject, Route: policy.RouteWarranty}, ActReject},
		{"something missing: ask for it", pix, RMA{State: Submitted, Verdict: policy.NeedsInfo, Route: policy.RouteWarranty}, ActRequestInfo},
		{"in evaluation, a line unevaluated", pix, RMA{State: InEvaluation, Lines: []Line{{No: 1, Finding: DefectConfirmed}, {No: 2}}}, ActEvaluate},
		{"in evaluation, the unevaluated line rejected", pix, RMA{State: InEvaluation, Lines: []Line{{No: 1, Finding: DefectConfirmed}, {No: 2, Rejected: true}}}, ActResolve},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			allowed := AllowedActions(tc.r.State)
			if tc.r.State == Submitted {
				allowed = all
			}
			if got := SuggestedStep(tc.p, &tc.r, allowed); got != tc.want {
				t.Fatalf("suggested %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("a step the caller may not take is not suggested", func(t *testing.T) {
		if got := SuggestedStep(pix, &RMA{State: Submitted, Verdict: policy.Accept, Route: policy.RouteWarranty}, []Action{ActCancel}); got != "" {
			t.Fatalf("suggested %q to a requester", got)
		}
	})
	t.Run("steps the policy does not offer", func(t *testing.T) {
		r := &RMA{State: Submitted, Verdict: policy.Accept, Route: policy.RouteWarranty}
		var offered []Action
		for _, a := range all {
			if PolicyAllows(pix, r, a, today) {
				offered = append(offered, a)
			}
		}
		if slices.Contains(offered, ActRefer) {
			t.Errorf("Pixfra offers no referral, yet %v", offered)
		}
		if !slices.Contains(offered, ActAuthorize) || !slices.Contains(offered, ActReject) {
			t.Errorf("Pixfra's steps %v lack authorize or reject", offered)
		}
	})
	t.Run("dexxon credits without a return first", func(t *testing.T) {
		rule := dex.ResolutionFor(policy.RouteWarranty)
		if rule == nil || len(rule.Offer) == 0 {
			t.Skip("dexxon has no warranty resolution")
		}
		r := &RMA{State: Submitted, Verdict: policy.Accept, Route: policy.RouteWarranty}
		want := ActAuthorize
		if a, ok := noParcel[rule.Offer[0]]; ok {
			want = a
		}
		if got := SuggestedStep(dex, r, all); got != want {
			t.Fatalf("suggested %q, want %q (offer %v)", got, want, rule.Offer)
		}
	})
	t.Run("expiry only once the number lapsed", func(t *testing.T) {
		r := &RMA{State: Authorized, Number: "RMA-26-00001-A", NumberExpires: today}
		if PolicyAllows(pix, r, ActExpire, today) || !PolicyAllows(pix, r, ActExpire, today.AddDays(1)) {
			t.Fatal("expire offered before the number lapsed, or not after")
		}
	})
}
