package calendar

import "testing"

// TestMoreCountries checks each rule-based calendar added after NL, BE and
// DE on dates looked up in the countries' own lists, with the observed
// days of the United States and the substitute days of England and Wales.
func TestMoreCountries(t *testing.T) {
	checkDays(t, []dayCase{
		// 4 July 2026 is a Saturday: federal offices close on Friday 3 July.
		{name: "US Independence Day 2026 observed Friday 3 July", code: "US", day: "2026-07-03", holiday: "Independence Day (observed)"},
		{name: "US 4 July 2026 is only a Saturday", code: "US", day: "2026-07-04"},
		{name: "US Independence Day 2025 on a Friday", code: "US", day: "2025-07-04", holiday: "Independence Day"},
		// 1 January 2022 was a Saturday: observed on Friday 31 December 2021.
		{name: "US New Year 2022 observed in 2021", code: "US", day: "2021-12-31", holiday: "New Year's Day (observed)"},
		{name: "US Christmas 2022 (Sunday) observed Monday", code: "US", day: "2022-12-26", holiday: "Christmas Day (observed)"},
		{name: "US first Juneteenth, observed Friday 18 June 2021", code: "US", day: "2021-06-18", holiday: "Juneteenth (observed)"},
		{name: "US no Juneteenth before 2021", code: "US", day: "2020-06-19", working: true},
		{name: "US Thanksgiving 2026", code: "US", day: "2026-11-26", holiday: "Thanksgiving Day"},
		{name: "US the day after Thanksgiving is not federal", code: "US", day: "2026-11-27", working: true},
		{name: "US MLK Day 2026", code: "US", day: "2026-01-19", holiday: "Martin Luther King Jr. Day"},
		{name: "US Columbus Day 2026", code: "US", day: "2026-10-12", holiday: "Columbus Day"},
		{name: "US New Year 2101 (Saturday) observed on the last covered day", code: "US", day: "2100-12-31", holiday: "New Year's Day (observed)"},

		// 26 December 2026 is a Saturday: the substitute day is Monday 28.
		{name: "GB Boxing Day 2026 substitute Monday 28", code: "GB", day: "2026-12-28", holiday: "Boxing Day (substitute day)"},
		{name: "GB Christmas 2026 on a Friday", code: "GB", day: "2026-12-25", holiday: "Christmas Day"},
		{name: "GB Christmas 2021 (Saturday) substitute Monday 27", code: "GB", day: "2021-12-27", holiday: "Christmas Day (substitute day)"},
		{name: "GB Boxing Day 2021 (Sunday) substitute Tuesday 28", code: "GB", day: "2021-12-28", holiday: "Boxing Day (substitute day)"},
		{name: "GB New Year 2022 (Saturday) substitute Monday 3", code: "GB", day: "2022-01-03", holiday: "New Year's Day (substitute day)"},
		{name: "GB Spring Bank Holiday 2022 moved to 2 June", code: "GB", day: "2022-06-02", holiday: "Spring Bank Holiday"},
		{name: "GB last Monday of May 2022 was worked", code: "GB", day: "2022-05-30", working: true},
		{name: "GB Platinum Jubilee", code: "GB", day: "2022-06-03", holiday: "Platinum Jubilee Bank Holiday"},
		{name: "GB State Funeral 2022", code: "GB", day: "2022-09-19", holiday: "State Funeral of Queen Elizabeth II"},
		{name: "GB Coronation 2023", code: "GB", day: "2023-05-08", holiday: "Coronation of King Charles III"},
		{name: "GB Summer Bank Holiday 2026 (England and Wales)", code: "GB", day: "2026-08-31", holiday: "Summer Bank Holiday"},
		{name: "GB Scotland's August holiday is not here", code: "GB", day: "2026-08-03", working: true},
		{name: "GB St Patrick's Day is Northern Ireland's only", code: "GB", day: "2026-03-17", working: true},

		{name: "FR Fête de la Victoire", code: "FR", day: "2026-05-08", holiday: "Fête de la Victoire"},
		{name: "FR Ascension 2026", code: "FR", day: "2026-05-14", holiday: "Ascension"},
		{name: "FR Lundi de Pentecôte 2026", code: "FR", day: "2026-05-25", holiday: "Lundi de Pentecôte"},
		{name: "FR no Good Friday outside Alsace-Moselle", code: "FR", day: "2026-04-03", working: true},

		{name: "IT Festa della Repubblica", code: "IT", day: "2026-06-02", holiday: "Festa della Repubblica"},
		{name: "IT San Francesco 2027 on a Monday", code: "IT", day: "2027-10-04", holiday: "San Francesco d'Assisi"},
		{name: "IT no San Francesco before 2026", code: "IT", day: "2024-10-04", working: true},
		{name: "IT Santo Stefano", code: "IT", day: "2026-12-26", holiday: "Santo Stefano"},

		{name: "ES Fiesta Nacional", code: "ES", day: "2026-10-12", holiday: "Fiesta Nacional de España"},
		{name: "ES Good Friday 2026", code: "ES", day: "2026-04-03", holiday: "Viernes Santo"},
		{name: "ES Constitution Day on a Sunday is not moved nationally", code: "ES", day: "2026-12-07", working: true},

		{name: "PL Christmas Eve from 2025", code: "PL", day: "2025-12-24", holiday: "Wigilia Bożego Narodzenia"},
		{name: "PL Christmas Eve 2024 was worked", code: "PL", day: "2024-12-24", working: true},
		{name: "PL Corpus Christi 2026", code: "PL", day: "2026-06-04", holiday: "dzień Bożego Ciała"},
		{name: "PL Easter Sunday is a holiday", code: "PL", day: "2026-04-05", holiday: "pierwszy dzień Wielkiej Nocy"},
		{name: "PL Epiphany", code: "PL", day: "2026-01-06", holiday: "Święto Trzech Króli"},

		{name: "AT Nationalfeiertag", code: "AT", day: "2026-10-26", holiday: "Nationalfeiertag"},
		{name: "CZ Jan Hus", code: "CZ", day: "2026-07-06", holiday: "Den upálení mistra Jana Husa"},
		{name: "CZ Christmas Eve", code: "CZ", day: "2026-12-24", holiday: "Štědrý den"},
		{name: "CZ Good Friday 2016, the first", code: "CZ", day: "2016-03-25", holiday: "Velký pátek"},
		{name: "DK Store bededag 2023, the last", code: "DK", day: "2023-05-05", holiday: "Store bededag"},
		{name: "DK no Store bededag from 2024", code: "DK", day: "2024-04-26", working: true},
		{name: "NO Skjærtorsdag 2026", code: "NO", day: "2026-04-02", holiday: "Skjærtorsdag"},
		{name: "SE Midsommarafton 2026", code: "SE", day: "2026-06-19", holiday: "Midsommarafton"},
		{name: "SE Nyårsafton", code: "SE", day: "2026-12-31", holiday: "Nyårsafton"},

		{name: "weekdays Christmas is a working day", code: "weekdays", day: "2026-12-25", working: true},
		{name: "weekdays Saturday", code: "weekdays", day: "2026-12-26"},
		{name: "weekdays far past", code: "weekdays", day: "1700-03-01", working: true},
		{name: "weekdays far future Sunday", code: "weekdays", day: "9999-12-26"},
	})
}

func TestMoreCountriesRollForward(t *testing.T) {
	tests := []struct{ code, day, roll string }{
		// A term ending on the observed day moves past it; the Saturday
		// itself is not a holiday and stays.
		{"US", "2026-07-03", "2026-07-06"},
		{"US", "2026-07-04", "2026-07-04"},
		{"GB", "2026-12-25", "2026-12-29"},
		{"PL", "2026-04-05", "2026-04-07"},
		{"weekdays", "2026-12-25", "2026-12-25"},
	}
	for _, tt := range tests {
		if got := mustLookup(t, tt.code).RollForward(MustParseDate(tt.day)).String(); got != tt.roll {
			t.Errorf("%s RollForward(%s) = %s, want %s", tt.code, tt.day, got, tt.roll)
		}
	}
}

// TestUSWorkingDays is the example of docs/POLICIES.md section 10.4: ten
// US working days from Thursday 2 July 2026 skip the observed
// Independence Day.
func TestUSWorkingDays(t *testing.T) {
	if got := mustLookup(t, "US").AddWorkingDays(MustParseDate("2026-07-02"), 10).String(); got != "2026-07-17" {
		t.Fatalf("AddWorkingDays = %s, want 2026-07-17", got)
	}
	if got := mustLookup(t, "weekdays").AddWorkingDays(MustParseDate("2026-07-02"), 10).String(); got != "2026-07-16" {
		t.Fatalf("weekdays AddWorkingDays = %s, want 2026-07-16", got)
	}
}
