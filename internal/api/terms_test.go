package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// withExamplePack serves the harness's desk with an example pack
// (examples/policies/<id>.yaml) beside the seeds, and returns the key of a
// requester organisation of role and country.
func withExamplePack(t *testing.T, h *harness, id, role, country string) (key string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "policies", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(id+".yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	seeds, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.NewSet(append(seeds.All(), p))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(h.dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	h.srv.Close()
	h.svc = rma.NewService(h.db, set, rma.WithClock(h.clock.Now))
	h.srv = httptest.NewServer(New(h.svc, Config{Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxUpload: 1 << 20}).Handler())
	accounts := auth.NewAccounts(h.db)
	org, err := accounts.CreateOrg(context.Background(), rma.System, auth.NewOrg{Name: "Org " + id, Role: role, Country: country})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err = accounts.CreateKey(context.Background(), rma.System, org.ID, rma.RoleRequester, id)
	if err != nil {
		t.Fatal(err)
	}
	h.orgs[id] = org
	return key
}

// TestReplacementWarranty: under ComponentCo's "90 days or the remainder,
// whichever is longer", a replacement unit whose original's warranty is
// over is accepted 45 days after it was sent, citing the replacement
// clause, and authorized; one sent 91 days before the claim is out of
// warranty. On both databases.
func TestReplacementWarranty(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { replacementWarranty(t, newHarnessOn(t, b)) })
	}
}

func replacementWarranty(t *testing.T, h *harness) {
	key := withExamplePack(t, h, "componentco", "consumer", "US") // today is 2026-03-02
	unit := func(replaced string) map[string]any {
		return map[string]any{"policy": "componentco", "lines": []any{map[string]any{
			"product":     map[string]any{"category": "ssd", "model": "Vanta S2", "serial": "CC2450A0913"},
			"part_number": "CS-S2-1T",
			"dates":       map[string]any{"purchase": "2023-06-01", "replaced": replaced},
			"fault":       "The replacement drive drops off the bus."}}}
	}

	// Sent 2026-01-16, 45 days before the claim: the original's two years
	// ended 2025-05-31, the replacement's 90 days end 2026-04-16.
	r := h.submit(key, unit("2026-01-16"))
	rmaID := id(r)
	if r["state"] != "submitted" || r["decision"] != "accept" || r["route"] != "warranty" {
		t.Fatalf("submitted: %v", r)
	}
	w := field(r, "lines", 0, "decision", "warranty")
	if str(w, "last_day") != "2026-04-16" || str(w, "last_day_by") != "replacement" || str(w, "basis") != "replaced" || field(w, "in_warranty") != true {
		t.Fatalf("warranty: %v", w)
	}
	var cited []string
	for _, reason := range field(r, "lines", 0, "decision", "reasons").([]any) {
		cited = append(cited, str(reason, "code")+"/"+str(reason, "clause"))
	}
	if strings.Join(cited, " ") != "replacement_warranty/replacement in_warranty/replacement" {
		t.Fatalf("reasons: %v", cited)
	}
	if text := str(r, "lines", 0, "decision", "reasons", 0, "text"); !strings.Contains(text, "90 days from then (last day 2026-04-16) outlast the rest of the original unit's warranty (last day 2025-05-31)") {
		t.Fatalf("reason: %s", text)
	}
	if got := str(r, "lines", 0, "claim", "dates", "replaced"); got != "2026-01-16" {
		t.Fatalf("the claim keeps dates.replaced: %q", got)
	}
	r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "replace"})
	if r["state"] != "authorized" || !strings.Contains(strings.Join(toStrings(r["return_address"]), " "), "Harbour Park") {
		t.Fatalf("authorized: %v", r)
	}
	if w := field(h.get(rmaID), "lines", 0, "decision", "warranty"); str(w, "last_day_by") != "replacement" {
		t.Fatalf("read back: %v", w)
	}

	// Sent 2025-12-01, 91 days before the claim: past replaced+90.
	r = h.submit(key, unit("2025-12-01"))
	if r["decision"] != "reject" {
		t.Fatalf("day 91: %v", r)
	}
	w = field(r, "lines", 0, "decision", "warranty")
	if str(w, "last_day") != "2026-03-01" || field(w, "in_warranty") != false || str(r, "lines", 0, "decision", "reasons", 1, "code") != "out_of_warranty" {
		t.Fatalf("day 91 warranty: %v %v", w, field(r, "lines", 0, "decision", "reasons"))
	}

	// A replacement date after the claim's day is refused with its path.
	bad := h.do("POST", "/api/v1/rmas", key, unit("2026-03-03"))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "lines[0].dates.replaced") {
		t.Fatalf("future replacement: %d %s", bad.status, bad.body)
	}
}

// TestCheckSelectsByPartNumber: the policy check reads the line's part
// number and the requester's country: an "-EU" SSD has three years in the
// EU, two elsewhere.
func TestCheckSelectsByPartNumber(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	us := withExamplePack(t, h, "componentco", "consumer", "US")
	accounts := auth.NewAccounts(h.db)
	de, err := accounts.CreateOrg(context.Background(), rma.System, auth.NewOrg{Name: "Org DE", Role: "consumer", Country: "DE"})
	if err != nil {
		t.Fatal(err)
	}
	deKey, _, err := accounts.CreateKey(context.Background(), rma.System, de.ID, rma.RoleRequester, "de")
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"product": map[string]any{"category": "ssd"}, "part_number": "CS-S2-1T-EU",
		"dates": map[string]any{"purchase": "2024-01-10", "registered": "2024-01-12"}}
	for _, tc := range []struct{ key, decision, last string }{{deKey, "accept", "2027-01-09"}, {us, "reject", "2026-01-09"}} {
		d := h.must(http.StatusOK, "POST", "/api/v1/policies/componentco/check", tc.key, body)
		if d["decision"] != tc.decision || str(d, "warranty", "last_day") != tc.last {
			t.Errorf("check: %v", d)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, s := range list {
		if str, ok := s.(string); ok {
			out = append(out, str)
		}
	}
	return out
}
