package rma_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/store/sqlite"
	"github.com/rmadesk/rmadesk/internal/store/sqlitetest"
	"github.com/rmadesk/rmadesk/policies"
)

// TestSeedPacks: the first start fills the empty store with the seeds; a
// later start adds a newer version it brings and never overwrites one
// stored, nor adds one that would take effect the day a stored one does.
func TestSeedPacks(t *testing.T) {
	db, err := sqlite.Open(t.Context(), sqlitetest.Path(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := rma.NewService(db, nil)
	seeds, err := policy.ReadPackFiles(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := svc.SeedPacks(t.Context(), seeds, "embedded", nil); err != nil || n != len(seeds) {
		t.Fatalf("first start: %d added, %v; want %d", n, err, len(seeds))
	}
	if n, err := svc.SeedPacks(t.Context(), seeds, "embedded", nil); err != nil || n != 0 {
		t.Fatalf("second start: %d added, %v", n, err)
	}
	var pixfra policy.PackFile
	for _, f := range seeds {
		if f.Name == "pixfra.yaml" {
			pixfra = f
		}
	}
	edit := func(src []byte, version, date string) []byte {
		out := policy.SetTopLevel(src, "version", version)
		return policy.SetTopLevel(out, "effective_from", date)
	}
	retitle := func(f policy.PackFile, version string) map[string][]byte {
		tr := map[string][]byte{}
		for lang, t := range f.Translations {
			tr[lang] = policy.SetTopLevel(t, "version", version)
		}
		return tr
	}
	later := []policy.PackFile{
		// version 1 with other text: kept as stored.
		{Name: "pixfra.yaml", Source: append(bytes.Clone(pixfra.Source), "# edited\n"...), Translations: pixfra.Translations},
		// a version 2 that takes effect the day version 1 does: skipped.
		{Name: "pixfra.yaml", Source: edit(pixfra.Source, "2", "2020-01-01"), Translations: retitle(pixfra, "2")},
		// a newer version 3: added.
		{Name: "pixfra.yaml", Source: edit(pixfra.Source, "3", "2027-01-01"), Translations: retitle(pixfra, "3")},
	}
	if n, err := svc.SeedPacks(t.Context(), later, "embedded", nil); err != nil || n != 1 {
		t.Fatalf("a later start: %d added, %v; want 1", n, err)
	}
	if _, err := svc.ReloadPolicies(t.Context()); err != nil {
		t.Fatal(err)
	}
	set := svc.Policies()
	if set.Version("pixfra", "2") != nil || set.Version("pixfra", "3") == nil || set.InForce("pixfra", calendar.DateOf(2027, 1, 1)).Version != "3" {
		t.Fatalf("pixfra versions in the set: %v", set.All())
	}
	v1, err := svc.PackVersions(t.Context(), rma.System, "pixfra")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v1[0].Source, "# edited") {
		t.Fatal("a stored version was overwritten")
	}
	// Every seed's decisions are those of the embedded files: the set built
	// from the store is the same packs.
	files, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range files.All() {
		q := set.Version(p.ID, p.Version)
		if q == nil || q.Title != p.Title || len(q.Clauses) != len(p.Clauses) || len(q.Languages()) != len(p.Languages()) {
			t.Errorf("%s %s from the store differs from the embedded pack", p.ID, p.Version)
		}
	}
}
