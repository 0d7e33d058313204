package main

import (
	"context"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// A history for the reports (issue 16) to measure: the seed's RMAs are
// submissions only, so the bench can file them from several requester
// organisations (--orgs) and take some of them through the desk's steps
// (--lifecycle): authorized, received, evaluated and resolved, or credited
// without return, each step a use case of rma.Service on the bench's
// store, as the API and the portal run them, so every roll-up is kept by
// the store's ordinary writes. Each RMA's steps happen in the days after
// it was filed (each worker's service runs on a clock of its own), and
// some are late.

// benchOrgs finds or makes the seed's requester organisations: the
// bench's partner first, and n-1 more.
func benchOrgs(ctx context.Context, db rma.Store, first *rma.Org, n int) ([]*rma.Org, error) {
	orgs := []*rma.Org{first}
	accounts := auth.NewAccounts(db)
	for i := 2; i <= n; i++ {
		name := fmt.Sprintf("%s %03d", benchRequester, i)
		o, err := accounts.OrgByName(ctx, name)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			o, err = accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: name, Role: "partner", Country: "NL"})
		}
		if err != nil {
			return nil, err
		}
		orgs = append(orgs, o)
	}
	return orgs, nil
}

// noJobs is the store the lifecycle's services write through: the jobs a
// step causes (notifications, reminders) are left out, as the seed leaves
// out its submissions': they were done long ago.
type noJobs struct{ rma.Store }

func (s noJobs) SaveRMA(ctx context.Context, r *rma.RMA, expectVersion int, evs ...*rma.Event) error {
	r.Jobs = nil
	return s.Store.SaveRMA(ctx, r, expectVersion, evs...)
}

// workHistory takes n submitted RMAs filed more than 45 days before now,
// spread over the whole seed, through their steps.
func workHistory(ctx context.Context, out io.Writer, db database, set *policy.Set, n int) error {
	if n <= 0 {
		return nil
	}
	start := time.Now()
	desk, err := auth.NewAccounts(db).OrgByName(ctx, benchDesk)
	if err != nil {
		return err
	}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "bench lifecycle"}
	// The submitted RMAs, newest first, a page at a time; every k-th is
	// worked so the history spreads over the year.
	cutoff := start.Add(-45 * 24 * time.Hour)
	var ids []int64
	cursor := ""
	for {
		page, next, err := db.ListRMAs(ctx, rma.ListFilter{States: []rma.State{rma.Submitted}, Limit: 200, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, r := range page {
			if r.Created.Before(cutoff) {
				ids = append(ids, r.ID)
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(ids) == 0 {
		fmt.Fprintln(out, "no submitted RMA filed more than 45 days ago: no lifecycle")
		return nil
	}
	every := max(1, len(ids)/n)
	var todo []int64
	for i := 0; i < len(ids) && len(todo) < n; i += every {
		todo = append(todo, ids[i])
	}
	// Many at once: each step is a small write, and the store commits
	// the writes that wait together (SQLite's group commit, PostgreSQL's
	// pool), so the steps' rate is the commits' times the writers.
	workers := 192
	var next, done, refused atomic.Int64
	var firstErr error
	var example string
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var now time.Time
			svc := rma.NewService(noJobs{db}, set, rma.WithClock(func() time.Time { return now }))
			for {
				i := next.Add(1) - 1
				if int(i) >= len(todo) || ctx.Err() != nil {
					return
				}
				err := workOne(ctx, svc, agent, todo[i], &now, mrand.New(mrand.NewPCG(uint64(todo[i]), uint64(w))))
				switch {
				case err == nil:
					done.Add(1)
				case rma.ErrorCode(err) == rma.EINTERNAL:
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("lifecycle of RMA %d: %w", todo[i], err)
					}
					mu.Unlock()
					return
				default:
					refused.Add(1) // a step the policy refuses this RMA: it stays where it is
					mu.Lock()
					if example == "" {
						example = fmt.Sprintf("RMA %d: %v", todo[i], err)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	took := time.Since(start)
	fmt.Fprintf(out, "worked %d RMAs through their steps in %s (%.0f/s)\n", done.Load(), took.Round(time.Millisecond), float64(done.Load())/took.Seconds())
	if refused.Load() > 0 {
		fmt.Fprintf(out, "%d left where a step was refused, such as %s\n", refused.Load(), example)
	}
	return nil
}

// workOne takes one submitted RMA through its steps, each at a time in
// the days after it was filed.
func workOne(ctx context.Context, svc *rma.Service, agent rma.Actor, id int64, now *time.Time, rnd *mrand.Rand) error {
	r, err := svc.Store().RMA(ctx, id)
	if err != nil {
		return err
	}
	at := r.Created
	later := func(min, max time.Duration) { at = at.Add(min + time.Duration(rnd.Int64N(int64(max-min)))); *now = at }
	hours := time.Hour
	days := 24 * hours
	if r.Route == policy.RouteNone { // the policy rejects it (out of warranty): so does the desk
		later(2*hours, 3*days)
		_, err := svc.Reject(ctx, agent, r.ID, r.Version, "bench: outside the warranty")
		return err
	}
	if rnd.IntN(10) == 0 { // one in ten answered after the instructions' fourteen days
		later(15*days, 20*days)
	} else {
		later(2*hours, 4*days)
	}
	if rnd.IntN(20) == 0 { // destroyed and credited
		_, err := svc.CreditWithoutReturn(ctx, agent, r.ID, r.Version, "bench: destroy and credit")
		return err
	}
	if r, err = svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "return"}); err != nil {
		return err
	}
	later(2*days, 12*days)
	if r, err = svc.Receive(ctx, agent, r.Number, r.ID, r.Version, nil); err != nil {
		return err
	}
	later(30*time.Minute, 8*hours)
	if r, err = svc.StartEvaluation(ctx, agent, r.ID, r.Version); err != nil {
		return err
	}
	later(4*hours, 6*days)
	finding := rma.LineFinding{LineNo: 1, Finding: rma.DefectConfirmed}
	outcome := rma.Credited
	switch x := rnd.IntN(20); {
	case x < 4: // a fifth without fault, sent back at the partner's cost
		finding = rma.LineFinding{LineNo: 1, Finding: rma.NoFault,
			Charges: []rma.ChargeRequest{{Kind: "transport", Quantity: 1, UnitPrice: rma.Money{Cents: 1500, Currency: "EUR"}}}}
		outcome = rma.NoFaultFound
	case x == 4: // one in twenty not covered
		finding = rma.LineFinding{LineNo: 1, Finding: rma.NotCovered, Condition: "physical_damage"}
		outcome = rma.ReturnedUnrepaired
	}
	if r, err = svc.Evaluate(ctx, agent, r.ID, r.Version, []rma.LineFinding{finding}); err != nil {
		return err
	}
	later(1*hours, 3*days)
	_, err = svc.Resolve(ctx, agent, r.ID, r.Version, rma.ResolveRequest{Outcome: outcome})
	return err
}

// benchReportModel is a model of the seed, which the reports workload
// filters by.
const benchReportModel = "DX-SSD-007"

// benchSession makes a desk agent for this run and signs in to the
// portal at base, as a browser would; it returns the session's cookies as
// a Cookie header.
func benchSession(ctx context.Context, db rma.Store, base string) (string, error) {
	desk, err := auth.NewAccounts(db).OrgByName(ctx, benchDesk)
	if err != nil {
		return "", err
	}
	email := "bench-agent-" + runID() + "@bench.example"
	password := runID() + runID() + runID()
	if _, err := auth.NewAccounts(db).CreateUser(ctx, rma.System, desk.ID, email, "bench agent", rma.RoleAgent, password); err != nil {
		return "", err
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	var cookies []string
	for _, c := range resp.Cookies() {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	if resp.StatusCode != http.StatusSeeOther || len(cookies) == 0 {
		return "", fmt.Errorf("signing the bench's agent in: %d", resp.StatusCode)
	}
	return strings.Join(cookies, "; "), nil
}
