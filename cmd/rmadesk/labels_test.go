package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/policies"
)

// placeholders are what packs and templates printed instead of an address
// before the desk kept addresses (issue 12); none may appear again.
var placeholders = []string{"<number>", "(the address", "address is sent", "designated in writing", "RMA Number……", "(address"}

// TestEverySeedsLabelHasFullAddresses renders, for each of the five seeds,
// the label and packing slip of an RMA filed and authorized on a demo desk,
// reads their text back with pdftotext, and finds on each page the sender's
// and the receiver's street and postcode with city, the RMA number, and no
// placeholder instead of an address.
func TestEverySeedsLabelHasFullAddresses(t *testing.T) {
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
	t.Cleanup(func() { db.Close() })
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedDemo(ctx, io.Discard, db, set, "http://127.0.0.1:0", dir, time.Now); err != nil {
		t.Fatal(err)
	}
	for _, d := range demoOrgs {
		t.Run(d.policy, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("..", "..", "examples", "claims", d.policy+".json"))
			if err != nil {
				t.Fatal(err)
			}
			c, err := policy.ParseClaim(data)
			if err != nil {
				t.Fatal(err)
			}
			// The desk's today is the example's reported day.
			y, m, dd := c.Dates.Reported.YMD()
			svc := rma.NewService(db, set, rma.WithClock(func() time.Time { return time.Date(y, m, dd, 10, 0, 0, 0, time.UTC) }))
			c.Requester, c.Dates.Reported = policy.Requester{}, 0
			org, err := db.OrgByName(ctx, d.name)
			if err != nil {
				t.Fatal(err)
			}
			requester := rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: d.policy + "@demo.example", Org: org}
			r, _, err := svc.Submit(ctx, requester, rma.SubmitRequest{PolicyID: d.policy, Kind: c.Kind, Reference: "PO-" + d.policy,
				Lines: []rma.LineRequest{{Claim: c, Quantity: 1, PartNumber: "1.0.01.08.43501", Fault: "does not start"}}})
			if err != nil {
				t.Fatal(err)
			}
			resolution := ""
			if rule := set.Version(r.PolicyID, r.PolicyVersion).ResolutionFor(r.Route); rule != nil {
				for _, o := range rule.Offer {
					if o != "destroy_and_credit" && o != "refer_to_manufacturer" && o != "remote_fix" {
						resolution = o
						break
					}
				}
			}
			r, err = svc.Authorize(ctx, rma.Actor{Role: rma.RoleAgent, Name: "agent@demo.example"}, r.ID, r.Version, rma.AuthorizeRequest{Resolution: resolution})
			if err != nil {
				t.Fatal(err)
			}
			if r.ShipTo == nil {
				t.Fatalf("authorized without a service location of the desk (location %q)", r.Location)
			}
			for _, lang := range []string{"en", "nl"} {
				pdf, err := labelRenderer(svc)(ctx, r, lang)
				if err != nil {
					t.Fatal(err)
				}
				label, slip := pdfText(t, pdf, 1, 1), pdfText(t, pdf, 2, 0)
				for page, text := range map[string]string{"label": label, "slip": slip} {
					from, to := org.Address, r.ShipTo.Address
					for _, want := range []string{
						r.Number,
						org.Name, from.Street, from.Postcode + " " + from.City,
						r.ShipTo.Name, to.Street, to.Postcode + " " + to.City,
					} {
						if !strings.Contains(text, want) {
							t.Errorf("%s %s lacks %q:\n%s", lang, page, want, text)
						}
					}
					for _, bad := range placeholders {
						if strings.Contains(text, bad) {
							t.Errorf("%s %s shows the placeholder %q:\n%s", lang, page, bad, text)
						}
					}
				}
				// The note to enclose comes from the pack (an instruction's
				// note_inside): Mini Cart's asks for one, no other does.
				note := map[string]string{"en": "Cut along the dashed line", "nl": "Knip langs de stippellijn"}[lang]
				if got, want := strings.Contains(slip, note), d.policy == "minicart"; got != want {
					t.Errorf("%s slip of %s: note to cut out printed %v, want %v", lang, d.policy, got, want)
				}
				if d.policy == "pixfra" && !strings.Contains(slip, "PN 1.0.01.08.43501") {
					t.Errorf("the Pixfra slip lacks the part number:\n%s", slip)
				}
			}
		})
	}
}

var spaces = regexp.MustCompile(`\s+`)

// pdfText is the text of pages first..last (0: to the end), with every run
// of white space one space, since where a line wraps is the layout's
// business.
func pdfText(t *testing.T, pdf []byte, first, last int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	var out bytes.Buffer
	cmd := exec.Command("pdftotext", append(args, path, "-")...)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return spaces.ReplaceAllString(out.String(), " ")
}
