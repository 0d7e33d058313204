package web

// The message thread's texts (templates/thread.html), in every language
// of the catalogue; TestCatalogueComplete checks them with the rest.
var threadTexts = map[string]map[string]string{
	"en": {
		"thread.internal_tag":   "Internal note",
		"thread.desk_label":     "Message or internal note",
		"thread.desk_hint":      "Send to the requester: they get it by email. Save as internal note: only the desk sees it.",
		"thread.requester_hint": "The desk gets your message by email.",
		"thread.send_requester": "Send to the requester",
		"thread.save_note":      "Save as internal note",
		"thread.sent":           "Message sent; the requester gets it by email.",
		"thread.sent_to_desk":   "Message sent; the desk gets it by email.",
		"thread.noted":          "Internal note saved. The requester does not see it.",
		"action.add_note":       "internal note",
	},
	"nl": {
		"thread.internal_tag":   "Interne notitie",
		"thread.desk_label":     "Bericht of interne notitie",
		"thread.desk_hint":      "Naar de aanvrager sturen: die krijgt het per e-mail. Als interne notitie bewaren: alleen de desk ziet het.",
		"thread.requester_hint": "De desk krijgt uw bericht per e-mail.",
		"thread.send_requester": "Naar de aanvrager sturen",
		"thread.save_note":      "Als interne notitie bewaren",
		"thread.sent":           "Bericht verstuurd; de aanvrager krijgt het per e-mail.",
		"thread.sent_to_desk":   "Bericht verstuurd; de desk krijgt het per e-mail.",
		"thread.noted":          "Interne notitie bewaard. De aanvrager ziet die niet.",
		"action.add_note":       "interne notitie",
	},
}

func init() {
	for lang, texts := range threadTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
