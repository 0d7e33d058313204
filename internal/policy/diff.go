package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// Diff of two versions of a pack, rule by rule (issue 15): which clauses,
// terms, windows, documents, fees, exclusions... were added, removed or
// changed, each with the clause it cites. It compares the YAML's structure,
// not its text, so moving a rule or rewording a comment is no change, and
// a list's items are matched by what names them (a clause's id, a
// document's name, a term's part and category), not by their place.

// Change is one rule (or setting) added, removed or changed.
type Change struct {
	Section string        `json:"section"`          // warranty.terms, documents, clauses
	Item    string        `json:"item,omitempty"`   // what names it in its list: "part=battery", "id=photos"
	Kind    string        `json:"kind"`             // added, removed, changed
	Clause  string        `json:"clause,omitempty"` // the clause it cites (the newer version's, if both)
	Fields  []FieldChange `json:"fields,omitempty"` // for a change: each field that differs
	Before  string        `json:"before,omitempty"` // for a removal, or a changed setting: as JSON
	After   string        `json:"after,omitempty"`  // for an addition, or a changed setting
}

// FieldChange is one field of an item that differs; "" is absent.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// DiffSources compares two packs' YAML. Both must parse (load them first:
// Diff reads their structure, it does not check it).
func DiffSources(before, after []byte) ([]Change, error) {
	var a, b yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(before, &a, yaml.UseOrderedMap()); err != nil {
		return nil, fmt.Errorf("the older version: %w", err)
	}
	if err := yaml.UnmarshalWithOptions(after, &b, yaml.UseOrderedMap()); err != nil {
		return nil, fmt.Errorf("the newer version: %w", err)
	}
	var out []Change
	diffMaps("", a, b, &out)
	return out, nil
}

// identity are the fields that name a list's item, in order of preference.
var identity = []string{"id", "document", "condition", "check", "kind", "part", "category", "code", "field", "date", "source", "stage", "route", "routes", "lang", "when", "key"}

func itemKey(v any) string {
	m, ok := v.(yaml.MapSlice)
	if !ok {
		return jsonText(v)
	}
	var parts []string
	for _, f := range identity {
		for _, kv := range m {
			if fmt.Sprint(kv.Key) == f {
				parts = append(parts, f+"="+plainText(kv.Value))
			}
		}
		if f == "id" && len(parts) > 0 {
			break // an id names it alone
		}
	}
	return strings.Join(parts, " ")
}

func plainText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonText(v)
}

func jsonText(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(toJSON(v)); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(buf.String())
}

// toJSON turns ordered maps into plain ones for encoding.
func toJSON(v any) any {
	switch x := v.(type) {
	case yaml.MapSlice:
		m := make(map[string]any, len(x))
		for _, kv := range x {
			m[fmt.Sprint(kv.Key)] = toJSON(kv.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = toJSON(e)
		}
		return out
	}
	return v
}

func clauseOf(v any) string {
	if m, ok := v.(yaml.MapSlice); ok {
		for _, kv := range m {
			if fmt.Sprint(kv.Key) == "clause" {
				return plainText(kv.Value)
			}
		}
	}
	return ""
}

func diffLookup(m yaml.MapSlice, key string) (any, bool) {
	for _, kv := range m {
		if fmt.Sprint(kv.Key) == key {
			return kv.Value, true
		}
	}
	return nil, false
}

func diffJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// diffMaps compares two mappings key by key, in the newer one's order
// (keys only in the older one last).
func diffMaps(path string, a, b yaml.MapSlice, out *[]Change) {
	var keys []string
	seen := map[string]bool{}
	for _, kv := range b {
		k := fmt.Sprint(kv.Key)
		keys, seen[k] = append(keys, k), true
	}
	for _, kv := range a {
		if k := fmt.Sprint(kv.Key); !seen[k] {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		av, inA := diffLookup(a, k)
		bv, inB := diffLookup(b, k)
		diffValues(diffJoin(path, k), av, inA, bv, inB, clauseOf(b), out)
	}
}

func diffValues(path string, av any, inA bool, bv any, inB bool, clause string, out *[]Change) {
	am, aIsMap := av.(yaml.MapSlice)
	bm, bIsMap := bv.(yaml.MapSlice)
	al, aIsList := av.([]any)
	bl, bIsList := bv.([]any)
	switch {
	case inA && inB && aIsMap && bIsMap:
		diffMaps(path, am, bm, out)
	case inA && inB && aIsList && bIsList && (isListOfMaps(al) || isListOfMaps(bl)):
		diffLists(path, al, bl, out)
	case !inA:
		*out = append(*out, Change{Section: path, Kind: "added", Clause: firstNonEmpty(clauseOf(bv), clause), After: jsonText(bv)})
	case !inB:
		*out = append(*out, Change{Section: path, Kind: "removed", Clause: firstNonEmpty(clauseOf(av), clause), Before: jsonText(av)})
	default:
		if ja, jb := jsonText(av), jsonText(bv); ja != jb {
			*out = append(*out, Change{Section: path, Kind: "changed", Clause: clause, Before: ja, After: jb})
		}
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func isListOfMaps(l []any) bool {
	for _, e := range l {
		if _, ok := e.(yaml.MapSlice); !ok {
			return false
		}
	}
	return len(l) > 0
}

// keyed names each item of a list by its identity, numbering repeats.
func keyed(l []any) ([]string, map[string]any) {
	var order []string
	m := map[string]any{}
	count := map[string]int{}
	for _, e := range l {
		k := itemKey(e)
		count[k]++
		if k == "" { // nothing names it: matched by its place
			k = fmt.Sprintf("#%d", count[k])
		} else if count[k] > 1 {
			k = fmt.Sprintf("%s #%d", k, count[k])
		}
		order = append(order, k)
		m[k] = e
	}
	return order, m
}

func diffLists(path string, a, b []any, out *[]Change) {
	aOrder, am := keyed(a)
	bOrder, bm := keyed(b)
	for _, k := range bOrder {
		bv := bm[k]
		av, ok := am[k]
		if !ok {
			*out = append(*out, Change{Section: path, Item: k, Kind: "added", Clause: clauseOf(bv), After: jsonText(bv)})
			continue
		}
		if jsonText(av) == jsonText(bv) {
			continue
		}
		c := Change{Section: path, Item: k, Kind: "changed", Clause: firstNonEmpty(clauseOf(bv), clauseOf(av))}
		amap, _ := av.(yaml.MapSlice)
		bmap, _ := bv.(yaml.MapSlice)
		var fields []string
		seen := map[string]bool{}
		for _, kv := range append(append(yaml.MapSlice{}, bmap...), amap...) {
			if f := fmt.Sprint(kv.Key); !seen[f] {
				fields, seen[f] = append(fields, f), true
			}
		}
		for _, f := range fields {
			x, inA := diffLookup(amap, f)
			y, inB := diffLookup(bmap, f)
			fc := FieldChange{Field: f}
			if inA {
				fc.Before = plainText(x)
			}
			if inB {
				fc.After = plainText(y)
			}
			if fc.Before != fc.After || inA != inB {
				c.Fields = append(c.Fields, fc)
			}
		}
		*out = append(*out, c)
	}
	for _, k := range aOrder {
		if _, ok := bm[k]; !ok {
			*out = append(*out, Change{Section: path, Item: k, Kind: "removed", Clause: clauseOf(am[k]), Before: jsonText(am[k])})
		}
	}
}
