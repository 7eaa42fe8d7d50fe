package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/naengbu/recipe-ai/domain"
)

// FuzzDecodeGenerateRequest checks the generate route's body decoding: no input panics
// or maps to a 5xx, and a body it accepts, written back from the request it decoded to,
// decodes to the same request.
func FuzzDecodeGenerateRequest(f *testing.F) {
	for _, seed := range []string{
		`{"userId": "user-42", "ingredients": ["계란", "대파", "김치", "밥"], "preferences": {"dietary": "vegetarian",
		  "cuisine": "korean", "allergies": ["땅콩"], "maxCookingTime": 30, "servings": 2, "language": "ko"}}`,
		`{"ingredients": [" 계란 ", "계란", "EGG", "egg"], "preferences": {"allergies": ["새우", " 새우", ""]}}`,
		`{"ingredients": ["a"], "preferences": {"maxCookingTime": 0, "servings": 2.5, "language": "fr"}}`,
		`{"ingredients": ["a"], "preferences": null, "extra": {"x": [1, 2]}}`,
		`{"ingredients": ["a\u0000b"], "userId": "\ud800"}`,
		`{"ingredients": []}`, `{}`, `null`, `[]`, `{"ingredients": ["a"]} {}`, `{"ingredients": "a"}`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, status := decodeGenerate(body)
		if status != 0 {
			if status < 400 || status >= 500 {
				t.Fatalf("decode(%q) status = %d, want a 4xx", body, status)
			}
			return
		}
		again := encodeGenerate(t, req)
		req2, status := decodeGenerate(again)
		if status != 0 {
			t.Fatalf("decode(re-encoded %s) status = %d; the original %q was accepted", again, status, body)
		}
		if diff := cmp.Diff(requestView(req), requestView(req2), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("decode(re-encoded) differs (-first +again):\n%s\noriginal: %q\nre-encoded: %s", diff, body, again)
		}
	})
}

// decodeGenerate decodes body as the generate route does and returns the request, or
// the status of the error it answers with.
func decodeGenerate(body []byte) (domain.GenerationRequest, int) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/v1/recipe/generate", bytes.NewReader(body))
	c.Request.Header.Set("Content-Type", "application/json")
	var dto generateRequest
	err := bindJSON(c, &dto)
	var req domain.GenerationRequest
	if err == nil {
		req, err = dto.toDomain()
	}
	if err != nil {
		status, _ := classify(err)
		return domain.GenerationRequest{}, status
	}
	return req, 0
}

// encodeGenerate writes req as a client would send it.
func encodeGenerate(t *testing.T, req domain.GenerationRequest) []byte {
	t.Helper()
	p := req.Preferences
	number := func(n int) *int {
		if n == 0 {
			return nil
		}
		return &n
	}
	data, err := json.Marshal(generateRequest{
		UserID:      req.UserID,
		Ingredients: req.Ingredients.Names(),
		Preferences: &preferencesDTO{
			Dietary: p.Dietary, Cuisine: p.Cuisine, Allergies: p.Allergies,
			MaxCookingTime: number(p.MaxCookingTime), Servings: number(p.Servings), Language: string(p.Language),
		},
	})
	if err != nil {
		t.Fatalf("encode %+v: %v", req, err)
	}
	return data
}

type generateView struct {
	UserID      string
	Ingredients []string
	Preferences domain.Preferences
}

func requestView(r domain.GenerationRequest) generateView {
	return generateView{UserID: r.UserID, Ingredients: r.Ingredients.Names(), Preferences: r.Preferences}
}

// FuzzWriteEvent checks that whatever the name and data, a reader that follows the HTML
// standard's event-stream rules reads exactly one event back, with the same data (line
// breaks in it read as \n) and a name without line breaks.
func FuzzWriteEvent(f *testing.F) {
	for _, seed := range [][2]string{
		{"status", `{"jobId":"A","status":"processing","progress":30}`},
		{"completed", "{}"},
		{"", "plain"},
		{"a\r\nevent: forged", "line one\r\nline two\rline three\n\ndata: forged"},
		{"\n", ""},
		{": comment", ": not a comment\n:still data"},
		{" spaced", " leading space"},
		{"\xff\xfe", "\xef\xbb\xbfbom"},
	} {
		f.Add(seed[0], []byte(seed[1]))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		var buf bytes.Buffer
		writeEvent(&buf, name, data)
		events := readEventStream(buf.Bytes())
		if len(events) != 1 {
			t.Fatalf("writeEvent(%q, %q) = %q: a reader sees %d events, want 1", name, data, buf.Bytes(), len(events))
		}
		got := events[0]
		wantData := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(data))
		if got.data != wantData {
			t.Errorf("writeEvent(%q, %q): data read back = %q, want %q", name, data, got.data, wantData)
		}
		if strings.ContainsAny(got.name, "\r\n") {
			t.Errorf("writeEvent(%q, %q): name read back %q has a line break", name, data, got.name)
		}
		wantName := strings.NewReplacer("\r", "", "\n", "").Replace(name)
		if wantName == "" {
			wantName = "message" // the type of an event without an event field
		}
		if utf8.ValidString(name) && got.name != wantName {
			t.Errorf("writeEvent(%q, %q): name read back = %q, want %q", name, data, got.name, wantName)
		}
	})
}

type streamEvent struct{ name, data string }

// readEventStream interprets stream as the HTML standard's event-stream parser does
// (lines end in CRLF, LF or CR; a line starting with a colon is a comment; one space
// after the field's colon is dropped; an event with no data is not dispatched; what
// follows the last blank line is discarded) and returns the events it dispatches.
func readEventStream(stream []byte) []streamEvent {
	s := strings.TrimPrefix(string(stream), "\uFEFF")
	var events []streamEvent
	var name, data strings.Builder
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			return events // an unterminated last line and a pending event are discarded
		}
		line := s[:i]
		if strings.HasPrefix(s[i:], "\r\n") {
			i++
		}
		s = s[i+1:]
		switch {
		case line == "":
			if data.Len() > 0 {
				d := strings.TrimSuffix(data.String(), "\n")
				n := name.String()
				if n == "" {
					n = "message"
				}
				events = append(events, streamEvent{name: n, data: d})
			}
			name.Reset()
			data.Reset()
			continue
		case strings.HasPrefix(line, ":"):
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			name.Reset()
			name.WriteString(value)
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
		}
	}
}
