package api

import (
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/rmadesk/rmadesk/internal/notify"
)

// TestTestMail: an admin sends a test mail through the desk's relay (a
// real SMTP server in the test) and reads that it went; a relay that
// refuses is reported, not a 500; both are in the audit log. A desk
// without a relay says so (409); a bad address is 422 naming to; only an
// admin may.
func TestTestMail(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The harness's server has no relay.
	if r := h.do("POST", "/api/v1/settings/test-mail", h.keys["admin"], map[string]any{"to": "ops@desk.example"}); r.status != http.StatusConflict {
		t.Fatalf("without a relay: %d %s", r.status, r.body)
	}
	box := &testMailbox{}
	host, port := box.start(t)
	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: host, Port: port, From: "desk@desk.example", TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(h.svc, Config{Mail: sender, PublicURL: "https://desk.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	t.Cleanup(srv.Close)
	old := h.srv
	h.srv = srv
	defer func() { h.srv = old }()
	got := h.must(http.StatusOK, "POST", "/api/v1/settings/test-mail", h.keys["admin"], map[string]any{"to": " ops@desk.example "})
	if got["sent"] != true || got["to"] != "ops@desk.example" {
		t.Fatalf("sent: %v", got)
	}
	if to := box.recipients(); len(to) != 1 || to[0] != "ops@desk.example" {
		t.Fatalf("the relay got mail to %v", to)
	}
	box.refuse = true
	got = h.must(http.StatusOK, "POST", "/api/v1/settings/test-mail", h.keys["admin"], map[string]any{"to": "ops@desk.example"})
	if got["sent"] != false || !strings.Contains(str(got, "error"), "mailbox full") {
		t.Fatalf("refused: %v", got)
	}
	audit := h.must(http.StatusOK, "GET", "/api/v1/audit?action=mail.test", h.keys["admin"], nil)
	raw, _ := json.Marshal(audit)
	text := string(raw)
	if !strings.Contains(text, `"sent"`) || !strings.Contains(text, "mailbox full") {
		t.Fatalf("the audit log: %s", text)
	}
	for _, c := range []struct {
		key, to string
		status  int
	}{
		{h.keys["admin"], "", http.StatusUnprocessableEntity},
		{h.keys["admin"], "not an address", http.StatusUnprocessableEntity},
		{h.keys["agent"], "ops@desk.example", http.StatusForbidden},
	} {
		r := h.do("POST", "/api/v1/settings/test-mail", c.key, map[string]any{"to": c.to})
		if r.status != c.status || c.status == 422 && !strings.Contains(string(r.body), `"to"`) {
			t.Errorf("to %q: %d %s", c.to, r.status, r.body)
		}
	}
}

// testMailbox is an SMTP server on loopback that keeps the recipients, or
// refuses every message once refuse is set.
type testMailbox struct {
	mu     sync.Mutex
	to     []string
	refuse bool
}

func (b *testMailbox) start(t *testing.T) (string, int) {
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &testMailSession{box: b}, nil }))
	s.Domain, s.ReadTimeout, s.WriteTimeout = "localhost", 10*time.Second, 10*time.Second
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	a := l.Addr().(*net.TCPAddr)
	return a.IP.String(), a.Port
}

func (b *testMailbox) recipients() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.to...)
}

type testMailSession struct {
	box *testMailbox
	to  []string
}

func (s *testMailSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *testMailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *testMailSession) Data(r io.Reader) error {
	if _, err := io.ReadAll(r); err != nil {
		return err
	}
	s.box.mu.Lock()
	defer s.box.mu.Unlock()
	if s.box.refuse {
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 2, 2}, Message: "mailbox full"}
	}
	s.box.to = append(s.box.to, s.to...)
	return nil
}
func (s *testMailSession) Reset()        { s.to = nil }
func (s *testMailSession) Logout() error { return nil }
