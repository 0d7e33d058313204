package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestMessagesAndInternalNotes: a requester's message and the desk's reply
// each queue an email to the other side; the desk's internal note queues
// none, and a requester never reads it, in the messages or the history,
// nor may write one. On both databases.
func TestMessagesAndInternalNotes(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			h := newHarnessOn(t, backend)
			rmaID := id(h.submit(h.keys["pixfra"], pixfraTwoUnits()))
			path := fmt.Sprintf("/api/v1/rmas/%d/messages", rmaID)
			h.must(http.StatusCreated, "POST", path, h.keys["pixfra"], map[string]any{"body": "Is there news?"})
			note := h.must(http.StatusCreated, "POST", path, h.keys["agent"], map[string]any{"body": "Station says Friday; do not promise.", "internal": true})
			if note["internal"] != true || note["from_desk"] != true {
				t.Fatalf("the note: %v", note)
			}
			h.must(http.StatusCreated, "POST", path, h.keys["agent"], map[string]any{"body": "We expect news on Friday."})
			r := h.do("POST", path, h.keys["pixfra"], map[string]any{"body": "psst", "internal": true})
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"field":"internal"`) {
				t.Fatalf("a requester's internal note: %d %s", r.status, r.body)
			}

			desk := h.must(http.StatusOK, "GET", path, h.keys["agent"], nil)["messages"].([]any)
			mine := h.must(http.StatusOK, "GET", path, h.keys["pixfra"], nil)["messages"].([]any)
			if len(desk) != 3 || len(mine) != 2 {
				t.Fatalf("the desk reads %d messages, the requester %d; want 3 and 2", len(desk), len(mine))
			}
			for _, m := range mine {
				if strings.Contains(str(m, "body"), "Friday; do not promise") {
					t.Fatal("the requester reads the internal note")
				}
			}
			history := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["pixfra"], nil)
			if strings.Contains(fmt.Sprint(history), "add_note") {
				t.Fatalf("the requester's history shows the note: %v", history)
			}
			if !strings.Contains(fmt.Sprint(h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil)), "add_note") {
				t.Fatal("the desk's history lacks the note")
			}

			// One email per message, to the other side; none for the note.
			jobs, err := h.db.Jobs(t.Context(), rma.JobQueued, 100)
			if err != nil {
				t.Fatal(err)
			}
			var mails []string
			for _, j := range jobs {
				if j.Payload["event"] == rma.NoteMessage {
					mails = append(mails, fmt.Sprintf("%v: %v", j.Payload["to"], j.Payload["body"]))
				}
			}
			if strings.Join(mails, " | ") != "desk: Is there news? | requester: We expect news on Friday." {
				t.Fatalf("message emails queued: %q", mails)
			}
		})
	}
}
