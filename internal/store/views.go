package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// SaveView stores a user's view, or replaces the query of the user's view
// of the same name (rma.ViewStore).
func (st *Store) SaveView(ctx context.Context, v *rma.SavedView) error {
	var enc encoder
	created := orNow(v.Created)
	createdText := enc.Time("created", created)
	if enc.Err != nil {
		return enc.Err
	}
	var id int64
	err := st.write(ctx, "save view", func(q Querier) error {
		return q.QueryRowContext(ctx, `INSERT INTO saved_views (user_id, name, query, created) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, name) DO UPDATE SET query = excluded.query RETURNING id`,
			v.UserID, v.Name, v.Query, createdText).Scan(&id)
	})
	if err != nil {
		return err
	}
	v.ID, v.Created = id, created.UTC()
	return nil
}

// Views lists a user's views by name.
func (st *Store) Views(ctx context.Context, userID int64) ([]rma.SavedView, error) {
	var out []rma.SavedView
	err := st.read(ctx, "views", func(q Querier) error {
		d := decoder{Where: fmt.Sprintf("user %d views", userID)}
		var err error
		out, err = collect(ctx, q, func(row scanner) (v rma.SavedView, err error) {
			var created sql.NullString
			err = row.Scan(&v.ID, &v.UserID, &v.Name, &v.Query, &created)
			v.Created = d.Time("created", created)
			return v, err
		}, `SELECT id, user_id, name, query, created FROM saved_views WHERE user_id = $1 ORDER BY name, id`, userID)
		return errors.Join(err, d.Err)
	})
	return out, err
}

// DeleteView deletes one of a user's views.
func (st *Store) DeleteView(ctx context.Context, userID, id int64) error {
	return st.write(ctx, "delete view", func(q Querier) error {
		res, err := q.ExecContext(ctx, `DELETE FROM saved_views WHERE id = $1 AND user_id = $2`, id, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, rma.Errorf(rma.ENOTFOUND, "no view %d of yours", id))
		}
		return nil
	})
}

// SaveCannedReply creates a canned reply (ID 0) or rewrites one.
func (st *Store) SaveCannedReply(ctx context.Context, c *rma.CannedReply) error {
	var enc encoder
	created, updated := orNow(c.Created), orNow(c.Updated)
	createdText, updatedText := enc.Time("created", created), enc.Time("updated", updated)
	if enc.Err != nil {
		return enc.Err
	}
	id := c.ID
	// Titles are unique: a second one is the caller's to rename, said
	// in words, not in the database's.
	taken := func(err error) error {
		if st.isUnique(err) {
			return rma.Errorf(rma.ECONFLICT, "title: a canned reply titled %q exists; choose another title", c.Title)
		}
		return err
	}
	err := st.write(ctx, "save canned reply", func(q Querier) error {
		if id == 0 {
			return taken(q.QueryRowContext(ctx, `INSERT INTO canned_replies (title, body, created, updated) VALUES ($1, $2, $3, $4) RETURNING id`,
				c.Title, c.Body, createdText, updatedText).Scan(&id))
		}
		res, err := q.ExecContext(ctx, `UPDATE canned_replies SET title = $1, body = $2, updated = $3 WHERE id = $4`, c.Title, c.Body, updatedText, id)
		if err != nil {
			return taken(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, rma.Errorf(rma.ENOTFOUND, "no canned reply %d", id))
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.ID, c.Updated = id, updated.UTC()
	if c.Created.IsZero() {
		c.Created = created.UTC()
	}
	return nil
}

// CannedReplies lists the desk's canned replies by title.
func (st *Store) CannedReplies(ctx context.Context) ([]rma.CannedReply, error) {
	var out []rma.CannedReply
	err := st.read(ctx, "canned replies", func(q Querier) error {
		d := decoder{Where: "canned replies"}
		var err error
		out, err = collect(ctx, q, func(row scanner) (c rma.CannedReply, err error) {
			var created, updated sql.NullString
			err = row.Scan(&c.ID, &c.Title, &c.Body, &created, &updated)
			c.Created, c.Updated = d.Time("created", created), d.Time("updated", updated)
			return c, err
		}, `SELECT id, title, body, created, updated FROM canned_replies ORDER BY title, id`)
		return errors.Join(err, d.Err)
	})
	return out, err
}

// DeleteCannedReply deletes a canned reply.
func (st *Store) DeleteCannedReply(ctx context.Context, id int64) error {
	return st.write(ctx, "delete canned reply", func(q Querier) error {
		res, err := q.ExecContext(ctx, `DELETE FROM canned_replies WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, rma.Errorf(rma.ENOTFOUND, "no canned reply %d", id))
		}
		return nil
	})
}
