package api

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// withPack restarts the harness's server with a test pack beside the seed
// packs, on the same database.
func withPack(h *harness, file string) {
	h.t.Helper()
	seed, err := policy.LoadFS(policies.FS)
	if err != nil {
		h.t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		h.t.Fatal(err)
	}
	p, err := policy.Load(filepath.Base(file), data)
	if err != nil {
		h.t.Fatal(err)
	}
	set, err := policy.NewSet(append(seed.All(), p))
	if err != nil {
		h.t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(h.dir, "files"))
	if err != nil {
		h.t.Fatal(err)
	}
	h.srv.Close()
	h.svc = rma.NewService(h.db, set, rma.WithClock(h.clock.Now))
	h.srv = httptest.NewServer(New(h.svc, Config{Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxUpload: 1 << 20}).Handler())
}

// TestDeclaredDocumentAndStanding (issue 14) on both databases: a document
// the pack declares is required at filing (missing: needs_info naming it;
// given: accepted; misspelt: 422 with the field's path), and an
// organisation an admin puts on hold gets the verdict the pack sets for it,
// whatever the request says.
func TestDeclaredDocumentAndStanding(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { declaredDocumentAndStanding(t, newHarnessOn(t, b)) })
	}
}

func declaredDocumentAndStanding(t *testing.T, h *harness) {
	withPack(h, filepath.Join("testdata", "packs", "vocab.yaml"))
	key := h.keys["webstore4"]
	unit := func(docs []string) map[string]any {
		return map[string]any{"policy": "vocab", "lines": []any{line(map[string]any{"category": "router"}, map[string]any{"purchase": "2026-01-10"}, docs, nil)}}
	}
	decision := func(r map[string]any) map[string]any { return field(r, "lines", 0, "decision").(map[string]any) }

	// Missing: needs_info, naming the declared document.
	r := h.submit(key, unit(nil))
	d := decision(r)
	if d["decision"] != "needs_info" || fmt.Sprint(d["missing_declared_documents"]) != "[rma_form]" || !strings.Contains(fmt.Sprint(d["reasons"]), "RMA form is required") ||
		r["state"] != "needs_info" || !strings.Contains(str(r, "reason"), "RMA form is required") {
		t.Fatalf("without the form: %v", r)
	}
	// Answered: a misspelt one is refused, the form itself by id decides
	// the line again.
	if bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/provide_info", id(r)), key, map[string]any{"lines": []any{map[string]any{"line": 1, "documents": []string{"rma_from"}}}}, "If-Match", h.etag(id(r))); bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "lines[0].documents" {
		t.Fatalf("provide_info with a misspelt document: %d %s", bad.status, bad.body)
	}
	if r = h.act(key, id(r), "provide_info", map[string]any{"lines": []any{map[string]any{"line": 1, "documents": []string{"rma_form"}}}}); r["state"] != "submitted" || r["decision"] != "accept" {
		t.Fatalf("after providing the form: %v %v", r["state"], r["decision"])
	}
	// The technician finds the unit not covered for the policy's own
	// condition; a condition nobody declares is refused.
	rmaID := id(r)
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	finding := func(cond string) map[string]any {
		return map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "not_covered", "condition": cond}}}
	}
	if bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/evaluate", rmaID), h.keys["technician"], finding("seal_missing"), "If-Match", h.etag(rmaID)); bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "lines[0].condition" {
		t.Fatalf("an undeclared finding condition: %d %s", bad.status, bad.body)
	}
	if r = h.act(h.keys["technician"], rmaID, "evaluate", finding("seal_broken")); str(r, "lines", 0, "finding_condition") != "seal_broken" {
		t.Fatalf("evaluated: %v", r["lines"])
	}
	// Or as a file of that kind.
	r = h.submit(key, unit(nil))
	if doc := h.upload(key, id(r), "rma_form", "form.png", pngBytes); doc["kind"] != "rma_form" {
		t.Fatalf("upload: %v", doc)
	}
	if r = h.act(key, id(r), "provide_info", nil); r["state"] != "submitted" || r["decision"] != "accept" {
		t.Fatalf("after uploading the form: %v %v", r["state"], r["decision"])
	}
	// Given: accepted.
	d = decision(h.submit(key, unit([]string{"rma_form"})))
	if d["decision"] != "accept" || d["missing_declared_documents"] != nil {
		t.Fatalf("with the form: %v", d)
	}
	// Misspelt: refused at the door with the field's path.
	bad := h.do("POST", "/api/v1/rmas", key, unit([]string{"vendor_invoice", "rma_from"}))
	if bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "lines[0].documents[1]" ||
		!strings.Contains(string(bad.body), `policy vocab does not know document \"rma_from\"`) {
		t.Fatalf("a misspelt document: %d %s", bad.status, bad.body)
	}
	// The preview names it too.
	check := h.do("POST", "/api/v1/policies/vocab/check", key, map[string]any{"product": map[string]any{"category": "router"}, "dates": map[string]any{"purchase": "2026-01-10"}, "documents": []string{"rma_from"}})
	if check.status != http.StatusUnprocessableEntity || str(check.json(t), "errors", 0, "field") != "documents[0]" {
		t.Fatalf("check with a misspelt document: %d %s", check.status, check.body)
	}
	// A declared name is the pack's own: the seed packs do not know it.
	other := h.do("POST", "/api/v1/rmas", key, map[string]any{"policy": "webstore4", "lines": []any{line(map[string]any{"category": "router"}, map[string]any{"delivered": "2026-02-20"}, []string{"rma_form"}, nil)}})
	if other.status != http.StatusUnprocessableEntity || str(other.json(t), "errors", 0, "field") != "lines[0].documents[0]" {
		t.Fatalf("a declared name under another pack: %d %s", other.status, other.body)
	}

	// Standing: only an admin sets it, on a requester organisation.
	org := h.orgs["webstore4"].ID
	path := fmt.Sprintf("/api/v1/orgs/%d/standing", org)
	if r := h.do("PUT", path, h.keys["agent"], map[string]any{"standing": "on_hold"}); r.status != http.StatusForbidden {
		t.Fatalf("an agent sets a standing: %d %s", r.status, r.body)
	}
	if r := h.do("PUT", path, h.keys["admin"], map[string]any{"standing": "late"}); r.status != http.StatusUnprocessableEntity || str(r.json(t), "errors", 0, "field") != "standing" {
		t.Fatalf("a bad standing: %d %s", r.status, r.body)
	}
	if v := h.must(http.StatusOK, "PUT", path, h.keys["admin"], map[string]any{"standing": "on_hold"}); v["standing"] != "on_hold" {
		t.Fatalf("set standing: %v", v)
	}
	orgs := h.must(http.StatusOK, "GET", "/api/v1/orgs", h.keys["admin"], nil)
	for _, o := range orgs["orgs"].([]any) {
		o := o.(map[string]any)
		want := map[string]any{"Org webstore4": "on_hold", "Org other": "good", "Desk": nil}
		if w, ok := want[str(o, "name")]; ok && o["standing"] != w {
			t.Errorf("GET /orgs: %s has standing %v, want %v", str(o, "name"), o["standing"], w)
		}
	}
	d = decision(h.submit(key, unit([]string{"rma_form"})))
	if d["decision"] != "review" || !strings.Contains(fmt.Sprint(d["reasons"]), "Your account is on hold") {
		t.Fatalf("on hold: %v", d)
	}
	// A requester cannot claim a standing of its own: claims have no
	// requester part.
	body := unit([]string{"rma_form"})
	body["lines"].([]any)[0].(map[string]any)["requester"] = map[string]any{"standing": "good"}
	if r := h.do("POST", "/api/v1/rmas", key, body); r.status/100 != 4 {
		t.Fatalf("a requester's own standing: %d %s", r.status, r.body)
	}
	// Good again.
	h.must(http.StatusOK, "PUT", path, h.keys["admin"], map[string]any{"standing": "good"})
	if d = decision(h.submit(key, unit([]string{"rma_form"}))); d["decision"] != "accept" {
		t.Fatalf("good again: %v", d)
	}
}
