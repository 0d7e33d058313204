package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestCreateRMAs: a batch is stored whole; a batch with refusals in it is
// stored but for them, each refusal with its own answer.
func TestCreateRMAs(t *testing.T) {
	db := openTemp(t)
	ctx := t.Context()
	org := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	must(t, db.CreateOrg(ctx, org))
	batch := func(prefix string, n int) ([]*rma.RMA, []*rma.Event, []string) {
		rs, evs, keys := make([]*rma.RMA, n), make([]*rma.Event, n), make([]string, n)
		for i := range rs {
			rs[i] = &rma.RMA{OrgID: org.ID, State: rma.Submitted, Reference: fmt.Sprintf("%s-%d", prefix, i),
				Jobs: []rma.Job{{Kind: rma.JobNotify}}}
			evs[i] = &rma.Event{Action: "submit", To: rma.Submitted}
			keys[i] = fmt.Sprintf("%s-%d", prefix, i)
		}
		return rs, evs, keys
	}

	rs, evs, keys := batch("a", 20)
	errs, err := db.CreateRMAs(ctx, rs, evs, keys)
	must(t, err)
	for i, e := range errs {
		if e != nil || rs[i].ID == 0 || evs[i].Seq != 1 || len(rs[i].Jobs) != 0 {
			t.Fatalf("item %d: %v, ID %d, event seq %d", i, e, rs[i].ID, evs[i].Seq)
		}
	}

	rs2, evs2, keys2 := batch("b", 10)
	keys2[4] = keys[2] // filed in the first batch
	rs2[6].OrgID = 999999
	rs2[8] = nil
	errs, err = db.CreateRMAs(ctx, rs2, evs2, keys2)
	must(t, err)
	for i, e := range errs {
		switch i {
		case 4:
			var de *rma.Error
			if !errors.As(e, &de) || de.Code != rma.ECONFLICT || de.ExistingID != rs[2].ID {
				t.Fatalf("item 4: %v, want the conflict naming RMA %d", e, rs[2].ID)
			}
		case 6:
			wantCode(t, e, rma.ENOTFOUND)
		case 8:
			wantCode(t, e, rma.EINVALID)
		default:
			if e != nil || rs2[i].ID == 0 {
				t.Fatalf("item %d: %v (ID %d)", i, e, rs2[i].ID)
			}
		}
	}
	page, _, err := db.ListRMAs(ctx, rma.ListFilter{Limit: 100})
	must(t, err)
	if len(page) != 27 {
		t.Fatalf("%d RMAs stored, want 27", len(page))
	}
}
