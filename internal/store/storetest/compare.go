package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// diff lists where got differs from want, one path per difference, so a
// failed round trip names the field that did not survive. Times compare as
// instants (a store may return another location); nil and empty slices and
// maps are equal.
func diff(want, got any) []string {
	var out []string
	diffValue("", reflect.ValueOf(want), reflect.ValueOf(got), &out)
	return out
}

func diffValue(path string, w, g reflect.Value, out *[]string) {
	if w.Type() == timeType {
		wt, gt := w.Interface().(time.Time), g.Interface().(time.Time)
		if !wt.Equal(gt) {
			*out = append(*out, fmt.Sprintf("%s: want %s, got %s", path, wt, gt))
		}
		return
	}
	switch w.Kind() {
	case reflect.Pointer:
		if w.IsNil() || g.IsNil() {
			if w.IsNil() != g.IsNil() {
				*out = append(*out, fmt.Sprintf("%s: want %v, got %v", path, w, g))
			}
			return
		}
		diffValue(path, w.Elem(), g.Elem(), out)
	case reflect.Struct:
		for i := range w.NumField() {
			f := w.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			diffValue(path+"."+f.Name, w.Field(i), g.Field(i), out)
		}
	case reflect.Slice:
		if w.Len() != g.Len() {
			*out = append(*out, fmt.Sprintf("%s: want %d elements %v, got %d %v", path, w.Len(), w, g.Len(), g))
			return
		}
		for i := range w.Len() {
			diffValue(fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i), out)
		}
	case reflect.Map:
		if w.Len() == 0 && g.Len() == 0 {
			return
		}
		if !reflect.DeepEqual(w.Interface(), g.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: want %v, got %v", path, w, g))
		}
	default:
		if !reflect.DeepEqual(w.Interface(), g.Interface()) {
			*out = append(*out, fmt.Sprintf("%s: want %v, got %v", path, w, g))
		}
	}
}

// writeOnly fields are written by a store and never read back: RMA.Jobs
// is the change's outbox (the job suite checks the jobs themselves).
// RMA.Supplier is the other way round: read with the RMA, written only by
// a supplier RMA's steps (the supplier suite, suppliers.go, checks it).
// RMA.AssigneeID and RMA.Unread too: written only by assigning and by
// messages (the assign suite, assign.go, checks them).
var writeOnly = map[string]bool{"RMA.Jobs": true, "RMA.Supplier": true, "RMA.AssigneeID": true, "RMA.Unread": true, "RMA.Units": true,
	"RMA.Shadow": true} // issue 15: read through the shadow's own reads (shadows.go)

// zeroFields lists the fields of v that are zero in every element they
// occur in. The round-trip fixture must have none: then a field added to
// rma.RMA, rma.Line, policy.Claim or policy.Decision that a store forgets to
// keep fails the round trip instead of passing as zero == zero.
func zeroFields(v any) []string {
	out := zeroPaths("", reflect.ValueOf(v))
	paths := make([]string, 0, len(out))
	for p := range out {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}

func zeroPaths(path string, v reflect.Value) map[string]bool {
	if v.Type() == timeType {
		if v.Interface().(time.Time).IsZero() {
			return map[string]bool{path: true}
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return map[string]bool{path: true}
		}
		return zeroPaths(path, v.Elem())
	case reflect.Struct:
		out := map[string]bool{}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() || writeOnly[v.Type().Name()+"."+f.Name] {
				continue
			}
			for p := range zeroPaths(path+"."+f.Name, v.Field(i)) {
				out[p] = true
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return map[string]bool{path: true}
		}
		// A field counts as covered if any element sets it.
		common := zeroPaths(path+"[]", v.Index(0))
		for i := 1; i < v.Len() && len(common) > 0; i++ {
			z := zeroPaths(path+"[]", v.Index(i))
			for p := range common {
				if !z[p] {
					delete(common, p)
				}
			}
		}
		return common
	default:
		if v.IsZero() {
			return map[string]bool{path: true}
		}
		return nil
	}
}
