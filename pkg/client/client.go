// Package client calls rmadesk's API (/api/v1) from Go: the operations an
// integrator and the bench need, each checked against the API's OpenAPI
// document by a test (Operations). A refused call is an *Error, the
// problem+json the desk answered, with the fields at fault.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Client calls one desk with one API key.
type Client struct {
	base string
	key  string
	http *http.Client
}

// New makes a client for the desk at base (http://127.0.0.1:8080) acting
// with key (rk_...). hc nil: http.DefaultClient.
func New(base, key string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{base: strings.TrimRight(base, "/"), key: key, http: hc}
}

// WithKey is the same desk with another key.
func (c *Client) WithKey(key string) *Client { cp := *c; cp.key = key; return &cp }

// Operation is one of the API's operations the client calls: a method and
// an OpenAPI path (/api/v1/rmas/{id}/label).
type Operation struct{ Method, Path string }

// The operations the client calls; the test holds them to openapi.json.
var (
	opMe             = Operation{"GET", "/api/v1/me"}
	opCreateOrg      = Operation{"POST", "/api/v1/orgs"}
	opCreateKey      = Operation{"POST", "/api/v1/orgs/{id}/keys"}
	opSubmit         = Operation{"POST", "/api/v1/rmas"}
	opGetRMA         = Operation{"GET", "/api/v1/rmas/{id}"}
	opLabel          = Operation{"GET", "/api/v1/rmas/{id}/label"}
	opSupplierLabel  = Operation{"GET", "/api/v1/supplier-rmas/{sid}/label"}
	opCreditNote     = Operation{"GET", "/api/v1/rmas/{id}/credit-note"}
	opInvoice        = Operation{"GET", "/api/v1/rmas/{id}/invoice"}
	opExportRMAs     = Operation{"GET", "/api/v1/exports/rmas"}
	opExportLines    = Operation{"GET", "/api/v1/exports/lines"}
	opExportCharges  = Operation{"GET", "/api/v1/exports/charges"}
	opListReplies    = Operation{"GET", "/api/v1/replies"}
	opCreateReply    = Operation{"POST", "/api/v1/replies"}
	opDeleteReply    = Operation{"DELETE", "/api/v1/replies/{reply}"}
	opPostMessage    = Operation{"POST", "/api/v1/rmas/{id}/messages"}
	opListRMAs       = Operation{"GET", "/api/v1/rmas"}
	opRevokeKey      = Operation{"DELETE", "/api/v1/keys/{prefix}"}
	opUnitBySerial   = Operation{"GET", "/api/v1/units/{serial}"}
	opSerialStatus   = Operation{"GET", "/api/v1/serials/{serial}"}
	opPolicyCheck    = Operation{"POST", "/api/v1/policies/{id}/check"}
	opPreview        = Operation{"POST", "/api/v1/rmas/preview"}
	opBulk           = Operation{"POST", "/api/v1/rmas/bulk"}
	opTransitionBase = Operation{"POST", "/api/v1/rmas/{id}/{action}"} // checked per action: see Operations
)

// Operations lists every operation the client calls, with the transitions
// it may send spelled out by Transition's callers' actions.
func Operations() []Operation {
	return []Operation{opMe, opCreateOrg, opCreateKey, opSubmit, opGetRMA, opLabel, opSupplierLabel, opCreditNote, opInvoice,
		opExportRMAs, opExportLines, opExportCharges, opListReplies, opCreateReply, opDeleteReply, opPostMessage, opListRMAs,
		opRevokeKey, opUnitBySerial, opSerialStatus, opPolicyCheck, opPreview, opBulk}
}

// Error is the desk's problem+json answer to a refused call.
type Error struct {
	Status int          `json:"status"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Errors []FieldError `json:"errors"`
}

// FieldError names a field at fault by its path (lines[0].serial).
type FieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", e.Status, e.Title)
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	for _, f := range e.Errors {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Detail)
	}
	return b.String()
}

// Field is the first field the error names, or "".
func (e *Error) Field() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Field
}

// path fills op's path values, each escaped, in order.
func (op Operation) path(values ...any) string {
	out := op.Path
	for _, v := range values {
		i := strings.Index(out, "{")
		j := strings.Index(out, "}")
		if i < 0 || j < i {
			panic("client: more values than " + op.Path + " takes")
		}
		out = out[:i] + url.PathEscape(fmt.Sprint(v)) + out[j+1:]
	}
	if strings.Contains(out, "{") {
		panic("client: " + op.Path + " needs more values")
	}
	return out
}

// request is one call.
type request struct {
	op      Operation
	path    string
	query   url.Values
	body    any
	headers []string // name, value, ...
}

// send makes the call and returns the response when its status is 2xx,
// else the problem as an *Error (the body read and closed).
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	var rd io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	u := c.base + r.path
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.op.Method, u, rd)
	if err != nil {
		return nil, err
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(r.headers); i += 2 {
		req.Header.Set(r.headers[i], r.headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{}
	if json.Unmarshal(data, e) != nil || e.Status == 0 {
		e = &Error{Title: http.StatusText(resp.StatusCode), Detail: strings.TrimSpace(string(data))}
	}
	e.Status = resp.StatusCode
	return nil, e
}

// call makes the call and decodes its JSON answer into into (nil: drop it).
func (c *Client) call(ctx context.Context, r request, into any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if into == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

// bytesOf makes the call and returns its body, with the header.
func (c *Client) bytesOf(ctx context.Context, r request) ([]byte, http.Header, error) {
	resp, err := c.send(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return b, resp.Header, err
}

// Me is the key's organisation and role.
type Me struct {
	Role string `json:"role"`
	Org  struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
		Role string `json:"role"`
	} `json:"org"`
}

// Me tells whom the key acts for.
func (c *Client) Me(ctx context.Context) (*Me, error) {
	var me Me
	return &me, c.call(ctx, request{op: opMe, path: opMe.path()}, &me)
}

// NewOrg is an organisation to make (admin).
type NewOrg struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Country string `json:"country,omitempty"`
	Email   string `json:"email,omitempty"`
}

// Org is an organisation as made.
type Org struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Country string `json:"country"`
}

// CreateOrg makes an organisation (admin).
func (c *Client) CreateOrg(ctx context.Context, o NewOrg) (*Org, error) {
	var out Org
	return &out, c.call(ctx, request{op: opCreateOrg, path: opCreateOrg.path(), body: o}, &out)
}

// CreatedKey is a new API key; Key is shown this once.
type CreatedKey struct {
	Key    string `json:"key"`
	Prefix string `json:"prefix"`
	Role   string `json:"role"`
}

// CreateKey makes a key for organisation org with role (admin).
func (c *Client) CreateKey(ctx context.Context, org int64, role, name string) (*CreatedKey, error) {
	var out CreatedKey
	return &out, c.call(ctx, request{op: opCreateKey, path: opCreateKey.path(org), body: map[string]string{"role": role, "name": name}}, &out)
}

// RevokeKey revokes the key with prefix (admin).
func (c *Client) RevokeKey(ctx context.Context, prefix string) error {
	return c.call(ctx, request{op: opRevokeKey, path: opRevokeKey.path(prefix)}, nil)
}

// Submit files an RMA: body is the submission (docs/API.md, section 1) and
// into receives the answer (a struct or map of the caller's). A non-empty
// idempotencyKey makes a retry return the first RMA.
func (c *Client) Submit(ctx context.Context, body, into any, idempotencyKey string) error {
	r := request{op: opSubmit, path: opSubmit.path(), body: body}
	if idempotencyKey != "" {
		r.headers = []string{"Idempotency-Key", idempotencyKey}
	}
	return c.call(ctx, r, into)
}

// Preview decides a submission as Submit would file it, filing nothing;
// into receives the answer (state, lines with their decisions).
func (c *Client) Preview(ctx context.Context, body, into any) error {
	return c.call(ctx, request{op: opPreview, path: opPreview.path(), body: body}, into)
}

// BulkResult is what became of one RMA of a bulk step.
type BulkResult struct {
	ID      int64  `json:"id"`
	OK      bool   `json:"ok"`
	State   string `json:"state"`
	Version int    `json:"version"`
	Number  string `json:"number"`
	Problem *Error `json:"problem"` // why it was not done
}

// Bulk takes one step (authorize, reject) on several RMAs, each on its
// own: the results say, in the order of ids, which were done. extra holds
// what the step needs besides (reason to reject; resolution or note to
// authorize); nil for none. idempotencyKey makes a retry safe.
func (c *Client) Bulk(ctx context.Context, action string, ids []int64, extra map[string]any, idempotencyKey string) ([]BulkResult, error) {
	body := map[string]any{}
	for k, v := range extra {
		body[k] = v
	}
	body["action"], body["ids"] = action, ids
	r := request{op: opBulk, path: opBulk.path(), body: body}
	if idempotencyKey != "" {
		r.headers = []string{"Idempotency-Key", idempotencyKey}
	}
	var out struct {
		Results []BulkResult `json:"results"`
	}
	return out.Results, c.call(ctx, r, &out)
}

// RMA reads an RMA into into, and returns its ETag for a next step.
func (c *Client) RMA(ctx context.Context, id int64, into any) (etag string, err error) {
	resp, err := c.send(ctx, request{op: opGetRMA, path: opGetRMA.path(id)})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	return resp.Header.Get("ETag"), json.NewDecoder(resp.Body).Decode(into)
}

// Transition takes a step on an RMA (authorize, ship, close...), with the
// RMA's ETag; into receives the RMA after it (nil: drop it).
func (c *Client) Transition(ctx context.Context, id int64, action, etag string, body, into any) error {
	if strings.ContainsAny(action, "/?#") || action == "" {
		return fmt.Errorf("client: %q is not an action", action)
	}
	if body == nil {
		body = struct{}{}
	}
	return c.call(ctx, request{op: Operation{"POST", "/api/v1/rmas/{id}/" + action}, path: opTransitionBase.path(id, action),
		body: body, headers: []string{"If-Match", etag}}, into)
}

// PostMessage writes to an RMA's conversation; internal is the desk's note.
func (c *Client) PostMessage(ctx context.Context, id int64, body string, internal bool) error {
	return c.call(ctx, request{op: opPostMessage, path: opPostMessage.path(id), body: map[string]any{"body": body, "internal": internal}}, nil)
}

// ListRMAs reads one page of the list with the list's query parameters
// (state, policy, q, cursor, limit...) into into.
func (c *Client) ListRMAs(ctx context.Context, query url.Values, into any) error {
	return c.call(ctx, request{op: opListRMAs, path: opListRMAs.path(), query: query}, into)
}

// Document is a printed document: its number and the PDF.
type Document struct {
	Number string
	PDF    []byte
}

func (c *Client) document(ctx context.Context, op Operation, id int64, lang string) (*Document, error) {
	r := request{op: op, path: op.path(id)}
	if lang != "" {
		r.query = url.Values{"lang": {lang}}
	}
	b, h, err := c.bytesOf(ctx, r)
	if err != nil {
		return nil, err
	}
	return &Document{Number: h.Get("X-Document-Number"), PDF: b}, nil
}

// Label is an RMA's return label and packing slip; lang "" is English.
func (c *Client) Label(ctx context.Context, id int64, lang string) (*Document, error) {
	return c.document(ctx, opLabel, id, lang)
}

// SupplierLabel is a supplier RMA's label and packing slip (the desk's).
func (c *Client) SupplierLabel(ctx context.Context, sid int64, lang string) (*Document, error) {
	return c.document(ctx, opSupplierLabel, sid, lang)
}

// CreditNote is an RMA's credit note, issued on the first call.
func (c *Client) CreditNote(ctx context.Context, id int64, lang string) (*Document, error) {
	return c.document(ctx, opCreditNote, id, lang)
}

// Invoice is an RMA's charge invoice, issued on the first call.
func (c *Client) Invoice(ctx context.Context, id int64, lang string) (*Document, error) {
	return c.document(ctx, opInvoice, id, lang)
}

// Export streams an export: kind is rmas, lines or charges, format csv or
// jsonl, filter the list's filters (state, policy, org, created_from...).
// The caller reads and closes the body; a read error means the export was
// cut short.
func (c *Client) Export(ctx context.Context, kind, format string, filter url.Values) (io.ReadCloser, error) {
	var op Operation
	switch kind {
	case "rmas":
		op = opExportRMAs
	case "lines":
		op = opExportLines
	case "charges":
		op = opExportCharges
	default:
		return nil, fmt.Errorf("client: no export %q (rmas, lines, charges)", kind)
	}
	q := url.Values{}
	for k, v := range filter {
		q[k] = v
	}
	if format != "" {
		q.Set("format", format)
	}
	resp, err := c.send(ctx, request{op: op, path: op.path(), query: q})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Reply is one of the desk's canned replies.
type Reply struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Replies lists the desk's canned replies.
func (c *Client) Replies(ctx context.Context) ([]Reply, error) {
	var out struct {
		Replies []Reply `json:"replies"`
	}
	return out.Replies, c.call(ctx, request{op: opListReplies, path: opListReplies.path()}, &out)
}

// AddReply keeps a canned reply (agents and admins).
func (c *Client) AddReply(ctx context.Context, title, body string) (*Reply, error) {
	var out Reply
	return &out, c.call(ctx, request{op: opCreateReply, path: opCreateReply.path(), body: map[string]string{"title": title, "body": body}}, &out)
}

// DeleteReply deletes a canned reply.
func (c *Client) DeleteReply(ctx context.Context, id int64) error {
	return c.call(ctx, request{op: opDeleteReply, path: opDeleteReply.path(strconv.FormatInt(id, 10))}, nil)
}

// Unit reads a unit of the serial registry, with its RMAs, into into.
func (c *Client) Unit(ctx context.Context, serial string, into any) error {
	return c.call(ctx, request{op: opUnitBySerial, path: opUnitBySerial.path(serial)}, into)
}

// Serial reads what the desk knows of a serial (its RMAs) into into.
func (c *Client) Serial(ctx context.Context, serial string, into any) error {
	return c.call(ctx, request{op: opSerialStatus, path: opSerialStatus.path(serial)}, into)
}

// Check asks a policy's decision on a claim without filing it.
func (c *Client) Check(ctx context.Context, policy string, claim, into any) error {
	return c.call(ctx, request{op: opPolicyCheck, path: opPolicyCheck.path(policy), body: claim}, into)
}
