package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// A translation file (docs/POLICIES.md, "Translated texts"):
//
//	id: pixfra          # the pack's id and version, so a file cannot
//	version: "1"        # be put beside the wrong pack or an older version
//	lang: nl
//	texts:
//	  title: RMA-beleid van Pixfra
//	  instructions.backup: Maak een back-up ...
//
// It is named after its pack file with the language before the extension
// (pixfra.nl.yaml beside pixfra.yaml), and loaded with it.

// translationName matches PACK.LANG.yaml; LANG is a two-letter ISO 639-1
// code.
var translationName = regexp.MustCompile(`^(.+)\.([a-z]{2})\.(yaml|yml)$`)

// TranslationOf reports whether a file name is that of a translation, and
// of which pack file and language, given the names of the other files in
// its directory: pixfra.nl.yaml is one only where pixfra.yaml (or .yml) is.
func TranslationOf(name string, exists func(string) bool) (pack, lang string, ok bool) {
	m := translationName.FindStringSubmatch(name)
	if m == nil {
		return "", "", false
	}
	for _, ext := range []string{".yaml", ".yml"} {
		if exists(m[1] + ext) {
			return m[1] + ext, m[2], true
		}
	}
	return "", "", false
}

var langPattern = regexp.MustCompile(`^[a-z]{2}$`)

// Translate checks a translation file of p and adds it to p. Every
// problem is an Issue with its line: a key that names no text of the pack,
// an empty text, a text that drops a placeholder (<number>), an id or
// version that is not the pack's. A text the file does not give is no
// problem here: the pack's own is shown instead (Missing lists them).
// It adds to p, so it is called while p is being loaded (LoadFS does), before
// p is shared: a Policy is read concurrently without locks.
func Translate(p *Policy, name string, data []byte) error {
	issue := func(n ast.Node, path, msg string) Issue {
		if n == nil {
			return Issue{File: name, Path: path, Msg: msg}
		}
		return positioned(name, n, path, msg)
	}
	if len(data) > maxPolicyBytes {
		return &LoadError{[]Issue{{File: name, Msg: fmt.Sprintf("file is larger than %d bytes", maxPolicyBytes)}}}
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return &LoadError{[]Issue{yamlIssue(name, nil, err)}}
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return &LoadError{[]Issue{{File: name, Msg: "expected exactly one YAML document holding a translation"}}}
	}
	body, ok := file.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return &LoadError{[]Issue{issue(file.Docs[0].Body, "", "a translation must be a mapping of keys (id:, version:, lang:, texts:)")}}
	}
	if is, ok := findTag(name, body); ok {
		return &LoadError{[]Issue{is}}
	}
	var issues []Issue
	fields := map[string]string{}
	var texts *ast.MappingNode
	hasTexts := false
	for _, kv := range body.Values {
		key := kv.Key.String()
		switch key {
		case "id", "version", "lang":
			s, ok := scalarText(kv.Value)
			if !ok {
				issues = append(issues, issue(kv.Value, key, "must be text"))
				continue
			}
			fields[key] = s
		case "texts":
			hasTexts = true
			m, ok := kv.Value.(*ast.MappingNode)
			if !ok {
				issues = append(issues, issue(kv.Value, key, "must be a mapping of text keys to texts"))
				continue
			}
			texts = m
		default:
			issues = append(issues, issue(kv.Key, key, fmt.Sprintf("unknown key %q", key)))
		}
	}
	for _, k := range []string{"id", "version", "lang", "texts"} {
		if _, ok := fields[k]; !ok && (k != "texts" || !hasTexts) {
			issues = append(issues, Issue{File: name, Path: k, Msg: "required"})
		}
	}
	if id, ok := fields["id"]; ok && id != p.ID {
		issues = append(issues, Issue{File: name, Path: "id", Msg: fmt.Sprintf("%q is not the pack's id %q", id, p.ID)})
	}
	if v, ok := fields["version"]; ok && v != p.Version {
		issues = append(issues, Issue{File: name, Path: "version", Msg: fmt.Sprintf("%q is not the pack's version %q: check the texts against this version and change it", v, p.Version)})
	}
	lang := fields["lang"]
	if _, ok := fields["lang"]; ok && (!langPattern.MatchString(lang) || lang == SourceLanguage) {
		issues = append(issues, Issue{File: name, Path: "lang", Msg: fmt.Sprintf("%q is not a two-letter ISO 639-1 code other than the pack's own %q", lang, SourceLanguage)})
	}
	if m := translationName.FindStringSubmatch(baseName(name)); m != nil && lang != "" && m[2] != lang {
		issues = append(issues, Issue{File: name, Path: "lang", Msg: fmt.Sprintf("%q, but the file is named for %q", lang, m[2])})
	}
	t := &Translation{Lang: lang, Source: name, texts: map[string]string{}}
	if texts != nil {
		english := map[string]string{}
		for _, k := range p.texts {
			english[k.Key] = k.Text
		}
		for _, kv := range texts.Values {
			key := kv.Key.String()
			path := "texts." + key
			en, known := english[key]
			if !known {
				issues = append(issues, issue(kv.Key, path, "names no text of the pack "+p.ID+closestKey(key, p.texts)))
				continue
			}
			if _, dup := t.texts[key]; dup {
				issues = append(issues, issue(kv.Key, path, "given twice"))
				continue
			}
			s, ok := scalarText(kv.Value)
			if !ok || strings.TrimSpace(s) == "" {
				issues = append(issues, issue(kv.Value, path, "must be a text that is not blank"))
				continue
			}
			if want, got := placeholders(en), placeholders(s); !slices.Equal(want, got) {
				issues = append(issues, issue(kv.Value, path, fmt.Sprintf("must keep the placeholders of the English text %v, has %v", want, got)))
				continue
			}
			t.texts[key] = strings.TrimSpace(s)
		}
	}
	if p.translations[lang] != nil && lang != "" {
		issues = append(issues, Issue{File: name, Path: "lang", Msg: fmt.Sprintf("the pack has %q texts already, from %s", lang, p.translations[lang].Source)})
	}
	if len(issues) > 0 {
		return &LoadError{issues}
	}
	if p.translations == nil {
		p.translations = map[string]*Translation{}
	}
	p.translations[lang] = t
	return nil
}

// scalarText is a scalar's text as YAML reads it (a folded block joined
// with spaces); a mapping or list is not text.
func scalarText(n ast.Node) (string, bool) {
	switch v := n.(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return n.GetToken().Value, true
	}
	return "", false
}

// closestKey suggests the key meant, when one differs only in its last part
// or its first.
func closestKey(key string, keys []TextKey) string {
	section, _, _ := strings.Cut(key, ".")
	var same []string
	for _, k := range keys {
		if s, _, _ := strings.Cut(k.Key, "."); s == section {
			same = append(same, k.Key)
		}
	}
	if len(same) == 0 || len(same) > 8 {
		return ""
	}
	return " (its " + section + " texts are " + strings.Join(same, ", ") + ")"
}

func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// translationFiles splits a directory's policy files into packs and
// translations (by pack file).
func translationFiles(names []string) (packs []string, translations map[string][]string) {
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	translations = map[string][]string{}
	for _, n := range names {
		if pack, _, ok := TranslationOf(n, func(s string) bool { return has[s] }); ok {
			translations[pack] = append(translations[pack], n)
			continue
		}
		packs = append(packs, n)
	}
	return packs, translations
}
