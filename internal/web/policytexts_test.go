package web

import (
	"bytes"
	"context"
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// packPortal is a portal on the day of a pack's example claim, with that
// claim filed by a requester of the claim's role and country and
// authorized by the desk, so its page shows the decision's reasons and the
// policy's instructions.
type packPortal struct {
	*portal
	pol *policy.Policy
	rma *rma.RMA
}

func newPackPortal(t *testing.T, set *policy.Set, packID string) *packPortal {
	t.Helper()
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", "claims", packID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	claim, err := policy.ParseClaim(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "web.db")
	sqlitetest.Prepare(t, path)
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	files, err := filestore.Open(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	today := claim.Dates.Reported.Time().Add(9 * time.Hour)
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return today }))
	accounts := auth.NewAccounts(db)
	desk, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Desk", IsDesk: true})
	if err != nil {
		t.Fatal(err)
	}
	req, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: "Requester", Role: claim.Requester.Role.String(), Country: claim.Requester.Country})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		org   int64
		email string
		role  rma.Role
	}{{desk.ID, "agent@desk.example", rma.RoleAgent}, {req.ID, "rma@requester.example", rma.RoleRequester}} {
		if _, err := accounts.CreateUser(ctx, rma.System, u.org, u.email, "", u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	pol := set.InForce(packID, claim.Dates.Reported)
	admin := rma.Actor{OrgID: desk.ID, Role: rma.RoleAdmin, Name: "admin"}
	for _, l := range pol.ServiceLocations {
		// The desk has every station the pack's rules name.
		if _, err := svc.CreateLocation(ctx, admin, rma.NewLocation{Code: l.Location, Name: l.Name,
			Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV", City: "Waalwijk", Country: "NL"}}); err != nil && rma.ErrorCode(err) != rma.ECONFLICT {
			t.Fatal(err)
		}
	}
	r, _, err := svc.Submit(ctx, rma.Actor{OrgID: req.ID, Role: rma.RoleRequester, Name: "rma@requester.example"}, rma.SubmitRequest{
		PolicyID: packID, Kind: claim.Kind, Lines: []rma.LineRequest{{Claim: claim, Quantity: 1, PartNumber: "1.0.01.08.43501", Fault: "no image"}}})
	if err != nil {
		t.Fatal(err)
	}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent@desk.example"}
	if offer := r.Lines[0].Decision.Resolutions; len(offer) > 0 {
		resolution := offer[0]
		for _, o := range offer {
			if o == "return" { // Dexxon's first offer, destroy and credit, takes no parcel
				resolution = o
			}
		}
		if r, err = svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: resolution}); err != nil {
			t.Fatalf("authorize %s: %v", packID, err)
		}
	}
	s, err := New(svc, Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &packPortal{portal: &portal{t: t, srv: srv, svc: svc}, pol: pol, rma: r}
}

// rmaPage is the RMA's page as the agent reads it in lang.
func (pp *packPortal) rmaPage(lang string) string {
	c := pp.signIn("agent@desk.example")
	resp, body := pp.do(c, "GET", "/rmas/"+strconv.FormatInt(pp.rma.ID, 10), nil, "", "Accept-Language", lang)
	if resp.StatusCode != http.StatusOK {
		pp.t.Fatalf("GET the RMA's page: %d %s", resp.StatusCode, body)
	}
	return body
}

// TestDutchPolicyTexts: for every seed pack, the Dutch RMA page shows the
// decision's reasons, the instructions and the policy's title in Dutch
// (the pack's Dutch texts, the engine's Dutch wordings), none of them
// marked as falling back; the English page shows the English.
func TestDutchPolicyTexts(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range set.IDs() {
		t.Run(id, func(t *testing.T) {
			pp := newPackPortal(t, set, id)
			if pp.rma.Number == "" {
				t.Fatalf("the example claim of %s was not authorized (state %s): no instructions to show", id, pp.rma.State)
			}
			nl, en := pp.rmaPage("nl"), pp.rmaPage("en")
			if strings.Contains(nl, `class="fallback"`) {
				t.Errorf("the Dutch page marks a fallback")
			}
			var texts int
			want := func(what, dutch, english string) {
				t.Helper()
				texts++
				if !strings.Contains(nl, html.EscapeString(dutch)) {
					t.Errorf("the Dutch page lacks %s %q", what, dutch)
				}
				if dutch != english && strings.Contains(nl, html.EscapeString(english)) {
					t.Errorf("the Dutch page shows %s in English: %q", what, english)
				}
				if !strings.Contains(en, html.EscapeString(english)) {
					t.Errorf("the English page lacks %s %q", what, english)
				}
			}
			for _, r := range pp.rma.Lines[0].Decision.Reasons {
				dutch, ok := pp.pol.ReasonText("nl", r)
				if !ok {
					t.Errorf("reason %s has no Dutch", r.Code)
				}
				want("reason "+r.Code, dutch, r.Text)
			}
			instructions := rma.GuideFor(pp.pol, pp.rma).Instructions
			if len(instructions) == 0 {
				t.Fatal("no instructions on the route")
			}
			for _, in := range instructions {
				dutch, ok := pp.pol.Say("nl", in.Key, in.Text)
				if !ok {
					t.Errorf("instruction %s has no Dutch", in.Key)
				}
				want("instruction "+in.Key, rma.FillNumber(dutch, pp.rma.Number), in.Text)
			}
			title, _ := pp.pol.Text("nl", "title")
			version := " (" + pp.pol.ID + " " + pp.pol.Version + ")"
			want("the title", title+version, pp.pol.Title+version)
			t.Logf("%s: %d texts in Dutch", id, texts)
		})
	}
}

// TestDutchPolicyTextsFallBack: a pack without Dutch texts is shown in
// English on the Dutch page, each such text marked and tagged lang="en";
// the engine's own wordings are still Dutch.
func TestDutchPolicyTextsFallBack(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "minicart.nl.yaml" {
			return err
		}
		data, err := fs.ReadFile(policies.FS, path)
		fsys[path] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	pp := newPackPortal(t, set, "minicart")
	nl := pp.rmaPage("nl")
	note := html.EscapeString(catalogue["nl"]["policy.fallback"])
	for _, in := range rma.GuideFor(pp.pol, pp.rma).Instructions {
		if !strings.Contains(nl, `<span lang="en">`+html.EscapeString(in.Text)+`</span> <small class="fallback">`+note+`</small>`) {
			t.Errorf("the instruction %q is not shown in English, marked", in.Text)
		}
	}
	if !strings.Contains(nl, `<span lang="en">Mini Cart return policy</span>`) {
		t.Error("the title is not shown in English, marked")
	}
	for _, r := range pp.rma.Lines[0].Decision.Reasons {
		if r.Key == "" { // the engine's own wording: Dutch whatever the pack has
			if dutch, ok := pp.pol.ReasonText("nl", r); !ok || !strings.Contains(nl, html.EscapeString(dutch)) {
				t.Errorf("reason %s: no Dutch %q", r.Code, dutch)
			}
		}
	}
}

// TestResetMailLanguage: a password-reset mail goes in the user's language,
// else the organisation's, else the language of the page it was asked
// from.
func TestResetMailLanguage(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	st := p.svc.Store()
	ls := st.(rma.LanguageStore)
	u, err := st.UserByEmail(ctx, "rma@dist.example")
	if err != nil {
		t.Fatal(err)
	}
	ask := func(acceptLanguage string) string {
		t.Helper()
		before := len(p.outbox.Sent())
		resp, _ := p.form(p.browser(), "/reset", url.Values{"email": {"rma@dist.example"}}, "Accept-Language", acceptLanguage)
		sent := p.outbox.Sent()
		if resp.StatusCode != http.StatusOK || len(sent) != before+1 {
			t.Fatalf("reset: %d, %d mails", resp.StatusCode, len(sent)-before)
		}
		return sent[len(sent)-1].Subject
	}
	if got := ask("nl"); !strings.HasPrefix(got, "Wachtwoord opnieuw instellen") {
		t.Errorf("no language set, Dutch page: %q", got)
	}
	if err := ls.SetOrgLanguage(ctx, u.OrgID, "nl"); err != nil {
		t.Fatal(err)
	}
	if got := ask("en"); !strings.HasPrefix(got, "Wachtwoord opnieuw instellen") {
		t.Errorf("the organisation reads Dutch, English page: %q", got)
	}
	if err := ls.SetUserLanguage(ctx, u.ID, "en"); err != nil {
		t.Fatal(err)
	}
	if got := ask("nl"); !strings.HasPrefix(got, "Reset your password") {
		t.Errorf("the user reads English, Dutch page: %q", got)
	}
}

// TestSignInOpensInTheUsersLanguage: a user whose organisation reads Dutch
// gets the Dutch portal after signing in from an English browser; a
// browser that chose a language keeps it.
func TestSignInOpensInTheUsersLanguage(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	u, err := p.svc.Store().UserByEmail(ctx, "rma@dist.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.svc.Store().(rma.LanguageStore).SetOrgLanguage(ctx, u.OrgID, "nl"); err != nil {
		t.Fatal(err)
	}
	c := p.signIn("rma@dist.example")
	if _, body := p.do(c, "GET", "/rmas", nil, "", "Accept-Language", "en"); !strings.Contains(body, `<html lang="nl">`) {
		t.Error("the portal did not open in the organisation's language")
	}
	chose := p.browser()
	srv, _ := url.Parse(p.srv.URL)
	chose.Jar.SetCookies(srv, []*http.Cookie{{Name: "lang", Value: "en", Path: "/"}})
	resp, _ := p.form(chose, "/login", url.Values{"email": {"rma@dist.example"}, "password": {password}, "next": {"/rmas"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	if _, body := p.do(chose, "GET", "/rmas", nil, ""); !strings.Contains(body, `<html lang="en">`) {
		t.Error("the browser's own choice of language was overridden")
	}
}
