package web

// The saved views' and canned replies' texts (views.go), in every language
// of the catalogue; TestCatalogueComplete checks them with the rest.
var viewTexts = map[string]map[string]string{
	"en": {
		"views.heading":   "Your views",
		"views.open":      "Open",
		"views.delete":    "Delete view %s",
		"views.save_as":   "Save this view as",
		"views.save":      "Save view",
		"views.saved":     "View %s saved.",
		"views.deleted":   "View deleted.",
		"replies.title":   "Canned replies",
		"replies.hint":    "Texts the desk puts into a message to a requester; edit them before sending.",
		"replies.none":    "No canned replies yet.",
		"replies.f_title": "Title",
		"replies.f_body":  "Text",
		"replies.save":    "Save",
		"replies.delete":  "Delete",
		"replies.new":     "A new canned reply",
		"replies.add":     "Add",
		"replies.saved":   "Canned reply %s saved.",
		"replies.deleted": "Canned reply deleted.",
		"replies.pick":    "Canned reply",
		"replies.insert":  "Put it in the message",
		"replies.manage":  "Canned replies",
	},
	"nl": {
		"views.heading":   "Uw weergaven",
		"views.open":      "Openen",
		"views.delete":    "Weergave %s verwijderen",
		"views.save_as":   "Deze weergave bewaren als",
		"views.save":      "Weergave bewaren",
		"views.saved":     "Weergave %s bewaard.",
		"views.deleted":   "Weergave verwijderd.",
		"replies.title":   "Standaardantwoorden",
		"replies.hint":    "Teksten die de desk in een bericht aan een aanvrager zet; pas ze aan voor het versturen.",
		"replies.none":    "Nog geen standaardantwoorden.",
		"replies.f_title": "Titel",
		"replies.f_body":  "Tekst",
		"replies.save":    "Bewaren",
		"replies.delete":  "Verwijderen",
		"replies.new":     "Een nieuw standaardantwoord",
		"replies.add":     "Toevoegen",
		"replies.saved":   "Standaardantwoord %s bewaard.",
		"replies.deleted": "Standaardantwoord verwijderd.",
		"replies.pick":    "Standaardantwoord",
		"replies.insert":  "In het bericht zetten",
		"replies.manage":  "Standaardantwoorden",
	},
}

func init() {
	for lang, texts := range viewTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
