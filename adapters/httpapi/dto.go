package httpapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/naengbu/recipe-ai/domain"
)

// generateRequest is the body of POST /v1/recipe/generate. Validator v10 checks the
// shape (counts, numeric ranges, enums); domain.NewGenerationRequest checks the text
// rules on the trimmed values. toDomain reports the failures of both at once.
type generateRequest struct {
	UserID      string          `json:"userId" maxLength:"128" example:"user-42"`
	Ingredients []string        `json:"ingredients" binding:"required,min=1,max=50" maxLength:"50" example:"계란,대파,김치,밥"`
	Preferences *preferencesDTO `json:"preferences"`
}

// preferencesDTO takes the numbers as pointers, so that an explicit 0 (out of range) is
// told apart from a missing value (no limit).
type preferencesDTO struct {
	Dietary        string   `json:"dietary" maxLength:"50" example:"vegetarian"`
	Cuisine        string   `json:"cuisine" maxLength:"50" example:"korean"`
	Allergies      []string `json:"allergies" binding:"max=20" example:"땅콩"`
	MaxCookingTime *int     `json:"maxCookingTime" binding:"omitempty,min=1,max=600" minimum:"1" maximum:"600" example:"30"`
	Servings       *int     `json:"servings" binding:"omitempty,min=1,max=20" minimum:"1" maximum:"20" example:"2"`
	Language       string   `json:"language" binding:"omitempty,oneof=ko en" enums:"ko,en" example:"ko"`
}

// toDomain validates the body with the domain and with validator v10, and reports every
// failing field once: the domain's message where both object, since it has the last word.
func (r generateRequest) toDomain() (domain.GenerationRequest, error) {
	shape := validateShape(r)
	var p domain.Preferences
	if r.Preferences != nil {
		p = domain.Preferences{
			Dietary:        r.Preferences.Dietary,
			Cuisine:        r.Preferences.Cuisine,
			Allergies:      r.Preferences.Allergies,
			MaxCookingTime: valueOf(r.Preferences.MaxCookingTime),
			Servings:       valueOf(r.Preferences.Servings),
			Language:       domain.Language(r.Preferences.Language),
		}
	}
	req, err := domain.NewGenerationRequest(r.UserID, r.Ingredients, p)
	if len(shape) == 0 {
		return req, err
	}
	var fields []domain.FieldError
	if verr, ok := errors.AsType[*domain.ValidationError](err); ok {
		fields = verr.Fields
	}
	named := make(map[string]bool, len(fields))
	for _, f := range fields {
		named[f.Field] = true
	}
	for _, f := range shape {
		if !named[f.Field] {
			fields = append(fields, f)
		}
	}
	return domain.GenerationRequest{}, &domain.ValidationError{Fields: fields}
}

func valueOf(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// acceptedResponse answers an accepted generation.
type acceptedResponse struct {
	JobID     string `json:"jobId" example:"KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"`
	Status    string `json:"status" example:"pending"`
	StatusURL string `json:"statusUrl" example:"/v1/recipe/status/KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A"`
	EventsURL string `json:"eventsUrl" example:"/v1/recipe/status/KXQ3F5ZQ6R2VJ7M4C2XW5PNH3A/events"`
	// Warnings name what the request carried that the service does not understand; absent
	// when there is nothing to say.
	Warnings []string `json:"warnings,omitempty" example:"allergy \"망고\" is not recognised: only ingredients named so are left out"`
}

// requestWarnings names each allergy word the lexicon does not recognise, so that a typo
// never passes unseen.
func requestWarnings(req domain.GenerationRequest) []string {
	var out []string
	for _, a := range domain.DefaultLexicon().UnknownAllergies(req.Preferences.Allergies) {
		out = append(out, fmt.Sprintf("allergy %q is not recognised: only ingredients named so are left out", a))
	}
	return out
}

// unknownFieldWarnings names the fields the request's decoding ignored.
func unknownFieldWarnings(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = "unknown field " + f
	}
	return out
}

func statusURL(id domain.JobID) string { return "/v1/recipe/status/" + string(id) }

// statusResponse is a job's status as clients see it.
type statusResponse struct {
	JobID     string          `json:"jobId"`
	Status    string          `json:"status" enums:"pending,processing,completed,failed,cancelled"`
	Progress  int             `json:"progress" minimum:"0" maximum:"100"`
	Message   string          `json:"message"`
	Attempts  int             `json:"attempts"`
	CreatedAt time.Time       `json:"createdAt"`
	UpdatedAt time.Time       `json:"updatedAt"`
	Result    *resultResponse `json:"result,omitempty"`
	Error     string          `json:"error,omitempty"`
	ErrorCode string          `json:"errorCode,omitempty" enums:"providers_unavailable,providers_rejected,content_blocked,invalid_answer,worker_lost,internal"`
}

func toStatusResponse(st domain.JobStatus) statusResponse {
	out := statusResponse{
		JobID:     string(st.ID),
		Status:    string(st.Status.State()),
		Progress:  st.Status.Progress(),
		Message:   st.Message(),
		Attempts:  st.Attempts,
		CreatedAt: st.CreatedAt,
		UpdatedAt: st.UpdatedAt,
		Error:     st.FailureSentence(),
		ErrorCode: string(st.Status.Failure()),
	}
	if st.Result != nil && st.Status.State() == domain.StateCompleted { // the contract: only when completed
		r := toResultResponse(*st.Result)
		out.Result = &r
	}
	return out
}

// resultResponse is the original service's result shape.
type resultResponse struct {
	ExistingIngredientsRecipes   []recipeResponse `json:"existingIngredientsRecipes"`
	AdditionalIngredientsRecipes []recipeResponse `json:"additionalIngredientsRecipes"`
	UserID                       string           `json:"userId,omitempty"`
	Provider                     string           `json:"provider"`
	Model                        string           `json:"model"`
	GeneratedAt                  time.Time        `json:"generatedAt"`
	Notes                        []string         `json:"notes,omitempty"`
}

type recipeResponse struct {
	Name                  string   `json:"name"`
	Description           string   `json:"description"`
	Difficulty            string   `json:"difficulty" enums:"easy,medium,hard"`
	CookingTime           int      `json:"cookingTime"`
	Servings              int      `json:"servings"`
	Ingredients           []string `json:"ingredients"`
	AdditionalIngredients []string `json:"additionalIngredients,omitempty"`
	Instructions          string   `json:"instructions"`
}

func toResultResponse(r domain.Result) resultResponse {
	return resultResponse{
		ExistingIngredientsRecipes:   toRecipeResponses(r.ExistingIngredientsRecipes),
		AdditionalIngredientsRecipes: toRecipeResponses(r.AdditionalIngredientsRecipes),
		UserID:                       r.UserID,
		Provider:                     r.Provider,
		Model:                        r.Model,
		GeneratedAt:                  r.GeneratedAt,
		Notes:                        r.Notes,
	}
}

func toRecipeResponses(in []domain.Recipe) []recipeResponse {
	out := make([]recipeResponse, len(in))
	for i, r := range in {
		out[i] = recipeResponse{
			Name: r.Name, Description: r.Description, Difficulty: string(r.Difficulty),
			CookingTime: r.CookingTime, Servings: r.Servings, Ingredients: r.Ingredients,
			AdditionalIngredients: r.AdditionalIngredients, Instructions: r.Instructions,
		}
	}
	return out
}

// errorResponse is the body of every error.
type errorResponse struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string        `json:"code" example:"invalid_request"`
	Message string        `json:"message" example:"The request has invalid fields."`
	Details []fieldDetail `json:"details"` // always an array, empty unless fields are invalid
}

type fieldDetail struct {
	Field   string `json:"field" example:"ingredients[0]"`
	Message string `json:"message" example:"must not be empty"`
}
