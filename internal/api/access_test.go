package api

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// routeOps says, for every route, which operation it performs and whether it
// addresses one RMA (so another organisation's requester must get 404). A
// route missing here fails TestAccessEveryRoute: a new endpoint cannot ship
// without its access rule being written down.
var routeOps = map[string]struct {
	op     rma.Action
	ofRMA  bool
	public bool
	// user: the route is a person's (saved views); the callers' keys are
	// their organisations', so an allowed role gets 403 (savedviews_test.go
	// calls them with a person's key).
	user bool
}{
	"GET /api/v1/openapi.json":              {public: true},
	"GET /api/v1/me":                        {op: rma.OpRead},
	"GET /api/v1/policies":                  {op: rma.OpRead},
	"GET /api/v1/policies/{id}":             {op: rma.OpRead},
	"POST /api/v1/policies/{id}/check":      {op: rma.OpRead},
	"POST /api/v1/policies/{id}/whatif":     {op: rma.OpWhatIf}, // whatif.go: agents and admins
	"GET /api/v1/rmas":                      {op: rma.OpRead},
	"POST /api/v1/rmas":                     {op: rma.OpSubmit},
	"POST /api/v1/rmas/bulk":                {op: rma.ActAuthorize},       // bulk.go: agents and admins
	"POST /api/v1/rmas/preview":             {op: rma.OpSubmit},           // preview.go: as POST /rmas
	"GET /api/v1/views":                     {op: rma.OpRead, user: true}, // savedviews.go: a person's own
	"POST /api/v1/views":                    {op: rma.OpRead, user: true},
	"DELETE /api/v1/views/{view}":           {op: rma.OpRead, user: true},
	"GET /api/v1/rmas/{id}":                 {op: rma.OpRead, ofRMA: true},
	"GET /api/v1/rmas/{id}/events":          {op: rma.OpRead, ofRMA: true},
	"GET /api/v1/rmas/{id}/documents":       {op: rma.OpRead, ofRMA: true},
	"POST /api/v1/rmas/{id}/documents":      {op: rma.OpAddDocument, ofRMA: true},
	"GET /api/v1/rmas/{id}/documents/{doc}": {op: rma.OpRead, ofRMA: true},
	"GET /api/v1/rmas/{id}/credit-note":     {op: rma.OpRead, ofRMA: true}, // money.go: either party
	"GET /api/v1/rmas/{id}/invoice":         {op: rma.OpRead, ofRMA: true},
	"GET /api/v1/rmas/{id}/label":           {op: rma.OpRead, ofRMA: true}, // labels.go: either party
	"GET /api/v1/exports/rmas":              {op: rma.OpRead},              // exports.go: a requester its own
	"GET /api/v1/exports/lines":             {op: rma.OpRead},
	"GET /api/v1/exports/charges":           {op: rma.OpRead},
	"GET /api/v1/replies":                   {op: rma.OpListAll},     // replies.go: the desk reads,
	"POST /api/v1/replies":                  {op: rma.OpKeepReplies}, // agents and admins write
	"PUT /api/v1/replies/{reply}":           {op: rma.OpKeepReplies},
	"DELETE /api/v1/replies/{reply}":        {op: rma.OpKeepReplies},
	"GET /api/v1/rmas/{id}/messages":        {op: rma.OpRead, ofRMA: true},
	"POST /api/v1/rmas/{id}/messages":       {op: rma.OpAddMessage, ofRMA: true},
	"POST /api/v1/rmas/{id}/assign":         {op: rma.OpListAll, ofRMA: true}, // assign.go: the desk only
	"POST /api/v1/receiving":                {op: rma.ActReceive},
	"POST /api/v1/rmas/{id}/charges":        {op: rma.OpAddCharge, ofRMA: true},
	"GET /api/v1/serials/{serial}":          {op: rma.OpLookup},
	"GET /api/v1/orgs":                      {op: rma.OpAdminister},
	"GET /api/v1/jobs":                      {op: rma.OpAdminister},
	"GET /api/v1/clock":                     {op: rma.OpRead},
	"POST /api/v1/clock/advance":            {op: rma.OpAdminister},
	"POST /api/v1/orgs":                     {op: rma.OpAdminister},
	"POST /api/v1/orgs/{id}/keys":           {op: rma.OpAdminister},
	"GET /api/v1/keys":                      {op: rma.OpAdminister},
	"DELETE /api/v1/keys/{prefix}":          {op: rma.OpAdminister},
	"DELETE /api/v1/users/{user}/sessions":  {op: rma.OpAdminister},
	"GET /api/v1/audit":                     {op: rma.OpAdminister},
	"GET /api/v1/users":                     {op: rma.OpAdminister},
	"POST /api/v1/users":                    {op: rma.OpAdminister},
	"POST /api/v1/users/{user}/invitation":  {op: rma.OpAdminister},
	"PUT /api/v1/users/{user}/role":         {op: rma.OpAdminister},
	"PUT /api/v1/users/{user}/disabled":     {op: rma.OpAdminister},
	"PUT /api/v1/orgs/{id}/address":         {op: rma.OpAdminister},
	"PUT /api/v1/orgs/{id}/language":        {op: rma.OpAdminister},
	"PUT /api/v1/orgs/{id}/standing":        {op: rma.OpAdminister},
	"PATCH /api/v1/orgs/{id}":               {op: rma.OpAdminister}, // orgadmin.go (issue 15)
	"POST /api/v1/jobs/{id}/retry":          {op: rma.OpAdminister},
	"PUT /api/v1/users/{user}/language":     {op: rma.OpAdminister},
	"GET /api/v1/locations":                 {op: rma.OpListAll},
	"POST /api/v1/locations":                {op: rma.OpAdminister},
	"GET /api/v1/locations/{code}":          {op: rma.OpListAll},
	"PATCH /api/v1/locations/{code}":        {op: rma.OpAdminister},
	// Supplier steps: the desk's business (supplier_test.go).
	"GET /api/v1/suppliers":                       {op: rma.OpReadSuppliers},
	"POST /api/v1/suppliers":                      {op: rma.OpManageSuppliers},
	"GET /api/v1/suppliers/{supplier}":            {op: rma.OpReadSuppliers},
	"GET /api/v1/suppliers/{supplier}/prediction": {op: rma.OpReadSuppliers},
	"GET /api/v1/supplier-rmas":                   {op: rma.OpReadSuppliers},
	"POST /api/v1/supplier-rmas":                  {op: rma.ActForwardToSupplier},
	"GET /api/v1/supplier-rmas/{sid}":             {op: rma.OpReadSuppliers},
	"GET /api/v1/supplier-rmas/{sid}/events":      {op: rma.OpReadSuppliers},
	"GET /api/v1/supplier-rmas/{sid}/label":       {op: rma.OpReadSuppliers},
	"POST /api/v1/supplier-rmas/{sid}/lines":      {op: rma.ActForwardToSupplier},
	"POST /api/v1/supplier-rmas/{sid}/ship":       {op: rma.ActShipToSupplier},
	"POST /api/v1/supplier-rmas/{sid}/verdicts":   {op: rma.ActSupplierVerdict},
	// Reports: agents and admins (reports.go).
	"GET /api/v1/reports":        {op: rma.OpReports},
	"GET /api/v1/reports/{name}": {op: rma.OpReports},
	// The serial registry (registry.go, issue 16). A unit is its buyer's:
	// another organisation's requester is told it does not exist, as for
	// an RMA.
	"POST /api/v1/units":                  {op: rma.OpAdminister},
	"GET /api/v1/units/{serial}":          {op: rma.OpRead, ofRMA: true},
	"GET /api/v1/settings/warranty-check": {op: rma.OpAdminister},
	"PUT /api/v1/settings/warranty-check": {op: rma.OpAdminister},
	"GET /api/v1/settings":                {op: rma.OpAdminister}, // settings.go
	"GET /api/v1/settings/sign-in":        {op: rma.OpAdminister}, // signin.go
	"PUT /api/v1/settings/sign-in":        {op: rma.OpAdminister},
	"POST /api/v1/settings/test-mail":     {op: rma.OpAdminister}, // testmail.go
	"GET /api/v1/public/warranty":         {public: true},
	"POST /api/v1/public/warranty":        {public: true},
	// Webhook endpoints (webhooks.go, issue 17): a requester its own
	// organisation's, the admin every one; the fixture's endpoint is the
	// own requester's, so another organisation's requester gets 404.
	"GET /api/v1/webhooks/event-types":                         {op: rma.OpManageWebhooks},
	"GET /api/v1/webhooks/endpoints":                           {op: rma.OpManageWebhooks},
	"POST /api/v1/webhooks/endpoints":                          {op: rma.OpManageWebhooks},
	"GET /api/v1/webhooks/endpoints/{endpoint}":                {op: rma.OpManageWebhooks, ofRMA: true},
	"PATCH /api/v1/webhooks/endpoints/{endpoint}":              {op: rma.OpManageWebhooks, ofRMA: true},
	"DELETE /api/v1/webhooks/endpoints/{endpoint}":             {op: rma.OpManageWebhooks, ofRMA: true},
	"POST /api/v1/webhooks/endpoints/{endpoint}/rotate-secret": {op: rma.OpManageWebhooks, ofRMA: true},
	"GET /api/v1/webhooks/endpoints/{endpoint}/deliveries":     {op: rma.OpManageWebhooks, ofRMA: true},
	"GET /api/v1/webhooks/endpoints/{endpoint}/attempts":       {op: rma.OpManageWebhooks, ofRMA: true},
	"POST /api/v1/webhooks/endpoints/{endpoint}/replay":        {op: rma.OpManageWebhooks, ofRMA: true},
}

func init() {
	for _, a := range rma.Actions() {
		routeOps["POST /api/v1/rmas/{id}/"+string(a)] = struct {
			op     rma.Action
			ofRMA  bool
			public bool
			user   bool
		}{op: a, ofRMA: true}
	}
}

// TestAccessEveryRoute walks every route of the router, taken from the
// router itself, for every role: the own organisation's requester, another
// organisation's requester, the desk's agent, technician and admin, and no
// key at all. Forbidden means 403 (404 for another organisation's RMA, so
// its existence does not leak), no key means 401, and nothing is ever 500.
// Allowed calls may still fail on their body or the RMA's state (400, 409,
// 412, 422, 428), but never with 401, 403 or 404.
func TestAccessEveryRoute(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	docID := id(h.upload(h.keys["dexxon"], rmaID, "purchase_receipt", "receipt.png", pngBytes))
	// A key for the admin to revoke and a user to sign out: the fixture's
	// own keys must keep working for the routes that follow.
	accounts := auth.NewAccounts(h.db)
	_, spare, err := accounts.CreateKey(t.Context(), rma.System, h.orgs["other"].ID, rma.RoleRequester, "spare")
	if err != nil {
		t.Fatal(err)
	}
	person, err := accounts.CreateUser(t.Context(), rma.System, h.orgs["other"].ID, "person@other.example", "", rma.RoleRequester, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	// A service location for the location routes to read and change.
	station, err := h.svc.CreateLocation(t.Context(), rma.Actor{Role: rma.RoleAdmin, Name: "test"}, rma.NewLocation{Code: "pixfra-eu", Name: "Pixfra Europe",
		Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV", City: "Waalwijk", Country: "NL"}})
	if err != nil {
		t.Fatal(err)
	}
	// A job for the queue's routes to retry (orgadmin.go).
	job := &rma.Job{Kind: rma.JobNotify, RunAt: time.Now().Add(time.Hour)}
	if err := h.db.EnqueueJob(t.Context(), job); err != nil {
		t.Fatal(err)
	}
	// A supplier and a supplier RMA for the supplier routes.
	supplierID, supplierRMAID := supplierFixture(h)
	// A draft of a stored pack for the draft routes (policystore_test.go),
	// in shadow for the shadow routes (shadow_test.go).
	draftID := draftFixture(h)
	shadowID := shadowFixture(h, draftID)
	// A unit sold to the own requester's organisation, for the registry's
	// routes (registry_test.go).
	loadUnits(h, map[string]any{"serial": "DX24031500123", "model": "DX-SSD-1TB", "sold_to": "Org dexxon", "invoice_date": "2025-02-01", "policy": "dexxon"})
	// A webhook endpoint of the own requester's organisation; each DELETE
	// gets one of its own, so the callers after the first find one.
	hook := func() int64 {
		ep := &webhook.Endpoint{OrgID: h.orgs["dexxon"].ID, URL: "https://erp.example/hooks", Secret: webhook.NewSecret()}
		if err := h.db.(webhook.EndpointStore).CreateWebhookEndpoint(t.Context(), ep); err != nil {
			t.Fatal(err)
		}
		return ep.ID
	}
	hookID := hook()
	// A canned reply for the reply routes; each caller that may delete one
	// gets its own (below).
	replies := 0
	newReply := func() int64 {
		replies++
		c := &rma.CannedReply{Title: fmt.Sprintf("Received %d", replies), Body: "Your parcel is here."}
		if err := h.svc.SaveCannedReply(t.Context(), rma.Actor{Role: rma.RoleAgent, Name: "test"}, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	replyID := newReply()
	routes := New(h.svc, Config{}).Routes()
	if len(routes) < 30 {
		t.Fatalf("only %d routes?", len(routes))
	}
	callers := []struct {
		name, key string
		role      rma.Role
		otherOrg  bool
	}{
		{"own requester", h.keys["dexxon"], rma.RoleRequester, false},
		{"other requester", h.keys["other"], rma.RoleRequester, true},
		{"agent", h.keys["agent"], rma.RoleAgent, false},
		{"technician", h.keys["technician"], rma.RoleTechnician, false},
		{"admin", h.keys["admin"], rma.RoleAdmin, false},
		{"no key", "", "", false},
	}
	for _, rt := range routes {
		name := rt.Method + " " + rt.Path
		rule, ok := routeOps[name]
		if !ok {
			t.Errorf("route %s has no access rule in routeOps", name)
			continue
		}
		path := strings.NewReplacer("{id}", fmt.Sprint(rmaID), "{doc}", fmt.Sprint(docID), "{serial}", "DX24031500123", "{code}", station.Code,
			"{supplier}", fmt.Sprint(supplierID), "{sid}", fmt.Sprint(supplierRMAID),
			"{prefix}", spare.Prefix, "{user}", fmt.Sprint(person.ID), "{name}", "findings", "{reply}", fmt.Sprint(replyID), "{view}", "1").Replace(rt.Path)
		if strings.HasPrefix(rt.Path, "/api/v1/policies/") {
			path = strings.NewReplacer("{id}", "dexxon", "{draft}", fmt.Sprint(draftID), "{version}", "1", "{shadow}", fmt.Sprint(shadowID)).Replace(rt.Path)
		}
		if strings.HasPrefix(rt.Path, "/api/v1/orgs/") {
			path = strings.Replace(rt.Path, "{id}", fmt.Sprint(h.orgs["other"].ID), 1)
		}
		if strings.HasPrefix(rt.Path, "/api/v1/jobs/") {
			path = strings.Replace(rt.Path, "{id}", fmt.Sprint(job.ID), 1)
		}
		path = strings.Replace(path, "{endpoint}", fmt.Sprint(hookID), 1)
		if name == "GET /api/v1/public/warranty" {
			path += "?serial=DX24031500123"
		}
		for _, c := range callers {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				var body any
				if rt.Method == "POST" {
					body = map[string]any{}
				}
				if strings.HasSuffix(rt.Path, "/replies") || strings.HasSuffix(rt.Path, "/{reply}") {
					body = map[string]any{"title": rt.Method + " by " + c.name, "body": "Your parcel is here."}
				}
				if name == "POST /api/v1/public/warranty" {
					body = map[string]any{"serial": "DX24031500123"}
				}
				path := path
				if name == "PATCH /api/v1/webhooks/endpoints/{endpoint}" {
					body = map[string]any{} // nothing to change: 400 for those who may, 404 for another organisation
				}
				if name == "DELETE /api/v1/webhooks/endpoints/{endpoint}" {
					path = strings.Replace(rt.Path, "{endpoint}", fmt.Sprint(hook()), 1)
				}
				if name == "DELETE /api/v1/replies/{reply}" {
					path = fmt.Sprintf("/api/v1/replies/%d", newReply())
				}
				resp := h.do(rt.Method, path, c.key, body, "If-Match", h.etag(rmaID))
				got := resp.status
				if got >= 500 {
					t.Fatalf("status %d: %s", got, resp.body)
				}
				if !strings.HasPrefix(resp.header.Get("Content-Type"), "application/json") && !strings.HasPrefix(resp.header.Get("Content-Type"), "application/problem+json") &&
					!strings.HasPrefix(resp.header.Get("Content-Type"), "image/") && resp.header.Get("Content-Type") != "application/pdf" &&
					!strings.HasPrefix(resp.header.Get("Content-Type"), "text/csv") {
					t.Errorf("Content-Type %q", resp.header.Get("Content-Type"))
				}
				switch {
				case rule.public:
					if got != http.StatusOK {
						t.Fatalf("public route: %d", got)
					}
				case c.key == "":
					if got != http.StatusUnauthorized {
						t.Fatalf("no key: %d, want 401", got)
					}
				case c.otherOrg && rule.ofRMA:
					if got != http.StatusNotFound {
						t.Fatalf("another organisation's RMA: %d, want 404: %s", got, resp.body)
					}
				case !rma.Can(c.role, rule.op) || rule.user:
					if got != http.StatusForbidden {
						t.Fatalf("role %s may not %s: %d, want 403: %s", c.role, rule.op, got, resp.body)
					}
				default:
					if got == http.StatusUnauthorized || got == http.StatusForbidden || got == http.StatusNotFound {
						t.Fatalf("role %s may %s: %d: %s", c.role, rule.op, got, resp.body)
					}
				}
			})
		}
	}
	// No call above changed the RMA's owner or leaked it into the other
	// organisation's list.
	list := h.must(http.StatusOK, "GET", "/api/v1/rmas", h.keys["other"], nil)
	if items := list["items"].([]any); len(items) != 0 {
		t.Fatalf("the other requester lists %d RMAs", len(items))
	}
}

// TestTwoAgentsAtOnce: with the same ETag, one change wins and the other
// gets 412, whichever comes first.
func TestTwoAgentsAtOnce(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { twoAgentsAtOnce(t, newHarnessOn(t, b)) })
	}
}

func twoAgentsAtOnce(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	tag := h.etag(rmaID)
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	bodies := []any{map[string]any{"resolution": "return"}, map[string]any{"reason": "not ours"}}
	actions := []string{"authorize", "reject"}
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/%s", rmaID, actions[i]), h.keys["agent"], bodies[i], "If-Match", tag).status
		}()
	}
	wg.Wait()
	ok, failed := 0, 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusPreconditionFailed:
			failed++
		}
	}
	if ok != 1 || failed != 1 {
		t.Fatalf("statuses %v, want one 200 and one 412", statuses)
	}
	if n := len(events(h, rmaID)); n != 2 {
		t.Fatalf("%d events, want 2 (submit and the winner)", n)
	}
	// Without If-Match, a state change is refused outright.
	h.must(http.StatusPreconditionRequired, "POST", fmt.Sprintf("/api/v1/rmas/%d/close", rmaID), h.keys["agent"], nil)
}

// TestIdempotentSubmission: a retried submission never creates a second RMA.
func TestIdempotentSubmission(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { idempotentSubmission(t, newHarnessOn(t, b)) })
	}
}

func idempotentSubmission(t *testing.T, h *harness) {
	body := dexxonSubmission(1, "89.90")
	first := h.must(http.StatusCreated, "POST", "/api/v1/rmas", h.keys["dexxon"], body, "Idempotency-Key", "order-42")
	again := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], body, "Idempotency-Key", "order-42")
	if again.status != http.StatusOK || again.header.Get("Idempotent-Replayed") != "true" || id(again.json(t)) != id(first) {
		t.Fatalf("retry: %d %s", again.status, again.body)
	}
	// The same key from another organisation is its own submission.
	other := h.must(http.StatusCreated, "POST", "/api/v1/rmas", h.keys["other"], body, "Idempotency-Key", "order-42")
	if id(other) == id(first) {
		t.Fatal("keys are per organisation")
	}
	list := h.must(http.StatusOK, "GET", "/api/v1/rmas", h.keys["dexxon"], nil)
	if n := len(list["items"].([]any)); n != 1 {
		t.Fatalf("%d RMAs after a retried submission", n)
	}
}

// TestDataSurvivesRestart closes the database and opens it again.
func TestDataSurvivesRestart(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { dataSurvivesRestart(t, newHarnessOn(t, b)) })
	}
}

func dataSurvivesRestart(t *testing.T, h *harness) {
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	before := h.get(rmaID)
	h.restart()
	after := h.get(rmaID)
	for _, k := range []string{"number", "number_expires", "state", "version", "lines", "deadlines"} {
		if fmt.Sprint(before[k]) != fmt.Sprint(after[k]) {
			t.Errorf("%s changed across a restart: %v -> %v", k, before[k], after[k])
		}
	}
	if n := len(events(h, rmaID)); n != 2 {
		t.Fatalf("%d events after restart", n)
	}
}

// TestBadRequestsWriteNothing: a request refused for its content leaves no
// RMA, no event, no change behind.
func TestBadRequestsWriteNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	good := line(map[string]any{"category": "ssd"}, map[string]any{"invoice": "2025-06-01"}, nil, nil)
	cases := []struct {
		name   string
		body   any
		status int
		field  string
	}{
		{"second line bad", map[string]any{"policy": "dexxon", "lines": []any{good, line(map[string]any{"category": "ssd"}, map[string]any{"invoice": "2025-13-01"}, nil, nil)}}, 422, "lines[1].dates.invoice"},
		{"future date", map[string]any{"policy": "dexxon", "lines": []any{line(map[string]any{"category": "ssd"}, map[string]any{"invoice": "2027-01-01"}, nil, nil)}}, 422, "lines[0].dates.invoice"},
		{"unknown policy", map[string]any{"policy": "acme", "lines": []any{good}}, 422, "policy"},
		{"no lines", map[string]any{"policy": "dexxon", "lines": []any{}}, 422, "lines"},
		{"unknown field", map[string]any{"policy": "dexxon", "lines": []any{good}, "colour": "red"}, 422, "colour"},
		{"wrong type", map[string]any{"policy": "dexxon", "lines": []any{map[string]any{"product": map[string]any{"category": 7}}}}, 422, "lines[0].product.category"},
		{"bad money", map[string]any{"policy": "dexxon", "lines": []any{line(map[string]any{"category": "ssd"}, nil, nil, map[string]any{"last_invoiced_price": eur("1.234")})}}, 422, "lines[0].last_invoiced_price.amount"},
		{"malformed", `{"policy": `, 400, ""},
		{"not an object", `[]`, 422, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], tc.body)
			if resp.status != tc.status || !strings.HasPrefix(resp.header.Get("Content-Type"), "application/problem+json") {
				t.Fatalf("status %d (%s): %s", resp.status, resp.header.Get("Content-Type"), resp.body)
			}
			if tc.field != "" && str(resp.json(t), "errors", 0, "field") != tc.field {
				t.Fatalf("field %q, want %q: %s", str(resp.json(t), "errors", 0, "field"), tc.field, resp.body)
			}
		})
	}
	list := h.must(http.StatusOK, "GET", "/api/v1/rmas", h.keys["admin"], nil)
	if n := len(list["items"].([]any)); n != 0 {
		t.Fatalf("%d RMAs written by refused requests", n)
	}
	wrongType := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], "{}", "Content-Type", "text/plain")
	if wrongType.status != http.StatusUnsupportedMediaType {
		t.Fatalf("text/plain: %d", wrongType.status)
	}
	huge := h.do("POST", "/api/v1/rmas", h.keys["dexxon"], `{"policy": "`+strings.Repeat("x", 2<<20)+`"}`)
	if huge.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("2 MiB body: %d", huge.status)
	}
}

// TestUploads: type by content, size bounded, served back safely.
func TestUploads(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	doc := h.upload(h.keys["dexxon"], rmaID, "purchase_receipt", "../../etc/receipt.png", pngBytes)
	if doc["filename"] != "receipt.png" || doc["size"] != float64(len(pngBytes)) || len(str(doc, "sha256")) != 64 {
		t.Fatalf("document: %v", doc)
	}
	got := h.do("GET", str(doc, "url"), h.keys["agent"], nil)
	if got.status != 200 || got.header.Get("Content-Type") != "image/png" || !strings.HasPrefix(got.header.Get("Content-Disposition"), "attachment") ||
		got.header.Get("X-Content-Type-Options") != "nosniff" || string(got.body) != string(pngBytes) {
		t.Fatalf("download: %d %v", got.status, got.header)
	}
	for _, tc := range []struct {
		name, filename string
		content        []byte
		status         int
	}{
		{"html as an image", "photo.png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), 422},
		{"svg as an image", "photo.png", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), 422},
		{"too large", "big.png", append(append([]byte{}, pngBytes...), make([]byte, 2<<20)...), 413},
		{"empty", "empty.png", nil, 422},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := h.uploadRaw(h.keys["dexxon"], rmaID, "other", tc.filename, tc.content); r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
	docs := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/documents", rmaID), h.keys["dexxon"], nil)
	if n := len(docs["documents"].([]any)); n != 1 {
		t.Fatalf("%d documents after refused uploads", n)
	}
}

// TestIdempotentPosts: every POST takes an Idempotency-Key; a retry gets the
// first answer and does nothing twice.
func TestIdempotentPosts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	msgs := fmt.Sprintf("/api/v1/rmas/%d/messages", rmaID)
	first := h.must(http.StatusCreated, "POST", msgs, h.keys["dexxon"], map[string]any{"body": "hello"}, "Idempotency-Key", "m-1")
	again := h.do("POST", msgs, h.keys["dexxon"], map[string]any{"body": "hello"}, "Idempotency-Key", "m-1")
	if again.status != http.StatusCreated || again.header.Get("Idempotent-Replayed") != "true" || id(again.json(t)) != id(first) {
		t.Fatalf("replay: %d %v %s", again.status, again.header, again.body)
	}
	reused := h.do("POST", msgs, h.keys["dexxon"], map[string]any{"body": "something else"}, "Idempotency-Key", "m-1")
	if reused.status != http.StatusUnprocessableEntity || str(reused.json(t), "errors", 0, "field") != "Idempotency-Key" {
		t.Fatalf("reused key: %d %s", reused.status, reused.body)
	}
	list := h.must(http.StatusOK, "GET", msgs, h.keys["dexxon"], nil)
	if n := len(list["messages"].([]any)); n != 1 {
		t.Fatalf("%d messages after a retried post", n)
	}
	// A retried state change replays its answer instead of failing on the
	// ETag it already moved past.
	tag := h.etag(rmaID)
	path := fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID)
	ok := h.must(http.StatusOK, "POST", path, h.keys["agent"], map[string]any{"resolution": "return"}, "If-Match", tag, "Idempotency-Key", "a-1")
	replay := h.do("POST", path, h.keys["agent"], map[string]any{"resolution": "return"}, "If-Match", tag, "Idempotency-Key", "a-1")
	if replay.status != http.StatusOK || str(replay.json(t), "number") != str(ok, "number") {
		t.Fatalf("replayed authorize: %d %s", replay.status, replay.body)
	}
	noKey := h.do("POST", path, h.keys["agent"], map[string]any{"resolution": "return"}, "If-Match", tag)
	if noKey.status != http.StatusPreconditionFailed {
		t.Fatalf("without the key, the stale ETag: %d", noKey.status)
	}
}
