package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// Reading an RMA: its row and each table of what it holds.

func loadRMA(ctx context.Context, q Querier, id int64) (*rma.RMA, error) {
	r, err := scanRMA(q.QueryRowContext(ctx, `SELECT `+rmaColumns+` FROM rmas r WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "RMA %d not found", id)
	}
	if err != nil {
		return nil, err
	}
	if r.Lines, err = loadLines(ctx, q, id); err != nil {
		return nil, err
	}
	if r.Numbers, err = loadNumbers(ctx, q, id); err != nil {
		return nil, err
	}
	deadlines, err := loadDeadlines(ctx, q, []int64{id})
	if err != nil {
		return nil, err
	}
	r.Deadlines = deadlines[id]
	if r.Charges, err = loadCharges(ctx, q, id); err != nil {
		return nil, err
	}
	if r.Supplier, err = loadSupplierLines(ctx, q, id); err != nil { // suppliers.go
		return nil, err
	}
	return &r, nil
}

const rmaColumns = `r.id, r.number, r.number_expires, r.org_id, r.reference, r.policy_id, r.policy_version,
	r.kind, r.state, r.verdict, r.route, r.resolution, r.outcome, r.reason, r.referred_to, r.location,
	r.no_substitute, r.reported, r.version, r.created, r.updated, r.preference, r.ship_to, r.assignee_id, r.unread`

type scanner interface{ Scan(...any) error }

func scanRMA(row scanner) (r rma.RMA, err error) {
	var number, expires, reported, created, updated, shipTo sql.NullString
	var kind, state, verdict, route, outcome string
	var assignee sql.NullInt64
	err = row.Scan(&r.ID, &number, &expires, &r.OrgID, &r.Reference, &r.PolicyID, &r.PolicyVersion,
		&kind, &state, &verdict, &route, &r.Resolution, &outcome, &r.Reason, &r.ReferredTo, &r.Location,
		&r.NoSubstitute, &reported, &r.Version, &created, &updated, &r.Preference, &shipTo, &assignee, &r.Unread)
	if err != nil {
		return r, err
	}
	r.AssigneeID = assignee.Int64
	d := decoder{Where: fmt.Sprintf("rma %d", r.ID)}
	r.Number = number.String
	r.NumberExpires = d.Date("number_expires", expires)
	d.Text("kind", kind, &r.Kind)
	r.State = rma.State(state)
	d.Text("verdict", verdict, &r.Verdict)
	d.Text("route", route, &r.Route)
	r.Outcome = rma.Outcome(outcome)
	r.Reported = d.Date("reported", reported)
	r.Created = d.Time("created", created)
	r.Updated = d.Time("updated", updated)
	r.ShipTo = decodeShipTo(&d, shipTo)
	return r, d.Err
}

const lineColumns = `l.id, l.rma_id, l.line_no, l.claim, l.quantity, l.fault, l.price_cents, l.price_currency,
	l.decision, l.received_serial, l.received_model, l.serial_mismatch, l.missing_accessories,
	l.enclosed_documents, l.finding, l.finding_condition, l.evaluation_notes,
	l.replacement_serial, l.replacement_model, l.replacement_grade, l.replacement_warranty_end,
	l.part_number, l.received_part_number, l.part_mismatch, l.rejected, l.reject_reason,
	l.intake_condition, l.intake_notes, l.evaluation_hours,
	l.advance`

// scanLine reads lineColumns.
func scanLine(row scanner) (rma.Line, error) { return scanLineAfter(row, nil) }

// scanLineAfter reads the columns before, then lineColumns, then after, for
// queries that select a line with more.
func scanLineAfter(row scanner, before []any, after ...any) (rma.Line, error) {
	var l rma.Line
	var rmaID int64
	var claim, accessories, enclosed, warrantyEnd, advance sql.NullString
	var decision, finding string
	dest := []any{&l.ID, &rmaID, &l.No, &claim, &l.Quantity, &l.Fault, &l.LastInvoicedPrice.Cents, &l.LastInvoicedPrice.Currency,
		&decision, &l.ReceivedSerial, &l.ReceivedModel, &l.SerialMismatch, &accessories,
		&enclosed, &finding, &l.FindingCondition, &l.EvaluationNotes,
		&l.ReplacementSerial, &l.ReplacementModel, &l.ReplacementGrade, &warrantyEnd,
		&l.PartNumber, &l.ReceivedPartNumber, &l.PartMismatch, &l.Rejected, &l.RejectReason,
		&l.IntakeCondition, &l.IntakeNotes, &l.EvaluationHours,
		&advance}
	dest = append(append(before, dest...), after...)
	if err := row.Scan(dest...); err != nil {
		return l, err
	}
	d := decoder{Where: fmt.Sprintf("rma %d line %d", rmaID, l.No)}
	l.Claim = d.Claim("claim", claim)
	l.Decision = d.Decision("decision", decision)
	l.MissingAccessories = sqlcodec.JSON[[]string](&d, "missing_accessories", accessories)
	l.EnclosedDocuments = sqlcodec.JSON[[]policy.Document](&d, "enclosed_documents", enclosed)
	l.Finding = rma.Finding(finding)
	l.ReplacementWarrantyEnd = d.Date("replacement_warranty_end", warrantyEnd)
	l.Advance = sqlcodec.JSON[*rma.AdvanceShipment](&d, "advance", advance)
	return l, d.Err
}

func loadLines(ctx context.Context, q Querier, rmaID int64) ([]rma.Line, error) {
	return collect(ctx, q, scanLine, `SELECT `+lineColumns+` FROM rma_lines l WHERE l.rma_id = $1 ORDER BY l.line_no`, rmaID)
}

func loadNumbers(ctx context.Context, q Querier, rmaID int64) ([]rma.NumberRecord, error) {
	d := decoder{Where: fmt.Sprintf("rma %d", rmaID)}
	out, err := collect(ctx, q, func(row scanner) (n rma.NumberRecord, err error) {
		var issued, expires sql.NullString
		err = row.Scan(&n.Number, &issued, &expires, &n.Current)
		n.Issued = d.Date("number issued", issued)
		n.Expires = d.Date("number expires", expires)
		return n, err
	}, `SELECT number, issued, expires, is_current FROM rma_numbers WHERE rma_id = $1 ORDER BY position`, rmaID)
	return out, errors.Join(err, d.Err)
}

// loadDeadlines loads the deadlines of several RMAs in one query, so a page
// of a list costs two queries however long it is.
func loadDeadlines(ctx context.Context, q Querier, rmaIDs []int64) (map[int64][]rma.Deadline, error) {
	out := map[int64][]rma.Deadline{}
	if len(rmaIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(rmaIDs))
	for i, id := range rmaIDs {
		args[i] = id
	}
	type row struct {
		id int64
		rma.Deadline
	}
	rows, err := collect(ctx, q, func(sc scanner) (r row, err error) {
		var due, met sql.NullString
		if err := sc.Scan(&r.id, &r.Name, &r.Owner, &due, &met, &r.Clause, &r.Text); err != nil {
			return r, err
		}
		d := decoder{Where: fmt.Sprintf("rma %d deadline %q", r.id, r.Name)}
		r.Due = d.Date("due", due)
		r.Met = d.Time("met", met)
		return r, d.Err
	}, `SELECT rma_id, name, owner, due, met, clause, description FROM deadlines
		 WHERE rma_id IN (`+params(1, len(args))+`) ORDER BY rma_id, position`, args...)
	for _, r := range rows {
		out[r.id] = append(out[r.id], r.Deadline)
	}
	return out, err
}

const chargeColumns = `id, line_no, kind, basis, description, quantity, amount_cents, currency, clause, created, deducted`

func loadCharges(ctx context.Context, q Querier, rmaID int64) ([]rma.Charge, error) {
	d := decoder{Where: fmt.Sprintf("rma %d charges", rmaID)}
	out, err := collect(ctx, q, func(row scanner) (c rma.Charge, err error) {
		var created sql.NullString
		err = row.Scan(&c.ID, &c.LineNo, &c.Kind, &c.Basis, &c.Description, &c.Quantity,
			&c.Amount.Cents, &c.Amount.Currency, &c.Clause, &created, &c.Deducted)
		c.Created = d.Time("created", created)
		return c, err
	}, `SELECT `+chargeColumns+` FROM charges WHERE rma_id = $1 ORDER BY id`, rmaID)
	return out, errors.Join(err, d.Err)
}
