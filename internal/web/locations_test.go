package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// TestPortalStationsAndPartNumbers: the new-RMA form asks for Pixfra's
// part number and refuses a line without it, naming the field; the agent's
// authorize form offers the desk's stations and sends the goods to the one
// chosen; the RMA page shows the station's full address and, after
// receiving at the bench's form, the part-number flag (in English and
// Dutch).
func TestPortalStationsAndPartNumbers(t *testing.T) {
	p := newPortal(t)
	ctx := context.Background()
	admin := rma.Actor{Role: rma.RoleAdmin, Name: "test"}
	for _, l := range []rma.NewLocation{
		{Code: "pixfra-eu", Name: "Pixfra Europe Repair Station", Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV", City: "Waalwijk", Country: "NL", Note: "Dock 3, weekdays 8:00-16:00"}},
		{Code: "pixfra-apac", Name: "Pixfra Asia-Pacific Repair Centre", Address: rma.Address{Street: "21 Ubi Road 1, #04-11", Postcode: "408724", City: "Singapore", Country: "SG"}},
	} {
		if _, err := p.svc.CreateLocation(ctx, admin, l); err != nil {
			t.Fatal(err)
		}
	}
	dist := p.signIn("rma@dist.example")
	_, body := p.do(dist, "GET", "/rmas/new?policy=pixfra", nil, "")
	if !strings.Contains(body, `name="part_number_1"`) || !regexp.MustCompile(`name="part_number_1" value=""\s*required`).MatchString(body) {
		t.Fatalf("the Pixfra form has no required part number field")
	}
	// Without the part number: the form comes back with the message.
	parts := []formPart{}
	for _, fp := range pixfraFields("PXF7") {
		if fp.name != "part_number_1" {
			parts = append(parts, fp)
		}
	}
	form, ct := multipartBody(parts)
	resp, body := p.do(dist, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "required by policy pixfra [serial-and-part]") {
		t.Fatalf("a line without a part number: %d, want 422 naming the field", resp.StatusCode)
	}
	form, ct = multipartBody(append(pixfraFields("PXF7"), formPart{name: "has_label_photo_1", value: "1"}, formPart{name: "has_appearance_photo_1", value: "1"}))
	resp, _ = p.do(dist, "POST", "/rmas/new", form, ct)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	path := resp.Header.Get("Location")

	agent := p.signIn("agent@desk.example")
	_, body = p.do(agent, "GET", path, nil, "")
	if !strings.Contains(body, `name="location"`) || !strings.Contains(body, `<option value="pixfra-apac">`) || !strings.Contains(body, "(pixfra-eu)") {
		t.Fatalf("the authorize form offers no stations, or not the policy's default")
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	resp, _ = p.form(agent, path+"/act/authorize", url.Values{"version": {version[1]}, "resolution": {"repair"}, "location": {"pixfra-apac"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	_, body = p.do(dist, "GET", path, nil, "")
	for _, want := range []string{"Pixfra Asia-Pacific Repair Centre", "21 Ubi Road 1, #04-11", "408724 Singapore", "1.0.01.08.43501"} {
		if !strings.Contains(body, want) {
			t.Errorf("the RMA page lacks %q", want)
		}
	}
	var id int64
	got, _, err := p.svc.List(ctx, rma.Actor{Role: rma.RoleAgent, Name: "agent"}, rma.ListFilter{})
	if err != nil || len(got) != 1 {
		t.Fatalf("list: %v %v", got, err)
	}
	id = got[0].ID
	r, err := p.svc.Get(ctx, rma.Actor{Role: rma.RoleAgent}, id)
	if err != nil {
		t.Fatal(err)
	}
	// The bench receives by the number and types what the unit's label says.
	_, body = p.do(agent, "GET", "/receiving?number="+url.QueryEscape(r.Number), nil, "")
	if !strings.Contains(body, `name="part_number_1"`) {
		t.Fatalf("the receiving form does not ask for the part number")
	}
	resp, body = p.form(agent, "/receiving", url.Values{"number": {r.Number}, "serial_1": {"PXF7"}, "part_number_1": {"1.0.01.08.49999"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("receiving: %d %s", resp.StatusCode, body)
	}
	_, body = p.do(dist, "GET", path, nil, "")
	if !strings.Contains(body, "Flagged: part number 1.0.01.08.43501 was reserved, 1.0.01.08.49999 was received.") ||
		!strings.Contains(body, "part number differs from the reservation") {
		t.Fatalf("the RMA page does not show the part-number flag and its event")
	}
	p.do(dist, "GET", "/lang/nl", nil, "")
	_, body = p.do(dist, "GET", path, nil, "")
	if !strings.Contains(body, "Gemarkeerd: onderdeelnummer 1.0.01.08.43501 was aangemeld, 1.0.01.08.49999 is ontvangen.") {
		t.Fatalf("the Dutch RMA page does not show the flag")
	}
}
