package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// A test mail through the desk's relay (the portal's Settings page): an
// admin checks that the desk's emails leave, and reads what the relay
// answered. Sent or not, it is in the audit log.

func (s *Server) testMailRoutes() []Route {
	return []Route{{Method: "POST", Path: v1 + "/settings/test-mail", Op: rma.OpAdminister, handler: s.testMail}}
}

// TestMailBody is POST /api/v1/settings/test-mail.
type TestMailBody struct {
	To string `json:"to"`
}

// TestMailView is what the relay said.
type TestMailView struct {
	To    string `json:"to"`
	Sent  bool   `json:"sent"`
	Error string `json:"error,omitempty"` // the relay's refusal, or why it could not be reached
}

func (s *Server) testMail(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var body TestMailBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	to := strings.TrimSpace(body.To)
	if to == "" {
		return rma.Invalid("to", "required")
	}
	to, err := rma.CleanEmail("to", to)
	if err != nil {
		return err
	}
	if _, logged := s.mail.(notify.LogSender); s.mail == nil || logged {
		return rma.Errorf(rma.ECONFLICT, "the desk has no mail relay: it is set with RMADESK_SMTP_HOST (docs/DEPLOY.md)")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	msg := notify.Message{ID: fmt.Sprintf("test-%d", time.Now().UnixNano()), To: to, Subject: "rmadesk test mail",
		Text: fmt.Sprintf("This is a test mail from rmadesk, sent by %s to check the mail relay.\n\nIf you read this, the desk's emails arrive.\n\n%s\n", actor.Name, s.publicURL)}
	sendErr := s.mail.Send(ctx, msg)
	view, outcome := TestMailView{To: to, Sent: sendErr == nil}, "sent"
	if sendErr != nil {
		view.Error, outcome = sendErr.Error(), "failed: "+sendErr.Error()
		s.log.WarnContext(r.Context(), "test mail", "to", to, "err", sendErr)
	}
	// Recorded whatever the relay said: a test mail is an admin's action.
	if err := audit.RecordWith(r.Context(), s.svc.Store(), audit.Of(actor, audit.MailTest, audit.TargetMail, "", to,
		audit.Change{Field: "outcome", To: outcome}), nil); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, view)
	return nil
}
