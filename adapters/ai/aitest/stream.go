package aitest

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The streaming wire formats the adapters' SDKs read.
//
// OpenAI (go-openai's CreateChatCompletionStream, "stream": true): Server-Sent Events,
// one "data: {chat.completion.chunk}" line per delta, the last chunk with a
// finish_reason, then "data: [DONE]".
//
// Gemini (generative-ai-go v0.20.1's GenerateContentStream): a POST to
// /v1beta/models/{model}:streamGenerateContent?$alt=json;enum-encoding=int, answered
// with one JSON array of GenerateContentResponse objects written as they come
// ("[{…}" then ",\r\n{…}" … then "]"), which the SDK's REST client reads element by
// element. It does not ask for alt=sse.

// OpenAIStream is a 200 from /chat/completions with "stream": true whose deltas are the
// pieces of the answer, ending with finishReason ("" ends the stream without one).
func OpenAIStream(deltas []string, finishReason string) Reply {
	chunk := func(delta map[string]any, finish any) string {
		return "data: " + encode(map[string]any{
			"id": "chatcmpl-AbC123", "object": "chat.completion.chunk", "created": 1732233600,
			"model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
			"choices": []any{map[string]any{"index": 0, "delta": delta, "logprobs": nil, "finish_reason": finish}},
		}) + "\n\n"
	}
	frames := []string{chunk(map[string]any{"role": "assistant", "content": "", "refusal": nil}, nil)}
	for _, d := range deltas {
		frames = append(frames, chunk(map[string]any{"content": d}, nil))
	}
	if finishReason != "" {
		frames = append(frames, chunk(map[string]any{}, finishReason), "data: [DONE]\n\n")
	}
	return Reply{Stream: frames, ContentType: "text/event-stream; charset=utf-8"}
}

// GeminiStream is a 200 from :streamGenerateContent whose responses carry the pieces of
// the answer, the last one with finishReason (1 STOP, 2 MAX_TOKENS, 8 PROHIBITED_CONTENT).
func GeminiStream(pieces []string, finishReason int) Reply {
	var frames []string
	for i, text := range pieces {
		cand := map[string]any{
			"content": map[string]any{"parts": []any{map[string]any{"text": text}}, "role": "model"},
			"index":   0,
		}
		if i == len(pieces)-1 {
			cand["finishReason"] = finishReason
		}
		sep := ",\r\n"
		if i == 0 {
			sep = "["
		}
		frames = append(frames, sep+encode(map[string]any{
			"candidates":    []any{cand},
			"usageMetadata": map[string]any{"promptTokenCount": 812, "candidatesTokenCount": 10 * (i + 1), "totalTokenCount": 812 + 10*(i+1)},
			"modelVersion":  "gemini-2.5-flash",
		})+"\n")
	}
	frames = append(frames, "]")
	return Reply{Stream: frames}
}

// Rechunk returns r with its stream written in pieces of the given sizes in bytes, in
// turn, wherever they fall: inside an event, a JSON escape or a multi-byte character.
// Rechunk(r, 1) writes one byte at a time.
func (r Reply) Rechunk(sizes ...int) Reply {
	body := strings.Join(r.Stream, "")
	var out []string
	for i := 0; len(body) > 0; i++ {
		n := min(max(sizes[i%len(sizes)], 1), len(body))
		out = append(out, body[:n])
		body = body[n:]
	}
	r.Stream = out
	return r
}

// WithPace returns r with its stream's pieces written pace apart.
func (r Reply) WithPace(pace time.Duration) Reply {
	r.Pace = pace
	return r
}

// Tokens cuts text into pieces of n characters, as a model writes tokens.
func Tokens(text string, n int) []string {
	var out []string
	for len(text) > 0 {
		end, count := 0, 0
		for end < len(text) && count < n {
			_, size := utf8.DecodeRuneInString(text[end:])
			end += size
			count++
		}
		out = append(out, text[:end])
		text = text[end:]
	}
	return out
}

// Escapes cuts text right after every backslash and quote, so that each JSON escape and
// each string of the answer is split between two pieces.
func Escapes(text string) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		if text[i] == '\\' || text[i] == '"' {
			out = append(out, text[start:i+1])
			start = i + 1
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// UpTo returns the pieces up to and including the one that completes the n-th recipe
// object of the answer text they cut (counting both lists), and how many that is.
func UpTo(pieces []string, text string, n int) int {
	end := recipeEnd(text, n)
	written := 0
	for i, p := range pieces {
		written += len(p)
		if written >= end {
			return i + 1
		}
	}
	panic(fmt.Sprintf("aitest: the pieces hold fewer than %d recipes", n))
}

// recipeEnd returns the offset just past the closing brace of the n-th recipe (1-based)
// of an answer written by Answer.JSON.
func recipeEnd(text string, n int) int {
	at := 0
	for range n {
		i := strings.Index(text[at:], `"instructions":`)
		if i < 0 {
			return len(text) + 1
		}
		at += i
		at += strings.Index(text[at:], `"}`) + 2
	}
	return at
}
