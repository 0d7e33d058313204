package webhook

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// eventTypes names the desk's history actions (rma.Action, and the
// records' "submit", "add_document"...) as webhook event types: what
// happened, in the past tense, as integrators expect from Stripe's
// "charge.refunded". docs/API.md lists them.
var eventTypes = map[string]string{
	"submit":                "rma.created",
	"request_info":          "rma.info_requested",
	"provide_info":          "rma.info_provided",
	"authorize":             "rma.authorized",
	"reject":                "rma.rejected",
	"refer":                 "rma.referred",
	"credit_without_return": "rma.credited_without_return",
	"resolve_remotely":      "rma.resolved_remotely",
	"expire":                "rma.expired",
	"reissue":               "rma.reissued",
	"ship":                  "rma.shipped",
	"receive":               "rma.received",
	"start_evaluation":      "rma.evaluation_started",
	"evaluate":              "rma.evaluated",
	"resolve":               "rma.resolved",
	"cancel":                "rma.cancelled",
	"close":                 "rma.closed",
	"set_preference":        "rma.preference_set",
	"add_document":          "rma.document_added",
	"add_message":           "rma.message_added",
	"add_charge":            "rma.charge_added",
	// The desk's own business: never sent to a requester's endpoint.
	"add_note":            "rma.note_added",
	"assign":              "rma.assigned",
	"flag_part_mismatch":  "rma.part_mismatch_flagged",
	"forward_to_supplier": "rma.forwarded_to_supplier",
	"ship_to_supplier":    "rma.shipped_to_supplier",
	"supplier_verdict":    "rma.supplier_verdict",
	"back_from_supplier":  "rma.back_from_supplier",
}

// requesterTypes are the types a requester's endpoint may hear: what the
// requester sees of its own RMAs in the portal. Any other type, and any
// action the desk adds later without naming it here, stays the desk's.
var requesterTypes = []string{
	"rma.created", "rma.info_requested", "rma.info_provided", "rma.authorized", "rma.rejected", "rma.referred",
	"rma.credited_without_return", "rma.resolved_remotely", "rma.expired", "rma.reissued", "rma.shipped",
	"rma.received", "rma.evaluation_started", "rma.evaluated", "rma.resolved", "rma.cancelled", "rma.closed",
	"rma.preference_set", "rma.document_added", "rma.message_added", "rma.charge_added",
}

// TypeOf is the event type of a history action; an action the table does
// not name is "rma." and the action.
func TypeOf(action string) string {
	if t, ok := eventTypes[action]; ok {
		return t
	}
	return "rma." + action
}

// Types lists every event type the desk names, sorted.
func Types() []string {
	out := make([]string, 0, len(eventTypes))
	for _, t := range eventTypes {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// KnownType reports whether t is a type an endpoint may subscribe to.
func KnownType(t string) bool {
	for _, k := range eventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// ForRequesters reports whether a requester's endpoint may hear type t.
func ForRequesters(t string) bool { return slices.Contains(requesterTypes, t) }

// Event is one entry of an RMA's history as the outbox gives it, with what
// the RMA is now.
type Event struct {
	ID      int64 // events.id: the message's identity
	RMAID   int64
	Seq     int
	At      time.Time
	Actor   string
	Action  string
	From    string
	To      string
	Details json.RawMessage // the event's JSON object, or nil

	OrgID     int64 // the requester organisation whose RMA it is
	Number    string
	Reference string
}

// MessageID is the webhook-id of the event's messages: the same for every
// endpoint and every attempt, so a receiver deduplicates on it.
func (ev *Event) MessageID() string { return "msg_rma_event_" + itoa(ev.ID) }

// Endpoint is where an organisation wants its events.
type Endpoint struct {
	ID          int64
	OrgID       int64
	Desk        bool // the organisation is the desk: it hears every RMA's events
	URL         string
	Description string
	EventTypes  []string // empty: every type the organisation may hear
	Secret      string   // whsec_...
	// PreviousSecret signs too until PreviousUntil, after a rotation, so the
	// receiver can change its secret in its own time.
	PreviousSecret string
	PreviousUntil  time.Time
	Disabled       bool
	DisabledReason string
	FailingSince   time.Time // the first failure since the last success; zero when well
	Created        time.Time
	Updated        time.Time
}

// Wants reports whether the endpoint gets the event: a requester's
// endpoint only its own organisation's RMAs' events of the types a
// requester may hear, and every endpoint only the types it chose.
func (ep *Endpoint) Wants(ev *Event) bool {
	t := TypeOf(ev.Action)
	if !ep.Desk && (ev.OrgID != ep.OrgID || !ForRequesters(t)) {
		return false
	}
	return len(ep.EventTypes) == 0 || slices.Contains(ep.EventTypes, t)
}

// Payload is the body sent for an event: the specification's envelope of
// type, timestamp and data. A requester's endpoint is not told who acted
// nor the event's details, which may hold the desk's notes.
func Payload(ev *Event, desk bool) ([]byte, error) {
	data := map[string]any{
		"rma_id":    ev.RMAID,
		"number":    ev.Number,
		"reference": ev.Reference,
		"org_id":    ev.OrgID,
		"seq":       ev.Seq,
		"action":    ev.Action,
		"from":      ev.From,
		"to":        ev.To,
	}
	if desk {
		data["actor"] = ev.Actor
		if len(ev.Details) > 0 {
			data["details"] = ev.Details
		}
	}
	return json.Marshal(map[string]any{
		"type":      TypeOf(ev.Action),
		"timestamp": ev.At.UTC().Format(time.RFC3339Nano),
		"data":      data,
	})
}

// CheckTypes is the endpoint's list of types as given, or a message saying
// which is unknown.
func CheckTypes(types []string) (string, bool) {
	for i, t := range types {
		if !KnownType(t) {
			return "event_types[" + itoa(int64(i)) + "]: unknown event type " + quote(t) + " (one of " + strings.Join(Types(), ", ") + ")", false
		}
	}
	return "", true
}

// Check refuses an endpoint the dispatcher could not use, naming the
// field: an absolute http or https URL without credentials in it, known
// event types, and text of sane length.
func (ep *Endpoint) Check() error {
	u, err := url.Parse(ep.URL)
	switch {
	case ep.URL == "":
		return rma.Invalid("url", "required")
	case len(ep.URL) > 2000:
		return rma.Invalid("url", "longer than 2000 characters")
	case err != nil || !utf8.ValidString(ep.URL):
		return rma.Invalid("url", "not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return rma.Invalid("url", "must start with https:// (or http://)")
	case u.Host == "" || u.Hostname() == "":
		return rma.Invalid("url", "names no host")
	case u.User != nil:
		return rma.Invalid("url", "must not hold a user name or password: the signature proves the sender")
	case u.Fragment != "":
		return rma.Invalid("url", "must not have a #fragment")
	case len(ep.Description) > 500 || !utf8.ValidString(ep.Description) || strings.ContainsRune(ep.Description, 0):
		return rma.Invalid("description", "at most 500 characters of text")
	case len(ep.EventTypes) > len(eventTypes):
		return rma.Invalid("event_types", "more types than there are")
	}
	if msg, ok := CheckTypes(ep.EventTypes); !ok {
		field, text, _ := strings.Cut(msg, ": ")
		return rma.Invalid(field, "%s", text)
	}
	return nil
}
