package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Service locations and organisations' addresses (issue 12): rma.LocationStore.

const locationColumns = `id, code, name, street, postcode, city, region, country, contact, phone, note, active, created, updated`

func scanLocation(row scanner) (*rma.Location, error) {
	var l rma.Location
	var created, updated sql.NullString
	a := &l.Address
	if err := row.Scan(&l.ID, &l.Code, &l.Name, &a.Street, &a.Postcode, &a.City, &a.Region, &a.Country,
		&a.Contact, &a.Phone, &a.Note, &l.Active, &created, &updated); err != nil {
		return nil, err
	}
	d := decoder{Where: fmt.Sprintf("service location %d", l.ID)}
	l.Created = d.Time("created", created)
	l.Updated = d.Time("updated", updated)
	return &l, d.Err
}

// addressArgs are an address's columns in the order of locationColumns
// (street .. note), as every statement here writes them.
func addressArgs(a rma.Address) []any {
	return []any{a.Street, a.Postcode, a.City, a.Region, a.Country, a.Contact, a.Phone, a.Note}
}

func (st *Store) CreateLocation(ctx context.Context, l *rma.Location) error {
	if l == nil {
		return rma.Invalid("location", "missing")
	}
	if !storable(l.Code) || !storable(l.Name) {
		return rma.Invalid("code", "cannot be stored")
	}
	at := orNow(l.Created)
	var enc encoder
	atText := enc.Time("created", at)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err := st.write(ctx, "create location", func(q Querier) error {
		args := append(append([]any{l.Code, l.Name}, addressArgs(l.Address)...), l.Active, atText, atText)
		err := q.QueryRowContext(ctx,
			`INSERT INTO service_locations (code, name, street, postcode, city, region, country, contact, phone, note, active, created, updated)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`, args...).Scan(&id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "a service location with code %q exists", l.Code)
		}
		return err
	})
	if err != nil {
		return err
	}
	l.ID, l.Created, l.Updated = id, at.UTC(), at.UTC()
	return nil
}

func (st *Store) UpdateLocation(ctx context.Context, l *rma.Location) error {
	if l == nil {
		return rma.Invalid("location", "missing")
	}
	at := time.Now()
	var enc encoder
	atText := enc.Time("updated", at)
	if enc.Err != nil {
		return enc.Err
	}
	err := st.write(ctx, "update location", func(q Querier) error {
		args := append(append([]any{l.Name}, addressArgs(l.Address)...), l.Active, atText, l.Code)
		res, err := q.ExecContext(ctx,
			`UPDATE service_locations SET name = $1, street = $2, postcode = $3, city = $4, region = $5, country = $6,
			 contact = $7, phone = $8, note = $9, active = $10, updated = $11 WHERE code = $12`, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "service location %q not found", l.Code)
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.Updated = at.UTC()
	return nil
}

func (st *Store) LocationByCode(ctx context.Context, code string) (*rma.Location, error) {
	if !storable(code) {
		return nil, rma.Errorf(rma.ENOTFOUND, "service location %q not found", code)
	}
	l, err := scanLocation(st.pool().QueryRowContext(ctx, `SELECT `+locationColumns+` FROM service_locations WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "service location %q not found", code)
	}
	if err != nil {
		return nil, st.storeError("location", err)
	}
	return l, nil
}

func (st *Store) Locations(ctx context.Context) ([]rma.Location, error) {
	rows, err := st.pool().QueryContext(ctx, `SELECT `+locationColumns+` FROM service_locations ORDER BY code`)
	if err != nil {
		return nil, st.storeError("locations", err)
	}
	defer rows.Close()
	var out []rma.Location
	for rows.Next() {
		l, err := scanLocation(rows)
		if err != nil {
			return nil, st.storeError("locations", err)
		}
		out = append(out, *l)
	}
	if err := rows.Err(); err != nil {
		return nil, st.storeError("locations", err)
	}
	return out, nil
}

func (st *Store) SetOrgAddress(ctx context.Context, orgID int64, a rma.Address) error {
	for _, s := range addressArgs(a) {
		if !storable(s.(string)) {
			return rma.Invalid("address", "cannot be stored")
		}
	}
	return st.write(ctx, "set org address", func(q Querier) error {
		res, err := q.ExecContext(ctx,
			`UPDATE orgs SET street = $1, postcode = $2, city = $3, region = $4, address_country = $5,
			 contact = $6, phone = $7, address_note = $8 WHERE id = $9`, append(addressArgs(a), orgID)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return rma.Errorf(rma.ENOTFOUND, "organisation %d not found", orgID)
		}
		return nil
	})
}

// encodeShipTo is an RMA's ship_to column: NULL without one.
func encodeShipTo(enc *encoder, s *rma.ShipTo) any {
	return enc.JSON("ship_to", s, s == nil)
}

// decodeShipTo reads the ship_to column.
func decodeShipTo(d *decoder, s sql.NullString) *rma.ShipTo {
	if !s.Valid || s.String == "" {
		return nil
	}
	var out rma.ShipTo
	if err := json.Unmarshal([]byte(s.String), &out); err != nil {
		d.Fail("ship_to", err)
		return nil
	}
	return &out
}
