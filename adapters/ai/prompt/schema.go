package prompt

import "github.com/naengbu/recipe-ai/domain"

// Schema is a provider-neutral description of the answer's JSON shape, which each adapter
// turns into its SDK's form: OpenAI's strict JSON Schema (JSONSchema) or Gemini's
// response schema. Every property of an object is required.
type Schema struct {
	Type        string // "object", "array", "string" or "integer"
	Description string
	Enum        []string   // allowed values of a string
	Items       *Schema    // element of an array
	Properties  []Property // fields of an object, in the order the answer lists them
}

// Property is one field of an object schema.
type Property struct {
	Name   string
	Schema *Schema
}

// Required returns the names of every property, in order.
func (s *Schema) Required() []string {
	names := make([]string, len(s.Properties))
	for i, p := range s.Properties {
		names[i] = p.Name
	}
	return names
}

// AnswerSchema returns the shape of a complete answer: both recipe lists, each recipe with
// every field of the contract's result. Each call returns a new value.
func AnswerSchema() *Schema {
	return &Schema{
		Type: "object",
		Properties: []Property{
			{"existingIngredientsRecipes", &Schema{
				Type:        "array",
				Description: "Exactly 3 recipes made from the given ingredients and pantry staples only.",
				Items:       recipeSchema(false),
			}},
			{"additionalIngredientsRecipes", &Schema{
				Type:        "array",
				Description: "Exactly 2 recipes that need a few more common ingredients.",
				Items:       recipeSchema(true),
			}},
		},
	}
}

func recipeSchema(additional bool) *Schema {
	str := func(desc string) *Schema { return &Schema{Type: "string", Description: desc} }
	list := func(desc string) *Schema {
		return &Schema{Type: "array", Description: desc, Items: &Schema{Type: "string"}}
	}
	props := []Property{
		{"name", str("Dish name.")},
		{"description", str("One or two sentences about the dish.")},
		{"difficulty", &Schema{Type: "string", Enum: []string{string(domain.Easy), string(domain.Medium), string(domain.Hard)}}},
		{"cookingTime", &Schema{Type: "integer", Description: "Total cooking time in minutes."}},
		{"servings", &Schema{Type: "integer", Description: "Number of servings."}},
		{"ingredients", list("Every ingredient with its amount, seasonings included.")},
	}
	if additional {
		props = append(props, Property{"additionalIngredients", list("Ingredients to buy besides the given ones.")})
	}
	props = append(props, Property{"instructions", str(`Numbered steps: "1. …\n2. …".`)})
	return &Schema{Type: "object", Properties: props}
}

// JSONSchema renders s as JSON Schema for OpenAI's strict structured outputs: every
// property required and no other property allowed.
func (s *Schema) JSONSchema() map[string]any {
	out := map[string]any{"type": s.Type}
	if s.Description != "" {
		out["description"] = s.Description
	}
	if len(s.Enum) > 0 {
		out["enum"] = s.Enum
	}
	if s.Items != nil {
		out["items"] = s.Items.JSONSchema()
	}
	if s.Type == "object" {
		props := make(map[string]any, len(s.Properties))
		for _, p := range s.Properties {
			props[p.Name] = p.Schema.JSONSchema()
		}
		out["properties"] = props
		out["required"] = s.Required()
		out["additionalProperties"] = false
	}
	return out
}
