package policy

import "strings"

// The Dutch wordings of the sentences of advance replacement and support
// contracts (advance.go, contracts.go), added to say.go's table here so
// that the area's sentences stay together.
func init() {
	dutch[CodeUnknownPlan] = func(a []string, _ string) string {
		return "contract " + arg(a, 0) + " is voor pakket " + arg(a, 1) + ", dat dit beleid niet kent: een medewerker controleert het"
	}
	dutch[CodeContractExpired] = func(a []string, _ string) string {
		return "contract " + arg(a, 0) + " (pakket " + arg(a, 1) + ") liep af op " + arg(a, 2) + ", vóór de claim op " + arg(a, 3) + " werd gemeld"
	}
	dutch[CodeContractNotStarted] = func(a []string, _ string) string {
		return "contract " + arg(a, 0) + " (pakket " + arg(a, 1) + ") gaat in op " + arg(a, 2) + ", na de melding van de claim op " + arg(a, 3)
	}
	dutch[CodeContractNotCovering] = func(a []string, _ string) string {
		return "contract " + arg(a, 0) + " (pakket " + arg(a, 1) + ") loopt, maar het pakket dekt geen apparaten buiten de garantie"
	}
	dutch[CodeCoveredByContract] = func(a []string, _ string) string {
		return "in garantie door contract " + arg(a, 0) + " (pakket " + arg(a, 1) + "), " + arg(a, 2) + " tot en met " + arg(a, 3)
	}
	dutch[CodeEntitled] = func(a []string, _ string) string {
		s := "contract " + arg(a, 0) + " (pakket " + arg(a, 1) + ") loopt van " + arg(a, 2) + " tot en met " + arg(a, 3) + ": reactie binnen "
		if h := arg(a, 5); h != "" && h != "0" {
			if h == "1" {
				return s + "1 werkuur"
			}
			return s + h + " werkuren"
		}
		return s + nlWorkingDays(arg(a, 4))
	}
	dutch[CodeAdvanceReplacement] = func(a []string, _ string) string {
		s := "vervanging vooraf: het vervangende apparaat wordt eerst verzonden; het defecte apparaat moet binnen "
		if arg(a, 1) == WorkingDays.String() {
			s += nlWorkingDays(arg(a, 0))
		} else {
			s += nlDays(arg(a, 0))
		}
		s += " na verzending terug zijn, anders "
		if arg(a, 2) == OnNoReturnKeepDeposit {
			s += "wordt de borg van " + nlAmount(arg(a, 3)) + " ingehouden"
		} else {
			if inv := arg(a, 4); inv != "" {
				s += "wordt de vervanging gefactureerd voor " + nlAmount(inv)
			} else {
				s += "wordt de vervanging gefactureerd tegen de prijs van het apparaat"
			}
			if dep := arg(a, 3); dep != "" {
				s += "; intussen wordt een borg van " + nlAmount(dep) + " aangehouden"
			}
		}
		if plan := arg(a, 5); plan != "" {
			s += " (pakket " + plan + ")"
		}
		return s
	}
	dutch[CodeAdvanceNotOffered+".region"] = func(a []string, _ string) string {
		return "vervanging vooraf wordt niet aangeboden: het land van de aanvrager, " + nlCountry(arg(a, 0)) + ", valt buiten de regio's ervan"
	}
	dutch[CodeAdvanceNotOffered+".plan"] = func(a []string, _ string) string {
		return "vervanging vooraf wordt niet aangeboden: daarvoor is een lopend contract van pakket " + strings.Join(a, " of ") + " nodig"
	}
}

func nlWorkingDays(n string) string {
	if n == "1" {
		return "1 werkdag"
	}
	return n + " werkdagen"
}

// nlAmount says "100%" as a share of the unit's price; a fixed amount
// ("150.00 EUR") as it is.
func nlAmount(a string) string {
	if p, ok := strings.CutSuffix(a, "%"); ok {
		return p + "% van de prijs van het apparaat"
	}
	return a
}
