package web

// The texts of advance replacement (advance.go), in every language of the
// catalogue; TestCatalogueComplete checks them with the rest.
var advanceTexts = map[string]map[string]string{
	"en": {
		"adv.offered":                 "The policy offers this unit advance replacement: the replacement ships now, before the defective unit comes back.",
		"adv.available":               "The policy offers this unit advance replacement: the desk may ship the replacement before the defective unit comes back. Ask for it in a message if you need it.",
		"adv.ship":                    "Ship the replacement of line %d now (advance replacement)",
		"adv.serial":                  "Replacement serial, line %d",
		"adv.tracking":                "Tracking number, line %d",
		"adv.price":                   "Price of line %d",
		"adv.currency":                "Currency",
		"adv.price_hint":              "The unit's price is not on file: a deposit or an invoice at the unit's price needs it.",
		"adv.shipped":                 "Replacement %s shipped in advance on %s",
		"adv.due":                     "The defective unit is due back by %s.",
		"adv.overdue":                 "The defective unit is overdue: it was due by %s.",
		"adv.deposit":                 "Deposit held: %s.",
		"adv.returned":                "The defective unit came back on %s.",
		"adv.released":                "The deposit of %s was released.",
		"adv.invoiced":                "The defective unit did not come back: the replacement was invoiced at %s on %s.",
		"adv.kept":                    "The defective unit did not come back: the deposit of %s was kept on %s.",
		"adv.no_return":               "If it does not come back: %s.",
		"adv.on.invoice":              "the replacement is invoiced",
		"adv.on.keep":                 "the deposit is kept",
		"adv.tracking_n":              "tracking %s",
		"action.advance_invoiced":     "Replacement invoiced: the defective unit did not come back",
		"action.advance_deposit_kept": "Deposit kept: the defective unit did not come back",
	},
	"nl": {
		"adv.offered":                 "Het beleid biedt voor dit apparaat vervanging vooraf: het vervangende apparaat gaat nu op weg, voordat het defecte apparaat terugkomt.",
		"adv.available":               "Het beleid biedt voor dit apparaat vervanging vooraf: de desk kan het vervangende apparaat sturen voordat het defecte apparaat terugkomt. Vraag erom in een bericht als u dat nodig hebt.",
		"adv.ship":                    "Stuur de vervanging van regel %d nu (vervanging vooraf)",
		"adv.serial":                  "Serienummer van de vervanging, regel %d",
		"adv.tracking":                "Trackingnummer, regel %d",
		"adv.price":                   "Prijs van regel %d",
		"adv.currency":                "Valuta",
		"adv.price_hint":              "De prijs van het apparaat is niet bekend: een borg of factuur tegen de prijs van het apparaat heeft die nodig.",
		"adv.shipped":                 "Vervanging %s vooraf verzonden op %s",
		"adv.due":                     "Het defecte apparaat moet uiterlijk %s terug zijn.",
		"adv.overdue":                 "Het defecte apparaat is te laat: het moest uiterlijk %s terug zijn.",
		"adv.deposit":                 "Borg aangehouden: %s.",
		"adv.returned":                "Het defecte apparaat kwam terug op %s.",
		"adv.released":                "De borg van %s is vrijgegeven.",
		"adv.invoiced":                "Het defecte apparaat kwam niet terug: de vervanging is gefactureerd voor %s op %s.",
		"adv.kept":                    "Het defecte apparaat kwam niet terug: de borg van %s is ingehouden op %s.",
		"adv.no_return":               "Komt het niet terug: %s.",
		"adv.on.invoice":              "dan wordt de vervanging gefactureerd",
		"adv.on.keep":                 "dan wordt de borg ingehouden",
		"adv.tracking_n":              "tracking %s",
		"action.advance_invoiced":     "Vervanging gefactureerd: het defecte apparaat kwam niet terug",
		"action.advance_deposit_kept": "Borg ingehouden: het defecte apparaat kwam niet terug",
	},
}

func init() {
	for lang, texts := range advanceTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
}
