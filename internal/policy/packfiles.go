package policy

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Packs kept as text (issue 15): the desk stores each version's YAML and
// its translations, and builds its Set from them. These helpers read a
// directory of pack files the way LoadFS does, load one pack with its
// translations from text, and rewrite a pack's version and effective date.

// PackFile is one pack's YAML and its translations, as text.
type PackFile struct {
	Name         string            // pixfra.yaml
	Source       []byte            // the pack's YAML
	Translations map[string][]byte // by language: the PACK.LANG.yaml beside it
}

// ReadPackFiles reads every pack at the top of fsys with its translations,
// as LoadFS finds them, in name order, without loading them.
func ReadPackFiles(fsys fs.FS) ([]PackFile, error) {
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
	files, translations := translationFiles(names)
	var out []PackFile
	for _, name := range files {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		pf := PackFile{Name: name, Source: data, Translations: map[string][]byte{}}
		for _, tn := range translations[name] {
			m := translationName.FindStringSubmatch(tn)
			data, err := fs.ReadFile(fsys, tn)
			if err != nil {
				return nil, err
			}
			pf.Translations[m[2]] = data
		}
		out = append(out, pf)
	}
	return out, nil
}

// TranslationFileName is the name a pack's translation into lang is
// reported under: pixfra.nl.yaml for pixfra.yaml.
func TranslationFileName(packName, lang string) string {
	ext := path.Ext(packName)
	return strings.TrimSuffix(packName, ext) + "." + lang + ext
}

// LoadPack loads a pack from its text with its translations (by language),
// as LoadFS loads a file and the translations beside it. A *LoadError lists
// every problem, of the pack or of a translation (Issue.File says which).
func LoadPack(name string, source []byte, translations map[string][]byte) (*Policy, error) {
	p, err := Load(name, source)
	if err != nil {
		return nil, err
	}
	langs := make([]string, 0, len(translations))
	for lang := range translations {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	var issues []Issue
	for _, lang := range langs {
		if err := Translate(p, TranslationFileName(name, lang), translations[lang]); err != nil {
			le, ok := err.(*LoadError)
			if !ok {
				return nil, err
			}
			issues = append(issues, le.Issues...)
		}
	}
	if len(issues) > 0 {
		return nil, &LoadError{issues}
	}
	return p, nil
}

var topLevelKey = regexp.MustCompile(`^([a-z_]+):(.*)$`)

// SetTopLevel rewrites the value of a top-level key of a YAML mapping
// (version:, effective_from:) to value, quoted, keeping the rest of the
// text (comments, layout) as it was: a draft published for another date
// keeps the lines its findings and its diff name. A file without the key
// gets it after its id: line, or first.
func SetTopLevel(src []byte, key, value string) []byte {
	lines := bytes.SplitAfter(src, []byte("\n"))
	quoted := strconv.Quote(value)
	for i, l := range lines {
		m := topLevelKey.FindSubmatch(bytes.TrimRight(l, "\r\n"))
		if m == nil || string(m[1]) != key {
			continue
		}
		comment := ""
		if j := bytes.Index(m[2], []byte(" #")); j >= 0 && !bytes.ContainsAny(m[2][:j], `"'`) {
			comment = " " + strings.TrimSpace(string(m[2][j:]))
		}
		nl := l[len(bytes.TrimRight(l, "\r\n")):]
		lines[i] = fmt.Appendf(nil, "%s: %s%s%s", key, quoted, comment, nl)
		return bytes.Join(lines, nil)
	}
	at := 0
	for i, l := range lines {
		if m := topLevelKey.FindSubmatch(bytes.TrimRight(l, "\r\n")); m != nil && string(m[1]) == "id" {
			at = i + 1
			break
		}
	}
	line := fmt.Appendf(nil, "%s: %s\n", key, quoted)
	if at > 0 && !bytes.HasSuffix(lines[at-1], []byte("\n")) {
		lines[at-1] = append(slices.Clip(lines[at-1]), '\n')
	}
	return bytes.Join(slices.Insert(lines, at, line), nil)
}
