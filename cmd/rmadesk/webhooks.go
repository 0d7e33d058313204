package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/webhook"
)

// webhookStore is what the webhook commands need beyond the dispatcher's.
type webhookStore interface {
	CreateWebhookEndpoint(ctx context.Context, ep *webhook.Endpoint) error
	WebhookEndpoints(ctx context.Context, orgID int64) ([]webhook.Endpoint, error)
}

// webhookDisabled queues the email that tells an endpoint's organisation,
// in its language, that the desk disabled the endpoint and why
// (jobs.WebhookDisabledJob): the job queue's retries, not this one try,
// stand between a relay that is down and the news being lost.
func webhookDisabled(db rma.JobStore, now func() time.Time, log *slog.Logger) func(ctx context.Context, ep *webhook.Endpoint, o webhook.Outcome) {
	return func(ctx context.Context, ep *webhook.Endpoint, o webhook.Outcome) {
		since := ""
		if !ep.FailingSince.IsZero() {
			since = ep.FailingSince.UTC().Format(time.DateOnly)
		}
		j := jobs.WebhookDisabledJob(ep.ID, ep.OrgID, ep.URL, o.Gone, since)
		j.RunAt = now()
		if err := db.EnqueueJob(ctx, j); err != nil {
			log.WarnContext(ctx, "queueing the email about a disabled webhook endpoint", "endpoint", ep.ID, "err", err)
		}
	}
}

func runWebhook(e *env, args []string) error {
	usage := "webhook create --org NAME --url URL [--events TYPE,TYPE] [--description TEXT] | webhook list [--org NAME]"
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		return badInputf("webhook: usage: rmadesk %s", usage)
	}
	fs := newFlags(e, "webhook "+args[0], usage+" [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "the organisation's `NAME`: the desk's endpoints hear every RMA, a requester's its own")
	url := fs.String("url", "", "where events are posted, `https://...`")
	events := fs.String("events", "", "the event `TYPES` it wants, comma-separated; empty: every type (docs/API.md lists them)")
	desc := fs.String("description", "", "a `TEXT` to recognise it by")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ws, ok := db.(webhookStore)
	if !ok {
		return fmt.Errorf("the store keeps no webhooks")
	}
	var orgID int64
	if *orgName != "" {
		org, err := auth.NewAccounts(db).OrgByName(ctx, *orgName)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return badInputf("--org: no organisation named %q", *orgName)
		}
		if err != nil {
			return err
		}
		orgID = org.ID
	}
	if args[0] == "list" {
		eps, err := ws.WebhookEndpoints(ctx, orgID)
		if err != nil {
			return err
		}
		for _, ep := range eps {
			state := "enabled"
			if ep.Disabled {
				state = "disabled: " + ep.DisabledReason
			}
			fmt.Fprintf(e.stdout, "%d\torg %d\t%s\t%s\t%s\n", ep.ID, ep.OrgID, ep.URL, strings.Join(ep.EventTypes, ","), state)
		}
		return nil
	}
	if orgID == 0 {
		return badInputf("--org: required")
	}
	ep := &webhook.Endpoint{OrgID: orgID, URL: *url, Description: *desc, Secret: webhook.NewSecret()}
	if *events != "" {
		ep.EventTypes = strings.Split(*events, ",")
	}
	if err := ep.Check(); err != nil {
		return badInputf("--%s", strings.Replace(err.Error(), "event_types", "events", 1))
	}
	if err := ws.CreateWebhookEndpoint(ctx, ep); err != nil {
		return err
	}
	// The secret is shown this once: the receiver keeps it to verify.
	fmt.Fprintf(e.stdout, "%d %s\n", ep.ID, ep.Secret)
	return nil
}
