package web

// The texts of the decision per line (linedecisions.go), in every
// language of the catalogue; TestCatalogueComplete checks them with the rest.
var lineDecisionTexts = map[string]map[string]string{
	"en": {
		"ld.legend":    "Decide each unit",
		"ld.hint":      "Authorize the units that come back. A rejected unit needs a reason, which the requester reads; it stays off the label.",
		"ld.engine":    "the policy says",
		"ld.authorize": "Authorize",
		"ld.reject":    "Reject this unit",
		"ld.reason":    "Reason, if rejected",
		"ld.rejected":  "Rejected by the desk: %s. This unit is not sent back.",
	},
	"nl": {
		"ld.legend":    "Beslis per apparaat",
		"ld.hint":      "Keur de apparaten goed die terugkomen. Een afgewezen apparaat heeft een reden nodig, die de aanvrager leest; het komt niet op het label.",
		"ld.engine":    "het beleid zegt",
		"ld.authorize": "Goedkeuren",
		"ld.reject":    "Dit apparaat afwijzen",
		"ld.reason":    "Reden, bij afwijzen",
		"ld.rejected":  "Afgewezen door de desk: %s. Dit apparaat wordt niet teruggestuurd.",
	},
}

func init() {
	for lang, texts := range lineDecisionTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
