package jobs

import (
	"context"
	"fmt"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// WebhookDisabledJob is the job that tells an organisation, by email in
// its language, that the desk disabled its webhook endpoint: why (410
// Gone, or failing since a date) and which address. failingSince is a
// date (2026-03-20) or "".
func WebhookDisabledJob(endpointID, orgID int64, url string, gone bool, failingSince string) *rma.Job {
	return &rma.Job{Kind: rma.JobWebhookDisabled, Payload: map[string]any{
		"endpoint": strconv.FormatInt(endpointID, 10), "org": strconv.FormatInt(orgID, 10),
		"url": url, "gone": gone, "failing_since": failingSince}}
}

// webhookDisabled sends a WebhookDisabledJob's email; with no address on
// file for the organisation there is nobody to tell.
func (r *Runner) webhookDisabled(ctx context.Context, j *rma.Job) error {
	// IDs travel as text: a payload's numbers come back from JSON as floats.
	s, _ := j.Payload["org"].(string)
	orgID, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("job %d: organisation %q: %w", j.ID, s, err)
	}
	org, err := r.store.Org(ctx, orgID)
	if rma.ErrorCode(err) == rma.ENOTFOUND || (err == nil && org.Email == "") {
		return nil
	}
	if err != nil {
		return err
	}
	lang, err := r.language(ctx, orgID)
	if err != nil {
		return err
	}
	var f notify.Facts
	f.WebhookURL, _ = j.Payload["url"].(string)
	f.WebhookGone, _ = j.Payload["gone"].(bool)
	f.WebhookFailingSince, _ = j.Payload["failing_since"].(string)
	endpoint, _ := j.Payload["endpoint"].(string)
	// The job's ID makes the message's: a retry after a relay's error is
	// the same message, not a second one.
	msg := notify.NewMessage(fmt.Sprintf("rmadesk-webhook-disabled-%s-%d", endpoint, j.ID), org.Email, notify.WebhookDisabled, f, lang)
	return r.sender.Send(ctx, msg)
}
