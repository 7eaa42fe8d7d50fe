package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/domain"
)

// boundBody has binding tags, so the tests reach validateShape too.
type boundBody struct {
	Name  string   `json:"name" binding:"required,max=3"`
	Tags  []string `json:"tags" binding:"max=2,dive,max=2"`
	Count int      `json:"count" binding:"omitempty,min=1,max=9"`
	Inner *struct {
		Size string `json:"size" binding:"omitempty,oneof=s m"`
	} `json:"inner"`
}

// bindResult is what a test compares of bindJSON's answer: the error's code and details
// as a client would see them, and the decoded body.
type bindResult struct {
	Code    string
	Details []fieldDetail
	Body    boundBody
}

func bind(contentType, body string) bindResult {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	c.Request.Header.Set("Content-Type", contentType)
	var dst boundBody
	err := bindJSON(c, &dst)
	if err == nil {
		if fields := validateShape(dst); fields != nil {
			err = &domain.ValidationError{Fields: fields}
		}
	}
	if err != nil {
		_, eb := classify(err)
		return bindResult{Code: eb.Code, Details: eb.Details}
	}
	return bindResult{Body: dst}
}

func TestBindJSON(t *testing.T) {
	const js = "application/json"
	tests := []struct {
		name        string
		contentType string
		body        string
		want        bindResult
	}{
		{name: "object", contentType: js, body: `{"name": "egg", "tags": ["a"], "count": 2}`, want: bindResult{Body: boundBody{Name: "egg", Tags: []string{"a"}, Count: 2}}},
		{name: "unknown fields ignored", contentType: js, body: `{"name": "egg", "colour": "white"}`, want: bindResult{Body: boundBody{Name: "egg"}}},
		{name: "charset", contentType: "application/json; charset=utf-8", body: `{"name": "egg"}`, want: bindResult{Body: boundBody{Name: "egg"}}},
		{name: "json suffix", contentType: "application/merge-patch+json", body: `{"name": "egg"}`, want: bindResult{Body: boundBody{Name: "egg"}}},
		{name: "upper-case type", contentType: "Application/JSON", body: `{"name": "egg"}`, want: bindResult{Body: boundBody{Name: "egg"}}},
		{name: "white space around", contentType: js, body: " \r\n{\"name\": \"egg\"}\n\t", want: bindResult{Body: boundBody{Name: "egg"}}},
		{name: "three Korean characters", contentType: js, body: `{"name": "계란말"}`, want: bindResult{Body: boundBody{Name: "계란말"}}},
		{name: "text/plain", contentType: "text/plain", body: `{"name": "egg"}`, want: bindResult{Code: "unsupported_media_type"}},
		{name: "no content type", contentType: "", body: `{"name": "egg"}`, want: bindResult{Code: "unsupported_media_type"}},
		{name: "null", contentType: js, body: `null`, want: bindResult{Code: "invalid_json"}},
		{name: "array", contentType: js, body: `[{"name": "egg"}]`, want: bindResult{Code: "invalid_json"}},
		{name: "empty", contentType: js, body: ``, want: bindResult{Code: "invalid_json"}},
		{name: "trailing object", contentType: js, body: `{"name": "egg"}{}`, want: bindResult{Code: "invalid_json"}},
		{name: "trailing garbage", contentType: js, body: `{"name": "egg"} ]`, want: bindResult{Code: "invalid_json"}},
		{name: "syntax error", contentType: js, body: `{"name": egg}`, want: bindResult{Code: "invalid_json"}},
		{name: "cut short", contentType: js, body: `{"name": "egg"`, want: bindResult{Code: "invalid_json"}},
		{name: "over 64 KiB", contentType: js, body: `{"name": "` + strings.Repeat("e", 64<<10) + `"}`, want: bindResult{Code: "payload_too_large"}},
		{
			name: "string for a number", contentType: js, body: `{"name": "egg", "count": "2"}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{{Field: "count", Message: "must be a whole number, not string"}}},
		},
		{
			name: "fraction for a whole number", contentType: js, body: `{"name": "egg", "count": 2.5}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{{Field: "count", Message: "must be a whole number, not number 2.5"}}},
		},
		{
			name: "string for an array", contentType: js, body: `{"name": "egg", "tags": "a,b"}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{{Field: "tags", Message: "must be an array, not string"}}},
		},
		{
			name: "array for an object", contentType: js, body: `{"name": "egg", "inner": []}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{{Field: "inner", Message: "must be an object, not array"}}},
		},
		{
			name: "number for a string", contentType: js, body: `{"name": 42}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{{Field: "name", Message: "must be a string, not number"}}},
		},
		{
			name: "binding rules named by JSON path", contentType: js,
			body: `{"name": "eggs", "tags": ["a", "bcd"], "count": 10, "inner": {"size": "xl"}}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{
				{Field: "name", Message: "must have at most 3 characters"},
				{Field: "tags[1]", Message: "must have at most 2 characters"},
				{Field: "count", Message: "must be at most 9"},
				{Field: "inner.size", Message: "must be one of: s m"},
			}},
		},
		{
			name: "required and item count", contentType: js, body: `{"tags": ["a", "b", "c"], "count": -1}`,
			want: bindResult{Code: "invalid_request", Details: []fieldDetail{
				{Field: "name", Message: "is required"},
				{Field: "tags", Message: "must have at most 2 items"},
				{Field: "count", Message: "must be at least 1"},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bind(tt.contentType, tt.body)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("bindJSON(%q, %.60q) (-want +got):\n%s", tt.contentType, tt.body, diff)
			}
		})
	}
}

func TestBindJSONExactlyAtTheLimit(t *testing.T) {
	prefix := `{"name": "egg", "tags": []}`
	body := prefix[:len(prefix)-1] + strings.Repeat(" ", maxBodyBytes-len(prefix)) + "}"
	tests := []struct {
		name string
		give string
		want bindResult
	}{
		{name: "64 KiB", give: body, want: bindResult{Body: boundBody{Name: "egg", Tags: []string{}}}},
		{name: "64 KiB and a byte", give: body + " ", want: bindResult{Code: "payload_too_large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, bind("application/json", tt.give)); diff != "" {
				t.Errorf("bindJSON(%d bytes) (-want +got):\n%s", len(tt.give), diff)
			}
		})
	}
}
