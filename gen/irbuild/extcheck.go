package irbuild

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pegasus-kv/pegasus-gen/gen/load"
)

// checkExt compares an extension's value (as kin-openapi decoded it from
// YAML: maps, lists, strings, float64s, bools) with the Go type it is
// decoded into, and reports, in the spec's terms and at each place, every
// key the vocabulary does not have and every value of the wrong kind. It
// reports whether the value fits.
func (b *builder) checkExt(v any, t reflect.Type, ptr, what, subj string) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return true // an absent value, as JSON's null decodes
	}
	wrong := func() bool {
		b.diags.Add(b.spec.Pos(ptr), subj, "%s: expected %s, found %s (see pegasus-gen help conventions)", what, expected(t), found(v))
		return false
	}
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.String:
		if _, ok := v.(string); !ok {
			return wrong()
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return wrong()
		}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		if f, ok := v.(float64); !ok || f != float64(int64(f)) {
			return wrong()
		}
	case reflect.Float64:
		if _, ok := v.(float64); !ok {
			return wrong()
		}
	case reflect.Slice:
		list, ok := v.([]any)
		if !ok {
			return wrong()
		}
		fits := true
		for i, e := range list {
			fits = b.checkExt(e, t.Elem(), ptr+"/"+strconv.Itoa(i), fmt.Sprintf("%s[%d]", what, i), subj) && fits
		}
		return fits
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		fits := true
		for _, k := range slices.Sorted(maps.Keys(m)) {
			fits = b.checkExt(m[k], t.Elem(), ptr+load.Pointer(k), what+"."+k, subj) && fits
		}
		return fits
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return wrong()
		}
		return b.checkStruct(m, t, ptr, what, subj)
	}
	return true
}

// checkStruct checks a mapping's keys and values against a struct's
// fields, named by their json tags.
func (b *builder) checkStruct(m map[string]any, t reflect.Type, ptr, what, subj string) bool {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f.Type
	}
	fits := true
	for _, k := range slices.Sorted(maps.Keys(m)) {
		ft, ok := fields[k]
		if !ok {
			b.diags.Add(b.spec.Pos(ptr+load.Pointer(k)), subj, "%s: unknown key %q: the keys are %s (see pegasus-gen help conventions)", what, k, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
			fits = false
			continue
		}
		fits = b.checkExt(m[k], ft, ptr+load.Pointer(k), what+"."+k, subj) && fits
	}
	return fits
}

// expected names what a Go type holds, in YAML's words.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list of " + plural(expected(t.Elem()))
	case reflect.Map:
		return "a mapping to " + plural(expected(t.Elem()))
	case reflect.Struct:
		var keys []string
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			keys = append(keys, name)
		}
		sort.Strings(keys)
		return "a mapping with keys " + strings.Join(keys, ", ")
	}
	return "a value"
}

// plural makes "a string" "strings", for "a list of strings".
func plural(s string) string {
	switch {
	case strings.HasPrefix(s, "a mapping"):
		return "mappings" + strings.TrimPrefix(s, "a mapping")
	case strings.HasPrefix(s, "a list"):
		return "lists" + strings.TrimPrefix(s, "a list")
	case s == "true or false":
		return "booleans"
	}
	return strings.TrimPrefix(strings.TrimPrefix(s, "a "), "an ") + "s"
}

// found names the kind of a decoded YAML value.
func found(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return "another kind of value"
}
