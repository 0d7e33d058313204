package auth

import (
	"context"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/audit"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// AccountStore is what account management needs of the store.
type AccountStore interface {
	CreateOrg(ctx context.Context, o *rma.Org) error
	Org(ctx context.Context, id int64) (*rma.Org, error)
	OrgByName(ctx context.Context, name string) (*rma.Org, error)
	Orgs(ctx context.Context) ([]rma.Org, error)
	CreateAPIKey(ctx context.Context, k *rma.APIKey) error
	CreateUser(ctx context.Context, u *rma.User) error
	AccountAdminStore // sessions.go
}

// Accounts manages organisations, users and API keys, and records what it
// changes in the audit log (audit.go).
type Accounts struct {
	store AccountStore
	log   audit.Store // nil when the store keeps no log
	now   func() time.Time
	// Mail sends invitations (users.go); the zero value sends none and
	// gives each link back instead.
	Mail InvitationMail
}

// NewAccounts wires account management to a store.
func NewAccounts(store AccountStore) *Accounts {
	a := &Accounts{store: store, now: time.Now}
	a.log, _ = store.(audit.Store)
	return a
}

// NewOrg describes an organisation to create.
type NewOrg struct {
	Name    string
	IsDesk  bool
	Role    string // the requester role its claims carry: consumer, dealer, ...
	Country string
	Email   string
}

// CreateOrg adds an organisation. The actor must be an admin (rma.System
// for the command line).
func (a *Accounts) CreateOrg(ctx context.Context, actor rma.Actor, n NewOrg) (*rma.Org, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage organisations", actor.Role)
	}
	// Names and emails are stored NFC, without invisible characters, and
	// are unique by rma.NameKey (case, compatibility forms): an
	// organisation cannot be made to look like another.
	name, err := rma.CleanName("name", n.Name, 200)
	if err != nil {
		return nil, err
	}
	email := strings.TrimSpace(n.Email)
	if email != "" {
		if email, err = rma.CleanEmail("email", email); err != nil {
			return nil, err
		}
	}
	o := &rma.Org{Name: name, IsDesk: n.IsDesk, Country: n.Country, Email: email, Created: a.now().UTC()}
	if !n.IsDesk && n.Role == "supplier" {
		// A supplier needs its address and RMA contact, which only the
		// supplier step takes.
		return nil, rma.Invalid("role", "a supplier is added with rmadesk supplier add or POST /api/v1/suppliers, with its address and RMA contact")
	}
	if !n.IsDesk {
		role, err := policy.ParseRole(n.Role)
		if err != nil {
			return nil, rma.Invalid("role", "%v", err)
		}
		o.Role = role
	}
	if n.Country != "" && !policy.ValidCountry(n.Country) {
		return nil, rma.Invalid("country", "%q is not an ISO 3166-1 alpha-2 country code (upper case, e.g. NL)", n.Country)
	}
	// Recorded in the audit log in the organisation's transaction (issue
	// 15); its ID is not known before, so the entry names it.
	kind := "requester"
	if o.IsDesk {
		kind = "desk"
	}
	e := audit.Of(actor, audit.OrgCreate, audit.TargetOrg, "", o.Name, audit.Diff([3]string{"kind", "", kind},
		[3]string{"role", "", roleOf(o)}, [3]string{"country", "", o.Country}, [3]string{"email", "", o.Email})...)
	if err := audit.RecordWith(ctx, a.store, e, func(ctx context.Context) error { return a.store.CreateOrg(ctx, o) }); err != nil {
		return nil, err
	}
	return o, nil
}

// CreateKey makes an API key for an organisation; the key is returned once.
// Requester organisations get requester keys; the desk gets agent,
// technician or admin keys.
func (a *Accounts) CreateKey(ctx context.Context, actor rma.Actor, orgID int64, role rma.Role, name string) (string, *rma.APIKey, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return "", nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not manage keys", actor.Role)
	}
	org, err := a.store.Org(ctx, orgID)
	if err != nil {
		return "", nil, err
	}
	if org.Supplier {
		// A supplier is the desk's counterpart, not a user of the desk.
		return "", nil, rma.Invalid("org", "%s is a supplier: suppliers have no keys", org.Name)
	}
	if _, ok := rma.ParseRole(string(role)); !ok {
		return "", nil, rma.Invalid("role", "unknown role %q (one of requester, agent, technician, admin)", role)
	}
	if org.IsDesk == (role == rma.RoleRequester) {
		if org.IsDesk {
			return "", nil, rma.Invalid("role", "the desk's keys are agent, technician or admin")
		}
		return "", nil, rma.Invalid("role", "a requester organisation's keys have role requester")
	}
	key, prefix, hash, err := NewKey()
	if err != nil {
		return "", nil, err
	}
	k := &rma.APIKey{OrgID: orgID, Role: role, Prefix: prefix, Hash: hash, Name: name, Created: a.now().UTC()}
	changes := []audit.Change{{Field: "org", To: org.Name}, {Field: "role", To: string(role)}}
	if name != "" {
		changes = append(changes, audit.Change{Field: "name", To: name})
	}
	e := audit.Of(actor, audit.KeyCreate, audit.TargetKey, prefix, org.Name, changes...)
	if err := a.record(ctx, e, func(ctx context.Context) error { return a.store.CreateAPIKey(ctx, k) }); err != nil {
		return "", nil, err
	}
	return key, k, nil
}

// Orgs lists the organisations.
func (a *Accounts) Orgs(ctx context.Context, actor rma.Actor) ([]rma.Org, error) {
	if !rma.Can(actor.Role, rma.OpAdminister) {
		return nil, rma.Errorf(rma.EFORBIDDEN, "role %s may not list organisations", actor.Role)
	}
	return a.store.Orgs(ctx)
}

// OrgByName finds an organisation (for the command line).
func (a *Accounts) OrgByName(ctx context.Context, name string) (*rma.Org, error) {
	return a.store.OrgByName(ctx, name)
}
