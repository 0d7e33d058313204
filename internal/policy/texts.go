package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A pack is written in English; its texts (refusals, terms, exclusions,
// notes, instructions, ...) may also be given in other languages, each in
// a file of its own beside the pack (pixfra.nl.yaml beside pixfra.yaml).
// Such a file is a catalogue keyed by the pack's text keys, which are
// derived from what each rule is about rather than from its place in the
// file, so that adding or reordering rules does not move a translation to
// another text: "instructions.backup" is the instruction citing the clause
// backup, "exclusions.labels_removed" the exclusion on that condition.
// Where two texts would get the same key, the pack gives one of them a
// key: of its own and the loader says so. The clauses' quotes have no key:
// a quote stays in the source's words.

// SourceLanguage is the language packs are written in.
const SourceLanguage = "en"

// TextKey is one text of a pack that a translation may give.
type TextKey struct {
	Key  string // "instructions.backup"
	Path string // the English text's key path in the pack, "instructions[4].text"
	Text string // the English text
}

// Texts lists every text of the pack a translation may give, in file order.
func (p *Policy) Texts() []TextKey { return p.texts }

// Translation is the pack's texts in one language.
type Translation struct {
	Lang   string
	Source string            // the file it was loaded from
	texts  map[string]string // by key
}

// Languages lists the languages the pack has texts in besides English.
func (p *Policy) Languages() []string {
	var out []string
	for l := range p.translations {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Text returns the text with key in lang, and false when the pack has no
// text for it in that language (the English one is then returned). For
// English, every key the pack has is found.
func (p *Policy) Text(lang, key string) (string, bool) {
	if lang == "" || lang == SourceLanguage {
		for i := range p.texts {
			if p.texts[i].Key == key {
				return p.texts[i].Text, true
			}
		}
		return "", false
	}
	if t := p.translations[lang]; t != nil {
		if s, ok := t.texts[key]; ok {
			return s, true
		}
	}
	s, _ := p.Text(SourceLanguage, key)
	return s, false
}

// Say returns the text with key in lang, else english as the pack wrote
// it; ok is false when it fell back. For callers holding the English text
// already (an instruction with its RMA number filled in).
func (p *Policy) Say(lang, key, english string) (text string, ok bool) {
	if lang == "" || lang == SourceLanguage || key == "" {
		return english, lang == "" || lang == SourceLanguage
	}
	if t := p.translations[lang]; t != nil {
		if s, ok := t.texts[key]; ok {
			return s, true
		}
	}
	return english, false
}

// Missing lists the keys the pack has no text for in lang.
func (p *Policy) Missing(lang string) []string {
	var out []string
	t := p.translations[lang]
	for _, k := range p.texts {
		if t == nil || t.texts[k.Key] == "" {
			out = append(out, k.Key)
		}
	}
	return out
}

// textKeyPattern is what a key: in a pack may be: it becomes the last part
// of the text's key.
var textKeyPattern = idPattern

// assignTextKeys gives every text of the compiled pack its key, from the
// YAML it was compiled from (the lists are compiled one entry per entry, in
// order), and refuses two texts with the same key.
func (c *compiler) assignTextKeys(f *fileYAML, p *Policy) {
	seen := map[string]string{} // key -> path
	add := func(path, key, text string) string {
		if text == "" {
			return ""
		}
		if other, ok := seen[key]; ok {
			c.errorf(path, "its text would have the key %q, as %s has: give one of them a key: of its own", key, other)
			return key
		}
		seen[key] = path
		p.texts = append(p.texts, TextKey{Key: key, Path: path, Text: text})
		return key
	}
	own := func(path, section, explicit, natural string) string {
		if explicit == "" {
			return section + "." + natural
		}
		if !textKeyPattern.MatchString(explicit) {
			c.errorf(path+".key", "must match %s", textKeyPattern)
		}
		return section + "." + explicit
	}
	add("title", "title", p.Title)
	if p.Scope != nil {
		add("scope.text", "scope", p.Scope.Text)
	}
	for i := range p.Requesters.Refusals {
		rf, raw := &p.Requesters.Refusals[i], &f.Requesters.Refused[i]
		path := fmt.Sprintf("requesters.refused[%d]", i)
		rf.Key = add(path+".text", own(path, "refused", raw.Key, joinRoles(rf.Roles, "+")), rf.Text)
	}
	for i := range p.Requesters.Preconditions { // preconditions.go
		pc, raw := &p.Requesters.Preconditions[i], &f.Requesters.Preconditions[i]
		path := fmt.Sprintf("requesters.preconditions[%d]", i)
		pc.Key = add(path+".text", own(path, "preconditions", raw.Key, pc.Field), pc.Text)
	}
	for i := range p.Warranty.Terms {
		t, raw := &p.Warranty.Terms[i], &f.Warranty.Terms[i]
		path := fmt.Sprintf("warranty.terms[%d]", i)
		t.Key = add(path+".text", own(path, "terms", raw.Key, orAny(t.Category)+"."+orAny(t.Part)), t.Text)
	}
	if p.Withdrawal != nil {
		add("withdrawal.text", "withdrawal", p.Withdrawal.Text)
	}
	add("out_of_warranty.text", "out_of_warranty", p.OutOfWarranty.Text)
	for i := range p.Exclusions {
		e, raw := &p.Exclusions[i], &f.Exclusions[i]
		path := fmt.Sprintf("exclusions[%d]", i)
		// Without a text of the pack's the engine words the reason itself.
		e.Key = add(path+".text", own(path, "exclusions", raw.Key, e.Code()), raw.Text)
	}
	for i := range p.Documents {
		d, raw := &p.Documents[i], &f.Documents[i]
		path := fmt.Sprintf("documents[%d]", i)
		d.Key = add(path+".note", own(path, "documents", raw.Key, strings.Join(p.docNames(d.AnyOf), "+")), d.Note)
	}
	for i := range p.Vocabulary.Documents { // vocabulary.go: names a translation may give
		v := &p.Vocabulary.Documents[i]
		v.Key = add(fmt.Sprintf("vocabulary.documents[%d].name", i), "vocabulary.documents."+v.ID, v.Name)
	}
	for i := range p.Vocabulary.Conditions {
		v := &p.Vocabulary.Conditions[i]
		v.Key = add(fmt.Sprintf("vocabulary.conditions[%d].name", i), "vocabulary.conditions."+v.ID, v.Name)
	}
	for i := range p.Deadlines {
		d := &p.Deadlines[i]
		d.Key = add(fmt.Sprintf("deadlines[%d].text", i), "deadlines."+d.Name, d.Text)
	}
	for i := range p.Shipping {
		s, raw := &p.Shipping[i], &f.Shipping[i]
		path := fmt.Sprintf("shipping[%d]", i)
		natural := s.Direction + "." + orAll(strings.ReplaceAll(joinNames(s.Routes.Routes()), ", ", "+"))
		if len(s.Findings) > 0 {
			natural += "." + strings.Join(s.Findings, "+")
		}
		s.Key = add(path+".text", own(path, "shipping", raw.Key, strings.ReplaceAll(natural, " ", "_")), s.Text)
	}
	for i := range p.Fees {
		fe, raw := &p.Fees[i], &f.Fees[i]
		path := fmt.Sprintf("fees[%d]", i)
		fe.Key = add(path+".text", own(path, "fees", raw.Key, fe.Kind), fe.Text)
	}
	for i := range p.Resolutions {
		r, raw := &p.Resolutions[i], &f.Resolutions[i]
		path := fmt.Sprintf("resolutions[%d]", i)
		natural := strings.ReplaceAll(orAll(strings.ReplaceAll(joinNames(r.Routes.Routes()), ", ", "+")), " ", "_")
		r.Key = add(path+".text", own(path, "resolutions", raw.Key, natural), r.Text)
	}
	for i := range p.ServiceLocations {
		l := &p.ServiceLocations[i]
		l.Key = add(fmt.Sprintf("service_locations[%d].name", i), "service_locations."+l.ID, l.Name)
	}
	for i := range p.Instructions {
		in, raw := &p.Instructions[i], &f.Instructions[i]
		path := fmt.Sprintf("instructions[%d]", i)
		in.Key = add(path+".text", own(path, "instructions", raw.Key, in.Clause), in.Text)
	}
	if p.Supplier != nil { // supplier.go: what the requester is told after the supplier's verdict
		for i := range p.Supplier.Verdicts {
			v := &p.Supplier.Verdicts[i]
			v.Key = add(fmt.Sprintf("supplier.verdicts[%d].text", i), "supplier."+v.Verdict, v.Text)
		}
	}
}

func joinRoles(s RoleSet, sep string) string {
	names := make([]string, 0, 2)
	for _, r := range s.Roles() {
		names = append(names, r.String())
	}
	return strings.Join(names, sep)
}

// placeholderPattern finds what the desk fills into a text (<number>): a
// translation must keep each one, or the number goes missing from it.
var placeholderPattern = regexp.MustCompile(`<[a-z_]+>`)

func placeholders(s string) []string {
	out := placeholderPattern.FindAllString(s, -1)
	slices.Sort(out)
	return slices.Compact(out)
}
