package gemini

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/generative-ai-go/genai"
	"go.uber.org/zap"
	"google.golang.org/api/iterator"

	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// GenerateStream is Generate over GenerateContentStream, with the same instructions and
// response schema: each recipe is handed to emit as soon as its closing brace has
// arrived. It returns the whole answer and the same errors as Generate. A cancelled ctx
// ends the stream at once.
func (g *Generator) GenerateStream(ctx context.Context, req domain.GenerationRequest, emit application.StreamFunc) (domain.Result, error) {
	callCtx := ctx
	if g.timeout > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	start := g.now()
	parser := prompt.NewStreamParser(func(ev prompt.Event) {
		emit(application.Streamed{Model: g.model, Reset: ev.Reset, Kind: ev.Kind, Recipe: ev.Recipe})
	})
	p := prompt.Build(req)
	it := g.generativeModel(p).GenerateContentStream(callCtx, genai.Text(p.User))
	var last *genai.GenerateContentResponse
	wrote := false
	for {
		resp, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return domain.Result{}, g.classify(ctx, err)
		}
		last = resp
		text, err := streamedText(resp)
		if err != nil {
			return domain.Result{}, err
		}
		if text == "" {
			continue
		}
		wrote = true
		if err := parser.Write(text); err != nil {
			return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
		}
	}
	if !wrote {
		return domain.Result{}, errors.New("unusable answer: no text in the stream")
	}
	res, err := parser.Close()
	if err != nil {
		return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
	}
	if u := last.UsageMetadata; u != nil {
		g.log.Debug("answered", zap.String("model", g.model), zap.Duration("took", g.now().Sub(start)),
			zap.Int32("prompt_tokens", u.PromptTokenCount), zap.Int32("answer_tokens", u.CandidatesTokenCount))
	}
	res.Model = g.model
	return res, nil
}

// streamedText returns the text of one streamed response's first candidate, or the
// error its finish reason means: blocked content is permanent, an answer cut off at the
// output token limit is temporary.
func streamedText(resp *genai.GenerateContentResponse) (string, error) {
	if len(resp.Candidates) == 0 {
		return "", nil // prompt feedback or usage alone
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
	var text string
	if c.Content != nil {
		for _, part := range c.Content.Parts {
			if t, ok := part.(genai.Text); ok {
				text += string(t)
			}
		}
	}
	return text, nil
}
