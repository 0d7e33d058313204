package policy

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The engine's own sentences (a warranty window, a missing document, a
// holiday that moved the last day) are written in English as the decision
// is made (evaluate.go), and each reason keeps what its sentence was made
// of: a wording (Reason.Msg), its values (Reason.Args) and the pack's text
// it carries (Reason.Key). ReasonText says the same in another language
// from those, through that language's wordings below, rather than by
// translating the finished English sentence.

// ReasonText says r in lang: the engine's wording in lang with the pack's
// text in lang. ok is false when that cannot be done (lang has no wording
// for r.Msg, the pack has no lang text for r.Key, or r was stored before
// reasons kept how they were composed): text is then r.Text, in the pack's
// own language.
func (p *Policy) ReasonText(lang string, r Reason) (text string, ok bool) {
	if lang == "" || lang == SourceLanguage {
		return r.Text, true
	}
	if r.Msg == "" && r.Key == "" {
		return r.Text, false
	}
	var packText string
	if r.Key != "" {
		var found bool
		if packText, found = p.Text(lang, r.Key); !found {
			return r.Text, false
		}
	}
	if r.Msg == "" {
		return packText, true
	}
	say := wordings[lang][r.Msg]
	if say == nil {
		return r.Text, false
	}
	return say(p.sayDeclared(lang, r.Args), packText), true
}

// Wordings lists the engine's wordings lang has, by Reason.Msg.
func Wordings(lang string) []string {
	var out []string
	for m := range wordings[lang] {
		out = append(out, m)
	}
	return out
}

// A wording makes a sentence from a reason's Args and the pack's text.
type wording func(args []string, packText string) string

var wordings = map[string]map[string]wording{"nl": dutch}

// Every wording the engine uses (evaluate.go's d.said), worded in Dutch.
// TestEveryWordingInDutch checks none is missing.
var dutch = map[string]wording{
	CodePolicyNotInForce: func(a []string, _ string) string {
		return "de claim is gemeld op " + arg(a, 0) + ", vóór versie " + arg(a, 1) + " van dit beleid inging op " + arg(a, 2)
	},
	CodeRequesterNotEligible: func(a []string, _ string) string {
		allowed := make([]string, 0, len(a))
		for _, r := range rest(a, 1) {
			allowed = append(allowed, nlRole(r))
		}
		return "een aanvrager met de rol " + nlRole(arg(a, 0)) + " kan onder dit beleid geen claim indienen (alleen: " + strings.Join(allowed, ", ") + ")"
	},
	CodeRegionNotServed: func(a []string, scope string) string { return arg(a, 0) + ": " + scope },
	CodeMissingCountry: func([]string, string) string {
		return "het land van de aanvrager (requester.country) is nodig: het beleid hangt af van waar de aanvrager gevestigd is"
	},
	"no_warranty_term": func(a []string, _ string) string {
		return "geen garantietermijn past bij categorie " + arg(a, 0) + ", onderdeel " + arg(a, 1)
	},
	CodeInWarranty + ".term": func(a []string, _ string) string {
		return "in garantie: " + nlTermWindow(a)
	},
	CodeInWarranty + ".window": func(a []string, _ string) string {
		return "binnen de termijn: " + nlDaysWindow(a)
	},
	CodeOutOfWarranty + ".term": func(a []string, _ string) string {
		return "buiten de garantie: " + nlTermWindow(a)
	},
	CodeOutsideWindow + ".window": func(a []string, _ string) string {
		return "buiten de termijn: " + nlDaysWindow(a)
	},
	CodeHolidayExtended: func(a []string, _ string) string {
		s := "de laatste dag, " + arg(a, 0) + ", is een officiële feestdag in " + nlCountry(arg(a, 1))
		if name := arg(a, 2); name != "" {
			s += " (" + nlHoliday(name) + ")"
		}
		return s + ": de eerste werkdag daarna, " + arg(a, 3) + ", is de laatste dag"
	},
	CodeCalendarNotCovered: func(a []string, _ string) string {
		return "de feestdagenkalender van " + nlCountry(arg(a, 0)) + " heeft geen gegevens voor " + arg(a, 1) +
			": een medewerker moet nagaan of de laatste dag opschuift"
	},
	CodeWarrantyFallback: func(a []string, _ string) string {
		skipped := nlStartSkipped(rest(a, 2)) // records.go
		return strings.Join(skipped, ", ") + ": de garantie loopt vanaf de " + nlField(arg(a, 0)) + " " + arg(a, 1)
	},
	CodeMissingDates: func(a []string, _ string) string {
		return "de termijn loopt vanaf de " + nlFields(a) + nlNoneGiven(len(a))
	},
	CodeMissingDates + ".withdrawal": func(a []string, _ string) string {
		return "de bedenktijd loopt vanaf de " + nlFields(a) + nlNoneGiven(len(a))
	},
	CodeMissingWarrantyStart: func(a []string, _ string) string {
		options := make([]string, 0, len(a))
		for _, s := range a {
			if field, ok := strings.CutPrefix(s, "records."); ok { // issue 16 (records.go)
				options = append(options, "de "+nlField(field)+" in de gegevens van de desk")
				continue
			}
			field, doc, withDoc := strings.Cut(s, "/")
			if withDoc {
				options = append(options, "de "+nlField(field)+" (met "+nlDocumentArticle(doc)+")")
			} else {
				options = append(options, "de "+nlField(field))
			}
		}
		return "de garantie loopt vanaf " + strings.Join(options, ", anders vanaf ") + "; de claim geeft geen van deze gegevens"
	},
	CodeDOAConditionsNotMet + ".condition": func(a []string, _ string) string {
		return "gemeld binnen de termijn voor defect bij aankomst, maar bij het apparaat geldt: " + nlCondition(arg(a, 0)) +
			"; de claim wordt als gewone claim behandeld"
	},
	CodeDOAConditionsNotMet + ".document": func(a []string, _ string) string {
		return "gemeld binnen de termijn voor defect bij aankomst, maar zonder " + nlDocuments(a) +
			"; de claim wordt als gewone claim behandeld"
	},
	CodeDOA: func(a []string, _ string) string {
		return "defect bij aankomst: gemeld binnen " + nlDays(arg(a, 0)) + " na de " + nlField(arg(a, 1)) + " " + arg(a, 2) +
			" (laatste dag " + arg(a, 3) + ")"
	},
	CodeWithdrawalNotOffered: func([]string, string) string {
		return "dit beleid kent geen herroepingsrecht; dien in plaats daarvan een claim voor een defect in"
	},
	"withdrawal_window": func(a []string, _ string) string {
		return "bedenktijd van " + nlDaysWindow(a)
	},
	"exclusion.void": func(a []string, _ string) string {
		return capital(nlCondition(arg(a, 0))) + ": de garantie is niet van toepassing"
	},
	"exclusion.chargeable": func(a []string, _ string) string {
		return capital(nlCondition(arg(a, 0))) + ": alleen reparatie tegen betaling"
	},
	"exclusion.warn": func(a []string, _ string) string {
		return capital(nlCondition(arg(a, 0))) + ": geaccepteerd, met een waarschuwing"
	},
	CodeMissingDocuments: func(a []string, note string) string {
		verb := " is vereist"
		if len(a) == 1 && nlDocumentArticles[a[0]] == "" && nlDocumentNames[a[0]] != "" {
			verb = " zijn vereist" // a plural: foto's van de verpakking
		}
		s := capital(nlDocuments(a)) + verb
		if note != "" {
			s += ": " + note
		}
		return s
	},
	// Vocabulary (vocabulary.go): names a claim gives that its policy does
	// not declare.
	CodeUnknownCondition: func(a []string, _ string) string {
		return "de claim meldt de toestand " + arg(a, 0) + ", die dit beleid niet kent: een medewerker beslist wat die voor de claim betekent"
	},
	CodeUnknownDocument: func(a []string, _ string) string {
		return "de claim geeft het document " + arg(a, 0) + ", waar dit beleid niet om vraagt: het telt niet mee"
	},
	// Preconditions (preconditions.go).
	CodeStandingNotAllowed: func(a []string, _ string) string {
		return "de status van het account van de aanvrager is " + nlStanding(arg(a, 0)) + ", en alleen " + strings.Join(mapNames(rest(a, 1), nlStanding), ", ") + " kan onder dit beleid een claim indienen"
	},
	CodeChannelNotAllowed: func(a []string, _ string) string {
		return "het apparaat is gekocht via " + nlChannel(arg(a, 0)) + ", en alleen " + strings.Join(mapNames(rest(a, 1), nlChannel), ", ") + " geeft recht op een claim onder dit beleid"
	},
	CodeMissingChannel: func(a []string, _ string) string {
		return "de claim zegt niet waar het apparaat gekocht is (product.channel: " + strings.Join(mapNames(a, nlChannel), " of ") + ")"
	},
}

func arg(a []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return ""
}

func rest(a []string, from int) []string {
	if from < len(a) {
		return a[from:]
	}
	return nil
}

// nlTermWindow says a term's window: args years, months, basis, start,
// last day, and the day reported when the claim came after it.
func nlTermWindow(a []string) string {
	y, _ := strconv.Atoi(arg(a, 0))
	m, _ := strconv.Atoi(arg(a, 1))
	s := nlTerm(y, m) + " vanaf de " + nlField(arg(a, 2)) + " " + arg(a, 3) + ", laatste dag " + arg(a, 4)
	if r := arg(a, 5); r != "" {
		s += ", gemeld op " + r
	}
	return s
}

// nlDaysWindow says a window of days: args days, after, start, last day,
// and the day reported when the claim came after it.
func nlDaysWindow(a []string) string {
	s := nlDays(arg(a, 0)) + " na de " + nlField(arg(a, 1)) + " " + arg(a, 2) + ", laatste dag " + arg(a, 3)
	if r := arg(a, 4); r != "" {
		s += ", gemeld op " + r
	}
	return s
}

func nlTerm(years, months int) string {
	var parts []string
	if years > 0 {
		parts = append(parts, strconv.Itoa(years)+" jaar")
	}
	switch {
	case months == 1:
		parts = append(parts, "1 maand")
	case months > 1:
		parts = append(parts, strconv.Itoa(months)+" maanden")
	}
	return strings.Join(parts, " en ")
}

func nlDays(n string) string {
	if n == "1" {
		return "1 dag"
	}
	return n + " dagen"
}

var nlFieldNames = map[string]string{
	"purchase": "aankoopdatum", "invoice": "factuurdatum", "shipped": "verzenddatum",
	"delivered": "leverdatum", "manufactured": "productiedatum", "reported": "meldingsdatum",
}

func nlField(f string) string { return orSelf(nlFieldNames, f) }

func nlFields(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = nlField(f)
	}
	return strings.Join(out, " of de ")
}

// Document names in Dutch, as the portal names them (internal/web).
var nlDocumentNames = map[string]string{
	"purchase_receipt":  "aankoopbon",
	"vendor_invoice":    "factuur van de leverancier",
	"shipping_document": "verzenddocument",
	"proforma_invoice":  "pro-formafactuur",
	"label_photo":       "foto van het typeplaatje",
	"appearance_photo":  "foto van het hele apparaat",
	"package_photos":    "foto's van de verpakking",
	"shipment_slip":     "pakbon van de zending",
	"defect_media":      "foto of video van het defect",
}

// nlDocumentArticles gives each document its article (de, het; none for a
// plural).
var nlDocumentArticles = map[string]string{
	"purchase_receipt": "de", "vendor_invoice": "de", "shipping_document": "het", "proforma_invoice": "de",
	"label_photo": "de", "appearance_photo": "de", "package_photos": "", "shipment_slip": "de", "defect_media": "een",
}

func nlDocument(d string) string { return orSelf(nlDocumentNames, d) }

func nlDocumentArticle(d string) string {
	if a := nlDocumentArticles[d]; a != "" {
		return a + " " + nlDocument(d)
	}
	return nlDocument(d)
}

func nlDocuments(docs []string) string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = nlDocumentArticle(d)
	}
	return strings.Join(out, " of ")
}

// nlNoneGiven ends a sentence about the dates a period runs from.
func nlNoneGiven(n int) string {
	if n == 1 {
		return "; de claim vermeldt die datum niet"
	}
	return "; de claim vermeldt geen van deze data"
}

// capital starts a sentence.
func capital(s string) string {
	if s == "" {
		return s
	}
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

// The holidays of the calendars' data, in Dutch; a name not here (or a
// calendar's own Dutch name, such as Koningsdag) is shown as the data has
// it. Two holidays on one day are joined with " and " or " / ".
var nlHolidayNames = map[string]string{
	"New Year's Day": "Nieuwjaarsdag", "Spring Festival": "Chinees Nieuwjaar", "Qingming Festival": "Qingmingfestival",
	"Labour Day": "Dag van de Arbeid", "Dragon Boat Festival": "Drakenbootfestival", "Mid-Autumn Festival": "Midherfstfeest",
	"National Day": "Nationale feestdag",
}

func nlHoliday(name string) string {
	for _, sep := range []string{" / ", " and "} {
		if parts := strings.Split(name, sep); len(parts) > 1 {
			for i, p := range parts {
				parts[i] = nlHoliday(p)
			}
			if sep == " and " {
				sep = " en "
			}
			return strings.Join(parts, sep)
		}
	}
	return orSelf(nlHolidayNames, name)
}

var nlConditionNames = map[string]string{
	"serial_altered":          "serienummer gewijzigd of verwijderd",
	"unauthorized_repair":     "gerepareerd door een onbevoegde",
	"misuse":                  "verkeerd gebruikt",
	"unsupported_accessory":   "gebruikt met een niet-ondersteund accessoire",
	"accident":                "ongeluk (bliksem, water, brand, val)",
	"animal_damage":           "beschadigd door dieren",
	"receipt_altered":         "aankoopbon gewijzigd",
	"painted_or_tampered":     "geverfd of mee geknoeid",
	"labels_removed":          "labels verwijderd",
	"physical_damage":         "fysiek beschadigd",
	"credentials_not_removed": "inloggegevens of account niet verwijderd",
	"cause_misuse":            "verkeerd gebruik",
	"cause_manufacturing":     "fabricagefout",
	"opened":                  "geopend",
}

func nlCondition(c string) string { return orSelf(nlConditionNames, c) }

var nlRoleNames = map[string]string{
	"consumer": "consument", "end_user": "eindgebruiker", "dealer": "dealer", "partner": "partner", "distributor": "distributeur",
}

func nlRole(r string) string { return orSelf(nlRoleNames, r) }

// Calendars are named by their country.
var nlCountryNames = map[string]string{"CN": "China", "NL": "Nederland", "BE": "België", "DE": "Duitsland"}

func nlCountry(code string) string { return orSelf(nlCountryNames, code) }

func orSelf(m map[string]string, k string) string {
	if s, ok := m[k]; ok {
		return s
	}
	return k
}

// Helpers of evaluate.go's d.said.

func itoa(n int) string { return strconv.Itoa(n) }

func windowFields(ws []Window) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.After.String()
	}
	return out
}

// windowMsg is the wording of a warranty reason: a term (years and months
// from a start date) or fixed windows (days after a date).
func windowMsg(code string, t *Term, w *WarrantyStatus) string {
	if t.ext || w.LastDayBy != "" {
		return termMsg(code, t, w) // issue 14 (terms.go)
	}
	if t.Within != nil {
		return code + ".window"
	}
	return code + ".term"
}

// windowArgs are a warranty reason's values: for a term years, months,
// basis, start, last day; for windows the window's days, its date, start,
// last day; then the day reported, when given.
func windowArgs(t *Term, w *WarrantyStatus, reported string) []string {
	if t.ext || w.LastDayBy != "" {
		return termArgs(t, w, reported) // issue 14 (terms.go)
	}
	var args []string
	if t.Within != nil {
		last := w.LastDay
		if !w.ExtendedFrom.IsZero() {
			last = w.ExtendedFrom
		}
		days := 0
		for _, win := range t.Within {
			if win.After == w.Basis && w.Start.AddDays(win.Days) == last {
				days = win.Days
				break
			}
		}
		args = []string{itoa(days), w.Basis.String(), w.Start.String(), w.LastDay.String()}
	} else {
		args = []string{itoa(t.Years), itoa(t.Months), w.Basis.String(), w.Start.String(), w.LastDay.String()}
	}
	if reported != "" {
		args = append(args, reported)
	}
	return args
}
