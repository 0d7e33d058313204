package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSupplierLabel: the supplier RMA's label and packing slip, from the
// portal, go from the desk's full address to the supplier's, carry the
// supplier RMA's number, and list each unit with the desk's RMA it is, in
// English and Dutch (read back with pdftotext).
func TestSupplierLabel(t *testing.T) {
	t.Parallel()
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext not found (poppler-utils; scripts/deps.sh installs it)")
		}
		t.Skip("pdftotext not found: install poppler-utils (scripts/deps.sh)")
	}
	dir := t.TempDir()
	base, stop := startServe(t, "--demo", "--data-dir", dir)
	defer stop()
	keys := readKeys(t, filepath.Join(dir, "demo-keys.env"))
	supplierRMA(t, base, keys) // archive_test.go: supplier RMA 1, a WebStore4 router
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(base+"/login", url.Values{"email": {"agent@demo.example"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for lang, words := range map[string][]string{"en": {"TO SUPPLIER", "Packing slip to the supplier"}, "nl": {"NAAR LEVERANCIER", "Pakbon voor de leverancier"}} {
		req, _ := http.NewRequest("GET", base+"/supplier-rmas/1/label.pdf", nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		pdf, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("label (%s): %d %q", lang, resp.StatusCode, pdf[:min(len(pdf), 60)])
		}
		path := filepath.Join(t.TempDir(), "label.pdf")
		if err := os.WriteFile(path, pdf, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, want := range append(words, "SUP-26-00001", "Demo Supplier for WebStore4", "Transportweg 18", "2742 RH Waddinxveen",
			"Demo Desk", "Nieuwe Uitleg 1", "2514 BP Den Haag", "R9-ARCH-1", "RMA-") {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the label and slip lack %q:\n%s", lang, want, text)
			}
		}
	}
	resp, err = client.Get(base + "/supplier-rmas/1")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), `href="/supplier-rmas/1/label.pdf"`) {
		t.Fatal("the supplier RMA page has no label link")
	}
	// The customer has no business with it.
	jar2, _ := cookiejar.New(nil)
	customer := &http.Client{Jar: jar2}
	resp, err = customer.PostForm(base+"/login", url.Values{"email": {"webstore4@demo.example"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp, err = customer.Get(base + "/supplier-rmas/1/label.pdf"); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the customer gets the supplier's label: %d", resp.StatusCode)
	}
}
