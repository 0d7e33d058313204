package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
)

// A pack's texts in another language live beside it (pixfra.nl.yaml beside
// pixfra.yaml; docs/POLICIES.md, "Translated texts"). policy lint checks
// them against their pack: a problem counts as one (exit 1); a text the
// file does not give is a note, since the portal then shows the pack's own.

// fileBeside reports whether a file of that name is in name's directory.
func fileBeside(name string) func(string) bool {
	dir := filepath.Dir(name)
	return func(other string) bool {
		info, err := os.Stat(filepath.Join(dir, other))
		return err == nil && !info.IsDir()
	}
}

// lintTranslation checks the translation file name of the pack file pack;
// it returns 1 when the file has problems (or its pack does).
func lintTranslation(e *env, pack, name, lang string) (int, error) {
	data, err := os.ReadFile(pack)
	if err != nil {
		return 0, badInputf("policy lint: %v", err)
	}
	p, err := policy.Load(pack, data)
	var le *policy.LoadError
	if errors.As(err, &le) {
		fmt.Fprintf(e.stdout, "%s: its pack %s has problems (lint it first)\n", name, pack)
		return 1, nil
	}
	if err != nil {
		return 0, err
	}
	return checkTranslation(e, p, name, lang)
}

// lintTranslationsOf checks every translation beside the pack file name.
func lintTranslationsOf(e *env, p *policy.Policy, name string) (int, error) {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(name), "*.*.y*ml"))
	if err != nil {
		return 0, err
	}
	sort.Strings(matches)
	bad := 0
	for _, m := range matches {
		pack, lang, ok := policy.TranslationOf(filepath.Base(m), fileBeside(m))
		if !ok || pack != filepath.Base(name) {
			continue
		}
		n, err := checkTranslation(e, p, m, lang)
		if err != nil {
			return bad, err
		}
		bad += n
	}
	return bad, nil
}

func checkTranslation(e *env, p *policy.Policy, name, lang string) (int, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return 0, badInputf("policy lint: %v", err)
	}
	err = policy.Translate(p, name, data)
	var le *policy.LoadError
	switch {
	case errors.As(err, &le):
		for _, is := range le.Issues {
			fmt.Fprintln(e.stdout, is)
		}
		return 1, nil
	case err != nil:
		return 0, err
	}
	missing := p.Missing(lang)
	for _, key := range missing {
		fmt.Fprintf(e.stdout, "%s: note: texts.%s: no %s text; the pack's own is shown\n", name, key, lang)
	}
	fmt.Fprintf(e.stdout, "%s: ok (%s %s, %s: %d of %d texts)\n", name, p.ID, p.Version, lang, len(p.Texts())-len(missing), len(p.Texts()))
	return 0, nil
}

// translateBeside loads the translations beside the pack file name into p,
// as LoadFS does for a directory.
func translateBeside(p *policy.Policy, name string) error {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(name), "*.*.y*ml"))
	if err != nil {
		return err
	}
	sort.Strings(matches)
	for _, m := range matches {
		pack, _, ok := policy.TranslationOf(filepath.Base(m), fileBeside(m))
		if !ok || pack != filepath.Base(name) {
			continue
		}
		data, err := os.ReadFile(m)
		if err != nil {
			return err
		}
		if err := policy.Translate(p, m, data); err != nil {
			return err
		}
	}
	return nil
}

// sayReasons puts d's reasons in lang (policy check --lang): the engine's
// wordings with the pack's texts in lang; a reason the pack cannot say in
// lang keeps its English, marked [en]. msg, args and key stay as they are.
func sayReasons(p *policy.Policy, d *policy.Decision, lang string) error {
	if lang == policy.SourceLanguage {
		return nil
	}
	if !slices.Contains(p.Languages(), lang) {
		return badInputf("--lang: policy %s %s has no texts in %q (it has: %s)", p.ID, p.Version, lang,
			strings.Join(append([]string{policy.SourceLanguage}, p.Languages()...), ", "))
	}
	for i, r := range d.Reasons {
		text, ok := p.ReasonText(lang, r)
		if !ok {
			text += " [" + policy.SourceLanguage + "]"
		}
		d.Reasons[i].Text = text
	}
	return nil
}
