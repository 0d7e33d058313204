package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/be"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/nl"
)

// The Netherlands, Belgium and Germany fix their public holidays by rule, so
// their calendars are computed from rickar/cal's definitions over a range of
// years rather than kept as data. The ranges start where the rules below
// stop changing, so that covered years are right rather than merely present.
const (
	// 1990 onward: Koninginnedag before 2014 is corrected below.
	nlFirstYear = 1990
	nlLastYear  = 2100
	nlSource    = "github.com/rickar/cal/v2/nl v2.1.13 (nl.Holidays, with Koninginnedag before 2014); national holidays of the Netherlands, cf. Algemene termijnenwet art. 3"

	// The ten statutory holidays have been unchanged since the Royal Decree
	// of 18 April 1974.
	beFirstYear = 1990
	beLastYear  = 2100
	beSource    = "github.com/rickar/cal/v2/be v2.1.13 (be.Holidays); the ten statutory public holidays of Belgium, Royal Decree of 18 April 1974"

	// 1995 onward: until 1994 Buß- und Bettag was a holiday in every state
	// and rickar/cal's nationwide list does not have it.
	deFirstYear = 1995
	deLastYear  = 2100
	deSource    = "github.com/rickar/cal/v2/de v2.1.13 (de.Holidays, nationwide holidays only, plus the one-off Reformationstag 2017); state holiday laws and the Unification Treaty (3 October)"
)

func buildNL() ([]dayEntry, error) {
	// rickar/cal has Koningsdag (27 April, or the 26th when the 27th is a
	// Sunday) for every year, but it only exists since Willem-Alexander's
	// accession; before 2014 the day was Koninginnedag, 30 April, or the
	// 29th when the 30th was a Sunday.
	koningsdag := nl.Koningsdag.Clone(&cal.Holiday{StartYear: 2014})
	koninginnedag := &cal.Holiday{
		Name:     "Koninginnedag",
		Month:    time.April,
		Day:      30,
		Func:     cal.CalcDayOfMonth,
		Observed: []cal.AltDay{{Day: time.Sunday, Offset: -1}},
		EndYear:  2013,
	}
	hs := []*cal.Holiday{koninginnedag}
	for _, h := range nl.Holidays {
		if h == nl.Koningsdag {
			h = koningsdag
		}
		hs = append(hs, h)
	}
	return ruleEntries(hs, nlFirstYear, nlLastYear), nil
}

func buildBE() ([]dayEntry, error) {
	return ruleEntries(be.Holidays, beFirstYear, beLastYear), nil
}

func buildDE() ([]dayEntry, error) {
	// In 2017, the 500th anniversary of the Reformation, every state made
	// 31 October a holiday once; rickar/cal's nationwide list cannot know.
	reformation2017 := de.Reformationstag.Clone(&cal.Holiday{StartYear: 2017, EndYear: 2017})
	hs := append(append([]*cal.Holiday(nil), de.Holidays...), reformation2017)
	return ruleEntries(hs, deFirstYear, deLastYear), nil
}

// ruleEntries evaluates rickar/cal holidays for each year in [from, to] and
// keeps the observed day, since that is the day off (Koningsdag moves to
// Saturday when 27 April is a Sunday).
func ruleEntries(hs []*cal.Holiday, from, to int) []dayEntry {
	var entries []dayEntry
	for y := from; y <= to; y++ {
		for _, h := range hs {
			_, observed := h.Calc(y)
			if observed.IsZero() {
				continue
			}
			// rickar/cal returns midnight in cal.DefaultLoc (time.Local by
			// default); where a zone skips midnight for daylight saving that
			// instant can land late on the previous day, so read the date at
			// noon.
			yy, mm, dd := observed.Add(12 * time.Hour).Date()
			d := DateOf(yy, mm, dd)
			entries = append(entries, dayEntry{first: d, last: d, kind: kindHoliday, name: h.Name})
		}
	}
	return entries
}
