package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestSignInWithAnEmailTypedAnotherWay: an email typed in another case or
// Unicode form signs in the same user, and counts against the same
// account's limit of wrong passwords (issue 10, point 20).
func TestSignInWithAnEmailTypedAnotherWay(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	store := p.svc.Store()
	dist, err := store.OrgByName(ctx, "Distributor")
	if err != nil {
		t.Fatal(err)
	}
	u, err := auth.NewAccounts(store).CreateUser(ctx, rma.System, dist.ID, "Jos\u00e9@Dist.example", "", rma.RoleRequester, password)
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{"jos\u00e9@dist.example", "JOSE\u0301@DIST.EXAMPLE", " Jose\u0301@Dist.example "} {
		c := p.signIn(typed)
		if resp, _ := p.do(c, "GET", "/rmas", nil, ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("signed in as %q: /rmas answers %d", typed, resp.StatusCode)
		}
	}
	// Wrong passwords under five spellings of one account, then the right
	// one: the sixth attempt is refused like any other over the limit.
	c := p.browser()
	for _, typed := range []string{"jos\u00e9@dist.example", "JOSE\u0301@dist.example", "jos\u00e9\u200b@dist.example", "\uff4aos\u00e9@dist.example", "Jos\u00e9@DIST.example"} {
		resp, _ := p.form(c, "/login", url.Values{"email": {typed}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password as %q: %d, want 401", typed, resp.StatusCode)
		}
	}
	resp, _ := p.form(c, "/login", url.Values{"email": {"JOS\u00c9@dist.example"}, "password": {password}})
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt on account %d under another spelling: %d, want 429", u.ID, resp.StatusCode)
	}
}
