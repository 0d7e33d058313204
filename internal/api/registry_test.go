package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Issue 16: the serial registry through the API, on both databases. The
// harness's day is 2026-03-02.

// loadUnits loads units as the admin and returns the load's answer.
func loadUnits(h *harness, units ...map[string]any) map[string]any {
	h.t.Helper()
	list := make([]any, len(units))
	for i, u := range units {
		list[i] = u
	}
	return h.must(http.StatusOK, "POST", "/api/v1/units", h.keys["admin"], map[string]any{"units": list})
}

func reasonOf(line any, code string) map[string]any {
	for _, r := range field(line, "decision", "reasons").([]any) {
		if str(r, "code") == code {
			return r.(map[string]any)
		}
	}
	return nil
}

func pixfraDocs() []string {
	return []string{"purchase_receipt", "shipping_document", "label_photo", "appearance_photo"}
}

// registryPixfraFromDeliveryDate: a Pixfra claim with no invoice is
// decided from the registry's delivery date from Pixfra manufacturing, and
// the decision cites it as the desk's records; the requester is never
// asked for it, and its own copy of the claim hides the records.
func registryPixfraFromDeliveryDate(t *testing.T, h *harness) {
	load := loadUnits(h,
		map[string]any{"serial": "PXF-23-0001", "model": "Arc A435", "part_number": "1.0.01.08.43501", "category": "thermal-camera",
			"sold_to": "Org pixfra", "delivered": "2023-03-10", "manufactured": "2023-01-16", "policy": "pixfra"},
		map[string]any{"serial": "PXF-23-0002", "model": "Arc A435", "sold_to": "Org pixfra", "delivered": "2022-12-01", "policy": "pixfra"})
	if load["created"] != 2.0 || load["units"] != 2.0 {
		t.Fatalf("load: %v", load)
	}
	// The preview reads the same records as the submission.
	pre := h.must(http.StatusOK, "POST", "/api/v1/policies/pixfra/check", h.keys["pixfra"], map[string]any{
		"product": map[string]any{"category": "thermal-camera", "serial": "PXF-23-0001"}, "documents": pixfraDocs()})
	if str(pre, "warranty", "source") != "records" || str(pre, "warranty", "start") != "2023-03-10" {
		t.Fatalf("the preview: %v", pre)
	}
	r := h.submit(h.keys["pixfra"], map[string]any{"policy": "pixfra", "lines": []any{
		line(map[string]any{"category": "thermal-camera", "model": "Arc A435", "serial": "pxf-23-0001"}, map[string]any{}, pixfraDocs(),
			map[string]any{"part_number": "1.0.01.08.43501", "fault": "no image"}),
		line(map[string]any{"category": "thermal-camera", "model": "Arc A435", "serial": "PXF-23-0002"}, map[string]any{}, pixfraDocs(),
			map[string]any{"part_number": "1.0.01.08.43501", "fault": "no image"}),
	}})
	l1, l2 := field(r, "lines", 0), field(r, "lines", 1)
	w := field(l1, "decision", "warranty")
	if str(w, "basis") != "delivered" || str(w, "start") != "2023-03-10" || str(w, "last_day") != "2026-03-09" || str(w, "source") != "records" || field(w, "in_warranty") != true {
		t.Fatalf("line 1's warranty from the registry's delivery date: %v", w)
	}
	cite := reasonOf(l1, "warranty_start_records")
	if cite == nil || str(cite, "clause") != "warranty-start" || !strings.Contains(str(cite, "text"), "the desk's records: delivered 2023-03-10") {
		t.Fatalf("the decision cites the desk's records: %v", field(l1, "decision", "reasons"))
	}
	if str(l1, "decision", "decision") != "accept" || reasonOf(l1, "missing_warranty_start") != nil {
		t.Fatalf("no date is asked of the requester: %v", field(l1, "decision"))
	}
	if str(l2, "decision", "warranty", "last_day") != "2025-11-30" || str(l2, "decision", "decision") != "reject" || reasonOf(l2, "out_of_warranty") == nil {
		t.Fatalf("line 2, delivered 2022-12-01, is out of warranty: %v", field(l2, "decision"))
	}
	if field(l1, "claim", "records") != nil {
		t.Fatalf("the requester's view shows the desk's records: %v", field(l1, "claim"))
	}
	desk := h.get(id(r))
	if field(desk, "lines", 0, "claim", "records", "dates", "delivered") != "2023-03-10" {
		t.Fatalf("the desk's view of the claim keeps its records: %v", field(desk, "lines", 0, "claim"))
	}
	// The unit's page: its sale and its RMA.
	u := h.must(http.StatusOK, "GET", "/api/v1/units/PXF-23-0001", h.keys["agent"], nil)
	if str(u, "unit", "sold_to") != "Org pixfra" || str(u, "rmas", 0, "state") != "submitted" || field(u, "rmas", 0, "rma") != float64(id(r)) ||
		str(u, "warranty", "answer") != "in_warranty" || str(u, "warranty", "warranty_until") != "2026-03-09" {
		t.Fatalf("unit page: %v", u)
	}
	if n := len(u["rmas"].([]any)); n != 1 {
		t.Fatalf("unit page lists %d RMAs, want 1", n)
	}
	own := h.must(http.StatusOK, "GET", "/api/v1/units/PXF-23-0001", h.keys["pixfra"], nil)
	if str(own, "unit", "sold_to") != "" || len(own["rmas"].([]any)) != 1 {
		t.Fatalf("the buyer's view of its unit: %v", own)
	}
	for _, who := range []string{"dexxon", "other"} {
		h.must(http.StatusNotFound, "GET", "/api/v1/units/PXF-23-0001", h.keys[who], nil)
	}
	h.must(http.StatusNotFound, "GET", "/api/v1/units/NOPE-1", h.keys["agent"], nil)
}

// registryDexxonSoldToAnotherPartner: a Dexxon serial the registry has
// sold to another partner is flagged for a person; the partner it was sold
// to files the same kind of claim without the flag. Claiming it again
// within 90 days is flagged too.
func registryDexxonSoldToAnotherPartner(t *testing.T, h *harness) {
	loadUnits(h, map[string]any{"serial": "DX24031500123", "model": "DX-SSD-1TB", "category": "ssd", "sold_to": "Org other",
		"invoice_date": "2025-02-01", "invoice_no": "DX-INV-88", "policy": "dexxon"})
	r := h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")) // partner "Org dexxon", serial DX24031500123
	l := field(r, "lines", 0)
	flag := reasonOf(l, "sold_to_other")
	if r["decision"] != "review" || flag == nil || str(flag, "clause") != "evaluation-credit" {
		t.Fatalf("a serial sold to another partner: %v", field(l, "decision"))
	}
	if strings.Contains(string(h.do("GET", fmt.Sprintf("/api/v1/rmas/%d", id(r)), h.keys["dexxon"], nil).body), "Org other") {
		t.Fatal("the requester learns whom the unit was sold to")
	}
	// The buyer itself: no flag; and the registry's invoice, not the
	// partner's, starts the warranty when the receipt is missing.
	own := h.submit(h.keys["other"], map[string]any{"policy": "dexxon", "lines": []any{line(
		map[string]any{"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX24031500123"}, map[string]any{}, nil, nil)}})
	ol := field(own, "lines", 0)
	if reasonOf(ol, "sold_to_other") != nil || str(ol, "decision", "warranty", "start") != "2025-02-01" || str(ol, "decision", "warranty", "source") != "records" {
		t.Fatalf("the buyer's claim: %v", field(ol, "decision"))
	}
	again := reasonOf(ol, "claimed_again")
	if again == nil || own["decision"] != "review" || !strings.Contains(str(again, "text"), "in an RMA filed 2026-03-02") {
		t.Fatalf("claimed again within 90 days, another organisation's RMA not named: %v", field(ol, "decision", "reasons"))
	}
}

// registryPlextorReplacementCarriesWarranty: a Plextor drive replaced
// enters the registry carrying the original's warranty end, linked both
// ways, and a claim on it is decided by that end without any date.
func registryPlextorReplacementCarriesWarranty(t *testing.T, h *harness) {
	loadUnits(h, map[string]any{"serial": "PX0001", "model": "PX-891SAF", "category": "optical-drive", "sold_to": "Org plextor",
		"invoice_date": "2026-02-20", "policy": "plextor"})
	r := h.submit(h.keys["plextor"], map[string]any{"policy": "plextor", "lines": []any{line(
		map[string]any{"category": "optical-drive", "model": "PX-891SAF", "serial": "PX0001"},
		map[string]any{"invoice": "2026-02-20"}, []string{"vendor_invoice"}, nil)}})
	rmaID := id(r)
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "replace"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "replaced",
		"replacements": []any{map[string]any{"line": 1, "serial": "PX0999", "grade": "new"}}})
	number := str(h.get(rmaID), "number")

	u := h.must(http.StatusOK, "GET", "/api/v1/units/px0999", h.keys["agent"], nil)
	repl := field(u, "unit", "replacement")
	if str(repl, "replaces") != "PX0001" || str(repl, "rma") != number || str(repl, "warranty_end") != "2028-02-19" ||
		str(u, "unit", "sold_to") != "Org plextor" || str(u, "unit", "delivered") != "2026-03-02" || str(u, "unit", "model") != "PX-891SAF" {
		t.Fatalf("the replacement in the registry carries the original's warranty end: %v", u["unit"])
	}
	if str(u, "warranty", "answer") != "in_warranty" || str(u, "warranty", "warranty_until") != "2028-02-19" {
		t.Fatalf("the replacement's warranty: %v", u["warranty"])
	}
	orig := h.must(http.StatusOK, "GET", "/api/v1/units/PX0001", h.keys["agent"], nil)
	if str(orig, "replaced_by", 0, "serial") != "PX0999" || str(orig, "rmas", 0, "replacement_serial") != "PX0999" {
		t.Fatalf("the original's page names its replacement: %v", orig)
	}
	// A later claim on the replacement, with no date at all: the carried
	// end decides.
	later := h.submit(h.keys["plextor"], map[string]any{"policy": "plextor", "lines": []any{line(
		map[string]any{"category": "optical-drive", "model": "PX-891SAF", "serial": "PX0999"}, map[string]any{}, nil, nil)}})
	w := field(later, "lines", 0, "decision", "warranty")
	if str(w, "last_day") != "2028-02-19" || str(w, "last_day_by") != "records" || field(w, "in_warranty") != true ||
		reasonOf(field(later, "lines", 0), "records_warranty_end") == nil {
		t.Fatalf("a claim on the replacement: %v", field(later, "lines", 0, "decision"))
	}
	// The replacement is no sale.
	sold, err := h.db.(rma.UnitStore).UnitsSold(t.Context(), calendar.MustParseDate("2026-01-01"), calendar.MustParseDate("2026-12-31"), "", "")
	if err != nil || len(sold) != 1 || sold["PX-891SAF"] != 1 {
		t.Fatalf("units sold in 2026: %v, %v; want the original only", sold, err)
	}
}

// registryPublicCheck: anyone checks a serial in and out of warranty, and
// an unknown serial gets the desk's chosen answer.
func registryPublicCheck(t *testing.T, h *harness) {
	loadUnits(h,
		map[string]any{"serial": "PXF-IN", "model": "Arc A435", "category": "thermal-camera", "sold_to": "Org pixfra", "invoice_date": "2024-01-15", "policy": "pixfra"},
		map[string]any{"serial": "PXF-OUT", "model": "Arc A435", "category": "thermal-camera", "sold_to": "Org pixfra", "invoice_date": "2022-01-15", "policy": "pixfra"},
		map[string]any{"serial": "DX-IN", "model": "DX-SSD-1TB", "sold_to": "Org dexxon", "invoice_date": "2025-01-15", "policy": "dexxon"})
	check := func(want int, query string) map[string]any {
		t.Helper()
		return h.must(want, "GET", "/api/v1/public/warranty?"+query, "", nil)
	}
	in := check(http.StatusOK, "serial=pxf-in")
	if in["answer"] != "in_warranty" || in["warranty_until"] != "2027-01-14" || str(in, "policy", "id") != "pixfra" || in["term"] != "3 years" ||
		!strings.Contains(str(in, "how_to_file"), "contact the seller") {
		t.Fatalf("in warranty: %v", in)
	}
	if strings.Contains(fmt.Sprint(in), "Org pixfra") {
		t.Fatalf("the answer says who bought the unit: %v", in)
	}
	out := h.must(http.StatusOK, "POST", "/api/v1/public/warranty", "", map[string]any{"serial": "PXF-OUT"})
	if out["answer"] != "out_of_warranty" || out["warranty_until"] != "2025-01-14" {
		t.Fatalf("out of warranty: %v", out)
	}
	dx := check(http.StatusOK, "serial=DX-IN")
	if dx["answer"] != "in_warranty" || dx["warranty_until"] != "2027-01-14" || !strings.Contains(str(dx, "how_to_file"), "please contact the shop where you bought the product") {
		t.Fatalf("dexxon, partners only: %v", dx)
	}
	// By default an unknown serial answers as a known one whose model does
	// not match: nothing tells them apart.
	unknown := check(http.StatusOK, "serial=NOPE-404")
	wrongModel := check(http.StatusOK, "serial=PXF-IN&model=TS240")
	delete(unknown, "serial")
	delete(wrongModel, "serial")
	if unknown["answer"] != "cannot_confirm" || fmt.Sprint(unknown) != fmt.Sprint(wrongModel) {
		t.Fatalf("unknown %v and mismatched %v must read the same", unknown, wrongModel)
	}
	if ok := check(http.StatusOK, "serial=PXF-IN&model=arc-a435"); ok["answer"] != "in_warranty" {
		t.Fatalf("the model in another spelling: %v", ok)
	}
	if ok := check(http.StatusOK, "serial=PXF-IN&purchase_date=2024-01-15"); ok["answer"] != "in_warranty" {
		t.Fatalf("the purchase date as second factor: %v", ok)
	}
	if bad := check(http.StatusOK, "serial=PXF-IN&purchase_date=2024-01-16"); bad["answer"] != "cannot_confirm" {
		t.Fatalf("a wrong purchase date: %v", bad)
	}
	// The desk asks for the model, and says so of an unknown serial.
	h.must(http.StatusOK, "PUT", "/api/v1/settings/warranty-check", h.keys["admin"],
		map[string]any{"enabled": true, "second_factor": "model", "reveal_unknown": true})
	missing := h.do("GET", "/api/v1/public/warranty?serial=PXF-IN", "", nil)
	if missing.status != http.StatusUnprocessableEntity || str(missing.json(t), "errors", 0, "field") != "model" {
		t.Fatalf("the model is required: %d %s", missing.status, missing.body)
	}
	if u := check(http.StatusOK, "serial=NOPE-404&model=X"); u["answer"] != "unknown_serial" {
		t.Fatalf("a desk that reveals unknown serials: %v", u)
	}
	if m := check(http.StatusOK, "serial=PXF-IN&model=TS240"); m["answer"] != "cannot_confirm" {
		t.Fatalf("a wrong model still cannot be confirmed: %v", m)
	}
	// Off: the check is not there.
	h.must(http.StatusOK, "PUT", "/api/v1/settings/warranty-check", h.keys["admin"], map[string]any{"enabled": false, "second_factor": "none"})
	check(http.StatusNotFound, "serial=PXF-IN")
	s := h.must(http.StatusOK, "GET", "/api/v1/settings/warranty-check", h.keys["admin"], nil)
	if s["enabled"] != false || s["second_factor"] != "none" {
		t.Fatalf("settings: %v", s)
	}
	audit := h.must(http.StatusOK, "GET", "/api/v1/audit?action=registry.", h.keys["admin"], nil)
	if n := len(audit["items"].([]any)); n != 3 {
		t.Fatalf("audit entries of the registry: %d, want the load and two settings: %v", n, audit)
	}
}

func TestRegistryLifecycles(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	cases := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"pixfra from the registry's delivery date", registryPixfraFromDeliveryDate},
		{"dexxon sold to another partner", registryDexxonSoldToAnotherPartner},
		{"plextor replacement carries the warranty", registryPlextorReplacementCarriesWarranty},
		{"public check", registryPublicCheck},
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b+"/"+c.name, func(t *testing.T) { c.run(t, newHarnessOn(t, b)) })
		}
	}
}

// TestRegistryLoadRefuses: a bad unit is named and nothing is written; a
// CSV load names the line and column.
func TestRegistryLoadRefuses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"no units", map[string]any{"units": []any{}}, "units"},
		{"no serial", map[string]any{"units": []any{map[string]any{"serial": "A1"}, map[string]any{"model": "X"}}}, "units[1].serial"},
		{"bad date", map[string]any{"units": []any{map[string]any{"serial": "A1", "delivered": "01-02-2024"}}}, "units[0].delivered"},
		{"unknown policy", map[string]any{"units": []any{map[string]any{"serial": "A1", "policy": "acme"}}}, "units[0].policy"},
		{"serial twice", map[string]any{"units": []any{map[string]any{"serial": "A1"}, map[string]any{"serial": "B1"}, map[string]any{"serial": "a1"}}}, "units[2].serial"},
		{"price without currency", map[string]any{"units": []any{map[string]any{"serial": "A1", "price": map[string]any{"amount": "10.00"}}}}, "units[0].price.currency"},
		{"unknown field", map[string]any{"units": []any{map[string]any{"serial": "A1", "colour": "red"}}}, "units[0].colour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do("POST", "/api/v1/units", h.keys["admin"], tc.body)
			if r.status != http.StatusUnprocessableEntity || str(r.json(t), "errors", 0, "field") != tc.field {
				t.Fatalf("%d %s, want 422 naming %s", r.status, r.body, tc.field)
			}
		})
	}
	r := h.do("POST", "/api/v1/units", h.keys["admin"], "serial,delivered\nA1,2024-01-02\nA2,2024-02-30\n", "Content-Type", "text/csv")
	if r.status != http.StatusUnprocessableEntity || str(r.json(t), "errors", 0, "field") != "line 3, column delivered" {
		t.Fatalf("CSV: %d %s", r.status, r.body)
	}
	h.must(http.StatusNotFound, "GET", "/api/v1/units/A1", h.keys["agent"], nil)
	ok := h.must(http.StatusOK, "POST", "/api/v1/units?policy=pixfra", h.keys["admin"], "serial,delivered,sold_to\nA1,2024-01-02,Nobody Ltd\n", "Content-Type", "text/csv")
	if ok["created"] != 1.0 || str(ok, "unknown_sold_to", 0, "name") != "Nobody Ltd" {
		t.Fatalf("CSV load: %v", ok)
	}
	if u := h.must(http.StatusOK, "GET", "/api/v1/units/A1", h.keys["agent"], nil); str(u, "unit", "policy") != "pixfra" {
		t.Fatalf("?policy= names the policy: %v", u)
	}
	for _, who := range []string{"agent", "technician", "pixfra"} {
		h.must(http.StatusForbidden, "POST", "/api/v1/units", h.keys[who], map[string]any{"units": []any{map[string]any{"serial": "Z"}}})
	}
}

// TestPublicWarrantyRateLimit: a client address that checks too fast gets
// 429 with Retry-After; the limit is the check's, not the API's.
func TestPublicWarrantyRateLimit(t *testing.T) {
	h := newHarness(t)
	h.srv.Close()
	h.srv = httptest.NewServer(New(h.svc, Config{}).Handler()) // the default limit
	for i := range DefaultWarrantyChecksPerMinute {
		if r := h.do("GET", "/api/v1/public/warranty?serial=S"+fmt.Sprint(i), "", nil); r.status != http.StatusOK {
			t.Fatalf("check %d: %d %s", i, r.status, r.body)
		}
	}
	r := h.do("GET", "/api/v1/public/warranty?serial=S99", "", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("the check after the limit: %d %v %s", r.status, r.header, r.body)
	}
	r = h.do("POST", "/api/v1/public/warranty", "", map[string]any{"serial": "S99"})
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("POST shares the limit: %d %s", r.status, r.body)
	}
	h.must(http.StatusOK, "GET", "/api/v1/me", h.keys["agent"], nil) // the rest of the API is not limited by it
}
