package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"

	"github.com/rmadesk/rmadesk/internal/bulk"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// maxListedFailures bounds the refusals import-csv prints one by one.
const maxListedFailures = 50

func runImportCSV(e *env, args []string) error {
	fs := newFlags(e, "import-csv", "import-csv --org NAME [--batch N] [--data-dir DIR] [--db URL] FILE|-  |  import-csv --sample N")
	var sf storeFlags
	sf.register(fs)
	orgName := fs.String("org", "", "the requester organisation `NAME` the RMAs are filed for")
	batch := fs.Int("batch", 1000, "RMAs per transaction")
	sample := fs.Int("sample", 0, "print an example file of `N` lines (about three per RMA) and stop")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the import to `FILE`")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *sample > 0 {
		if *sample > 10_000_000 {
			return badInputf("--sample: at most 10000000 lines")
		}
		return writeSampleCSV(e.stdout, *sample, time.Now())
	}
	if fs.NArg() != 1 {
		return badInputf("import-csv: name one FILE, or - for standard input (columns: rmadesk import-csv --sample 5)")
	}
	if *orgName == "" {
		return badInputf("--org: required: the requester organisation the RMAs are filed for")
	}
	if *batch < 1 || *batch > 100_000 {
		return badInputf("--batch: 1 to 100000")
	}
	var in io.Reader = e.stdin
	name := "standard input"
	if path := fs.Arg(0); path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return badInputf("%v", err)
		}
		defer f.Close()
		in, name = f, path
	}
	ctx := e.ctx
	db, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := db.OrgByName(ctx, *orgName)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return badInputf("--org: no organisation named %q", *orgName)
	}
	if err != nil {
		return err
	}
	if org.IsDesk {
		return badInputf("--org: %q is the desk, which files no RMAs: name a requester organisation", *orgName)
	}
	// The versions the desk decides by, one an admin published included.
	set, err := storedPolicies(ctx, db) // packs.go
	if err != nil {
		return err
	}
	stopProfile, err := startCPUProfile(*cpuprofile)
	if err != nil {
		return err
	}
	defer stopProfile()
	// The drafts in shadow decide the imported claims too, as they do the
	// desk's submissions.
	desk := rma.NewService(db, set)
	if err := desk.LoadShadows(ctx); err != nil {
		return err
	}
	start := time.Now()
	l := bulk.New(db, set, bulk.Options{BatchSize: *batch, Shadows: desk.Shadows()})
	actor := rma.Actor{OrgID: org.ID, Role: rma.RoleRequester, Name: "import-csv"}
	var submitErr error
	readErr := bulk.ReadCSV(bufio.NewReaderSize(in, 1<<20), func(g *bulk.Group) error {
		if g.Err != nil {
			l.Refuse(g.Source(), g.Err)
			return nil
		}
		// The key makes a second import of the same file file nothing twice.
		g.Request.IdempotencyKey = "csv:" + g.Reference
		submitErr = l.Submit(ctx, actor, g.Request, g.Source())
		return submitErr
	})
	res, err := l.Close(ctx)
	if err != nil {
		return err
	}
	if readErr != nil {
		// A file that cannot be read on is the error, and the one line says
		// it all: a summary line first read as if the import had worked.
		listRefusals(e, res.Failed)
		done := "nothing was imported"
		if n := res.Filed + res.Existing; n > 0 {
			done = fmt.Sprintf("the %d RMAs before it were imported", n)
		}
		if submitErr != nil && errors.Is(readErr, submitErr) {
			return fmt.Errorf("%s: %w (%s)", name, readErr, done)
		}
		return badInputf("%s: %v (%s)", name, readErr, done)
	}
	took := time.Since(start)
	fmt.Fprintf(e.stdout, "imported %s: %d RMAs with %d lines in %s (%.0f lines/s)", name, res.Filed, res.Lines,
		took.Round(time.Millisecond), float64(res.Lines)/took.Seconds())
	if res.Existing > 0 {
		fmt.Fprintf(e.stdout, "; %d imported before, left as they are", res.Existing)
	}
	if len(res.Failed) > 0 {
		fmt.Fprintf(e.stdout, "; %d refused", len(res.Failed))
	}
	fmt.Fprintln(e.stdout)
	listRefusals(e, res.Failed)
	if len(res.Failed) > 0 {
		return errProblemsFound
	}
	return nil
}

// listRefusals prints the groups import-csv refused, one line each, up to
// maxListedFailures.
func listRefusals(e *env, failed []bulk.Failure) {
	for i, f := range failed {
		if i == maxListedFailures {
			fmt.Fprintf(e.stderr, "... and %d more\n", len(failed)-i)
			break
		}
		fmt.Fprintln(e.stderr, "refused: "+oneLine(f.String()))
	}
}

// writeSampleCSV writes an import file of n lines for the Dexxon policy:
// RMAs of one to five lines, most in warranty with a receipt.
func writeSampleCSV(w io.Writer, n int, today time.Time) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintln(bw, "reference,policy,category,model,serial,purchase,documents,quantity,fault,price,currency")
	rnd := rand.New(rand.NewPCG(1, 2))
	for line, rmaNo := 0, 1; line < n; rmaNo++ {
		lines := 1 + rnd.IntN(5)
		for i := 0; i < lines && line < n; i++ {
			docs := "purchase_receipt"
			if rnd.IntN(10) == 0 {
				docs = ""
			}
			fmt.Fprintf(bw, "PO-%07d,dexxon,ssd,DX-SSD-%03d,DX%09d,%s,%s,1,\"Not detected by the BIOS, after two weeks\",%d.%02d,EUR\n",
				rmaNo, rnd.IntN(200), line, today.AddDate(0, 0, -30-rnd.IntN(900)).Format("2006-01-02"), docs,
				49+rnd.IntN(200), rnd.IntN(100))
			line++
		}
	}
	return bw.Flush()
}
