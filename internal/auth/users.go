package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Administering users (issue 15): invitations, roles, disabling, signing
// out everywhere; each change is recorded in the audit log in its own
// transaction. An invited person gets an email with a one-time link that
// lets them choose their password: the link carries a random token like a
// session's, and the store keeps only its SHA-256.

// InvitationTTL is how long an invitation's link works.
const InvitationTTL = 7 * 24 * time.Hour

// InvitationMail is how invitations reach the invitee: through Sender,
// with links to the portal at PublicURL. Without a Sender that delivers
// (nil, or notify.LogSender, which only logs), the link is given back to
// whoever invited (Invited.Link) to pass on.
type InvitationMail struct {
	Sender    notify.Sender
	PublicURL string
	Desk      string // the desk's name, for the signature
}

// delivers reports whether the mail reaches anyone.
func (m InvitationMail) delivers() bool {
	if m.Sender == nil {
		return false
	}
	_, logOnly := m.Sender.(notify.LogSender)
	return !logOnly
}

// Link is the portal's page for an invitation token.
func (m InvitationMail) Link(token string) string {
	return strings.TrimRight(m.PublicURL, "/") + "/invite/" + token
}

// users is the store's user administration, or an error saying it has none.
func (a *Accounts) users() (rma.UserAdminStore, error) {
	ua, ok := a.store.(rma.UserAdminStore)
	if !ok {
		return nil, errors.New("this store does not administer users")
	}
	return ua, nil
}

// UserAccount is a user as the admin's list shows them.
type UserAccount struct {
	rma.User
	Org *rma.Org
	// Invitation is the user's open invitation (neither used nor
	// replaced, perhaps expired); nil when there is none.
	Invitation *rma.Invitation
}

// Account statuses, as the admin's list says them.
const (
	StatusActive            = "active"
	StatusInvited           = "invited"            // the invitation's link works
	StatusInvitationExpired = "invitation_expired" // it does not: send it again
	StatusDisabled          = "disabled"
)

// Status is the account's status at now.
func (a UserAccount) Status(now time.Time) string {
	switch {
	case a.Disabled:
		return StatusDisabled
	case a.Invitation == nil || a.PasswordHash != "":
		return StatusActive
	case now.Before(a.Invitation.Expires):
		return StatusInvited
	}
	return StatusInvitationExpired
}

// Invited says what an invitation made: the user, and the link, which is
// sent by email when mail is delivered, else given back here to pass on.
type Invited struct {
	User    *rma.User
	Org     *rma.Org
	Expires time.Time
	Link    string
	Mailed  bool
	// MailErr is why the email could not be sent; the invitation stands
	// and can be sent again.
	MailErr error
}

// Invitee is a person to invite.
type Invitee struct {
	OrgID    int64
	Email    string
	Name     string
	Role     rma.Role
	Language string // the language their email and the portal use; "" for their organisation's
}

func (a *Accounts) admin(actor rma.Actor, what string) error {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return rma.Errorf(rma.EFORBIDDEN, "role %s may not %s", actor.Role, what)
	}
	return nil
}

// Users lists every user (orgID 0) or one organisation's, with their
// organisation and open invitation. Admins only.
func (a *Accounts) Users(ctx context.Context, actor rma.Actor, orgID int64) ([]UserAccount, error) {
	if err := a.admin(actor, "manage users"); err != nil {
		return nil, err
	}
	ua, err := a.users()
	if err != nil {
		return nil, err
	}
	users, err := ua.Users(ctx, orgID)
	if err != nil {
		return nil, err
	}
	orgs, err := a.store.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*rma.Org, len(orgs))
	for i := range orgs {
		byID[orgs[i].ID] = &orgs[i]
	}
	open, err := ua.OpenInvitations(ctx)
	if err != nil {
		return nil, err
	}
	invs := make(map[int64]*rma.Invitation, len(open))
	for i := range open {
		invs[open[i].UserID] = &open[i]
	}
	out := make([]UserAccount, 0, len(users))
	for _, u := range users {
		out = append(out, UserAccount{User: u, Org: byID[u.OrgID], Invitation: invs[u.ID]})
	}
	return out, nil
}

// userTarget names a user in the audit log.
func userTarget(actor rma.Actor, action string, u *rma.User, changes ...audit.Change) audit.Entry {
	id := ""
	if u.ID != 0 {
		id = strconv.FormatInt(u.ID, 10)
	}
	return audit.Of(actor, action, audit.TargetUser, id, u.Email, changes...)
}

// checkRole refuses a role the organisation's users cannot have.
func checkRole(org *rma.Org, role rma.Role) error {
	if _, ok := rma.ParseRole(string(role)); !ok || org.IsDesk == (role == rma.RoleRequester) {
		return rma.Invalid("role", "requester for a requester organisation; agent, technician or admin for the desk")
	}
	return nil
}

// Invite adds a person to an organisation without a password and sends
// them an invitation to choose one, valid for InvitationTTL. Admins only.
func (a *Accounts) Invite(ctx context.Context, actor rma.Actor, n Invitee) (*Invited, error) {
	if err := a.admin(actor, "invite users"); err != nil {
		return nil, err
	}
	ua, err := a.users()
	if err != nil {
		return nil, err
	}
	org, err := a.store.Org(ctx, n.OrgID)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return nil, rma.Invalid("org", "no organisation %d", n.OrgID)
	}
	if err != nil {
		return nil, err
	}
	if org.Supplier {
		return nil, rma.Invalid("org", "%s is a supplier: suppliers have no users", org.Name)
	}
	email, err := rma.CleanEmail("email", n.Email)
	if err != nil {
		return nil, err
	}
	name := ""
	if strings.TrimSpace(n.Name) != "" {
		if name, err = rma.CleanName("name", n.Name, 200); err != nil {
			return nil, err
		}
	}
	if err := checkRole(org, n.Role); err != nil {
		return nil, err
	}
	lang, err := rma.CheckLanguage("language", n.Language)
	if err != nil {
		return nil, err
	}
	u := &rma.User{OrgID: org.ID, Email: email, Name: name, Role: n.Role}
	changes := []audit.Change{{Field: "email", To: email}, {Field: "org", To: org.Name}, {Field: "role", To: string(n.Role)}}
	if name != "" {
		changes = append(changes, audit.Change{Field: "name", To: name})
	}
	token, inv, err := a.newInvitation()
	if err != nil {
		return nil, err
	}
	changes = append(changes, audit.Change{Field: "invitation_expires", To: inv.Expires.Format(time.DateOnly)})
	invited := *u // Invite sets the ID only once committed
	if err := a.record(ctx, userTarget(actor, audit.UserInvite, u, changes...), func(ctx context.Context) error {
		return ua.Invite(ctx, &invited, inv)
	}); err != nil {
		return nil, err
	}
	if lang != "" {
		if ls, ok := a.store.(rma.LanguageStore); ok {
			if err := ls.SetUserLanguage(ctx, invited.ID, lang); err != nil {
				return nil, err
			}
		}
	}
	return a.sendInvitation(ctx, actor, &invited, org, token, inv)
}

// newInvitation makes a token and the invitation that stores its hash.
func (a *Accounts) newInvitation() (string, *rma.Invitation, error) {
	token, err := newToken()
	if err != nil {
		return "", nil, err
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	return token, &rma.Invitation{TokenHash: SessionHash(token), Created: now, Expires: now.Add(InvitationTTL)}, nil
}

// sendInvitation mails the link, in the invitee's language (theirs, else
// their organisation's), or gives it back when mail is not delivered.
func (a *Accounts) sendInvitation(ctx context.Context, actor rma.Actor, u *rma.User, org *rma.Org, token string, inv *rma.Invitation) (*Invited, error) {
	out := &Invited{User: u, Org: org, Expires: inv.Expires, Link: a.Mail.Link(token)}
	if !a.Mail.delivers() {
		return out, nil
	}
	lang := rma.DefaultLanguage
	if ls, ok := a.store.(rma.LanguageStore); ok {
		if orgLang, userLang, err := ls.Languages(ctx, org.ID, u.ID); err == nil {
			lang = rma.RecipientLanguage(orgLang, userLang)
		}
	}
	by := actor.Name
	if by == rma.System.Name {
		by = ""
	}
	subject, text, html := notify.Render(notify.Invitation, notify.Facts{InviteURL: out.Link, InviteExpires: inv.Expires.Format(time.DateOnly),
		InviteOrg: org.Name, InvitedBy: by, Desk: a.Mail.Desk}, lang)
	msg := notify.Message{ID: fmt.Sprintf("invitation-%d-%s", u.ID, inv.TokenHash[:16]), To: u.Email, Subject: subject, Text: text, HTML: html}
	if err := a.Mail.Sender.Send(ctx, msg); err != nil {
		out.MailErr = err
		return out, nil
	}
	out.Mailed, out.Link = true, ""
	return out, nil
}

// ResendInvitation sends a user who has not chosen a password yet a new
// invitation; the earlier link stops working. Admins only.
func (a *Accounts) ResendInvitation(ctx context.Context, actor rma.Actor, userID int64) (*Invited, error) {
	if err := a.admin(actor, "invite users"); err != nil {
		return nil, err
	}
	ua, err := a.users()
	if err != nil {
		return nil, err
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.PasswordHash != "" {
		return nil, rma.Errorf(rma.ECONFLICT, "%s has chosen a password already: they sign in, or reset it", u.Email)
	}
	org, err := a.store.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	token, inv, err := a.newInvitation()
	if err != nil {
		return nil, err
	}
	e := userTarget(actor, audit.UserInviteResend, u, audit.Change{Field: "invitation_expires", To: inv.Expires.Format(time.DateOnly)})
	if err := a.record(ctx, e, func(ctx context.Context) error { return ua.Invite(ctx, u, inv) }); err != nil {
		return nil, err
	}
	return a.sendInvitation(ctx, actor, u, org, token, inv)
}

// Why an invitation's link does not work, as its reader is told.
var (
	ErrInvitationInvalid  = rma.Errorf(rma.ENOTFOUND, "this invitation link is not valid")
	ErrInvitationExpired  = rma.Errorf(rma.EPRECONDITION, "this invitation link has expired")
	ErrInvitationUsed     = rma.Errorf(rma.ECONFLICT, "this invitation link has been used")
	ErrInvitationReplaced = rma.Errorf(rma.ECONFLICT, "this invitation link was replaced by a newer one")
)

// Invitation returns the user an invitation token invites, or why its link
// does not work (one of the ErrInvitation errors, or errDisabled).
func (a *Accounts) Invitation(ctx context.Context, token string) (*rma.User, *rma.Org, error) {
	if !wellFormedToken(token) {
		return nil, nil, ErrInvitationInvalid
	}
	ua, err := a.users()
	if err != nil {
		return nil, nil, err
	}
	inv, u, err := ua.Invitation(ctx, SessionHash(token))
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return nil, nil, ErrInvitationInvalid
	}
	if err != nil {
		return nil, nil, err
	}
	switch {
	case !inv.Used.IsZero():
		return nil, nil, ErrInvitationUsed
	case !inv.Replaced.IsZero():
		return nil, nil, ErrInvitationReplaced
	case !a.now().Before(inv.Expires):
		return nil, nil, ErrInvitationExpired
	case u.Disabled:
		return nil, nil, errDisabled
	}
	org, err := a.store.Org(ctx, u.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return u, org, nil
}

// AcceptInvitation sets the invited user's password with the token, once,
// and returns the user, who may then be signed in. The acceptance is in
// the audit log, the user its actor.
func (a *Accounts) AcceptInvitation(ctx context.Context, token, password string) (*rma.User, error) {
	u, org, err := a.Invitation(ctx, token)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	ua, err := a.users()
	if err != nil {
		return nil, err
	}
	var accepted *rma.User
	err = a.record(ctx, userTarget(ActorOf(u, org), audit.UserInviteAccept, u), func(ctx context.Context) error {
		var err error
		accepted, err = ua.AcceptInvitation(ctx, SessionHash(token), hash, a.now().UTC())
		return err
	})
	switch {
	case err == nil:
		return accepted, nil
	case rma.ErrorCode(err) == rma.EPRECONDITION:
		return nil, ErrInvitationExpired
	case rma.ErrorCode(err) == rma.ECONFLICT:
		return nil, ErrInvitationUsed // taken by another tab a moment ago
	}
	return nil, err
}

// SetUserRole changes a user's role. A requester organisation's users are
// requesters; the desk's are agents, technicians or admins. An admin does
// not change their own role (the desk would be left without one). Admins
// only.
func (a *Accounts) SetUserRole(ctx context.Context, actor rma.Actor, userID int64, role rma.Role) (*rma.User, error) {
	if err := a.admin(actor, "manage users"); err != nil {
		return nil, err
	}
	ua, err := a.users()
	if err != nil {
		return nil, err
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if actor.UserID == u.ID {
		return nil, rma.Invalid("role", "you cannot change your own role: ask another admin")
	}
	org, err := a.store.Org(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	if err := checkRole(org, role); err != nil {
		return nil, err
	}
	e := userTarget(actor, audit.UserRole, u, audit.Change{Field: "role", From: string(u.Role), To: string(role)})
	if err := a.record(ctx, e, func(ctx context.Context) error { return ua.SetUserRole(ctx, u.ID, role) }); err != nil {
		return nil, err
	}
	u.Role = role
	return u, nil
}
