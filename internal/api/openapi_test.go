package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// oaMethods are the operation keys of an OpenAPI path item.
var oaMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// oaServer builds the API on a real service: a fresh SQLite file and the
// embedded policies.
func oaServer(t *testing.T) *Server {
	t.Helper()
	db := sqlitetest.Open(t)
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	return New(rma.NewService(db, set), Config{})
}

// oaDocument parses the embedded OpenAPI document.
func oaDocument(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(OpenAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return doc
}

// oaObject reads m[key] as an object.
func oaObject(m map[string]any, key string) map[string]any {
	v, _ := m[key].(map[string]any)
	return v
}

// oaOperations lists the document's operations as "METHOD path", each with
// its path item (for parameters declared on the path).
func oaOperations(t *testing.T, doc map[string]any) (ops map[string]map[string]any, items map[string]map[string]any) {
	t.Helper()
	paths := oaObject(doc, "paths")
	if len(paths) == 0 {
		t.Fatal("openapi.json has no paths")
	}
	ops, items = map[string]map[string]any{}, map[string]map[string]any{}
	for path, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			t.Errorf("paths[%q] is not an object", path)
			continue
		}
		for _, m := range oaMethods {
			if o, ok := item[m].(map[string]any); ok {
				key := strings.ToUpper(m) + " " + path
				ops[key], items[key] = o, item
			}
		}
	}
	return ops, items
}

// TestOpenAPIMatchesRoutes checks that openapi.json documents exactly the
// routes the server has: every route documented, every operation routed.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := oaServer(t)
	ops, _ := oaOperations(t, oaDocument(t))
	routed := map[string]bool{}
	for _, rt := range s.Routes() {
		key := rt.Method + " " + rt.Path
		if routed[key] {
			t.Errorf("route %s is registered twice", key)
		}
		routed[key] = true
		op, ok := ops[key]
		if !ok {
			t.Errorf("route %s is not documented in openapi.json", key)
			continue
		}
		// A public route says so; every other route has the default security.
		sec, hasSec := op["security"].([]any)
		if rt.Public && (!hasSec || len(sec) != 0) {
			t.Errorf("%s is public: its operation needs \"security\": []", key)
		}
		if !rt.Public && hasSec && len(sec) == 0 {
			t.Errorf("%s needs an API key, but openapi.json marks it public", key)
		}
	}
	for key := range ops {
		if !routed[key] {
			t.Errorf("openapi.json documents %s, which the server does not route", key)
		}
	}
	if len(routed) != len(ops) {
		t.Errorf("%d routes, %d documented operations", len(routed), len(ops))
	}
}

// TestOpenAPIIsValid checks the document's own consistency: every $ref
// resolves, operationIds are unique, every path parameter is declared, and
// every operation has what a client needs.
func TestOpenAPIIsValid(t *testing.T) {
	doc := oaDocument(t)
	if v := doc["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
	info := oaObject(doc, "info")
	if info["title"] != "rmadesk API" || info["version"] != "1" {
		t.Errorf("info = %v", info)
	}
	if len(oaObject(oaObject(doc, "components"), "securitySchemes")) == 0 {
		t.Error("no securitySchemes")
	}
	if sec, _ := doc["security"].([]any); len(sec) == 0 {
		t.Error("no top-level security: routes would be documented as public")
	}

	// Every $ref, wherever it is, points at something that exists.
	var walk func(v any, at string)
	walk = func(v any, at string) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["$ref"]; ok {
				s, _ := r.(string)
				if _, ok := oaResolve(doc, s); !ok {
					t.Errorf("%s: $ref %q does not resolve", at, s)
				}
			}
			for k, e := range x {
				walk(e, at+"/"+k)
			}
		case []any:
			for _, e := range x {
				walk(e, at+"/[]")
			}
		}
	}
	walk(doc, "#")

	ops, items := oaOperations(t, doc)
	ids := map[string]string{}
	camel := regexp.MustCompile(`^[a-z][a-zA-Z0-9]*$`)
	template := regexp.MustCompile(`\{([^}]+)\}`)
	for key, op := range ops {
		id, _ := op["operationId"].(string)
		switch {
		case id == "":
			t.Errorf("%s has no operationId", key)
		case !camel.MatchString(id):
			t.Errorf("%s: operationId %q is not camelCase", key, id)
		case ids[id] != "":
			t.Errorf("operationId %q is used by %s and %s", id, ids[id], key)
		default:
			ids[id] = key
		}
		for _, f := range []string{"summary", "description"} {
			if s, _ := op[f].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s has no %s", key, f)
			}
		}
		responses := oaObject(op, "responses")
		if len(responses) == 0 {
			t.Errorf("%s has no responses", key)
		}
		hasSuccess := false
		for code := range responses {
			hasSuccess = hasSuccess || strings.HasPrefix(code, "2")
		}
		if !hasSuccess {
			t.Errorf("%s documents no 2xx response", key)
		}

		// Path parameters: every {name} in the template is declared, in
		// the path, required; nothing is declared in the path that the
		// template does not have.
		declared := map[string]bool{}
		params := append(oaList(items[key]["parameters"]), oaList(op["parameters"])...)
		for _, p := range params {
			pm, _ := p.(map[string]any)
			if r, ok := pm["$ref"].(string); ok {
				v, ok := oaResolve(doc, r)
				if !ok {
					continue // reported by the $ref walk
				}
				pm, _ = v.(map[string]any)
			}
			if pm["in"] != "path" {
				continue
			}
			name, _ := pm["name"].(string)
			declared[name] = true
			if pm["required"] != true {
				t.Errorf("%s: path parameter %q must be required", key, name)
			}
		}
		path := strings.SplitN(key, " ", 2)[1]
		inTemplate := map[string]bool{}
		for _, m := range template.FindAllStringSubmatch(path, -1) {
			inTemplate[m[1]] = true
			if !declared[m[1]] {
				t.Errorf("%s: path parameter {%s} is not declared", key, m[1])
			}
		}
		for name := range declared {
			if !inTemplate[name] {
				t.Errorf("%s declares path parameter %q, which the path does not have", key, name)
			}
		}
	}
}

// oaResolve follows a local reference (#/a/b/c) into the document.
func oaResolve(doc map[string]any, ref string) (any, bool) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, false
	}
	var cur any = doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func oaList(v any) []any {
	l, _ := v.([]any)
	return l
}

// TestOpenAPIServed checks that the document is served, without an API
// key, as the bytes embedded in the binary.
func TestOpenAPIServed(t *testing.T) {
	s := oaServer(t)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !bytes.Equal(body, OpenAPI) {
		t.Errorf("served %d bytes, not the embedded document (%d bytes)", len(body), len(OpenAPI))
	}
}
