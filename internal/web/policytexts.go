package web

import (
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// A policy's texts (the reasons of its decisions, its instructions, its
// title) are shown in the page's language where the pack has them
// (policies/PACK.LANG.yaml), else in the pack's own language, marked as
// such so a reader knows why a Dutch page shows English. Quotes of the
// source are not among them: a quote stays in the source's words.

// Said is a policy's text as a page shows it (template "said").
type Said struct {
	Text     string
	Fallback bool   // the pack has no text in the page's language: Text is in Lang
	Lang     string // the language Text is in
	Note     string // says so, in the page's language
}

func (tr translator) said(text string, ok bool) Said {
	if ok || tr.lang == policy.SourceLanguage {
		return Said{Text: text, Lang: tr.lang}
	}
	return Said{Text: text, Fallback: true, Lang: policy.SourceLanguage, Note: tr.T("policy.fallback")}
}

// Reason is one reason of a decision made under p.
func (tr translator) Reason(p *policy.Policy, r policy.Reason) Said {
	if p == nil {
		return tr.said(r.Text, false)
	}
	return tr.said(p.ReasonText(tr.lang, r))
}

// Instruction is one of p's instructions, with the RMA's number where the
// text names it.
func (tr translator) Instruction(p *policy.Policy, number string, in policy.Instruction) Said {
	if p == nil {
		return tr.said(in.Text, false)
	}
	text, ok := p.Say(tr.lang, in.Key, in.Text)
	return tr.said(rma.FillNumber(text, number), ok)
}

// PolicyTitle is p's title.
func (tr translator) PolicyTitle(p *policy.Policy) Said {
	if p == nil {
		return Said{}
	}
	text, ok := p.Text(tr.lang, "title")
	return tr.said(text, ok)
}
