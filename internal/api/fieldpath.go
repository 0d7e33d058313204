package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// encoding/json names a bad field by its name alone ("colour", or
// "lines.quantity" without the index), but a problem must say which line:
// lines[0].colour. badFieldPath walks the body beside the Go type it was
// decoded into and returns the path of the first member the type has no
// field for, or the first value of the wrong JSON kind; "" when it finds
// none (the caller keeps encoding/json's name then).
func badFieldPath(data []byte, v any) string {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&doc) != nil {
		return ""
	}
	path, _ := walkPath(doc, reflect.TypeOf(v), "")
	return path
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// walkPath reports the path of the first place in doc that t cannot take.
func walkPath(doc any, t reflect.Type, path string) (string, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if doc == nil {
		return "", false // null leaves any field as it is
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || t.Implements(jsonUnmarshaler) {
		return "", false // the type decodes itself: its own errors say what is wrong
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		if _, ok := doc.(string); !ok {
			return at(path), true
		}
		return "", false
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return at(path), true
		}
		for _, key := range sortedKeys(obj) {
			f, ok := jsonField(t, key)
			if !ok {
				return join(path, key), true
			}
			if p, bad := walkPath(obj[key], f.Type, join(path, key)); bad {
				return p, true
			}
		}
	case reflect.Map:
		obj, ok := doc.(map[string]any)
		if !ok {
			return at(path), true
		}
		for _, key := range sortedKeys(obj) {
			if p, bad := walkPath(obj[key], t.Elem(), join(path, key)); bad {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := doc.([]any)
		if !ok {
			return at(path), true
		}
		for i, item := range list {
			if p, bad := walkPath(item, t.Elem(), path+"["+strconv.Itoa(i)+"]"); bad {
				return p, true
			}
		}
	case reflect.String:
		if _, ok := doc.(string); !ok {
			return at(path), true
		}
	case reflect.Bool:
		if _, ok := doc.(bool); !ok {
			return at(path), true
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := doc.(json.Number)
		if !ok {
			return at(path), true
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return at(path), true
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := doc.(json.Number)
		if !ok {
			return at(path), true
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			return at(path), true
		}
	case reflect.Float32, reflect.Float64:
		n, ok := doc.(json.Number)
		if !ok {
			return at(path), true
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			return at(path), true
		}
	}
	return "", false
}

// jsonField finds the field of struct t that encoding/json fills from key:
// its tag name or Go name, exactly or else ignoring case (as encoding/json
// matches), through embedded structs.
func jsonField(t reflect.Type, key string) (reflect.StructField, bool) {
	var fold reflect.StructField
	found := false
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if name == key {
			return f, true
		}
		if !found && strings.EqualFold(name, key) {
			fold, found = f, true
		}
	}
	return fold, found
}

// sortedKeys gives a map's keys in a stable order, so that the problem a
// body gets does not change from call to call.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// at names the body itself when the bad value is the whole body.
func at(path string) string {
	if path == "" {
		return "body"
	}
	return path
}
