package policy_test

import (
	"reflect"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// ParseStoredClaim must answer as ParseClaim does, for any input.
var storedClaims = []string{
	validClaim,
	`{"requester":{"role":"partner","country":"NL"},"product":{"category":"ssd","part":"device","model":"DX-SSD-1TB","serial":"DX24031500123"},"dates":{"invoice":"2024-02-01","purchase":"2024-03-15","reported":"2026-03-14"},"documents":["purchase_receipt"]}`,
	`{"kind":"defect","requester":{"role":"consumer","country":"DE","standing":"blocked"},"product":{"category":"camera","price":{"amount":"129.00","currency":"EUR"},"part_number":"PN-1","channel":"online"},"dates":{"reported":"2026-03-14","delivered":"2026-03-01"},"conditions":["opened","sealed_box"],"cause":"misuse","documents":["purchase_receipt","weird_doc"]}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":"2026-03-14","purchase":"2026-04-01"}}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":"2026-02-30"}}`,
	`{"requester":{"role":"nobody"},"product":{"category":"ssd"},"dates":{"reported":"2026-03-14"}}`,
	`{"requester":{"role":"partner"},"product":{"category":" "},"dates":{"reported":"2026-03-14"}}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd","price":{"amount":"0.00","currency":"EUR"}},"dates":{"reported":"2026-03-14"}}`,
	`{"Kind":"defect","requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":"2026-03-14"}}`,
	`{"requester":{"role":"partner"},"product":{"category":"s\u0073d"},"dates":{"reported":"2026-03-14"}}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd","price":{"amount":"1.00"},"price":{"currency":"EUR"}},"dates":{"reported":"2026-03-14"}}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":"2026-03-14"}} x`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":null}}`,
	`{"requester":{"role":"partner"},"product":{"category":"ssd"},"dates":{"reported":"2026-03-14"},"contracts":[]}`,
	`{"requester":{"role":"partner"},"product":{"category":"s` + "\xff" + `d"},"dates":{"reported":"2026-03-14"}}`,
	`[]`, ``, `{`, `{"dates":{}}`,
}

func TestParseStoredClaim(t *testing.T) {
	for _, s := range storedClaims {
		checkStoredClaim(t, []byte(s))
	}
}

func FuzzParseStoredClaim(f *testing.F) {
	for _, s := range storedClaims {
		f.Add([]byte(s))
	}
	f.Fuzz(checkStoredClaim)
}

func checkStoredClaim(t *testing.T, data []byte) {
	want, wantErr := policy.ParseClaim(data)
	got, err := policy.ParseStoredClaim(data)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(err, wantErr) {
		t.Errorf("%q:\nParseStoredClaim %+v, %v\nParseClaim       %+v, %v", data, got, err, want, wantErr)
	}
	if wantErr == nil { // and what the desk writes reads back alike
		b, _ := want.MarshalJSON()
		again, err := policy.ParseStoredClaim(b)
		if err != nil || !reflect.DeepEqual(again, want) {
			t.Errorf("%s: read back %+v, %v", b, again, err)
		}
	}
}

func BenchmarkParseStoredClaim(b *testing.B) {
	data := []byte(storedClaims[1])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.ParseStoredClaim(data); err != nil {
			b.Fatal(err)
		}
	}
}
