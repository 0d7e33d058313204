package api

import (
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// TestLabels, on both databases: the return label and slip of an RMA, as
// PDF through the API, for its requester and the desk, in English and
// Dutch; 409 before the RMA has a number, 404 for another organisation's
// requester, 422 naming lang for a language the desk does not print in.
// A supplier RMA's label is the desk's: a requester gets 403.
func TestLabels(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: scripts/deps.sh installs it")
	}
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { labels(t, newHarnessOn(t, b)) })
	}
}

func labels(t *testing.T, h *harness) {
	h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/%d/address", h.orgs["dexxon"].ID), h.keys["admin"],
		map[string]any{"street": "Stationsplein 8", "postcode": "3511 ED", "city": "Utrecht", "country": "NL"})
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	label := func(key, lang string) *response {
		t.Helper()
		q := ""
		if lang != "" {
			q = "?lang=" + lang
		}
		return h.do("GET", fmt.Sprintf("/api/v1/rmas/%d/label%s", rmaID, q), key, nil)
	}
	if r := label(h.keys["dexxon"], ""); r.status != http.StatusConflict || !strings.Contains(string(r.body), "no number") {
		t.Fatalf("a label before authorization: %d %s", r.status, r.body)
	}
	got := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	number := str(got, "number")
	for _, c := range []struct {
		who, key, lang string
		want           []string
	}{
		{"requester", h.keys["dexxon"], "", []string{"RETURN", number, "Org dexxon", "Stationsplein 8", "3511 ED Utrecht", "DX24031500123", "Packing slip"}},
		{"agent", h.keys["agent"], "nl", []string{"RETOUR", number, "Pakbon", "Serienummer", "DX24031500123"}},
	} {
		r := label(c.key, c.lang)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" || r.header.Get("X-Document-Number") != number ||
			!strings.Contains(r.header.Get("Content-Disposition"), number+".pdf") {
			t.Fatalf("%s: %d %v %.200s", c.who, r.status, r.header, r.body)
		}
		text := pdfText(t, r.body)
		for _, want := range c.want {
			if !strings.Contains(text, want) {
				t.Errorf("%s's label lacks %q:\n%s", c.who, want, text)
			}
		}
	}
	if r := label(h.keys["other"], ""); r.status != http.StatusNotFound {
		t.Fatalf("another organisation's label: %d %s", r.status, r.body)
	}
	if r := label(h.keys["dexxon"], "fr"); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"lang"`) {
		t.Fatalf("lang=fr: %d %s", r.status, r.body)
	}

	_, sid := supplierFixture(h)
	sr := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/supplier-rmas/%d", sid), h.keys["agent"], nil)
	r := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d/label", sid), h.keys["technician"], nil)
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the supplier label: %d %.200s", r.status, r.body)
	}
	text := pdfText(t, r.body)
	for _, want := range []string{"TO SUPPLIER", "Access Supplier", str(sr, "number"), "Packing slip to the supplier"} {
		if !strings.Contains(text, want) {
			t.Errorf("the supplier label lacks %q:\n%s", want, text)
		}
	}
	if r := h.do("GET", fmt.Sprintf("/api/v1/supplier-rmas/%d/label", sid), h.keys["dexxon"], nil); r.status != http.StatusForbidden {
		t.Fatalf("a requester's supplier label: %d", r.status)
	}
}
