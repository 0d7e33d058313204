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

// Policy packs kept in the desk (issue 15): rma.PackStore.

const packColumns = `id, policy_id, version, effective_from, source, translations, state, origin, created_by, created, updated, published_by, published, retired_by, retired`

// packsGeneration is the row of sequences that moves on with every
// publication.
const packsGeneration = "policy_packs"

func scanPack(row scanner) (rma.PackVersion, error) {
	var v rma.PackVersion
	var eff, tr, state, created, updated, published, retired sql.NullString
	if err := row.Scan(&v.ID, &v.PolicyID, &v.Version, &eff, &v.Source, &tr, &state, &v.Origin, &v.CreatedBy,
		&created, &updated, &v.PublishedBy, &published, &v.RetiredBy, &retired); err != nil {
		return v, err
	}
	d := decoder{Where: fmt.Sprintf("policy pack %d", v.ID)}
	v.EffectiveFrom = d.Date("effective_from", eff)
	v.Created = d.Time("created", created)
	v.Updated = d.Time("updated", updated)
	v.Published = d.Time("published", published)
	v.Retired = d.Time("retired", retired)
	v.State = rma.PackState(state.String)
	v.Translations = map[string]string{}
	if tr.Valid && tr.String != "" {
		if err := json.Unmarshal([]byte(tr.String), &v.Translations); err != nil {
			d.Fail("translations", err)
		}
	}
	return v, d.Err
}

// packArgs encodes what every write of a pack sets, before its transaction.
func packArgs(v *rma.PackVersion) (eff, tr, pub any, err error) {
	if v.PolicyID == "" || v.Version == "" || v.EffectiveFrom.IsZero() {
		return nil, nil, nil, rma.Invalid("version", "a pack version needs its policy, version and effective date")
	}
	for _, s := range append([]string{v.PolicyID, v.Version, v.Source, v.Origin, v.CreatedBy, v.PublishedBy}, mapValues(v.Translations)...) {
		if !storable(s) {
			return nil, nil, nil, rma.Invalid("source", "cannot be stored (a NUL or invalid UTF-8)")
		}
	}
	if v.State != rma.PackDraft && v.State != rma.PackPublished {
		return nil, nil, nil, rma.Invalid("state", "%q is not draft or published", v.State)
	}
	var enc encoder
	eff = enc.Date("effective_from", v.EffectiveFrom)
	trs := v.Translations
	if trs == nil {
		trs = map[string]string{}
	}
	tr = enc.JSON("translations", trs, false)
	pub = enc.Time("published", v.Published)
	return eff, tr, pub, enc.Err
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func (st *Store) PackVersions(ctx context.Context, policyID string) ([]rma.PackVersion, error) {
	if !storable(policyID) {
		return nil, nil
	}
	out, err := collect(ctx, st.pool(), scanPack,
		`SELECT `+packColumns+` FROM policy_packs WHERE $1 = '' OR policy_id = $1 ORDER BY policy_id, effective_from, id`, policyID)
	if err != nil {
		return nil, st.storeError("policy packs", err)
	}
	return out, nil
}

func (st *Store) PackVersion(ctx context.Context, id int64) (*rma.PackVersion, error) {
	v, err := scanPack(st.pool().QueryRowContext(ctx, `SELECT `+packColumns+` FROM policy_packs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, rma.Errorf(rma.ENOTFOUND, "policy pack version %d not found", id)
	}
	if err != nil {
		return nil, st.storeError("policy pack", err)
	}
	return &v, nil
}

func (st *Store) CreatePackVersion(ctx context.Context, v *rma.PackVersion) error {
	if v == nil {
		return rma.Invalid("version", "missing")
	}
	eff, tr, pub, err := packArgs(v)
	if err != nil {
		return err
	}
	at := orNow(v.Created)
	var enc encoder
	atText := enc.Time("created", at)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err = st.write(ctx, "create policy pack", func(q Querier) error {
		err := q.QueryRowContext(ctx,
			`INSERT INTO policy_packs (policy_id, version, effective_from, source, translations, state, origin, created_by, created, updated, published_by, published)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			v.PolicyID, v.Version, eff, v.Source, tr, string(v.State), v.Origin, v.CreatedBy, atText, atText, v.PublishedBy, pub).Scan(&id)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "policy %s has a version %q already", v.PolicyID, v.Version)
		}
		if err != nil || v.State != rma.PackPublished {
			return err
		}
		return bumpGeneration(ctx, q)
	})
	if err != nil {
		return err
	}
	v.ID, v.Created, v.Updated = id, at.UTC(), at.UTC()
	return nil
}

func bumpGeneration(ctx context.Context, q Querier) error {
	_, err := q.ExecContext(ctx,
		`INSERT INTO sequences (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1`, packsGeneration)
	return err
}

// draftState reads a row's state in the writing transaction: a draft
// published or deleted meanwhile is not rewritten.
func draftState(ctx context.Context, q Querier, id int64) error {
	var state string
	err := q.QueryRowContext(ctx, `SELECT state FROM policy_packs WHERE id = $1`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return rma.Errorf(rma.ENOTFOUND, "policy pack version %d not found", id)
	}
	if err != nil {
		return err
	}
	if state != string(rma.PackDraft) {
		return rma.Errorf(rma.ECONFLICT, "policy pack version %d is %s, no longer a draft", id, state)
	}
	return nil
}

func (st *Store) UpdateDraft(ctx context.Context, v *rma.PackVersion) error {
	if v == nil {
		return rma.Invalid("version", "missing")
	}
	eff, tr, _, err := packArgs(v)
	if err != nil {
		return err
	}
	at := time.Now()
	var enc encoder
	atText := enc.Time("updated", at)
	if enc.Err != nil {
		return enc.Err
	}
	err = st.write(ctx, "update policy draft", func(q Querier) error {
		if err := draftState(ctx, q, v.ID); err != nil {
			return err
		}
		// Its shadow compared the old text (shadows.go).
		if err := endShadowsOf(ctx, q, v.ID, rma.ShadowEdited, "", &v.Source); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx,
			`UPDATE policy_packs SET version = $1, effective_from = $2, source = $3, translations = $4, updated = $5 WHERE id = $6`,
			v.Version, eff, v.Source, tr, atText, v.ID)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "policy %s has a version %q already", v.PolicyID, v.Version)
		}
		return err
	})
	if err != nil {
		return err
	}
	v.Updated = at.UTC()
	return nil
}

func (st *Store) PublishDraft(ctx context.Context, v *rma.PackVersion) error {
	if v == nil {
		return rma.Invalid("version", "missing")
	}
	v2 := *v
	v2.State = rma.PackPublished
	eff, tr, pub, err := packArgs(&v2)
	if err != nil {
		return err
	}
	if pub == nil {
		var enc encoder
		pub = enc.Time("published", time.Now())
	}
	err = st.write(ctx, "publish policy draft", func(q Querier) error {
		if err := draftState(ctx, q, v.ID); err != nil {
			return err
		}
		var other string
		err := q.QueryRowContext(ctx,
			`SELECT version FROM policy_packs WHERE policy_id = $1 AND state = $2 AND effective_from = $3 AND id <> $4`,
			v.PolicyID, string(rma.PackPublished), eff, v.ID).Scan(&other)
		if err == nil {
			return rma.Errorf(rma.ECONFLICT, "policy %s version %s takes effect on %s already", v.PolicyID, other, v.EffectiveFrom)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = q.ExecContext(ctx,
			`UPDATE policy_packs SET version = $1, effective_from = $2, source = $3, translations = $4, state = $5,
			 published_by = $6, published = $7, updated = $7 WHERE id = $8`,
			v.Version, eff, v.Source, tr, string(rma.PackPublished), v.PublishedBy, pub, v.ID)
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "policy %s has a version %q already", v.PolicyID, v.Version)
		}
		if err != nil {
			return err
		}
		if err := endShadowsOf(ctx, q, v.ID, rma.ShadowPublished, v.PublishedBy, nil); err != nil {
			return err
		}
		return bumpGeneration(ctx, q)
	})
	if err != nil {
		return err
	}
	var d decoder
	v.State = rma.PackPublished
	v.Published = d.Time("published", sql.NullString{String: pub.(string), Valid: true})
	v.Updated = v.Published
	return nil
}

func (st *Store) DeleteDraft(ctx context.Context, id int64) error {
	return st.write(ctx, "delete policy draft", func(q Querier) error {
		if err := draftState(ctx, q, id); err != nil {
			return err
		}
		// Its shadow's comparisons stay, to be reviewed (shadows.go).
		if err := endShadowsOf(ctx, q, id, rma.ShadowDiscarded, "", nil); err != nil {
			return err
		}
		_, err := q.ExecContext(ctx, `DELETE FROM policy_packs WHERE id = $1`, id)
		return err
	})
}

func (st *Store) RetirePackVersion(ctx context.Context, id int64, by string, at time.Time) error {
	var enc encoder
	atText := enc.Time("retired", orNow(at))
	if enc.Err != nil {
		return enc.Err
	}
	if !storable(by) {
		return rma.Invalid("by", "cannot be stored")
	}
	return st.write(ctx, "retire policy version", func(q Querier) error {
		var state string
		err := q.QueryRowContext(ctx, `SELECT state FROM policy_packs WHERE id = $1`, id).Scan(&state)
		if errors.Is(err, sql.ErrNoRows) {
			return rma.Errorf(rma.ENOTFOUND, "policy pack version %d not found", id)
		}
		if err != nil {
			return err
		}
		if state != string(rma.PackPublished) {
			return rma.Errorf(rma.ECONFLICT, "policy pack version %d is %s, not published", id, state)
		}
		if _, err := q.ExecContext(ctx, `UPDATE policy_packs SET state = $1, retired_by = $2, retired = $3, updated = $3 WHERE id = $4`,
			string(rma.PackRetired), by, atText, id); err != nil {
			return err
		}
		return bumpGeneration(ctx, q)
	})
}

func (st *Store) PacksGeneration(ctx context.Context) (int64, error) {
	var v int64
	err := st.pool().QueryRowContext(ctx, `SELECT value FROM sequences WHERE name = $1`, packsGeneration).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, st.storeError("policy packs generation", err)
	}
	return v, nil
}
