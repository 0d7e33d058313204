package policy

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// checkKinds walks a policy document beside the Go type it decodes into and
// reports every value of the wrong kind, with its position and path, before
// go-yaml decodes it. go-yaml on its own converts where a policy author
// would want to be told: 1.5 into an int field becomes 1, "30" (quoted)
// becomes 30, and an unquoted version 2026.10 becomes the text "2026.1".
// Unknown keys are left to the strict decoder.
func checkKinds(file string, t reflect.Type, n ast.Node, path string, issues *[]Issue) {
	if n == nil {
		return
	}
	switch n.Type() {
	case ast.NullType, ast.AliasType:
		return
	case ast.AnchorType:
		checkKinds(file, t, n.(*ast.AnchorNode).Value, path, issues)
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	bad := func(format string, args ...any) {
		*issues = append(*issues, positioned(file, n, path, fmt.Sprintf(format, args...)))
	}
	switch t.Kind() {
	case reflect.Struct:
		values, ok := mappingValues(n)
		if !ok {
			bad("must be a mapping of keys, not %s", describeNode(n))
			return
		}
		for _, mv := range values {
			if mv.Key == nil || mv.Key.GetToken() == nil {
				continue
			}
			key := mv.Key.GetToken().Value
			if f, ok := fieldByTag(t, key); ok {
				checkKinds(file, f.Type, mv.Value, joinPath(path, key), issues)
			}
		}
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			bad("must be a list (for example [a, b]), not %s", describeNode(n))
			return
		}
		for i, v := range seq.Values {
			checkKinds(file, t.Elem(), v, fmt.Sprintf("%s[%d]", path, i), issues)
		}
	case reflect.Int:
		if n.Type() != ast.IntegerType {
			bad("must be a whole number, not %s", describeNode(n))
		}
	case reflect.Bool:
		if n.Type() != ast.BoolType {
			bad("must be true or false, not %s", describeNode(n))
		}
	case reflect.String:
		switch n.Type() {
		case ast.FloatType, ast.InfinityType, ast.NanType:
			v := n.GetToken().Value
			bad("%s is read as a number; write \"%s\" in quotes to keep it as text", v, v)
		case ast.IntegerType:
			// 1 stays "1", but 01, 0x1A and 1_000 would not survive as written.
			v := n.GetToken().Value
			if i, err := strconv.Atoi(v); err != nil || strconv.Itoa(i) != v {
				bad("%s is read as a number; write \"%s\" in quotes to keep it as text", v, v)
			}
		case ast.MappingType, ast.MappingValueType, ast.SequenceType:
			bad("must be text, not %s", describeNode(n))
		}
	}
}

func mappingValues(n ast.Node) ([]*ast.MappingValueNode, bool) {
	switch m := n.(type) {
	case *ast.MappingNode:
		return m.Values, true
	case *ast.MappingValueNode:
		return []*ast.MappingValueNode{m}, true
	}
	return nil, false
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describeNode names what the author wrote, in their terms.
func describeNode(n ast.Node) string {
	switch n.Type() {
	case ast.MappingType, ast.MappingValueType:
		return "a mapping"
	case ast.SequenceType:
		return "a list"
	case ast.StringType, ast.LiteralType:
		return fmt.Sprintf("the text %q", n.GetToken().Value)
	case ast.FloatType:
		return "the number " + n.GetToken().Value
	case ast.IntegerType:
		return "the number " + n.GetToken().Value
	case ast.BoolType:
		return n.GetToken().Value
	}
	return n.Type().String()
}
