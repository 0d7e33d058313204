package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"net/textproto"
	"path"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// TLSMode says how an SMTPSender protects its connection to the server.
type TLSMode string

const (
	// TLSStartTLS connects in plain text and upgrades with STARTTLS; a
	// server that does not offer it is refused. The default: the password
	// and the mail never cross the network in clear.
	TLSStartTLS TLSMode = "starttls"
	// TLSOpportunistic upgrades with STARTTLS when the server offers it
	// and sends in plain text when it does not. go-mail still refuses to
	// send a password in clear to anything but localhost.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (submissions, port 465).
	TLSImplicit TLSMode = "tls"
	// TLSNone never encrypts: for tests and for a relay on localhost.
	TLSNone TLSMode = "none"
)

// SMTPConfig is how to reach the mail server and whom mail comes from.
type SMTPConfig struct {
	Host     string
	Port     int    // default by TLS mode: 465 for "tls", 25 for "none", 587 otherwise
	Username string // when set, log in with AUTH PLAIN (or LOGIN when that is all the server offers)
	Password string
	From     string  // the sender's address; "Name <address>" also works
	FromName string  // the display name, e.g. "Dexxon Returns"; wins over a name in From
	TLS      TLSMode // default "starttls"
	// RootCAs are the certificate authorities trusted for the server's
	// certificate; nil means the system's. Tests, and a relay with a
	// private CA, set it; there is deliberately no way to skip the check.
	RootCAs *x509.CertPool
	// Timeout bounds connecting and then each SMTP command; default 30
	// seconds. The context given to Send bounds the whole delivery.
	Timeout time.Duration
}

// SMTPSender sends messages as email over SMTP, one connection per
// message: the desk sends a few messages an hour, and a fresh connection
// has no idle state to go stale between jobs.
type SMTPSender struct {
	cfg  SMTPConfig
	from netmail.Address
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender checks cfg and fills in its defaults, so that a mistake in
// the configuration shows at start-up rather than at the first send.
func NewSMTPSender(cfg SMTPConfig) (*SMTPSender, error) {
	if cfg.Host == "" {
		return nil, errors.New("smtp: no host")
	}
	from, err := netmail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp: from address %q: %w", cfg.From, err)
	}
	if cfg.FromName != "" {
		from.Name = cfg.FromName
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	switch cfg.TLS {
	case TLSStartTLS, TLSOpportunistic:
		if cfg.Port == 0 {
			cfg.Port = 587
		}
	case TLSImplicit:
		if cfg.Port == 0 {
			cfg.Port = 465
		}
	case TLSNone:
		if cfg.Port == 0 {
			cfg.Port = 25
		}
		if cfg.Username != "" && !isLoopback(cfg.Host) {
			return nil, fmt.Errorf("smtp: TLS %q with a username would send the password in clear to %s", cfg.TLS, cfg.Host)
		}
	default:
		return nil, fmt.Errorf("smtp: TLS mode %q: want starttls, opportunistic, tls or none", cfg.TLS)
	}
	if cfg.Port < 1 || cfg.Port > 65535 {
		return nil, fmt.Errorf("smtp: port %d", cfg.Port)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &SMTPSender{cfg: cfg, from: *from}, nil
}

// RelayInfo is where and how an SMTPSender delivers, without the
// password: the admin's settings overview shows it.
type RelayInfo struct {
	Host  string
	Port  int
	TLS   TLSMode
	Login bool   // it logs in (a username is set)
	From  string // the sender's address as mail shows it
}

// Relay says where and how s delivers.
func (s *SMTPSender) Relay() RelayInfo {
	return RelayInfo{Host: s.cfg.Host, Port: s.cfg.Port, TLS: s.cfg.TLS, Login: s.cfg.Username != "", From: s.from.String()}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// DeliveryError is a failed delivery, with what the job runner needs to
// decide whether to try again.
type DeliveryError struct {
	// Step is where it failed: "message" (the message itself, e.g. a bad
	// recipient address), "connect" (connecting, TLS, EHLO, AUTH) or
	// "send" (MAIL FROM, RCPT TO, DATA).
	Step string
	// Code is the server's reply code, 0 when the server said nothing
	// (refused connection, timeout, TLS failure).
	Code int
	// Permanent means sending the same message again cannot succeed.
	Permanent bool
	Err       error
}

func (e *DeliveryError) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return fmt.Sprintf("smtp %s (%s): %v", e.Step, kind, e.Err)
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// IsPermanent tells whether a Send failed for good, so that the job
// runner stops retrying: the server refused this message with a 5xx reply
// to MAIL FROM, RCPT TO or DATA (no such mailbox, message rejected), or
// the message could not be written at all. Everything else is worth
// another try: a refused or dropped connection, a timeout, a 4xx reply
// (greylisting, mailbox busy), and failures before any message is sent —
// a rejected login, an untrusted certificate, no STARTTLS — because those
// are the desk's configuration or the server's state, which an admin
// fixes, and declaring them permanent would throw away every message
// queued meanwhile.
func IsPermanent(err error) bool {
	var d *DeliveryError
	return errors.As(err, &d) && d.Permanent
}

// Send delivers m. Its ID becomes the Message-ID, <ID@rmadesk>, so that
// when a job is retried after a delivery whose confirmation got lost, the
// receiving side can recognise the second copy. A failure is a
// *DeliveryError; see IsPermanent.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	msg, err := s.message(m)
	if err != nil {
		return &DeliveryError{Step: "message", Permanent: true, Err: err}
	}

	// The connection is dialled here rather than by go-mail so that
	// cancelling ctx closes it (go-mail only watches ctx while dialling,
	// then its own per-command timeout), and so that it is closed on every
	// failure path, some of which go-mail leaves open.
	var conn net.Conn
	stop := func() bool { return false }
	defer func() {
		stop()
		if conn != nil {
			_ = conn.Close()
		}
	}()
	dial := func(dctx context.Context, network, _ string) (net.Conn, error) {
		addr := net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)) // go-mail's own address breaks IPv6 literals
		var c net.Conn
		var err error
		if s.cfg.TLS == TLSImplicit {
			d := tls.Dialer{NetDialer: &net.Dialer{}, Config: s.tlsConfig()}
			c, err = d.DialContext(dctx, network, addr)
		} else {
			c, err = (&net.Dialer{}).DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		conn = c
		stop = context.AfterFunc(ctx, func() { _ = c.Close() })
		return c, nil
	}

	client, err := mail.NewClient(s.cfg.Host, s.clientOptions(dial)...)
	if err != nil {
		return &DeliveryError{Step: "connect", Err: err}
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return deliveryError(ctx, "connect", err)
	}
	err = client.SendWithSMTPClient(sc, msg)
	// Once the server has accepted the DATA, the message is delivered: a
	// failure after that (saying QUIT) must not make the job send it again.
	if msg.IsDelivered() {
		_ = client.CloseWithSMTPClient(sc)
		return nil
	}
	if err == nil {
		err = errors.New("message not delivered") // go-mail reports every failure; this is a guard
	}
	return deliveryError(ctx, "send", err)
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

func (s *SMTPSender) clientOptions(dial mail.DialContextFunc) []mail.Option {
	opts := []mail.Option{
		mail.WithPort(s.cfg.Port),
		mail.WithTimeout(s.cfg.Timeout),
		mail.WithDialContextFunc(dial),
		mail.WithTLSConfig(s.tlsConfig()),
		// A fresh connection per message: resetting it after delivery is a
		// round trip that can only fail.
		mail.WithoutRset(),
	}
	switch s.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	case TLSImplicit:
		// The dialler has done the TLS; WithSSL tells go-mail not to try
		// STARTTLS on top of it.
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.NoTLS))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.cfg.Username != "" {
		// PLAIN and LOGIN are what mail providers and relays offer; should a
		// server offer neither, go-mail picks the strongest it does offer.
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mail.SMTPAuthPlain, mail.SMTPAuthLogin),
			mail.WithUsername(s.cfg.Username), mail.WithPassword(s.cfg.Password))
	}
	return opts
}

// message builds the MIME message: multipart/alternative with the plain
// text and, when there is one, the HTML version; with attachments, that
// inside a multipart/mixed.
func (s *SMTPSender) message(m Message) (*mail.Msg, error) {
	msg := mail.NewMsg() // UTF-8, quoted-printable
	msg.FromMailAddress(&s.from)
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	if id := messageIDLocalPart(m.ID); id != "" {
		msg.SetMessageIDWithValue(id + "@rmadesk")
	} // else go-mail makes a random one
	// RFC 3834: an out-of-office or other auto-responder must not answer,
	// so that two automatic systems cannot mail each other in a loop.
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetUserAgent("rmadesk")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = mime.TypeByExtension(path.Ext(a.Name))
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(ct)))
	}
	return msg, nil
}

// messageIDLocalPart makes an ID usable before the @ of a Message-ID
// (RFC 5322 dot-atom text): the desk's IDs ("rmadesk-job-42") pass as
// they are; any other character becomes "-", so that a caller's odd ID
// cannot break the header.
func messageIDLocalPart(id string) string {
	b := []byte(id)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0
		if !ok {
			b[i] = '-'
		}
	}
	// Dot-atom text neither starts nor ends with a dot, nor has two in a row.
	s := strings.Trim(string(b), ".")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	return s
}

// deliveryError classifies a failure from go-mail.
func deliveryError(ctx context.Context, step string, err error) *DeliveryError {
	if ctxErr := ctx.Err(); ctxErr != nil {
		// Cancelled or out of time: the connection was closed under the
		// exchange, and what that made it say is a consequence, not a cause.
		return &DeliveryError{Step: step, Err: fmt.Errorf("%w (%w)", ctxErr, err)}
	}
	d := &DeliveryError{Step: step, Err: err}
	var enhanced string
	var reason mail.SendErrReason = -1
	var se *mail.SendError
	var te *textproto.Error
	switch {
	case errors.As(err, &se):
		d.Code, enhanced, reason = se.ErrorCode(), se.EnhancedStatusCode(), se.Reason
	case errors.As(err, &te):
		d.Code = te.Code
	}
	// "Authenticate first" (530, or 5.7.0 to MAIL FROM) is about the
	// desk's configuration, not about this message.
	authRequired := d.Code == 530 || reason == mail.ErrSMTPMailFrom && enhanced == "5.7.0"
	d.Permanent = step == "send" && d.Code >= 500 && d.Code <= 599 && !authRequired
	return d
}
