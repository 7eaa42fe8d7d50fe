// Package gemini asks Google's Gemini API for recipes through the generative-ai-go SDK,
// in JSON mode with a response schema, so the model cannot answer in prose.
package gemini

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/generative-ai-go/genai"
	"go.uber.org/zap"
	"google.golang.org/api/option"

	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// Name is the provider name the generator reports and results carry.
const Name = "gemini"

// DefaultModel is the model used when Options.Model is empty.
const DefaultModel = "gemini-2.5-flash"

// Options configure a Generator. Only APIKey is required.
type Options struct {
	APIKey string
	Model  string // DefaultModel when empty
	// BaseURL replaces https://generativelanguage.googleapis.com, for a proxy or a test
	// server; the SDK appends /v1beta/models/{model}:generateContent.
	BaseURL string
	Timeout time.Duration // bounds one Generate; 0 leaves it to ctx
	Logger  *zap.Logger   // nil logs nothing
}

// Generator is an application.RecipeGenerator backed by Gemini. It is safe for
// concurrent use.
type Generator struct {
	client  *genai.Client
	model   string
	timeout time.Duration
	schema  *genai.Schema
	log     *zap.Logger
	now     func() time.Time
}

// New builds a Generator; it makes no request. Its error names the bad option.
func New(o Options) (*Generator, error) {
	if o.APIKey == "" {
		return nil, errors.New("gemini: an API key is required")
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	// The key travels in a header set by our transport rather than as the SDK's ?key=
	// query parameter, which would appear in every url.Error message and so in logs.
	opts := []option.ClientOption{
		option.WithHTTPClient(&http.Client{Transport: &transport{key: o.APIKey, base: base, now: time.Now}}),
		option.WithAPIKey(o.APIKey), // the SDK's unused gRPC cache client insists on credentials
	}
	if o.BaseURL != "" {
		u, err := url.Parse(o.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("gemini: base URL %q: want http(s)://host[:port][/path]", o.BaseURL)
		}
		endpoint := strings.TrimSuffix(strings.TrimSuffix(o.BaseURL, "/"), "/v1beta")
		opts = append(opts, option.WithEndpoint(endpoint))
	}
	client, err := genai.NewClient(context.Background(), opts...)
	if err != nil {
		return nil, fmt.Errorf("gemini: %w", err)
	}
	return &Generator{
		client:  client,
		model:   o.Model,
		timeout: o.Timeout,
		schema:  toSchema(prompt.AnswerSchema()),
		log:     o.Logger.Named(Name),
		now:     time.Now,
	}, nil
}

// Name returns "gemini".
func (g *Generator) Name() string { return Name }

// Model returns the model asked.
func (g *Generator) Model() string { return g.model }

// Close releases the SDK's connections.
func (g *Generator) Close() error { return g.client.Close() }

// Generate asks the model for 3 + 2 recipes and returns what it answered; the processor
// checks the answer. Errors: ctx's own error once ctx is done (the request is abandoned at
// once); a *application.RetryAfterError for 429; an error wrapping application.ErrPermanent
// for a bad key, a rejected request or blocked content; any other error (5xx, timeout,
// network, an unusable answer) is temporary.
func (g *Generator) Generate(ctx context.Context, req domain.GenerationRequest) (domain.Result, error) {
	callCtx := ctx
	if g.timeout > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	p := prompt.Build(req)
	start := g.now()
	resp, err := g.generativeModel(p).GenerateContent(callCtx, genai.Text(p.User))
	if err != nil {
		return domain.Result{}, g.classify(ctx, err)
	}
	text, err := answerText(resp)
	if err != nil {
		return domain.Result{}, err
	}
	res, err := prompt.ParseAnswer(text)
	if err != nil {
		return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
	}
	if u := resp.UsageMetadata; u != nil {
		g.log.Debug("answered", zap.String("model", g.model), zap.Duration("took", g.now().Sub(start)),
			zap.Int32("prompt_tokens", u.PromptTokenCount), zap.Int32("answer_tokens", u.CandidatesTokenCount))
	}
	res.Model = g.model
	return res, nil
}

// generativeModel is the model asked for p: its system instruction, in JSON mode with the
// answer schema.
func (g *Generator) generativeModel(p prompt.Prompt) *genai.GenerativeModel {
	m := g.client.GenerativeModel(g.model)
	m.SystemInstruction = &genai.Content{Parts: []genai.Part{genai.Text(p.System)}}
	m.ResponseMIMEType = "application/json"
	m.ResponseSchema = g.schema
	return m
}

// Finish reasons newer than the SDK's enum that also mean the answer was blocked:
// BLOCKLIST, PROHIBITED_CONTENT and SPII. The SDK itself reports SAFETY and RECITATION.
var blockedFinishes = []genai.FinishReason{7, 8, 9}

// answerText joins the text parts of the first candidate.
func answerText(resp *genai.GenerateContentResponse) (string, error) {
	if len(resp.Candidates) == 0 {
		return "", errors.New("unusable answer: no candidates")
	}
	c := resp.Candidates[0]
	for _, r := range blockedFinishes {
		if c.FinishReason == r {
			return "", fmt.Errorf("%w: %w (finish reason %d)", application.ErrPermanent, application.ErrContentBlocked, r)
		}
	}
	if c.FinishReason == genai.FinishReasonMaxTokens {
		return "", errors.New("unusable answer: cut off at the output token limit")
	}
	var b strings.Builder
	if c.Content != nil {
		for _, part := range c.Content.Parts {
			if t, ok := part.(genai.Text); ok {
				b.WriteString(string(t))
			}
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("unusable answer: no text (finish reason %s)", c.FinishReason)
	}
	return b.String(), nil
}

// toSchema turns the provider-neutral answer schema into Gemini's.
func toSchema(s *prompt.Schema) *genai.Schema {
	out := &genai.Schema{Description: s.Description, Enum: s.Enum}
	switch s.Type {
	case "object":
		out.Type = genai.TypeObject
	case "array":
		out.Type = genai.TypeArray
	case "integer":
		out.Type = genai.TypeInteger
	default:
		out.Type = genai.TypeString
	}
	if len(s.Enum) > 0 {
		out.Format = "enum"
	}
	if s.Items != nil {
		out.Items = toSchema(s.Items)
	}
	if len(s.Properties) > 0 {
		out.Properties = make(map[string]*genai.Schema, len(s.Properties))
		for _, p := range s.Properties {
			out.Properties[p.Name] = toSchema(p.Schema)
		}
		out.Required = s.Required()
	}
	return out
}
