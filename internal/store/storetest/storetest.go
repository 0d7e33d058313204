// Package storetest is the conformance suite of rma.Store: every store
// (internal/store/sqlite, internal/store/postgres) runs Run against a fresh,
// real database and must pass it unchanged. The suite is the contract in
// executable form, so where store.go is silent it decides, and says so in
// the subtest's name.
//
// Conventions the suite holds stores to, beyond store.go:
//   - errors are *rma.Error with ENOTFOUND, ECONFLICT, EPRECONDITION, or
//     EINVALID for input the store cannot keep (a bad cursor, a claim that
//     would not read back);
//   - times round-trip to the microsecond (PostgreSQL's precision) and come
//     back as the same instant; zero times and dates stay zero;
//   - empty lists may come back nil;
//   - timestamps the caller leaves zero are set by the store;
//   - organisation names and user emails are unique by rma.NameKey (case,
//     Unicode form, compatibility forms, invisible characters), and are
//     found by any name or email with the same key.
package storetest

import (
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Opener returns a new, empty store for one test. It should register its
// own cleanup with t.
type Opener func(t *testing.T) rma.Store

// Run runs the whole suite. Each subtest opens its own store.
func Run(t *testing.T, open func(t *testing.T) rma.Store) {
	groups := []struct {
		name string
		run  func(*testing.T, Opener)
	}{
		{"Orgs", testOrgs},
		{"Users", testUsers},
		{"UserByID", testUserByID},
		{"APIKeys", testAPIKeys},
		{"Sessions", testSessions},
		{"APIKeyAdmin", testAPIKeyAdmin},
		{"CreateRMA", testCreateRMA},
		{"Idempotency", testIdempotency},
		{"SaveRMA", testSaveRMA},
		{"RMAByNumber", testRMAByNumber},
		{"ListRMAs", testListRMAs},
		{"Pagination", testPagination},
		{"QueueOrder", testQueueOrder}, // queue.go
		{"Events", testEvents},
		{"NextSequence", testNextSequence},
		{"Documents", testDocuments},
		{"Messages", testMessages},
		{"Notes", testNotes},   // notes.go
		{"Assign", testAssign}, // assign.go
		{"Views", testViews},   // views.go
		{"LinesBySerial", testLinesBySerial},
		{"IdempotentResponses", testIdempotentResponses},
		{"Jobs", testJobs},
		{"ConcurrentHistory", testConcurrentHistory},
		{"Suppliers", testSuppliers},
		{"SupplierRMAs", testSupplierRMAs},
		{"Clock", testClock},
		{"Locations", testLocations},
		{"Languages", testLanguages},           // languages.go
		{"Bench", testBench},                   // bench.go
		{"MoneyDocuments", testMoneyDocuments}, // moneydocs.go
		{"Fees", testFees},                     // fees.go
		{"Advance", testAdvance},               // advance.go (issue 14)
		{"Standing", testStanding},             // standing.go (issue 14)
		{"JobQueue", testJobQueue},             // jobqueue.go (issue 15)
		{"UpdateOrg", testUpdateOrg},           // orgs.go (issue 15)
		{"SignInProvider", testSignInProvider}, // signinprovider.go (issue 15)
		{"Audit", testAudit},                   // audit.go (issue 15)
		{"UserAdmin", testUserAdmin},           // useradmin.go (issue 15)
		{"WhatIf", testWhatIf},                 // whatif.go (issue 15)
		{"Packs", testPacks},                   // packs.go (issue 15)
		{"Shadows", testShadows},               // shadows.go (issue 15)
		{"Reports", testReports},               // reports.go (issue 16)
		{"Units", testUnits},                   // units.go (issue 16)
		{"Webhooks", testWebhooks},             // webhooks.go (issue 17)
		{"ReplacementUnits", testReplacementUnits},
		{"WarrantyCheckSettings", testWarrantyCheckSettings},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) { g.run(t, open) })
	}
}

// wantCode fails the test unless err carries the domain code want.
func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", want)
	}
	if got := rma.ErrorCode(err); got != want {
		t.Fatalf("got error %q with code %s, want %s", err, got, want)
	}
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
