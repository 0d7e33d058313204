package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/auth"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// rmadesk org language and rmadesk user language: the language an
// organisation's or a user's emails go in (a user's own first, else the
// organisation's, else English).

func runOrgLanguage(e *env, args []string) error {
	fs := newFlags(e, "org language", "org language --org NAME|ID --language en|nl|\"\" [--data-dir DIR] [--db URL]\nset the language the organisation's emails go in (\"\" for none: English)")
	var sf storeFlags
	sf.register(fs)
	orgRef := fs.String("org", "", "the organisation's `NAME` or id")
	lang := fs.String("language", "", "`LANG`: en or nl, or \"\" to clear it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("org language: unexpected argument %q", fs.Arg(0))
	}
	if strings.TrimSpace(*orgRef) == "" {
		return badInputf("--org: required: the organisation's name or id")
	}
	if !flagGiven(fs, "language") {
		return badInputf("--language: required: en or nl, or \"\" to clear it")
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
	o, l, err := auth.NewAccounts(db).SetOrgLanguage(e.ctx, rma.System, o.ID, *lang)
	if err != nil {
		return languageFlagError(err)
	}
	fmt.Fprintf(e.stdout, "organisation %d: %s: language %s\n", o.ID, o.Name, orNone(l))
	return nil
}

func runUserLanguage(e *env, args []string) error {
	fs := newFlags(e, "user language", "user language --email ADDR --language en|nl|\"\" [--data-dir DIR] [--db URL]\nset the language the user's emails go in, before the organisation's (\"\" for none)")
	var sf storeFlags
	sf.register(fs)
	email := fs.String("email", "", "the user's email `ADDR`")
	lang := fs.String("language", "", "`LANG`: en or nl, or \"\" to clear it")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("user language: unexpected argument %q", fs.Arg(0))
	}
	if *email == "" {
		return badInputf("--email: required")
	}
	if !flagGiven(fs, "language") {
		return badInputf("--language: required: en or nl, or \"\" to clear it")
	}
	db, err := sf.openExisting(e.ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := db.UserByEmail(e.ctx, *email)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--email: no user with email %q", *email)
	}
	if err != nil {
		return err
	}
	l, err := auth.NewAccounts(db).SetUserLanguage(e.ctx, rma.System, u, *lang)
	if err != nil {
		return languageFlagError(err)
	}
	fmt.Fprintf(e.stdout, "user %d: %s: language %s\n", u.ID, u.Email, orNone(l))
	return nil
}

// flagGiven reports whether --name was on the command line, so that
// --language "" (clear it) differs from no --language at all.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// languageFlagError words a refused language as a bad flag (exit 2).
func languageFlagError(err error) error {
	var de *rma.Error
	if errors.As(err, &de) && de.Code == rma.EINVALID && de.Field != "" {
		return badInputf("--%s: %s", de.Field, de.Message)
	}
	return err
}

func orNone(lang string) string {
	if lang == "" {
		return "none (English)"
	}
	return lang
}
