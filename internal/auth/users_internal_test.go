package auth

import (
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

func TestUserAccountStatus(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	open := &rma.Invitation{Expires: now.Add(time.Hour)}
	gone := &rma.Invitation{Expires: now}
	for _, tc := range []struct {
		name string
		a    UserAccount
		want string
	}{
		{"a password, no invitation", UserAccount{User: rma.User{PasswordHash: "h"}}, StatusActive},
		{"invited, the link works", UserAccount{Invitation: open}, StatusInvited},
		{"invited, the link expired at now", UserAccount{Invitation: gone}, StatusInvitationExpired},
		{"a password chosen meanwhile", UserAccount{User: rma.User{PasswordHash: "h"}, Invitation: open}, StatusActive},
		{"disabled comes first", UserAccount{User: rma.User{Disabled: true}, Invitation: open}, StatusDisabled},
	} {
		if got := tc.a.Status(now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
