package openai_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/ai/openai"
	"github.com/naengbu/recipe-ai/application"
)

func TestGenerateStream(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	hostile := aitest.ValidAnswer()
	hostile.Existing[0].Description = `"폭신한" 계란말이 \ 아이도 좋아하는 맛 & <반찬>`
	hostile.Existing[1].Instructions = "1. 김치를 썬다.\n2. 밥과 볶는다.\t\"완성\"\n3. 🍳 계란을 올린다."
	tokens := aitest.Tokens(valid, 3)
	// The role chunk comes first, so the frames that complete the second recipe are
	// one more than the deltas.
	twoRecipes := aitest.UpTo(tokens, valid, 2) + 1
	midStreamError := aitest.OpenAIStream(tokens[:5], "")
	midStreamError.Stream = append(midStreamError.Stream, `data: {"error": {"message": "The server had an error while processing your request.", "type": "server_error", "param": null, "code": null}}`+"\n\n")

	tests := []struct {
		name     string
		give     aitest.Reply
		want     []string
		wantKind string
		wantErr  string // a phrase of the error message
	}{
		{name: "tokens of three characters", give: aitest.OpenAIStream(tokens, "stop"), want: aitest.StreamNames, wantKind: "ok"},
		{name: "one byte per write, inside events and characters", give: aitest.OpenAIStream(aitest.Tokens(valid, 5), "stop").Rechunk(1), want: aitest.StreamNames, wantKind: "ok"},
		{name: "writes cut at odd places", give: aitest.OpenAIStream(tokens, "stop").Rechunk(7, 3, 11, 1, 2), want: aitest.StreamNames, wantKind: "ok"},
		{name: "deltas cut after each escape and quote", give: aitest.OpenAIStream(aitest.Escapes(hostile.JSON()), "stop"), want: aitest.StreamNames, wantKind: "ok"},
		{name: "one character per delta", give: aitest.OpenAIStream(aitest.Tokens(hostile.JSON(), 1), "stop"), want: aitest.StreamNames, wantKind: "ok"},
		{
			name:     "fenced JSON with chatter",
			give:     aitest.OpenAIStream(aitest.Tokens("네, 레시피입니다 {요리}:\n```json\n"+valid+"\n```\n맛있게 드세요!", 4), "stop"),
			want:     aitest.StreamNames,
			wantKind: "ok",
		},
		{
			name: "cut at the output token limit", give: aitest.OpenAIStream(tokens[:len(tokens)/2], "length"),
			want: aitest.StreamNames[:2], wantKind: "temporary", wantErr: "token limit",
		},
		{name: "content filter", give: aitest.OpenAIStream(tokens[:3], "content_filter"), want: []string{}, wantKind: "permanent", wantErr: "content filter"},
		{
			name: "the connection breaks after two recipes", give: func() aitest.Reply {
				r := aitest.OpenAIStream(tokens, "stop")
				r.BreakAfter = twoRecipes
				return r
			}(),
			want: aitest.StreamNames[:2], wantKind: "temporary",
		},
		{
			name: "the stream ends without a finish reason", give: aitest.OpenAIStream(tokens, ""),
			want: aitest.StreamNames, wantKind: "temporary", wantErr: "before the model finished",
		},
		{name: "an error event mid-stream", give: midStreamError, want: []string{}, wantKind: "temporary", wantErr: "server had an error"},
		{
			name: "429 before the stream", give: aitest.OpenAIError(429, "requests", "rate_limit_exceeded", "Rate limit reached.").WithHeader("Retry-After", "9"),
			want: []string{}, wantKind: "retry after 9s",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := aitest.NewServer(t, tt.give)
			var got aitest.Collector
			res, err := newGenerator(t, srv, openai.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), got.Emit)
			if k := aitest.Kind(err); k != tt.wantKind {
				t.Fatalf("GenerateStream() error = %v (%s), want %s", err, k, tt.wantKind)
			}
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("GenerateStream() error = %q, want it to contain %q", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, append([]string{}, got.Names()...)); diff != "" {
				t.Errorf("emitted (-want +got):\n%s", diff)
			}
			if err == nil && (res.Model != openai.DefaultModel || len(res.ExistingIngredientsRecipes) != 3 || len(res.AdditionalIngredientsRecipes) != 2) {
				t.Errorf("GenerateStream() = %d + %d recipes by %q, want 3 + 2 by %s", len(res.ExistingIngredientsRecipes), len(res.AdditionalIngredientsRecipes), res.Model, openai.DefaultModel)
			}
			for _, ev := range got.Events() {
				if !ev.Reset && ev.Model != openai.DefaultModel {
					t.Errorf("emitted %s by model %q, want %s", ev.Recipe.Name, ev.Model, openai.DefaultModel)
				}
			}
		})
	}
}

func TestGenerateStreamAsksForAStreamWithTheSchema(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	srv := aitest.NewServer(t, aitest.OpenAIStream(aitest.Tokens(valid, 4), "stop"))
	var got aitest.Collector
	if _, err := newGenerator(t, srv, openai.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), got.Emit); err != nil {
		t.Fatalf("GenerateStream() error = %v", err)
	}
	r := srv.Received()[0]
	var body struct {
		Stream         bool `json:"stream"`
		ResponseFormat struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Strict bool `json:"strict"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatal(err)
	}
	if r.Path != "/v1/chat/completions" || !body.Stream || body.ResponseFormat.Type != "json_schema" || !body.ResponseFormat.JSONSchema.Strict ||
		r.Header.Get("Accept") != "text/event-stream" {
		t.Errorf("request = %s %+v (Accept %q), want a streamed chat completion with the strict schema", r.Path, body, r.Header.Get("Accept"))
	}
}

func TestGenerateStreamFallsBackToJSONObject(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	srv := aitest.NewServer(t,
		aitest.OpenAIError(400, "invalid_request_error", "invalid_json_schema", "Invalid schema for response_format 'recipes'."),
		aitest.OpenAIStream(aitest.Tokens(valid, 4), "stop"))
	var got aitest.Collector
	if _, err := newGenerator(t, srv, openai.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), got.Emit); err != nil {
		t.Fatalf("GenerateStream() error = %v", err)
	}
	if second := string(srv.Received()[1].Body); !strings.Contains(second, `"type":"json_object"`) || !strings.Contains(second, `"stream":true`) {
		t.Errorf("second request = %s, want a stream asking for json_object", second)
	}
	if diff := cmp.Diff(aitest.StreamNames, got.Names()); diff != "" {
		t.Errorf("emitted (-want +got):\n%s", diff)
	}
}

func TestGenerateStreamAtARealisticPace(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	tokens := aitest.Tokens(valid, 3)
	srv := aitest.NewServer(t, aitest.OpenAIStream(tokens, "stop").WithPace(2*time.Millisecond))
	var got aitest.Collector
	var at []time.Duration
	start := time.Now()
	_, err := newGenerator(t, srv, openai.Options{}).GenerateStream(context.Background(), aitest.FridgeRequest(t), func(s application.Streamed) {
		at = append(at, time.Since(start))
		got.Emit(s)
	})
	took := time.Since(start)
	if err != nil || len(at) != 5 {
		t.Fatalf("GenerateStream() = %q, %v; want the 5 recipes", got.Names(), err)
	}
	if at[0] > took/2 {
		t.Errorf("first recipe after %v of %v, want it well before the end of the stream", at[0], took)
	}
}

func TestGenerateStreamEmitsBeforeTheEndAndStopsWhenCancelled(t *testing.T) {
	valid := aitest.ValidAnswer().JSON()
	tokens := aitest.Tokens(valid, 3)
	r := aitest.OpenAIStream(tokens, "stop")
	r.HoldAfter = aitest.UpTo(tokens, valid, 1) + 1
	srv := aitest.NewServer(t, r)
	aitest.StreamsBeforeTheEnd(t, srv, newGenerator(t, srv, openai.Options{}))
}
