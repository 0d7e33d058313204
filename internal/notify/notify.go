// Package notify owns what the desk tells people: the notification of an
// event on an RMA, rendered for its recipient, and the Sender that delivers
// it. Email over SMTP comes with the portal; until then a Sender logs.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Message is one notification to one recipient.
type Message struct {
	ID      string // stable per job, so a retried delivery can be recognised as the same message
	To      string
	Subject string
	Text    string
}

// Sender delivers messages. Send may be retried by the job queue, so a
// sender that can, passes ID on (as an email's Message-ID) to let the
// receiving side drop duplicates.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender writes messages to a log instead of sending them.
type LogSender struct{ Log *slog.Logger }

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Message) error {
	s.Log.InfoContext(ctx, "notification", "id", m.ID, "to", m.To, "subject", m.Subject)
	return nil
}

// Outbox keeps messages in memory: for tests, and for a desk that reads
// them from the API instead of mail.
type Outbox struct {
	mu   sync.Mutex
	sent []Message
}

// Send records m.
func (o *Outbox) Send(_ context.Context, m Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sent = append(o.sent, m)
	return nil
}

// Sent returns a copy of what was sent.
func (o *Outbox) Sent() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Message(nil), o.sent...)
}

// Event names what happened on an RMA.
type Event string

const (
	Submitted     Event = "submitted"
	NeedsInfo     Event = "needs_info"
	Authorized    Event = "authorized"
	Rejected      Event = "rejected"
	ExpiresSoon   Event = "expires_soon"
	NumberExpired Event = "number_expired"
	Resolved      Event = "resolved"
	DeadlineDue   Event = "deadline_due"
	Overdue       Event = "overdue"
)

// Facts are what a message about an RMA may say.
type Facts struct {
	RMAID     int64
	Number    string
	Reference string
	Policy    string
	State     string
	Expires   string
	Reason    string
	Outcome   string
	Deadline  string
	Due       string
}

// Compose renders the message for an event. The texts are short and
// factual: the portal (issue 5) holds the detail and the translations.
func Compose(ev Event, f Facts) (subject, text string) {
	name := f.Number
	if name == "" {
		name = fmt.Sprintf("RMA %d", f.RMAID)
	}
	if f.Reference != "" {
		name += " (" + f.Reference + ")"
	}
	var b strings.Builder
	switch ev {
	case Submitted:
		subject = "Received: " + name
		fmt.Fprintf(&b, "We received your return request %s under the %s policy. We will tell you what happens next.", name, f.Policy)
	case NeedsInfo:
		subject = "More information needed: " + name
		fmt.Fprintf(&b, "Your return request %s needs more before the desk can decide: %s", name, f.Reason)
	case Authorized:
		subject = "Authorized: " + name
		fmt.Fprintf(&b, "Your return is authorized. Write the RMA number %s on the outside of the parcel and send it before %s.", f.Number, f.Expires)
	case Rejected:
		subject = "Not accepted: " + name
		fmt.Fprintf(&b, "Your return request %s was not accepted: %s", name, f.Reason)
	case ExpiresSoon:
		subject = "RMA number expires soon: " + name
		fmt.Fprintf(&b, "The RMA number %s is valid until %s. Send the parcel before then, or ask the desk to reissue it.", f.Number, f.Expires)
	case NumberExpired:
		subject = "RMA number expired: " + name
		fmt.Fprintf(&b, "The RMA number %s expired on %s before the goods arrived. Ask the desk for a new number before sending them.", f.Number, f.Expires)
	case Resolved:
		subject = "Resolved: " + name
		fmt.Fprintf(&b, "Your return %s is resolved: %s.", name, strings.ReplaceAll(f.Outcome, "_", " "))
	case DeadlineDue:
		subject = "Due today: " + f.Deadline + " for " + name
		fmt.Fprintf(&b, "The %s deadline of %s is due today (%s).", f.Deadline, name, f.Due)
	case Overdue:
		subject = "Overdue: " + f.Deadline + " for " + name
		fmt.Fprintf(&b, "The %s deadline of %s was due on %s and is still open.", f.Deadline, name, f.Due)
	default:
		subject = string(ev) + ": " + name
		b.WriteString("The state of " + name + " is now " + f.State + ".")
	}
	return subject, b.String()
}
