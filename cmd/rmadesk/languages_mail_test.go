package main

import (
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// TestNLOrganisationMailsInDutch: two Pixfra distributors file and are
// authorized alike; the one whose organisation reads Dutch (rmadesk org
// language) gets its emails in Dutch, with Pixfra's instructions in
// Dutch, the other in English. Real SQLite, the real jobs runner, and the
// SMTP sender talking to an SMTP server in the test.
func TestNLOrganisationMailsInDutch(t *testing.T) {
	mb := startMailbox(t)
	dir := t.TempDir()
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Desk", "--desk", "--email", "desk@desk.example")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Bakker Beveiliging", "--role", "distributor", "--country", "NL", "--email", "rma@bakker.example")
	cli(t, "", "org", "create", "--data-dir", dir, "--name", "Keller Sicherheit", "--role", "distributor", "--country", "DE", "--email", "rma@keller.example")
	cli(t, "", "org", "language", "--data-dir", dir, "--org", "Bakker Beveiliging", "--language", "nl")

	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	svc := rma.NewService(db, set, rma.WithClock(now))
	desk, err := db.OrgByName(ctx, "Desk")
	if err != nil {
		t.Fatal(err)
	}
	agent := rma.Actor{OrgID: desk.ID, Role: rma.RoleAgent, Name: "agent"}
	admin := rma.Actor{OrgID: desk.ID, Role: rma.RoleAdmin, Name: "admin"}
	pixfra := set.Latest("pixfra")
	for _, l := range pixfra.ServiceLocations {
		if _, err := svc.CreateLocation(ctx, admin, rma.NewLocation{Code: l.Location, Name: l.Name,
			Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV", City: "Waalwijk", Country: "NL"}}); err != nil && rma.ErrorCode(err) != rma.ECONFLICT {
			t.Fatal(err)
		}
	}
	numbers := map[string]string{}
	for _, name := range []string{"Bakker Beveiliging", "Keller Sicherheit"} {
		org, err := db.OrgByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2025-06-01", "reported": "2026-03-02"},
			"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`))
		if err != nil {
			t.Fatal(err)
		}
		r, _, err := svc.Submit(ctx, rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: name}, rma.SubmitRequest{PolicyID: "pixfra",
			Lines: []rma.LineRequest{{Claim: c, PartNumber: "1.0.01.08.43501"}}})
		if err != nil {
			t.Fatal(err)
		}
		if r, err = svc.Authorize(ctx, agent, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "repair"}); err != nil {
			t.Fatal(err)
		}
		numbers[org.Email] = r.Number
	}

	sender, err := notify.NewSMTPSender(notify.SMTPConfig{Host: mb.host, Port: mb.port, From: "returns@desk.example", TLS: notify.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	runner := jobs.New(svc, jobs.Config{Sender: sender, Now: now, Worker: "w1"})
	for {
		did, err := runner.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			break
		}
	}

	dutch := mb.waitFor(t, "rma@bakker.example", 10*time.Second, "Ontvangen: ", "Retour goedgekeurd: ")
	english := mb.waitFor(t, "rma@keller.example", 10*time.Second, "Received: ", "Authorized: ")
	var dutchInstructions, englishInstructions []string
	var asksForANumber []string
	for _, in := range pixfra.Instructions {
		if in.BeforeNumber {
			// "Apply for the RMA number": done once the mail carries one.
			asksForANumber = append(asksForANumber, in.Text)
			continue
		}
		nl, ok := pixfra.Say("nl", in.Key, in.Text)
		if !ok {
			t.Fatalf("pixfra's instruction %s has no Dutch", in.Key)
		}
		dutchInstructions = append(dutchInstructions, nl)
		englishInstructions = append(englishInstructions, in.Text)
	}
	authorizedNL, authorizedEN := dutch[1].Text, english[1].Text
	for _, want := range append([]string{"Uw retour", "is goedgekeurd", numbers["rma@bakker.example"]}, dutchInstructions...) {
		if !strings.Contains(authorizedNL, want) {
			t.Errorf("the Dutch authorization mail lacks %q:\n%s", want, authorizedNL)
		}
	}
	for _, notWant := range englishInstructions {
		if strings.Contains(authorizedNL, notWant) {
			t.Errorf("the Dutch authorization mail has the English %q", notWant)
		}
	}
	for _, want := range append([]string{numbers["rma@keller.example"]}, englishInstructions...) {
		if !strings.Contains(authorizedEN, want) {
			t.Errorf("the English authorization mail lacks %q:\n%s", want, authorizedEN)
		}
	}
	if len(asksForANumber) == 0 {
		t.Fatal("pixfra has no instruction to ask for a number: the test no longer shows it is left out")
	}
	for _, notWant := range asksForANumber {
		if strings.Contains(authorizedEN, notWant) {
			t.Errorf("the authorization mail still asks for a number: %q", notWant)
		}
	}
	if strings.Contains(authorizedEN, "Uw retour") {
		t.Errorf("the English organisation got Dutch:\n%s", authorizedEN)
	}
}

// TestDutchLabelInstructions: the Dutch packing slip carries the pack's
// instructions in Dutch, with the RMA number written in; the English one
// the pack's own.
func TestDutchLabelInstructions(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed: scripts/deps.sh installs it")
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "rmadesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, io.Discard, db, set, "http://127.0.0.1:0", dir, time.Now); err != nil {
		t.Fatal(err)
	}
	svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC) }))
	org, err := db.OrgByName(ctx, "Demo Partner for Dexxon")
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.ParseClaim([]byte(`{"requester": {"role": "partner"}, "product": {"category": "ssd", "model": "DX-SSD-1TB", "serial": "DX24031500123"},
		"dates": {"purchase": "2025-03-15", "reported": "2026-03-02"}, "documents": ["purchase_receipt"]}`))
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := svc.Submit(ctx, rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "dexxon@demo.example", Org: org},
		rma.SubmitRequest{PolicyID: "dexxon", Lines: []rma.LineRequest{{Claim: c, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if r, err = svc.Authorize(ctx, rma.Actor{Role: rma.RoleAgent, Name: "agent@demo.example"}, r.ID, r.Version, rma.AuthorizeRequest{Resolution: "return"}); err != nil {
		t.Fatal(err)
	}
	dexxon := set.Latest("dexxon")
	for _, lang := range []string{"nl", "en"} {
		pdf, err := labelRenderer(svc)(ctx, r, lang)
		if err != nil {
			t.Fatal(err)
		}
		slip := pdfText(t, pdf, 2, 0)
		for _, in := range dexxon.InstructionsFor(r.Route) {
			text, ok := dexxon.Say(lang, in.Key, in.Text)
			if lang == "nl" && !ok {
				t.Fatalf("dexxon's instruction %s has no Dutch", in.Key)
			}
			// pdftotext breaks lines; compare the first words.
			want := strings.Join(strings.Fields(rma.FillNumber(text, r.Number))[:4], " ")
			if !strings.Contains(spaces.ReplaceAllString(slip, " "), want) {
				t.Errorf("the %s slip lacks the instruction %q:\n%s", lang, want, slip)
			}
		}
	}
}
