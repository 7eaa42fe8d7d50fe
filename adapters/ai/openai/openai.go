// Package openai asks OpenAI, or any server that speaks its chat completions API (Ollama,
// vLLM, LM Studio), for recipes through the go-openai SDK, with structured output.
package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Name is the provider name the generator reports and results carry.
const Name = "openai"

// DefaultModel is the model used when Options.Model is empty.
const DefaultModel = "gpt-4o-mini"

// Options configure a Generator.
type Options struct {
	// APIKey is sent as a bearer token. It may be empty only with a BaseURL, for local
	// servers such as Ollama that need none.
	APIKey string
	Model  string // DefaultModel when empty
	// BaseURL replaces https://api.openai.com/v1; the SDK appends /chat/completions.
	// Ollama: http://localhost:11434/v1.
	BaseURL string
	Timeout time.Duration // bounds one Generate; 0 leaves it to ctx
	Logger  *zap.Logger   // nil logs nothing
}

// Generator is an application.RecipeGenerator backed by a chat completions API. It is
// safe for concurrent use.
type Generator struct {
	client  *goopenai.Client
	model   string
	timeout time.Duration
	schema  *goopenai.ChatCompletionResponseFormatJSONSchema
	log     *zap.Logger
	now     func() time.Time
	// jsonObject is set once the server rejected a json_schema response format and then
	// accepted json_object: every later request asks for json_object at once.
	jsonObject atomic.Bool
}

// New builds a Generator; it makes no request. Its error names the bad option.
func New(o Options) (*Generator, error) {
	if o.APIKey == "" && o.BaseURL == "" {
		return nil, errors.New("openai: an API key is required unless a base URL points at a server that needs none")
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	cfg := goopenai.DefaultConfig(o.APIKey)
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("openai: base URL %q: want http(s)://host[:port]/v1", o.BaseURL)
		}
		cfg.BaseURL = strings.TrimSuffix(o.BaseURL, "/")
	}
	cfg.HTTPClient = &http.Client{Transport: headerRecorder{base: http.DefaultTransport.(*http.Transport).Clone()}}
	schema, err := json.Marshal(prompt.AnswerSchema().JSONSchema())
	if err != nil {
		return nil, fmt.Errorf("openai: encode answer schema: %w", err)
	}
	return &Generator{
		client:  goopenai.NewClientWithConfig(cfg),
		model:   o.Model,
		timeout: o.Timeout,
		schema: &goopenai.ChatCompletionResponseFormatJSONSchema{
			Name:        "recipes",
			Description: "Recipe suggestions for the ingredients in a fridge.",
			Schema:      json.RawMessage(schema),
			Strict:      true,
		},
		log: o.Logger.Named(Name),
		now: time.Now,
	}, nil
}

// Name returns "openai".
func (g *Generator) Name() string { return Name }

// Model returns the model asked.
func (g *Generator) Model() string { return g.model }

// Generate asks the model for 3 + 2 recipes and returns what it answered; the processor
// checks the answer. It asks for strict json_schema output; a server that rejects it with
// a 400 or 422 about the response format or the schema is asked once more with
// json_object, and when that works, the generator uses json_object from then on. Any other
// 400 or 422 is permanent after that one call. Errors: ctx's own error once ctx is done (the request is
// abandoned at once); a *application.RetryAfterError for 429; an error wrapping
// application.ErrPermanent for a bad key, a rejected request, an exhausted billing quota,
// filtered content or a refusal; any other error (5xx, timeout, network, an unusable
// answer) is temporary.
func (g *Generator) Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error) {
	callCtx := ctx
	if g.timeout > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	p := prompt.Build(req)
	resp, header, err := withFormatFallback(ctx, g, func(schema bool) (goopenai.ChatCompletionResponse, http.Header, error) {
		return g.complete(callCtx, p, schema)
	})
	if err != nil {
		return domain.Result{}, g.classify(ctx, err, header)
	}
	res, err := g.read(resp)
	if err != nil {
		return domain.Result{}, err
	}
	res.Model = g.model
	return res, nil
}

// complete sends one chat completion request and returns the answer or the error with the
// response's headers.
func (g *Generator) complete(ctx context.Context, p prompt.Prompt, schema bool) (goopenai.ChatCompletionResponse, http.Header, error) {
	rec := &response{}
	resp, err := g.client.CreateChatCompletion(context.WithValue(ctx, responseKey{}, rec), g.request(p, schema))
	return resp, rec.header(), err
}

// request is the chat completion request for p, asking for strict json_schema output or
// for json_object.
func (g *Generator) request(p prompt.Prompt, schema bool) goopenai.ChatCompletionRequest {
	format := &goopenai.ChatCompletionResponseFormat{Type: goopenai.ChatCompletionResponseFormatTypeJSONObject}
	if schema {
		format = &goopenai.ChatCompletionResponseFormat{Type: goopenai.ChatCompletionResponseFormatTypeJSONSchema, JSONSchema: g.schema}
	}
	return goopenai.ChatCompletionRequest{
		Model: g.model,
		Messages: []goopenai.ChatCompletionMessage{
			{Role: goopenai.ChatMessageRoleSystem, Content: p.System},
			{Role: goopenai.ChatMessageRoleUser, Content: p.User},
		},
		ResponseFormat: format,
	}
}

// read turns a completion into recipes, or says why it cannot.
func (g *Generator) read(resp goopenai.ChatCompletionResponse) (domain.Result, error) {
	if len(resp.Choices) == 0 {
		return domain.Result{}, errors.New("unusable answer: no choices")
	}
	c := resp.Choices[0]
	switch {
	case c.FinishReason == goopenai.FinishReasonContentFilter:
		return domain.Result{}, fmt.Errorf("%w: %w: answer blocked by the content filter", application.ErrPermanent, application.ErrContentBlocked)
	case c.Message.Refusal != "":
		return domain.Result{}, fmt.Errorf("%w: %w: the model refused: %s", application.ErrPermanent, application.ErrContentBlocked, cut(c.Message.Refusal))
	case c.FinishReason == goopenai.FinishReasonLength:
		return domain.Result{}, errors.New("unusable answer: cut off at the output token limit")
	}
	res, err := prompt.ParseAnswer(c.Message.Content)
	if err != nil {
		return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
	}
	g.log.Debug("answered", zap.String("model", resp.Model),
		zap.Int("prompt_tokens", resp.Usage.PromptTokens), zap.Int("answer_tokens", resp.Usage.CompletionTokens))
	return res, nil
}

// cut shortens a provider's text for an error message.
func cut(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

// withFormatFallback sends a request with json_schema output, unless the server refused
// it before, and once more with json_object when the server refuses json_schema now;
// when that works, the generator asks for json_object from then on. ctx is the caller's
// context: a cancelled call is not asked again.
func withFormatFallback[T any](ctx context.Context, g *Generator, send func(schema bool) (T, http.Header, error)) (T, http.Header, error) {
	usedSchema := !g.jsonObject.Load()
	out, header, err := send(usedSchema)
	if err != nil && usedSchema && rejectsFormat(err) && ctx.Err() == nil {
		first := err
		out, header, err = send(false)
		if err == nil {
			g.jsonObject.Store(true)
			g.log.Info("the server rejected json_schema output; asking for json_object from now on",
				zap.String("model", g.model), zap.Error(first))
		}
	}
	return out, header, err
}
