package main

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The demo desk's addresses (issue 12): every seed's service location with
// a complete postal address, and one for every demo requester, so that no
// label, slip, page or email of the demo shows a placeholder. Dexxon's is
// its real one, from its seed ("Curieweg 15, 2408 BZ Alphen aan den Rijn");
// the others are fictional but complete. Pixfra has a station per region,
// chosen by the distributor's country (policies/pixfra.yaml).

var demoLocations = []rma.NewLocation{
	{Code: "alphen", Name: "Dexxon Data Media and Storage B.V.", Address: rma.Address{Street: "Curieweg 15", Postcode: "2408 BZ",
		City: "Alphen aan den Rijn", Region: "Zuid-Holland", Country: "NL", Contact: "RMA department"}},
	{Code: "plextor-rma", Name: "Plextor Europe, RMA department", Address: rma.Address{Street: "Interleuvenlaan 15", Postcode: "3001",
		City: "Leuven", Region: "Vlaams-Brabant", Country: "BE", Contact: "Service desk", Phone: "+32 16 555 210"}},
	{Code: "webstore4-returns", Name: "WebStore4 returns", Address: rma.Address{Street: "Transportweg 27", Postcode: "7418 AH",
		City: "Deventer", Region: "Overijssel", Country: "NL", Contact: "Returns department", Phone: "+31 570 555 404"}},
	{Code: "minicart-warehouse", Name: "Mini Cart returns warehouse", Address: rma.Address{Street: "Carrer de la Logística 18, Nave 3",
		Postcode: "08820", City: "El Prat de Llobregat", Region: "Barcelona", Country: "ES", Contact: "Devoluciones", Phone: "+34 93 555 0188"}},
	{Code: "pixfra-eu", Name: "Pixfra Europe Repair Station", Address: rma.Address{Street: "Industrieweg 44", Postcode: "5145 PV",
		City: "Waalwijk", Region: "Noord-Brabant", Country: "NL", Contact: "RMA intake", Phone: "+31 416 555 014"}},
	{Code: "pixfra-na", Name: "Pixfra North America Service Center", Address: rma.Address{Street: "2150 Northwest Parkway, Suite 120",
		Postcode: "30067", City: "Marietta", Region: "GA", Country: "US", Contact: "RMA receiving", Phone: "+1 770 555 0142"}},
	{Code: "pixfra-apac", Name: "Pixfra Asia-Pacific Repair Centre", Address: rma.Address{Street: "21 Ubi Road 1, #04-11",
		Postcode: "408724", City: "Singapore", Country: "SG", Contact: "RMA counter", Phone: "+65 6555 0142"}},
	{Code: "pixfra-cn", Name: "Pixfra Central Repair Station", Address: rma.Address{Street: "No. 88 Jiangling Road, Binjiang District",
		Postcode: "310051", City: "Hangzhou", Region: "Zhejiang", Country: "CN", Contact: "Overseas RMA", Phone: "+86 571 5555 0142"}},
}

// demoOrgAddresses are the demo requesters' addresses, by organisation name.
var demoOrgAddresses = map[string]rma.Address{
	"Demo Partner for Dexxon":     {Street: "Stationsplein 8", Postcode: "3511 ED", City: "Utrecht", Country: "NL", Phone: "+31 30 555 0100"},
	"Demo Dealer for Plextor":     {Street: "Meir 78", Postcode: "2000", City: "Antwerpen", Country: "BE", Phone: "+32 3 555 0178"},
	"Demo Consumer at WebStore4":  {Street: "Kerkstraat 12", Postcode: "1017 GB", City: "Amsterdam", Country: "NL"},
	"Demo Distributor for Pixfra": {Street: "Hafenstraße 12", Postcode: "20457", City: "Hamburg", Country: "DE", Phone: "+49 40 555 0199"},
	"Demo Shopper at Mini Cart":   {Street: "Calle de Alcalá 120, 3º B", Postcode: "28009", City: "Madrid", Country: "ES"},
	"Demo Desk":                   {Street: "Nieuwe Uitleg 1", Postcode: "2514 BP", City: "Den Haag", Country: "NL"},
}

// seedDemoAddresses adds (once) the locations the loaded policies' rules
// name and gives the demo organisations their addresses; an address an
// admin has changed since is left alone.
func seedDemoAddresses(ctx context.Context, db rma.Store, set *policy.Set) error {
	svc := rma.NewService(db, set)
	named := map[string]bool{}
	for _, id := range set.IDs() {
		for _, l := range set.Latest(id).ServiceLocations {
			named[l.Location] = true
		}
	}
	for _, nl := range demoLocations {
		if !named[nl.Code] {
			continue
		}
		if _, err := svc.Location(ctx, rma.System, nl.Code); err == nil {
			continue
		} else if rma.ErrorCode(err) != rma.ENOTFOUND {
			return err
		}
		if _, err := svc.CreateLocation(ctx, rma.System, nl); err != nil {
			return err
		}
	}
	orgs, err := db.Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		if a, ok := demoOrgAddresses[o.Name]; ok && o.Address.IsZero() {
			if _, err := svc.SetOrgAddress(ctx, rma.System, o.ID, a); err != nil {
				return err
			}
		}
	}
	return nil
}
