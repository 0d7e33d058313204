package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestHostileFormText: text the API refuses is refused by the portal's
// forms too (422, the field named), and nothing of it is stored.
func TestHostileFormText(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	for _, tc := range []struct{ name, value, want string }{
		{"escape sequence", "paid?\x1b[31m", "control character U&#43;001B"},
		{"NUL", "a\x00b", "control character U&#43;0000"},
		{"invalid UTF-8", "caf\xe9", "not valid UTF-8"},
		{"too long", strings.Repeat("x", maxFieldBytes+1), "at most 10000 bytes"},
	} {
		t.Run("message "+tc.name, func(t *testing.T) {
			resp, body := p.form(dist, "/rmas/1/messages", url.Values{"body": {tc.value}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "body") || !strings.Contains(body, tc.want) {
				t.Fatalf("%d, want 422 naming body and %q:\n%s", resp.StatusCode, tc.want, body)
			}
		})
	}
	// A tab and line breaks are text.
	if resp, body := p.form(dist, "/rmas/1/messages", url.Values{"body": {"line one\r\n\tline two"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a message with a tab and line breaks: %d %s", resp.StatusCode, body)
	}
	msgs, err := p.svc.Store().Messages(t.Context(), 1)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%d messages stored (%v), want the one good one", len(msgs), err)
	}

	// The new-RMA form is multipart: checked once parsed.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"policy": "pixfra", "lines": "1", "kind": "defect", "reference": "PO-\x07",
		"category_1": "thermal-camera", "model_1": "Arc A435", "serial_1": "PXF2", "part_number_1": "1.0.01.08.43502", "quantity_1": "1"} {
		_ = mw.WriteField(k, v)
	}
	mw.Close()
	resp, body := p.do(dist, "POST", "/rmas/new", &buf, mw.FormDataContentType())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "reference") {
		t.Fatalf("new RMA with a control character: %d\n%s", resp.StatusCode, body)
	}
	if _, body := p.do(dist, "GET", "/rmas/2", nil, ""); !strings.Contains(body, "not found") && !strings.Contains(body, "Not found") {
		t.Errorf("RMA 2 exists after a refused form")
	}
}
