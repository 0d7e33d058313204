package sqlcodec

import (
	"database/sql"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// UserColumns are a user's columns on the table alias u, in the order
// UserScan reads them.
const UserColumns = `u.id, u.org_id, u.email, u.name, u.role, u.password_hash, u.created, u.disabled, u.last_sign_in`

// UserScan reads UserColumns into a user.
type UserScan struct {
	u                   rma.User
	role                string
	created, lastSignIn sql.NullString
}

// Dest is where Scan puts UserColumns.
func (s *UserScan) Dest() []any {
	return []any{&s.u.ID, &s.u.OrgID, &s.u.Email, &s.u.Name, &s.role, &s.u.PasswordHash, &s.created, &s.u.Disabled, &s.lastSignIn}
}

// User is the user read, or the column that would not decode.
func (s *UserScan) User() (*rma.User, error) {
	u := s.u
	u.Role = rma.Role(s.role)
	d := Decoder{Where: fmt.Sprintf("user %d", u.ID)}
	u.Created = d.Time("created", s.created)
	u.LastSignIn = d.Time("last_sign_in", s.lastSignIn)
	return &u, d.Err
}

// SessionColumns are a session's columns on the table alias s, in the
// order SessionScan reads them.
const SessionColumns = `s.token_hash, s.user_id, s.created, s.last_seen, s.expires`

// SessionScan reads SessionColumns into a session.
type SessionScan struct {
	s                          rma.Session
	created, lastSeen, expires sql.NullString
}

// Dest is where Scan puts SessionColumns.
func (s *SessionScan) Dest() []any {
	return []any{&s.s.TokenHash, &s.s.UserID, &s.created, &s.lastSeen, &s.expires}
}

// Session is the session read, or the column that would not decode.
func (s *SessionScan) Session() (*rma.Session, error) {
	out := s.s
	d := Decoder{Where: fmt.Sprintf("session of user %d", out.UserID)}
	out.Created = d.Time("created", s.created)
	out.LastSeen = d.Time("last_seen", s.lastSeen)
	out.Expires = d.Time("expires", s.expires)
	return &out, d.Err
}
