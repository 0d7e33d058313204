package rma_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// uploadDuringRead is a store that lets a document arrive right after
// ProvideInfo has read the RMA's documents, before it saves: the worst
// moment for a re-decision.
type uploadDuringRead struct {
	rma.Store
	once   sync.Once
	upload func()
}

func (s *uploadDuringRead) Documents(ctx context.Context, id int64) ([]rma.Document, error) {
	docs, err := s.Store.Documents(ctx, id)
	s.once.Do(s.upload)
	return docs, err
}

// TestProvideInfoSeesEveryDocumentBeforeIt: a document stored while
// provide_info re-decides the RMA either counts in that decision or makes
// provide_info fail with EPRECONDITION (the client reloads and tries
// again): the history never shows a receipt attached before a decision
// that was taken without it. Issue 10, point 12.
func TestProvideInfoSeesEveryDocumentBeforeIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "rmadesk.db")
	sqlitetest.Prepare(t, path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	clock := rma.WithClock(func() time.Time { return now })
	direct := rma.NewService(db, set, clock)
	partner := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	desk := &rma.Org{Name: "Desk", IsDesk: true, Country: "NL"}
	for _, o := range []*rma.Org{partner, desk} {
		if err := db.CreateOrg(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	requester := rma.Actor{OrgID: partner.ID, Role: rma.RoleRequester, Name: "partner"}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	// Bought by the end user on 2024-06-01, invoiced to the partner on
	// 2024-02-01: in warranty (2 years) only from the purchase, which
	// counts only with the end user's receipt.
	claim, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd"},
		"dates": {"purchase": "2024-06-01", "invoice": "2024-02-01", "reported": "2026-03-02"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := direct.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: claim}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Lines[0].Decision.Warranty.Basis; got != policy.DateInvoice {
		t.Fatalf("without the receipt the warranty runs from %s, want the invoice", got)
	}
	r, err = direct.RequestInfo(ctx, agent, r.ID, r.Version, "the end user's receipt, please")
	if err != nil {
		t.Fatal(err)
	}

	racing := &uploadDuringRead{Store: db, upload: func() {
		if _, err := direct.AddDocument(ctx, requester, r.ID, files, rma.NewDocument{Kind: "purchase_receipt",
			Filename: "receipt.pdf", ContentType: "application/pdf", Content: bytes.NewReader([]byte("%PDF-1.4\n%%EOF\n"))}); err != nil {
			t.Error(err)
		}
	}}
	got, err := rma.NewService(racing, set, clock).ProvideInfo(ctx, requester, r.ID, 0, nil)
	switch {
	case rma.ErrorCode(err) == rma.EPRECONDITION:
		// Refused: the caller reloads, and the receipt counts.
		got, err = direct.ProvideInfo(ctx, requester, r.ID, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
	case err != nil:
		t.Fatal(err)
	}
	evs, err := db.Events(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range evs {
		actions = append(actions, e.Action+"("+string(e.From)+")")
	}
	if basis := got.Lines[0].Decision.Warranty.Basis; basis != policy.DatePurchase {
		t.Fatalf("history %v: provide_info decided with the warranty from %s, without the receipt attached before it", actions, basis)
	}
}
