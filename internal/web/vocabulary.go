package web

import (
	"fmt"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// Issue 14: the documents and conditions a policy declares beside the
// format's (policy vocabulary) are on the new-RMA form like the format's,
// named as the pack names them, in the page's language where the pack's
// translation has them.

// declaredDocs are the policy's own documents, as the engine numbers them.
func declaredDocs(pol *policy.Policy) []policy.Document {
	var out []policy.Document
	for i := range pol.Vocabulary.Documents {
		out = append(out, policy.Document(policy.DeclaredBase+i))
	}
	return out
}

// declared adds the policy's own conditions to the form and names every
// declared document and condition in the page's language.
func (d *newData) declared(p *page) {
	pol := d.Policy
	if len(pol.Vocabulary.Documents)+len(pol.Vocabulary.Conditions) == 0 {
		return
	}
	d.Labels = map[string]string{}
	for _, v := range pol.Vocabulary.Documents {
		d.Labels[v.ID], _ = pol.DeclaredName(p.lang, v.ID)
	}
	for _, v := range pol.Vocabulary.Conditions {
		d.Labels[v.ID], _ = pol.DeclaredName(p.lang, v.ID)
		d.Conditions = append(d.Conditions, v.ID)
	}
}

// otherDocuments puts the policy's own documents a unit has (ticked, or a
// file chosen) on its claim.
func otherDocuments(c *policy.Claim, l formLine, files map[string]bool) {
	for doc, has := range l.Documents {
		if _, err := policy.ParseDocument(doc); err == nil {
			continue
		}
		if has || files[fmt.Sprintf("%s_%d", doc, l.No)] {
			c.OtherDocuments = policy.AddName(c.OtherDocuments, doc)
		}
	}
}

// declaresDocument reports whether pol declares the document id.
func declaresDocument(pol *policy.Policy, id string) bool {
	if pol == nil {
		return false
	}
	_, ok := pol.DeclaredDocument(id)
	return ok
}

// declaredNames names a decision's declared documents in lang.
func declaredNames(pol *policy.Policy, lang string, ids []string) []string {
	var out []string
	for _, id := range ids {
		name := id
		if pol != nil {
			if n, ok := pol.DeclaredName(lang, id); ok {
				name = n
			}
		}
		out = append(out, name)
	}
	return out
}
