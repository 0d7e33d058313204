package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// rmadesk location add|list|update and rmadesk org address: the desk's
// service locations and organisations' postal addresses (issue 12). Bad
// input is one line naming the flag, exit 2.

const locationUsage = "location add --code CODE --name NAME --street S --postcode P --city C --country CC [--region R] [--contact C] [--phone P] [--note N] [--inactive]\n" +
	"       rmadesk location update --code CODE [--name NAME] [address flags] [--active=true|false]\n" +
	"       rmadesk location list"

func runLocation(e *env, args []string) error {
	if len(args) == 0 {
		return badInputf("location: usage: rmadesk %s", locationUsage)
	}
	switch args[0] {
	case "add":
		return runLocationAdd(e, args[1:])
	case "update":
		return runLocationUpdate(e, args[1:])
	case "list":
		return runLocationList(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: rmadesk %s\n", locationUsage)
		return nil
	}
	return badInputf("location: unknown subcommand %q (add, update, list)", args[0])
}

// addressFlags registers the flags of a postal address.
func addressFlags(fs *flag.FlagSet, a *rma.Address) {
	fs.StringVar(&a.Street, "street", "", "street and number")
	fs.StringVar(&a.Postcode, "postcode", "", "postal code")
	fs.StringVar(&a.City, "city", "", "city")
	fs.StringVar(&a.Region, "region", "", "state, province or region")
	fs.StringVar(&a.Country, "country", "", "ISO 3166-1 alpha-2 `CC`")
	fs.StringVar(&a.Contact, "contact", "", "a person or department to hand the parcel to")
	fs.StringVar(&a.Phone, "phone", "", "phone number")
	fs.StringVar(&a.Note, "note", "", "opening hours, dock, what to write on the parcel")
}

var addressFlagNames = []string{"street", "postcode", "city", "region", "country", "contact", "phone", "note"}

// flagError words a domain error with the flag it is about: address.street
// is --street.
func flagError(err error) error {
	var de *rma.Error
	if errors.As(err, &de) && de.Field != "" {
		return badInputf("--%s: %s", strings.TrimPrefix(de.Field, "address."), de.Message)
	}
	if errors.As(err, &de) && de.Code != rma.EINTERNAL {
		return badInputf("%s", de.Message)
	}
	return err
}

func locationService(ctx context.Context, sf *storeFlags) (*rma.Service, func(), error) {
	db, err := sf.openExisting(ctx)
	if err != nil {
		return nil, nil, err
	}
	return rma.NewService(db, nil), func() { db.Close() }, nil
}

func runLocationAdd(e *env, args []string) error {
	fs := newFlags(e, "location add", strings.SplitN(locationUsage, "\n", 2)[0])
	var sf storeFlags
	sf.register(fs)
	var nl rma.NewLocation
	fs.StringVar(&nl.Code, "code", "", "the `CODE` policies' location rules name (pixfra-eu)")
	fs.StringVar(&nl.Name, "name", "", "the location's `NAME`")
	addressFlags(fs, &nl.Address)
	inactive := fs.Bool("inactive", false, "add it inactive: kept, never chosen")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	active := !*inactive
	nl.Active = &active
	ctx := e.ctx
	svc, done, err := locationService(ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	l, err := svc.CreateLocation(ctx, rma.System, nl)
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(e.stdout, "location %s: %s, %s\n", l.Code, l.Name, strings.Join(l.Address.Lines(), ", "))
	return nil
}

func runLocationUpdate(e *env, args []string) error {
	fs := newFlags(e, "location update", "location update --code CODE [--name NAME] [address flags] [--active=true|false]")
	var sf storeFlags
	sf.register(fs)
	code := fs.String("code", "", "the location's `CODE`")
	name := fs.String("name", "", "a new `NAME`")
	var a rma.Address
	addressFlags(fs, &a)
	active := fs.Bool("active", true, "false: keep it, but never choose it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *code == "" {
		return badInputf("--code: required")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	ctx := e.ctx
	svc, done, err := locationService(ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	l, err := svc.Location(ctx, rma.System, *code)
	if err != nil {
		return flagError(err)
	}
	var u rma.LocationUpdate
	if set["name"] {
		u.Name = name
	}
	if set["active"] {
		u.Active = active
	}
	// The address flags given replace those fields; the others stay.
	merged, changed := l.Address, false
	for _, n := range addressFlagNames {
		if !set[n] {
			continue
		}
		changed = true
		switch n {
		case "street":
			merged.Street = a.Street
		case "postcode":
			merged.Postcode = a.Postcode
		case "city":
			merged.City = a.City
		case "region":
			merged.Region = a.Region
		case "country":
			merged.Country = a.Country
		case "contact":
			merged.Contact = a.Contact
		case "phone":
			merged.Phone = a.Phone
		case "note":
			merged.Note = a.Note
		}
	}
	if changed {
		u.Address = &merged
	}
	l, err = svc.UpdateLocation(ctx, rma.System, *code, u)
	if err != nil {
		return flagError(err)
	}
	state := "active"
	if !l.Active {
		state = "inactive"
	}
	fmt.Fprintf(e.stdout, "location %s (%s): %s, %s\n", l.Code, state, l.Name, strings.Join(l.Address.Lines(), ", "))
	return nil
}

func runLocationList(e *env, args []string) error {
	fs := newFlags(e, "location list", "location list")
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := e.ctx
	svc, done, err := locationService(ctx, &sf)
	if err != nil {
		return err
	}
	defer done()
	ls, err := svc.Locations(ctx, rma.System)
	if err != nil {
		return flagError(err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tACTIVE\tNAME\tADDRESS")
	for _, l := range ls {
		fmt.Fprintf(tw, "%s\t%v\t%s\t%s\n", l.Code, l.Active, l.Name, strings.Join(l.Address.Lines(), ", "))
	}
	return tw.Flush()
}

// runOrgAddress is rmadesk org address --org NAME|ID ...: the organisation's
// postal address, printed as the sender on its labels.
func runOrgAddress(e *env, args []string) error {
	fs := newFlags(e, "org address", "org address --org NAME|ID --street S --postcode P --city C [--country CC] [--region R] [--contact C] [--phone P] [--note N]")
	var sf storeFlags
	sf.register(fs)
	orgRef := fs.String("org", "", "the organisation's `NAME` or id")
	var a rma.Address
	addressFlags(fs, &a)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*orgRef) == "" {
		return badInputf("--org: required: the organisation's name or id")
	}
	ctx := e.ctx
	db, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.OrgByName(ctx, *orgRef)
	if id, perr := strconv.ParseInt(*orgRef, 10, 64); rma.ErrorCode(err) == rma.ENOTFOUND && perr == nil {
		o, err = db.Org(ctx, id)
	}
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation %q", *orgRef)
	}
	if err != nil {
		return err
	}
	o, err = rma.NewService(db, nil).SetOrgAddress(ctx, rma.System, o.ID, a)
	if err != nil {
		return flagError(err)
	}
	fmt.Fprintf(e.stdout, "organisation %d: %s, %s\n", o.ID, o.Name, strings.Join(o.Address.Lines(), ", "))
	return nil
}

// warnMissingLocations logs, at start, each policy location rule that names
// no active service location of this desk and gives no address of its own:
// an RMA authorized under it would carry only the vendor's return address
// (Pixfra's pack has none), so the admin should add the location.
func warnMissingLocations(ctx context.Context, log *slog.Logger, db rma.Store, set *policy.Set) {
	ls, ok := db.(rma.LocationStore)
	if !ok {
		return
	}
	for _, id := range set.IDs() {
		for _, rule := range set.Latest(id).ServiceLocations {
			if len(rule.Address) > 0 {
				continue
			}
			l, err := ls.LocationByCode(ctx, rule.Location)
			if err == nil && l.Active {
				continue
			}
			log.Warn("a policy's location rule names no active service location of this desk: add it with rmadesk location add",
				"policy", id, "rule", rule.ID, "code", rule.Location)
		}
	}
}
