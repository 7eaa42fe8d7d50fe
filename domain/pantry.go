package domain

import "slices"

// PantryStaple is one ingredient a Korean home kitchen keeps at all times, so that a
// recipe may use it although the user did not list it, and the reason it counts as one.
type PantryStaple struct {
	Name   string // canonical Korean name
	Reason string
}

// pantry is the one list of pantry staples. An item belongs here when nearly every
// Korean home kitchen keeps it and a cook asked "what is in your fridge?" would not think
// of naming it. Recipes still list staples with their amounts, and allergies and diets
// still apply to them.
var pantry = []PantryStaple{
	{"소금", "salt seasons almost every dish"},
	{"후추", "ground black pepper sits next to the salt"},
	{"설탕", "sugar balances Korean sauces and marinades"},
	{"간장", "soy sauce is the base seasoning of Korean cooking"},
	{"식용유", "neutral cooking oil is used for every stir-fry and pancake"},
	{"참기름", "sesame oil finishes namul, rice dishes and marinades"},
	{"깨", "toasted sesame seeds are sprinkled on most side dishes"},
	{"마늘", "garlic, usually minced and frozen, goes into nearly every Korean dish"},
	{"고춧가루", "gochugaru is the red pepper of stews, kimchi and spicy sides"},
	{"고추장", "a tub of gochujang is kept in every Korean refrigerator"},
	{"된장", "doenjang, the soybean paste, is kept next to the gochujang"},
	{"식초", "vinegar dresses salads, pickles and dipping sauces"},
	{"물", "water, from the tap"},
}

var pantryStaples = func() []string {
	names := make([]string, len(pantry))
	for i, p := range pantry {
		names[i] = p.Name
	}
	return names
}()

// PantryStaples returns the canonical names of the ingredients assumed to be in every
// kitchen, in the order of Pantry.
func PantryStaples() []string { return slices.Clone(pantryStaples) }

// Pantry returns the pantry staples with the reason each is one.
func Pantry() []PantryStaple { return slices.Clone(pantry) }
