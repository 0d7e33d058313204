package api

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Advance replacement through the HTTP API on both databases (issue 14):
// the netvendor example pack ships a replacement at authorization; the
// defective unit comes back in time (the deposit is released) or does not
// (the job invoices the replacement on the morning after its due day,
// once).

// withPacks adds the harness's example packs to the seeds.
func (h *harness) withPacks(set *policy.Set) *policy.Set {
	if len(h.packs) == 0 {
		return set
	}
	all := set.All()
	for _, name := range h.packs {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "policies", name+".yaml"))
		if err != nil {
			h.t.Fatal(err)
		}
		p, err := policy.Load(name+".yaml", data)
		if err != nil {
			h.t.Fatal(err)
		}
		all = append(all, p)
	}
	out, err := policy.NewSet(all)
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// newNetvendorHarness is a harness with the netvendor pack and a partner
// in the Netherlands that files under it ("netvendor").
func newNetvendorHarness(t *testing.T, backend string) *harness {
	h := newHarnessOn(t, backend)
	h.packs = []string{"netvendor"}
	h.restart()
	ctx := context.Background()
	accounts := auth.NewAccounts(h.db)
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Org netvendor", Role: "partner", Country: "NL", Email: "rma@partner.example"})
	if err != nil {
		t.Fatal(err)
	}
	k, _, err := accounts.CreateKey(ctx, rma.System, org.ID, rma.RoleRequester, "netvendor")
	if err != nil {
		t.Fatal(err)
	}
	h.keys["netvendor"], h.orgs["netvendor"] = k, org
	return h
}

// netvendorSubmission is one switch invoiced on 2025-06-01 at 1450.00 EUR,
// under the given contracts.
func netvendorSubmission(serial string, contracts ...map[string]any) map[string]any {
	extra := map[string]any{"fault": "ports 1-24 dead", "last_invoiced_price": eur("1450.00")}
	if len(contracts) > 0 {
		extra["contracts"] = contracts
	}
	return map[string]any{"policy": "netvendor", "reference": "NOC-" + serial, "lines": []any{line(
		map[string]any{"category": "switch", "model": "NV-S48", "serial": serial},
		map[string]any{"invoice": "2025-06-01"}, nil, extra)}}
}

func (h *harness) runner(out *notify.Outbox) *jobs.Runner {
	return jobs.New(h.svc, jobs.Config{Sender: out, Now: h.clock.Now, Worker: "advance-test", Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

func chargeKinds(r map[string]any) string {
	var out []string
	for _, c := range r["charges"].([]any) {
		out = append(out, str(c, "kind")+" "+str(c, "amount", "amount"))
	}
	return strings.Join(out, ", ")
}

func deadlineOf(r map[string]any, name string) map[string]any {
	for _, d := range r["deadlines"].([]any) {
		if str(d, "name") == name {
			return d.(map[string]any)
		}
	}
	return nil
}

// advanceReturnedInTime: no plan, in the Benelux: advance replacement
// against a deposit of the unit's price; the defective unit arrives within
// 15 days, so the deposit is released and nothing is invoiced.
func advanceReturnedInTime(t *testing.T, h *harness) {
	out := &notify.Outbox{}
	run := h.runner(out)
	r := h.submit(h.keys["netvendor"], netvendorSubmission("NVS48-000001"))
	rmaID := id(r)
	if r["decision"] != "accept" || field(r, "lines", 0, "decision", "advance_replacement", "on_no_return") != "keep_deposit" ||
		field(r, "lines", 0, "decision", "advance_replacement", "deposit", "percent") != float64(100) {
		t.Fatalf("decision: %v", field(r, "lines", 0, "decision"))
	}
	// The agent chooses: a line authorized without the option is not one.
	bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID), h.keys["agent"],
		map[string]any{"resolution": "replace", "advance": []any{map[string]any{"line": 1}}}, "If-Match", h.etag(rmaID))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "advance[0].serial") {
		t.Fatalf("advance without a serial: %d %s", bad.status, bad.body)
	}
	bad = h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID), h.keys["agent"],
		map[string]any{"resolution": "replace", "advance": []any{map[string]any{"line": 2, "serial": "X"}}}, "If-Match", h.etag(rmaID))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "advance[0].line") {
		t.Fatalf("advance of a line that is not there: %d %s", bad.status, bad.body)
	}
	if got := h.get(rmaID); got["state"] != "submitted" || len(got["charges"].([]any)) != 0 {
		t.Fatalf("a refused authorization wrote something: %v", got)
	}

	r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "replace",
		"advance": []any{map[string]any{"line": 1, "serial": "NVS48-900001", "tracking": "1Z999AA10123456784"}}})
	adv := field(r, "lines", 0, "advance_replacement")
	if r["state"] != "authorized" || str(adv, "serial") != "NVS48-900001" || str(adv, "shipped") != "2026-03-02" ||
		str(adv, "return_due") != "2026-03-17" || str(adv, "status") != "shipped" || str(adv, "deposit", "amount") != "1450.00" {
		t.Fatalf("authorized with advance replacement: %v", adv)
	}
	if chargeKinds(r) != "advance_deposit 1450.00" {
		t.Fatalf("the deposit is held: %s", chargeKinds(r))
	}
	if d := deadlineOf(r, "advance_return_1"); d == nil || d["due"] != "2026-03-17" || d["owner"] != "requester" {
		t.Fatalf("return deadline: %v", r["deadlines"])
	}
	// The requester sees it too.
	mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), h.keys["netvendor"], nil)
	if str(mine, "lines", 0, "advance_replacement", "return_due") != "2026-03-17" {
		t.Fatalf("the requester's view: %v", field(mine, "lines", 0))
	}

	// The defective unit arrives on its due day.
	h.clock.advance(15 * 24 * time.Hour)
	r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(r, "number")})
	adv = field(r, "lines", 0, "advance_replacement")
	if str(adv, "status") != "returned" || str(adv, "settled") != "2026-03-17" {
		t.Fatalf("received in time: %v", adv)
	}
	if chargeKinds(r) != "advance_deposit 1450.00, advance_deposit_released -1450.00" || str(r, "balance", 0, "amount") != "0.00" {
		t.Fatalf("the deposit is released: %s %v", chargeKinds(r), r["balance"])
	}
	if d := deadlineOf(r, "advance_return_1"); d["met"] == nil {
		t.Fatalf("the return deadline is met: %v", d)
	}
	// The job finds nothing to do on the morning after.
	h.clock.advance(24 * time.Hour)
	if _, err := run.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = h.get(rmaID)
	if chargeKinds(r) != "advance_deposit 1450.00, advance_deposit_released -1450.00" || strings.Contains(fmt.Sprint(events(h, rmaID)), "advance_") {
		t.Fatalf("nothing invoiced or kept: %s %v", chargeKinds(r), events(h, rmaID))
	}
	for _, m := range out.Sent() {
		if strings.Contains(m.Subject, "Deposit kept") || strings.Contains(m.Subject, "invoiced") {
			t.Fatalf("the requester was told of a deposit kept: %s", m.Subject)
		}
	}
}

// advanceNotReturned: an NBD contract: the replacement ships at
// authorization, the defective unit is due within 10 Dutch working days;
// it does not come, and the job run on the morning after the due day
// invoices the replacement at the line's price, once.
func advanceNotReturned(t *testing.T, h *harness) {
	out := &notify.Outbox{}
	run := h.runner(out)
	r := h.submit(h.keys["netvendor"], netvendorSubmission("NVS48-000002",
		map[string]any{"plan": "nbd", "id": "C-1001", "start": "2025-06-01", "end": "2027-05-31"}))
	rmaID := id(r)
	if field(r, "lines", 0, "decision", "entitlement", "plan") != "nbd" || field(r, "lines", 0, "decision", "advance_replacement", "on_no_return") != "invoice" {
		t.Fatalf("decision: %v", field(r, "lines", 0, "decision"))
	}
	// The plan's response: the next Dutch business day.
	if d := deadlineOf(r, "response"); d == nil || d["due"] != "2026-03-03" || d["owner"] != "vendor" || d["clause"] != "plan-nbd" {
		t.Fatalf("response deadline: %v", r["deadlines"])
	}
	// A bad contract names its field.
	bad := h.do("POST", "/api/v1/rmas", h.keys["netvendor"], netvendorSubmission("NVS48-000003",
		map[string]any{"plan": "nbd", "id": "C-1", "start": "2025-06-01", "end": "2025-13-01"}))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), "lines[0].contracts[0].end") {
		t.Fatalf("bad contract: %d %s", bad.status, bad.body)
	}

	r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "replace",
		"advance": []any{map[string]any{"line": 1, "serial": "NVS48-900002", "model": "NV-S48"}}})
	adv := field(r, "lines", 0, "advance_replacement")
	// 2 March 2026 is a Monday: ten working days later is Monday 16 March.
	if str(adv, "return_due") != "2026-03-16" || str(adv, "invoice", "amount") != "1450.00" || field(adv, "deposit") != nil {
		t.Fatalf("authorized: %v", adv)
	}
	if d := deadlineOf(r, "response"); d["met"] == nil {
		t.Fatalf("the authorization answers within the plan's response: %v", d)
	}
	if len(r["charges"].([]any)) != 0 {
		t.Fatalf("nothing charged before the due day: %s", chargeKinds(r))
	}

	// The due day itself: nothing yet.
	h.clock.advance(14*24*time.Hour + 8*time.Hour) // Monday 16 March, 17:00
	if _, err := run.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r = h.get(rmaID); len(r["charges"].([]any)) != 0 || str(r, "lines", 0, "advance_replacement", "status") != "shipped" {
		t.Fatalf("invoiced on the due day: %s", chargeKinds(r))
	}
	// The morning after, the agent's queue finds it overdue, then the job invoices it.
	h.clock.advance(16 * time.Hour)
	list := h.must(http.StatusOK, "GET", "/api/v1/rmas?overdue=true", h.keys["agent"], nil)
	if items := list["items"].([]any); len(items) != 1 || id(items[0].(map[string]any)) != rmaID {
		t.Fatalf("overdue queue: %v", list["items"])
	}
	if r = h.get(rmaID); field(r, "lines", 0, "advance_replacement", "overdue") != true {
		t.Fatalf("not shown overdue: %v", field(r, "lines", 0, "advance_replacement"))
	}
	if _, err := run.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = h.get(rmaID)
	adv = field(r, "lines", 0, "advance_replacement")
	if str(adv, "status") != "invoiced" || str(adv, "settled") != "2026-03-17" || chargeKinds(r) != "advance_replacement 1450.00" || r["state"] != "authorized" {
		t.Fatalf("invoiced: %v %s %v", adv, chargeKinds(r), r["state"])
	}
	if !strings.Contains(strings.Join(events(h, rmaID), " "), "advance_invoiced") {
		t.Fatalf("history: %v", events(h, rmaID))
	}
	// Once: the job again, and the service's step again, change nothing.
	if _, err := run.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.SettleAdvance(context.Background(), rmaID, 1); err != nil {
		t.Fatal(err)
	}
	if r = h.get(rmaID); chargeKinds(r) != "advance_replacement 1450.00" || strings.Count(strings.Join(events(h, rmaID), " "), "advance_invoiced") != 1 {
		t.Fatalf("invoiced twice: %s %v", chargeKinds(r), events(h, rmaID))
	}
	// The requester was told, once.
	var told []string
	for _, m := range out.Sent() {
		if strings.Contains(m.Subject, "Replacement invoiced") {
			told = append(told, m.To+": "+m.Text)
		}
	}
	if len(told) != 1 || !strings.Contains(told[0], "rma@partner.example") || !strings.Contains(told[0], "NVS48-900002") || !strings.Contains(told[0], "Monday 16 March 2026") {
		t.Fatalf("the requester's message: %v", told)
	}
	// The invoice is final at once: either party downloads it, and it
	// lists the replacement.
	doc := h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/invoice", rmaID), h.keys["netvendor"], nil)
	if doc.status != http.StatusOK || doc.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("invoice: %d %s", doc.status, doc.body)
	}
	got, d, err := h.svc.IssueMoneyDocument(context.Background(), rma.System, rmaID, rma.Invoice)
	if err != nil {
		t.Fatal(err)
	}
	entries := rma.Entries(rma.Invoice, got.Charges, d.At)
	if len(entries) != 1 || entries[0].Kind != rma.ChargeAdvanceInvoiced || entries[0].Amount.Cents != 145000 || !strings.HasPrefix(d.Number, "INV-2026-") {
		t.Fatalf("invoice %s entries: %+v", d.Number, entries)
	}
	// The unit turning up later changes nothing on the ledger.
	r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(r, "number")})
	if chargeKinds(r) != "advance_replacement 1450.00" || str(r, "lines", 0, "advance_replacement", "status") != "invoiced" {
		t.Fatalf("late receipt: %s %v", chargeKinds(r), field(r, "lines", 0, "advance_replacement"))
	}
}

// TestAdvanceLifecycles runs the advance replacement steps on each database.
func TestAdvanceLifecycles(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	cases := []struct {
		name string
		run  func(*testing.T, *harness)
	}{
		{"returned in time: deposit released", advanceReturnedInTime},
		{"not returned: invoiced once", advanceNotReturned},
	}
	for _, b := range backends {
		for _, c := range cases {
			t.Run(b+"/"+c.name, func(t *testing.T) { c.run(t, newNetvendorHarness(t, b)) })
		}
	}
}

// TestCheckWithContracts: the policy check takes a claim's contracts as a
// submission's line does, and names a bad one's field.
func TestCheckWithContracts(t *testing.T) {
	h := newNetvendorHarness(t, "sqlite")
	claim := func(end string) map[string]any {
		return map[string]any{"product": map[string]any{"category": "switch"}, "dates": map[string]any{"invoice": "2024-01-15"},
			"contracts": []any{map[string]any{"plan": "nbd", "id": "C-2002", "start": "2025-02-03", "end": end}}}
	}
	d := h.must(http.StatusOK, "POST", "/api/v1/policies/netvendor/check", h.keys["netvendor"], claim("2026-03-02"))
	if d["decision"] != "accept" || field(d, "entitlement", "contract") != "C-2002" || field(d, "advance_replacement", "offered") != true {
		t.Fatalf("check: %v", d)
	}
	d = h.must(http.StatusOK, "POST", "/api/v1/policies/netvendor/check", h.keys["netvendor"], claim("2026-03-01"))
	if d["decision"] != "reject" || !strings.Contains(fmt.Sprint(d["reasons"]), "contract_expired") {
		t.Fatalf("check, contract ended the day before: %v", d)
	}
	bad := h.do("POST", "/api/v1/policies/netvendor/check", h.keys["netvendor"], claim("soon"))
	if bad.status != http.StatusUnprocessableEntity || !strings.Contains(string(bad.body), `"contracts[0].end"`) {
		t.Fatalf("bad contract: %d %s", bad.status, bad.body)
	}
}
