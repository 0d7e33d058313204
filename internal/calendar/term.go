package calendar

import "time"

// LastDayOfTerm returns the last day of a term of the given years and months
// that starts on, and counts, the day start: the day before the day with
// start's number in the target month, or, when the target month has no such
// day, the last day of the target month. That is the rule of German BGB
// §188(2)-(3) for a term whose first day counts (§187(2)); the fallback to
// the month's last day is what keeps a term from leaking into the month
// after:
//
//	2024-03-15 + 2 years  -> 2026-03-14
//	2024-02-29 + 1 year   -> 2025-02-28 (no 29 February in 2025)
//	2024-02-29 + 4 years  -> 2028-02-28 (the day before 2028-02-29)
//	2024-01-31 + 1 month  -> 2024-02-29 (no 31 February)
//
// A term of zero length is empty and ends the day before it starts
// (start-1), so callers can test "within term" as start <= d <= end without
// a special case. Negative lengths follow the same rule mechanically and have
// no legal meaning. The zero Date yields the zero Date.
//
// Extending to the next working day when the last day is a public holiday is
// a separate step: see [Calendar.RollForward].
func LastDayOfTerm(start Date, years, months int) Date {
	if start == 0 {
		return 0
	}
	y, m, d := start.YMD()
	total := int(m) - 1 + months + 12*years
	ty := y + floorDiv(total, 12)
	tm := time.Month(total-floorDiv(total, 12)*12) + 1
	if d > daysIn(ty, tm) {
		return Date(daysFromCivil(ty, int(tm), daysIn(ty, tm)))
	}
	return Date(daysFromCivil(ty, int(tm), d) - 1)
}
