package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// IdempotentResponse returns the response stored for an organisation's key.
func (st *Store) IdempotentResponse(ctx context.Context, orgID int64, key string) (*rma.StoredResponse, error) {
	if !storable(key) {
		return nil, rma.Errorf(rma.ENOTFOUND, "no response stored for this idempotency key")
	}
	var r rma.StoredResponse
	var created string
	err := st.pool().QueryRowContext(ctx,
		`SELECT method, path, request_hash, status, content_type, body, created
		 FROM idempotency_responses WHERE org_id = $1 AND key = $2`, orgID, key).
		Scan(&r.Method, &r.Path, &r.RequestHash, &r.Status, &r.ContentType, &r.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "no response stored for this idempotency key")
	}
	if err != nil {
		return nil, st.storeError("idempotent response", err)
	}
	var dec decoder
	r.Created = dec.Time("created", sql.NullString{String: created, Valid: true})
	if dec.Err != nil {
		return nil, dec.Err
	}
	return &r, nil
}

// SaveIdempotentResponse stores the response to an organisation's key; a
// key already used is ECONFLICT and the first response stays.
func (st *Store) SaveIdempotentResponse(ctx context.Context, orgID int64, key string, r rma.StoredResponse) error {
	created := orNow(r.Created)
	var enc encoder
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}
	return st.write(ctx, "save idempotent response", func(q Querier) error {
		_, err := q.ExecContext(ctx,
			`INSERT INTO idempotency_responses (org_id, key, method, path, request_hash, status, content_type, body, created)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			orgID, key, r.Method, r.Path, r.RequestHash, r.Status, r.ContentType, body, createdText)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "idempotency key already used")
		}
		return err
	})
}
