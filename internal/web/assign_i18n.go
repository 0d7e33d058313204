package web

// The assignee's and the queue's unread texts (assign.go), in every
// language of the catalogue; TestCatalogueComplete checks them with the rest.
var assignTexts = map[string]map[string]string{
	"en": {
		"as.heading":       "Who handles it",
		"as.mine":          "You handle this RMA.",
		"as.held_by":       "%s handles this RMA.",
		"as.nobody":        "Nobody handles this RMA yet.",
		"as.take":          "Take it",
		"as.give_to":       "Assign to",
		"as.nobody_option": "nobody",
		"as.give":          "Assign",
		"as.done":          "Assigned.",
		"action.assign":    "assigned",
		"list.mine":        "Only mine",
		"list.assignee":    "Handled by",
		"list.unread":      "new reply",
	},
	"nl": {
		"as.heading":       "Wie het behandelt",
		"as.mine":          "U behandelt deze RMA.",
		"as.held_by":       "%s behandelt deze RMA.",
		"as.nobody":        "Nog niemand behandelt deze RMA.",
		"as.take":          "Zelf oppakken",
		"as.give_to":       "Toewijzen aan",
		"as.nobody_option": "niemand",
		"as.give":          "Toewijzen",
		"as.done":          "Toegewezen.",
		"action.assign":    "toegewezen",
		"list.mine":        "Alleen de mijne",
		"list.assignee":    "Behandeld door",
		"list.unread":      "nieuw antwoord",
	},
}

func init() {
	for lang, texts := range assignTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
