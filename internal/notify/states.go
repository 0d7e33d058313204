package notify

import "strings"

// dutchStates names an RMA's states (rma.State) in Dutch, as the portal
// does, for the messages that say only that the state changed.
var dutchStates = map[string]string{
	"submitted":               "ingediend",
	"needs_info":              "informatie nodig",
	"rejected":                "afgewezen",
	"authorized":              "goedgekeurd",
	"credited_without_return": "gecrediteerd zonder retour",
	"referred":                "doorverwezen",
	"expired":                 "nummer verlopen",
	"in_transit":              "onderweg",
	"received":                "ontvangen",
	"in_evaluation":           "in onderzoek",
	"at_supplier":             "bij de leverancier",
	"resolved":                "afgehandeld",
	"closed":                  "gesloten",
}

// stateText names a state for a reader: "needs_info" is "needs info", or
// "informatie nodig" in Dutch.
func stateText(lang, state string) string {
	if lang == "nl" {
		if s, ok := dutchStates[state]; ok {
			return s
		}
	}
	return strings.ReplaceAll(state, "_", " ")
}
