package rma

import (
	"context"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Store keeps the desk's records. Implementations (internal/store/sqlite,
// internal/store/postgres) pass one conformance suite, internal/store/storetest.
//
// Errors are *Error with ENOTFOUND (no such record), ECONFLICT (a unique
// value taken), or EPRECONDITION (SaveRMA's version check failed); anything
// else is an outage.
type Store interface {
	JobStore
	SupplierStore // supplier.go

	// CreateOrg stores a new organisation and sets its ID.
	CreateOrg(ctx context.Context, o *Org) error
	Org(ctx context.Context, id int64) (*Org, error)
	OrgByName(ctx context.Context, name string) (*Org, error)
	Orgs(ctx context.Context) ([]Org, error)

	// CreateUser stores a user and sets its ID; emails are unique.
	CreateUser(ctx context.Context, u *User) error
	UserByEmail(ctx context.Context, email string) (*User, error)
	UserByID(ctx context.Context, id int64) (*User, error)
	// SetPassword replaces a user's password hash and ends the user's
	// sessions, in one transaction: a new password signs every browser out.
	SetPassword(ctx context.Context, userID int64, hash string) error
	// SetUserDisabled disables or enables a user. Disabling ends the user's
	// sessions in the same transaction.
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error

	// CreateSession stores a portal session (only its token's hash) and
	// removes sessions whose absolute expiry has passed.
	CreateSession(ctx context.Context, s *Session) error
	// Session finds a session by its token's hash with its user and the
	// user's organisation, in one indexed read: every signed-in request
	// asks. ENOTFOUND when there is none (ended, or never made).
	Session(ctx context.Context, tokenHash string) (*Session, *User, *Org, error)
	// TouchSession moves a session's LastSeen to at, if it is earlier.
	TouchSession(ctx context.Context, tokenHash string, at time.Time) error
	// DeleteSession ends one session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteUserSessions ends every session of a user and returns how many
	// there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)

	// CreateAPIKey stores a key (only its hash) and sets its ID.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyAndOrg finds a key that is not revoked by its public prefix,
	// with its organisation (authentication needs both on every call).
	APIKeyAndOrg(ctx context.Context, prefix string) (*APIKey, *Org, error)
	// APIKeys lists keys, revoked ones too, oldest first: every
	// organisation's (orgID 0) or one organisation's.
	APIKeys(ctx context.Context, orgID int64) ([]APIKey, error)
	// RevokeAPIKey marks the key with this prefix revoked at at (a key
	// already revoked keeps its first time) and returns it; ENOTFOUND when
	// no key has the prefix.
	RevokeAPIKey(ctx context.Context, prefix string, at time.Time) (*APIKey, error)

	// CreateRMA stores a new RMA with its lines, deadlines, charges,
	// numbers and jobs and its first event, in one transaction; it sets the IDs and
	// Version 1. With a non-empty idempotency key already used by the same
	// organisation it stores nothing and returns an ECONFLICT *Error whose
	// ExistingID is the RMA the key created before.
	CreateRMA(ctx context.Context, r *RMA, ev *Event, idempotencyKey string) error
	// SaveRMA writes r's new state and everything it holds, and appends the
	// events, in one transaction, if the stored version is still
	// expectVersion; then r.Version is expectVersion+1. Otherwise it writes
	// nothing and returns EPRECONDITION. Lines are updated in place (by ID);
	// deadlines and numbers are replaced; charges without an ID are added;
	// r.Jobs are enqueued (and r.Jobs emptied once committed).
	SaveRMA(ctx context.Context, r *RMA, expectVersion int, evs ...*Event) error
	// RMA loads one RMA with everything it holds.
	RMA(ctx context.Context, id int64) (*RMA, error)
	// RMAByNumber finds an RMA by its current or any earlier number.
	RMAByNumber(ctx context.Context, number string) (*RMA, error)
	// ListRMAs returns one page of RMAs (without lines, with deadlines),
	// newest first, and the cursor of the next page ("" at the end).
	ListRMAs(ctx context.Context, f ListFilter) ([]RMA, string, error)
	// Events returns an RMA's history, oldest first.
	Events(ctx context.Context, rmaID int64) ([]Event, error)
	// NextSequence returns the next value of a named counter (RMA numbers
	// per year). Values are unique; gaps are allowed.
	NextSequence(ctx context.Context, name string) (int64, error)

	// AddDocument stores a document's record and its event in one
	// transaction, and moves the RMA's version (and updated time) on: a
	// document is a change to the RMA, which an If-Match made before it
	// must not overlook. The event records the state the RMA is in at that
	// moment as both its From and To, whatever the caller put there: a
	// transition committed since the caller read the RMA is never hidden.
	AddDocument(ctx context.Context, d *Document, ev *Event) error
	Documents(ctx context.Context, rmaID int64) ([]Document, error)
	Document(ctx context.Context, id int64) (*Document, error)
	// AddMessage stores a message and its event in one transaction, and
	// moves the RMA's version on and sets the event's state as AddDocument.
	AddMessage(ctx context.Context, m *Message, ev *Event) error
	Messages(ctx context.Context, rmaID int64) ([]Message, error)

	// LinesBySerial finds every line whose unit or replacement has serial.
	LinesBySerial(ctx context.Context, serial string) ([]SerialHit, error)

	// IdempotentResponse returns the response stored for an organisation's
	// Idempotency-Key (ENOTFOUND if none); SaveIdempotentResponse stores it
	// (ECONFLICT if the key is taken: the first response stays).
	IdempotentResponse(ctx context.Context, orgID int64, key string) (*StoredResponse, error)
	SaveIdempotentResponse(ctx context.Context, orgID int64, key string, r StoredResponse) error
}

// StoredResponse is the answer to a POST made with an Idempotency-Key.
type StoredResponse struct {
	Method      string
	Path        string
	RequestHash string // of the request that made it: a key reused for another request is refused
	Status      int
	ContentType string
	Body        []byte
	Created     time.Time
}

// ListFilter selects RMAs.
type ListFilter struct {
	OrgID    int64   // 0: every organisation (the desk's view)
	States   []State // empty: any
	PolicyID string
	Overdue  bool          // only RMAs with an open deadline before Today
	Today    calendar.Date // for Overdue
	Query    string        // a prefix of a number, serial or model (case-insensitive)
	Cursor   string        // from the previous page
	Limit    int           // 1..200; 0 means 50
	Order    ListOrder     // "": newest first (queue.go)
	Assignee int64         // only the RMAs this desk user holds (assign.go)

	// CreatedFrom and CreatedBefore bound when the RMA was filed by the
	// wall clock (Created); FiledFrom and FiledTo, inclusive, the desk's
	// date it was filed on (Reported, which the demo's clock moves). Zero:
	// unbounded.
	CreatedFrom, CreatedBefore time.Time
	FiledFrom, FiledTo         calendar.Date
	// Full loads each RMA's lines and charges too, for exports: a page
	// then costs four queries however long it is.
	Full bool
}

// SerialHit is a line found by serial, with its RMA.
type SerialHit struct {
	RMAID         int64
	OrgID         int64 // the RMA's organisation
	Number        string
	State         State
	Outcome       Outcome
	PolicyID      string
	PolicyVersion string
	Reported      calendar.Date
	Line          Line
	AsReplacement bool // the serial is the replacement unit's
}

// User is a person who signs in.
type User struct {
	ID           int64
	OrgID        int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Created      time.Time
	Disabled     bool      // may not sign in; has no sessions
	LastSignIn   time.Time // the start of the user's latest session; zero before the first
}

// Session is a person signed in to the portal. The browser holds a random
// token; the store keeps only its SHA-256, so a copy of the database signs
// nobody in, and deleting the row ends the session on every instance.
type Session struct {
	TokenHash string
	UserID    int64
	Created   time.Time
	LastSeen  time.Time // for the idle timeout; written at most every few minutes
	Expires   time.Time // the absolute end, however active the session is
}

// APIKey lets a machine act for an organisation with a role. The secret is
// shown once; only its hash is kept.
type APIKey struct {
	ID      int64
	OrgID   int64
	UserID  int64
	Role    Role
	Prefix  string // public part, used to find the key
	Hash    string // of the whole key
	Name    string
	Created time.Time
	Revoked time.Time
	// LastUsed is when the key last authenticated a call, written at most
	// every few minutes (auth.Authenticate); zero before its first call.
	LastUsed time.Time
}

// Invitation lets a person invited by an admin set their password once,
// through a link in an email. The link carries a random token; the store
// keeps only its SHA-256, like a session's.
type Invitation struct {
	TokenHash string
	UserID    int64
	Created   time.Time
	Expires   time.Time
	Used      time.Time // when the password was set with it; zero until then
	Replaced  time.Time // when a newer invitation of the user replaced it; zero otherwise
}

// UserAdminStore is what administering users needs of a store beyond
// Store: listing users, their roles, invitations, and when keys were last
// used. Both databases implement it.
type UserAdminStore interface {
	// Users lists users, oldest first: every organisation's (orgID 0) or
	// one organisation's.
	Users(ctx context.Context, orgID int64) ([]User, error)
	// SetUserRole changes a user's role; ENOTFOUND for no such user.
	SetUserRole(ctx context.Context, userID int64, role Role) error
	// Invite stores inv for u, first creating u when u.ID is 0 (then
	// inv.UserID is set), and marks the user's earlier invitations that
	// were not used replaced at inv.Created, in one transaction. Creating
	// u answers ECONFLICT when its email is taken.
	Invite(ctx context.Context, u *User, inv *Invitation) error
	// Invitation finds an invitation by its token's hash, with its user;
	// ENOTFOUND when there is none.
	Invitation(ctx context.Context, tokenHash string) (*Invitation, *User, error)
	// AcceptInvitation uses the invitation: if it is unused, not replaced
	// and not expired at at, it is marked used at at and the user's
	// password hash set, in one transaction. Otherwise nothing is written
	// and the answer says why: ENOTFOUND (no such invitation), ECONFLICT
	// (used or replaced), EPRECONDITION (expired).
	AcceptInvitation(ctx context.Context, tokenHash, passwordHash string, at time.Time) (*User, error)
	// OpenInvitations lists the invitations neither used nor replaced,
	// expired ones too: at most one a user.
	OpenInvitations(ctx context.Context) ([]Invitation, error)
	// TouchAPIKey moves a key's LastUsed to at, if it is earlier.
	TouchAPIKey(ctx context.Context, keyID int64, at time.Time) error
}
