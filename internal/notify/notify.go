// Package notify owns what the desk tells people: the notification of an
// event on an RMA, rendered for its recipient, and the Sender that delivers
// it: LogSender and Outbox for development and tests, SMTPSender for
// email. The texts live in embedded templates (templates/), one plain-text
// and one HTML version per event and language; Render produces them.
package notify

import (
	"context"
	"log/slog"
	"sync"
)

// Message is one notification to one recipient.
type Message struct {
	ID          string // stable per job, so a retried delivery can be recognised as the same message
	To          string
	Subject     string
	Text        string
	HTML        string       // optional: sent as the alternative to Text when set
	Attachments []Attachment // optional: the return label PDF, for one
}

// Attachment is a file sent along with a message. The bytes are held in
// memory: what the desk attaches (a label, a packing slip) is small.
type Attachment struct {
	Name        string // the file name the recipient sees, e.g. "RMA-2026-0042-label.pdf"
	ContentType string // e.g. "application/pdf"; guessed from Name when empty
	Data        []byte
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
	// The supplier steps (rma.AtSupplier, rma.ActBackFromSupplier): the
	// unit went on to the desk's supplier; the supplier's verdict is in,
	// and the RMA's reason says what the desk does about it.
	AtSupplier       Event = "at_supplier"
	BackFromSupplier Event = "back_from_supplier"
	// MessagePosted: someone wrote on the RMA (Facts.MessageAuthor and
	// MessageBody); it goes to the other side, with a link back.
	MessagePosted Event = "message"

	// AdvanceNotReturned: the defective unit of an advance replacement
	// did not come back by its due day (Facts.Advance*): the replacement
	// was invoiced, or the deposit kept.
	AdvanceNotReturned Event = "advance_not_returned"

	// PasswordReset is not about an RMA: the portal sends it to a user
	// who asked to reset a password (Facts.ResetURL, Facts.ResetExpires).
	PasswordReset Event = "password_reset"
	// Invitation is not about an RMA either: an admin invited someone to
	// the portal (Facts.InviteURL, InviteExpires, InviteOrg, InvitedBy);
	// the link lets them choose a password once.
	Invitation Event = "invitation"
	// WebhookDisabled is not about an RMA: the desk stopped sending to one
	// of the organisation's webhook endpoints (Facts.Webhook*).
	WebhookDisabled Event = "webhook_disabled"
)

// AboutAnRMA reports whether ev's message is about an RMA (it names one
// and links to its page), which an account's messages are not.
func AboutAnRMA(ev Event) bool {
	return ev != PasswordReset && ev != Invitation && ev != WebhookDisabled
}

// Facts are what a message about an RMA may say. Dates are calendar
// dates as "YYYY-MM-DD" (calendar.Date's String); the templates write
// them out in the recipient's language. A fact left empty is left out.
type Facts struct {
	RMAID     int64
	Number    string
	Reference string
	Policy    string
	State     string
	Expires   string // the last day the RMA number is valid
	Reason    string
	Outcome   string
	Deadline  string
	Due       string

	Instructions  []string // what the requester must do (authorized): the policy's instructions for the route
	ReturnAddress []string // where the parcel goes (authorized): the service location's name and full address, lines
	LabelAttached bool     // the return label PDF is attached to the message
	// MoneyDocuments are the credit note and invoice attached (resolved):
	// what each is, its number and its total, in the recipient's words.
	MoneyDocuments []MoneyDocument
	PortalURL      string // a link to the RMA's page on the portal
	Desk           string // the desk's name, for the signature; "rmadesk" when empty
	Lang           string // the recipient's language ("en", "nl"), used when Render gets none

	MessageAuthor string // message: who wrote it
	MessageBody   string // message: what was written, quoted whole
	ToDesk        bool   // message: the desk is the recipient (the requester wrote)

	ResetURL     string // password_reset: the link that lets the user choose a new password
	ResetExpires string // password_reset: when the link stops working, as the recipient should read it

	InviteURL     string // invitation: the link that lets the invitee choose a password
	InviteExpires string // invitation: the last day the link works
	InviteOrg     string // invitation: the organisation the account belongs to
	InvitedBy     string // invitation: who invited them

	// webhook_disabled: the endpoint's URL, and why: the receiver answered
	// 410 Gone, or every delivery failed since WebhookFailingSince (a date).
	WebhookURL          string
	WebhookGone         bool
	WebhookFailingSince string

	// Advance replacement (advance_not_returned): the replacement's serial,
	// the day the defective unit was due, what was invoiced or kept
	// ("150.00 EUR"), and whether it was the deposit that was kept.
	AdvanceSerial      string
	AdvanceDue         string
	AdvanceAmount      string
	AdvanceDepositKept bool
}

// Compose renders the English plain-text message for an event: the same
// templates as Render, for callers that send text only.
func Compose(ev Event, f Facts) (subject, text string) {
	subject, text, _ = Render(ev, f, "en")
	return subject, text
}

// MoneyDocument is a credit note or invoice attached to a message.
type MoneyDocument struct {
	Invoice bool   // false: a credit note
	Number  string // CN-2026-00001
	Total   string // "121.00 EUR", written for the recipient's language
}
