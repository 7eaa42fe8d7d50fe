package domain

// MaxUserIDLength is the longest user id, in characters.
const MaxUserIDLength = 128

// GenerationRequest is one validated ask for recipes: the ingredients in a fridge and
// the preferences that constrain the answer.
type GenerationRequest struct {
	UserID      string
	Ingredients Ingredients
	Preferences Preferences
}

// NewGenerationRequest checks every field at once. When any rule is broken it returns a
// *ValidationError that names each failing field.
func NewGenerationRequest(userID string, ingredients []string, prefs Preferences) (GenerationRequest, error) {
	var errs fieldErrors
	user, ok := cleanText(userID)
	switch {
	case !ok:
		errs.add("userId", "must not contain control characters")
	case length(user) > MaxUserIDLength:
		errs.add("userId", "must be at most %d characters", MaxUserIDLength)
	}
	req := GenerationRequest{
		UserID:      user,
		Ingredients: parseIngredients(ingredients, "ingredients", &errs),
		Preferences: prefs.parse(&errs),
	}
	if err := errs.err(); err != nil {
		return GenerationRequest{}, err
	}
	return req, nil
}

// RestoreGenerationRequest rebuilds a request that NewGenerationRequest accepted before,
// from its stored parts, without checking them again: a request is validated once, when
// it is accepted.
func RestoreGenerationRequest(userID string, ingredients []string, prefs Preferences) GenerationRequest {
	return GenerationRequest{UserID: userID, Ingredients: Ingredients{names: ingredients}, Preferences: prefs}
}
