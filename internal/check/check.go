// Package check is rmadesk's integrity checker: it reads a whole desk and
// reports every record that could not have been written by a correct
// rmadesk — a broken reference, a history that does not replay to the
// stored state, a number issued twice, a file whose bytes changed. The
// crash test runs it after every kill; operators run it after a restore.
package check

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Problem is one thing found wrong.
type Problem struct {
	RMAID int64 // 0 when not about one RMA
	What  string
}

func (p Problem) String() string {
	if p.RMAID == 0 {
		return p.What
	}
	return fmt.Sprintf("RMA %d: %s", p.RMAID, p.What)
}

// SQLer is a store that lets the checker query tables directly.
type SQLer interface {
	SQL() *sql.DB
}

// Report is what a check found, and how much it looked at.
type Report struct {
	RMAs, Events, Documents int
	Problems                []Problem
	// Strays are files in the store that no document refers to, the
	// first maxStrays of them by name, and StrayCount how many in all.
	// Not a problem: an upload whose transaction never committed (a crash,
	// a refused form) leaves its file, and one under way while the check
	// runs is among them; they take space, nothing else.
	Strays     []string
	StrayCount int
}

// maxStrays is how many stray files a report names.
const maxStrays = 20

// Walker is a file store that can list what it holds (filestore.Dir and
// filestore.Bucket): the check then finds the stray files.
type Walker interface {
	Walk(ctx context.Context, fn func(path string) error) error
}

// Run checks the desk. files may be nil to skip the attachments.
func Run(ctx context.Context, store rma.Store, files rma.Files) (*Report, error) {
	rep := &Report{}
	if s, ok := store.(SQLer); ok {
		if err := references(ctx, s.SQL(), rep); err != nil {
			return nil, err
		}
	}
	numbers := map[string]int64{}
	referenced := map[string]bool{} // the documents' files
	cursor := ""
	for {
		page, next, err := store.ListRMAs(ctx, rma.ListFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			return nil, err
		}
		for _, summary := range page {
			r, err := store.RMA(ctx, summary.ID)
			if err != nil {
				return nil, err
			}
			rep.RMAs++
			checkRMA(r, numbers, rep)
			evs, err := store.Events(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			rep.Events += len(evs)
			replay(r, evs, rep)
			if files != nil {
				docs, err := store.Documents(ctx, r.ID)
				if err != nil {
					return nil, err
				}
				for _, d := range docs {
					rep.Documents++
					referenced[d.Path] = true
					checkFile(files, r.ID, d, rep)
				}
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if w, ok := files.(Walker); ok {
		err := w.Walk(ctx, func(path string) error {
			if !referenced[path] {
				rep.StrayCount++
				if len(rep.Strays) < maxStrays {
					rep.Strays = append(rep.Strays, path)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("listing the stored files: %w", err)
		}
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].RMAID < rep.Problems[j].RMAID })
	return rep, nil
}

func (rep *Report) add(id int64, format string, args ...any) {
	rep.Problems = append(rep.Problems, Problem{RMAID: id, What: fmt.Sprintf(format, args...)})
}

// references finds rows whose parent is gone: the databases enforce foreign
// keys, so any hit means the file was changed behind rmadesk's back.
func references(ctx context.Context, db *sql.DB, rep *Report) error {
	links := []struct{ child, col, parent string }{
		{"users", "org_id", "orgs"}, {"api_keys", "org_id", "orgs"}, {"rmas", "org_id", "orgs"},
		{"rma_lines", "rma_id", "rmas"}, {"rma_numbers", "rma_id", "rmas"}, {"deadlines", "rma_id", "rmas"},
		{"charges", "rma_id", "rmas"}, {"documents", "rma_id", "rmas"}, {"messages", "rma_id", "rmas"},
		{"events", "rma_id", "rmas"}, {"search_terms", "rma_id", "rmas"}, {"jobs", "rma_id", "rmas"},
		{"supplier_rma_lines", "rma_id", "rmas"}, {"supplier_rma_lines", "supplier_rma_id", "supplier_rmas"},
		{"supplier_events", "supplier_rma_id", "supplier_rmas"},
	}
	for _, l := range links {
		var n int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM %[1]s c LEFT JOIN %[3]s p ON c.%[2]s = p.id WHERE c.%[2]s IS NOT NULL AND p.id IS NULL`, l.child, l.col, l.parent)
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			return fmt.Errorf("check %s.%s: %w", l.child, l.col, err)
		}
		if n > 0 {
			rep.add(0, "%d rows of %s point to a %s that does not exist", n, l.child, l.parent)
		}
	}
	return nil
}

func checkRMA(r *rma.RMA, numbers map[string]int64, rep *Report) {
	if _, ok := rma.ParseState(string(r.State)); !ok {
		rep.add(r.ID, "impossible state %q", r.State)
	}
	if r.Version < 1 {
		rep.add(r.ID, "version %d", r.Version)
	}
	if len(r.Lines) == 0 {
		rep.add(r.ID, "no lines")
	}
	current := 0
	for _, n := range r.Numbers {
		if other, ok := numbers[n.Number]; ok && other != r.ID {
			rep.add(r.ID, "number %s is also RMA %d's", n.Number, other)
		}
		numbers[n.Number] = r.ID
		if n.Current {
			current++
			if n.Number != r.Number {
				rep.add(r.ID, "current number %s, but the RMA says %s", n.Number, r.Number)
			}
		}
	}
	if r.Number != "" && current != 1 {
		rep.add(r.ID, "%d current numbers", current)
	}
	if r.Number != "" {
		if canonical, err := rma.NormalizeNumber(r.Number); err != nil || canonical != r.Number {
			rep.add(r.ID, "number %q fails its check letter", r.Number)
		}
	}
	switch r.State {
	case rma.Authorized, rma.InTransit, rma.Received, rma.InEvaluation, rma.Expired, rma.AtSupplier:
		if r.Number == "" {
			rep.add(r.ID, "state %s without an RMA number", r.State)
		}
	}
	if r.State == rma.Resolved && r.Outcome == "" {
		rep.add(r.ID, "resolved without an outcome")
	}
	// A line waits for a supplier's verdict exactly while its RMA is
	// at_supplier: the supplier RMA's steps write both together.
	var pending []string
	for _, l := range r.Lines {
		if sl := r.SupplierLineOf(l.No); sl != nil && sl.Verdict == "" {
			pending = append(pending, fmt.Sprintf("line %d (%s)", l.No, sl.SupplierNo))
		}
	}
	switch {
	case r.State == rma.AtSupplier && len(pending) == 0:
		rep.add(r.ID, "state at_supplier, but no line at a supplier")
	case r.State != rma.AtSupplier && len(pending) > 0:
		rep.add(r.ID, "state %s, but %s still at a supplier", r.State, strings.Join(pending, ", "))
	}
}

// replay walks the history: numbered 1, 2, ... without gaps, starting with
// the submission, each step allowed by the state machine from the state
// the step before left, ending in the stored state.
func replay(r *rma.RMA, evs []rma.Event, rep *Report) {
	if len(evs) == 0 {
		rep.add(r.ID, "no history")
		return
	}
	var state rma.State
	for i, e := range evs {
		if e.Seq != i+1 {
			rep.add(r.ID, "event %d has sequence number %d", i+1, e.Seq)
			return
		}
		if i == 0 {
			if e.Action != string(rma.OpSubmit) || e.From != "" || (e.To != rma.Submitted && e.To != rma.NeedsInfo) {
				rep.add(r.ID, "history starts with %s %q -> %q, not a submission", e.Action, e.From, e.To)
				return
			}
			state = e.To
			continue
		}
		if e.From != state {
			rep.add(r.ID, "event %d (%s) starts from %s, but the RMA was %s", e.Seq, e.Action, e.From, state)
			return
		}
		switch rma.Action(e.Action) {
		case rma.OpAddDocument, rma.OpAddMessage, rma.OpAddCharge, rma.ActAddNote, rma.ActAssign: // notes and assignments leave the state as it is
			if e.To != e.From {
				rep.add(r.ID, "event %d (%s) changes the state", e.Seq, e.Action)
				return
			}
		default:
			to, err := rma.Next(state, rma.Action(e.Action))
			if err != nil || to != e.To {
				rep.add(r.ID, "event %d: %s from %s to %s is not a step the state machine allows", e.Seq, e.Action, e.From, e.To)
				return
			}
		}
		state = e.To
	}
	if state != r.State {
		rep.add(r.ID, "history ends in %s, the RMA is %s", state, r.State)
	}
}

func checkFile(files rma.Files, rmaID int64, d rma.Document, rep *Report) {
	f, err := files.Open(d.Path)
	if err != nil {
		rep.add(rmaID, "document %d (%s): %v", d.ID, d.Filename, err)
		return
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		rep.add(rmaID, "document %d (%s): %v", d.ID, d.Filename, err)
		return
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != d.SHA256 || n != d.Size {
		rep.add(rmaID, "document %d (%s): %d bytes with SHA-256 %s, recorded %d bytes %s", d.ID, d.Filename, n, sum[:12], d.Size, d.SHA256[:min(12, len(d.SHA256))])
	}
}
