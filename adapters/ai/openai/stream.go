package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	goopenai "github.com/sashabaranov/go-openai"

	"github.com/naengbu/recipe-ai/adapters/ai/prompt"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// GenerateStream is Generate over a streamed chat completion (CreateChatCompletionStream,
// the same request and response format): each recipe is handed to emit as soon as its
// closing brace has arrived. It returns the whole answer and the same errors as Generate;
// a stream that ends before the model said it had finished is a temporary failure. A
// cancelled ctx ends the stream at once.
func (g *Generator) GenerateStream(ctx context.Context, req domain.GenerationRequest, emit application.StreamFunc) (domain.Result, error) {
	callCtx := ctx
	if g.timeout > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, g.timeout)
		defer cancel()
	}
	p := prompt.Build(req)
	stream, header, err := withFormatFallback(ctx, g, func(schema bool) (*goopenai.ChatCompletionStream, http.Header, error) {
		return g.openStream(callCtx, p, schema)
	})
	if err != nil {
		return domain.Result{}, g.classify(ctx, err, header)
	}
	defer stream.Close()
	parser := prompt.NewStreamParser(func(ev prompt.Event) {
		emit(application.Streamed{Model: g.model, Reset: ev.Reset, Kind: ev.Kind, Recipe: ev.Recipe})
	})
	res, err := g.readStream(stream, parser)
	if err != nil {
		return domain.Result{}, g.classify(ctx, err, header)
	}
	res.Model = g.model
	return res, nil
}

// openStream sends one streamed chat completion request and returns the stream, or the
// error with the response's headers.
func (g *Generator) openStream(ctx context.Context, p prompt.Prompt, schema bool) (*goopenai.ChatCompletionStream, http.Header, error) {
	rec := &response{}
	stream, err := g.client.CreateChatCompletionStream(context.WithValue(ctx, responseKey{}, rec), g.request(p, schema))
	return stream, rec.header(), err
}

// readStream feeds the deltas of the stream's first choice to parser and returns the
// answer once the model has finished.
func (g *Generator) readStream(stream *goopenai.ChatCompletionStream, parser *prompt.StreamParser) (domain.Result, error) {
	var finish goopenai.FinishReason
	var refusal strings.Builder
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return domain.Result{}, fmt.Errorf("read stream: %w", err)
		}
		if len(chunk.Choices) == 0 {
			continue // a usage chunk
		}
		c := chunk.Choices[0]
		refusal.WriteString(c.Delta.Refusal)
		if c.FinishReason != "" {
			finish = c.FinishReason
		}
		if c.Delta.Content == "" {
			continue
		}
		if err := parser.Write(c.Delta.Content); err != nil {
			return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
		}
	}
	switch {
	case finish == goopenai.FinishReasonContentFilter:
		return domain.Result{}, fmt.Errorf("%w: %w: answer blocked by the content filter", application.ErrPermanent, application.ErrContentBlocked)
	case refusal.Len() > 0:
		return domain.Result{}, fmt.Errorf("%w: %w: the model refused: %s", application.ErrPermanent, application.ErrContentBlocked, cut(refusal.String()))
	case finish == goopenai.FinishReasonLength:
		return domain.Result{}, errors.New("unusable answer: cut off at the output token limit")
	case finish == "":
		return domain.Result{}, errors.New("the stream ended before the model finished its answer")
	}
	res, err := parser.Close()
	if err != nil {
		return domain.Result{}, fmt.Errorf("unusable answer: %w", err)
	}
	return res, nil
}
