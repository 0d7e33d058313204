package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

// vocabPortal is a portal whose only policy is the policy package's test
// pack with documents and conditions of its own, for a distributor.
func vocabPortal(t *testing.T) *portal {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "web.db")
	sqlitetest.Prepare(t, path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	data, err := os.ReadFile(filepath.Join("..", "policy", "testdata", "vocabulary.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pol, err := policy.Load("vocabulary.yaml", []byte(strings.Replace(string(data), "allowed: [consumer, dealer]", "allowed: [distributor]", 1)))
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.NewSet([]*policy.Policy{pol})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }))
	accounts := auth.NewAccounts(db)
	dist, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Distributor", Role: "distributor", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, dist.ID, "rma@dist.example", "", rma.RoleRequester, password); err != nil {
		t.Fatal(err)
	}
	s, err := New(svc, Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32), Mail: &notify.Outbox{}, PublicURL: "https://rma.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &portal{t: t, srv: srv, svc: svc}
}

// TestFormDeclaredVocabulary (issue 14): the new-RMA form offers the
// documents and conditions the policy declares, by the names it gives
// them; the preview names a missing one; a ticked one goes on the claim.
func TestFormDeclaredVocabulary(t *testing.T) {
	p := vocabPortal(t)
	dist := p.signIn("rma@dist.example")
	_, body := p.do(dist, "GET", "/rmas/new?policy=vocab", nil, "")
	for _, want := range []string{`name="doc_rma_form_1"`, `name="has_rma_form_1"`, `>RMA form</label>`, `name="doc_dealer_stamp_1"`,
		`name="cond_box_damaged_1"`, `> Outer box damaged</label>`, `> Warranty seal broken</label>`, "[doc.", "[cond.", "[req.doc."} {
		if strings.HasPrefix(want, "[") {
			if strings.Contains(body, want) {
				t.Errorf("the form has an untranslated %s...", want)
			}
			continue
		}
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	form := func(fields map[string]string, files ...string) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"policy": "vocab", "lines": "1", "kind": "defect", "category_1": "camera", "quantity_1": "1", "date_invoice_1": "2026-02-01"} {
			_ = mw.WriteField(k, v)
		}
		for k, v := range fields {
			_ = mw.WriteField(k, v)
		}
		for _, f := range files {
			fw, _ := mw.CreateFormFile(f, "scan.png")
			fw.Write(png)
		}
		mw.Close()
		return &buf, mw.FormDataContentType()
	}
	f, ct := form(nil)
	resp, body := p.do(dist, "POST", "/rmas/preview", f, ct, "X-Preview", "fragment")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "RMA form is required") || strings.Contains(body, "[doc.") {
		t.Fatalf("preview without the form: %d %s", resp.StatusCode, body)
	}
	f, ct = form(map[string]string{"cond_box_damaged_1": "1"}, "doc_rma_form_1")
	resp, body = p.do(dist, "POST", "/rmas/new", f, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	recs, err := p.svc.Records(context.Background(), rma.System, 1)
	if err != nil {
		t.Fatal(err)
	}
	l := recs.RMA.Lines[0]
	if !slices.Equal(l.Claim.OtherDocuments, []string{"rma_form"}) || !slices.Equal(l.Claim.OtherConditions, []string{"box_damaged"}) || l.Decision.Verdict != policy.Accept {
		t.Fatalf("the filed line: %+v %+v", l.Claim, l.Decision)
	}
	if len(recs.Documents) != 1 || recs.Documents[0].Kind != "rma_form" {
		t.Fatalf("the file is kept as %+v", recs.Documents)
	}
	// The RMA's page names it as the pack does.
	if _, body := p.do(dist, "GET", "/rmas/1", nil, ""); !strings.Contains(body, "scan.png</a> · RMA form ·") || strings.Contains(body, "[doc.") {
		t.Fatalf("the RMA page does not name the form")
	}
}
