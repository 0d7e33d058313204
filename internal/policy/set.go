package policy

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/rmadesk/rmadesk/internal/calendar"
)

// Set holds every loaded version of every policy. A policy changes by adding
// a version with a later effective_from; the old version stays, because an
// RMA is judged by the version in force when it was reported and keeps it.
type Set struct {
	byID map[string][]*Policy // each sorted by EffectiveFrom, oldest first
	all  []*Policy            // by ID, then EffectiveFrom
}

// NewSet checks that no two policies share an ID and a version, or an ID and
// an effective date (which of the two would be in force?).
func NewSet(ps []*Policy) (*Set, error) {
	s := &Set{byID: map[string][]*Policy{}}
	for _, p := range ps {
		for _, q := range s.byID[p.ID] {
			switch {
			case q.Version == p.Version:
				return nil, fmt.Errorf("%s: policy %s version %s is also in %s", p.Source, p.ID, p.Version, q.Source)
			case q.EffectiveFrom == p.EffectiveFrom:
				return nil, fmt.Errorf("%s: policy %s takes effect on %s, as does version %s in %s", p.Source, p.ID, p.EffectiveFrom, q.Version, q.Source)
			}
		}
		s.byID[p.ID] = append(s.byID[p.ID], p)
		s.all = append(s.all, p)
	}
	byDate := func(a, b *Policy) int { return cmp.Compare(a.EffectiveFrom, b.EffectiveFrom) }
	for _, versions := range s.byID {
		slices.SortFunc(versions, byDate)
	}
	slices.SortFunc(s.all, func(a, b *Policy) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), byDate(a, b))
	})
	return s, nil
}

// All lists every version of every policy, by ID and then effective date.
func (s *Set) All() []*Policy { return s.all }

// IDs lists the policy IDs, sorted.
func (s *Set) IDs() []string {
	var ids []string
	for _, p := range s.all {
		if len(ids) == 0 || ids[len(ids)-1] != p.ID {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

// Latest returns the version of id with the latest effective date, or nil.
func (s *Set) Latest(id string) *Policy {
	versions := s.byID[id]
	if len(versions) == 0 {
		return nil
	}
	return versions[len(versions)-1]
}

// InForce returns the version of id in force on day: the latest that took
// effect on or before it. Before the first version it returns the first, whose
// decisions then say the policy was not yet in force; nil if id is unknown.
func (s *Set) InForce(id string, day calendar.Date) *Policy {
	versions := s.byID[id]
	for i := len(versions) - 1; i >= 0; i-- {
		if versions[i].EffectiveFrom <= day {
			return versions[i]
		}
	}
	if len(versions) > 0 {
		return versions[0]
	}
	return nil
}

// Version returns the given version of id, or nil.
func (s *Set) Version(id, version string) *Policy {
	for _, p := range s.byID[id] {
		if p.Version == version {
			return p
		}
	}
	return nil
}
