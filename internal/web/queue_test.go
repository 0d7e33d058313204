package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// queueRMA stores a submitted Dexxon RMA filed at created with an open
// deadline due on due (none when zero), straight into the store: the
// queue's order is the subject, not the filing.
func queueRMA(t *testing.T, p *portal, orgID int64, n int, created time.Time, due calendar.Date) *rma.RMA {
	t.Helper()
	c, err := policy.ParseClaim([]byte(fmt.Sprintf(`{"requester": {"role": "partner"}, "product": {"category": "ssd", "model": "DX-%d", "serial": "SN-Q-%04d"}, "dates": {"invoice": "2025-06-01", "reported": "2026-03-02"}}`, n, n)))
	if err != nil {
		t.Fatal(err)
	}
	r := &rma.RMA{OrgID: orgID, Reference: fmt.Sprintf("Q-%04d", n), PolicyID: "dexxon", PolicyVersion: "1", State: rma.Submitted,
		Verdict: policy.Accept, Route: policy.RouteWarranty, Reported: calendar.MustParseDate("2026-03-02"),
		Lines:   []rma.Line{{No: 1, Claim: c, Quantity: 1, Decision: policy.Decision{Policy: "dexxon", Verdict: policy.Accept, Route: policy.RouteWarranty}}},
		Created: created, Updated: created}
	if due != 0 {
		r.Deadlines = []rma.Deadline{{Name: "instructions", Owner: "vendor", Due: due, Clause: "5.2"}}
	}
	ev := &rma.Event{At: created, Actor: "test", Action: "submit", To: rma.Submitted, Details: map[string]any{}}
	if err := p.svc.Store().CreateRMA(t.Context(), r, ev, ""); err != nil {
		t.Fatal(err)
	}
	return r
}

var queueRowRE = regexp.MustCompile(`<a href="/rmas/(\d+)">[^<]*</a></td>\s*<td class="c-ref">Q-(\d+)</td>[\s\S]*?<td>(?:<span class="c-due-name">[^<]*</span>)?(\d{4}-\d{2}-\d{2})?`)

// TestQueueOrderAcrossPages: with more RMAs than a page of the queue, the
// most urgent one is first on page 1, though it was filed first (so it
// is last of all by date, and was on page 2 when the queue sorted a page
// at a time); the next page goes on where page 1 stopped, and the order
// holds across both. Totals per state are shown, and a bulk rejection
// without a reason says, for each RMA, why it was not changed.
func TestQueueOrderAcrossPages(t *testing.T) {
	p := newPortal(t)
	org, err := p.svc.Store().OrgByName(t.Context(), "Distributor")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	// 130 RMAs: the first filed is due first; the others are due 1..30 days
	// later in a scrambled order, and every seventh has no open deadline.
	var urgent *rma.RMA
	for i := range 130 {
		due := calendar.MustParseDate("2026-03-20").AddDays((i * 11) % 30)
		switch {
		case i == 0:
			due = calendar.MustParseDate("2026-03-05")
		case i%7 == 0:
			due = 0
		}
		r := queueRMA(t, p, org.ID, i, start.Add(time.Duration(i)*time.Minute), due)
		if i == 0 {
			urgent = r
		}
	}
	agent := p.signIn("agent@desk.example")
	_, page1 := p.do(agent, "GET", "/rmas", nil, "")
	rows := queueRowRE.FindAllStringSubmatch(page1, -1)
	if len(rows) != 100 {
		t.Fatalf("page 1 has %d rows, want 100", len(rows))
	}
	if rows[0][1] != fmt.Sprint(urgent.ID) {
		t.Fatalf("page 1 starts with RMA %s (Q-%s), want the most urgent, RMA %d", rows[0][1], rows[0][2], urgent.ID)
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(page1)
	if next == nil {
		t.Fatal("page 1 has no link to page 2")
	}
	_, page2 := p.do(agent, "GET", html.UnescapeString(next[1]), nil, "")
	rows = append(rows, queueRowRE.FindAllStringSubmatch(page2, -1)...)
	if len(rows) != 130 {
		t.Fatalf("pages 1 and 2 have %d rows, want 130", len(rows))
	}
	seen, last, none := map[string]bool{}, "", false
	for i, r := range rows {
		if seen[r[1]] {
			t.Fatalf("RMA %s is listed twice", r[1])
		}
		seen[r[1]] = true
		switch due := r[3]; {
		case due == "":
			none = true
		case none:
			t.Fatalf("row %d (Q-%s) is due %s, after an RMA without a deadline", i, r[2], due)
		case due < last:
			t.Fatalf("row %d (Q-%s) is due %s, before row %d's %s", i, r[2], due, i-1, last)
		default:
			last = due
		}
	}
	for _, want := range []string{`aria-sort="ascending"`, `<span class="state s-submitted">submitted</span> <strong>130</strong>`} {
		if !strings.Contains(page1, want) {
			t.Errorf("the queue lacks %s", want)
		}
	}
	// Newest first is a keyset order too: its page 1 starts with the last filed.
	_, newest := p.do(agent, "GET", "/rmas?sort=newest", nil, "")
	if r := queueRowRE.FindStringSubmatch(newest); r == nil || r[2] != "0129" {
		t.Errorf("newest first starts with %v, want Q-0129", r)
	}
	if resp, body := p.do(agent, "GET", "/rmas?sort=loudest", nil, ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "order") {
		t.Errorf("an unknown order: %d", resp.StatusCode)
	}

	// Bulk: rejecting without a reason names each RMA and why.
	a, b := queueRMA(t, p, org.ID, 200, start, 0), queueRMA(t, p, org.ID, 201, start, 0)
	resp, _ := p.form(agent, "/rmas/bulk", url.Values{"do": {"reject"}, "rma": {fmt.Sprintf("%d@%d", a.ID, a.Version), fmt.Sprintf("%d@%d", b.ID, b.Version)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk: %d", resp.StatusCode)
	}
	_, after := p.do(agent, "GET", "/rmas", nil, "")
	msg := html.UnescapeString(regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`).FindString(after))
	for _, want := range []string{"0 changed, 2 could not be changed.", fmt.Sprintf("RMA request %d: a reason is required to reject.", a.ID), fmt.Sprintf("RMA request %d: a reason is required to reject.", b.ID)} {
		if !strings.Contains(msg, want) {
			t.Errorf("after a bulk rejection without a reason the queue says %q, without %q", msg, want)
		}
	}
}
