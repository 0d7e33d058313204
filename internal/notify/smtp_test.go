package notify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The tests run a real SMTP server (go-smtp) on the loopback interface,
// send through SMTPSender and read back what the server received.

// delivery is one message as the test server received it.
type delivery struct {
	From string
	To   []string
	Data []byte
	User string // who logged in, "" without AUTH
	TLS  bool   // whether the message travelled over TLS
}

type serverOptions struct {
	startTLS     bool     // offer STARTTLS
	implicitTLS  bool     // TLS from the first byte
	insecureAuth bool     // offer AUTH without TLS
	user, pass   string   // when set, MAIL FROM needs this login
	mechs        []string // AUTH mechanisms offered; default PLAIN
}

type testServer struct {
	opts serverOptions
	host string
	port int

	mu  sync.Mutex
	got []delivery
}

// Recipients that make the server refuse, as real servers do.
var serverReplies = map[string]*smtp.SMTPError{
	"gone@example.com": {Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox"},
	"busy@example.com": {Code: 451, EnhancedCode: smtp.EnhancedCode{4, 2, 0}, Message: "Greylisted, try again later"},
	"full@example.com": {Code: 452, EnhancedCode: smtp.EnhancedCode{4, 2, 2}, Message: "Mailbox full"},
}

// spamRecipient's messages are refused after DATA.
const spamRecipient = "filtered@example.com"

var testCert = sync.OnceValues(selfSignedCert)

// selfSignedCert makes a certificate for 127.0.0.1 and localhost, and the
// pool a client needs to trust it.
func selfSignedCert() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rmadesk test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

func startServer(t *testing.T, opts serverOptions) *testServer {
	t.Helper()
	ts := &testServer{opts: opts}
	s := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &testSession{srv: ts, conn: c}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.AllowInsecureAuth = opts.insecureAuth
	s.ErrorLog = log.New(io.Discard, "", 0)
	cert, _ := testCert()
	if opts.startTLS || opts.implicitTLS {
		s.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if opts.implicitTLS {
		l = tls.NewListener(l, s.TLSConfig)
	}
	addr := l.Addr().(*net.TCPAddr)
	ts.host, ts.port = addr.IP.String(), addr.Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		// Close closes only the listeners Serve has registered: a test that
		// ends before the goroutine above reached Serve would leave it in
		// Accept forever (it hung make check once). Closing l ends it
		// either way.
		_ = l.Close()
		<-done
	})
	return ts
}

func (ts *testServer) deliveries() []delivery {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]delivery(nil), ts.got...)
}

// config is a sender configuration for this server.
func (ts *testServer) config(mode TLSMode) SMTPConfig {
	_, pool := testCert()
	return SMTPConfig{Host: ts.host, Port: ts.port, From: "rma@dexxon.example", FromName: "Dexxon Retourdesk Zoë",
		TLS: mode, RootCAs: pool, Timeout: 5 * time.Second}
}

type testSession struct {
	srv  *testServer
	conn *smtp.Conn
	user string
	from string
	to   []string
}

func (s *testSession) AuthMechanisms() []string {
	if s.srv.opts.mechs != nil {
		return s.srv.opts.mechs
	}
	return []string{sasl.Plain}
}

func (s *testSession) Auth(mech string) (sasl.Server, error) {
	check := func(user, pass string) error {
		if s.srv.opts.user == "" || user != s.srv.opts.user || pass != s.srv.opts.pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.srv.opts.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if e, ok := serverReplies[to]; ok {
		return e
	}
	s.to = append(s.to, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, to := range s.to {
		if to == spamRecipient {
			return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message refused as spam"}
		}
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.srv.mu.Lock()
	defer s.srv.mu.Unlock()
	s.srv.got = append(s.srv.got, delivery{From: s.from, To: append([]string(nil), s.to...), Data: b, User: s.user, TLS: isTLS})
	return nil
}

func (s *testSession) Reset()        { s.from, s.to = "", nil }
func (s *testSession) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl no longer
// has: it asks for the user name, then the password.
type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) == 0 {
			return []byte("Username:"), false, nil
		}
		l.step++ // the user name came with AUTH LOGIN
		l.user = string(response)
		return []byte("Password:"), false, nil
	case 2:
		l.user = string(response)
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.check(l.user, string(response))
	}
}

// testMessage is what the job runner would send for an authorized RMA:
// both versions, in Dutch, with the return label attached.
func testMessage(t *testing.T) (Message, []byte) {
	t.Helper()
	f := fullFacts()
	f.Reference = "Bestelling Zoë — café"
	m := NewMessage("rmadesk-job-42", "Anna de Vries <anna@partner.example>", Authorized, f, "nl")
	label := append([]byte("%PDF-1.7\n"), make([]byte, 256)...)
	for i := range 256 {
		label[9+i] = byte(i) // every byte value: the attachment must survive as binary
	}
	m.Attachments = []Attachment{{Name: "RMA-2026-0042-label.pdf", ContentType: "application/pdf", Data: label}}
	return m, label
}

func newSender(t *testing.T, cfg SMTPConfig) *SMTPSender {
	t.Helper()
	s, err := NewSMTPSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mimePart is a leaf of a parsed message.
type mimePart struct {
	mediaType   string
	parents     []string // the multipart types around it, outermost first
	disposition string
	filename    string
	body        []byte
}

// parseMessage reads a delivered message as a mail client would.
func parseMessage(t *testing.T, data []byte) (*netmail.Message, []mimePart) {
	t.Helper()
	m, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, data)
	}
	var parts []mimePart
	var walk func(h textproto.MIMEHeader, body io.Reader, parents []string)
	walk = func(h textproto.MIMEHeader, body io.Reader, parents []string) {
		mediaType, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatalf("content type %q: %v", h.Get("Content-Type"), err)
		}
		if strings.HasPrefix(mediaType, "multipart/") {
			mr := multipart.NewReader(body, params["boundary"])
			for {
				p, err := mr.NextPart() // decodes quoted-printable itself
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p, append(parents[:len(parents):len(parents)], mediaType))
			}
		}
		if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "base64") {
			body = base64.NewDecoder(base64.StdEncoding, body)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		p := mimePart{mediaType: mediaType, parents: parents, body: b}
		if d := h.Get("Content-Disposition"); d != "" {
			disp, dparams, err := mime.ParseMediaType(d)
			if err != nil {
				t.Fatal(err)
			}
			p.disposition, p.filename = disp, dparams["filename"]
		}
		parts = append(parts, p)
	}
	walk(textproto.MIMEHeader(m.Header), m.Body, nil)
	return m, parts
}

func lf(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }

func TestSMTPSenderDelivers(t *testing.T) {
	ts := startServer(t, serverOptions{})
	m, label := testMessage(t)
	if err := newSender(t, ts.config(TLSNone)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := ts.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	d := got[0]
	if d.From != "rma@dexxon.example" || len(d.To) != 1 || d.To[0] != "anna@partner.example" {
		t.Errorf("envelope from %q to %q", d.From, d.To)
	}
	if d.TLS || d.User != "" {
		t.Errorf("TLS %v, user %q: want neither", d.TLS, d.User)
	}
	msg, parts := parseMessage(t, d.Data)

	from, err := netmail.ParseAddress(msg.Header.Get("From"))
	if err != nil || from.Name != "Dexxon Retourdesk Zoë" || from.Address != "rma@dexxon.example" {
		t.Errorf("From %q = %v, %v", msg.Header.Get("From"), from, err)
	}
	to, err := netmail.ParseAddress(msg.Header.Get("To"))
	if err != nil || to.Name != "Anna de Vries" || to.Address != "anna@partner.example" {
		t.Errorf("To %q = %v, %v", msg.Header.Get("To"), to, err)
	}
	raw := msg.Header.Get("Subject")
	for _, r := range raw {
		if r > 127 {
			t.Fatalf("Subject header is not 7-bit: %q", raw)
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(raw)
	if err != nil || subject != m.Subject || !strings.Contains(subject, "Zoë — café") {
		t.Errorf("Subject %q decodes to %q (%v), want %q", raw, subject, err, m.Subject)
	}
	if id := msg.Header.Get("Message-Id"); id != "<rmadesk-job-42@rmadesk>" {
		t.Errorf("Message-ID %q", id)
	}
	if a := msg.Header.Get("Auto-Submitted"); a != "auto-generated" {
		t.Errorf("Auto-Submitted %q", a)
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}

	if len(parts) != 3 {
		t.Fatalf("%d parts, want text, html, label: %+v", len(parts), parts)
	}
	text, htm, att := parts[0], parts[1], parts[2]
	alt := []string{"multipart/mixed", "multipart/alternative"}
	if text.mediaType != "text/plain" || strings.Join(text.parents, " ") != strings.Join(alt, " ") || lf(text.body) != m.Text {
		t.Errorf("first part %s in %v:\n%s\nwant the text:\n%s", text.mediaType, text.parents, text.body, m.Text)
	}
	if htm.mediaType != "text/html" || strings.Join(htm.parents, " ") != strings.Join(alt, " ") || lf(htm.body) != m.HTML {
		t.Errorf("second part %s in %v:\n%s\nwant the HTML", htm.mediaType, htm.parents, htm.body)
	}
	if !strings.Contains(lf(text.body), "RMA-2026-0042") || !strings.Contains(lf(text.body), "tot en met woensdag 1 april 2026") {
		t.Errorf("text lacks the number or its last day:\n%s", text.body)
	}
	if att.mediaType != "application/pdf" || att.disposition != "attachment" || att.filename != "RMA-2026-0042-label.pdf" {
		t.Errorf("attachment %s, %s, %q", att.mediaType, att.disposition, att.filename)
	}
	if !bytes.Equal(att.body, label) {
		t.Errorf("attachment bytes differ: got %d bytes, want %d", len(att.body), len(label))
	}
}

// TestSMTPSenderTextOnly: a message without HTML or attachments is one
// plain-text part, and without an ID go-mail makes up a Message-ID.
func TestSMTPSenderTextOnly(t *testing.T) {
	ts := startServer(t, serverOptions{})
	m := Message{To: "desk@dexxon.example", Subject: "Overdue: evaluation for RMA-1", Text: "Still open.\n"}
	if err := newSender(t, ts.config(TLSNone)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	msg, parts := parseMessage(t, ts.deliveries()[0].Data)
	if len(parts) != 1 || parts[0].mediaType != "text/plain" || lf(parts[0].body) != m.Text {
		t.Errorf("parts %+v", parts)
	}
	if id := msg.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || strings.Contains(id, "@rmadesk>") {
		t.Errorf("Message-ID %q: want a generated one", id)
	}
}

func TestSMTPSenderTLSModes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		server  serverOptions
		mode    TLSMode
		wantTLS bool
	}{
		{"starttls", serverOptions{startTLS: true}, TLSStartTLS, true},
		{"opportunistic with STARTTLS", serverOptions{startTLS: true}, TLSOpportunistic, true},
		{"opportunistic without STARTTLS", serverOptions{}, TLSOpportunistic, false},
		{"implicit tls", serverOptions{implicitTLS: true}, TLSImplicit, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, tc.server)
			m, _ := testMessage(t)
			if err := newSender(t, ts.config(tc.mode)).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			got := ts.deliveries()
			if len(got) != 1 || got[0].TLS != tc.wantTLS {
				t.Fatalf("deliveries %d, TLS %v: want 1 with TLS %v", len(got), len(got) > 0 && got[0].TLS, tc.wantTLS)
			}
		})
	}
}

func TestSMTPSenderAuth(t *testing.T) {
	for _, tc := range []struct {
		name   string
		server serverOptions
		mode   TLSMode
	}{
		{"PLAIN after STARTTLS", serverOptions{startTLS: true, mechs: []string{sasl.Plain, sasl.Login}}, TLSStartTLS},
		{"LOGIN when it is all there is", serverOptions{startTLS: true, mechs: []string{sasl.Login}}, TLSStartTLS},
		{"PLAIN over implicit TLS", serverOptions{implicitTLS: true}, TLSImplicit},
		{"PLAIN in clear to localhost", serverOptions{insecureAuth: true}, TLSNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.server.user, tc.server.pass = "desk@dexxon.example", "s3cret Zoë"
			ts := startServer(t, tc.server)
			cfg := ts.config(tc.mode)
			cfg.Username, cfg.Password = tc.server.user, tc.server.pass
			m, _ := testMessage(t)
			if err := newSender(t, cfg).Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if got := ts.deliveries(); len(got) != 1 || got[0].User != "desk@dexxon.example" {
				t.Fatalf("deliveries %+v: want one by the desk's login", got)
			}
		})
	}
}

// TestSMTPSenderFailsBeforeSending: failures while connecting are errors
// that a retry (after an admin's fix) can cure, and deliver nothing.
func TestSMTPSenderFailsBeforeSending(t *testing.T) {
	refused := func() (string, int) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		return "127.0.0.1", port
	}
	for _, tc := range []struct {
		name     string
		server   serverOptions
		config   func(*SMTPConfig)
		wantCode int
		wantErr  func(error) bool
	}{
		{
			name:   "wrong password",
			server: serverOptions{startTLS: true, user: "desk", pass: "right"},
			config: func(c *SMTPConfig) { c.Username, c.Password = "desk", "wrong" },
			// 535 5.7.8 Authentication failed
			wantCode: 535,
		},
		{
			name:     "no login where one is needed",
			server:   serverOptions{startTLS: true, user: "desk", pass: "right"},
			config:   func(*SMTPConfig) {},
			wantCode: 502, // go-smtp's 5.7.0 "Please authenticate first", to MAIL FROM
		},
		{
			name:   "certificate not trusted",
			server: serverOptions{startTLS: true},
			config: func(c *SMTPConfig) { c.RootCAs = x509.NewCertPool() },
			wantErr: func(err error) bool {
				var v *tls.CertificateVerificationError
				return errors.As(err, &v)
			},
		},
		{
			name:    "STARTTLS required but not offered",
			server:  serverOptions{},
			config:  func(*SMTPConfig) {},
			wantErr: func(err error) bool { return strings.Contains(err.Error(), "STARTTLS") },
		},
		{
			name:   "connection refused",
			config: func(c *SMTPConfig) { c.Host, c.Port = refused() },
			wantErr: func(err error) bool {
				var op *net.OpError
				return errors.As(err, &op)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, tc.server)
			cfg := ts.config(TLSStartTLS)
			tc.config(&cfg)
			m, _ := testMessage(t)
			err := newSender(t, cfg).Send(context.Background(), m)
			if err == nil {
				t.Fatal("sent")
			}
			if IsPermanent(err) {
				t.Errorf("%v: permanent, want retryable", err)
			}
			var d *DeliveryError
			if !errors.As(err, &d) || d.Code != tc.wantCode {
				t.Errorf("%v: code %v, want %d", err, d, tc.wantCode)
			}
			if tc.wantErr != nil && !tc.wantErr(err) {
				t.Errorf("unexpected error: %v", err)
			}
			if got := ts.deliveries(); len(got) != 0 {
				t.Errorf("delivered %d", len(got))
			}
		})
	}
}

// TestSMTPSenderReplyCodes: a 5xx reply to the message is final, a 4xx
// is worth retrying.
func TestSMTPSenderReplyCodes(t *testing.T) {
	ts := startServer(t, serverOptions{})
	sender := newSender(t, ts.config(TLSNone))
	for _, tc := range []struct {
		to        string
		code      int
		permanent bool
	}{
		{"gone@example.com", 550, true},
		{"busy@example.com", 451, false},
		{"full@example.com", 452, false},
		{spamRecipient, 554, true},
	} {
		t.Run(tc.to, func(t *testing.T) {
			m, _ := testMessage(t)
			m.To = tc.to
			err := sender.Send(context.Background(), m)
			var d *DeliveryError
			if !errors.As(err, &d) {
				t.Fatalf("error %v: want a *DeliveryError", err)
			}
			if d.Code != tc.code || d.Step != "send" || IsPermanent(err) != tc.permanent {
				t.Errorf("%v: code %d step %s permanent %v; want %d send %v", err, d.Code, d.Step, IsPermanent(err), tc.code, tc.permanent)
			}
		})
	}
	if got := ts.deliveries(); len(got) != 0 {
		t.Errorf("delivered %d", len(got))
	}
}

// TestSMTPSenderBadRecipient: a message that cannot be addressed fails
// for good, without a connection.
func TestSMTPSenderBadRecipient(t *testing.T) {
	sender := newSender(t, SMTPConfig{Host: "127.0.0.1", Port: 1, From: "rma@dexxon.example", TLS: TLSNone})
	err := sender.Send(context.Background(), Message{To: "not an address", Subject: "x", Text: "x"})
	var d *DeliveryError
	if !errors.As(err, &d) || d.Step != "message" || !IsPermanent(err) {
		t.Fatalf("error %v: want a permanent message error", err)
	}
}

// stalledServer accepts connections and never says a word.
func stalledServer(t *testing.T) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	addr := l.Addr().(*net.TCPAddr)
	return addr.IP.String(), addr.Port
}

func TestSMTPSenderGivesUp(t *testing.T) {
	host, port := stalledServer(t)
	m := Message{ID: "x", To: "anna@partner.example", Subject: "s", Text: "t"}

	t.Run("context", func(t *testing.T) {
		// The job runner's deadline ends the delivery, however long the
		// per-command timeout.
		sender := newSender(t, SMTPConfig{Host: host, Port: port, From: "rma@dexxon.example", TLS: TLSNone, Timeout: time.Minute})
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := sender.Send(ctx, m)
		if !errors.Is(err, context.DeadlineExceeded) || IsPermanent(err) {
			t.Errorf("error %v: want a retryable deadline", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		sender := newSender(t, SMTPConfig{Host: host, Port: port, From: "rma@dexxon.example", TLS: TLSNone, Timeout: 200 * time.Millisecond})
		start := time.Now()
		err := sender.Send(context.Background(), m)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || IsPermanent(err) {
			t.Errorf("error %v: want a retryable timeout", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

func TestNewSMTPSender(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      SMTPConfig
		wantErr  string
		wantPort int
		wantTLS  TLSMode
		wantName string
	}{
		{name: "defaults", cfg: SMTPConfig{Host: "smtp.example.com", From: "rma@dexxon.example"}, wantPort: 587, wantTLS: TLSStartTLS},
		{name: "implicit", cfg: SMTPConfig{Host: "smtp.example.com", From: "rma@dexxon.example", TLS: TLSImplicit}, wantPort: 465, wantTLS: TLSImplicit},
		{name: "none", cfg: SMTPConfig{Host: "localhost", From: "rma@dexxon.example", TLS: TLSNone}, wantPort: 25, wantTLS: TLSNone},
		{name: "name in from", cfg: SMTPConfig{Host: "h", From: "Dexxon Returns <rma@dexxon.example>"}, wantPort: 587, wantTLS: TLSStartTLS, wantName: "Dexxon Returns"},
		{name: "from name wins", cfg: SMTPConfig{Host: "h", From: "X <rma@dexxon.example>", FromName: "Dexxon"}, wantPort: 587, wantTLS: TLSStartTLS, wantName: "Dexxon"},
		{name: "no host", cfg: SMTPConfig{From: "rma@dexxon.example"}, wantErr: "no host"},
		{name: "bad from", cfg: SMTPConfig{Host: "h", From: "rma at dexxon"}, wantErr: "from address"},
		{name: "unknown tls", cfg: SMTPConfig{Host: "h", From: "rma@dexxon.example", TLS: "ssl"}, wantErr: "TLS mode"},
		{name: "password in clear", cfg: SMTPConfig{Host: "smtp.example.com", From: "rma@dexxon.example", TLS: TLSNone, Username: "u"}, wantErr: "in clear"},
		{name: "bad port", cfg: SMTPConfig{Host: "h", From: "rma@dexxon.example", Port: 70000}, wantErr: "port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSMTPSender(tc.cfg)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.cfg.Port != tc.wantPort || s.cfg.TLS != tc.wantTLS || s.cfg.Timeout <= 0 || s.from.Name != tc.wantName {
				t.Errorf("port %d TLS %s timeout %v name %q", s.cfg.Port, s.cfg.TLS, s.cfg.Timeout, s.from.Name)
			}
		})
	}
}

func TestMessageIDLocalPart(t *testing.T) {
	for in, want := range map[string]string{
		"rmadesk-job-42":  "rmadesk-job-42",
		"":                "",
		"a b<c>@d":        "a-b-c--d",
		".x..y.":          "x.y",
		"job\r\nBcc: x@y": "job--Bcc--x-y",
	} {
		if got := messageIDLocalPart(in); got != want {
			t.Errorf("messageIDLocalPart(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIsPermanent: only a DeliveryError can be permanent, and only when
// the server refused the message itself.
func TestIsPermanent(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"550 to the message", deliveryError(ctx, "send", &textproto.Error{Code: 550, Msg: "no such user"}), true},
		{"451 to the message", deliveryError(ctx, "send", &textproto.Error{Code: 451, Msg: "later"}), false},
		{"530 authenticate first", deliveryError(ctx, "send", &textproto.Error{Code: 530, Msg: "5.7.0 Authentication required"}), false},
		{"535 to the login", deliveryError(ctx, "connect", &textproto.Error{Code: 535, Msg: "bad credentials"}), false},
		{"wrapped", errors.Join(errors.New("job 7"), deliveryError(ctx, "send", &textproto.Error{Code: 552, Msg: "too big"})), true},
	} {
		if got := IsPermanent(tc.err); got != tc.want {
			t.Errorf("%s: IsPermanent(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
