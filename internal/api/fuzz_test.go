package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// Fuzz targets for every decoder of the API. Their seed corpora live in
// testdata/fuzz/<Target> and run in every go test; to search further:
//
//	go test -run '^$' -fuzz '^FuzzSubmitBody$' -fuzztime 60s ./internal/api
//
// A body is either refused with a problem a client can act on (a 4xx that
// names the field when the fault is in one), or accepted; what is accepted
// holds only valid text and, encoded again, is accepted again as the same.

// decodeBody runs data through the API's JSON decoder as a request body.
func decodeBody(data []byte, v any, optional bool) error {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/fuzz", bytes.NewReader(data))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	if optional {
		return decodeOptionalJSON(w, r, v)
	}
	return decodeJSON(w, r, v)
}

var quietServer = &Server{log: slog.New(slog.DiscardHandler)}

// checkRefusal asserts that err becomes a problem a client can act on: a
// 4xx other than the access codes, problem+json, and a field named when
// the error is about one.
func checkRefusal(t *testing.T, err error) {
	t.Helper()
	w := httptest.NewRecorder()
	quietServer.writeError(w, httptest.NewRequest(http.MethodPost, "/api/v1/fuzz", nil), err)
	checkProblem(t, w)
	var e *rma.Error
	if errors.As(err, &e) && (e.Code != rma.EINVALID || e.Field == "") {
		t.Fatalf("a domain refusal of a body names its field: %#v", e)
	}
}

// checkProblem asserts that an answer is a refusal a client can act on.
func checkProblem(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	switch w.Code {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
	default:
		t.Fatalf("refused with %d: %s", w.Code, w.Body)
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Status != w.Code || w.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("not a problem: %v %s", err, w.Body)
	}
	if w.Code == http.StatusUnprocessableEntity && len(p.Errors) == 0 {
		t.Fatalf("422 without a field: %s", w.Body)
	}
}

// checkAccepted asserts what holds for every body the decoder accepts: its
// strings are clean text, and encoded again it decodes to the same value
// (the same JSON: an empty list and none are the same to a client).
func checkAccepted[B any](t *testing.T, b *B, optional bool) {
	t.Helper()
	checkStrings(t, reflect.ValueOf(b).Elem(), "body")
	again, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var b2 B
	if err := decodeBody(again, &b2, optional); err != nil {
		t.Fatalf("accepted %+v, but not again as %s: %v", *b, again, err)
	}
	if third, err := json.Marshal(&b2); err != nil || !bytes.Equal(again, third) {
		t.Fatalf("round trip changed the body:\n%s\n%s", again, third)
	}
}

// checkStrings walks a decoded body: every string (and map key) is valid
// UTF-8, free of control characters other than tab and line breaks, and
// within the length limit.
func checkStrings(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if err := checkText(path, v.String(), maxStringBytes); err != nil {
			t.Fatalf("accepted: %v", err)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkStrings(t, v.Elem(), path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			checkStrings(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			checkStrings(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkStrings(t, k, path+"{key}")
			checkStrings(t, v.MapIndex(k), path+"."+k.String())
		}
	}
}

// seedBodies adds the bodies every JSON target starts from, besides its
// corpus: nothing, an empty object, a malformed one and a wrong type.
func seedBodies(f *testing.F, bodies ...string) {
	for _, b := range append([]string{"", "{}", "null", `{"x":`, "[]", "{\"a\":\"\\u0000\"}"}, bodies...) {
		f.Add([]byte(b))
	}
}

// testPolicies are the embedded packs, loaded once.
var testPolicies = sync.OnceValue(func() *policy.Set {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		panic(err)
	}
	return set
})

// FuzzSubmitBody is POST /api/v1/rmas up to the service: the decoder and
// SubmitBody.request. Every claim it builds can be decided.
func FuzzSubmitBody(f *testing.F) {
	seedBodies(f, `{"policy": "dexxon", "kind": "defect", "lines": [{"product": {"category": "ssd"}, "dates": {"purchase": "2025-03-15"}}]}`)
	set := testPolicies()
	today, err := calendar.ParseDate("2026-03-02")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b SubmitBody
		if err := decodeBody(data, &b, false); err != nil {
			checkRefusal(t, err)
			return
		}
		checkAccepted(t, &b, false)
		req, err := b.request()
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if len(req.Lines) != len(b.Lines) || req.PolicyID != b.Policy || req.Reference != b.Reference {
			t.Fatalf("request %+v from %+v", req, b)
		}
		for i, l := range req.Lines {
			if strings.TrimSpace(l.Claim.Product.Category) == "" {
				t.Fatalf("line %d without a category", i)
			}
			checkMoney(t, b.Lines[i].LastInvoicedPrice, l.LastInvoicedPrice)
			for _, p := range set.All() {
				c := l.Claim
				c.Kind = req.Kind
				c.Dates.Reported = today
				if d := p.Evaluate(c); len(d.Reasons) == 0 {
					t.Fatalf("policy %s decided line %d without a reason", p.ID, i)
				}
			}
		}
	})
}

// FuzzReceiveBody is POST /api/v1/receiving: the decoder and the lines.
func FuzzReceiveBody(f *testing.F) {
	seedBodies(f, `{"number": "RMA-26-0000012", "lines": [{"line": 1, "serial": "S", "missing_accessories": [{"name": "cable", "price": {"amount": "5.00", "currency": "EUR"}}], "enclosed_documents": ["purchase_receipt"]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var b ReceiveBody
		if err := decodeBody(data, &b, false); err != nil {
			checkRefusal(t, err)
			return
		}
		checkAccepted(t, &b, false)
		lines, err := b.lines()
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if len(lines) != len(b.Lines) {
			t.Fatalf("%d lines from %d", len(lines), len(b.Lines))
		}
		for i, l := range lines {
			if len(l.MissingAccessories) != len(b.Lines[i].MissingAccessories) {
				t.Fatalf("line %d: accessories lost", i)
			}
			for j, a := range l.MissingAccessories {
				checkMoney(t, b.Lines[i].MissingAccessories[j].Price, a.Price)
			}
		}
	})
}

// FuzzEvaluateBody is POST .../evaluate: the decoder (an empty body is
// {}) and the findings with their charges.
func FuzzEvaluateBody(f *testing.F) {
	seedBodies(f, `{"lines": [{"line": 1, "finding": "defect_confirmed", "notes": "n", "charges": [{"kind": "inspection", "quantity": 1, "unit_price": {"amount": "35.00", "currency": "EUR"}}]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var b EvaluateBody
		if err := decodeBody(data, &b, true); err != nil {
			checkRefusal(t, err)
			return
		}
		checkAccepted(t, &b, true)
		fs, err := b.findings()
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if len(fs) != len(b.Lines) {
			t.Fatalf("%d findings from %d lines", len(fs), len(b.Lines))
		}
		for i, l := range fs {
			if len(l.Charges) != len(b.Lines[i].Charges) {
				t.Fatalf("line %d: charges lost", i)
			}
			for j, c := range l.Charges {
				checkMoney(t, b.Lines[i].Charges[j].UnitPrice, c.UnitPrice)
			}
		}
	})
}

// FuzzResolveBody is POST .../resolve.
func FuzzResolveBody(f *testing.F) {
	seedBodies(f, `{"outcome": "replaced", "replacements": [{"line": 1, "serial": "NEW-1", "grade": "new"}]}`)
	seedBodies(f, `{"outcome": "credited", "prices": [{"line": 1, "last_invoiced_price": {"amount": "121.00", "currency": "EUR"}}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var b ResolveBody
		if err := decodeBody(data, &b, true); err != nil {
			checkRefusal(t, err)
			return
		}
		checkAccepted(t, &b, true)
		req, err := b.request()
		if err != nil {
			checkRefusal(t, err) // a price that is no amount, named by its field
			return
		}
		for i, p := range b.Prices {
			checkMoney(t, p.LastInvoicedPrice, req.Prices[i].Price)
		}
		if string(req.Outcome) != b.Outcome || req.Note != b.Note || len(req.Replacements) != len(b.Replacements) || len(req.Prices) != len(b.Prices) {
			t.Fatalf("request %+v from %+v", req, b)
		}
	})
}

// FuzzProvideInfoBody is POST .../provide_info: dates and documents per line.
func FuzzProvideInfoBody(f *testing.F) {
	seedBodies(f, `{"lines": [{"line": 1, "dates": {"invoice": "2025-02-01"}, "documents": ["purchase_receipt"]}]}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var b ProvideInfoBody
		if err := decodeBody(data, &b, true); err != nil {
			checkRefusal(t, err)
			return
		}
		checkAccepted(t, &b, true)
		ups, err := b.updates()
		if err != nil {
			checkRefusal(t, err)
			return
		}
		if len(ups) != len(b.Lines) {
			t.Fatalf("%d updates from %d lines", len(ups), len(b.Lines))
		}
		for i, u := range ups {
			if u.LineNo != b.Lines[i].Line || u.Documents.Len() > len(b.Lines[i].Documents) || len(b.Lines[i].Documents) > 0 && u.Documents.Len() == 0 {
				t.Fatalf("update %+v from %+v", u, b.Lines[i])
			}
		}
	})
}

var (
	amountForm   = regexp.MustCompile(`^-?[0-9]{1,13}(\.[0-9]{1,2})?$`)
	currencyForm = regexp.MustCompile(`^[A-Z]{3}$`)
)

// checkMoney asserts that an accepted amount was written the one way the
// API documents (digits, at most two decimals, an ISO currency code) and
// is shown back as the same amount.
func checkMoney(t *testing.T, in *MoneyJSON, got rma.Money) {
	t.Helper()
	if in == nil || in.Amount == "" && in.Currency == "" {
		if got != (rma.Money{}) {
			t.Fatalf("no amount, but %+v", got)
		}
		return
	}
	if !amountForm.MatchString(in.Amount) || !currencyForm.MatchString(in.Currency) {
		t.Fatalf("accepted %q %q as %+v", in.Amount, in.Currency, got)
	}
	shown := moneyView(got)
	back, err := parseMoney("x", &shown)
	if err != nil || back != got || shown.Currency != in.Currency {
		t.Fatalf("%q %q is %+v, shown as %+v, read back as %+v (%v)", in.Amount, in.Currency, got, shown, back, err)
	}
	if want := normalAmount(in.Amount); shown.Amount != want {
		t.Fatalf("%q shown as %q, want %q", in.Amount, shown.Amount, want)
	}
}

// normalAmount writes a valid amount as moneyView does: no leading zeros,
// two decimals, no sign on zero.
func normalAmount(s string) string {
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	frac = (frac + "00")[:2]
	if neg && (whole != "0" || frac != "00") {
		return "-" + whole + "." + frac
	}
	return whole + "." + frac
}

// FuzzMoney is parseMoney: an amount is accepted only in the documented
// form, and then shown back as the same amount.
func FuzzMoney(f *testing.F) {
	for _, s := range [][2]string{{"12.50", "EUR"}, {"-0.01", "USD"}, {"9999999999999.99", "EUR"}, {"1.234", "EUR"}, {"", ""}, {"1", "eur"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, amount, currency string) {
		in := &MoneyJSON{Amount: amount, Currency: currency}
		got, err := parseMoney("price", in)
		if err != nil {
			var e *rma.Error
			if !errors.As(err, &e) || e.Code != rma.EINVALID || (e.Field != "price.amount" && e.Field != "price.currency") {
				t.Fatalf("refused with %#v", err)
			}
			return
		}
		checkMoney(t, in, got)
	})
}

// fuzzDesk is a desk for FuzzUpload: a SQLite file, the embedded policies,
// the API (called in process, without a network), one RMA and its
// requester's key.
type fuzzDesk struct {
	handler  http.Handler
	key      string
	rmaID    int64
	uploaded int // documents on rmaID
	svc      *rma.Service
	actor    rma.Actor
	errs     *errorLog
}

func newFuzzDesk(tb testing.TB) *fuzzDesk {
	tb.Helper()
	ctx := context.Background()
	dir := ramDir(tb)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		tb.Fatal(err)
	}
	svc := rma.NewService(db, testPolicies())
	accounts := auth.NewAccounts(db)
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Org dexxon", Role: "partner", Country: "NL"})
	if err != nil {
		tb.Fatal(err)
	}
	key, _, err := accounts.CreateKey(ctx, rma.System, org.ID, rma.RoleRequester, "dexxon")
	if err != nil {
		tb.Fatal(err)
	}
	actor, err := auth.Authenticate(ctx, db, key)
	if err != nil {
		tb.Fatal(err)
	}
	d := &fuzzDesk{key: key, svc: svc, actor: actor, errs: &errorLog{}}
	d.handler = New(svc, Config{Files: files, Log: slog.New(d.errs), MaxUpload: 64 << 10}).Handler()
	d.newRMA(tb)
	return d
}

// newRMA files the RMA the next uploads go to: a fresh one every few
// accepted uploads keeps the count of its documents quick.
func (d *fuzzDesk) newRMA(tb testing.TB) {
	r, _, err := d.svc.Submit(context.Background(), d.actor, rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{
		Claim: policy.Claim{Product: policy.Product{Category: "ssd"}}}}})
	if err != nil {
		tb.Fatal(err)
	}
	d.rmaID, d.uploaded = r.ID, 0
}

// ramDir is a temporary directory in memory (/dev/shm) where there is
// one: an accepted upload fsyncs the file and the database, which on a
// busy disk would bound the fuzzer to a few inputs a second, and the
// target is about parsing, not durability. Elsewhere, t.TempDir.
func ramDir(tb testing.TB) string {
	dir, err := os.MkdirTemp("/dev/shm", "rmadesk-fuzz-")
	if err != nil {
		return tb.TempDir()
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func (d *fuzzDesk) serve(method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	r.RemoteAddr = "192.0.2.1:1234"
	r.Header.Set("Authorization", "Bearer "+d.key)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	d.handler.ServeHTTP(w, r)
	return w
}

func (d *fuzzDesk) documents(t *testing.T) int {
	docs, err := d.svc.Documents(context.Background(), d.actor, d.rmaID)
	if err != nil {
		t.Fatal(err)
	}
	return len(docs)
}

// uploadSeed is a well-formed upload of content, as Go's own writer makes it.
func uploadSeed(kind, line, filename string, content []byte) []byte {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.SetBoundary("B")
	if kind != "" {
		_ = mw.WriteField("kind", kind)
	}
	if line != "" {
		_ = mw.WriteField("line", line)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	return buf.Bytes()
}

// FuzzUpload sends a multipart body (and the request's content type) to
// POST /api/v1/rmas/{id}/documents on a real desk, end to end. The answer
// is 201 with a document of an accepted type that is then served back
// safely, or a 4xx problem and no document; the server never logs an
// error.
func FuzzUpload(f *testing.F) {
	form := "multipart/form-data; boundary=B"
	f.Add(form, uploadSeed("purchase_receipt", "1", "receipt.png", pngBytes))
	f.Add(form, uploadSeed("", "", "a.png", []byte("<!DOCTYPE html><script>alert(1)</script>")))
	f.Add(form, uploadSeed("other", "", "a.pdf", []byte("%PDF-1.4\n")))
	f.Add("text/plain", []byte("x"))
	d := newFuzzDesk(f)
	f.Fuzz(d.checkUpload)
}

// checkUpload is FuzzUpload's property for one input.
func (d *fuzzDesk) checkUpload(t *testing.T, contentType string, body []byte) {
	if d.uploaded >= 20 {
		d.newRMA(t)
	}
	path := fmt.Sprintf("/api/v1/rmas/%d/documents", d.rmaID)
	accepted := rma.AcceptedContentTypes()
	{
		before := d.documents(t)
		w := d.serve(http.MethodPost, path, contentType, body)
		if logs := d.errs.take(); len(logs) > 0 {
			t.Fatalf("%d, the server logged: %v", w.Code, logs)
		}
		after := d.documents(t)
		if w.Code != http.StatusCreated {
			checkProblem(t, w)
			if after != before {
				t.Fatalf("refused with %d, but %d documents became %d", w.Code, before, after)
			}
			return
		}
		if after != before+1 {
			t.Fatalf("created, but %d documents became %d", before, after)
		}
		d.uploaded++
		var doc DocumentView
		if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(accepted, doc.ContentType) || !utf8.ValidString(doc.Filename) || len(doc.Filename) > 200 {
			t.Fatalf("stored %+v", doc)
		}
		got := d.serve(http.MethodGet, doc.URL, "", nil)
		if got.Code != http.StatusOK || got.Header().Get("Content-Type") != doc.ContentType ||
			!strings.HasPrefix(got.Header().Get("Content-Disposition"), "attachment;") || got.Header().Get("X-Content-Type-Options") != "nosniff" ||
			int64(got.Body.Len()) != doc.Size {
			t.Fatalf("served as %d %v", got.Code, got.Header())
		}
		if _, err := io.Copy(io.Discard, got.Body); err != nil {
			t.Fatal(err)
		}
	}
}
