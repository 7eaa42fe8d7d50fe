package aitest

import "encoding/json"

// GeminiAnswer is a 200 from Gemini's generateContent whose first candidate says text.
// The SDK asks for enum-encoding=int, so finishReason is a number: 1 STOP, 2 MAX_TOKENS,
// 3 SAFETY, 8 PROHIBITED_CONTENT.
func GeminiAnswer(text string, finishReason int) Reply {
	return Reply{Body: encode(map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"parts": []any{map[string]any{"text": text}}, "role": "model"},
			"finishReason": finishReason,
			"index":        0,
		}},
		"usageMetadata": map[string]any{"promptTokenCount": 812, "candidatesTokenCount": 1034, "totalTokenCount": 1846},
		"modelVersion":  "gemini-2.5-flash",
	})}
}

// GeminiError is an error answer as the Gemini API writes it; each detail is a JSON object
// such as a google.rpc.RetryInfo.
func GeminiError(code int, status, message string, details ...string) Reply {
	raw := make([]json.RawMessage, len(details))
	for i, d := range details {
		raw[i] = json.RawMessage(d)
	}
	return Reply{Status: code, Body: encode(map[string]any{"error": map[string]any{
		"code": code, "message": message, "status": status, "details": raw,
	}})}
}

// OpenAICompletion is a 200 from /chat/completions whose first choice says content.
func OpenAICompletion(content, finishReason string) Reply {
	return OpenAIMessage(map[string]any{"role": "assistant", "content": content, "refusal": nil}, finishReason)
}

// OpenAIMessage is a 200 from /chat/completions whose first choice holds msg.
func OpenAIMessage(msg map[string]any, finishReason string) Reply {
	return Reply{Body: encode(map[string]any{
		"id": "chatcmpl-AbC123", "object": "chat.completion", "created": 1732233600,
		"model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_0ba0d124f1",
		"choices": []any{map[string]any{"index": 0, "message": msg, "logprobs": nil, "finish_reason": finishReason}},
		"usage":   map[string]any{"prompt_tokens": 812, "completion_tokens": 1034, "total_tokens": 1846},
	})}
}

// OpenAIError is an error answer as OpenAI writes it; code may be nil.
func OpenAIError(status int, typ string, code any, message string) Reply {
	return Reply{Status: status, Body: encode(map[string]any{"error": map[string]any{
		"message": message, "type": typ, "param": nil, "code": code,
	}})}
}

// WithHeader returns r with one more response header.
func (r Reply) WithHeader(k, v string) Reply {
	h := map[string]string{k: v}
	for hk, hv := range r.Header {
		h[hk] = hv
	}
	r.Header = h
	return r
}

func encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
