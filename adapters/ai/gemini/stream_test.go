package gemini_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/gemini"
)

func TestGenerateStream(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	hostile := aitest.ValidAnswer()
	hostile.Existing[0].Description = `"폭신한" 계란말이 \ 아이도 좋아하는 맛 & <반찬>`
	hostile.Existing[1].Instructions = "1. 김치를 썬다.\n2. 밥과 볶는다.\t\"완성\"\n3. 🍳 계란을 올린다."
	tokens := aitest.Tokens(valid, 3)
	twoRecipes := aitest.UpTo(tokens, valid, 2)

	tests := []struct {
		name     string
		give     aitest.Reply
		want     []string
		wantKind string
		wantErr  string // a phrase of the error message
	}{
		{name: "tokens of three characters", give: aitest.GeminiStream(tokens, 1), want: aitest.StreamNames, wantKind: "ok"},
		{name: "one byte per write, inside responses and characters", give: aitest.GeminiStream(aitest.Tokens(valid, 6), 1).Rechunk(1), want: aitest.StreamNames, wantKind: "ok"},
		{name: "writes cut at odd places", give: aitest.GeminiStream(tokens, 1).Rechunk(7, 3, 11, 1, 2), want: aitest.StreamNames, wantKind: "ok"},
		{name: "texts cut after each escape and quote", give: aitest.GeminiStream(aitest.Escapes(hostile.JSON()), 1), want: aitest.StreamNames, wantKind: "ok"},
		{name: "one character per response", give: aitest.GeminiStream(aitest.Tokens(hostile.JSON(), 1), 1), want: aitest.StreamNames, wantKind: "ok"},
		{
			name:     "fenced JSON with chatter",
			give:     aitest.GeminiStream(aitest.Tokens("레시피입니다 {요리}:\n```json\n"+valid+"\n```\n맛있게 드세요!", 4), 1),
			want:     aitest.StreamNames,
			wantKind: "ok",
		},
		{
			name: "cut off at the output token limit", give: aitest.GeminiStream(tokens[:twoRecipes+3], 2),
			want: aitest.StreamNames[:2], wantKind: "temporary", wantErr: "token limit",
		},
		{name: "blocked half-way", give: aitest.GeminiStream(tokens[:twoRecipes+1], 8), want: aitest.StreamNames[:2], wantKind: "permanent", wantErr: "finish reason 8"},
		{
			name: "the connection breaks after two recipes", give: func() aitest.Reply {
				r := aitest.GeminiStream(tokens, 1)
				r.BreakAfter = twoRecipes
				return r
			}(),
			want: aitest.StreamNames[:2], wantKind: "temporary",
		},
		{
			name: "the answer is a poem", give: aitest.GeminiStream(aitest.Tokens("Roses are red, kimchi is too.", 3), 1),
			want: []string{}, wantKind: "temporary", wantErr: "unusable answer",
		},
		{
			name: "429 before the stream", give: aitest.GeminiError(429, "RESOURCE_EXHAUSTED", "Quota exceeded.").WithHeader("Retry-After", "7"),
			want: []string{}, wantKind: "retry after 7s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := aitest.NewServer(t, tt.give)
			var got aitest.Collector
			res, err := newGenerator(t, srv, gemini.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), got.Emit)
			if k := aitest.Kind(err); k != tt.wantKind {
				t.Fatalf("GenerateStream() error = %v (%s), want %s", err, k, tt.wantKind)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("GenerateStream() error = %q, want it to contain %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, append([]string{}, got.Names()...)); diff != "" {
				t.Errorf("emitted (-want +got):\n%s", diff)
			}
			if err == nil && (res.Model != gemini.DefaultModel || len(res.ExistingIngredientsRecipes) != 3 || len(res.AdditionalIngredientsRecipes) != 2) {
				t.Errorf("GenerateStream() = %d + %d recipes by %q, want 3 + 2 by %s", len(res.ExistingIngredientsRecipes), len(res.AdditionalIngredientsRecipes), res.Model, gemini.DefaultModel)
			}
		})
	}
}

// The SDK asks for the stream at :streamGenerateContent with $alt=json, not alt=sse, and
// with the same JSON schema as the whole answer.
func TestGenerateStreamRequest(t *testing.T) {
	srv := aitest.NewServer(t, aitest.GeminiStream(aitest.Tokens(aitest.ValidAnswer().JSON(), 5), 1))
	var got aitest.Collector
	if _, err := newGenerator(t, srv, gemini.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), got.Emit); err != nil {
		t.Fatalf("GenerateStream() error = %v", err)
	}
	r := srv.Received()[0]
	var body struct {
		GenerationConfig struct {
			ResponseMIMEType string          `json:"responseMimeType"`
			ResponseSchema   json.RawMessage `json:"responseSchema"`
		} `json:"generationConfig"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if r.Path != "/v1beta/models/gemini-2.5-flash:streamGenerateContent" || r.Query.Get("$alt") != "json;enum-encoding=int" {
		t.Errorf("request = %s ?%s, want :streamGenerateContent with $alt=json;enum-encoding=int", r.Path, r.Query.Encode())
	}
	if body.GenerationConfig.ResponseMIMEType != "application/json" || !strings.Contains(string(body.GenerationConfig.ResponseSchema), "additionalIngredientsRecipes") {
		t.Errorf("generation config = %+v, want JSON mode with the answer schema", body.GenerationConfig)
	}
	if k := r.Header.Get("x-goog-api-key"); k != testKey || r.Query.Has("key") {
		t.Errorf("request key header = %q, key query = %q; want the key in the header only", k, r.Query.Get("key"))
	}
}

func TestGenerateStreamEmitsBeforeTheEndAndStopsWhenCancelled(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	tokens := aitest.Tokens(valid, 3)
	r := aitest.GeminiStream(tokens, 1)
	r.HoldAfter = aitest.UpTo(tokens, valid, 1)
	srv := aitest.NewServer(t, r)
	aitest.StreamsBeforeTheEnd(t, srv, newGenerator(t, srv, gemini.Options{}))
}
