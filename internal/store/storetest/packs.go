package storetest

import (
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// packStore is the store as rma.PackStore: every store must be one.
func packStore(t *testing.T, s rma.Store) rma.PackStore {
	t.Helper()
	ps, ok := s.(rma.PackStore)
	if !ok {
		t.Fatalf("%T does not keep policy packs (rma.PackStore)", s)
	}
	return ps
}

func pixfraVersion(version string, eff calendar.Date, state rma.PackState) *rma.PackVersion {
	return &rma.PackVersion{PolicyID: "pixfra", Version: version, EffectiveFrom: eff,
		Source: "id: pixfra\nversion: \"" + version + "\"\n# «text» kept byte for byte\n", Translations: map[string]string{"nl": "id: pixfra\nlang: nl\n"},
		State: state, Origin: "upload", CreatedBy: "ada@desk.example", Created: minute(1)}
}

// testPacks: policy pack versions and drafts (issue 15).
func testPacks(t *testing.T, open Opener) {
	ctx := t.Context()
	t.Run("round trip and order", func(t *testing.T) {
		ps := packStore(t, open(t))
		gen0, err := ps.PacksGeneration(ctx)
		must(t, err)
		if gen0 != 0 {
			t.Fatalf("an empty store's generation is %d, want 0", gen0)
		}
		v2 := pixfraVersion("2", calendar.DateOf(2026, 7, 1), rma.PackPublished)
		v2.PublishedBy, v2.Published = "system", minute(2)
		must(t, ps.CreatePackVersion(ctx, v2))
		if v2.ID == 0 || !v2.Updated.Equal(v2.Created) {
			t.Fatalf("CreatePackVersion set ID %d, updated %v (created %v)", v2.ID, v2.Updated, v2.Created)
		}
		// A version is created published or a draft, never retired:
		// RetiredBy and Retired are tested by "retire" below.
		if z := slices.DeleteFunc(zeroFields(v2), func(f string) bool { return strings.Contains(f, "Retired") }); len(z) > 0 {
			t.Fatalf("the fixture leaves fields zero, so their round trip is untested:\n%s", joinLines(z))
		}
		got, err := ps.PackVersion(ctx, v2.ID)
		must(t, err)
		wantSame(t, "PackVersion", v2, got)
		gen1, err := ps.PacksGeneration(ctx)
		must(t, err)
		if gen1 <= gen0 {
			t.Fatalf("a version created published left the generation at %d", gen1)
		}
		v1 := pixfraVersion("1", calendar.DateOf(2020, 1, 1), rma.PackPublished)
		must(t, ps.CreatePackVersion(ctx, v1))
		dx := &rma.PackVersion{PolicyID: "dexxon", Version: "1", EffectiveFrom: calendar.DateOf(2021, 1, 1), Source: "id: dexxon\n", State: rma.PackPublished}
		must(t, ps.CreatePackVersion(ctx, dx))
		all, err := ps.PackVersions(ctx, "")
		must(t, err)
		if len(all) != 3 || all[0].PolicyID != "dexxon" || all[1].Version != "1" || all[2].Version != "2" {
			t.Fatalf("PackVersions = %v; want dexxon 1, pixfra 1, pixfra 2", all)
		}
		px, err := ps.PackVersions(ctx, "pixfra")
		must(t, err)
		if len(px) != 2 {
			t.Fatalf("PackVersions(pixfra) = %d versions, want 2", len(px))
		}
		none, err := ps.PackVersions(ctx, "nope\x00")
		must(t, err)
		if len(none) != 0 {
			t.Fatalf("PackVersions of an unstorable id = %v", none)
		}
		_, err = ps.PackVersion(ctx, 999)
		wantCode(t, err, rma.ENOTFOUND)
	})
	t.Run("a version number is taken once", func(t *testing.T) {
		ps := packStore(t, open(t))
		must(t, ps.CreatePackVersion(ctx, pixfraVersion("1", calendar.DateOf(2020, 1, 1), rma.PackPublished)))
		wantCode(t, ps.CreatePackVersion(ctx, pixfraVersion("1", calendar.DateOf(2027, 1, 1), rma.PackDraft)), rma.ECONFLICT)
		wantCode(t, ps.CreatePackVersion(ctx, pixfraVersion("", calendar.DateOf(2027, 1, 1), rma.PackDraft)), rma.EINVALID)
		bad := pixfraVersion("3", calendar.DateOf(2027, 1, 1), rma.PackDraft)
		bad.Source = "id: \x00"
		wantCode(t, ps.CreatePackVersion(ctx, bad), rma.EINVALID)
	})
	t.Run("a draft is edited, published once, and then never changed", func(t *testing.T) {
		ps := packStore(t, open(t))
		must(t, ps.CreatePackVersion(ctx, pixfraVersion("1", calendar.DateOf(2020, 1, 1), rma.PackPublished)))
		d := pixfraVersion("2", calendar.DateOf(2027, 1, 1), rma.PackDraft)
		must(t, ps.CreatePackVersion(ctx, d))
		gen, err := ps.PacksGeneration(ctx)
		must(t, err)
		d.Version, d.Source, d.EffectiveFrom = "2a", "id: pixfra\nversion: \"2a\"\n", calendar.DateOf(2027, 2, 1)
		d.Translations = map[string]string{}
		must(t, ps.UpdateDraft(ctx, d))
		got, err := ps.PackVersion(ctx, d.ID)
		must(t, err)
		if got.Version != "2a" || got.Source != d.Source || got.EffectiveFrom != d.EffectiveFrom || len(got.Translations) != 0 || got.State != rma.PackDraft {
			t.Fatalf("after UpdateDraft: %+v", got)
		}
		if g, _ := ps.PacksGeneration(ctx); g != gen {
			t.Fatalf("a draft's edit moved the generation from %d to %d", gen, g)
		}
		// Publishing on a day another published version takes effect is refused.
		clash := *d
		clash.EffectiveFrom = calendar.DateOf(2020, 1, 1)
		clash.PublishedBy = "ada@desk.example"
		wantCode(t, ps.PublishDraft(ctx, &clash), rma.ECONFLICT)
		d.EffectiveFrom, d.PublishedBy = calendar.DateOf(2027, 3, 1), "ada@desk.example"
		must(t, ps.PublishDraft(ctx, d))
		if d.State != rma.PackPublished || d.Published.IsZero() {
			t.Fatalf("PublishDraft left %+v", d)
		}
		got, err = ps.PackVersion(ctx, d.ID)
		must(t, err)
		if got.State != rma.PackPublished || got.EffectiveFrom != calendar.DateOf(2027, 3, 1) || got.PublishedBy != "ada@desk.example" || !got.Published.Equal(d.Published) {
			t.Fatalf("published version reads back as %+v", got)
		}
		if g, _ := ps.PacksGeneration(ctx); g <= gen {
			t.Fatalf("publishing left the generation at %d", g)
		}
		wantCode(t, ps.PublishDraft(ctx, d), rma.ECONFLICT)
		wantCode(t, ps.UpdateDraft(ctx, d), rma.ECONFLICT)
		wantCode(t, ps.DeleteDraft(ctx, d.ID), rma.ECONFLICT)
	})
	t.Run("a draft is discarded", func(t *testing.T) {
		ps := packStore(t, open(t))
		d := pixfraVersion("2", calendar.DateOf(2027, 1, 1), rma.PackDraft)
		must(t, ps.CreatePackVersion(ctx, d))
		must(t, ps.DeleteDraft(ctx, d.ID))
		_, err := ps.PackVersion(ctx, d.ID)
		wantCode(t, err, rma.ENOTFOUND)
		wantCode(t, ps.DeleteDraft(ctx, d.ID), rma.ENOTFOUND)
		wantCode(t, ps.UpdateDraft(ctx, d), rma.ENOTFOUND)
		// Its number is free again.
		must(t, ps.CreatePackVersion(ctx, pixfraVersion("2", calendar.DateOf(2027, 1, 1), rma.PackDraft)))
	})
	t.Run("retire", func(t *testing.T) {
		ps := packStore(t, open(t))
		v := pixfraVersion("2", calendar.DateOf(2027, 1, 1), rma.PackPublished)
		must(t, ps.CreatePackVersion(ctx, v))
		gen, err := ps.PacksGeneration(ctx)
		must(t, err)
		must(t, ps.RetirePackVersion(ctx, v.ID, "ada@desk.example", minute(9)))
		got, err := ps.PackVersion(ctx, v.ID)
		must(t, err)
		if got.State != rma.PackRetired || got.RetiredBy != "ada@desk.example" || !got.Retired.Equal(minute(9)) || got.PublishedBy != v.PublishedBy {
			t.Fatalf("retired version reads back as %+v", got)
		}
		if g, _ := ps.PacksGeneration(ctx); g <= gen {
			t.Fatalf("retiring left the generation at %d", g)
		}
		wantCode(t, ps.RetirePackVersion(ctx, v.ID, "ada@desk.example", minute(10)), rma.ECONFLICT)
		wantCode(t, ps.RetirePackVersion(ctx, 999, "ada@desk.example", minute(10)), rma.ENOTFOUND)
		d := pixfraVersion("3", calendar.DateOf(2028, 1, 1), rma.PackDraft)
		must(t, ps.CreatePackVersion(ctx, d))
		wantCode(t, ps.RetirePackVersion(ctx, d.ID, "ada@desk.example", minute(10)), rma.ECONFLICT)
		// Its number stays taken.
		wantCode(t, ps.CreatePackVersion(ctx, pixfraVersion("2", calendar.DateOf(2029, 1, 1), rma.PackDraft)), rma.ECONFLICT)
	})
}
