package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// Issue is one problem found in a policy file.
type Issue struct {
	File   string
	Line   int // 0 when unknown
	Column int
	Path   string // the key's path, e.g. "warranty.terms[2].years"
	Msg    string
}

func (i Issue) String() string {
	var b strings.Builder
	b.WriteString(i.File)
	if i.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", i.Line, i.Column)
	}
	b.WriteString(": ")
	if i.Path != "" {
		b.WriteString(i.Path)
		b.WriteString(": ")
	}
	b.WriteString(i.Msg)
	return b.String()
}

// LoadError lists every problem found in a policy file.
type LoadError struct {
	Issues []Issue
}

func (e *LoadError) Error() string {
	if len(e.Issues) == 1 {
		return e.Issues[0].String()
	}
	return fmt.Sprintf("%s (and %d more problems)", e.Issues[0], len(e.Issues)-1)
}

// maxPolicyBytes bounds a policy file; the largest seed pack is a few tens of
// kilobytes, and the loader also runs on uploaded files.
const maxPolicyBytes = 4 << 20

// Load parses, checks and compiles one policy file. name is used in messages.
// A *LoadError lists each problem with its line and the key's path.
func Load(name string, data []byte) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, &LoadError{[]Issue{{File: name, Msg: fmt.Sprintf("file is larger than %d bytes", maxPolicyBytes)}}}
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, &LoadError{[]Issue{yamlIssue(name, nil, err)}}
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, &LoadError{[]Issue{{File: name, Msg: "expected exactly one YAML document holding a policy"}}}
	}
	body := file.Docs[0].Body
	if body.Type() != ast.MappingType {
		return nil, &LoadError{[]Issue{positioned(name, body, "", "a policy must be a mapping of keys (id:, version:, ...)")}}
	}
	if is, ok := findTag(name, body); ok {
		return nil, &LoadError{[]Issue{is}}
	}
	var kinds []Issue
	checkKinds(name, reflect.TypeFor[fileYAML](), body, "", &kinds)
	if len(kinds) > 0 {
		return nil, &LoadError{kinds}
	}
	var raw fileYAML
	if err := decodeNode(body, &raw); err != nil {
		return nil, &LoadError{[]Issue{yamlIssue(name, file, err)}}
	}
	c := &compiler{}
	p := c.compile(&raw)
	if len(c.issues) == 0 {
		c.assignTextKeys(&raw, p) // texts.go
	}
	if len(c.issues) > 0 {
		issues := make([]Issue, 0, len(c.issues))
		for _, pi := range c.issues {
			issues = append(issues, locate(name, file, pi.path, pi.msg))
		}
		return nil, &LoadError{issues}
	}
	p.Source = name
	return p, nil
}

// decodeNode decodes strictly. go-yaml has panicked on some malformed input
// (found by FuzzLoad); a policy file is user input, so a panic becomes an error.
func decodeNode(body ast.Node, v *fileYAML) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the YAML could not be decoded (%v)", r)
		}
	}()
	return yaml.NodeToValue(body, v, yaml.Strict())
}

// findTag refuses explicit YAML tags (!foo, !!binary): a policy needs none,
// and they reach decoder paths that are poorly tested.
func findTag(name string, body ast.Node) (Issue, bool) {
	var found ast.Node
	ast.Walk(visitorFunc(func(n ast.Node) bool {
		if found == nil && n.Type() == ast.TagType {
			found = n
		}
		return found == nil
	}), body)
	if found == nil {
		return Issue{}, false
	}
	return positioned(name, found, displayPath(found.GetPath()), fmt.Sprintf("YAML tags such as %q are not allowed in a policy", found.GetToken().Value)), true
}

// yamlIssue turns a go-yaml error into an Issue with the position of its
// token and, when the token sits in the document, the path of its key.
func yamlIssue(name string, file *ast.File, err error) Issue {
	var ye yaml.Error
	if !errors.As(err, &ye) || ye.GetToken() == nil {
		return Issue{File: name, Msg: err.Error()}
	}
	tok := ye.GetToken()
	is := Issue{File: name, Line: tok.Position.Line, Column: tok.Position.Column, Msg: ye.GetMessage()}
	if file != nil {
		is.Path = pathOfToken(file, tok.Position.Offset)
	}
	var unknown *yaml.UnknownFieldError
	if errors.As(err, &unknown) {
		is.Msg = fmt.Sprintf("unknown key %q", tok.Value)
	}
	return is
}

// pathOfToken finds the deepest node starting at offset and returns its path.
func pathOfToken(file *ast.File, offset int) string {
	var found string
	for _, doc := range file.Docs {
		if doc.Body == nil {
			continue
		}
		ast.Walk(visitorFunc(func(n ast.Node) bool {
			if t := n.GetToken(); t != nil && t.Position.Offset == offset {
				found = n.GetPath()
			}
			return true
		}), doc.Body)
	}
	return displayPath(found)
}

type visitorFunc func(ast.Node) bool

func (f visitorFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

// locate finds the line of a compile problem from its key path; for a key
// that is missing it climbs to the nearest parent that exists.
func locate(name string, file *ast.File, keyPath, msg string) Issue {
	is := Issue{File: name, Path: keyPath, Msg: msg}
	// The root is not climbed to: a missing top-level key has no line.
	for p := keyPath; p != ""; p = parentPath(p) {
		yp, err := yaml.PathString("$" + pathPrefix(p) + p)
		if err != nil {
			continue
		}
		if node, err := yp.FilterFile(file); err == nil && node != nil {
			if t := startToken(node); t != nil {
				is.Line, is.Column = t.Position.Line, t.Position.Column
				return is
			}
		}
	}
	return is
}

// startToken is the token a reader sees a node start at: for a block
// mapping that is its first key, not the ':' go-yaml keeps.
func startToken(n ast.Node) *token.Token {
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 && m.Values[0].Key != nil {
		return m.Values[0].Key.GetToken()
	}
	return n.GetToken()
}

func pathPrefix(p string) string {
	if p == "" || strings.HasPrefix(p, "[") {
		return ""
	}
	return "."
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func displayPath(p string) string {
	return strings.TrimPrefix(strings.TrimPrefix(p, "$"), ".")
}

func positioned(name string, n ast.Node, keyPath, msg string) Issue {
	is := Issue{File: name, Path: keyPath, Msg: msg}
	if t := startToken(n); t != nil {
		is.Line, is.Column = t.Position.Line, t.Position.Column
	}
	return is
}

// LoadFS loads every *.yaml and *.yml file at the top of fsys, in name
// order, into a Set. One directory may hold several versions of a policy.
// A file named PACK.LANG.yaml beside PACK.yaml is the pack's texts in
// another language, loaded with it.
func LoadFS(fsys fs.FS) (*Set, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || (path.Ext(e.Name()) != ".yaml" && path.Ext(e.Name()) != ".yml") {
			continue
		}
		names = append(names, e.Name())
	}
	// A pack's translations (pixfra.nl.yaml beside pixfra.yaml) are loaded
	// with it: translations.go.
	files, translations := translationFiles(names)
	var ps []*Policy
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		p, err := Load(name, data)
		if err != nil {
			return nil, err
		}
		for _, tn := range translations[name] {
			data, err := fs.ReadFile(fsys, tn)
			if err != nil {
				return nil, err
			}
			if err := Translate(p, tn, data); err != nil {
				return nil, err
			}
		}
		ps = append(ps, p)
	}
	return NewSet(ps)
}
