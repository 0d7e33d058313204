package calendar

import (
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/at"
	"github.com/rickar/cal/v2/cz"
	"github.com/rickar/cal/v2/dk"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/no"
	"github.com/rickar/cal/v2/pl"
	"github.com/rickar/cal/v2/se"
	"github.com/rickar/cal/v2/us"
)

// More countries whose public holidays follow rules, from rickar/cal like
// NL, BE and DE. Each range starts where the country's list of holidays
// last changed in a way the library does not know, so that covered years
// are right rather than merely present; each ends in 2100 like the others.
// Where a country moves a holiday that falls on a weekend to a weekday (the
// United States, the United Kingdom), the day off is the observed day, as
// the library computes it, and its name says so.
//
// Left out on purpose: Switzerland (rickar/cal's list mixes cantonal days),
// Ireland (the library has no substitute days, which Irish employers and
// banks do observe), Finland and Portugal (no package).
const (
	// Martin Luther King Jr. Day has been a federal holiday since 1986.
	// Juneteenth (from 2021) is in the library. One-off closings of federal
	// offices by executive order (a national day of mourning) are not
	// holidays and are not here.
	usFirstYear = 1986
	usLastYear  = 2100
	usSource    = "github.com/rickar/cal/v2/us v2.1.13 (us.Holidays): the eleven federal holidays, 5 U.S.C. 6103, a Saturday one observed on the Friday before and a Sunday one on the Monday after"

	// From 2013: 2011 and 2012 had one-off bank holidays (a royal wedding,
	// the Diamond Jubilee with the spring holiday moved) the library lacks.
	gbFirstYear = 2013
	gbLastYear  = 2100
	gbSource    = "github.com/rickar/cal/v2/gb v2.1.13 (gb.Holidays, plus the State Funeral of 19 September 2022): bank holidays of England and Wales (not Scotland's or Northern Ireland's), substitute days included"

	frFirstYear = 1990
	frLastYear  = 2100
	frSource    = "github.com/rickar/cal/v2/fr v2.1.13 (fr.Holidays): the eleven jours fériés of metropolitan France, Code du travail L3133-1 (not Alsace-Moselle's two more)"

	// Epiphany has been a holiday again since 1985. San Francesco (4
	// October) is one again from 2026, by law 151 of 1 October 2025.
	itFirstYear = 1990
	itLastYear  = 2100
	itSource    = "github.com/rickar/cal/v2/it v2.1.13 (it.Holidays, plus San Francesco d'Assisi on 4 October from 2026, legge 1 ottobre 2025 n. 151): national holidays of Italy, without patron saints' days"

	esFirstYear = 1990
	esLastYear  = 2100
	esSource    = "github.com/rickar/cal/v2/es v2.1.13 (es.Holidays): the national holidays common to all of Spain, Estatuto de los Trabajadores art. 37.2 (not the days each region adds or moves)"

	// Epiphany has been a holiday again since 2011; 24 December is one
	// from 2025 (ustawa of 6 December 2024).
	plFirstYear = 2011
	plLastYear  = 2100
	plSource    = "github.com/rickar/cal/v2/pl v2.1.13 (pl.Holidays, plus Easter Sunday, Pentecost and from 2025 Christmas Eve): the public holidays of the Polish act on days free from work of 18 January 1951"

	atFirstYear = 1990
	atLastYear  = 2100
	atSource    = "github.com/rickar/cal/v2/at v2.1.13 (at.Holidays): the thirteen public holidays of the Austrian Feiertagsruhegesetz 1957 that fall on weekdays"

	// Good Friday has been a holiday since 2016.
	czFirstYear = 2016
	czLastYear  = 2100
	czSource    = "github.com/rickar/cal/v2/cz v2.1.13 (cz.Holidays): public holidays of the Czech Republic, act 245/2000 Sb."

	// Store bededag ends with 2023 in the library, as in the law.
	dkFirstYear = 1990
	dkLastYear  = 2100
	dkSource    = "github.com/rickar/cal/v2/dk v2.1.13 (dk.Holidays): public holidays of Denmark, Store bededag until 2023, with Grundlovsdag"

	noFirstYear = 1990
	noLastYear  = 2100
	noSource    = "github.com/rickar/cal/v2/no v2.1.13 (no.Holidays): public holidays of Norway (helligdager and 1 and 17 May)"

	// From 2005, when Nationaldagen (6 June) replaced Whit Monday.
	seFirstYear = 2005
	seLastYear  = 2100
	seSource    = "github.com/rickar/cal/v2/se v2.1.13 (se.Holidays): Swedish public holidays, with Midsommarafton, Julafton and Nyårsafton, which count as holidays for deadlines (lag 1930:173)"
)

func buildUS() ([]dayEntry, error) {
	return observedEntries(us.Holidays, usFirstYear, usLastYear, " (observed)"), nil
}

func buildGB() ([]dayEntry, error) {
	funeral := &cal.Holiday{
		Name:      "State Funeral of Queen Elizabeth II",
		Month:     time.September,
		Day:       19,
		Func:      cal.CalcDayOfMonth,
		StartYear: 2022,
		EndYear:   2022,
	}
	hs := append(append([]*cal.Holiday(nil), gb.Holidays...), funeral)
	return observedEntries(hs, gbFirstYear, gbLastYear, " (substitute day)"), nil
}

func buildFR() ([]dayEntry, error) { return ruleEntries(fr.Holidays, frFirstYear, frLastYear), nil }

func buildIT() ([]dayEntry, error) {
	francesco := &cal.Holiday{
		Name:      "San Francesco d'Assisi",
		Month:     time.October,
		Day:       4,
		Func:      cal.CalcDayOfMonth,
		StartYear: 2026,
	}
	hs := append(append([]*cal.Holiday(nil), it.Holidays...), francesco)
	return ruleEntries(hs, itFirstYear, itLastYear), nil
}

func buildES() ([]dayEntry, error) { return ruleEntries(es.Holidays, esFirstYear, esLastYear), nil }

func buildPL() ([]dayEntry, error) {
	// Two of the act's holidays are always Sundays; they matter to a term
	// that ends on them, which moves to the next working day.
	easter := aa.Easter.Clone(&cal.Holiday{Name: "pierwszy dzień Wielkiej Nocy"})
	pentecost := aa.Pentecost.Clone(&cal.Holiday{Name: "Zielone Świątki"})
	wigilia := &cal.Holiday{
		Name:      "Wigilia Bożego Narodzenia",
		Month:     time.December,
		Day:       24,
		Func:      cal.CalcDayOfMonth,
		StartYear: 2025,
	}
	hs := append(append([]*cal.Holiday(nil), pl.Holidays...), easter, pentecost, wigilia)
	return ruleEntries(hs, plFirstYear, plLastYear), nil
}

func buildAT() ([]dayEntry, error) { return ruleEntries(at.Holidays, atFirstYear, atLastYear), nil }
func buildCZ() ([]dayEntry, error) { return ruleEntries(cz.Holidays, czFirstYear, czLastYear), nil }
func buildDK() ([]dayEntry, error) { return ruleEntries(dk.Holidays, dkFirstYear, dkLastYear), nil }
func buildNO() ([]dayEntry, error) { return ruleEntries(no.Holidays, noFirstYear, noLastYear), nil }
func buildSE() ([]dayEntry, error) { return ruleEntries(se.Holidays, seFirstYear, seLastYear), nil }

// observedEntries is ruleEntries for countries whose holidays move off
// weekends: the observed day can leave its year (New Year's Day on a
// Saturday is observed on the Friday before, 31 December), so the years
// on either side are evaluated and the days outside [from, to] dropped,
// and an observed day other than the holiday itself is named with suffix.
func observedEntries(hs []*cal.Holiday, from, to int, suffix string) []dayEntry {
	first, last := DateOf(from, time.January, 1), DateOf(to, time.December, 31)
	var entries []dayEntry
	for y := from - 1; y <= to+1; y++ {
		for _, h := range hs {
			actual, observed := h.Calc(y)
			if observed.IsZero() {
				continue
			}
			d := dateAtNoon(observed)
			if d < first || d > last {
				continue
			}
			name := h.Name
			if dateAtNoon(actual) != d {
				name += suffix
			}
			entries = append(entries, dayEntry{first: d, last: d, kind: kindHoliday, name: name})
		}
	}
	return entries
}

// dateAtNoon reads the date of a rickar/cal result; see ruleEntries.
func dateAtNoon(t time.Time) Date {
	y, m, d := t.Add(12 * time.Hour).Date()
	return DateOf(y, m, d)
}

// weekdaysSource is the weekdays calendar's source line.
const weekdaysSource = "Monday to Friday, no public holidays (for a service level or a vendor that counts working days without a country)"

// newWeekdays returns the weekdays calendar: Monday to Friday are working
// days, there are no holidays, and it covers every date a Date can print
// (0001-01-01 to 9999-12-31), so that the warranty roll-forward never
// sends a claim to a person for want of data. Its tables hold one day
// (0001-01-01, a Monday, a working day); every other day takes the
// weekday answer of a day outside the tables, which is this calendar's
// answer, so it costs no memory.
func newWeekdays() *Calendar {
	c := newCalendar("weekdays", weekdaysSource, 1, 1, false, func() ([]dayEntry, error) { return nil, nil })
	c.last = c.first
	c.through = DateOf(9999, time.December, 31)
	return c
}

// weekdays is the weekdays calendar, in the registry and for Hours without
// a calendar.
var weekdays = newWeekdays()
