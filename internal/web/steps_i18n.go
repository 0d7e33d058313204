package web

// The RMA page's steps (steps.go), in every language of the catalogue;
// TestCatalogueComplete checks them with the rest.
var stepTexts = map[string]map[string]string{
	"en": {
		"steps.suggested":          "Suggested next step:",
		"steps.because":            "the policy's decision is %s",
		"steps.danger":             "End the request",
		"steps.danger_hint":        "These cannot be undone. You are asked to confirm.",
		"steps.reject_hint":        "Required: the requester reads it.",
		"steps.confirm_title":      "%s: confirm",
		"steps.confirm.reject":     "Reject %s? The requester is told, and this cannot be undone.",
		"steps.confirm.cancel":     "Withdraw %s on the requester's behalf? The desk stops handling it, and this cannot be undone.",
		"steps.confirm_yes.reject": "Yes, reject it",
		"steps.confirm_yes.cancel": "Yes, withdraw it",
		"steps.confirm_no":         "No, back to the RMA",
	},
	"nl": {
		"steps.suggested":          "Voorgestelde volgende stap:",
		"steps.because":            "de beslissing volgens het beleid is %s",
		"steps.danger":             "Het verzoek beëindigen",
		"steps.danger_hint":        "Dit kan niet ongedaan worden gemaakt. U wordt gevraagd het te bevestigen.",
		"steps.reject_hint":        "Verplicht: de aanvrager leest het.",
		"steps.confirm_title":      "%s: bevestigen",
		"steps.confirm.reject":     "%s afwijzen? De aanvrager krijgt bericht, en dit kan niet ongedaan worden gemaakt.",
		"steps.confirm.cancel":     "%s intrekken namens de aanvrager? De desk stopt met de behandeling, en dit kan niet ongedaan worden gemaakt.",
		"steps.confirm_yes.reject": "Ja, afwijzen",
		"steps.confirm_yes.cancel": "Ja, intrekken",
		"steps.confirm_no":         "Nee, terug naar de RMA",
	},
}

func init() {
	for lang, texts := range stepTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
