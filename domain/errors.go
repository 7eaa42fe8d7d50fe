package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors that adapters translate to and the HTTP layer maps to status codes.
var (
	ErrNotFound     = errors.New("not found")
	ErrInvalidInput = errors.New("invalid input")
	ErrConflict     = errors.New("conflict") // e.g. cancelling a job that already ended
)

// FieldError names one field that broke one rule. Field is the JSON path a client sent,
// such as "ingredients[2]" or "preferences.servings".
type FieldError struct {
	Field   string
	Message string
}

// ValidationError lists every field that broke a rule. It matches ErrInvalidInput.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return fmt.Sprintf("%d invalid fields: %s", len(e.Fields), strings.Join(parts, "; "))
}

// Is lets errors.Is(err, ErrInvalidInput) match any ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// fieldErrors collects FieldErrors while a value object is parsed.
type fieldErrors []FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil when nothing was collected, else a *ValidationError.
func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return &ValidationError{Fields: fe}
}
