package main

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/policies"
)

// packsRefresh is how often an instance reads the store's policy
// generation (one row), so a version published through another instance
// decides claims here within this time.
const packsRefresh = 2 * time.Second

// deskPacks fills the store with the packs it lacks (the embedded seeds, or
// those of --dir, loaded the same way: a version the store has is never
// overwritten) and builds the service's Set from the published versions.
func deskPacks(ctx context.Context, svc *rma.Service, dir string, log *slog.Logger) error {
	var fsys fs.FS = policies.FS
	origin := "embedded"
	if dir != "" {
		fsys, origin = os.DirFS(dir), "dir"
	}
	files, err := policy.ReadPackFiles(fsys)
	if err != nil {
		return badInputf("loading policies: %v", err)
	}
	added, err := svc.SeedPacks(ctx, files, origin, log)
	if err != nil {
		return badInputf("loading policies: %v", err)
	}
	if added > 0 {
		log.Info("policy packs added to the store", "from", origin, "versions", added)
	}
	if _, err := svc.ReloadPolicies(ctx); err != nil {
		return err
	}
	return nil
}

// storedPolicies are the policies a command decides by as serve does:
// the versions published in the desk's store, or the embedded packs for a
// desk that was never served (and so stores none yet).
func storedPolicies(ctx context.Context, db rma.Store) (*policy.Set, error) {
	svc := rma.NewService(db, nil)
	_, err := svc.ReloadPolicies(ctx)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return packs("")
	}
	if err != nil {
		return nil, err
	}
	return svc.Policies(), nil
}

// watchPacks rebuilds the Set when another instance publishes a version.
func watchPacks(ctx context.Context, svc *rma.Service, log *slog.Logger) {
	t := time.NewTicker(packsRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if changed, err := svc.RefreshPolicies(ctx); err != nil && ctx.Err() == nil {
				log.Warn("reloading policy packs", "err", err) // the last Set stays: try again next tick
			} else if changed {
				log.Info("policy packs reloaded", "policies", len(svc.Policies().All()))
			}
		}
	}
}
