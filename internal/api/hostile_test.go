package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Hostile input: every route of the router, taken from the router itself,
// is sent malformed, mistyped, oversized, mislabelled and otherwise odd
// requests by a caller allowed to use it. Every answer must be a
// problem+json with the right 4xx status, naming the field where there is
// one; never a 500, never a panic (the server logs nothing at error
// level), and never a write (the database and the files directory are the
// same before and after each route).

// hostileSamples is one well-typed body per route that reads JSON: every
// field a body type has, with a value of the right JSON type (integers
// written 1, floats 1.5, so a mistyped copy can be made of each). The
// values are not meant to pass the desk's rules. A POST route missing here
// fails TestHostileBodies.
func hostileSamples() map[string]string {
	money := `{"amount": "1.00", "currency": "EUR"}`
	address := `{"street": "s", "postcode": "p", "city": "c", "region": "r", "country": "c", "contact": "c", "phone": "p", "note": "n"}`
	claim := `"product": {"category": "ssd", "part": "unit", "model": "M", "serial": "S"},
		"dates": {"purchase": "2025-03-15"}, "conditions": ["c"], "cause": "c", "documents": ["purchase_receipt"]`
	m := map[string]string{
		"POST /api/v1/policies/{id}/check": `{"kind": "warranty", ` + claim + `}`,
		"POST /api/v1/rmas": `{"policy": "nope", "kind": "warranty", "reference": "r", "no_substitute": true, "preference": "p", "lines": [{` + claim +
			`, "quantity": 1, "part_number": "p", "fault": "f", "last_invoiced_price": ` + money + `}]}`,
		"POST /api/v1/rmas/{id}/messages": `{"body": "b", "internal": true}`,
		// A policy that is not there: POST /rmas's refusal.
		"POST /api/v1/rmas/preview": `{"policy": "nope", "kind": "warranty", "reference": "r", "no_substitute": true, "preference": "p", "lines": [{` + claim +
			`, "quantity": 1, "part_number": "p", "fault": "f", "last_invoiced_price": ` + money + `}]}`,
		// A secret and clear, a role the desk has not, an issuer in clear text: never kept.
		"PUT /api/v1/settings/sign-in": `{"name": "n", "issuer": "http://idp.example", "client_id": "c", "client_secret": "s", "clear_client_secret": true,
			"scopes": ["email"], "groups_claim": "g", "roles": [{"group": "g", "role": "nope"}], "create_users": true, "staff_passwords": true}`,
		// No name: never kept.
		"POST /api/v1/views": `{"name": "", "query": "state=submitted"}`,
		// An action the queue has not: refused before any RMA is touched.
		"POST /api/v1/rmas/bulk":         `{"action": "nope", "ids": [1], "versions": [1], "reason": "r", "resolution": "r", "note": "n"}`,
		"POST /api/v1/rmas/{id}/assign":  `{"assignee": 999999}`,
		"POST /api/v1/rmas/{id}/charges": `{"line": 1, "kind": "nope", "quantity": 1.5, "unit_price": ` + money + `, "description": "d"}`,
		"POST /api/v1/receiving": `{"number": "nope", "lines": [{"line": 1, "serial": "s", "model": "m", "part_number": "p",
			"missing_accessories": [{"name": "n", "price": ` + money + `}], "enclosed_documents": ["d"]}]}`,
		"POST /api/v1/orgs":           `{"name": "", "role": "r", "country": "c", "email": "e"}`,
		"POST /api/v1/orgs/{id}/keys": `{"role": "nope", "name": "n"}`,
		// The harness is no demo desk: every move is refused, and none is kept.
		"POST /api/v1/clock/advance": `{"days": 1, "hours": 1}`,
		// Languages the desk does not write in: never kept.
		"PUT /api/v1/orgs/{id}/language": `{"language": "xx"}`,
		"PUT /api/v1/orgs/{id}/standing": `{"standing": "late"}`,
		// No name: never kept. The job at the path is not dead: never retried.
		"PATCH /api/v1/orgs/{id}":      `{"name": "", "role": "r", "country": "c", "email": "e", "policy": "p"}`,
		"POST /api/v1/jobs/{id}/retry": `{}`,
		// Drafts that are no policy (never stored), for a policy version
		// and a draft that do not exist (never published or retired).
		"POST /api/v1/policies/{id}/drafts":                    `{"source": "s", "version": "v", "effective_from": "2026-01-01", "translations": {"nl": "t"}}`,
		"PUT /api/v1/policies/{id}/drafts/{draft}":             `{"source": "s", "version": "v", "effective_from": "2026-01-01", "translations": {"nl": "t"}}`,
		"POST /api/v1/policies/{id}/drafts/{draft}/publish":    `{"effective_from": "2026-01-01", "allow_past": true}`,
		"POST /api/v1/policies/{id}/versions/{version}/retire": `{}`,
		// A draft that does not exist: never in shadow.
		"POST /api/v1/policies/{id}/drafts/{draft}/shadow": `{}`,
		// A pasted draft (draft, a stored draft's number, cannot come with it).
		"POST /api/v1/policies/{id}/whatif": `{"draft_yaml": "y", "draft_name": "n", "from": "2026-01-01", "to": "2026-01-02",
			"detail": 1, "sample": 1, "seed": 1, "every": 1}`,
		"PUT /api/v1/users/{user}/language": `{"language": "xx"}`,
		// Users: an address that is no address, a role no one has, a user
		// that is not there (the path's): never an invitation or a change.
		"POST /api/v1/users":                   `{"org_id": 1, "email": "e", "name": "n", "role": "nope", "language": "xx"}`,
		"POST /api/v1/users/{user}/invitation": `{}`,
		"PUT /api/v1/users/{user}/role":        `{"role": "nope"}`,
		"PUT /api/v1/users/{user}/disabled":    `{"disabled": true}`,
		// Addresses a courier would refuse (no number in the street, no
		// country), so no variant of them is ever kept.
		"PUT /api/v1/orgs/{id}/address":  address,
		"POST /api/v1/locations":         `{"code": "c", "name": "n", "address": ` + address + `, "active": true}`,
		"PATCH /api/v1/locations/{code}": `{"name": "n", "address": ` + address + `, "active": true}`,
		"POST /api/v1/suppliers": `{"name": "", "country": "c", "rma_email": "e", "policy": "p", "claim_role": "r", "response_days": 1,
			"address": {"street": "s", "postcode": "p", "city": "c", "region": "r", "country": "c", "contact": "c", "phone": "p", "note": "n"}}`,
		"POST /api/v1/supplier-rmas":                `{"supplier": 0, "reference": "r", "due": "d", "note": "n", "lines": [{"rma": 1, "line": 1}]}`,
		"POST /api/v1/supplier-rmas/{sid}/lines":    `{"lines": [{"rma": 1, "line": 1}]}`,
		"POST /api/v1/supplier-rmas/{sid}/ship":     `{"carrier": "", "tracking": "t", "shipped": "s", "reference": "r"}`,
		"POST /api/v1/supplier-rmas/{sid}/verdicts": `{"lines": [{"rma": 1, "line": 1, "verdict": "nope", "remedy": "r", "replacement_serial": "s", "credit": ` + money + `, "charge": ` + money + `, "notes": "n"}]}`,
		// The serial registry (registry.go): a unit of a policy the desk
		// does not have, settings with a second factor there is not: never
		// kept. A warranty check writes nothing.
		"POST /api/v1/units": `{"units": [{"serial": "s", "part_number": "p", "model": "m", "category": "c", "sold_to": "o", "invoice_date": "2024-01-02",
			"invoice_no": "i", "delivered": "2024-01-03", "manufactured": "2023-12-01", "price": ` + money + `, "policy": "nope"}]}`,
		"PUT /api/v1/settings/warranty-check": `{"enabled": true, "second_factor": "nope", "reveal_unknown": true, "default_policy": "p"}`,
		"POST /api/v1/public/warranty":        `{"serial": "s", "model": "m", "purchase_date": "2024-01-02"}`,
		// Webhooks (webhooks.go): a URL that is none, an endpoint that
		// does not exist (the path's): never kept, rotated or replayed.
		"POST /api/v1/webhooks/endpoints":                          `{"org_id": 1, "url": "u", "description": "d", "event_types": ["nope"]}`,
		"PATCH /api/v1/webhooks/endpoints/{endpoint}":              `{"url": "u", "description": "d", "event_types": ["t"], "disabled": true}`,
		"POST /api/v1/webhooks/endpoints/{endpoint}/rotate-secret": `{}`,
		"POST /api/v1/webhooks/endpoints/{endpoint}/replay":        `{"delivery_id": 1, "since": "2026-01-01T00:00:00Z", "until": "2026-01-02T00:00:00Z"}`,
		// No title: never kept; the path's reply does not exist.
		"POST /api/v1/replies":        `{"title": "", "body": "b"}`,
		"PUT /api/v1/replies/{reply}": `{"title": "t", "body": "b"}`,
		// No relay in the harness: never sent, never in the audit log.
		"POST /api/v1/settings/test-mail": `{"to": "a@b.example"}`,
	}
	transition := map[rma.Action]string{
		rma.ActRequestInfo:         `{"reason": "r"}`,
		rma.ActProvideInfo:         `{"lines": [{"line": 1, "dates": {"purchase": "2025-03-15"}, "documents": ["d"]}]}`,
		rma.ActAuthorize:           `{"resolution": "nope", "location": "l", "note": "n", "override_reason": "o"}`,
		rma.ActSetPreference:       `{"preference": "p"}`,
		rma.ActReject:              `{"reason": "r"}`,
		rma.ActRefer:               `{"contact": "c", "reason": "r"}`,
		rma.ActCreditWithoutReturn: `{"note": "n"}`,
		rma.ActResolveRemotely:     `{"note": "n"}`,
		rma.ActExpire:              `{}`,
		rma.ActReissue:             `{}`,
		rma.ActShip:                `{"carrier": "c", "tracking": "t"}`,
		rma.ActStartEvaluation:     `{}`,
		rma.ActEvaluate: `{"lines": [{"line": 1, "finding": "f", "condition": "c", "notes": "n",
			"charges": [{"kind": "k", "quantity": 1.5, "unit_price": ` + money + `, "description": "d"}]}]}`,
		rma.ActResolve: `{"outcome": "nope", "note": "n", "override_reason": "o", "replacements": [{"line": 1, "serial": "s", "model": "m", "grade": "g"}]}`,
		rma.ActCancel:  `{"reason": "r"}`,
		rma.ActClose:   `{}`,
	}
	for a, body := range transition {
		m["POST /api/v1/rmas/{id}/"+string(a)] = body
	}
	return m
}

// mapFields are the body fields that are JSON objects with free keys (Go
// maps): encoding/json names a mistyped value by the map, not the key.
var mapFields = []string{"dates"}

// hostile is a harness with one RMA (submitted, with a document), whose
// server logs into errs so a 500 or a panic cannot pass unseen.
type hostile struct {
	*harness
	rmaID, docID int64
	supplierID   int64 // a supplier and a supplier RMA, for the supplier routes
	sid          int64
	admin        rma.Actor
	errs         *errorLog
	sqlDB        *sql.DB // read-only, to count every table (SQLite only)
}

func newHostile(t *testing.T, backend string) *hostile {
	t.Helper()
	h := newHarnessOn(t, backend)
	x := &hostile{harness: h, errs: &errorLog{}}
	x.rmaID = id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	x.docID = id(h.upload(h.keys["dexxon"], x.rmaID, "purchase_receipt", "receipt.png", pngBytes))
	x.supplierID, x.sid = supplierFixture(h)
	// A person's key, for the routes of a person's own (saved views).
	h.keys["person"] = userKey(h, h.orgs["dexxon"], "person@dexxon.example", rma.RoleRequester)
	x.serve(Config{MaxUpload: 1 << 20, WarrantyChecksPerMinute: -1}) // the public check's limit is registry_test.go's
	admin, err := auth.Authenticate(context.Background(), h.db, h.keys["admin"])
	if err != nil {
		t.Fatal(err)
	}
	x.admin = admin
	if backend == "sqlite" {
		x.sqlDB, err = sql.Open("sqlite", "file:"+filepath.Join(h.dir, "rmadesk.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.sqlDB.Close() })
	}
	return x
}

// serve replaces the harness's server by one built with cfg (files and the
// error log filled in) on the same service.
func (x *hostile) serve(cfg Config) *Server {
	x.t.Helper()
	files, err := filestore.Open(filepath.Join(x.dir, "files"))
	if err != nil {
		x.t.Fatal(err)
	}
	cfg.Files = files
	cfg.Log = slog.New(x.errs)
	x.srv.Close()
	s := New(x.svc, cfg)
	x.srv = httptest.NewServer(s.Handler())
	return s
}

// errorLog keeps what the server logs at error level.
type errorLog struct {
	mu      sync.Mutex
	records []string
}

func (l *errorLog) Enabled(_ context.Context, level slog.Level) bool { return level >= slog.LevelError }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "stack" {
			fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, b.String())
	return nil
}
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }

func (l *errorLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.records
	l.records = nil
	return out
}

// snapshot is everything a request could have written: every RMA with its
// version, events, documents, messages and charges, the organisations, the
// jobs, the files on disk and (SQLite) the row count of every table.
func (x *hostile) snapshot() string {
	x.t.Helper()
	ctx := context.Background()
	var b strings.Builder
	cursor := ""
	for {
		items, next, err := x.svc.List(ctx, x.admin, rma.ListFilter{Limit: 200, Cursor: cursor})
		if err != nil {
			x.t.Fatal(err)
		}
		for _, r := range items {
			evs, err := x.svc.History(ctx, x.admin, r.ID)
			if err != nil {
				x.t.Fatal(err)
			}
			docs, err := x.svc.Documents(ctx, x.admin, r.ID)
			if err != nil {
				x.t.Fatal(err)
			}
			msgs, err := x.svc.Messages(ctx, x.admin, r.ID)
			if err != nil {
				x.t.Fatal(err)
			}
			fmt.Fprintf(&b, "rma %d v%d %s events=%d documents=%d messages=%d charges=%d\n", r.ID, r.Version, r.State, len(evs), len(docs), len(msgs), len(r.Charges))
		}
		if cursor = next; cursor == "" {
			break
		}
	}
	orgs, err := x.accounts().Orgs(ctx, x.admin)
	if err != nil {
		x.t.Fatal(err)
	}
	fmt.Fprintf(&b, "orgs %d\n", len(orgs))
	units, repl, err := x.db.(rma.UnitStore).CountUnits(ctx)
	if err != nil {
		x.t.Fatal(err)
	}
	checks, err := x.svc.WarrantyCheckSettings(ctx)
	if err != nil {
		x.t.Fatal(err)
	}
	fmt.Fprintf(&b, "units %d replacements %d warranty check %+v\n", units, repl, checks)
	for _, st := range []rma.JobState{rma.JobQueued, rma.JobRunning, rma.JobDone, rma.JobDead} {
		jobs, err := x.db.Jobs(ctx, st, 10000)
		if err != nil {
			x.t.Fatal(err)
		}
		fmt.Fprintf(&b, "jobs %s %d\n", st, len(jobs))
	}
	files := 0
	_ = filepath.WalkDir(filepath.Join(x.dir, "files"), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files++
		}
		return nil
	})
	fmt.Fprintf(&b, "files %d\n", files)
	if x.sqlDB != nil {
		rows, err := x.sqlDB.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
		if err != nil {
			x.t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				x.t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		for _, tb := range tables {
			var n int64
			if err := x.sqlDB.QueryRow(`SELECT count(*) FROM "` + tb + `"`).Scan(&n); err != nil {
				x.t.Fatal(err)
			}
			fmt.Fprintf(&b, "table %s %d\n", tb, n)
		}
	}
	return b.String()
}

func (x *hostile) accounts() *auth.Accounts { return auth.NewAccounts(x.db) }

// request is one hostile call.
type request struct {
	method, path, key string
	body              []byte
	contentType       string // "-" for none
	chunked           bool   // no Content-Length
	header            []string
}

func (x *hostile) send(rq request) *response {
	x.t.Helper()
	var rd io.Reader
	if rq.body != nil {
		rd = bytes.NewReader(rq.body)
		if rq.chunked {
			rd = io.MultiReader(rd) // hides the length from the client
		}
	}
	req, err := http.NewRequest(rq.method, x.srv.URL+rq.path, rd)
	if err != nil {
		x.t.Fatal(err)
	}
	switch {
	case rq.contentType == "-":
	case rq.contentType != "":
		req.Header.Set("Content-Type", rq.contentType)
	case rq.body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.key != "" {
		req.Header.Set("Authorization", "Bearer "+rq.key)
	}
	for i := 0; i+1 < len(rq.header); i += 2 {
		req.Header.Set(rq.header[i], rq.header[i+1])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		x.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return &response{status: resp.StatusCode, header: resp.Header, body: data}
}

// noRedirects shows what the server answers, not where it leads.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// expectProblem checks a refusal: the status (0: any 4xx), problem+json
// that agrees with it, nosniff, and the field named first (when field is
// not "").
func expectProblem(t *testing.T, what string, r *response, status int, field string) {
	t.Helper()
	if status == 0 && (r.status < 400 || r.status > 499) || status != 0 && r.status != status {
		want := fmt.Sprint(status)
		if status == 0 {
			want = "4xx"
		}
		t.Errorf("%s: status %d, want %s: %.300s", what, r.status, want, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
		return
	}
	if r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", what)
	}
	var p Problem
	if err := json.Unmarshal(r.body, &p); err != nil || p.Status != r.status || p.Title == "" || p.Type == "" {
		t.Errorf("%s: not a problem for %d: %v %s", what, r.status, err, r.body)
		return
	}
	if !utf8.Valid(r.body) {
		t.Errorf("%s: the problem is not valid UTF-8", what)
	}
	if field != "" && (len(p.Errors) == 0 || p.Errors[0].Field != field) {
		t.Errorf("%s: field %v, want %q: %s", what, p.Errors, field, r.body)
	}
}

// routeKey picks the key of a caller allowed to use the route: the RMA's
// own requester when requesters may, else the agent, the technician or
// the admin.
func (x *hostile) routeKey(rt Route) string {
	if rt.Public {
		return ""
	}
	if strings.HasPrefix(rt.Path, v1+"/views") {
		return x.keys["person"] // views are a person's (savedviews.go)
	}
	for _, c := range []struct {
		key  string
		role rma.Role
	}{{"dexxon", rma.RoleRequester}, {"agent", rma.RoleAgent}, {"technician", rma.RoleTechnician}, {"admin", rma.RoleAdmin}} {
		if rma.Can(c.role, rt.Op) {
			return x.keys[c.key]
		}
	}
	x.t.Fatalf("no role may %s", rt.Op)
	return ""
}

// routePath fills the route's path values with the fixture's: overrides
// replace the named ones (raw, already escaped).
func (x *hostile) routePath(rt Route, overrides map[string]string) string {
	// A key prefix and a user that name nothing: a hostile call must not
	// revoke a key or end a session even when it passes (404).
	values := map[string]string{"id": fmt.Sprint(x.rmaID), "doc": fmt.Sprint(x.docID), "serial": "DX24031500123",
		"prefix": "aaaaaaaa", "user": "nobody@nowhere.example", "supplier": fmt.Sprint(x.supplierID), "sid": fmt.Sprint(x.sid),
		"code": "nowhere", "version": "999", "draft": "999999", "shadow": "999999", "name": "findings", "endpoint": "999999", "reply": "999999", "view": "999999"}
	switch {
	case strings.HasPrefix(rt.Path, v1+"/policies/"):
		values["id"] = "dexxon"
	case strings.HasPrefix(rt.Path, v1+"/orgs/"):
		values["id"] = fmt.Sprint(x.orgs["other"].ID)
	}
	maps := func(name string) string {
		if v, ok := overrides[name]; ok {
			return v
		}
		return values[name]
	}
	var out []string
	for seg := range strings.SplitSeq(rt.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			seg = maps(strings.Trim(seg, "{}"))
		}
		out = append(out, seg)
	}
	return strings.Join(out, "/")
}

// pathNames lists the route's path value names.
func pathNames(rt Route) []string {
	var out []string
	for seg := range strings.SplitSeq(rt.Path, "/") {
		if strings.HasPrefix(seg, "{") {
			out = append(out, strings.Trim(seg, "{}"))
		}
	}
	return out
}

// numericPathValue tells whether a path value is an ID.
func numericPathValue(rt Route, name string) bool {
	return name != "serial" && !strings.HasPrefix(rt.Path, v1+"/policies/")
}

// readsJSON tells whether a route reads a JSON body: every route but GETs,
// DELETEs and the upload.
func readsJSON(rt Route) bool {
	return rt.Method != http.MethodGet && rt.Method != http.MethodDelete && !strings.HasSuffix(rt.Path, "/documents")
}

// TestHostileBodies sends every route that reads a JSON body the whole
// catalogue of bad bodies.
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			hostileBodies(t, newHostile(t, b))
		})
	}
}

func hostileBodies(t *testing.T, x *hostile) {
	samples := hostileSamples()
	tag := x.etag(x.rmaID)
	stale := fmt.Sprintf(`"%d-999"`, x.rmaID) // parses, but matches no version
	walked := 0
	for _, rt := range New(x.svc, Config{}).Routes() {
		name := rt.Method + " " + rt.Path
		if !readsJSON(rt) {
			continue
		}
		sample, ok := samples[name]
		if !ok {
			t.Errorf("route %s reads a body but has no sample in hostileSamples", name)
			continue
		}
		walked++
		t.Run(name, func(t *testing.T) {
			before := x.snapshot()
			key, path := x.routeKey(rt), x.routePath(rt, nil)
			call := func(body []byte, mods ...func(*request)) *response {
				rq := request{method: rt.Method, path: path, key: key, body: body, header: []string{"If-Match", tag}}
				for _, m := range mods {
					m(&rq)
				}
				return x.send(rq)
			}
			hostileBodyCases(t, sample, call, stale, packBodies[name])
			if logs := x.errs.take(); len(logs) > 0 {
				t.Errorf("the server logged errors:\n%s", strings.Join(logs, "\n"))
			}
			if after := x.snapshot(); after != before {
				t.Errorf("refused requests wrote:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
	if walked < 20 {
		t.Fatalf("only %d routes read a body?", walked)
	}
}

// packBodies are the routes whose bodies carry a whole policy pack (a
// draft's YAML and its translations): their limit is the pack's, and
// their text fields may be longer than the API's other strings.
var packBodies = map[string]packBody{
	"POST /api/v1/policies/{id}/drafts":        {limit: 2 * rma.MaxPackBytes, long: []string{"source", "translations.nl"}, yaml: true},
	"PUT /api/v1/policies/{id}/drafts/{draft}": {limit: 2 * rma.MaxPackBytes, long: []string{"source", "translations.nl"}, yaml: true},
	"POST /api/v1/policies/{id}/whatif":        {limit: maxWhatIfBytes, long: []string{"draft_yaml"}},
	"POST /api/v1/units":                       {limit: maxUnitsBody}, // many units, each field short
}

type packBody struct {
	limit int      // bytes
	long  []string // fields that may be longer than maxStringBytes
	yaml  bool     // also takes the YAML itself (application/yaml, text/plain)
}

func hostileBodyCases(t *testing.T, sample string, call func([]byte, ...func(*request)) *response, stale string, pack packBody) {
	// Not JSON at all, or not one JSON value.
	for _, body := range []string{`{"x":`, `{"x" 1}`, `{,}`, `{'x': 1}`, `{"x": 1,}`, `{} {}`, `{}]`, "\x00", `NaN`, "{\"x\":\"\x01\"}"} {
		expectProblem(t, fmt.Sprintf("malformed %q", body), call([]byte(body)), http.StatusBadRequest, "")
	}
	// The right JSON, the wrong type at the top.
	for _, body := range []string{`[]`, `"x"`, `42`, `true`, `[{}]`} {
		expectProblem(t, "top-level "+body, call([]byte(body)), http.StatusUnprocessableEntity, "body")
	}
	// Unknown fields, at the top and inside.
	expectProblem(t, "unknown field", call([]byte(`{"zz_unknown": 1}`)), http.StatusUnprocessableEntity, "zz_unknown")
	expectProblem(t, "a field with no name", call([]byte(`{"": 1}`)), http.StatusUnprocessableEntity, `""`)
	expectProblem(t, "a field named with a quote", call([]byte(`{"a\"b": 1}`)), http.StatusUnprocessableEntity, `a"b`)
	var root any
	dec := json.NewDecoder(strings.NewReader(sample))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		t.Fatalf("sample: %v", err)
	}
	for _, p := range jsonPaths(root, nil) {
		if obj, ok := valueAt(root, p).(map[string]any); ok && !slices.Contains(mapFields, fmt.Sprint(p[len(p)-1])) {
			_ = obj
			expectProblem(t, "unknown field in "+dotted(p, true), call(marshal(t, replaced(root, append(slices.Clone(p), "zz_inner"), 1))), http.StatusUnprocessableEntity, strings.TrimPrefix(dotted(p, true)+".zz_inner", "."))
		}
	}
	// Every field with a value of the wrong JSON type, and every number
	// too large for its type.
	for _, p := range jsonPaths(root, nil) {
		field := typeErrorField(p)
		for _, wrong := range wrongTypes(valueAt(root, p)) {
			expectProblem(t, fmt.Sprintf("%s as %v", dotted(p, false), wrong), call(marshal(t, replaced(root, p, wrong))), http.StatusUnprocessableEntity, field)
		}
		if n, ok := valueAt(root, p).(json.Number); ok {
			huge := []string{"1e400", "-1e400", "1e999999999"}
			if !strings.Contains(string(n), ".") { // an integer field
				huge = append(huge, "99999999999999999999", "-99999999999999999999", "1.5", "1e3")
			}
			for _, v := range huge {
				expectProblem(t, dotted(p, false)+" = "+v, call(marshal(t, replaced(root, p, json.Number(v)))), http.StatusUnprocessableEntity, field)
			}
			// Large but representable: the desk's rules refuse it, if anything does.
			expectProblem(t, dotted(p, false)+" = 1e300", call(marshal(t, replaced(root, p, json.Number("1e300")))), 0, "")
		}
	}
	// Every string: NUL and control characters, invalid UTF-8, overlong.
	for _, p := range jsonPaths(root, nil) {
		if _, ok := valueAt(root, p).(string); !ok {
			continue
		}
		field := dotted(p, true)
		for _, v := range []string{"a\x00b", "\x00", "bell\x07", "esc\x1b[31m", strings.Repeat("x", maxStringBytes+1), strings.Repeat("é", maxStringBytes/2+1)} {
			if len(v) > maxStringBytes && slices.Contains(pack.long, field) {
				// A long pack is no error in itself: whatever the desk
				// answers (the loader's findings, an unknown policy), it is
				// a problem, never a 500.
				expectProblem(t, fmt.Sprintf("%s = %.20q", field, v), call(marshal(t, replaced(root, p, v))), 0, "")
				continue
			}
			expectProblem(t, fmt.Sprintf("%s = %.20q", field, v), call(marshal(t, replaced(root, p, v))), http.StatusUnprocessableEntity, field)
		}
		for _, raw := range []string{"\xff", "a\xc3", "\xed\xa0\x80" /* a UTF-16 surrogate */, "\xc0\xaf" /* overlong / */} {
			body := bytes.Replace(marshal(t, replaced(root, p, "@@RAW@@")), []byte("@@RAW@@"), []byte(raw), 1)
			expectProblem(t, fmt.Sprintf("%s = %q", field, raw), call(body), http.StatusUnprocessableEntity, field)
		}
	}
	// Control characters in a key.
	expectProblem(t, "NUL in a key", call([]byte(`{"a\u0000b": 1}`)), http.StatusUnprocessableEntity, "")
	// Too deep: the decoder's depth limit, not the stack.
	deep := []byte(`{"x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`)
	expectProblem(t, "20,000 levels deep", call(deep), http.StatusBadRequest, "")
	expectProblem(t, "100,000 levels deep", call(bytes.Repeat([]byte("["), 100000)), http.StatusBadRequest, "")
	expectProblem(t, "100,000 objects deep", call(bytes.Repeat([]byte(`{"a":`), 100000)), http.StatusBadRequest, "")
	// Too large: with a length, and streamed without one.
	limit := maxJSONBytes
	if pack.limit > 0 {
		limit = pack.limit
	}
	big := []byte(`{"x": "` + strings.Repeat("a", limit) + `"}`)
	expectProblem(t, "over the limit", call(big), http.StatusRequestEntityTooLarge, "")
	expectProblem(t, "over the limit, chunked", call(big, func(r *request) { r.chunked = true }), http.StatusRequestEntityTooLarge, "")
	manyFields := []byte(`{` + strings.Repeat(`"x": 1, `, limit/8) + `"x": 1}`)
	expectProblem(t, "a million fields", call(manyFields), http.StatusRequestEntityTooLarge, "")
	// The wrong content type, whatever the body.
	for _, ct := range []string{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
		"application/jsonp", "json", "text/json", ";;;", "application/json; charset", "image/png"} {
		if pack.yaml && ct == "text/plain" {
			continue // the pack's YAML itself (readDraft)
		}
		expectProblem(t, "Content-Type "+ct, call([]byte(`{}`), func(r *request) { r.contentType = ct }), http.StatusUnsupportedMediaType, "")
	}
	// A JSON type by another name is read as JSON.
	expectProblem(t, "problem+json", call([]byte(`{"zz_unknown": 1}`), func(r *request) { r.contentType = "application/problem+json" }), http.StatusUnprocessableEntity, "zz_unknown")
	// Empty, or null: nothing to act on. With a stale version, so an
	// action that takes no body is refused rather than performed.
	staleTag := func(r *request) { r.header = []string{"If-Match", stale} }
	for _, body := range []string{"", " \n", "null"} {
		expectProblem(t, fmt.Sprintf("body %q", body), call([]byte(body), staleTag), 0, "")
		expectProblem(t, fmt.Sprintf("body %q, chunked", body), call([]byte(body), staleTag, func(r *request) { r.chunked = true }), 0, "")
	}
	expectProblem(t, "no body", call(nil, staleTag), 0, "")
	// Headers the API reads, overlong or odd.
	expectProblem(t, "Idempotency-Key too long", call([]byte(`{}`), staleTag, func(r *request) { r.header = append(r.header, "Idempotency-Key", strings.Repeat("k", 201)) }), 0, "")
	for _, tag := range []string{"*", `"x"`, `"1-99999999999999999999"`, `W/""`, `"-1--1"`, strings.Repeat("9", 5000)} {
		expectProblem(t, "If-Match "+tag, call([]byte(`{}`), func(r *request) { r.header = []string{"If-Match", tag} }), 0, "")
	}
}

// jsonPaths lists the path of every value under v (not v itself): object
// keys and array indices.
func jsonPaths(v any, prefix []any) [][]any {
	var out [][]any
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range t {
				if !yield(k) {
					return
				}
			}
		}) {
			p := append(slices.Clone(prefix), k)
			out = append(out, p)
			out = append(out, jsonPaths(t[k], p)...)
		}
	case []any:
		for i, e := range t {
			p := append(slices.Clone(prefix), i)
			out = append(out, p)
			out = append(out, jsonPaths(e, p)...)
		}
	}
	return out
}

func valueAt(v any, path []any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

// replaced is a deep copy of v with the value at path set (an object key
// that is not there is added).
func replaced(v any, path []any, value any) any {
	if len(path) == 0 {
		return value
	}
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t)+1)
		for k, e := range t {
			c[k] = e
		}
		k := path[0].(string)
		c[k] = replaced(t[k], path[1:], value)
		return c
	case []any:
		c := slices.Clone(t)
		i := path[0].(int)
		c[i] = replaced(t[i], path[1:], value)
		return c
	}
	panic(fmt.Sprintf("replaced: %T at %v", v, path))
}

// dotted writes a path as the API names fields: lines[0].product.category
// (withIndex), or as encoding/json names them: lines.product.category.
func dotted(path []any, withIndex bool) string {
	var b strings.Builder
	for _, p := range path {
		switch k := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		case int:
			if withIndex {
				fmt.Fprintf(&b, "[%d]", k)
			}
		}
	}
	return b.String()
}

// typeErrorField is the field a mistyped value at path is reported as: its
// whole path, with the index of each list item (lines[1].quantity) and the
// key inside a map (lines[0].dates.purchase).
func typeErrorField(path []any) string {
	return dotted(path, true)
}

// wrongTypes are values of every JSON type but v's.
func wrongTypes(v any) []any {
	all := map[string]any{"string": "s", "number": json.Number("7"), "bool": true, "object": map[string]any{}, "array": []any{}}
	var have string
	switch v.(type) {
	case string:
		have = "string"
	case json.Number:
		have = "number"
	case bool:
		have = "bool"
	case map[string]any:
		have = "object"
	case []any:
		have = "array"
	}
	var out []any
	for _, k := range []string{"string", "number", "bool", "object", "array"} {
		if k != have {
			out = append(out, all[k])
		}
	}
	return out
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestHostilePathsAndQueries walks every route with bad path values (not a
// number, negative, zero, overflowing, escaped NUL and invalid UTF-8,
// overlong), odd query parameters, and methods it does not take.
func TestHostilePathsAndQueries(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			hostilePathsAndQueries(t, newHostile(t, b))
		})
	}
}

func hostilePathsAndQueries(t *testing.T, x *hostile) {
	stale := fmt.Sprintf(`"%d-999"`, x.rmaID)
	badIDs := []string{"abc", "-1", "0", "-0", "99999999999999999999", "9223372036854775807", "-9223372036854775808", "1.5", "1e3", "0x10",
		"%00", "%ff", "%20", "1%00", "1;x", "%2e%2e", strings.Repeat("9", 5000)}
	badStrings := []string{"%00", "%ff%fe", "a%0Ab", "%1b", strings.Repeat("x", 5000), "%2F", "..", "%25"}
	oddQueries := []string{"limit=-1", "limit=abc", "limit=99999999999999999999", "limit=0", "limit=1&limit=abc", "state=", "state=lost", "state=submitted,,",
		"overdue=maybe", "overdue", "org=-1", "org=abc", "org=99999999999999999999", "cursor=garbage", "cursor=%ff%fe", "cursor=" + strings.Repeat("A", 5000),
		"q=%00", "q=%ff", "q=" + strings.Repeat("q", 5000), "q=%25%5F", "policy=%00", "version=%00", "version=" + strings.Repeat("9", 5000), "%00=1", "a=1;b=2",
		"state=" + strings.Repeat("submitted,", 500), strings.Repeat("x=1&", 2000) + "y=2"}
	routes := New(x.svc, Config{}).Routes()
	for _, rt := range routes {
		name := rt.Method + " " + rt.Path
		t.Run(name, func(t *testing.T) {
			before := x.snapshot()
			key := x.routeKey(rt)
			var body []byte
			if rt.Method != http.MethodGet {
				body = []byte(`{}`)
			}
			send := func(path string) *response {
				return x.send(request{method: rt.Method, path: path, key: key, body: body, header: []string{"If-Match", stale}})
			}
			for _, pv := range pathNames(rt) {
				values := badStrings
				if numericPathValue(rt, pv) {
					values = badIDs
				}
				for _, v := range values {
					r := send(x.routePath(rt, map[string]string{pv: v}))
					what := fmt.Sprintf("{%s} = %.40q", pv, v)
					switch {
					case v == ".." && r.status == http.StatusTemporaryRedirect:
						// http.ServeMux (here and in front of the API in
						// serve) redirects a path with .. to its clean form.
						if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/api/") {
							t.Errorf("%s: redirected to %q", what, loc)
						}
					case numericPathValue(rt, pv):
						expectProblem(t, what, r, http.StatusNotFound, "")
					case r.status >= 400:
						expectProblem(t, what, r, 0, "")
					case r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json"):
						t.Errorf("%s: %d %s", what, r.status, r.header.Get("Content-Type"))
					}
				}
			}
			for _, q := range oddQueries {
				r := send(x.routePath(rt, nil) + "?" + q)
				what := fmt.Sprintf("?%.40s", q)
				if r.status >= 400 {
					expectProblem(t, what, r, 0, "")
				} else if r.status >= 300 || rt.Method != http.MethodGet {
					t.Errorf("%s: %d: %.200s", what, r.status, r.body)
				}
			}
			// A method the route does not take: 405 with Allow.
			other := unusedMethod(routes, rt.Path)
			r := x.send(request{method: other, path: x.routePath(rt, nil), key: key, body: []byte(`{}`)})
			expectProblem(t, other, r, http.StatusMethodNotAllowed, "")
			if !strings.Contains(r.header.Get("Allow"), rt.Method) {
				t.Errorf("Allow %q lacks %s", r.header.Get("Allow"), rt.Method)
			}
			if logs := x.errs.take(); len(logs) > 0 {
				t.Errorf("the server logged errors:\n%s", strings.Join(logs, "\n"))
			}
			if after := x.snapshot(); after != before {
				t.Errorf("refused requests wrote:\nbefore\n%s\nafter\n%s", before, after)
			}
		})
	}
	// The parameters each list reads, refused by name.
	for _, tc := range []struct {
		path, field string
		status      int
	}{
		{"/api/v1/policies/dexxon/shadows/1?limit=0", "limit", 422},
		{"/api/v1/policies/dexxon/shadows/1?limit=501", "limit", 422},
		{"/api/v1/policies/dexxon/shadows/1?after=-1", "after", 422},
		{"/api/v1/policies/dexxon/shadows/1?after=%00", "after", 422},
		{"/api/v1/rmas?limit=-1", "limit", 422},
		{"/api/v1/rmas?limit=99999999999999999999", "limit", 422},
		{"/api/v1/rmas?state=lost", "state", 422},
		{"/api/v1/rmas?state=submitted,,", "state", 422},
		{"/api/v1/rmas?overdue=maybe", "overdue", 422},
		{"/api/v1/rmas?org=-1", "org", 422},
		{"/api/v1/rmas?cursor=garbage", "cursor", 422},
		{"/api/v1/rmas?cursor=%ff%fe", "cursor", 422},
		{"/api/v1/rmas?q=%00", "q", 422},
		{"/api/v1/rmas?q=%ff", "q", 422},
		{"/api/v1/rmas?q=" + strings.Repeat("q", maxParamBytes+1), "q", 422},
		{"/api/v1/rmas?policy=%00", "policy", 422},
		{"/api/v1/jobs?state=lost", "state", 422},
		{fmt.Sprintf("/api/v1/rmas/%d/label?lang=fr", x.rmaID), "lang", 422},
		{"/api/v1/exports/rmas?created_from=%00", "created_from", 422},
		{"/api/v1/exports/lines?filed_to=2026-02-30", "filed_to", 422},
		{"/api/v1/exports/charges?format=%ff", "format", 422},
		{fmt.Sprintf("/api/v1/supplier-rmas/%d/label?lang=%%00", x.sid), "lang", 422},
		{"/api/v1/jobs?limit=0", "limit", 422},
		{"/api/v1/policies/dexxon?version=%00", "", 404},
		{"/api/v1/serials/%00", "serial", 422},
		{"/api/v1/serials/%ff", "serial", 422},
		{"/api/v1/serials/" + strings.Repeat("s", 201), "serial", 422},
	} {
		r := x.send(request{method: "GET", path: tc.path, key: x.keys["admin"]})
		expectProblem(t, fmt.Sprintf("%.60s", tc.path), r, tc.status, tc.field)
	}
	// The desk previews a claim for an organisation it names.
	for _, org := range []string{"", "abc", "-1", "99999999999999999999", "%00"} {
		r := x.send(request{method: "POST", path: "/api/v1/policies/dexxon/check?org=" + org, key: x.keys["agent"], body: []byte(`{"product": {"category": "ssd"}}`)})
		expectProblem(t, "check ?org="+org, r, http.StatusUnprocessableEntity, "org")
	}
	if logs := x.errs.take(); len(logs) > 0 {
		t.Errorf("the server logged errors:\n%s", strings.Join(logs, "\n"))
	}
}

// multipartBody writes parts by hand, so they can be malformed: each part
// is its header lines and its content.
func multipartBody(boundary string, closed bool, parts ...[2]string) []byte {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString("--" + boundary + "\r\n" + p[0] + "\r\n\r\n" + p[1] + "\r\n")
	}
	if closed {
		b.WriteString("--" + boundary + "--\r\n")
	}
	return []byte(b.String())
}

// filePart is a file part declared as an image, whatever it holds.
func filePart(filename string, content []byte) [2]string {
	return [2]string{`Content-Disposition: form-data; name="file"; filename="` + filename + `"` + "\r\nContent-Type: image/png", string(content)}
}

func fieldPart(name, value string) [2]string {
	return [2]string{`Content-Disposition: form-data; name="` + name + `"`, value}
}

// TestHostileUploads extends TestUploads (which covers HTML and SVG named
// .png, a file over the limit and an empty file): the request's content
// type, malformed and truncated multipart bodies, odd form fields, more
// disguises of pages as images, and what is served back for the files
// that are accepted.
func TestHostileUploads(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			t.Parallel()
			hostileUploads(t, newHostile(t, b))
		})
	}
}

func hostileUploads(t *testing.T, x *hostile) {
	path := fmt.Sprintf("/api/v1/rmas/%d/documents", x.rmaID)
	form := "multipart/form-data; boundary=B"
	png := string(pngBytes)
	good := filePart("a.png", pngBytes)
	big := strings.Repeat("x", 2<<20)
	cases := []struct {
		name, contentType string
		body              []byte
		chunked           bool
		status            int
		field             string
	}{
		{"JSON instead of a form", "application/json", []byte(`{"file": "x"}`), false, 415, ""},
		{"no content type", "-", multipartBody("B", true, good), false, 415, ""},
		{"text/plain", "text/plain", multipartBody("B", true, good), false, 415, ""},
		{"multipart/mixed", "multipart/mixed; boundary=B", multipartBody("B", true, good), false, 415, ""},
		{"url-encoded form", "application/x-www-form-urlencoded", []byte("file=x"), false, 415, ""},
		{"unparseable content type", `multipart/form-data; boundary="B`, multipartBody("B", true, good), false, 415, ""},
		{"no boundary", "multipart/form-data", multipartBody("B", true, good), false, 400, ""},
		{"empty boundary", `multipart/form-data; boundary=""`, multipartBody("B", true, good), false, 400, ""},
		{"empty body", form, []byte{}, false, 400, ""},
		{"another boundary", form, multipartBody("C", true, good), false, 400, ""},
		{"no closing boundary", form, multipartBody("B", false, good), false, 400, ""},
		{"truncated in the file", form, multipartBody("B", false, good)[:150], false, 400, ""},
		{"truncated in the file, chunked", form, multipartBody("B", false, good)[:150], true, 400, ""},
		{"truncated in the headers", form, []byte("--B\r\nContent-Disposition: form-da"), false, 0, ""},
		{"a header without a colon", form, multipartBody("B", true, [2]string{"not a header", png}), false, 400, ""},
		{"a header line of 2 MiB", form, multipartBody("B", true, [2]string{"X-Long: " + big, png}), false, 413, ""},
		{"no parts", form, []byte("--B--\r\n"), false, 422, "file"},
		{"no file part", form, multipartBody("B", true, fieldPart("kind", "other")), false, 422, "file"},
		{"a part without a name", form, multipartBody("B", true, [2]string{"Content-Type: image/png", png}), false, 400, ""},
		{"an unknown field", form, multipartBody("B", true, fieldPart("colour", "red"), good), false, 422, "colour"},
		{"kind unknown", form, multipartBody("B", true, fieldPart("kind", "passport"), good), false, 422, "kind"},
		{"kind with NUL", form, multipartBody("B", true, fieldPart("kind", "photo\x00"), good), false, 422, "kind"},
		{"kind invalid UTF-8", form, multipartBody("B", true, fieldPart("kind", "\xff\xfe"), good), false, 422, "kind"},
		{"kind of 1 KiB", form, multipartBody("B", true, fieldPart("kind", strings.Repeat("k", 1024)), good), false, 422, "kind"},
		{"kind of 2 MiB", form, multipartBody("B", true, fieldPart("kind", big), good), false, 413, ""},
		{"line not a number", form, multipartBody("B", true, fieldPart("line", "one"), good), false, 422, "line"},
		{"line overflowing", form, multipartBody("B", true, fieldPart("line", "99999999999999999999"), good), false, 422, "line"},
		{"line negative", form, multipartBody("B", true, fieldPart("line", "-1"), good), false, 422, "line"},
		{"line not in the RMA", form, multipartBody("B", true, fieldPart("line", "7"), good), false, 422, "line"},
		{"a preamble line of 2 MiB", form, append([]byte(big+"\r\n"), multipartBody("B", true, good)...), false, 400, ""},
		{"a preamble of 2 MiB in lines", form, append([]byte(strings.Repeat("x\r\n", 700<<10)), multipartBody("B", true, good)...), false, 413, ""},
		{"a file over the limit, chunked", form, multipartBody("B", true, filePart("big.png", append(append([]byte{}, pngBytes...), big...))), true, 413, "file"},
		// Pages dressed as images: the declared type and the name say PNG.
		{"HTML without a doctype", form, multipartBody("B", true, filePart("a.png", []byte("<html><body onload=alert(1)>"))), false, 422, "file"},
		{"HTML after whitespace", form, multipartBody("B", true, filePart("a.png", []byte("\r\n\t  <!doctype html><script>alert(1)</script>"))), false, 422, "file"},
		{"HTML after a BOM", form, multipartBody("B", true, filePart("a.png", []byte("\xef\xbb\xbf<html><script>alert(1)</script>"))), false, 422, "file"},
		{"a bare script tag", form, multipartBody("B", true, filePart("a.jpg", []byte("<script>alert(1)</script>"))), false, 422, "file"},
		{"an HTML comment", form, multipartBody("B", true, filePart("a.gif", []byte("<!-- x --><img src=x onerror=alert(1)>"))), false, 422, "file"},
		{"XHTML", form, multipartBody("B", true, filePart("a.png", []byte(`<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`))), false, 422, "file"},
		{"SVG without a prolog", form, multipartBody("B", true, filePart("a.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))), false, 422, "file"},
		{"SVG after whitespace", form, multipartBody("B", true, filePart("a.svg.png", []byte("\n\n   <svg onload=alert(1)>"))), false, 422, "file"},
		{"SVG with a doctype", form, multipartBody("B", true, filePart("a.png", []byte(`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x"><svg/>`))), false, 422, "file"},
		{"gzipped SVG", form, multipartBody("B", true, filePart("a.svgz", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"))), false, 422, "file"},
		{"HTML as UTF-16", form, multipartBody("B", true, filePart("a.png", []byte("\xfe\xff\x00<\x00h\x00t\x00m\x00l\x00>"))), false, 422, "file"},
		{"plain text", form, multipartBody("B", true, filePart("a.png", []byte("just text"))), false, 422, "file"},
		{"a program", form, multipartBody("B", true, filePart("a.png", []byte("MZ\x90\x00\x03\x00\x00\x00"))), false, 422, "file"},
	}
	before := x.snapshot()
	for _, tc := range cases {
		r := x.send(request{method: "POST", path: path, key: x.keys["dexxon"], body: tc.body, contentType: tc.contentType, chunked: tc.chunked})
		expectProblem(t, tc.name, r, tc.status, tc.field)
	}
	if logs := x.errs.take(); len(logs) > 0 {
		t.Errorf("the server logged errors:\n%s", strings.Join(logs, "\n"))
	}
	if after := x.snapshot(); after != before {
		t.Errorf("refused uploads wrote:\nbefore\n%s\nafter\n%s", before, after)
	}
	// What is accepted is served as what it is, as an attachment, never to
	// be rendered in the desk's origin: a GIF or PDF with a page inside,
	// and names meant to break the header or the listing.
	gifPage := []byte("GIF89a\x01\x00\x01\x00<html><script>alert(1)</script></html>")
	pdfPage := []byte("%PDF-1.4\n<html><script>alert(1)</script></html>")
	mp4 := []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	for _, tc := range []struct {
		name, disposition string
		content           []byte
		contentType       string
	}{
		{"a GIF with a page inside", `filename="photo.html"`, gifPage, "image/gif"},
		{"a PDF with a page inside", `filename="invoice.html"`, pdfPage, "application/pdf"},
		{"an MP4 named as a page", `filename="clip.htm"`, mp4, "video/mp4"},
		{"a quote and a semicolon", `filename="a\";b=c.png"`, pngBytes, "image/png"},
		{"CR LF in the name", `filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3D1.png`, pngBytes, "image/png"},
		{"NUL in the name", `filename*=UTF-8''a%00b.png`, pngBytes, "image/png"},
		{"invalid UTF-8 in the name", `filename*=UTF-8''%FF%FE.png`, pngBytes, "image/png"},
		{"a name cut inside a character", `filename="a` + strings.Repeat("é", 150) + `.png"`, pngBytes, "image/png"},
		{"a Windows path", `filename="C:\\Users\\x\\..\\evil.png"`, pngBytes, "image/png"},
		{"no name", ``, pngBytes, "image/png"},
	} {
		part := [2]string{`Content-Disposition: form-data; name="file"; ` + tc.disposition + "\r\nContent-Type: text/html", string(tc.content)}
		r := x.send(request{method: "POST", path: path, key: x.keys["dexxon"], body: multipartBody("B", true, part), contentType: form})
		if r.status != http.StatusCreated {
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
			continue
		}
		doc := r.json(t)
		name := str(doc, "filename")
		if doc["content_type"] != tc.contentType || !utf8.ValidString(name) || len(name) > 200 || strings.ContainsAny(name, "\x00\r\n\"/\\") {
			t.Errorf("%s: stored as %v", tc.name, doc)
		}
		for _, who := range []string{"dexxon", "agent"} {
			got := x.send(request{method: "GET", path: str(doc, "url"), key: x.keys[who]})
			disposition := got.header.Get("Content-Disposition")
			if got.status != http.StatusOK || got.header.Get("Content-Type") != tc.contentType || !bytes.Equal(got.body, tc.content) ||
				!strings.HasPrefix(disposition, "attachment;") || strings.ContainsAny(disposition, "\r\n") ||
				got.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(got.header.Get("Content-Security-Policy"), "sandbox") {
				t.Errorf("%s: served as %d %v", tc.name, got.status, got.header)
			}
		}
	}
	if logs := x.errs.take(); len(logs) > 0 {
		t.Errorf("the server logged errors:\n%s", strings.Join(logs, "\n"))
	}
}

// TestIdempotencyKeyWithOddContentType: a key reused for another body is
// refused however the JSON content type is spelled (the request used to be
// fingerprinted by its length alone unless the type was exactly
// application/json, so another body of the same length got the first
// answer replayed).
func TestIdempotencyKeyWithOddContentType(t *testing.T) {
	x := newHostile(t, "sqlite")
	path := fmt.Sprintf("/api/v1/rmas/%d/messages", x.rmaID)
	for i, ct := range []string{"Application/JSON", "application/vnd.rmadesk+json", "application/json;charset=utf-8", "APPLICATION/JSON; charset=UTF-8"} {
		key := fmt.Sprint("odd-type-", i)
		first := x.send(request{method: "POST", path: path, key: x.keys["dexxon"], body: []byte(`{"body": "aaaa"}`), contentType: ct, header: []string{"Idempotency-Key", key}})
		if first.status != http.StatusCreated {
			t.Fatalf("%s: %d %s", ct, first.status, first.body)
		}
		other := x.send(request{method: "POST", path: path, key: x.keys["dexxon"], body: []byte(`{"body": "bbbb"}`), contentType: ct, header: []string{"Idempotency-Key", key}})
		expectProblem(t, ct+", the key with another body", other, http.StatusUnprocessableEntity, "Idempotency-Key")
	}
}

// unusedMethod is a method no route of path takes (PATCH, unless the path
// has a PATCH route, as a service location's does).
func unusedMethod(routes []Route, path string) string {
	for _, m := range []string{http.MethodPatch, http.MethodPut, http.MethodDelete, http.MethodPost} {
		used := false
		for _, rt := range routes {
			used = used || rt.Path == path && rt.Method == m
		}
		if !used {
			return m
		}
	}
	return http.MethodOptions
}
