package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// queueRow is one RMA in a list.
type queueRow struct {
	RMA     rma.RMA
	NextDue *rma.Deadline
	Overdue bool
}

// stateTotal is how many RMAs of the desk are in a state, for the queue's
// totals.
type stateTotal struct {
	State rma.State
	N     int
}

// stateCounter is the store's count of RMAs per state (the ops gauge's).
type stateCounter interface {
	CountRMAsByState(ctx context.Context) (map[rma.State]int, error)
}

// totalsFor is how long the queue's totals per state are reused: counting
// a million RMAs by state reads a whole index (about 0.1 s on SQLite), so
// each instance counts at most this often and every other queue page
// shows the count of a moment ago.
const totalsFor = 10 * time.Second

// totalsCache is one Server's last count of RMAs per state.
type totalsCache struct {
	mu     sync.Mutex
	at     time.Time
	counts map[rma.State]int
}

var totalsCaches sync.Map // *Server -> *totalsCache

// stateTotals counts the desk's RMAs per state, at most every totalsFor.
func (s *Server) stateTotals(ctx context.Context) map[rma.State]int {
	sc, ok := s.svc.Store().(stateCounter)
	if !ok {
		return nil
	}
	v, _ := totalsCaches.LoadOrStore(s, &totalsCache{})
	c := v.(*totalsCache)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil || time.Since(c.at) > totalsFor {
		counts, err := sc.CountRMAsByState(ctx)
		if err != nil {
			return c.counts // the last count, if any
		}
		c.counts, c.at = counts, time.Now()
	}
	return c.counts
}

// queueSorts are the orders a list offers, as the "sort" parameter names
// them; each is a keyset order of the store, so it holds across pages.
var queueSorts = []string{"urgency", "newest", "oldest"}

// list is the RMA list: the desk's work queue (most urgent first across
// every page, with totals per state) or a requester's own RMAs (newest
// first). Every filter and the order are in the URL, so a view is a link.
func (s *Server) list(w http.ResponseWriter, r *http.Request, p *page) {
	q := r.URL.Query()
	f := rma.ListFilter{PolicyID: q.Get("policy"), Query: q.Get("q"), Cursor: q.Get("cursor"), Overdue: q.Get("overdue") == "1", Limit: 100}
	if st, ok := rma.ParseState(q.Get("state")); ok {
		f.States = []rma.State{st}
	}
	sort := q.Get("sort")
	if sort == "" {
		sort = "newest"
		if p.IsDesk {
			sort = "urgency" // the desk works by deadline
		}
	}
	order, err := rma.ParseListOrder(sort)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f.Order = order
	var requesters []rma.Org
	var totals []stateTotal
	desk := map[int64]string{} // the assignees' emails
	if p.IsDesk {
		if q.Get("mine") == "1" {
			f.Assignee = p.Actor.UserID
			if f.Assignee == 0 {
				f.Assignee = -1 // an API key holds nothing
			}
		}
		if users, err := s.svc.DeskUsers(r.Context(), p.Actor); err == nil {
			for _, u := range users {
				desk[u.ID] = u.Email
			}
		}
		f.OrgID, _ = strconv.ParseInt(q.Get("org"), 10, 64)
		if orgs, err := s.svc.Store().Orgs(r.Context()); err == nil {
			for _, o := range orgs {
				if !o.IsDesk {
					requesters = append(requesters, o)
				}
			}
		}
		if counts := s.stateTotals(r.Context()); counts != nil {
			for _, st := range rma.States {
				if counts[st] > 0 {
					totals = append(totals, stateTotal{st, counts[st]})
				}
			}
		}
	}
	items, next, err := s.svc.List(r.Context(), p.Actor, f)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	today := s.svc.Today()
	rows := make([]queueRow, 0, len(items))
	for _, it := range items {
		row := queueRow{RMA: it}
		for i := range it.Deadlines {
			d := &it.Deadlines[i]
			if d.Met.IsZero() && (row.NextDue == nil || d.Due < row.NextDue.Due) {
				row.NextDue = d
			}
		}
		row.Overdue = row.NextDue != nil && row.NextDue.Overdue(today)
		rows = append(rows, row)
	}
	p.Title = p.T("list.title")
	if p.IsDesk {
		p.Title = p.T("list.queue")
	}
	// The filters as they are, for the sort links, the state totals and
	// the next page: each changes one parameter and keeps the others.
	keep := url.Values{}
	for _, k := range []string{"state", "policy", "org", "q", "overdue", "sort", "mine"} {
		if v := q.Get(k); v != "" && v != "0" {
			keep.Set(k, v)
		}
	}
	with := func(k, v string) string {
		u := url.Values{}
		for kk, vv := range keep {
			u[kk] = vv
		}
		if v == "" {
			u.Del(k)
		} else {
			u.Set(k, v)
		}
		if e := u.Encode(); e != "" {
			return "/rmas?" + e
		}
		return "/rmas"
	}
	sortLinks := map[string]string{}
	for _, o := range queueSorts {
		sortLinks[o] = with("sort", o)
	}
	stateLinks := map[rma.State]string{}
	for _, t := range totals {
		stateLinks[t.State] = with("state", string(t.State))
	}
	nextLink := ""
	if next != "" {
		nextLink = with("cursor", next)
	}
	p.Data = map[string]any{"Rows": rows, "Next": next, "NextLink": nextLink, "States": rma.States, "Policies": s.svc.Policies().IDs(),
		"State": q.Get("state"), "Policy": q.Get("policy"), "Q": q.Get("q"), "Overdue": f.Overdue,
		"Requesters": requesters, "Org": f.OrgID, "Sort": sort, "Sorts": queueSorts, "SortLinks": sortLinks,
		"Totals": totals, "StateLinks": stateLinks, "AllStates": with("state", ""), "Mine": f.Assignee != 0, "Desk": desk,
		"Views": s.queueViews(r, p), "Query": currentQuery(q), "Unit": s.registryUnit(r, p, q.Get("q"))}
	s.render(w, http.StatusOK, "list", p)
}

// maxBulkReasons is how many refusals a bulk action's message names; the
// rest are counted.
const maxBulkReasons = 10

// bulk authorizes or rejects the selected RMAs, each at the version shown,
// and says for each one refused why, by its number.
func (s *Server) bulk(w http.ResponseWriter, r *http.Request, p *page) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, p, rma.Invalid("form", "unreadable"))
		return
	}
	ok := 0
	var why []string
	do, reason := r.PostFormValue("do"), strings.TrimSpace(r.PostFormValue("reason"))
	for _, v := range r.PostForm["rma"] {
		idStr, verStr, _ := strings.Cut(v, "@")
		id, _ := strconv.ParseInt(idStr, 10, 64)
		ver, _ := strconv.Atoi(verStr)
		got, err := s.svc.Get(r.Context(), p.Actor, id)
		if err == nil {
			switch do {
			case "authorize":
				_, err = s.svc.Authorize(r.Context(), p.Actor, id, ver, rma.AuthorizeRequest{Resolution: s.svc.QueueResolution(got)})
			case "reject":
				if reason == "" {
					err = rma.Invalid("reason", "%s", p.T("list.bulk_reason_required"))
				} else {
					_, err = s.svc.Reject(r.Context(), p.Actor, id, ver, reason)
				}
			default:
				err = rma.Invalid("do", "unknown")
			}
		}
		if err == nil {
			ok++
			continue
		}
		name := "#" + idStr
		if got != nil && got.Number != "" {
			name = got.Number
		} else if got != nil {
			name = p.T("rma.unnumbered", got.ID)
		}
		why = append(why, p.T("list.bulk_failed_one", name, bulkWhy(r, p, s, err)))
	}
	if len(why) == 0 {
		s.redirectFlash(w, r, "/rmas", p.T("list.bulk_done", ok, 0))
		return
	}
	msg := p.T("list.bulk_done", ok, len(why))
	for i, y := range why {
		if i == maxBulkReasons {
			msg += " " + p.T("list.bulk_more", len(why)-maxBulkReasons)
			break
		}
		msg += " " + y
	}
	s.setFlash(w, flashError, msg)
	http.Redirect(w, r, "/rmas", http.StatusSeeOther)
}

// bulkWhy is a refusal as the queue says it: the domain's message without
// the field's path, which names a form field the queue does not show.
func bulkWhy(r *http.Request, p *page, s *Server, err error) string {
	var e *rma.Error
	if errors.As(err, &e) && e.Code == rma.EINVALID && e.Field != "" {
		return e.Message
	}
	return s.userMessage(r, p, err)
}
