package client_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/api"
	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/pkg/client"
	"github.com/rmadesk/rmadesk/policies"
)

// TestOperationsInOpenAPI: every operation the client calls is in the
// API's OpenAPI document, with the same method and path.
func TestOperationsInOpenAPI(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	ops := client.Operations()
	if len(ops) < 10 {
		t.Fatalf("only %d operations?", len(ops))
	}
	for _, op := range ops {
		item, ok := doc.Paths[op.Path]
		if !ok {
			t.Errorf("%s %s: no such path in openapi.json", op.Method, op.Path)
			continue
		}
		if _, ok := item[strings.ToLower(op.Method)]; !ok {
			t.Errorf("%s %s: the path has no %s in openapi.json", op.Method, op.Path, op.Method)
		}
	}
	// Transition sends POST /api/v1/rmas/{id}/ACTION: the steps TestClient
	// takes are in the document.
	for _, a := range []string{"authorize"} {
		if _, ok := doc.Paths["/api/v1/rmas/{id}/"+a]["post"]; !ok {
			t.Errorf("POST /api/v1/rmas/{id}/%s: not in openapi.json", a)
		}
	}
}

// TestClient drives a real desk (the API over a fresh SQLite file and the
// embedded policies) through the client: the admin makes a requester and
// its key, the requester files an RMA, the desk authorizes it, the
// requester downloads its label, the desk exports it as JSON lines; a
// refused call is an *Error naming the field.
func TestClient(t *testing.T) {
	ctx := context.Background()
	db := sqlitetest.Open(t)
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set)
	srv := httptest.NewServer(api.New(svc, api.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	accounts := auth.NewAccounts(db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true, Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	adminKey, _, err := accounts.CreateKey(ctx, rma.System, desk.ID, rma.RoleAdmin, "admin")
	if err != nil {
		t.Fatal(err)
	}

	admin := client.New(srv.URL, adminKey, srv.Client())
	me, err := admin.Me(ctx)
	if err != nil || me.Org.ID != desk.ID || me.Role != "admin" {
		t.Fatalf("me: %+v %v", me, err)
	}
	org, err := admin.CreateOrg(ctx, client.NewOrg{Name: "Client Partner", Role: "partner", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := admin.CreateKey(ctx, org.ID, "requester", "client test")
	if err != nil || !strings.HasPrefix(key.Key, "rk_") {
		t.Fatalf("key: %+v %v", key, err)
	}
	agentKey, err := admin.CreateKey(ctx, desk.ID, "agent", "client test")
	if err != nil {
		t.Fatal(err)
	}
	partner, agent := admin.WithKey(key.Key), admin.WithKey(agentKey.Key)

	submission := map[string]any{"policy": "dexxon", "reference": "PO-7", "lines": []any{map[string]any{
		"product": map[string]any{"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX24031500123"},
		"dates":   map[string]any{"purchase": time.Now().AddDate(0, -2, 0).Format("2006-01-02")}, "documents": []string{"purchase_receipt"},
		"quantity": 1, "fault": "Not detected by the BIOS", "last_invoiced_price": map[string]any{"amount": "89.90", "currency": "EUR"}}}}
	var filed struct {
		ID    int64  `json:"id"`
		State string `json:"state"`
	}
	var preview struct {
		Preview bool   `json:"preview"`
		State   string `json:"state"`
	}
	if err := partner.Preview(ctx, submission, &preview); err != nil || !preview.Preview || preview.State != "submitted" {
		t.Fatalf("preview: %+v %v", preview, err)
	}
	if err := partner.Submit(ctx, submission, &filed, "client-1"); err != nil || filed.State != "submitted" {
		t.Fatalf("submit: %+v %v", filed, err)
	}
	// No label before the number: a conflict, as an *Error.
	_, err = partner.Label(ctx, filed.ID, "")
	var problem *client.Error
	if !errors.As(err, &problem) || problem.Status != 409 {
		t.Fatalf("a label before authorization: %v", err)
	}
	var got struct {
		Number string `json:"number"`
	}
	etag, err := agent.RMA(ctx, filed.ID, &got)
	if err != nil || etag == "" {
		t.Fatalf("read: %q %v", etag, err)
	}
	if err := agent.Transition(ctx, filed.ID, "authorize", etag, map[string]any{"resolution": "return"}, &got); err != nil || got.Number == "" {
		t.Fatalf("authorize: %+v %v", got, err)
	}
	// Again in bulk: already authorized, said in its result.
	results, err := agent.Bulk(ctx, "authorize", []int64{filed.ID}, nil, "")
	if err != nil || len(results) != 1 || results[0].OK || results[0].Problem == nil || results[0].Problem.Status != 409 || results[0].Problem.Field() != "ids[0]" || results[0].State != "authorized" {
		t.Fatalf("bulk: %+v %v", results, err)
	}
	if _, err := agent.Bulk(ctx, "reject", []int64{filed.ID}, nil, ""); !errors.As(err, &problem) || problem.Status != 422 || problem.Field() != "reason" {
		t.Fatalf("a bulk rejection without a reason: %v", err)
	}
	label, err := partner.Label(ctx, filed.ID, "nl")
	if err != nil || label.Number != got.Number || !bytes.HasPrefix(label.PDF, []byte("%PDF-")) {
		t.Fatalf("label: %v %v", label, err)
	}

	body, err := agent.Export(ctx, "rmas", "jsonl", url.Values{"state": {"authorized"}})
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	var rows []map[string]any
	sc := bufio.NewScanner(body)
	for sc.Scan() {
		var row map[string]any
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil || len(rows) != 1 || rows[0]["number"] != got.Number || rows[0]["requester"] != "Client Partner" {
		t.Fatalf("export: %v %v", rows, err)
	}
	_, err = agent.Export(ctx, "rmas", "jsonl", url.Values{"created_from": {"yesterday"}})
	if !errors.As(err, &problem) || problem.Status != 422 || problem.Field() != "created_from" {
		t.Fatalf("a bad filter: %v", err)
	}
	if _, err := partner.Replies(ctx); !errors.As(err, &problem) || problem.Status != 403 {
		t.Fatalf("a requester's canned replies: %v", err)
	}
}
