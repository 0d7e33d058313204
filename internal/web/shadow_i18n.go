package web

// Shadow mode's texts (shadow.go), in every language of the catalogue;
// TestCatalogueComplete checks them with the rest. The review counts in
// the what-if's words (its wi.* texts).
var shadowTexts = map[string]map[string]string{
	"en": {
		"sh.title":                         "Shadow mode",
		"sh.help":                          "Try this draft on real claims before you publish it: in shadow, every new claim of this policy is decided by the published version as always, and also, silently, by this draft. Requesters and the desk see nothing of it; the differences collect for you to review.",
		"sh.start":                         "Put this draft in shadow",
		"sh.stop":                          "Stop the shadow",
		"sh.will_replace":                  "Draft %s is in shadow now: this draft replaces it (its review stays).",
		"sh.started":                       "Draft %s is in shadow: from now on each new claim of %s is also decided by it, silently.",
		"sh.replaced":                      "It replaces the shadow of draft %s, whose review stays.",
		"sh.already":                       "Draft %s is in shadow already.",
		"sh.stopped":                       "Draft %s is no longer in shadow. What it compared stays here.",
		"sh.running_since":                 "In shadow since %s, started by %s.",
		"sh.counts":                        "%d lines compared, %d decided otherwise.",
		"sh.counts_short":                  "%d compared, %d changed",
		"sh.failed_count":                  "The draft could not decide %d lines: each is listed with the reason.",
		"sh.failed_short":                  "%d failed",
		"sh.review":                        "Review the differences",
		"sh.past":                          "Earlier shadows of this draft:",
		"sh.column":                        "In shadow",
		"sh.runs":                          "Shadows",
		"sh.draft":                         "Draft",
		"sh.when":                          "Started",
		"sh.state":                         "State",
		"sh.compared":                      "Compared",
		"sh.ended.running":                 "in shadow",
		"sh.ended.stopped":                 "stopped",
		"sh.ended.replaced":                "replaced by another draft",
		"sh.ended.edited":                  "ended: the draft was edited",
		"sh.ended.published":               "ended: the draft was published",
		"sh.ended.discarded":               "ended: the draft was discarded",
		"sh.review_title":                  "Shadow of draft %s of %s",
		"sh.review_intro":                  "New claims of %s filed while this draft was in shadow, decided by the published version (which decided the RMA) and by the draft. Only the lines the draft decided otherwise are listed.",
		"sh.to_draft":                      "The draft",
		"sh.review_counts":                 "%d lines compared: %d changed, %d unchanged.",
		"sh.none_yet":                      "No claim of this policy has been filed since it started.",
		"sh.changed_lines":                 "Lines the draft decides otherwise",
		"sh.reasons_after":                 "Reasons of the draft",
		"sh.version":                       "version %s",
		"sh.no_decision":                   "no decision",
		"sh.first_page":                    "First page",
		"sh.next_page":                     "Next page",
		"audit.action.policy.shadow_start": "Policy draft put in shadow",
		"audit.action.policy.shadow_stop":  "Policy draft taken out of shadow",
	},
	"nl": {
		"sh.title":                         "Schaduwmodus",
		"sh.help":                          "Probeer dit concept op echte claims voordat u het publiceert: in de schaduw wordt elke nieuwe claim van dit beleid zoals altijd beoordeeld door de gepubliceerde versie, en daarnaast, ongezien, door dit concept. Aanvragers en de servicedesk merken er niets van; de verschillen worden verzameld zodat u ze kunt bekijken.",
		"sh.start":                         "Dit concept in de schaduw zetten",
		"sh.stop":                          "Schaduw stoppen",
		"sh.will_replace":                  "Concept %s staat nu in de schaduw: dit concept vervangt het (het overzicht ervan blijft bewaard).",
		"sh.started":                       "Concept %s staat in de schaduw: vanaf nu wordt elke nieuwe claim van %s ook, ongezien, door dit concept beoordeeld.",
		"sh.replaced":                      "Het vervangt de schaduw van concept %s; het overzicht daarvan blijft bewaard.",
		"sh.already":                       "Concept %s staat al in de schaduw.",
		"sh.stopped":                       "Concept %s staat niet meer in de schaduw. Wat het vergeleek blijft hier bewaard.",
		"sh.running_since":                 "In de schaduw sinds %s, gestart door %s.",
		"sh.counts":                        "%d regels vergeleken, %d anders beoordeeld.",
		"sh.counts_short":                  "%d vergeleken, %d anders",
		"sh.failed_count":                  "Het concept kon %d regels niet beoordelen: elk staat in de lijst met de reden.",
		"sh.failed_short":                  "%d mislukt",
		"sh.review":                        "Verschillen bekijken",
		"sh.past":                          "Eerdere schaduwperiodes van dit concept:",
		"sh.column":                        "In de schaduw",
		"sh.runs":                          "Schaduwperiodes",
		"sh.draft":                         "Concept",
		"sh.when":                          "Begonnen",
		"sh.state":                         "Status",
		"sh.compared":                      "Vergeleken",
		"sh.ended.running":                 "in de schaduw",
		"sh.ended.stopped":                 "gestopt",
		"sh.ended.replaced":                "vervangen door een ander concept",
		"sh.ended.edited":                  "beëindigd: het concept is bewerkt",
		"sh.ended.published":               "beëindigd: het concept is gepubliceerd",
		"sh.ended.discarded":               "beëindigd: het concept is verworpen",
		"sh.review_title":                  "Schaduw van concept %s van %s",
		"sh.review_intro":                  "Nieuwe claims van %s die zijn ingediend terwijl dit concept in de schaduw stond, beoordeeld door de gepubliceerde versie (die over de RMA besliste) en door het concept. Alleen de regels die het concept anders beoordeelt staan in de lijst.",
		"sh.to_draft":                      "Het concept",
		"sh.review_counts":                 "%d regels vergeleken: %d anders, %d gelijk.",
		"sh.none_yet":                      "Sinds het begin is er geen claim van dit beleid ingediend.",
		"sh.changed_lines":                 "Regels die het concept anders beoordeelt",
		"sh.reasons_after":                 "Redenen van het concept",
		"sh.version":                       "versie %s",
		"sh.no_decision":                   "geen beslissing",
		"sh.first_page":                    "Eerste pagina",
		"sh.next_page":                     "Volgende pagina",
		"audit.action.policy.shadow_start": "Beleidsconcept in de schaduw gezet",
		"audit.action.policy.shadow_stop":  "Beleidsconcept uit de schaduw gehaald",
	},
}

func init() {
	for lang, texts := range shadowTexts {
		for k, v := range texts {
			if catalogue[lang] != nil {
				catalogue[lang][k] = v
			}
		}
	}
	// A document's name in the page's language: the catalogue's for the
	// format's own, the pack's id for one it declares.
	funcs["docName"] = func(p *page, name string) string {
		if _, ok := catalogue["en"]["doc."+name]; ok {
			return p.T("doc." + name)
		}
		return name
	}
}
