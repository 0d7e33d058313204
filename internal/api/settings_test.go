package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
)

// TestSettingsOverview: the desk's settings as the portal's Settings page
// shows them, the relay without its password.
func TestSettingsOverview(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	relay, err := notify.NewSMTPSender(notify.SMTPConfig{Host: "127.0.0.1", Port: 2525, Username: "desk", Password: "p4ss-word-never-shown",
		From: "returns@desk.example", FromName: "Desk Returns", TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filestore.Open(filepath.Join(h.dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(h.svc, Config{Files: files, Mail: relay, PublicURL: "https://desk.example", Version: "1.2.3", VATBasisPoints: 2100, RequestsPerSecond: 20, MaxUpload: 5 << 20,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	old := h.srv
	h.srv = srv
	defer func() { h.srv = old }()

	h.must(http.StatusOK, "PUT", "/api/v1/settings/warranty-check", h.keys["admin"], map[string]any{"enabled": false, "second_factor": "model"})
	resp := h.do("GET", "/api/v1/settings", h.keys["admin"], nil)
	if resp.status != http.StatusOK || strings.Contains(string(resp.body), "p4ss") {
		t.Fatalf("%d %s", resp.status, resp.body)
	}
	got := resp.json(t)
	for path, want := range map[string]any{
		"version": "1.2.3", "database": "sqlite", "public_url": "https://desk.example", "vat_basis_points": 2100.0, "files": "directory",
		"mail.mode": "smtp", "mail.relay": "127.0.0.1:2525", "mail.tls": "none", "mail.login": true, "mail.from": `"Desk Returns" <returns@desk.example>`,
		"api.requests_per_second": 20.0, "api.burst": 80.0, "api.max_upload_bytes": float64(5 << 20), "api.max_bulk_ids": 100.0,
		"clock.today": "2026-03-02", "clock.moved": false, "sign_in.enabled": false, "sign_in.staff_passwords": true, "warranty_check.enabled": false, "warranty_check.second_factor": "model",
	} {
		var keys []any
		for _, k := range strings.Split(path, ".") {
			keys = append(keys, k)
		}
		if v := field(got, keys...); v != want {
			t.Errorf("%s = %v, want %v", path, v, want)
		}
	}
	for _, who := range []string{"agent", "technician", "dexxon"} {
		h.must(http.StatusForbidden, "GET", "/api/v1/settings", h.keys[who], nil)
	}
	// The harness's desk sends no mail and says nothing of its files.
	h.srv = old
	if got := h.must(http.StatusOK, "GET", "/api/v1/settings", h.keys["admin"], nil); str(got, "mail", "mode") != "none" || str(got, "version") != "dev" {
		t.Fatalf("without a relay: %v", got)
	}
}
