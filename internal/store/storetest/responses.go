package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// testIdempotentResponses: a stored response comes back byte for byte; a key
// is taken once per organisation; another organisation has its own keys.
func testIdempotentResponses(t *testing.T, open Opener) {
	s := open(t)
	a, b := mkOrg(t, s, "Org A"), mkOrg(t, s, "Org B")
	_, err := s.IdempotentResponse(t.Context(), a.ID, "k1")
	wantCode(t, err, rma.ENOTFOUND)
	resp := rma.StoredResponse{Method: "POST", Path: "/api/v1/rmas/7/messages", RequestHash: "abc", Status: 201,
		ContentType: "application/json", Body: []byte(`{"id": 1}` + "\n\x00\xff"), Created: minute(3)}
	must(t, s.SaveIdempotentResponse(t.Context(), a.ID, "k1", resp))
	got, err := s.IdempotentResponse(t.Context(), a.ID, "k1")
	must(t, err)
	wantSame(t, "stored response", resp, *got)
	other := resp
	other.Status, other.Body = 200, []byte("second")
	wantCode(t, s.SaveIdempotentResponse(t.Context(), a.ID, "k1", other), rma.ECONFLICT)
	got, err = s.IdempotentResponse(t.Context(), a.ID, "k1")
	must(t, err)
	wantSame(t, "the first response stays", resp, *got)
	_, err = s.IdempotentResponse(t.Context(), b.ID, "k1")
	wantCode(t, err, rma.ENOTFOUND)
	must(t, s.SaveIdempotentResponse(t.Context(), b.ID, "k1", other))
}
