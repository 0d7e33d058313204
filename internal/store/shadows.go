package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Shadow mode (issue 15): rma.ShadowStore. A run's lines are written with
// their RMA (encodeRMA's shadow rows, children below); the runs here.

var _ rma.ShadowStore = (*Store)(nil)

// shadowLineCols are policy_shadow_lines' columns an RMA's write fills,
// after rma_id.
var shadowLineCols = []string{"shadow_id", "line_no", "baseline_version", "listed", "how",
	"baseline_verdict", "draft_verdict", "baseline_route", "draft_route", "warranty_shift", "window_shift",
	"documents_added", "documents_removed", "baseline_decision", "draft_decision", "draft_error"}

// encodeShadow encodes an RMA's shadow lines. It never refuses: the shadow
// must not fail an intake, so a value the database could not keep is
// mended, and a decision that will not encode is dropped with the line
// marked failed.
func encodeShadow(lines []rma.ShadowLine) [][]any {
	out := make([][]any, 0, len(lines))
	for i := range lines {
		l := &lines[i]
		listed := l.Listed()
		failure := l.Err
		var before, after any
		if listed {
			var enc encoder
			before = enc.JSON("baseline_decision", sideOf(&l.Before), false)
			if l.Err == "" {
				after = enc.JSON("draft_decision", sideOf(&l.After), false)
			}
			if enc.Err != nil {
				before, after = nil, nil
				failure = "the comparison could not be stored: " + enc.Err.Error()
			}
		}
		draftVerdict, draftRoute := "", ""
		if l.Err == "" {
			draftVerdict, draftRoute = l.After.Verdict.String(), l.After.Route.String()
		}
		out = append(out, []any{l.Run, l.LineNo, keepable(l.Baseline), listed, strings.Join(l.How, ","),
			l.Before.Verdict.String(), draftVerdict, l.Before.Route.String(), draftRoute, l.WarrantyShift, l.WindowShift,
			keepable(strings.Join(l.DocumentsAdded, ",")), keepable(strings.Join(l.DocumentsRemoved, ",")),
			before, after, keepable(failure)})
	}
	return out
}

// shadowSide is what a listed line keeps of each decision: what the review
// shows of it (whatif.Side's fields and names). A whole decision's JSON is
// twice as long, and its bytes are written in the intake's transaction.
type shadowSide struct {
	Verdict          policy.Verdict  `json:"verdict"`
	Route            policy.Route    `json:"route"`
	WarrantyLastDay  calendar.Date   `json:"warranty_last_day,omitzero"`
	WindowLastDay    calendar.Date   `json:"window_last_day,omitzero"`
	MissingDocuments []string        `json:"missing_documents,omitempty"`
	ExpectedCharges  []shadowCharge  `json:"expected_charges,omitempty"`
	Reasons          []policy.Reason `json:"reasons"`
}

type shadowCharge struct {
	Kind   string        `json:"kind"`
	Amount policy.Amount `json:"amount,omitzero"`
	Clause string        `json:"clause"`
}

func sideOf(d *policy.Decision) shadowSide {
	s := shadowSide{Verdict: d.Verdict, Route: d.Route, WarrantyLastDay: d.Warranty.LastDay, WindowLastDay: d.Window.LastDay,
		MissingDocuments: policy.MissingNames(d), Reasons: d.Reasons}
	for _, c := range d.ExpectedCharges {
		s.ExpectedCharges = append(s.ExpectedCharges, shadowCharge{Kind: c.Kind, Amount: c.Amount, Clause: c.Clause})
	}
	return s
}

// decision reads a side back as the part of a decision it keeps: what
// the review shows (whatif.SideOf gives the same side again).
func (s *shadowSide) decision() policy.Decision {
	d := policy.Decision{Verdict: s.Verdict, Route: s.Route, Reasons: s.Reasons}
	d.Warranty.LastDay, d.Window.LastDay = s.WarrantyLastDay, s.WindowLastDay
	for _, name := range s.MissingDocuments {
		if doc, err := policy.ParseDocument(name); err == nil {
			d.MissingDocuments = append(d.MissingDocuments, doc)
		} else {
			d.MissingDeclared = append(d.MissingDeclared, name) // one the pack declares
		}
	}
	for _, c := range s.ExpectedCharges {
		d.ExpectedCharges = append(d.ExpectedCharges, policy.ExpectedCharge{Kind: c.Kind, Amount: c.Amount, Clause: c.Clause})
	}
	return d
}

func readSide(d *decoder, field string, s sql.NullString) policy.Decision {
	side := sqlcodec.JSON[shadowSide](d, field, s)
	return side.decision()
}

// keepable is s as both databases keep text: valid UTF-8 without NUL.
func keepable(s string) string {
	if storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

const shadowRunCols = `s.id, s.policy_id, s.draft_id, s.draft_version, s.started, s.started_by, s.stopped, s.stopped_by, s.ended`

// shadowRunsSQL reads runs with their counts: the lines and the listed
// ones along policy_shadow_lines_review alone (a covering index), the
// failed among the listed (few) from their rows.
const shadowRunsSQL = `SELECT ` + shadowRunCols + `, COUNT(l.id),
	COALESCE(SUM(CASE WHEN l.listed THEN 1 ELSE 0 END), 0),
	(SELECT COUNT(*) FROM policy_shadow_lines f WHERE f.shadow_id = s.id AND f.listed = TRUE AND f.draft_error <> '')
FROM policy_shadows s LEFT JOIN policy_shadow_lines l ON l.shadow_id = s.id
WHERE %s
GROUP BY ` + shadowRunCols + `
ORDER BY s.id DESC`

func scanShadowRun(row scanner) (rma.ShadowRun, error) {
	var r rma.ShadowRun
	var started, stopped sql.NullString
	var compared, listed, failed int64
	if err := row.Scan(&r.ID, &r.PolicyID, &r.DraftID, &r.DraftVersion, &started, &r.StartedBy, &stopped, &r.StoppedBy, &r.Ended,
		&compared, &listed, &failed); err != nil {
		return r, err
	}
	r.Compared, r.Changed, r.Failed = compared, listed-failed, failed
	d := decoder{Where: fmt.Sprintf("shadow %d", r.ID)}
	r.Started = d.Time("started", started)
	r.Stopped = d.Time("stopped", stopped)
	return r, d.Err
}

func (st *Store) ShadowRuns(ctx context.Context, policyID string, runningOnly bool) ([]rma.ShadowRun, error) {
	if !storable(policyID) {
		return nil, nil
	}
	out, err := collect(ctx, st.pool(), scanShadowRun,
		fmt.Sprintf(shadowRunsSQL, `($1 = '' OR s.policy_id = $1) AND ($2 = FALSE OR s.stopped IS NULL)`), policyID, runningOnly)
	if err != nil {
		return nil, st.storeError("shadow runs", err)
	}
	return out, nil
}

func (st *Store) ShadowRun(ctx context.Context, id int64) (*rma.ShadowRun, error) {
	r, err := scanShadowRun(st.pool().QueryRowContext(ctx, fmt.Sprintf(shadowRunsSQL, `s.id = $1`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "shadow %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("shadow run", err)
	}
	return &r, nil
}

func (st *Store) StartShadow(ctx context.Context, run *rma.ShadowRun) (*rma.ShadowRun, error) {
	if run == nil || run.PolicyID == "" || run.DraftID == 0 {
		return nil, rma.Invalid("shadow", "a shadow needs its policy and draft")
	}
	for _, s := range []string{run.PolicyID, run.DraftVersion, run.StartedBy} {
		if !storable(s) {
			return nil, rma.Invalid("shadow", "cannot be stored (a NUL or invalid UTF-8)")
		}
	}
	at := orNow(run.Started)
	var enc encoder
	atText := enc.Time("started", at)
	if enc.Err != nil {
		return nil, enc.Err
	}
	var replaced *rma.ShadowRun
	var id int64
	err := st.write(ctx, "start shadow", func(q Querier) error {
		replaced = nil
		var state, policyID string
		err := q.QueryRowContext(ctx, `SELECT state, policy_id FROM policy_packs WHERE id = $1`, run.DraftID).Scan(&state, &policyID)
		if errors.Is(err, sql.ErrNoRows) || err == nil && policyID != run.PolicyID {
			return rma.Errorf(rma.ENOTFOUND, "policy %s has no draft %d", run.PolicyID, run.DraftID)
		}
		if err != nil {
			return err
		}
		if state != string(rma.PackDraft) {
			return rma.Errorf(rma.ECONFLICT, "policy pack version %d is %s, no longer a draft", run.DraftID, state)
		}
		old, err := collect(ctx, q, scanShadowRun, fmt.Sprintf(shadowRunsSQL, `s.policy_id = $1 AND s.stopped IS NULL`), run.PolicyID)
		if err != nil {
			return err
		}
		if len(old) > 0 {
			o := old[0]
			if _, err := q.ExecContext(ctx, `UPDATE policy_shadows SET stopped = $1, stopped_by = $2, ended = $3 WHERE id = $4`,
				atText, run.StartedBy, rma.ShadowReplaced, o.ID); err != nil {
				return err
			}
			o.Stopped, o.StoppedBy, o.Ended = at.UTC(), run.StartedBy, rma.ShadowReplaced
			replaced = &o
		}
		err = q.QueryRowContext(ctx, `INSERT INTO policy_shadows (policy_id, draft_id, draft_version, started, started_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, run.PolicyID, run.DraftID, run.DraftVersion, atText, run.StartedBy).Scan(&id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "another shadow of policy %s was started at the same time; try again", run.PolicyID)
		}
		if err != nil {
			return err
		}
		return bumpGeneration(ctx, q)
	})
	if err != nil {
		return nil, err
	}
	run.ID, run.Started = id, at.UTC()
	run.Stopped, run.StoppedBy, run.Ended = time.Time{}, "", ""
	run.Compared, run.Changed, run.Failed = 0, 0, 0
	return replaced, nil
}

func (st *Store) StopShadow(ctx context.Context, id int64, by string, at time.Time) error {
	var enc encoder
	atText := enc.Time("stopped", orNow(at))
	if enc.Err != nil {
		return enc.Err
	}
	if !storable(by) {
		return rma.Invalid("by", "cannot be stored")
	}
	return st.write(ctx, "stop shadow", func(q Querier) error {
		var stopped sql.NullString
		err := q.QueryRowContext(ctx, `SELECT stopped FROM policy_shadows WHERE id = $1`, id).Scan(&stopped)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "shadow %d not found", id)
		}
		if err != nil {
			return err
		}
		if stopped.Valid {
			return rma.Errorf(rma.ECONFLICT, "shadow %d has ended", id)
		}
		if _, err := q.ExecContext(ctx, `UPDATE policy_shadows SET stopped = $1, stopped_by = $2, ended = $3 WHERE id = $4`,
			atText, by, rma.ShadowStopped, id); err != nil {
			return err
		}
		return bumpGeneration(ctx, q)
	})
}

// endShadowsOf ends a draft's running shadow in the transaction of the
// change to the draft (why: edited, published, discarded), and moves the
// generation on when it did, so every instance stops deciding by the old
// text. For an edit, only a change of the pack's text ends it (ifSource
// is the new text; nil for any change).
func endShadowsOf(ctx context.Context, q Querier, draftID int64, why, by string, ifSource *string) error {
	var enc encoder
	atText := enc.Time("stopped", now())
	query := `UPDATE policy_shadows SET stopped = $1, stopped_by = $2, ended = $3 WHERE draft_id = $4 AND stopped IS NULL`
	args := []any{atText, by, why, draftID}
	if ifSource != nil {
		query += ` AND EXISTS (SELECT 1 FROM policy_packs WHERE id = $4 AND source <> $5)`
		args = append(args, *ifSource)
	}
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	return bumpGeneration(ctx, q)
}

// shadowTallySQL counts a run's lines by everything the review counts by,
// in one pass over the run's rows.
const shadowTallySQL = `SELECT listed, how, baseline_verdict, draft_verdict, baseline_route, draft_route,
	warranty_shift, window_shift, documents_added, documents_removed, CASE WHEN draft_error <> '' THEN 1 ELSE 0 END, COUNT(*)
FROM policy_shadow_lines WHERE shadow_id = $1
GROUP BY listed, how, baseline_verdict, draft_verdict, baseline_route, draft_route,
	warranty_shift, window_shift, documents_added, documents_removed, CASE WHEN draft_error <> '' THEN 1 ELSE 0 END`

func (st *Store) ShadowTally(ctx context.Context, id int64) ([]rma.ShadowCount, error) {
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.ShadowCount, error) {
		var c rma.ShadowCount
		var listed bool
		var failed int
		var how, bv, dv, br, dr, added, removed string
		l := &c.Line
		if err := row.Scan(&listed, &how, &bv, &dv, &br, &dr, &l.WarrantyShift, &l.WindowShift, &added, &removed, &failed, &c.Lines); err != nil {
			return c, err
		}
		l.Run, l.How, l.DocumentsAdded, l.DocumentsRemoved = id, splitList(how), splitList(added), splitList(removed)
		d := decoder{Where: fmt.Sprintf("shadow %d", id)}
		l.Before.Verdict, l.Before.Route = verdictRoute(&d, bv, br)
		if failed == 1 {
			l.Err = "failed"
		} else {
			l.After.Verdict, l.After.Route = verdictRoute(&d, dv, dr)
		}
		return c, d.Err
	}, shadowTallySQL, id)
	if err != nil {
		return nil, st.storeError("shadow tally", err)
	}
	return out, nil
}

// shadowLinesSQL pages a run's listed lines along
// policy_shadow_lines_review, each with its RMA's number, requester and
// filing time.
const shadowLinesSQL = `SELECT l.id, l.rma_id, l.line_no, l.baseline_version, l.how, l.baseline_verdict, l.draft_verdict,
	l.baseline_route, l.draft_route, l.warranty_shift, l.window_shift, l.documents_added, l.documents_removed,
	l.baseline_decision, l.draft_decision, l.draft_error, r.number, o.name, r.created
FROM policy_shadow_lines l JOIN rmas r ON r.id = l.rma_id JOIN orgs o ON o.id = r.org_id
WHERE l.shadow_id = $1 AND l.listed = $2 AND l.id > $3
ORDER BY l.id LIMIT $4`

func (st *Store) ShadowLines(ctx context.Context, id, after int64, limit int) ([]rma.ShadowLine, error) {
	out, err := collect(ctx, st.pool(), func(row scanner) (rma.ShadowLine, error) {
		l := rma.ShadowLine{Run: id}
		var how, bv, dv, br, dr, added, removed string
		var before, afterDecision, number, created sql.NullString
		if err := row.Scan(&l.ID, &l.RMAID, &l.LineNo, &l.Baseline, &how, &bv, &dv, &br, &dr, &l.WarrantyShift, &l.WindowShift,
			&added, &removed, &before, &afterDecision, &l.Err, &number, &l.Requester, &created); err != nil {
			return l, err
		}
		l.How, l.DocumentsAdded, l.DocumentsRemoved, l.Number = splitList(how), splitList(added), splitList(removed), number.String
		d := decoder{Where: fmt.Sprintf("shadow %d line %d", id, l.ID)}
		if before.Valid {
			l.Before = readSide(&d, "baseline_decision", before)
		} else {
			l.Before.Verdict, l.Before.Route = verdictRoute(&d, bv, br)
		}
		if afterDecision.Valid {
			l.After = readSide(&d, "draft_decision", afterDecision)
		} else if l.Err == "" {
			l.After.Verdict, l.After.Route = verdictRoute(&d, dv, dr)
		}
		l.Filed = d.Time("created", created)
		return l, d.Err
	}, shadowLinesSQL, id, true, after, limit)
	if err != nil {
		return nil, st.storeError("shadow lines", err)
	}
	return out, nil
}

// verdictRoute reads a verdict and a route kept by name.
func verdictRoute(d *decoder, verdict, route string) (v policy.Verdict, r policy.Route) {
	d.Text("verdict", verdict, &v)
	d.Text("route", route, &r)
	return v, r
}
