package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// pixfraStations are the four stations of the Pixfra pack's location rules,
// as an admin enters them.
var pixfraStations = []map[string]any{
	{"code": "pixfra-eu", "name": "Pixfra Europe Repair Station", "address": map[string]any{
		"street": "Industrieweg 44", "postcode": "5145 PV", "city": "Waalwijk", "region": "Noord-Brabant", "country": "NL",
		"contact": "RMA intake", "phone": "+31 416 555 014"}},
	{"code": "pixfra-na", "name": "Pixfra North America Service Center", "address": map[string]any{
		"street": "2150 Northwest Parkway, Suite 120", "postcode": "30067", "city": "Marietta", "region": "GA", "country": "US"}},
	{"code": "pixfra-apac", "name": "Pixfra Asia-Pacific Repair Centre", "address": map[string]any{
		"street": "21 Ubi Road 1, #04-11", "postcode": "408724", "city": "Singapore", "country": "SG"}},
	{"code": "pixfra-cn", "name": "Pixfra Central Repair Station", "address": map[string]any{
		"street": "No. 88 Jiangling Road, Binjiang District", "postcode": "310051", "city": "Hangzhou", "region": "Zhejiang", "country": "CN"}},
}

// addPixfraStations enters the stations through the API and a Pixfra
// distributor in the United States beside the harness's German one.
func addPixfraStations(t *testing.T, h *harness) (usKey string) {
	t.Helper()
	for _, st := range pixfraStations {
		l := h.must(http.StatusCreated, "POST", "/api/v1/locations", h.keys["admin"], st)
		if l["code"] != st["code"] || len(l["lines"].([]any)) < 3 {
			t.Fatalf("created location: %v", l)
		}
	}
	accounts := auth.NewAccounts(h.db)
	us, err := accounts.CreateOrg(context.Background(), rma.System, auth.NewOrg{Name: "Org pixfra US", Role: "distributor", Country: "US"})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := accounts.CreateKey(context.Background(), rma.System, us.ID, rma.RoleRequester, "pixfra-us")
	if err != nil {
		t.Fatal(err)
	}
	h.orgs["pixfra-us"] = us
	return key
}

// TestPixfraStationByRegion: a Pixfra authorization sends the goods to the
// station of the requester's region, copies its address onto the RMA, and
// the agent may designate another; on both databases.
func TestPixfraStationByRegion(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { pixfraStationByRegion(t, newHarnessOn(t, b)) })
	}
}

func pixfraStationByRegion(t *testing.T, h *harness) {
	usKey := addPixfraStations(t, h)
	docs := []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"}

	// Germany goes to Europe, the United States to North America.
	for _, tc := range []struct {
		key, want, street string
	}{
		{h.keys["pixfra"], "pixfra-eu", "Industrieweg 44"},
		{usKey, "pixfra-na", "2150 Northwest Parkway, Suite 120"},
	} {
		rmaID := id(h.submit(tc.key, pixfraSubmission(docs)))
		r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
		if str(r, "ship_to", "code") != tc.want || str(r, "ship_to", "address", "street") != tc.street {
			t.Fatalf("station for %s: ship_to %v, want %s at %s", tc.want, r["ship_to"], tc.want, tc.street)
		}
		addr := strings.Join(strs(r["return_address"]), " | ")
		if !strings.Contains(addr, tc.street) || !strings.Contains(addr, str(r, "number")) {
			t.Fatalf("return address %q: want the station's street and the RMA number", addr)
		}
		// The requester sees where to send it too.
		mine := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d", rmaID), tc.key, nil)
		if str(mine, "ship_to", "code") != tc.want {
			t.Fatalf("the requester's view: %v", mine["ship_to"])
		}
	}

	// The agent designates another station; the event says who chose.
	rmaID := id(h.submit(h.keys["pixfra"], pixfraSubmission(docs)))
	bad := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID), h.keys["agent"],
		map[string]any{"resolution": "repair", "location": "pixfra-moon"}, "If-Match", h.etag(rmaID))
	if bad.status != http.StatusUnprocessableEntity || str(bad.json(t), "errors", 0, "field") != "location" {
		t.Fatalf("an unknown station: %d %s", bad.status, bad.body)
	}
	h.must(http.StatusOK, "PATCH", "/api/v1/locations/pixfra-cn", h.keys["admin"], map[string]any{"active": false})
	inactive := h.do("POST", fmt.Sprintf("/api/v1/rmas/%d/authorize", rmaID), h.keys["agent"],
		map[string]any{"resolution": "repair", "location": "pixfra-cn"}, "If-Match", h.etag(rmaID))
	if inactive.status != http.StatusUnprocessableEntity || !strings.Contains(string(inactive.body), "inactive") {
		t.Fatalf("an inactive station: %d %s", inactive.status, inactive.body)
	}
	r := h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair", "location": "pixfra-apac"})
	if str(r, "ship_to", "code") != "pixfra-apac" || str(r, "ship_to", "address", "city") != "Singapore" {
		t.Fatalf("the agent's station: %v", r["ship_to"])
	}
	evs := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["admin"], nil)["events"].([]any)
	last := evs[len(evs)-1]
	if str(last, "details", "location") != "pixfra-apac" || str(last, "details", "location_chosen_by") != "agent" {
		t.Fatalf("the authorize event: %v", last)
	}

	// A later edit of the station does not change an issued label's address.
	h.must(http.StatusOK, "PATCH", "/api/v1/locations/pixfra-apac", h.keys["admin"], map[string]any{"address": map[string]any{
		"street": "1 Changi Business Park Crescent", "postcode": "486025", "city": "Singapore", "country": "SG"}})
	if got := h.get(rmaID); str(got, "ship_to", "address", "street") != "21 Ubi Road 1, #04-11" {
		t.Fatalf("after the station moved, the RMA's copy: %v", got["ship_to"])
	}
	listed := h.must(http.StatusOK, "GET", "/api/v1/locations", h.keys["agent"], nil)["locations"].([]any)
	if len(listed) != 4 || str(listed, 0, "code") != "pixfra-apac" || str(listed, 0, "address", "street") != "1 Changi Business Park Crescent" {
		t.Fatalf("locations: %v", listed)
	}
}

// TestLocationInput: a location or an address a courier would refuse is
// 422 naming the field, a taken code 409, requesters may not see them.
func TestLocationInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	good := map[string]any{"street": "Curieweg 15", "postcode": "2408 BZ", "city": "Alphen aan den Rijn", "country": "NL"}
	with := func(k string, v any) map[string]any {
		a := map[string]any{}
		for kk, vv := range good {
			a[kk] = vv
		}
		if v == nil {
			delete(a, k)
		} else {
			a[k] = v
		}
		return a
	}
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no street", map[string]any{"code": "x", "name": "X", "address": with("street", nil)}, "address.street"},
		{"street without number", map[string]any{"code": "x", "name": "X", "address": with("street", "Curieweg")}, "address.street"},
		{"no postcode", map[string]any{"code": "x", "name": "X", "address": with("postcode", "")}, "address.postcode"},
		{"no city", map[string]any{"code": "x", "name": "X", "address": with("city", " ")}, "address.city"},
		{"bad country", map[string]any{"code": "x", "name": "X", "address": with("country", "UK")}, "address.country"},
		{"bad phone", map[string]any{"code": "x", "name": "X", "address": with("phone", "call me")}, "address.phone"},
		{"bad code", map[string]any{"code": "Alphen NL", "name": "X", "address": good}, "code"},
		{"no name", map[string]any{"code": "x", "address": good}, "name"},
		{"unknown key", map[string]any{"code": "x", "name": "X", "address": with("house", "15")}, "address.house"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := h.do("POST", "/api/v1/locations", h.keys["admin"], tc.body)
			if resp.status != http.StatusUnprocessableEntity && resp.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 422: %s", resp.status, resp.body)
			}
			if got := str(resp.json(t), "errors", 0, "field"); got != tc.field {
				t.Fatalf("field %q, want %q: %s", got, tc.field, resp.body)
			}
		})
	}
	h.must(http.StatusCreated, "POST", "/api/v1/locations", h.keys["admin"], map[string]any{"code": "alphen", "name": "Dexxon", "address": good})
	h.must(http.StatusConflict, "POST", "/api/v1/locations", h.keys["admin"], map[string]any{"code": "alphen", "name": "Again", "address": good})
	h.must(http.StatusNotFound, "GET", "/api/v1/locations/nowhere", h.keys["agent"], nil)
	h.must(http.StatusForbidden, "GET", "/api/v1/locations", h.keys["dexxon"], nil)

	// An organisation's address: the country defaults to the organisation's.
	org := h.orgs["dexxon"]
	o := h.must(http.StatusOK, "PUT", fmt.Sprintf("/api/v1/orgs/%d/address", org.ID), h.keys["admin"],
		map[string]any{"street": "Stationsplein 8", "postcode": "3511 ED", "city": "Utrecht"})
	if str(o, "address", "country") != "NL" || str(o, "address", "street") != "Stationsplein 8" {
		t.Fatalf("organisation address: %v", o)
	}
	resp := h.do("PUT", fmt.Sprintf("/api/v1/orgs/%d/address", org.ID), h.keys["admin"], map[string]any{"street": "Stationsplein 8", "city": "Utrecht"})
	if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != "address.postcode" {
		t.Fatalf("an address without a postcode: %d %s", resp.status, resp.body)
	}
	h.must(http.StatusNotFound, "PUT", "/api/v1/orgs/999999/address", h.keys["admin"], good)
}

// TestPixfraPartNumbers: Pixfra requires a part number on every line, and
// receiving flags a unit whose part number is not the one reserved, with an
// event and a flag on the line; it is received all the same. Both databases.
func TestPixfraPartNumbers(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { pixfraPartNumbers(t, newHarnessOn(t, b)) })
	}
}

func pixfraPartNumbers(t *testing.T, h *harness) {
	docs := []string{"vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"}
	without := pixfraSubmission(docs)
	delete(without["lines"].([]any)[0].(map[string]any), "part_number")
	resp := h.do("POST", "/api/v1/rmas", h.keys["pixfra"], without)
	if resp.status != http.StatusUnprocessableEntity || str(resp.json(t), "errors", 0, "field") != "lines[0].part_number" ||
		!strings.Contains(string(resp.body), "serial-and-part") {
		t.Fatalf("a Pixfra line without a part number: %d %s", resp.status, resp.body)
	}
	// Other packs do not ask for one.
	h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90"))

	for _, tc := range []struct {
		name, received string
		mismatch       bool
	}{
		{"the reserved part", "1.0.01.08.43501", false},
		{"written differently", "10010843501", false},
		{"another part", "1.0.01.08.43777", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := h.submit(h.keys["pixfra"], pixfraSubmission(docs))
			rmaID := id(r)
			if str(r, "lines", 0, "part_number") != "1.0.01.08.43501" {
				t.Fatalf("the line's part number: %v", field(r, "lines", 0))
			}
			r = h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "repair"})
			r = h.must(http.StatusOK, "POST", "/api/v1/receiving", h.keys["technician"], map[string]any{"number": str(r, "number"),
				"lines": []any{map[string]any{"line": 1, "serial": "PXF22A0917", "model": "Arc A435", "part_number": tc.received}}})
			got := field(r, "lines", 0, "received")
			if r["state"] != "received" || field(got, "part_mismatch") != tc.mismatch || str(got, "part_number") != tc.received ||
				field(got, "serial_mismatch") != false {
				t.Fatalf("received %q: %v", tc.received, got)
			}
			want := []string{"submit->submitted", "authorize->authorized", "receive->received"}
			if tc.mismatch {
				want = append(want, "flag_part_mismatch->received")
			}
			expectEvents(t, h, rmaID, want...)
			if tc.mismatch {
				evs := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", rmaID), h.keys["agent"], nil)["events"].([]any)
				flag := evs[len(evs)-1]
				if str(flag, "details", "reserved") != "1.0.01.08.43501" || str(flag, "details", "received") != tc.received ||
					str(flag, "details", "clause") != "serial-and-part" {
					t.Fatalf("the flag's event: %v", flag)
				}
			}
		})
	}
}
