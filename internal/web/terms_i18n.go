package web

import (
	"github.com/rmadesk/rmadesk/internal/policy"
)

// The texts of issue 14's terms on the new-RMA form and the plain verdict
// (the registration and replacement dates, the date read from a serial),
// in every language of the catalogue; TestCatalogueComplete checks them
// with the rest.
var termsTexts = map[string]map[string]string{
	"en": {
		"new.registered":                 "Registered",
		"new.replaced":                   "Replacement sent",
		"req.date.registered":            "Date you registered the product with the maker (if you did)",
		"req.date.replaced":              "Date this unit was sent to you as a replacement (if it is one)",
		"plain.date.registered":          "the date you registered it",
		"plain.date.replaced":            "the date the replacement was sent to you",
		"plain.manufactured_from_serial": "Its serial number %s says it was made on %s; the warranty counts from then.",
		"plain.not_registered":           "It was not registered with the maker, so the ordinary warranty applies.",
		"plain.registered_no_anchor":     "It was registered on %s, but without the purchase date we cannot tell whether that was in time; the ordinary warranty applies.",
	},
	"nl": {
		"new.registered":                 "Geregistreerd",
		"new.replaced":                   "Vervanging verzonden",
		"req.date.registered":            "Datum waarop u het product bij de fabrikant hebt geregistreerd (als u dat deed)",
		"req.date.replaced":              "Datum waarop dit apparaat als vervanging naar u is verzonden (als het een vervanging is)",
		"plain.date.registered":          "de datum waarop u het registreerde",
		"plain.date.replaced":            "de datum waarop de vervanging naar u is verzonden",
		"plain.manufactured_from_serial": "Volgens het serienummer %s is het gemaakt op %s; de garantie telt vanaf die dag.",
		"plain.not_registered":           "Het is niet bij de fabrikant geregistreerd, dus geldt de gewone garantie.",
		"plain.registered_no_anchor":     "Het is geregistreerd op %s, maar zonder aankoopdatum is niet na te gaan of dat op tijd was; de gewone garantie geldt.",
	},
}

func init() {
	for lang, texts := range termsTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
	// The engine's sentences of issue 14 that name claim fields by their
	// codes, in plain words (verdict.go); the others it says well enough.
	plainEnglish[policy.CodeManufacturedFromSerial] = func(tr translator, a []string, _ string) string {
		return tr.T("plain.manufactured_from_serial", arg(a, 0), arg(a, 1))
	}
	plainEnglish[policy.CodeRegistrationNotExtended+".none"] = func(tr translator, _ []string, _ string) string {
		return tr.T("plain.not_registered")
	}
	plainEnglish[policy.CodeRegistrationNotExtended+".no_anchor"] = func(tr translator, a []string, _ string) string {
		return tr.T("plain.registered_no_anchor", arg(a, 10))
	}
}
