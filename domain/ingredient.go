package domain

import (
	"slices"
	"strings"
)

// Allergen is one allergen key of the ingredient data: Korea's labelled allergens plus
// fish, sesame and tree nuts ("egg", "milk", "shrimp", "tree-nut", …).
type Allergen string

// Animal says which animal product an ingredient is, "" for plant or mineral ones.
type Animal string

// The animal products the dietary rules look at.
const (
	AnimalNone    Animal = ""
	AnimalMeat    Animal = "meat"
	AnimalPoultry Animal = "poultry"
	AnimalFish    Animal = "fish"
	AnimalSeafood Animal = "seafood"
	AnimalEgg     Animal = "egg"
	AnimalDairy   Animal = "dairy"
	AnimalHoney   Animal = "honey"
)

// Diet is a dietary rule a request may ask for.
type Diet string

// The dietary rules the lexicon knows.
const (
	Vegetarian  Diet = "vegetarian"  // no meat, poultry, fish or seafood
	Vegan       Diet = "vegan"       // no animal product at all
	Pescatarian Diet = "pescatarian" // no meat or poultry
)

// IngredientInfo is what the lexicon knows of one canonical ingredient.
type IngredientInfo struct {
	Name      string // canonical Korean name, as recipes spell it
	English   string // canonical English name, lower case
	Kind      string // "vegetable", "meat", "sauce", … as in the data files
	Animal    Animal
	Allergens []Allergen
	Staple    bool // one of PantryStaples, assumed to be at home
}

// Fits reports whether the ingredient is allowed by d. An unknown d allows everything.
func (info IngredientInfo) Fits(d Diet) bool {
	switch d {
	case Vegan:
		return info.Animal == AnimalNone
	case Vegetarian:
		return !slices.Contains([]Animal{AnimalMeat, AnimalPoultry, AnimalFish, AnimalSeafood}, info.Animal)
	case Pescatarian:
		return info.Animal != AnimalMeat && info.Animal != AnimalPoultry
	}
	return true
}

// dietWords are written without spaces, hyphens or underscores, as ParseDiet compares them.
var dietWords = map[string]Diet{
	"vegetarian": Vegetarian, "veggie": Vegetarian, "lactoovo": Vegetarian, "ovolacto": Vegetarian,
	"채식": Vegetarian, "채식주의": Vegetarian, "채식주의자": Vegetarian, "베지테리언": Vegetarian,
	"베지테리안": Vegetarian, "락토오보": Vegetarian,
	"vegan": Vegan, "plantbased": Vegan, "비건": Vegan, "완전채식": Vegan, "순수채식": Vegan,
	"pescatarian": Pescatarian, "pescetarian": Pescatarian, "pesco": Pescatarian, "페스코": Pescatarian,
	"페스코베지테리언": Pescatarian, "페스코베지테리안": Pescatarian, "페스카테리언": Pescatarian,
}

// dietSeparators are the characters ParseDiet ignores; a Replacer builds its tables on
// first use, so it is made once.
var dietSeparators = strings.NewReplacer(" ", "", "-", "", "_", "")

// ParseDiet recognises a dietary preference in Korean or English ("채식", "Vegan",
// "pesco vegetarian"). It reports false for anything else, "none" included.
func ParseDiet(s string) (Diet, bool) {
	k := dietSeparators.Replace(foldKey(s))
	if d, ok := dietWords[k]; ok {
		return d, true
	}
	for _, suffix := range []string{"vegetarian", "diet", "식단", "주의자"} {
		if d, ok := dietWords[strings.TrimSuffix(k, suffix)]; ok {
			return d, true
		}
	}
	return "", false
}
