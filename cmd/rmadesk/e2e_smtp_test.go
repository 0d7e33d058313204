package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// mailbox is an SMTP server on the loopback interface that keeps every
// message it is given, for the end-to-end test to read back.
type mailbox struct {
	host string
	port int

	mu   sync.Mutex
	mail []receivedMail
}

// receivedMail is one message as the mailbox received and decoded it.
type receivedMail struct {
	From, Subject string
	To            []string
	Text          string   // the text/plain part, decoded
	Attachments   []string // "name (type)"
}

// relay is the desk's environment that sends its mail to m, from from;
// publicURL, when given, is where the mails' links point.
func (m *mailbox) relay(from, publicURL string) []string {
	env := []string{"RMADESK_SMTP_HOST=" + m.host, "RMADESK_SMTP_PORT=" + strconv.Itoa(m.port), "RMADESK_SMTP_TLS=none", "RMADESK_SMTP_FROM=" + from}
	if publicURL != "" {
		env = append(env, "RMADESK_PUBLIC_URL="+publicURL)
	}
	return env
}

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	mb := &mailbox{}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &mailboxSession{mb: mb}, nil
	}))
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 10 << 20
	s.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().(*net.TCPAddr)
	mb.host, mb.port = addr.IP.String(), addr.Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return mb
}

func (mb *mailbox) messages() []receivedMail {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return append([]receivedMail(nil), mb.mail...)
}

// waitFor polls until a message to `to` whose subject starts with each of
// prefixes has arrived (the job runner sends within a second or two of the
// change), and returns those messages in the order of prefixes.
func (mb *mailbox) waitFor(t *testing.T, to string, timeout time.Duration, prefixes ...string) []receivedMail {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		found := make([]receivedMail, len(prefixes))
		missing := []string{}
		for i, p := range prefixes {
			ok := false
			for _, m := range mb.messages() {
				if strings.HasPrefix(m.Subject, p) && len(m.To) == 1 && strings.EqualFold(m.To[0], to) {
					found[i], ok = m, true
					break
				}
			}
			if !ok {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			return found
		}
		if time.Now().After(deadline) {
			var got []string
			for _, m := range mb.messages() {
				got = append(got, fmt.Sprintf("%q to %v", m.Subject, m.To))
			}
			t.Fatalf("after %s no mail to %s with subjects %q; the mailbox has %d: %s", timeout, to, missing, len(got), strings.Join(got, "; "))
		}
		time.Sleep(100 * time.Millisecond) // polling for the job runner is the one wait by the clock
	}
}

type mailboxSession struct {
	mb   *mailbox
	from string
	to   []string
}

func (s *mailboxSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *mailboxSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := receivedMail{From: s.from, To: append([]string(nil), s.to...)}
	if err := decodeMail(raw, &m); err != nil {
		m.Subject = "(undecodable: " + err.Error() + ")"
	}
	s.mb.mu.Lock()
	defer s.mb.mu.Unlock()
	s.mb.mail = append(s.mb.mail, m)
	return nil
}

func (s *mailboxSession) Reset()        { s.from, s.to = "", nil }
func (s *mailboxSession) Logout() error { return nil }

// decodeMail reads the subject, the plain text and the attachments' names
// of a MIME message.
func decodeMail(raw []byte, m *receivedMail) error {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	return walkPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, m)
}

func walkPart(contentType, encoding, disposition string, body io.Reader, m *receivedMail) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := walkPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p, m); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // it skips line breaks
	}
	content, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if d, dp, err := mime.ParseMediaType(disposition); err == nil && d == "attachment" {
		m.Attachments = append(m.Attachments, fmt.Sprintf("%s (%s, %d bytes)", dp["filename"], mediaType, len(content)))
		return nil
	}
	if mediaType == "text/plain" && m.Text == "" {
		m.Text = string(content)
	}
	return nil
}
