package auth_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db := sqlitetest.Open(t)
	return db
}

func TestNewKey(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		key, prefix, hash, err := auth.NewKey()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`^rk_[a-z2-7]{8}_[a-z2-7]{32}$`).MatchString(key) || !strings.HasPrefix(key, "rk_"+prefix+"_") {
			t.Fatalf("key %q prefix %q", key, prefix)
		}
		if hash != auth.HashKey(key) || strings.Contains(hash, key) || seen[key] {
			t.Fatalf("hash or uniqueness of %q", key)
		}
		seen[key] = true
	}
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	accounts := auth.NewAccounts(db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	dealer, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Dealer", Role: "dealer", Country: "BE"})
	if err != nil {
		t.Fatal(err)
	}
	agentKey, _, err := accounts.CreateKey(ctx, rma.System, desk.ID, rma.RoleAgent, "agent")
	if err != nil {
		t.Fatal(err)
	}
	dealerKey, _, err := accounts.CreateKey(ctx, rma.System, dealer.ID, rma.RoleRequester, "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := auth.Authenticate(ctx, db, agentKey)
	if err != nil || a.Role != rma.RoleAgent || a.OrgID != desk.ID {
		t.Fatalf("agent: %+v %v", a, err)
	}
	a, err = auth.Authenticate(ctx, db, dealerKey)
	if err != nil || a.Role != rma.RoleRequester || a.OrgID != dealer.ID {
		t.Fatalf("dealer: %+v %v", a, err)
	}
	// A revoked key and every malformed or wrong key fail alike.
	_, prefix, hash, _ := auth.NewKey()
	if err := db.CreateAPIKey(ctx, &rma.APIKey{OrgID: desk.ID, Role: rma.RoleAdmin, Prefix: prefix, Hash: hash, Revoked: time.Now()}); err != nil {
		t.Fatal(err)
	}
	wrongSecret := agentKey[:len(agentKey)-1] + map[bool]string{true: "a", false: "b"}[!strings.HasSuffix(agentKey, "a")]
	for _, bad := range []string{"", "rk_", "nonsense", "rk_" + prefix + "_" + strings.Repeat("a", 32), wrongSecret, strings.ToUpper(agentKey)} {
		if _, err := auth.Authenticate(ctx, db, bad); rma.ErrorCode(err) != rma.EUNAUTHORIZED {
			t.Errorf("key %q: %v", bad, err)
		}
	}
	// Keys cannot cross sides: the desk has no requester keys, a requester no desk keys.
	if _, _, err := accounts.CreateKey(ctx, rma.System, dealer.ID, rma.RoleAdmin, ""); rma.ErrorCode(err) != rma.EINVALID {
		t.Errorf("admin key for a dealer: %v", err)
	}
	if _, _, err := accounts.CreateKey(ctx, rma.System, desk.ID, rma.RoleRequester, ""); rma.ErrorCode(err) != rma.EINVALID {
		t.Errorf("requester key for the desk: %v", err)
	}
	// Only an admin manages accounts.
	agent, _ := auth.Authenticate(ctx, db, agentKey)
	if _, err := accounts.CreateOrg(ctx, agent, auth.NewOrg{Name: "X", Role: "dealer"}); rma.ErrorCode(err) != rma.EFORBIDDEN {
		t.Errorf("agent creating an organisation: %v", err)
	}
	if _, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "dealer", Role: "dealer"}); rma.ErrorCode(err) != rma.ECONFLICT {
		t.Errorf("a second organisation named dealer: %v", err)
	}
}

func TestPasswords(t *testing.T) {
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") || !auth.CheckPassword(hash, "correct horse battery") {
		t.Fatalf("hash %q does not check", hash)
	}
	for _, wrong := range []string{"correct horse batterY", "", "correct horse battery "} {
		if auth.CheckPassword(hash, wrong) {
			t.Errorf("%q passes", wrong)
		}
	}
	for _, bad := range []string{"", "$argon2id$v=19$m=0,t=3,p=2$x$y", "$bcrypt$...", hash[:len(hash)-4]} {
		if auth.CheckPassword(bad, "correct horse battery") {
			t.Errorf("malformed hash %q passes", bad)
		}
	}
	if _, err := auth.HashPassword("short"); rma.ErrorCode(err) != rma.EINVALID {
		t.Errorf("short password: %v", err)
	}
}

func TestSignIn(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	accounts := auth.NewAccounts(db)
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Shop", Role: "consumer", Country: "NL"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.CreateUser(ctx, rma.System, org.ID, "anna@shop.example", "Anna", rma.RoleRequester, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	a, _, err := auth.SignIn(ctx, db, "ANNA@shop.example ", "a long enough password")
	if err != nil || a.OrgID != org.ID || a.Role != rma.RoleRequester {
		t.Fatalf("sign in: %+v %v", a, err)
	}
	for _, c := range [][2]string{{"anna@shop.example", "wrong password!!"}, {"nobody@shop.example", "a long enough password"}} {
		if _, _, err := auth.SignIn(ctx, db, c[0], c[1]); rma.ErrorCode(err) != rma.EUNAUTHORIZED || err.Error() != "wrong email or password" {
			t.Errorf("%v: %v", c, err)
		}
	}
	if _, err := accounts.CreateUser(ctx, rma.System, org.ID, "bob@shop.example", "", rma.RoleAgent, "a long enough password"); rma.ErrorCode(err) != rma.EINVALID {
		t.Errorf("an agent in a shop: %v", err)
	}
}
