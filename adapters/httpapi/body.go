package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gin-gonic/gin/binding"
	"github.com/go-playground/validator/v10"

	"github.com/naengbu/recipe-ai/domain"
)

// maxBodyBytes is the largest body a route accepts.
const maxBodyBytes = 64 << 10

// bindJSON reads a body that must be exactly one JSON object and decodes it into dst.
// Unknown fields are ignored.
func bindJSON(c *gin.Context, dst any) error {
	_, err := bindJSONReporting(c, dst)
	return err
}

// bindJSONReporting is bindJSON that also names the fields dst ignored (unknownFields).
// The common body, without unknown fields, is decoded once.
func bindJSONReporting(c *gin.Context, dst any) ([]string, error) {
	data, err := readJSONObject(c)
	if err != nil {
		return nil, err
	}
	strict := json.NewDecoder(bytes.NewReader(data))
	strict.DisallowUnknownFields()
	err = strict.Decode(dst)
	var unknown []string
	if err != nil && strings.HasPrefix(err.Error(), "json: unknown field ") {
		unknown = unknownFields(data, reflect.TypeOf(dst))
		err = json.Unmarshal(data, dst) // again, ignoring them
		if err == nil {
			return unknown, nil
		}
	}
	if err != nil {
		return nil, decodeError(err)
	}
	if _, err := strict.Token(); err != io.EOF {
		return nil, &malformedError{reason: "data follows the object"}
	}
	return unknown, nil
}

// readJSONObject reads a JSON body that starts as an object, at most maxBodyBytes.
func readJSONObject(c *gin.Context) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, errNotJSON
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return nil, errTooLarge
		}
		return nil, &malformedError{reason: "the body could not be read"}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, &malformedError{reason: "it is empty, null, an array or another non-object value"}
	}
	return data, nil
}

// validateShape checks v's binding tags with validator v10 and names each failing field
// by its JSON path.
func validateShape(v any) []domain.FieldError {
	err := binding.Validator.ValidateStruct(v)
	if err == nil {
		return nil
	}
	verrs, ok := errors.AsType[validator.ValidationErrors](err)
	if !ok {
		return []domain.FieldError{{Field: "body", Message: "does not have the expected shape"}}
	}
	fields := make([]domain.FieldError, len(verrs))
	for i, fe := range verrs {
		_, path, _ := strings.Cut(fe.Namespace(), ".")
		fields[i] = domain.FieldError{Field: path, Message: ruleMessage(fe)}
	}
	return fields
}

// decodeError explains a JSON decoding failure; a wrong type names its field.
func decodeError(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return &domain.ValidationError{Fields: []domain.FieldError{{
			Field: te.Field, Message: fmt.Sprintf("must be %s, not %s", jsonType(te.Type.Kind().String()), te.Value),
		}}}
	}
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		return &malformedError{reason: fmt.Sprintf("invalid JSON at byte %d", se.Offset)}
	}
	return &malformedError{reason: "invalid JSON"}
}

func jsonType(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number" // 2.5 for servings must not read "must be a number, not number 2.5"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "struct", "ptr", "map":
		return "an object"
	}
	return "a " + kind
}

func ruleMessage(fe validator.FieldError) string {
	unit := "characters"
	if fe.Kind().String() == "slice" {
		unit = "items"
	}
	switch fe.Tag() {
	case "required":
		return "is required"
	case "min":
		if fe.Kind().String() == "int" {
			return "must be at least " + fe.Param()
		}
		return "must have at least " + fe.Param() + " " + unit
	case "max":
		if fe.Kind().String() == "int" {
			return "must be at most " + fe.Param()
		}
		return "must have at most " + fe.Param() + " " + unit
	case "oneof":
		return "must be one of: " + fe.Param()
	}
	return "is invalid (" + fe.Tag() + ")"
}
