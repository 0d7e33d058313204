package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// runOrgStanding is rmadesk org standing: an admin puts a requester
// organisation's account on hold, blocks it, or makes it good again; the
// desk puts the standing on the organisation's claims, and a policy may
// refuse them by it (docs/POLICIES.md section 10.6).
func runOrgStanding(e *env, args []string) error {
	fs := newFlags(e, "org standing", "org standing --org NAME|ID --standing good|on_hold|blocked [--data-dir DIR] [--db URL]\nset the account standing the desk puts on the organisation's claims")
	var sf storeFlags
	sf.register(fs)
	orgRef := fs.String("org", "", "the organisation's `NAME` or id")
	standing := fs.String("standing", "", "`STANDING`: good, on_hold or blocked")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("org standing: unexpected argument %q", fs.Arg(0))
	}
	if strings.TrimSpace(*orgRef) == "" {
		return badInputf("--org: required: the organisation's name or id")
	}
	st, err := rma.CheckStanding("standing", *standing)
	if err != nil {
		return badInputf("--standing: must be one of good, on_hold, blocked")
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := db.OrgByName(e.ctx, *orgRef)
	if id, perr := strconv.ParseInt(*orgRef, 10, 64); rma.ErrorCode(err) == rma.ENOTFOUND && perr == nil {
		o, err = db.Org(e.ctx, id)
	}
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation %q", *orgRef)
	}
	if err != nil {
		return err
	}
	if o.IsDesk || o.Supplier {
		return badInputf("--org: %s is not a requester organisation: only those have a standing", o.Name)
	}
	if err := auth.NewAccounts(db).SetOrgStanding(e.ctx, rma.System, o.ID, st); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "organisation %d: %s: standing %s\n", o.ID, o.Name, st)
	return nil
}
