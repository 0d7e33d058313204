package main

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Account administration from the command line: API keys listed and
// revoked, users disabled, enabled and signed out everywhere. Each acts on
// the shared database, which every instance reads on every request, so it
// takes effect on all of them at once with nothing to restart.

const (
	userUsage   = "user: usage: rmadesk user create|invite|disable|enable|signout|language --email ADDR (see rmadesk user SUBCOMMAND -h)"
	apikeyUsage = "apikey: usage: rmadesk apikey create --org NAME --role ROLE | list [--org NAME] | revoke PREFIX"
)

// runUsers dispatches rmadesk user SUBCOMMAND.
func runUsers(e *env, args []string) error {
	if len(args) == 0 {
		return badInputf("%s", userUsage)
	}
	switch args[0] {
	case "create":
		return runUser(e, args)
	case "invite":
		return runUserInvite(e, args[1:])
	case "disable", "enable", "signout":
		return runUserAccess(e, args[0], args[1:])
	case "language":
		return runUserLanguage(e, args[1:]) // languages.go
	}
	return badInputf("user: unknown subcommand %q (create, invite, disable, enable, signout, language)", args[0])
}

// runUserInvite adds a user without a password and sends them an
// invitation to choose one (RMADESK_SMTP_*); without a mail server, the
// link is printed to pass on. The invitation is in the audit log, by the
// system.
func runUserInvite(e *env, args []string) error {
	fs := newFlags(e, "user invite", "user invite --org NAME --email ADDR --role ROLE [--name NAME] [--language LANG] [--public-url URL] [--data-dir DIR] [--db URL]\n"+
		"mails the user a link to choose their password, valid for 7 days (the link is printed when no RMADESK_SMTP_HOST is set)")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "the organisation's `NAME`")
	email := fs.String("email", "", "the user's email `ADDR`, their sign-in name")
	role := fs.String("role", "", "requester for a requester organisation; agent, technician or admin for the desk")
	name := fs.String("name", "", "the user's `NAME`")
	lang := fs.String("language", "", "the `LANG`uage of their email and portal (en, nl); default: their organisation's")
	publicURL := fs.String("public-url", envOr("RMADESK_PUBLIC_URL", "http://127.0.0.1:8080"), "the portal's address, for the link (default $RMADESK_PUBLIC_URL)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("user invite: unexpected argument %q", fs.Arg(0))
	}
	sender, err := mailSender(slog.New(slog.NewTextHandler(e.stderr, nil)))
	if err != nil {
		return err
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := auth.NewAccounts(db)
	accounts.Mail = auth.InvitationMail{Sender: sender, PublicURL: *publicURL}
	org, err := accounts.OrgByName(e.ctx, *orgName)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation named %q", *orgName)
	}
	if err != nil {
		return err
	}
	in, err := accounts.Invite(e.ctx, rma.System, auth.Invitee{OrgID: org.ID, Email: *email, Name: *name, Role: rma.Role(*role), Language: *lang})
	var de *rma.Error
	if errors.As(err, &de) && de.Field != "" {
		return badInputf("--%s: %s", strings.ReplaceAll(de.Field, "_", "-"), de.Message)
	}
	if rma.ErrorCode(err) == rma.ECONFLICT {
		return badInputf("--email: %v", err) // taken
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %d: %s invited to %s, the link valid until %s\n", in.User.ID, in.User.Email, org.Name, in.Expires.Format("2006-01-02 15:04 UTC"))
	switch {
	case in.Mailed:
		fmt.Fprintln(e.stdout, "the invitation is mailed")
	case in.MailErr != nil:
		fmt.Fprintf(e.stdout, "the invitation could not be mailed (%v); pass this link on: %s\n", in.MailErr, in.Link)
	default:
		fmt.Fprintf(e.stdout, "no mail server (RMADESK_SMTP_HOST): pass this link on: %s\n", in.Link)
	}
	return nil
}

// runUserAccess disables a user (no sign-in, every session ended at once),
// enables them again, or ends every session they have.
func runUserAccess(e *env, sub string, args []string) error {
	what := map[string]string{
		"disable": "disable the user: no sign-in, and every session of theirs ends at once",
		"enable":  "let a disabled user sign in again",
		"signout": "end every portal session of the user, on every instance",
	}[sub]
	fs := newFlags(e, "user "+sub, "user "+sub+" --email ADDR [--data-dir DIR] [--db URL]\n"+what)
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the user's email `ADDR`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("user %s: unexpected argument %q", sub, fs.Arg(0))
	}
	if *email == "" {
		return badInputf("--email: required")
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(e.ctx, *email)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--email: no user with email %q", *email)
	}
	if err != nil {
		return err
	}
	accounts := auth.NewAccounts(db)
	switch sub {
	case "disable", "enable":
		if err := accounts.SetUserDisabled(e.ctx, rma.System, u.ID, sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d: %s %sd\n", u.ID, u.Email, sub)
	case "signout":
		n, err := accounts.EndUserSessions(e.ctx, rma.System, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %d: %s signed out: %d sessions ended\n", u.ID, u.Email, n)
	}
	return nil
}

// runAPIKeys dispatches rmadesk apikey SUBCOMMAND.
func runAPIKeys(e *env, args []string) error {
	if len(args) == 0 {
		return badInputf("%s", apikeyUsage)
	}
	switch args[0] {
	case "create":
		return runAPIKey(e, args)
	case "list":
		return runAPIKeyList(e, args[1:])
	case "revoke":
		return runAPIKeyRevoke(e, args[1:])
	}
	return badInputf("apikey: unknown subcommand %q (create, list, revoke)", args[0])
}

// runAPIKeyList prints every key (or one organisation's), revoked ones
// too: the prefix names a key; the secret is nowhere to print.
func runAPIKeyList(e *env, args []string) error {
	fs := newFlags(e, "apikey list", "apikey list [--org NAME] [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "only this organisation's keys (its `NAME`)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("apikey list: unexpected argument %q", fs.Arg(0))
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	accounts := auth.NewAccounts(db)
	orgs, err := accounts.Orgs(e.ctx, rma.System)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	var orgID int64
	if *orgName != "" {
		org, err := accounts.OrgByName(e.ctx, *orgName)
		if rma.ErrorCode(err) == rma.ENOTFOUND {
			return badInputf("--org: no organisation named %q", *orgName)
		}
		if err != nil {
			return err
		}
		orgID = org.ID
	}
	keys, err := accounts.Keys(e.ctx, rma.System, orgID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PREFIX\tORG\tROLE\tNAME\tCREATED\tREVOKED")
	for _, k := range keys {
		revoked := "-"
		if !k.Revoked.IsZero() {
			revoked = k.Revoked.UTC().Format(time.RFC3339)
		}
		name := k.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.Prefix, names[k.OrgID], k.Role, name, k.Created.UTC().Format(time.RFC3339), revoked)
	}
	return tw.Flush()
}

// runAPIKeyRevoke revokes a key by its prefix: refused from its next call
// on every instance.
func runAPIKeyRevoke(e *env, args []string) error {
	fs := newFlags(e, "apikey revoke", "apikey revoke PREFIX [--data-dir DIR] [--db URL]\n(PREFIX is the part after rk_, as apikey list shows it)")
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return badInputf("apikey revoke: name one key by its PREFIX (apikey list shows them)")
	}
	prefix := fs.Arg(0)
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	k, err := auth.NewAccounts(db).RevokeKey(e.ctx, rma.System, prefix)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("PREFIX: no API key has the prefix %q (apikey list shows them)", prefix)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "key %s revoked %s\n", k.Prefix, k.Revoked.UTC().Format(time.RFC3339))
	return nil
}
