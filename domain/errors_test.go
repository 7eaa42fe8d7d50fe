package domain_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// fieldsOf returns the fields a *domain.ValidationError names, or nil for any other error.
func fieldsOf(err error) []domain.FieldError {
	var verr *domain.ValidationError
	if !errors.As(err, &verr) {
		return nil
	}
	return verr.Fields
}

// fieldNames returns only the JSON paths of fields.
func fieldNames(fields []domain.FieldError) []string {
	var out []string
	for _, f := range fields {
		out = append(out, f.Field)
	}
	return out
}

func TestValidationErrorIs(t *testing.T) {
	verr := &domain.ValidationError{Fields: []domain.FieldError{{Field: "ingredients", Message: "must name at least 1 ingredient"}}}
	tests := []struct {
		name   string
		give   error
		target error
		want   bool
	}{
		{name: "invalid input", give: verr, target: domain.ErrInvalidInput, want: true},
		{name: "wrapped invalid input", give: fmt.Errorf("submit: %w", verr), target: domain.ErrInvalidInput, want: true},
		{name: "not found", give: verr, target: domain.ErrNotFound, want: false},
		{name: "conflict", give: verr, target: domain.ErrConflict, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errors.Is(tt.give, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %t, want %t", tt.give, tt.target, got, tt.want)
			}
		})
	}
}

func TestValidationErrorError(t *testing.T) {
	tests := []struct {
		name string
		give []domain.FieldError
		want string
	}{
		{
			name: "one field",
			give: []domain.FieldError{{Field: "ingredients[2]", Message: "must not be empty"}},
			want: "1 invalid fields: ingredients[2]: must not be empty",
		},
		{
			name: "two fields",
			give: []domain.FieldError{
				{Field: "ingredients[0]", Message: "must not be empty"},
				{Field: "preferences.servings", Message: "must be between 1 and 20"},
			},
			want: "2 invalid fields: ingredients[0]: must not be empty; preferences.servings: must be between 1 and 20",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := &domain.ValidationError{Fields: tt.give}
			if got := err.Error(); got != tt.want {
				t.Errorf("ValidationError(%v).Error() = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestValidationErrorAs(t *testing.T) {
	_, err := domain.ParseIngredients([]string{"계란", ""})
	want := []domain.FieldError{{Field: "ingredients[1]", Message: "must not be empty"}}
	if diff := cmp.Diff(want, fieldsOf(fmt.Errorf("parse: %w", err))); diff != "" {
		t.Errorf("errors.As(ParseIngredients error) fields (-want +got):\n%s", diff)
	}
}
