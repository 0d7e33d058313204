package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// A pack may declare documents and conditions of its own beside the
// format's (an RMA form, an outer box that arrived damaged), and use them
// wherever a built-in one is allowed: documents[] rules, doa.documents,
// doa.not_conditions, exclusions[].condition and warranty.start[].evidence.
//
// The engine keeps documents and conditions as bits (DocumentSet,
// ConditionSet, 64 bits wide). Built-in values keep their numbers, below
// DeclaredBase; a pack's declared names take the bits from DeclaredBase up,
// in the order the pack declares them, so the same bit means different
// names in different packs and a Document of DeclaredBase or more is named
// only by its policy (Policy.DocumentName). Claims carry names, never
// declared bits: a name the format does not know is kept on the claim
// (Claim.OtherDocuments, OtherConditions), and Evaluate maps it through the
// policy it is judged by. A claim without such names costs nothing more
// than before.

// DeclaredBase is the first bit of pack-declared documents and conditions;
// the format's own stay below it.
const DeclaredBase = 32

// maxDeclared is how many documents, and how many conditions, a pack may
// declare.
const maxDeclared = 64 - DeclaredBase

// Vocabulary is what a pack declares.
type Vocabulary struct {
	Documents  []Declared // Document(DeclaredBase+i) is Documents[i]
	Conditions []Declared // Condition(DeclaredBase+i) is Conditions[i]
}

// Declared is one document or condition a pack declares.
type Declared struct {
	ID     string // as claims and rules name it: rma_form
	Name   string // as people read it: RMA form
	Key    string // its name's text key, for translations (texts.go)
	Clause string
}

// Reason codes of names a claim gives that its policy does not declare.
const (
	CodeUnknownCondition = "unknown_condition"
	CodeUnknownDocument  = "unknown_document"
)

// namePattern is what a document or condition name may be, in a claim or
// a pack.
var namePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// ValidName reports whether s is well-formed as a document or condition
// name (lower-case letters, digits and '_', starting with a letter).
func ValidName(s string) bool { return len(s) <= 64 && namePattern.MatchString(s) }

type vocabularyYAML struct {
	Documents  []declaredYAML `yaml:"documents"`
	Conditions []declaredYAML `yaml:"conditions"`
}

type declaredYAML struct {
	ID     string `yaml:"id"`
	Name   string `yaml:"name"`
	Clause string `yaml:"clause"`
}

// vocabulary compiles the pack's declarations; it runs before the rules
// that use them.
func (c *compiler) vocabulary(v *vocabularyYAML) {
	if v == nil {
		return
	}
	c.p.Vocabulary.Documents = c.declared("vocabulary.documents", v.Documents, documentNames[:])
	c.p.Vocabulary.Conditions = c.declared("vocabulary.conditions", v.Conditions, conditionNames[:])
}

func (c *compiler) declared(path string, list []declaredYAML, builtin []string) []Declared {
	if len(list) > maxDeclared {
		c.errorf(path, "%d declared, at most %d", len(list), maxDeclared)
		list = list[:maxDeclared]
	}
	var out []Declared
	for i, d := range list {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch {
		case d.ID == "":
			c.errorf(p+".id", "required")
		case !ValidName(d.ID):
			c.errorf(p+".id", "%q must be lower-case letters, digits and '_', starting with a letter", d.ID)
		case slices.Contains(builtin, d.ID):
			c.errorf(p+".id", "%q is a built-in name: use it without declaring it", d.ID)
		case slices.ContainsFunc(out, func(o Declared) bool { return o.ID == d.ID }):
			c.errorf(p+".id", "duplicate %q", d.ID)
		}
		c.nonEmpty(p+".name", d.Name)
		out = append(out, Declared{ID: d.ID, Name: strings.TrimSpace(d.Name), Clause: c.clause(p, d.Clause)})
	}
	return out
}

// document parses a document name in a rule: a built-in one, or one the
// pack declares.
func (c *compiler) document(name string) (Document, error) {
	if d, err := ParseDocument(name); err == nil {
		return d, nil
	}
	for i, d := range c.p.Vocabulary.Documents {
		if d.ID == name {
			c.usedDocs |= 1 << i
			return Document(DeclaredBase + i), nil
		}
	}
	return 0, c.unknown("document", name, documentNames[:], c.p.Vocabulary.Documents)
}

// condition parses a condition name in a rule.
func (c *compiler) condition(name string) (Condition, error) {
	if cond, err := ParseCondition(name); err == nil {
		return cond, nil
	}
	for i, d := range c.p.Vocabulary.Conditions {
		if d.ID == name {
			c.usedConds |= 1 << i
			return Condition(DeclaredBase + i), nil
		}
	}
	return 0, c.unknown("condition", name, conditionNames[:], c.p.Vocabulary.Conditions)
}

func (c *compiler) unknown(what, name string, builtin []string, declared []Declared) error {
	names := append([]string(nil), builtin...)
	for _, d := range declared {
		names = append(names, d.ID)
	}
	err := unknownValue(what, name, names)
	if len(declared) == 0 && ValidName(name) {
		return fmt.Errorf("%v; a pack's own %ss are declared under vocabulary.%ss", err, what, what)
	}
	return err
}

// checkVocabularyUsed refuses declarations no rule uses: a declared
// document nobody requires, or a condition no rule looks at, would be
// asked of requesters for nothing.
func (c *compiler) checkVocabularyUsed() {
	for i, d := range c.p.Vocabulary.Documents {
		if c.usedDocs&(1<<i) == 0 && d.ID != "" {
			c.errorf(fmt.Sprintf("vocabulary.documents[%d].id", i), "document %q is used by no rule (documents, doa.documents, warranty.start[].evidence)", d.ID)
		}
	}
	for i, d := range c.p.Vocabulary.Conditions {
		if c.usedConds&(1<<i) == 0 && d.ID != "" {
			c.errorf(fmt.Sprintf("vocabulary.conditions[%d].id", i), "condition %q is used by no rule (doa.not_conditions, exclusions)", d.ID)
		}
	}
}

// DocumentName returns the name claims and rules give d: the format's, or
// the one the pack declares.
func (p *Policy) DocumentName(d Document) string {
	if d < DeclaredBase {
		return d.String()
	}
	if i := int(d - DeclaredBase); i < len(p.Vocabulary.Documents) {
		return p.Vocabulary.Documents[i].ID
	}
	return d.String()
}

// ConditionName returns the name claims and rules give c.
func (p *Policy) ConditionName(c Condition) string {
	if c < DeclaredBase {
		return c.String()
	}
	if i := int(c - DeclaredBase); i < len(p.Vocabulary.Conditions) {
		return p.Vocabulary.Conditions[i].ID
	}
	return c.String()
}

// docLabel is how an English reason names d: a declared document by the
// name the pack gives it, a built-in one by its id, as before.
func (p *Policy) docLabel(d Document) string {
	if d >= DeclaredBase {
		if i := int(d - DeclaredBase); i < len(p.Vocabulary.Documents) {
			return p.Vocabulary.Documents[i].Name
		}
	}
	return d.String()
}

func (p *Policy) condLabel(c Condition) string {
	if c >= DeclaredBase {
		if i := int(c - DeclaredBase); i < len(p.Vocabulary.Conditions) {
			return p.Vocabulary.Conditions[i].Name
		}
	}
	return c.String()
}

// docNames are a reason's Args for documents: their ids (say.go names
// them in the reader's language).
func (p *Policy) docNames(docs []Document) []string {
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = p.DocumentName(d)
	}
	return out
}

// describe words a requirement in English: "vendor_invoice or RMA form".
func (p *Policy) describe(r *Requirement) string {
	if len(p.Vocabulary.Documents) == 0 {
		return r.describe()
	}
	names := make([]string, len(r.AnyOf))
	for i, doc := range r.AnyOf {
		names[i] = p.docLabel(doc)
	}
	return strings.Join(names, " or ")
}

// DeclaredDocument returns the declaration of a pack's document by id.
func (p *Policy) DeclaredDocument(id string) (Declared, bool) {
	for _, d := range p.Vocabulary.Documents {
		if d.ID == id {
			return d, true
		}
	}
	return Declared{}, false
}

// DeclaredCondition returns the declaration of a pack's condition by id.
func (p *Policy) DeclaredCondition(id string) (Declared, bool) {
	for _, d := range p.Vocabulary.Conditions {
		if d.ID == id {
			return d, true
		}
	}
	return Declared{}, false
}

// mapDeclared turns the claim's names the format does not know into the
// policy's declared bits. A condition the policy does not declare is a
// fact nobody wrote a rule for: a person decides (review). A document it
// does not declare is evidence it does not ask for: noted, and harmless.
func (p *Policy) mapDeclared(c *Claim, d *Decision) {
	for _, name := range c.OtherConditions {
		if i := slices.IndexFunc(p.Vocabulary.Conditions, func(v Declared) bool { return v.ID == name }); i >= 0 {
			c.Conditions = c.Conditions.With(Condition(DeclaredBase + i))
			continue
		}
		d.raise(Review)
		d.add(CodeUnknownCondition, "", "the claim reports condition "+name+", which this policy does not know: a person decides what it means for the claim")
		d.said(CodeUnknownCondition, "", name)
	}
	for _, name := range c.OtherDocuments {
		if i := slices.IndexFunc(p.Vocabulary.Documents, func(v Declared) bool { return v.ID == name }); i >= 0 {
			c.Documents = c.Documents.With(Document(DeclaredBase + i))
			continue
		}
		d.add(CodeUnknownDocument, "", "the claim gives document "+name+", which this policy does not ask for: it is not counted")
		d.said(CodeUnknownDocument, "", name)
	}
}

// sayDeclared replaces the declared ids among a reason's Args with their
// names in lang (the pack's translation, else its English name), so that
// the wordings of say.go print them as they print the format's names.
func (p *Policy) sayDeclared(lang string, args []string) []string {
	if len(p.Vocabulary.Documents)+len(p.Vocabulary.Conditions) == 0 {
		return args
	}
	var out []string
	for i, a := range args {
		// An Arg is a name, or "field/document" (a date without its
		// evidence).
		prefix, id := "", a
		if k := strings.LastIndexByte(a, '/'); k >= 0 {
			prefix, id = a[:k+1], a[k+1:]
		}
		for _, v := range [][]Declared{p.Vocabulary.Documents, p.Vocabulary.Conditions} {
			j := slices.IndexFunc(v, func(d Declared) bool { return d.ID == id })
			if j < 0 {
				continue
			}
			if out == nil {
				out = append([]string(nil), args...)
			}
			name, _ := p.Say(lang, v[j].Key, v[j].Name)
			out[i] = prefix + name
		}
	}
	if out == nil {
		return args
	}
	return out
}

// DeclaredName returns a declared document's or condition's name in lang,
// for forms and checklists; ok is false when id is not declared.
func (p *Policy) DeclaredName(lang, id string) (name string, ok bool) {
	for _, v := range [][]Declared{p.Vocabulary.Documents, p.Vocabulary.Conditions} {
		for _, d := range v {
			if d.ID == id {
				name, _ = p.Say(lang, d.Key, d.Name)
				return name, true
			}
		}
	}
	return "", false
}

// CheckClaimNames checks the names a claim gives that the format does not
// know against what p declares, for the faces that refuse such a claim at
// the door (the API) rather than have a person look at it. Errors are
// *FieldError with the path under prefix ("lines[0].claim.").
func (p *Policy) CheckClaimNames(prefix string, raw []string, kind string) error {
	for i, name := range raw {
		var known bool
		switch kind {
		case "documents":
			_, err := ParseDocument(name)
			_, ok := p.DeclaredDocument(name)
			known = err == nil || ok
		case "conditions":
			_, err := ParseCondition(name)
			_, ok := p.DeclaredCondition(name)
			known = err == nil || ok
		}
		if !known {
			return &FieldError{Field: fmt.Sprintf("%s%s[%d]", prefix, kind, i), Msg: fmt.Sprintf("policy %s does not know %s %q", p.ID, strings.TrimSuffix(kind, "s"), name)}
		}
	}
	return nil
}

// vocabName is the String of a built-in value, and of a declared one,
// which only its policy can name (Policy.DocumentName), a placeholder.
func vocabName(names []string, what string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s#%d", what, i)
}

// sortedNames sorts a claim's other names and drops repeats; nil stays nil.
func sortedNames(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// missing lists doc as missing: a declared one by id in MissingDeclared.
func (d *Decision) missing(p *Policy, doc Document) {
	if doc >= DeclaredBase {
		d.MissingDeclared = append(d.MissingDeclared, p.DocumentName(doc))
		return
	}
	d.MissingDocuments = append(d.MissingDocuments, doc)
}

// joinDocLists names a decision's documents for the explanation: the
// format's by id, as before, then the pack's by the name it gives them.
func (p *Policy) joinDocLists(builtin []Document, declared []string) string {
	s := joinNames(builtin)
	for _, id := range declared {
		if s != "" {
			s += ", "
		}
		name, _ := p.DeclaredName(SourceLanguage, id)
		s += name
	}
	return s
}

// AddName adds name to a claim's sorted other names, once.
func AddName(names []string, name string) []string {
	i, found := slices.BinarySearch(names, name)
	if found {
		return names
	}
	return slices.Insert(names, i, name)
}

// ArgsNameDeclared reports whether a reason's Args name a document or
// condition p declares, which a face's own wordings (that name the
// format's by their codes) cannot say: it then says the reason with
// ReasonText, which can.
func (p *Policy) ArgsNameDeclared(args []string) bool {
	if len(p.Vocabulary.Documents)+len(p.Vocabulary.Conditions) == 0 {
		return false
	}
	for _, a := range args {
		if k := strings.LastIndexByte(a, '/'); k >= 0 {
			a = a[k+1:]
		}
		if _, ok := p.DeclaredName(SourceLanguage, a); ok {
			return true
		}
	}
	return false
}

// DeclaredLabel is DeclaredName for templates: the name in lang, or id
// itself when p does not declare it.
func (p *Policy) DeclaredLabel(lang, id string) string {
	if name, ok := p.DeclaredName(lang, id); ok {
		return name
	}
	return id
}

// DeclaredDocumentName reports whether p declares the document id, for
// templates.
func (p *Policy) DeclaredDocumentName(id string) bool {
	_, ok := p.DeclaredDocument(id)
	return ok
}

// vocabText is MarshalText of a built-in value. A declared one has a name
// only in its policy, and JSON never carries its number: claims and
// decisions hold declared names as strings (OtherDocuments,
// MissingDeclared), so a number here is a bug to refuse, not to write.
func vocabText(names []string, what string, i int) ([]byte, error) {
	if i < len(names) {
		return []byte(names[i]), nil
	}
	return nil, fmt.Errorf("%s %d has no name outside its policy", what, i)
}

func (c Condition) text() ([]byte, error) { return vocabText(conditionNames[:], "condition", int(c)) }
func (d Document) text() ([]byte, error)  { return vocabText(documentNames[:], "document", int(d)) }
