package bulk

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

func loaderFixture(t *testing.T) (*sqlite.DB, *policy.Set, rma.Actor) {
	t.Helper()
	db := sqlitetest.Open(t)
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	org := &rma.Org{Name: "Partner", Role: policy.Partner, Country: "NL"}
	if err := db.CreateOrg(t.Context(), org); err != nil {
		t.Fatal(err)
	}
	return db, set, rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "test"}
}

func request(i int) rma.SubmitRequest {
	line := rma.LineRequest{Quantity: 1, Fault: "dead"}
	line.Claim.Product = policy.Product{Category: "ssd", Model: "DX-1", Serial: fmt.Sprintf("S%d", i)}
	return rma.SubmitRequest{PolicyID: "dexxon", Reference: fmt.Sprintf("R%d", i), IdempotencyKey: fmt.Sprintf("k%d", i), Lines: []rma.LineRequest{line}}
}

// A load files every submission in batches; a key used before is counted,
// not filed twice; a submission the service refuses is reported with its
// source and the others go on.
func TestLoader(t *testing.T) {
	db, set, actor := loaderFixture(t)
	ctx := t.Context()
	l := New(db, set, Options{BatchSize: 3})
	for i := range 10 {
		if err := l.Submit(ctx, actor, request(i), fmt.Sprintf("line %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	bad := request(99)
	bad.PolicyID = "nosuch"
	if err := l.Submit(ctx, actor, bad, "line 99"); err != nil {
		t.Fatal(err)
	}
	res, err := l.Close(ctx)
	if err != nil || res.Filed != 10 || res.Lines != 10 || len(res.Failed) != 1 || !strings.HasPrefix(res.Failed[0].String(), "line 99: ") {
		t.Fatalf("first load: %+v, %v", res, err)
	}
	again := New(db, set, Options{BatchSize: 4})
	for i := range 12 {
		if err := again.Submit(ctx, actor, request(i), fmt.Sprintf("line %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	res, err = again.Close(ctx)
	if err != nil || res.Filed != 2 || res.Existing != 10 || len(res.Failed) != 0 {
		t.Fatalf("second load: %+v, %v", res, err)
	}
}

// When the database fails a batch, the load stops with the error instead
// of reporting each RMA as refused.
func TestLoaderStopsWhenTheDatabaseFails(t *testing.T) {
	db, set, actor := loaderFixture(t)
	ctx := t.Context()
	l := New(db, set, Options{BatchSize: 2})
	if err := l.Submit(ctx, actor, request(0), "line 0"); err != nil {
		t.Fatal(err)
	}
	db.Close() // every write from now on fails
	var stopped error
	for i := 1; i < 20 && stopped == nil; i++ {
		stopped = l.Submit(ctx, actor, request(i), fmt.Sprintf("line %d", i))
	}
	res, err := l.Close(context.Background())
	if err == nil {
		t.Fatalf("no error; result %+v", res)
	}
	if len(res.Failed) != 0 || res.Filed != 0 {
		t.Fatalf("result %+v with error %v", res, err)
	}
}

// An import decides with the desk's records as the API does (issue 16): a
// serial the registry has sold to another partner goes to a person.
func TestLoaderReadsTheRegistry(t *testing.T) {
	db, set, actor := loaderFixture(t)
	ctx := t.Context()
	units := func(yield func(rma.Unit, error) bool) {
		yield(rma.Unit{Serial: "S1", Model: "DX-1", SoldTo: "Another Partner", InvoiceDate: calendar.MustParseDate("2025-06-01"), PolicyID: "dexxon"}, nil)
	}
	if _, err := db.LoadUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	l := New(db, set, Options{BatchSize: 2})
	for i := range 2 {
		if err := l.Submit(ctx, actor, request(i), fmt.Sprintf("line %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := l.Close(ctx); err != nil || res.Filed != 2 {
		t.Fatalf("load: %+v, %v", res, err)
	}
	hits, err := db.LinesBySerial(ctx, "S1")
	if err != nil || len(hits) != 1 {
		t.Fatalf("S1's lines: %v, %v", hits, err)
	}
	d := hits[0].Line.Decision
	if d.Verdict != policy.Review || d.Warranty.Source != policy.SourceRecords || !slicesHasCode(d.Reasons, "sold_to_other") {
		t.Fatalf("S1's decision: %+v", d)
	}
	if hits, _ := db.LinesBySerial(ctx, "S0"); len(hits) != 1 || !slicesHasCode(hits[0].Line.Decision.Reasons, "unknown_serial") {
		t.Fatalf("S0, which the registry does not know: %+v", hits)
	}
}

func slicesHasCode(rs []policy.Reason, code string) bool {
	for _, r := range rs {
		if r.Code == code {
			return true
		}
	}
	return false
}
