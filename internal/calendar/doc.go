// Package calendar owns rmadesk's notion of days: civil dates ([Date]),
// the arithmetic of legal terms ([LastDayOfTerm]), and per-country
// public-holiday calendars with working-day arithmetic ([Calendar]), and a
// desk's opening hours for service levels counted in working time ([Hours]).
//
// Warranty and return deadlines are counted in whole days in the customer's
// country, never in instants, so everything here is a civil date with no
// time of day and no zone; [Date.Time] is only a bridge to code that needs a
// time.Time.
//
// The package is pure: holiday data is compiled in (China's from the State
// Council notices in data/cn.txt, the other countries' from
// github.com/rickar/cal/v2's rules), nothing reads a file, the network or the
// clock at run time except the calendar files a caller hands it (LoadFS, an
// fs.FS: the years a desk adds to China's calendar), and each calendar's
// lookup tables are built on first use so that importing the package costs
// nothing. After that, the day queries are O(1) bit tests and do not
// allocate.
//
// Every calendar knows the days its data covers (Calendar.Covers); outside
// them its answers are a weekday-only guess, and callers that must not
// guess (the warranty roll-forward) ask first.
package calendar
