package policy_test

import (
	"os"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// BenchmarkEvaluate decides each pack's README example claim. The target
// (docs/BENCHMARKS.md): at least 1,000,000 decisions per second per core for
// Dexxon, under 1 µs and at most 5 allocations per decision.
func BenchmarkEvaluate(b *testing.B) {
	for _, id := range []string{"dexxon", "plextor", "webstore4", "pixfra", "minicart"} {
		b.Run(id, func(b *testing.B) {
			p := pack(b, id)
			data, err := os.ReadFile("../../examples/claims/" + id + ".json")
			if err != nil {
				b.Fatal(err)
			}
			c, err := policy.ParseClaim(data)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				d := p.Evaluate(c)
				if len(d.Reasons) == 0 {
					b.Fatal("no reasons")
				}
			}
		})
	}
}

// BenchmarkEvaluateReject is the costliest common path: a requester who may
// not file, with a refusal text built for the reason.
func BenchmarkEvaluateReject(b *testing.B) {
	p := pack(b, "dexxon")
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd"}, "dates": {"purchase": "2020-01-01", "reported": "2026-01-09"}, "documents": ["purchase_receipt"], "conditions": ["accident"]}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Evaluate(c)
	}
}

// BenchmarkEvaluateRecords decides a Pixfra claim from the desk's records
// (issue 16): the delivery date from the registry; then the same with a
// claim again within 90 days and a sale to another distributor flagged.
func BenchmarkEvaluateRecords(b *testing.B) {
	p := pack(b, "pixfra")
	for _, tc := range []struct{ name, records string }{
		{"delivered", `{"known": true, "dates": {"delivered": "2023-01-10"}}`},
		{"flagged", `{"known": true, "dates": {"delivered": "2023-01-10"}, "sold_to_other": true, "last_claim": "2025-05-01"}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera", "serial": "PX-1"},
				"dates": {"reported": "2025-06-01"}, "documents": ["purchase_receipt", "shipping_document", "label_photo", "appearance_photo"],
				"records": ` + tc.records + `}`))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if d := p.Evaluate(c); d.Warranty.Source != policy.SourceRecords {
					b.Fatalf("warranty %+v", d.Warranty)
				}
			}
		})
	}
}

func BenchmarkParseClaim(b *testing.B) {
	data, err := os.ReadFile("../../examples/claims/pixfra.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.ParseClaim(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	data, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Load("pixfra.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
