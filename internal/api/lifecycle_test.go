package api

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"
)

// One full lifecycle per seed policy, through the HTTP API on a real SQLite
// file. The harness's day is 2026-03-02.

func line(product map[string]any, dates map[string]any, docs []string, extra map[string]any) map[string]any {
	l := map[string]any{"product": product, "dates": dates}
	if docs != nil {
		l["documents"] = docs
	}
	for k, v := range extra {
		l[k] = v
	}
	return l
}

func eur(amount string) map[string]any { return map[string]any{"amount": amount, "currency": "EUR"} }

func events(h *harness, rmaID int64) []string {
	h.t.Helper()
	m := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["admin"], nil)
	var out []string
	for _, e := range m["events"].([]any) {
		out = append(out, str(e, "action")+"->"+str(e, "to"))
	}
	return out
}

func expectEvents(t *testing.T, h *harness, rmaID int64, want ...string) {
	t.Helper()
	got := events(h, rmaID)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("history:\n  %v\nwant\n  %v", got, want)
	}
}

func expectBalance(t *testing.T, r map[string]any, want string) {
	t.Helper()
	if got := str(r, "balance", 0, "amount") + " " + str(r, "balance", 0, "currency"); got != want {
		t.Fatalf("balance %q, want %q; charges %v", got, want, r["charges"])
	}
}

func dexxonSubmission(qty int, price string) map[string]any {
	return map[string]any{"policy": "dexxon", "reference": "PO-42", "lines": []any{line(
		map[string]any{"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX24031500123"},
		map[string]any{"purchase": "2025-03-15", "invoice": "2025-02-01"}, []string{"purchase_receipt"},
		map[string]any{"quantity": qty, "fault": "Not detected by the BIOS", "last_invoiced_price": eur(price)})}}
}

func lifecycleDexxonReturnThenCredit(t *testing.T, h *harness) {
	r := h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90"))
	rmaID := id(r)
	if r["state"] != "submitted" || r["decision"] != "accept" || r["route"] != "warranty" || r["policy_version"] != "1" {
		t.Fatalf("submitted RMA: %v", r)
	}
	if str(r, "deadlines", 0, "name") != "instructions" || str(r, "deadlines", 0, "due") != "2026-03-16" {
		t.Fatalf("instructions deadline: %v", r["deadlines"])
	}
	r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	number := str(r, "number")
	if r["state"] != "authorized" || !strings.HasPrefix(number, "RMA-26-") || r["number_expires"] != "2026-03-16" {
		t.Fatalf("authorized: %v", r)
	}
	if !strings.Contains(fmt.Sprint(r["return_address"]), "Curieweg 15") || len(r["instructions"].([]any)) == 0 {
		t.Fatalf("return address and instructions: %v %v", r["return_address"], r["instructions"])
	}
	if field(r, "deadlines", 0, "met") == nil {
		t.Fatal("the instructions deadline is met by the authorization")
	}
	r = h.act(h.keys["dexxon"], rmaID, "ship", map[string]any{"carrier": "PostNL", "tracking": "3SABC123"})
	if r["state"] != "in_transit" {
		t.Fatalf("shipped: %v", r["state"])
	}
	// The bench types the number as it reads it off the box.
	r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{
		"number": strings.ToLower(strings.ReplaceAll(number, "-", " ")),
		"lines":  []any{map[string]any{"line": 1, "serial": "DX24031500123"}}})
	if r["state"] != "received" || field(r, "lines", 0, "received", "serial_mismatch") != false {
		t.Fatalf("received: %v", r)
	}
	if str(r, "deadlines", 1, "name") != "evaluation" || str(r, "deadlines", 1, "due") != "2026-03-30" {
		t.Fatalf("evaluation deadline (4 weeks of receipt): %v", r["deadlines"])
	}
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	r = h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	if field(r, "deadlines", 1, "met") == nil {
		t.Fatal("the evaluation deadline is met by the evaluation")
	}
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "credited"})
	if r["state"] != "resolved" || r["outcome"] != "credited" {
		t.Fatalf("resolved: %v", r)
	}
	expectBalance(t, r, "-89.90 EUR")
	r = h.act(h.keys["agent"], rmaID, "close", nil)
	if r["state"] != "closed" || len(r["allowed_actions"].([]any)) != 0 {
		t.Fatalf("closed: %v", r)
	}
	expectEvents(t, h, rmaID, "submit->submitted", "authorize->authorized", "ship->in_transit", "receive->received",
		"start_evaluation->in_evaluation", "evaluate->in_evaluation", "resolve->resolved", "close->closed")
}

func lifecycleDexxonDestroyAndCredit(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(2, "10.00")))
	// Authorizing a return cannot stand in for destruction.
	h.must(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID), h.keys["agent"],
		map[string]any{"resolution": "destroy_and_credit"}, "If-Match", h.etag(rmaID))
	r := h.act(h.keys["agent"], rmaID, "credit_without_return", map[string]any{"note": "low value: destroy"})
	if r["state"] != "credited_without_return" || r["outcome"] != "credited" || r["number"] != nil {
		t.Fatalf("credited without return: %v", r)
	}
	expectBalance(t, r, "-20.00 EUR")
	h.act(h.keys["agent"], rmaID, "close", nil)
	expectEvents(t, h, rmaID, "submit->submitted", "credit_without_return->credited_without_return", "close->closed")
}

func lifecycleDexxonReferral(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.must(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/rmas/%d/refer", rmaID), h.keys["agent"],
		map[string]any{}, "If-Match", h.etag(rmaID))
	r := h.act(h.keys["agent"], rmaID, "refer", map[string]any{"contact": "Brand service centre, service@brand.example", "reason": "the brand's warranty terms require it"})
	if r["state"] != "referred" || !strings.Contains(str(r, "referred_to"), "service@brand.example") {
		t.Fatalf("referred: %v", r)
	}
	h.act(h.keys["agent"], rmaID, "close", nil)
	expectEvents(t, h, rmaID, "submit->submitted", "refer->referred", "close->closed")
}

func lifecyclePlextorDOAReplacedWithOriginalWarranty(t *testing.T, h *harness) {
	r := h.submit(h.keys["plextor"], map[string]any{"policy": "plextor", "lines": []any{line(
		map[string]any{"category": "optical-drive", "model": "PX-891SAF", "serial": "PX0001"},
		map[string]any{"invoice": "2026-02-20"}, []string{"vendor_invoice"}, nil)}})
	rmaID := id(r)
	if r["route"] != "doa" || str(r, "lines", 0, "decision", "warranty", "last_day") != "2028-02-19" {
		t.Fatalf("DOA decision: %v", field(r, "lines", 0, "decision"))
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "replace"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	// A grade Plextor does not use is refused, and nothing of the request is kept.
	bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/resolve", rmaID), h.keys["agent"], map[string]any{"outcome": "replaced",
		"replacements": []any{map[string]any{"line": 1, "serial": "PX0999", "grade": "refurbished"}}}, "If-Match", h.etag(rmaID))
	if bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "replacements[0].grade" {
		t.Fatalf("bad grade: %d %s", bad.status, bad.body)
	}
	if got := h.get(rmaID); got["state"] != "in_evaluation" || field(got, "lines", 0, "replacement") != nil {
		t.Fatalf("a refused resolve left a trace: %v", got)
	}
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "replaced",
		"replacements": []any{map[string]any{"line": 1, "serial": "PX0999", "grade": "new"}}})
	if str(r, "lines", 0, "replacement", "warranty_end") != "2028-02-19" || str(r, "lines", 0, "replacement", "model") != "PX-891SAF" {
		t.Fatalf("the replacement keeps the original's warranty: %v", field(r, "lines", 0, "replacement"))
	}
	s := h.must(http.StatusOK, "GET", "/api/v1/serials/PX0999", h.keys["agent"], nil)
	if s["warranty_end"] != "2028-02-19" || s["in_warranty"] != true || field(s, "history", 0, "as_replacement") != true {
		t.Fatalf("serial lookup of the replacement: %v", s)
	}
	s = h.must(http.StatusOK, "GET", "/api/v1/serials/PX0001", h.keys["agent"], nil)
	if len(s["history"].([]any)) != 1 || field(s, "history", 0, "number") == "" {
		t.Fatalf("serial lookup of the original: %v", s)
	}
}

func pixfraSubmission(docs []string) map[string]any {
	return map[string]any{"policy": "pixfra", "no_substitute": true, "lines": []any{line(
		map[string]any{"category": "thermal-camera", "part": "device", "model": "Arc A435", "serial": "PXF22A0917"},
		map[string]any{"invoice": "2025-06-01"}, docs, map[string]any{"fault": "no image", "part_number": "1.0.01.08.43501"})}}
}

func lifecyclePixfraNumberExpiredAndReissued(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["pixfra"], pixfraSubmission([]string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"})))
	r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
	first := str(r, "number")
	if r["number_expires"] != "2026-04-01" || str(r, "service_location", "id") != "pixfra-eu" {
		t.Fatalf("30 natural days and the station of the distributor's region (DE): %v", r)
	}
	// Too early to expire.
	h.must(http.StatusConflict, "POST", fmt.Sprintf("/api/v1/rmas/%d/expire", rmaID), h.keys["agent"], nil, "If-Match", h.etag(rmaID))
	h.clock.advance(31 * 24 * time.Hour) // 2026-04-02
	refused := h.do("POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": first})
	if refused.status != http.StatusConflict || !strings.Contains(string(refused.body), "expired") {
		t.Fatalf("a lapsed number is refused at the bench: %d %s", refused.status, refused.body)
	}
	r = h.act(h.keys["agent"], rmaID, "expire", nil)
	if r["state"] != "expired" {
		t.Fatalf("expired: %v", r["state"])
	}
	r = h.act(h.keys["agent"], rmaID, "reissue", nil)
	second := str(r, "number")
	if r["state"] != "authorized" || second == first || r["number_expires"] != "2026-05-02" || len(r["numbers"].([]any)) != 2 ||
		field(r, "numbers", 0, "current") != false || str(r, "numbers", 0, "number") != first {
		t.Fatalf("reissued: %v", r)
	}
	old := h.do("POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": first})
	if old.status != http.StatusConflict || !strings.Contains(string(old.body), "replaced by "+second) {
		t.Fatalf("the old number is refused: %d %s", old.status, old.body)
	}
	typo := []byte(second)
	typo[9] = '0' + (typo[9]-'0'+1)%10
	mistyped := h.do("POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": string(typo)})
	if mistyped.status != http.StatusUnprocessableEntity || !strings.Contains(string(mistyped.body), "check letter") {
		t.Fatalf("a mistyped digit is caught: %d %s", mistyped.status, mistyped.body)
	}
	r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": second,
		"lines": []any{map[string]any{"line": 1, "serial": "PXF22A0999", "model": "Arc A435"}}})
	if r["state"] != "received" || field(r, "lines", 0, "received", "serial_mismatch") != true {
		t.Fatalf("received, with the serial mismatch flagged: %v", field(r, "lines", 0, "received"))
	}
	expectEvents(t, h, rmaID, "submit->submitted", "authorize->authorized", "expire->expired", "reissue->authorized", "receive->received")
}

func pixfraNeedsInfoAnsweredWithUploads(t *testing.T, h *harness) {
	r := h.submit(h.keys["pixfra"], pixfraSubmission([]string{"vendor_invoice", "purchase_receipt", "shipping_document"}))
	rmaID := id(r)
	if r["state"] != "needs_info" || !strings.Contains(str(r, "reason"), "label_photo") {
		t.Fatalf("needs_info: %v", r)
	}
	for _, kind := range []string{"label_photo", "appearance_photo"} {
		doc := h.upload(h.keys["pixfra"], rmaID, kind, "photo.png", pngBytes)
		if doc["content_type"] != "image/png" || doc["kind"] != kind {
			t.Fatalf("upload: %v", doc)
		}
	}
	r = h.act(h.keys["pixfra"], rmaID, "provide_info", nil)
	if r["state"] != "submitted" || r["decision"] != "accept" {
		t.Fatalf("after the photos: %v %v", r["state"], r["decision"])
	}
	expectEvents(t, h, rmaID, "submit->needs_info", "add_document->needs_info", "add_document->needs_info", "provide_info->submitted")
}

func lifecycleMiniCartRefundAtTheCustomersChoice(t *testing.T, h *harness) {
	r := h.submit(h.keys["minicart"], map[string]any{"policy": "minicart", "reference": "order 10023", "lines": []any{line(
		map[string]any{"category": "tablet", "model": "MC-Tab 10"},
		map[string]any{"shipped": "2026-02-20", "delivered": "2026-02-27"}, []string{"package_photos", "defect_media"},
		map[string]any{"last_invoiced_price": eur("199.00"), "fault": "screen stays black"})}})
	rmaID := id(r)
	if r["route"] != "doa" || str(r, "lines", 0, "decision", "inbound_shipping_paid_by") != "vendor" ||
		fmt.Sprint(r["resolutions_offered"]) != "[replace refund remote_fix]" {
		t.Fatalf("DOA with the customer's choice: %v", r)
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	h.act(h.keys["minicart"], rmaID, "ship", nil)
	r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number"),
		"lines": []any{map[string]any{"line": 1, "missing_accessories": []any{map[string]any{"name": "charger", "price": eur("15.00")}}}}})
	if str(r, "charges", 0, "kind") != "missing_accessory" || str(r, "charges", 0, "amount", "amount") != "15.00" {
		t.Fatalf("the missing charger is charged: %v", r["charges"])
	}
	// The parcel came by express: the import duties are the customer's.
	r = h.must(http.StatusCreated, "POST", fmt.Sprintf("/api/v1/rmas/%d/charges", rmaID), h.keys["agent"],
		map[string]any{"kind": "import_duties", "quantity": 1, "unit_price": eur("12.30")}, "If-Match", h.etag(rmaID))
	if str(r, "charges", 1, "clause") != "import-duties" {
		t.Fatalf("import duties: %v", r["charges"])
	}
	h.must(http.StatusUnprocessableEntity, "POST", fmt.Sprintf("/api/v1/rmas/%d/charges", rmaID), h.keys["agent"],
		map[string]any{"kind": "depreciation", "quantity": 1, "unit_price": eur("10.00")}, "If-Match", h.etag(rmaID))
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{"line": 1, "finding": "defect_confirmed"}}})
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded"})
	expectBalance(t, r, "-171.70 EUR")
	h.act(h.keys["agent"], rmaID, "close", nil)
}

func lifecycleWebStore4NoFaultFoundAtTheHourlyRate(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "lines": []any{line(
		map[string]any{"category": "router", "model": "WS-R9", "serial": "R9-0001"},
		map[string]any{"delivered": "2025-06-01"}, nil, map[string]any{"fault": "drops Wi-Fi"})}}))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	// A fee the policy does not have is refused, naming the field.
	bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/evaluate", rmaID), h.keys["technician"], map[string]any{"lines": []any{map[string]any{
		"line": 1, "finding": "no_fault_found", "charges": []any{map[string]any{"kind": "handling", "quantity": 1, "unit_price": eur("5.00")}}}}},
		"If-Match", h.etag(rmaID))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "lines[0].charges[0].kind") {
		t.Fatalf("unknown fee: %d %s", bad.status, bad.body)
	}
	r := h.act(h.keys["technician"], rmaID, "evaluate", map[string]any{"lines": []any{map[string]any{
		"line": 1, "finding": "no_fault_found", "notes": "ran 24 h, no drop",
		"charges": []any{map[string]any{"kind": "no_fault_found", "quantity": 1.5, "unit_price": eur("65.00")}}}}})
	if str(r, "charges", 0, "basis") != "hourly" || str(r, "charges", 0, "clause") != "no-fault-found" {
		t.Fatalf("the hourly no-fault-found fee: %v", r["charges"])
	}
	expectBalance(t, r, "97.50 EUR")
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "no_fault_found"})
	if r["outcome"] != "no_fault_found" {
		t.Fatalf("resolved: %v", r)
	}
}

func lifecycleWithdrawal(t *testing.T, h *harness) {
	r := h.submit(h.keys["webstore4"], map[string]any{"policy": "webstore4", "kind": "withdrawal", "lines": []any{line(
		map[string]any{"category": "smart-camera", "model": "CAM-200"},
		map[string]any{"delivered": "2026-02-25"}, nil, map[string]any{"last_invoiced_price": eur("49.00")})}})
	rmaID := id(r)
	if r["route"] != "withdrawal" || r["kind"] != "withdrawal" || fmt.Sprint(r["resolutions_offered"]) != "[refund]" {
		t.Fatalf("withdrawal: %v", r)
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "refund"})
	h.act(h.keys["webstore4"], rmaID, "ship", map[string]any{"carrier": "DHL"})
	h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(h.get(rmaID), "number")})
	h.act(h.keys["technician"], rmaID, "start_evaluation", nil)
	r = h.act(h.keys["agent"], rmaID, "resolve", map[string]any{"outcome": "refunded"})
	expectBalance(t, r, "-49.00 EUR")
	h.act(h.keys["agent"], rmaID, "close", nil)
}

// pngBytes is the smallest valid PNG, for uploads.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func (h *harness) uploadRaw(key string, rmaID int64, kind, filename string, content []byte) *response {
	h.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", kind)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		h.t.Fatal(err)
	}
	_, _ = fw.Write(content)
	_ = mw.Close()
	return h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/documents", rmaID), key, buf.Bytes(), "Content-Type", mw.FormDataContentType())
}

func (h *harness) upload(key string, rmaID int64, kind, filename string, content []byte) map[string]any {
	h.t.Helper()
	r := h.uploadRaw(key, rmaID, kind, filename, content)
	if r.status != http.StatusCreated {
		h.t.Fatalf("upload: %d %s", r.status, r.body)
	}
	return r.json(h.t)
}

// TestOverdueQueue: an RMA whose instructions deadline passed is listed as
// overdue until the desk answers it.
func TestOverdueQueue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	late := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.clock.advance(10 * 24 * time.Hour)
	fresh := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.clock.advance(5 * 24 * time.Hour) // 2026-03-17: the first is one day past 14 days
	overdue := func() []int64 {
		m := h.must(http.StatusOK, "GET", "/api/v1/rmas?overdue=true", h.keys["agent"], nil)
		var ids []int64
		for _, it := range m["items"].([]any) {
			ids = append(ids, id(it.(map[string]any)))
		}
		return ids
	}
	if got := overdue(); len(got) != 1 || got[0] != late {
		t.Fatalf("overdue %v, want [%d] (not %d)", got, late, fresh)
	}
	if r := h.get(late); field(r, "deadlines", 0, "overdue") != true {
		t.Fatalf("deadline not marked overdue: %v", r["deadlines"])
	}
	h.act(h.keys["agent"], late, "request_info", map[string]any{"reason": "photo of the label, please"})
	if got := overdue(); len(got) != 0 {
		t.Fatalf("answered, still overdue: %v", got)
	}
}

// TestSearchAndPages: the queue finds RMAs by number, serial or model
// prefix, and pages without gaps or repeats.
func TestSearchAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var ids []int64
	for i := range 5 {
		body := dexxonSubmission(1, "10.00")
		body["lines"].([]any)[0].(map[string]any)["product"] = map[string]any{"category": "ssd", "model": fmt.Sprintf("DX-%d", i), "serial": fmt.Sprintf("SN-%04d", i)}
		ids = append(ids, id(h.submit(h.keys["dexxon"], body)))
	}
	number := str(h.act(h.keys["agent"], ids[2], "authorize", map[string]any{"resolution": "return"}), "number")
	for _, q := range []string{number, strings.ToLower(number[:10]), "sn-0002", "DX-2"} {
		m := h.must(http.StatusOK, "GET", "/api/v1/rmas?q="+q, h.keys["agent"], nil)
		if items := m["items"].([]any); len(items) != 1 || id(items[0].(map[string]any)) != ids[2] {
			t.Errorf("q=%s: %d items", q, len(items))
		}
	}
	seen := map[int64]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		m := h.must(http.StatusOK, "GET", "/api/v1/rmas?limit=2&cursor="+cursor, h.keys["agent"], nil)
		for _, it := range m["items"].([]any) {
			if seen[id(it.(map[string]any))] {
				t.Fatalf("RMA %d on two pages", id(it.(map[string]any)))
			}
			seen[id(it.(map[string]any))] = true
		}
		cursor, _ = m["next"].(string)
		if cursor == "" || pages > 5 {
			break
		}
	}
	if len(seen) != 5 {
		t.Fatalf("pages held %d RMAs, want 5", len(seen))
	}
	h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/rmas?state=lost", h.keys["agent"], nil)
	h.must(http.StatusUnprocessableEntity, "GET", "/api/v1/rmas?limit=1000", h.keys["agent"], nil)
}

// TestLifecycles runs one full lifecycle per seed policy on each database.
func TestLifecycles(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	lifecycles := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"dexxon return then credit", lifecycleDexxonReturnThenCredit},
		{"dexxon destroy and credit", lifecycleDexxonDestroyAndCredit},
		{"dexxon referral", lifecycleDexxonReferral},
		{"plextor DOA replaced", lifecyclePlextorDOAReplacedWithOriginalWarranty},
		{"pixfra expired and reissued", lifecyclePixfraNumberExpiredAndReissued},
		{"pixfra needs info", pixfraNeedsInfoAnsweredWithUploads},
		{"minicart refund", lifecycleMiniCartRefundAtTheCustomersChoice},
		{"webstore4 no fault found", lifecycleWebStore4NoFaultFoundAtTheHourlyRate},
		{"withdrawal", lifecycleWithdrawal},
	}
	for _, b := range backends {
		for _, lc := range lifecycles {
			t.Run(b+"/"+lc.name, func(t *testing.T) { lc.run(t, newHarnessOn(t, b)) })
		}
	}
}
