package httpapi

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
)

// unknownFields names, as dotted JSON paths, the fields of the JSON object data that a
// value of type t ignores: encoding/json matches names case-insensitively and skips the
// rest silently, so an old caller's "preferences.allergy" would pass unseen otherwise.
func unknownFields(data []byte, t reflect.Type) []string {
	var out []string
	collectUnknown(data, t, "", &out)
	slices.Sort(out)
	return out
}

func collectUnknown(data []byte, t reflect.Type, prefix string, out *[]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return
	}
	for name, raw := range obj {
		f, ok := fieldByJSONName(t, name)
		if !ok {
			*out = append(*out, prefix+name)
			continue
		}
		collectUnknown(raw, f.Type, prefix+name+".", out)
	}
}

// fieldByJSONName finds the field encoding/json would decode name into: an exact match
// of its JSON name first, else a case-insensitive one.
func fieldByJSONName(t reflect.Type, name string) (reflect.StructField, bool) {
	var folded *reflect.StructField
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f, true
		}
		if folded == nil && strings.EqualFold(tag, name) {
			folded = &f
		}
	}
	if folded != nil {
		return *folded, true
	}
	return reflect.StructField{}, false
}
