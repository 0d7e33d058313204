package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/archive"
	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

// demoDesk runs serve --demo in dir and fills the desk with one RMA through
// its lifecycle so far, a message and a document, beside the demo's past
// (demohistory.go); it returns the keys and the RMA's ID.
func demoDesk(t *testing.T, dir string) (map[string]string, int64) {
	t.Helper()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	defer stop()
	keys := readKeys(t, filepath.Join(dir, "demo-keys.env"))
	body, err := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	if err != nil {
		t.Fatal(err)
	}
	status, r, _ := call(t, "POST", base+"/api/v1/rmas", keys["DEXXON_KEY"], string(body), "Idempotency-Key", "arch-1")
	if status != http.StatusCreated {
		t.Fatalf("submit: %d %v", status, r)
	}
	id := int64(r["id"].(float64))
	status, r, _ = call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/authorize", base, id), keys["AGENT_KEY"], `{"resolution": "return"}`, "If-Match", fmt.Sprintf(`"%d-1"`, id))
	if status != http.StatusOK {
		t.Fatalf("authorize: %d %v", status, r)
	}
	if status, r, _ = call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/messages", base, id), keys["DEXXON_KEY"], `{"body": "sent today"}`, "Idempotency-Key", "m1"); status != http.StatusCreated {
		t.Fatalf("message: %d %v", status, r)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("kind", "purchase_receipt")
	fw, _ := mw.CreateFormFile("file", "receipt.pdf")
	fw.Write([]byte("%PDF-1.4\n% receipt\n"))
	mw.Close()
	if status, r, _ = call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/documents", base, id), keys["DEXXON_KEY"], buf.String(), "Content-Type", mw.FormDataContentType()); status != http.StatusCreated {
		t.Fatalf("upload: %d %v", status, r)
	}
	return keys, id
}

// supplierRMA takes a WebStore4 RMA to the demo's supplier and back, so
// that every supplier table has rows to move (supplier RMA 1).
func supplierRMA(t *testing.T, base string, keys map[string]string) {
	t.Helper()
	must := func(want int, method, path, key, body string, headers ...string) (map[string]any, http.Header) {
		t.Helper()
		status, r, h := call(t, method, base+path, key, body, headers...)
		if status != want {
			t.Fatalf("%s %s: %d %v", method, path, status, r)
		}
		return r, h
	}
	r, _ := must(http.StatusCreated, "POST", "/api/v1/rmas", keys["WEBSTORE4_KEY"], `{"policy": "webstore4", "lines": [{"product": {"category": "router", "serial": "R9-ARCH-1"}, "dates": {"delivered": "`+
		time.Now().AddDate(0, -1, 0).Format("2006-01-02")+`"}}]}`)
	path := fmt.Sprintf("/api/v1/rmas/%d", int64(r["id"].(float64)))
	act := func(key, action, body string) map[string]any {
		_, h := must(http.StatusOK, "GET", path, keys["AGENT_KEY"], "")
		r, _ := must(http.StatusOK, "POST", path+"/"+action, key, body, "If-Match", h.Get("ETag"))
		return r
	}
	number := act(keys["AGENT_KEY"], "authorize", `{"resolution": "repair"}`)["number"].(string)
	// The bench's fields too (the state on arrival, fractional hours), so
	// that they move between the databases unchanged.
	must(http.StatusOK, "POST", "/api/v1/receiving", keys["TECH_KEY"], `{"number": "`+number+`", "lines": [{"line": 1, "intake_condition": "used", "intake_notes": "no box"}]}`)
	act(keys["TECH_KEY"], "start_evaluation", "")
	act(keys["TECH_KEY"], "evaluate", `{"lines": [{"line": 1, "finding": "defect_confirmed", "hours": 0.75}]}`)
	sups, _ := must(http.StatusOK, "GET", "/api/v1/suppliers", keys["AGENT_KEY"], "")
	sup := int64(sups["suppliers"].([]any)[0].(map[string]any)["id"].(float64))
	sr, h := must(http.StatusCreated, "POST", "/api/v1/supplier-rmas", keys["AGENT_KEY"], fmt.Sprintf(`{"supplier": %d, "lines": [{"rma": %s, "line": 1}]}`, sup, path[len("/api/v1/rmas/"):]))
	srPath := fmt.Sprintf("/api/v1/supplier-rmas/%d", int64(sr["id"].(float64)))
	_, h = must(http.StatusOK, "POST", srPath+"/ship", keys["AGENT_KEY"], `{"carrier": "DHL"}`, "If-Match", h.Get("ETag"))
	must(http.StatusOK, "POST", srPath+"/verdicts", keys["AGENT_KEY"], fmt.Sprintf(`{"lines": [{"rma": %s, "line": 1, "verdict": "covered", "remedy": "credited", "credit": {"amount": "50.00", "currency": "EUR"}}]}`, path[len("/api/v1/rmas/"):]),
		"If-Match", h.Get("ETag"))
}

// TestExportImportRoundTrip moves a demo desk to a new database and back
// out again: both archives hold the same rows and files, and the keys and
// RMA numbers keep working in the new place.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	keys, id := demoDesk(t, src)
	first := filepath.Join(t.TempDir(), "a1")
	code, out, errOut := runCLI(t, "", "export", "--data-dir", src, "--out", first)
	if code != 0 || !strings.Contains(out, "exported") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "import", "--data-dir", dst, "--in", first)
	if code != 0 || !strings.Contains(out, "imported") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	second := filepath.Join(t.TempDir(), "a2")
	if code, _, errOut = runCLI(t, "", "export", "--data-dir", dst, "--out", second); code != 0 {
		t.Fatalf("second export: %s", errOut)
	}
	m1, err := archive.ReadManifest(first)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := archive.ReadManifest(second)
	if err != nil {
		t.Fatal(err)
	}
	if !m1.Equal(m2) {
		t.Fatalf("the round trip changed the desk:\n%+v\n%+v", m1, m2)
	}
	if m1.Tables["rmas"].Rows != 1+len(demoPixfraPast) || m1.Tables["events"].Rows < 4 || m1.Files.Count != 1 || m1.Tables["api_keys"].Rows < 8 {
		t.Fatalf("the archive is missing records: %+v", m1)
	}
	// The moved desk serves the same RMA to the same key.
	base, stop := startServe(t, "--data-dir", dst)
	defer stop()
	status, r, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/rmas/%d", base, id), keys["DEXXON_KEY"], "")
	if status != http.StatusOK || !strings.HasPrefix(fmt.Sprint(r["number"]), "RMA-") || r["state"] != "authorized" {
		t.Fatalf("after the move: %d %v", status, r)
	}
	// A new RMA after the move does not reuse an ID or number.
	body, _ := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	status, r, _ = call(t, "POST", base+"/api/v1/rmas", keys["DEXXON_KEY"], string(body))
	if status != http.StatusCreated || int64(r["id"].(float64)) != int64(2+len(demoPixfraPast)) {
		t.Fatalf("new RMA after import: %d %v", status, r)
	}
	// Importing into a desk that has records is refused.
	if code, _, errOut = runCLI(t, "", "import", "--data-dir", dst, "--in", first); code == 0 || !strings.Contains(errOut, "already holds records") {
		t.Fatalf("second import: %d %s", code, errOut)
	}
}

// TestMoveSQLiteToPostgreSQLAndBack moves a demo desk from SQLite to
// PostgreSQL and back to a new SQLite file: the three archives hold the
// same rows (counts and SHA-256 of every table) and the same files, and the
// PostgreSQL desk serves the RMA to the same key.
func TestMoveSQLiteToPostgreSQLAndBack(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	src, pgFiles, back := t.TempDir(), t.TempDir(), t.TempDir()
	keys, id := demoDesk(t, src)
	base, stop := startServe(t, "--demo", "--data-dir", src)
	supplierRMA(t, base, keys)
	stop()
	// Its history holds the supplier steps, every one a step of the table.
	if code, out, errOut := runCLI(t, "", "check", "--data-dir", src); code != 0 || !strings.Contains(out, fmt.Sprintf("checked %d RMAs", 2+len(demoPixfraPast))) {
		t.Fatalf("check: exit %d\n%s%s", code, out, errOut)
	}
	archives := []string{filepath.Join(t.TempDir(), "from-sqlite"), filepath.Join(t.TempDir(), "from-postgres"), filepath.Join(t.TempDir(), "back-in-sqlite")}
	steps := [][]string{
		{"export", "--data-dir", src, "--out", archives[0]},
		{"import", "--db", url, "--data-dir", pgFiles, "--in", archives[0]},
		{"export", "--db", url, "--data-dir", pgFiles, "--out", archives[1]},
		{"import", "--data-dir", back, "--in", archives[1]},
		{"export", "--data-dir", back, "--out", archives[2]},
	}
	for _, args := range steps {
		if code, out, errOut := runCLI(t, "", args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	var manifests []*archive.Manifest
	for _, a := range archives {
		m, err := archive.ReadManifest(a)
		if err != nil {
			t.Fatal(err)
		}
		manifests = append(manifests, m)
	}
	for i, m := range manifests[1:] {
		if !manifests[0].Equal(m) {
			for _, tb := range archive.Tables {
				if manifests[0].Tables[tb.Name] != m.Tables[tb.Name] {
					t.Errorf("%s: table %s %+v, was %+v", archives[i+1], tb.Name, m.Tables[tb.Name], manifests[0].Tables[tb.Name])
				}
			}
			if manifests[0].Files != m.Files {
				t.Errorf("%s: files %+v, were %+v", archives[i+1], m.Files, manifests[0].Files)
			}
		}
	}
	base, stop = startServe(t, "--db", url, "--data-dir", pgFiles)
	defer stop()
	status, r, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/rmas/%d", base, id), keys["DEXXON_KEY"], "")
	if status != http.StatusOK || r["state"] != "authorized" {
		t.Fatalf("on PostgreSQL: %d %v", status, r)
	}
	// The supplier's records moved too: the supplier RMA, its verdict and
	// the desk's recovery.
	for _, name := range []string{"suppliers", "supplier_rmas", "supplier_rma_lines", "supplier_events"} {
		if manifests[0].Tables[name].Rows == 0 {
			t.Errorf("the archive holds no %s", name)
		}
	}
	status, sr, _ := call(t, "GET", base+"/api/v1/supplier-rmas/1", keys["AGENT_KEY"], "")
	if status != http.StatusOK || sr["state"] != "answered" || str(sr, "recovered", 0, "amount") != "50.00" {
		t.Fatalf("the supplier RMA on PostgreSQL: %d %v", status, sr)
	}
	status, docs, _ := call(t, "GET", fmt.Sprintf("%s/api/v1/rmas/%d/documents", base, id), keys["DEXXON_KEY"], "")
	if status != http.StatusOK || len(docs["documents"].([]any)) != 1 {
		t.Fatalf("documents on PostgreSQL: %d %v", status, docs)
	}
	req, _ := http.NewRequest("GET", base+str(docs, "documents", 0, "url"), nil)
	req.Header.Set("Authorization", "Bearer "+keys["DEXXON_KEY"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(data) != "%PDF-1.4\n% receipt\n" {
		t.Fatalf("the moved file: %d %q", resp.StatusCode, data)
	}
}

func str(v any, path ...any) string {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return ""
			}
			v = a[k]
		}
	}
	s, _ := v.(string)
	return s
}

// TestPortalLabel: once authorized, the requester prints the return label
// from the portal: a PDF, in the requester's language.
func TestPortalLabel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	defer stop()
	keys := readKeys(t, filepath.Join(dir, "demo-keys.env"))
	body, _ := os.ReadFile(filepath.Join("..", "..", "examples", "api", "dexxon-submit.json"))
	status, r, _ := call(t, "POST", base+"/api/v1/rmas", keys["DEXXON_KEY"], string(body))
	if status != http.StatusCreated {
		t.Fatalf("submit: %d", status)
	}
	id := int64(r["id"].(float64))
	if status, r, _ = call(t, "POST", fmt.Sprintf("%s/api/v1/rmas/%d/authorize", base, id), keys["AGENT_KEY"], `{"resolution": "return"}`, "If-Match", fmt.Sprintf(`"%d-1"`, id)); status != http.StatusOK {
		t.Fatalf("authorize: %d %v", status, r)
	}
	if addr := fmt.Sprint(r["return_address"]); !strings.Contains(addr, "RMA Number "+fmt.Sprint(r["number"])) {
		t.Fatalf("the address does not carry the number: %s", addr)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {"dexxon@demo.example"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, lang := range []string{"en", "nl"} {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/rmas/%d/label.pdf", base, id), nil)
		req.Header.Set("Accept-Language", lang)
		resp, err = client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("label (%s): %d %s %q", lang, resp.StatusCode, resp.Header.Get("Content-Type"), pdf[:min(len(pdf), 40)])
		}
	}
	resp, err = client.Get(fmt.Sprintf("%s/rmas/%d", base, id))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), fmt.Sprintf(`href="/rmas/%d/label.pdf"`, id)) {
		t.Fatal("the RMA page has no label link")
	}
}
