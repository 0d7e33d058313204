package policy

import "strings"

// iso3166 lists the ISO 3166-1 alpha-2 country codes officially assigned.
// Claims and region lists are checked against it, so a typo such as "UK"
// (the official code is GB) is caught when a policy is loaded or a claim is
// filed, not when a region silently fails to match.
const iso3166 = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
	"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
	"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"

// countrySet is a set of country codes, one bit per two-letter code.
type countrySet [26*26/64 + 1]uint64

// countryIndex maps a two-letter upper-case code to its bit, or -1.
func countryIndex(code string) int {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return -1
	}
	return int(code[0]-'A')*26 + int(code[1]-'A')
}

func (s *countrySet) add(code string) {
	if i := countryIndex(code); i >= 0 {
		s[i/64] |= 1 << (i % 64)
	}
}

func (s *countrySet) has(code string) bool {
	i := countryIndex(code)
	return i >= 0 && s[i/64]&(1<<(i%64)) != 0
}

var assignedCountries = func() countrySet {
	var s countrySet
	for _, c := range strings.Fields(iso3166) {
		s.add(c)
	}
	return s
}()

// ValidCountry reports whether code is an assigned ISO 3166-1 alpha-2 code.
func ValidCountry(code string) bool { return assignedCountries.has(code) }
