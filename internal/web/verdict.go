package web

import (
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// A requester reads the engine's verdict in plain words, unit by unit:
// what is fine, what is missing and how to supply it, and the policy's
// own words (the clause) on demand. Reason codes and claim field paths
// (dates.invoice, vendor_invoice) are for the desk and the API; the
// requester's page never shows them.
//
// The words come from what each reason was made of (Reason.Msg and Args,
// docs/POLICIES.md section 9), never from its English sentence: Dutch has
// the engine's own Dutch wordings (policy.ReasonText), which already name
// dates and documents in words; English has the plain wordings below for
// the reasons whose engine sentence names fields.

// unitVerdict is the engine's decision on one unit of the form.
type unitVerdict struct {
	No int // the unit's number as the page shows it
	policy.Decision
}

// plainVerdict is a decision as a requester reads it.
type plainVerdict struct {
	Verdict  string       // accept, needs_info, review, reject
	Route    string       // doa, warranty, withdrawal, chargeable, none
	Fine     []plainPoint // what speaks for the unit
	Problems []plainPoint // what stands in its way, or needs a person
	Missing  []string     // documents to add (names), in the page's words
	Enclose  []string     // documents to put in the parcel
}

// plainPoint is one reason in plain words, with its clause to show on demand.
type plainPoint struct {
	Said   Said
	Clause *policy.Clause
}

// goodReasons say what speaks for a unit; every other reason is a problem
// or something a person at the desk looks at.
var goodReasons = map[string]bool{
	policy.CodeInWarranty: true, policy.CodeDOA: true, policy.CodeWithinWithdrawal: true,
	policy.CodeWarrantyFallback: true, policy.CodeHolidayExtended: true,
}

// Plain says d, made under pol, for a requester.
func (tr translator) Plain(pol *policy.Policy, d policy.Decision) plainVerdict {
	v := plainVerdict{Verdict: d.Verdict.String(), Route: d.Route.String()}
	for _, r := range d.Reasons {
		pt := plainPoint{Said: tr.plainReason(pol, r)}
		if pol != nil && r.Clause != "" {
			pt.Clause = pol.Clause(r.Clause)
		}
		if goodReasons[r.Code] {
			v.Fine = append(v.Fine, pt)
		} else {
			v.Problems = append(v.Problems, pt)
		}
	}
	for _, doc := range d.MissingDocuments {
		v.Missing = append(v.Missing, tr.T("doc."+doc.String()))
	}
	for _, doc := range d.EncloseDocuments {
		v.Enclose = append(v.Enclose, tr.T("doc."+doc.String()))
	}
	v.Missing = append(v.Missing, declaredNames(pol, tr.lang, d.MissingDeclared)...) // vocabulary.go
	v.Enclose = append(v.Enclose, declaredNames(pol, tr.lang, d.EncloseDeclared)...)
	return v
}

// plainReason is one reason in the page's language, without field names.
func (tr translator) plainReason(pol *policy.Policy, r policy.Reason) Said {
	if pol != nil && pol.ArgsNameDeclared(r.Args) { // the policy's own names: its sentence says them (vocabulary.go)
		return tr.Reason(pol, r)
	}
	if tr.lang == policy.SourceLanguage {
		if say := plainEnglish[r.Msg]; say != nil {
			var packText string
			if pol != nil && r.Key != "" {
				packText, _ = pol.Text(tr.lang, r.Key)
			}
			return Said{Text: say(tr, r.Args, packText), Lang: tr.lang}
		}
	}
	return tr.Reason(pol, r)
}

// plainEnglish words the reasons whose engine sentence names claim fields
// or documents by their codes.
var plainEnglish = map[string]func(tr translator, a []string, packText string) string{
	policy.CodeMissingWarrantyStart: func(tr translator, a []string, _ string) string {
		var options []string
		for _, s := range a {
			options = append(options, tr.dateWithDoc(s))
		}
		return tr.T("plain.missing_start", strings.Join(options, tr.T("plain.or")))
	},
	policy.CodeWarrantyFallback: func(tr translator, a []string, _ string) string {
		return tr.T("plain.fallback", tr.T("plain.date."+arg(a, 0)), arg(a, 1))
	},
	policy.CodeMissingDates: func(tr translator, a []string, _ string) string {
		return tr.T("plain.missing_dates", tr.dates(a))
	},
	policy.CodeMissingDates + ".withdrawal": func(tr translator, a []string, _ string) string {
		return tr.T("plain.missing_dates_withdrawal", tr.dates(a))
	},
	policy.CodeDOAConditionsNotMet + ".document": func(tr translator, a []string, _ string) string {
		return tr.T("plain.doa_document", tr.docs(a))
	},
	policy.CodeDOAConditionsNotMet + ".condition": func(tr translator, a []string, _ string) string {
		return tr.T("plain.doa_condition", tr.T("cond."+arg(a, 0)))
	},
	policy.CodeMissingCountry: func(tr translator, _ []string, _ string) string { return tr.T("plain.missing_country") },
	policy.CodeMissingDocuments: func(tr translator, a []string, note string) string {
		if note != "" {
			return tr.T("plain.doc_needed_note", tr.docs(a), note)
		}
		return tr.T("plain.doc_needed", tr.docs(a))
	},
	"exclusion.void": func(tr translator, a []string, _ string) string {
		return tr.T("plain.excl_void", tr.T("cond."+arg(a, 0)))
	},
	"exclusion.chargeable": func(tr translator, a []string, _ string) string {
		return tr.T("plain.excl_chargeable", tr.T("cond."+arg(a, 0)))
	},
	"exclusion.warn": func(tr translator, a []string, _ string) string {
		return tr.T("plain.excl_warn", tr.T("cond."+arg(a, 0)))
	},
}

// dateWithDoc says "purchase/purchase_receipt" as "the purchase date, with
// the purchase receipt".
func (tr translator) dateWithDoc(s string) string {
	field, doc, withDoc := strings.Cut(s, "/")
	if !withDoc {
		return tr.T("plain.date." + field)
	}
	return tr.T("plain.date_with", tr.T("plain.date."+field), tr.T("doc."+doc))
}

func (tr translator) dates(fields []string) string {
	var out []string
	for _, f := range fields {
		out = append(out, tr.T("plain.date."+f))
	}
	return strings.Join(out, tr.T("plain.or"))
}

func (tr translator) docs(names []string) string {
	var out []string
	for _, d := range names {
		out = append(out, tr.T("doc."+d))
	}
	return strings.Join(out, tr.T("plain.or"))
}

func arg(a []string, i int) string {
	if i < len(a) {
		return a[i]
	}
	return ""
}

// plainUnit is what the "plainverdict" template needs: the page, the
// unit's number and its verdict in plain words.
type plainUnit struct {
	*page
	No     int
	V      plainVerdict
	AddDoc string // the key saying how to add a missing document: on the form, or on the RMA's page
}

// PlainUnit is unit no's decision d, made under pol, for the form's preview.
func (p *page) PlainUnit(pol *policy.Policy, no int, d policy.Decision) plainUnit {
	return plainUnit{page: p, No: no, V: p.Plain(pol, d), AddDoc: "plain.add_doc_form"}
}

// FiledUnit is line no's decision d for the RMA's page, where a missing
// document is uploaded.
func (p *page) FiledUnit(pol *policy.Policy, no int, d policy.Decision) plainUnit {
	return plainUnit{page: p, No: no, V: p.Plain(pol, d), AddDoc: "plain.add_doc_page"}
}

// pointView is what the "plainpoint" template needs.
type pointView struct {
	*page
	P plainPoint
}

// Point hands the "plainpoint" template one point with the page.
func (p *page) Point(pt plainPoint) pointView { return pointView{p, pt} }
