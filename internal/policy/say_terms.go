package policy

import "strconv"

// The Dutch wordings of issue 14's terms (terms.go), added to say.go's.

func init() {
	nlFieldNames["registered"] = "registratiedatum"
	nlFieldNames["replaced"] = "verzenddatum van het vervangende apparaat"
	for msg, w := range dutchTerms {
		dutch[msg] = w
	}
}

var dutchTerms = map[string]wording{
	CodeInWarranty + ".days": func(a []string, _ string) string {
		return "in garantie: " + nlDaysTerm(a, false)
	},
	CodeInWarranty + ".days.first": func(a []string, _ string) string {
		return "in garantie: " + nlDaysTerm(a, true)
	},
	CodeOutOfWarranty + ".days": func(a []string, _ string) string {
		return "buiten de garantie: " + nlDaysTerm(a, false)
	},
	CodeOutOfWarranty + ".days.first": func(a []string, _ string) string {
		return "buiten de garantie: " + nlDaysTerm(a, true)
	},
	CodeInWarranty + ".window.first": func(a []string, _ string) string {
		return "binnen de termijn: " + nlFirstDaysWindow(a)
	},
	CodeOutsideWindow + ".window.first": func(a []string, _ string) string {
		return "buiten de termijn: " + nlFirstDaysWindow(a)
	},
	CodeDOA + ".first": func(a []string, _ string) string {
		return "defect bij aankomst: gemeld binnen de eerste " + nlDays(arg(a, 0)) + " vanaf de " + nlField(arg(a, 1)) + " " + arg(a, 2) +
			" (laatste dag " + arg(a, 3) + ")"
	},
	"withdrawal_window.first": func(a []string, _ string) string {
		return "bedenktijd van " + nlFirstDaysWindow(a)
	},
	CodeManufacturedFromSerial: func(a []string, _ string) string {
		return "volgens het serienummer " + arg(a, 0) + " is het apparaat gemaakt op " + arg(a, 1) + ": dat geldt als productiedatum"
	},
	CodeRegistrationExtended: func(a []string, _ string) string {
		return "geregistreerd op " + arg(a, 10) + ", " + nlDays(arg(a, 11)) + " na de " + nlField(arg(a, 9)) + " " + arg(a, 12) +
			" (binnen " + nlDays(arg(a, 8)) + "): de garantie is " + nlSpan(a[4:8])
	},
	CodeRegistrationNotExtended + ".none": func(a []string, _ string) string {
		return "niet geregistreerd (geen registratiedatum): de garantie is " + nlSpan(a[0:4]) + ", niet de " + nlSpan(a[4:8]) +
			" van een apparaat dat binnen " + nlDays(arg(a, 8)) + " na de " + nlField(arg(a, 9)) + " is geregistreerd"
	},
	CodeRegistrationNotExtended + ".no_anchor": func(a []string, _ string) string {
		return "geregistreerd op " + arg(a, 10) + ", maar de claim vermeldt geen " + nlField(arg(a, 9)) + " om " + nlDays(arg(a, 8)) +
			" vanaf te tellen: de garantie is " + nlSpan(a[0:4])
	},
	CodeRegistrationNotExtended + ".late": func(a []string, _ string) string {
		return "te laat geregistreerd: " + arg(a, 10) + " is " + nlDays(arg(a, 11)) + " na de " + nlField(arg(a, 9)) + " " + arg(a, 12) +
			", meer dan " + nlDays(arg(a, 8)) + ": de garantie is " + nlSpan(a[0:4])
	},
	CodeReplacementWarranty + ".minimum": func(a []string, _ string) string {
		return "vervangend apparaat verzonden op " + arg(a, 0) + ": " + nlDays(arg(a, 1)) + " vanaf dan (laatste dag " + arg(a, 2) +
			") duren langer dan de rest van de garantie van het oorspronkelijke apparaat (laatste dag " + arg(a, 3) + ")"
	},
	CodeReplacementWarranty + ".remainder": func(a []string, _ string) string {
		return "vervangend apparaat verzonden op " + arg(a, 0) + ": de rest van de garantie van het oorspronkelijke apparaat (laatste dag " + arg(a, 3) +
			") duurt langer dan " + nlDays(arg(a, 1)) + " vanaf dan (laatste dag " + arg(a, 2) + ")"
	},
}

// nlDaysTerm says a term in days: args days, basis, start, last day, and
// the day reported when the claim came after it.
func nlDaysTerm(a []string, first bool) string {
	s := nlDays(arg(a, 0))
	if first {
		s = "de eerste " + s
	}
	s += " vanaf de " + nlField(arg(a, 1)) + " " + arg(a, 2) + ", laatste dag " + arg(a, 3)
	if r := arg(a, 4); r != "" {
		s += ", gemeld op " + r
	}
	return s
}

// nlFirstDaysWindow says a window whose first date is day 1.
func nlFirstDaysWindow(a []string) string {
	s := "de eerste " + nlDays(arg(a, 0)) + " vanaf de " + nlField(arg(a, 1)) + " " + arg(a, 2) + ", laatste dag " + arg(a, 3)
	if r := arg(a, 4); r != "" {
		s += ", gemeld op " + r
	}
	return s
}

// nlSpan says a length from its args: years, months, days, counting.
func nlSpan(a []string) string {
	if len(a) < 4 {
		return ""
	}
	y, _ := strconv.Atoi(a[0])
	m, _ := strconv.Atoi(a[1])
	if a[2] != "0" && a[2] != "" {
		if a[3] == IncludingStart.String() {
			return "de eerste " + nlDays(a[2])
		}
		return nlDays(a[2])
	}
	return nlTerm(y, m)
}
