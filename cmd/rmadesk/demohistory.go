package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The demo desk's past (issue 15): a desk someone tries is not new, and a
// what-if over no history shows nothing. The Pixfra distributor has four
// RMAs of the last ten months, each taken through its whole life by the
// desk's own use cases on the days it happened: a camera replaced, one
// repaired under the three years, one repaired in its first year, and a
// battery past its one year, rejected. A draft that shortens the camera's
// warranty changes the first three, one of them by money (the
// replacement), and leaves the battery alone.

// demoPast is one past RMA of the demo.
type demoPast struct {
	key       string // the submission's idempotency key: each is filed once, however often the demo starts
	reference string
	filedAgo  int // days before the desk's date
	ageMonths int // the unit's age when filed, from its invoice

	category, part, model, serial, partNumber, fault string
	price                                            rma.Money

	outcome     rma.Outcome // "" : the desk rejected it
	reason      string      // the desk's reason for a rejection
	replacement string      // the replacement unit's serial
	notes       string      // the bench's finding
}

var demoPixfraPast = []demoPast{
	{key: "demo-past-1", reference: "PO-HH-24117", filedAgo: 290, ageMonths: 26,
		category: "thermal-camera", part: "device", model: "Arc A435", serial: "PXF-A435-2201", partNumber: "1.0.01.08.43501",
		fault: "The thermal image freezes after ten minutes.", price: rma.Money{Cents: 124900, Currency: "EUR"},
		outcome: rma.Replaced, replacement: "PXF-A435-3917", notes: "Sensor board fails when warm."},
	{key: "demo-past-2", reference: "PO-HH-25032", filedAgo: 160, ageMonths: 15,
		category: "thermal-camera", part: "device", model: "Arc A435", serial: "PXF-A435-2488", partNumber: "1.0.01.08.43501",
		fault: "No picture on the display; the unit powers on.", price: rma.Money{Cents: 124900, Currency: "EUR"},
		outcome: rma.Repaired, notes: "Display connector loose; reseated and tested."},
	{key: "demo-past-3", reference: "PO-HH-25190", filedAgo: 70, ageMonths: 8,
		category: "thermal-camera", part: "device", model: "Arc A435", serial: "PXF-A435-2915", partNumber: "1.0.01.08.43501",
		fault: "The focus ring slips.", price: rma.Money{Cents: 124900, Currency: "EUR"},
		outcome: rma.Repaired, notes: "Focus ring replaced."},
	{key: "demo-past-4", reference: "PO-HH-25233", filedAgo: 35, ageMonths: 19,
		category: "thermal-camera", part: "battery", model: "Arc battery pack", serial: "PXF-BAT-0711", partNumber: "1.0.01.09.00012",
		fault: "The battery lasts twenty minutes.", price: rma.Money{Cents: 8900, Currency: "EUR"},
		reason: "The battery's warranty is one year; this one was invoiced nineteen months before the claim."},
}

// pastStore writes the demo's past without its jobs: the mails and
// reminders of RMAs closed months ago are long done, and must not go out
// when the demo starts. It keeps the locations, so each RMA is sent to its
// station as any other.
type pastStore struct{ historyStore }

type historyStore interface {
	rma.Store
	rma.LocationStore
}

func (s pastStore) CreateRMA(ctx context.Context, r *rma.RMA, ev *rma.Event, key string) error {
	r.Jobs = nil
	return s.historyStore.CreateRMA(ctx, r, ev, key)
}

func (s pastStore) SaveRMA(ctx context.Context, r *rma.RMA, expectVersion int, evs ...*rma.Event) error {
	r.Jobs = nil
	return s.historyStore.SaveRMA(ctx, r, expectVersion, evs...)
}

// seedDemoHistory files (once) the demo's past RMAs, dated back from the
// desk's date now; a past already filed is left as it is.
func seedDemoHistory(ctx context.Context, db rma.Store, set *policy.Set, now time.Time) error {
	hs, ok := db.(historyStore)
	if !ok || set.Latest("pixfra") == nil {
		return nil
	}
	org, err := db.OrgByName(ctx, "Demo Distributor for Pixfra")
	if err != nil {
		return err
	}
	desk, err := db.OrgByName(ctx, "Demo Desk")
	if err != nil {
		return err
	}
	actor := func(org *rma.Org, email string, role rma.Role) (rma.Actor, error) {
		u, err := db.UserByEmail(ctx, email)
		if err != nil {
			return rma.Actor{}, err
		}
		return rma.Actor{OrgID: org.ID, UserID: u.ID, Role: role, Name: email, Org: org}, nil
	}
	requester, err := actor(org, "pixfra@demo.example", rma.RoleRequester)
	if err != nil {
		return err
	}
	agent, err := actor(desk, "agent@demo.example", rma.RoleAgent)
	if err != nil {
		return err
	}
	tech, err := actor(desk, "tech@demo.example", rma.RoleTechnician)
	if err != nil {
		return err
	}
	var at time.Time
	svc := rma.NewService(pastStore{hs}, set, rma.WithClock(func() time.Time { return at }))
	for _, p := range demoPixfraPast {
		filed := now.AddDate(0, 0, -p.filedAgo)
		day := func(d int, hour int) time.Time {
			y, m, dd := filed.AddDate(0, 0, d).Date()
			return time.Date(y, m, dd, hour, 30, 0, 0, time.UTC)
		}
		at = day(0, 9)
		claim := policy.Claim{
			Product: policy.Product{Category: p.category, Part: p.part, Model: p.model, Serial: p.serial},
			Dates:   policy.Dates{Invoice: civil(filed.AddDate(0, -p.ageMonths, 0))},
		}
		for _, name := range []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"} {
			d, err := policy.ParseDocument(name)
			if err != nil {
				return err
			}
			claim.Documents = claim.Documents.With(d)
		}
		r, replayed, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: "pixfra", Reference: p.reference, IdempotencyKey: p.key,
			Lines: []rma.LineRequest{{Claim: claim, Quantity: 1, PartNumber: p.partNumber, Fault: p.fault, LastInvoicedPrice: p.price}}})
		if err != nil {
			return fmt.Errorf("demo history %s: submit: %w", p.key, err)
		}
		if replayed {
			continue
		}
		if err := pastLife(ctx, svc, &at, day, r, p, requester, agent, tech); err != nil {
			return fmt.Errorf("demo history %s: %w", p.key, err)
		}
	}
	return nil
}

// pastLife takes a filed RMA of the past to its end, a step a day or so.
func pastLife(ctx context.Context, svc *rma.Service, at *time.Time, day func(d, hour int) time.Time, r *rma.RMA, p demoPast,
	requester, agent, tech rma.Actor) error {
	var err error
	step := func(what string, when time.Time, f func() (*rma.RMA, error)) {
		if err != nil {
			return
		}
		*at = when
		var next *rma.RMA
		if next, err = f(); err != nil {
			err = fmt.Errorf("%s: %w", what, err)
			return
		}
		r = next
	}
	if p.outcome == "" {
		step("reject", day(1, 10), func() (*rma.RMA, error) { return svc.Reject(ctx, agent, r.ID, r.Version, p.reason) })
		step("close", day(1, 11), func() (*rma.RMA, error) { return svc.Close(ctx, agent, r.ID, r.Version) })
		return err
	}
	resolution := "repair"
	if p.outcome == rma.Replaced {
		resolution = "replace"
	}
	step("authorize", day(1, 10), func() (*rma.RMA, error) {
		return svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: resolution})
	})
	step("ship", day(2, 15), func() (*rma.RMA, error) {
		return svc.Ship(ctx, requester, r.ID, r.Version, "DHL", fmt.Sprintf("JJD0001%07d", r.ID*7919%10000000))
	})
	step("receive", day(6, 9), func() (*rma.RMA, error) {
		return svc.Receive(ctx, tech, r.Number, r.ID, r.Version, []rma.ReceivedLine{{LineNo: 1, Serial: p.serial, Model: p.model, PartNumber: p.partNumber}})
	})
	step("start evaluation", day(7, 9), func() (*rma.RMA, error) { return svc.StartEvaluation(ctx, tech, r.ID, r.Version) })
	step("evaluate", day(7, 14), func() (*rma.RMA, error) {
		return svc.Evaluate(ctx, tech, r.ID, r.Version, []rma.LineFinding{{LineNo: 1, Finding: rma.DefectConfirmed, Notes: p.notes}})
	})
	step("resolve", day(9, 11), func() (*rma.RMA, error) {
		req := rma.ResolveRequest{Outcome: p.outcome}
		if p.replacement != "" {
			req.Replacements = []rma.ReplacementUnit{{LineNo: 1, Serial: p.replacement, Grade: "revised"}}
		}
		return svc.Resolve(ctx, agent, r.ID, r.Version, req)
	})
	step("close", day(12, 10), func() (*rma.RMA, error) { return svc.Close(ctx, agent, r.ID, r.Version) })
	return err
}
