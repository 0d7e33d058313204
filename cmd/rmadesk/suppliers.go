package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// rmadesk supplier add|list: the desk's suppliers (issue 12, supplier
// steps). A supplier is an organisation with the role supplier; its address
// is where the desk's parcels to it go, its email its RMA contact. Bad input
// is one line naming the flag, exit 2.

const supplierUsage = "supplier add --name NAME --email RMA-CONTACT --street S --postcode P --city C --country CC [--region R] [--contact C] [--phone P] [--note N] [--policy ID] [--claim-role ROLE] [--response-days N] [--dir POLICIES]\n" +
	"       rmadesk supplier list"

func runSupplier(e *env, args []string) error {
	if len(args) == 0 {
		return badInputf("supplier: usage: rmadesk %s", supplierUsage)
	}
	switch args[0] {
	case "add":
		return runSupplierAdd(e, args[1:])
	case "list":
		return runSupplierList(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: rmadesk %s\n", supplierUsage)
		return nil
	}
	return badInputf("supplier: unknown subcommand %q (add, list)", args[0])
}

func runSupplierAdd(e *env, args []string) error {
	fs := newFlags(e, "supplier add", strings.SplitN(supplierUsage, "\n", 2)[0])
	var sf storeFlags
	sf.register(fs)
	var n rma.NewSupplier
	fs.StringVar(&n.Name, "name", "", "the supplier's `NAME`")
	fs.StringVar(&n.Email, "email", "", "its RMA contact, where the desk's requests go")
	addressFlags(fs, &n.Address)
	fs.StringVar(&n.PolicyID, "policy", "", "the policy pack `ID` the supplier applies, to predict its verdict")
	fs.StringVar(&n.ClaimRole, "claim-role", "", "the desk's `ROLE` in the supplier's eyes (default distributor)")
	fs.IntVar(&n.ResponseDays, "response-days", 0, "days the supplier takes to answer (default 30)")
	dir := fs.String("dir", "", "load policy packs from `DIR` instead of the embedded ones")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set, err := packs(*dir)
	if err != nil {
		return err
	}
	n.Country = n.Address.Country // a supplier is where its address is
	ctx := context.Background()
	db, err := sf.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sup, err := rma.NewService(db, set).CreateSupplier(ctx, rma.System, n)
	if err != nil {
		return supplierFlagError(err)
	}
	fmt.Fprintf(e.stdout, "supplier %d: %s\n", sup.ID, sup.Name)
	return nil
}

// supplierFlagError names the flag a domain error is about.
func supplierFlagError(err error) error {
	if de, ok := err.(*rma.Error); ok {
		switch de.Field {
		case "rma_email":
			return badInputf("--email: %s", de.Message)
		case "claim_role":
			return badInputf("--claim-role: %s", de.Message)
		case "response_days":
			return badInputf("--response-days: %s", de.Message)
		}
	}
	return flagError(err)
}

func runSupplierList(e *env, args []string) error {
	fs := newFlags(e, "supplier list", "supplier list [--data-dir DIR] [--db URL]")
	var sf storeFlags
	sf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ctx := context.Background()
	db, err := sf.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sups, err := db.Suppliers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tRMA CONTACT\tPOLICY\tDAYS\tADDRESS")
	for _, s := range sups {
		pack := s.PolicyID
		if pack == "" {
			pack = "-"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\n", s.ID, s.Name, s.Email, pack, s.ResponseDays, strings.Join(s.Address.Lines(), ", "))
	}
	return tw.Flush()
}

// demoSuppliers are the demo desk's suppliers: WebStore4's wholesaler of
// network gear, and a Plextor distributor whose pack predicts its verdict
// (the demo desk is also a Plextor dealer). Fictional, complete addresses.
var demoSuppliers = []rma.NewSupplier{
	{Name: "Demo Supplier for WebStore4", Country: "NL", Email: "rma@netwholesale.demo.example",
		Address: rma.Address{Street: "Transportweg 18", Postcode: "2742 RH", City: "Waddinxveen", Country: "NL", Contact: "RMA department", Phone: "+31 182 555 018"}},
	{Name: "Demo Plextor Distributor", Country: "BE", Email: "rma@plextor-dist.demo.example", PolicyID: "plextor", ClaimRole: policy.Dealer.String(),
		Address: rma.Address{Street: "Researchpark 310", Postcode: "1731", City: "Zellik", Country: "BE", Contact: "Returns"}},
}

// seedDemoSuppliers adds (once) the demo's suppliers.
func seedDemoSuppliers(ctx context.Context, db rma.Store, set *policy.Set) error {
	have, err := db.Suppliers(ctx)
	if err != nil {
		return err
	}
	svc := rma.NewService(db, set)
	for _, n := range demoSuppliers {
		if n.PolicyID != "" && set.Latest(n.PolicyID) == nil {
			continue
		}
		found := false
		for _, s := range have {
			found = found || s.Name == n.Name
		}
		if found {
			continue
		}
		if _, err := svc.CreateSupplier(ctx, rma.System, n); err != nil {
			return fmt.Errorf("demo supplier %s: %w", n.Name, err)
		}
	}
	return nil
}
