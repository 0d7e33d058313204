package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/jobs"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// addRequester adds an organisation of role and country with a user, and
// signs the user in.
func (p *portal) addRequester(name, role, country, email string) *http.Client {
	p.t.Helper()
	ctx := context.Background()
	accounts := auth.NewAccounts(p.svc.Store().(auth.AccountStore))
	org, err := accounts.CreateOrg(ctx, rma.System, auth.NewOrg{Name: name, Role: role, Country: country, Email: "returns@" + email})
	if err != nil {
		p.t.Fatal(err)
	}
	user := "rma@" + email
	if _, err := accounts.CreateUser(ctx, rma.System, org.ID, user, "", rma.RoleRequester, password); err != nil {
		p.t.Fatal(err)
	}
	return p.signIn(user)
}

// TestPoliciesOfferedPerOrganisation: the new-RMA form offers only the
// policies that apply to the organisation (its role allowed, its country
// served), and one that does not apply cannot be filed under by naming it.
func TestPoliciesOfferedPerOrganisation(t *testing.T) {
	p := newPortal(t)
	cases := []struct {
		role, country string
		want          []string
		refused       string
	}{
		{"distributor", "DE", []string{"dexxon", "minicart", "pixfra", "plextor", "webstore4"}, ""},
		{"distributor", "CN", []string{"dexxon", "minicart", "plextor", "webstore4"}, "pixfra"},
		{"consumer", "NL", []string{"minicart", "plextor", "webstore4"}, "dexxon"},
	}
	option := regexp.MustCompile(`<option value="([a-z0-9]+)">`)
	for i, c := range cases {
		t.Run(c.role+"-"+c.country, func(t *testing.T) {
			client := p.addRequester(fmt.Sprintf("Org %d", i), c.role, c.country, fmt.Sprintf("org%d.example", i))
			_, body := p.do(client, "GET", "/rmas/new", nil, "")
			var got []string
			for _, m := range option.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("offered %v, want %v", got, c.want)
			}
			if c.refused == "" {
				return
			}
			if _, body := p.do(client, "GET", "/rmas/new?policy="+c.refused, nil, ""); strings.Contains(body, `id="new-rma"`) {
				t.Errorf("the form for %s is shown to a %s in %s", c.refused, c.role, c.country)
			}
			form, ct := multipartBody([]formPart{{name: "policy", value: c.refused}, {name: "lines", value: "1"}, {name: "model_1", value: "X"}})
			if resp, _ := p.do(client, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("filing under %s: %d, want 422", c.refused, resp.StatusCode)
			}
		})
	}
}

// TestNewFormShapedByPolicy: each policy's form asks for the dates,
// documents and categories its rules read, and no others.
func TestNewFormShapedByPolicy(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	cases := []struct {
		pack      string
		want, not []string
	}{
		{"plextor", []string{`name="date_purchase_1"`, `name="date_invoice_1"`, `name="doc_vendor_invoice_1" type="file" multiple`, `Counts only with the vendor&#39;s invoice added below.`, `name="category_1" value=""`},
			[]string{`name="date_shipped_1"`, `name="date_manufactured_1"`, `name="part_1"`, `name="part_number_1"`, `name="doc_label_photo_1"`, `<select id="category_1"`}},
		{"pixfra", []string{`<select id="category_1" name="category_1"><option value="thermal-camera"`, `name="part_1"`, `name="part_number_1"`, `name="doc_label_photo_1" type="file" multiple`, `name="doc_appearance_photo_1"`, `name="date_manufactured_1"`},
			[]string{`name="date_purchase_1"`, `name="date_delivered_1"`, `name="doc_package_photos_1"`}},
		{"minicart", []string{`name="date_delivered_1"`, `name="date_shipped_1"`, `name="doc_package_photos_1" type="file" multiple`, `photos of the front and the back of the package or box`, `name="preference"`},
			[]string{`name="date_invoice_1"`, `name="doc_vendor_invoice_1"`, `name="part_1"`}},
	}
	for _, c := range cases {
		t.Run(c.pack, func(t *testing.T) {
			_, body := p.do(dist, "GET", "/rmas/new?policy="+c.pack, nil, "")
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the form lacks %s", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("the form has %s, which the policy does not read", n)
				}
			}
			// Unit 2 is the spare, folded; the submit button is the form's
			// first button, so Enter in a field files, never adds a unit.
			if !strings.Contains(body, `<details class="spare unit-spare"><summary>Add another unit</summary>`) || !strings.Contains(body, `name="model_2"`) {
				t.Error("the form has no spare unit")
			}
			form := body[strings.Index(body, `id="new-rma"`):]
			first := regexp.MustCompile(`<button[^>]*>`).FindString(form)
			if !strings.Contains(first, `type="submit" class="primary"`) || strings.Contains(first, "add_line") || strings.Contains(first, "formaction") {
				t.Errorf("the form's first button is %s, not the submit button", first)
			}
		})
	}
}

// TestUnitsKeepTheirFiles: a form of three units, the second left out and
// the third the spare, left blank, files one unit with both of its photos
// (several files for one document); the left-out unit's files are not
// stored. Then a unit after a left-out one is filed as line 2 with its own
// files.
func TestUnitsKeepTheirFiles(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	unit := func(n int, serial string) []formPart {
		s := func(k string) string { return fmt.Sprintf("%s_%d", k, n) }
		return []formPart{{name: s("category"), value: "thermal-camera"}, {name: s("part"), value: "device"}, {name: s("model"), value: "Arc A435"},
			{name: s("serial"), value: serial}, {name: s("part_number"), value: "1.0.01.08.43501"}, {name: s("quantity"), value: "1"},
			{name: s("fault"), value: "no image"}, {name: s("date_invoice"), value: "2025-06-01"}, {name: s("has_vendor_invoice"), value: "1"},
			{name: s("has_purchase_receipt"), value: "1"}, {name: s("has_shipping_document"), value: "1"}}
	}
	photo := func(name, file string) formPart {
		return formPart{name: name, filename: file, content: bytes.NewReader(png)}
	}

	parts := []formPart{{name: "policy", value: "pixfra"}, {name: "lines", value: "3"}, {name: "kind", value: "defect"}}
	parts = append(parts, unit(1, "PXF-A")...)
	parts = append(parts, photo("doc_label_photo_1", "label-a.png"), photo("doc_appearance_photo_1", "front-a.png"), photo("doc_appearance_photo_1", "back-a.png"))
	parts = append(parts, unit(2, "PXF-B")...)
	parts = append(parts, formPart{name: "leave_2", value: "1"}, photo("doc_label_photo_2", "label-b.png"))
	parts = append(parts, formPart{name: "quantity_3", value: "1"}, formPart{name: "part_3", value: "device"}) // the spare, as a browser sends it
	form, ct := multipartBody(parts)
	resp, body := p.do(dist, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	ctx := context.Background()
	got, err := p.svc.Store().RMA(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Lines) != 1 || got.Lines[0].Claim.Product.Serial != "PXF-A" {
		t.Fatalf("filed %d lines (%v), want PXF-A alone", len(got.Lines), got.Lines)
	}
	docs, _ := p.svc.Store().Documents(ctx, 1)
	var names []string
	for _, d := range docs {
		names = append(names, fmt.Sprintf("%s:%d:%s", d.Kind, d.LineNo, d.Filename))
	}
	if want := "[label_photo:1:label-a.png appearance_photo:1:front-a.png appearance_photo:1:back-a.png]"; fmt.Sprint(names) != want {
		t.Errorf("stored %v, want %s", names, want)
	}
	if got.State != rma.Submitted {
		t.Errorf("the RMA is %s, want submitted (its photos counted)", got.State)
	}

	// Unit 2 left out, unit 3 filled: unit 3 is line 2 with its files.
	parts = []formPart{{name: "policy", value: "pixfra"}, {name: "lines", value: "3"}, {name: "kind", value: "defect"}}
	parts = append(parts, unit(1, "PXF-C")...)
	parts = append(parts, photo("doc_label_photo_1", "label-c.png"), photo("doc_appearance_photo_1", "c.png"))
	parts = append(parts, unit(2, "PXF-D")...)
	parts = append(parts, formPart{name: "leave_2", value: "1"})
	parts = append(parts, unit(3, "PXF-E")...)
	parts = append(parts, photo("doc_label_photo_3", "label-e.png"), photo("doc_appearance_photo_3", "e.png"))
	form, ct = multipartBody(parts)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	got, _ = p.svc.Store().RMA(ctx, 2)
	if len(got.Lines) != 2 || got.Lines[1].Claim.Product.Serial != "PXF-E" || got.Lines[1].No != 2 {
		t.Fatalf("filed %v, want PXF-C and PXF-E as lines 1 and 2", got.Lines)
	}
	docs, _ = p.svc.Store().Documents(ctx, 2)
	names = nil
	for _, d := range docs {
		names = append(names, fmt.Sprintf("%s:%d:%s", d.Kind, d.LineNo, d.Filename))
	}
	if want := "[label_photo:1:label-c.png appearance_photo:1:c.png label_photo:2:label-e.png appearance_photo:2:e.png]"; fmt.Sprint(names) != want {
		t.Errorf("stored %v, want %s", names, want)
	}

	// A browser without the script asks for one more unit: the form comes
	// back with the units filled in, one more open, a new spare, and says
	// the files must be chosen again.
	parts = []formPart{{name: "policy", value: "pixfra"}, {name: "lines", value: "2"}, {name: "kind", value: "defect"}, {name: "add_line", value: "1"}}
	parts = append(parts, unit(1, "PXF-F")...)
	parts = append(parts, photo("doc_label_photo_1", "label-f.png"))
	form, ct = multipartBody(parts)
	resp, body = p.do(dist, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="PXF-F"`) || !strings.Contains(body, `id="unit-2"`) ||
		!strings.Contains(body, `<details class="spare unit-spare"><summary>Add another unit</summary>`+"\n"+`  <fieldset class="unit" id="unit-3"`) ||
		!strings.Contains(body, "choose them again") {
		t.Errorf("add a unit without the script: %d\n%s", resp.StatusCode, body)
	}
}

// TestOneMoreInformationEmail: a submission with photos that still lacks
// a document mails the requester one "More information needed", not two
// (the portal decided the RMA again after storing the photos, which found
// the same thing missing and queued a second, identical email).
func TestOneMoreInformationEmail(t *testing.T) {
	p := newPortal(t)
	client := p.addRequester("Mailed Distributor", "distributor", "DE", "mailed.example")
	parts := append(pixfraFields("PXF-MAIL"), formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)})
	form, ct := multipartBody(parts) // no appearance photo: needs_info
	if resp, body := p.do(client, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	got, err := p.svc.Store().RMA(context.Background(), 1)
	if err != nil || got.State != rma.NeedsInfo {
		t.Fatalf("the RMA is %v (%v), want needs_info", got.State, err)
	}
	runner := jobs.New(p.svc, jobs.Config{Sender: p.outbox})
	for range 20 {
		did, err := runner.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !did {
			break
		}
	}
	n := 0
	for _, m := range p.outbox.Sent() {
		if strings.HasPrefix(m.Subject, "More information needed") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d 'More information needed' emails, want 1 (sent: %d)", n, len(p.outbox.Sent()))
	}
}

// TestRequesterTextsComplete: every key the requester's templates build
// from data (a resolution the seeds offer, a verdict, a route, a state, a
// document, a part, a date) is in English and in Dutch; a key the
// catalogue lacks would show as [key] on the page.
func TestRequesterTextsComplete(t *testing.T) {
	p := newPortal(t)
	var keys []string
	for _, id := range p.svc.Policies().IDs() {
		pol := p.svc.Policies().Latest(id)
		for _, r := range pol.Resolutions {
			for _, o := range r.Offer {
				keys = append(keys, "req.choice."+o)
			}
		}
		for _, part := range pol.Parts() {
			keys = append(keys, "req.part."+part)
		}
	}
	for _, v := range []string{"accept", "needs_info", "review", "reject"} {
		keys = append(keys, "plain.verdict."+v)
	}
	for _, r := range []string{"doa", "warranty", "withdrawal", "chargeable"} {
		keys = append(keys, "plain.route."+r)
	}
	for _, st := range rma.States {
		keys = append(keys, "st.todo."+string(st))
	}
	for _, s := range lifeSteps {
		keys = append(keys, "st.step."+s.Key)
	}
	for _, s := range offPath {
		keys = append(keys, "st.step."+string(s))
	}
	for _, d := range formDates {
		keys = append(keys, "req.date."+d, "plain.date."+d)
	}
	for _, d := range []string{"purchase_receipt", "vendor_invoice", "shipping_document", "proforma_invoice", "label_photo", "appearance_photo", "package_photos", "shipment_slip", "defect_media"} {
		keys = append(keys, "req.doc."+d)
	}
	for _, lang := range []string{"en", "nl"} {
		for _, k := range keys {
			if _, ok := catalogue[lang][k]; !ok {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}

// TestWithdrawAsksFirst: the requester's page links to a confirmation
// page, apart from its next steps; that page withdraws nothing itself
// (its form posts the withdrawal), another organisation's requester gets
// 404 for it, and an RMA that can no longer be withdrawn says so.
func TestWithdrawAsksFirst(t *testing.T) {
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	_, page := p.do(dist, "GET", "/rmas/1", nil, "")
	i := strings.Index(page, `id="todo"`)
	if i < 0 {
		t.Fatalf("the requester's page has no next steps:\n%s", page)
	}
	todo := page[i:]
	todo = todo[:strings.Index(todo, "</div>")+1]
	if strings.Contains(todo, "withdraw") || strings.Contains(todo, "act/cancel") {
		t.Errorf("withdrawing is among the next steps:\n%s", todo)
	}
	if strings.Contains(page, `action="/rmas/1/act/cancel"`) || !strings.Contains(page, `href="/rmas/1/withdraw"`) {
		t.Error("the RMA page withdraws in one click, or does not link to the confirmation")
	}
	resp, body := p.do(dist, "GET", "/rmas/1/withdraw", nil, "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/rmas/1/act/cancel"`) || !strings.Contains(body, "cannot be undone") {
		t.Fatalf("the confirmation page: %d\n%s", resp.StatusCode, body)
	}
	if got, _ := p.svc.Store().RMA(context.Background(), 1); got.State != rma.Submitted {
		t.Fatalf("opening the confirmation withdrew the RMA: %s", got.State)
	}
	other := p.addRequester("Other Distributor", "distributor", "DE", "other.example")
	if resp, _ := p.do(other, "GET", "/rmas/1/withdraw", nil, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's requester: %d, want 404", resp.StatusCode)
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if resp, _ := p.form(dist, "/rmas/1/act/cancel", url.Values{"version": {version[1]}, "reason": {"ordered by mistake"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdrawing: %d", resp.StatusCode)
	}
	if got, _ := p.svc.Store().RMA(context.Background(), 1); got.State != rma.Resolved || got.Outcome != rma.Withdrawn {
		t.Fatalf("after withdrawing the RMA is %s %s", got.State, got.Outcome)
	}
	if resp, body := p.do(dist, "GET", "/rmas/1/withdraw", nil, ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "can no longer be withdrawn") {
		t.Errorf("withdrawing a resolved RMA again: %d, want 422 saying so", resp.StatusCode)
	}
}
