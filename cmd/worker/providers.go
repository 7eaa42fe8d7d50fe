package main

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/ai/chain"
	"github.com/naengbu/recipe-ai/adapters/ai/gemini"
	"github.com/naengbu/recipe-ai/adapters/ai/offline"
	"github.com/naengbu/recipe-ai/adapters/ai/openai"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// providersModule builds the AI provider chain of AI_PROVIDERS and binds it to the port
// the processor uses.
var providersModule = fx.Module("providers",
	fx.Provide(fx.Annotate(newChain, fx.As(new(application.ProviderChain)), fx.As(new(application.ProviderHealthSource)))),
)

// newChain makes one link per provider of cfg.Providers(), in order: AI_PROVIDERS when
// set, else gemini and openai when configured, then offline. AI_TIMEOUT bounds each
// call once, in the chain.
func newChain(lc fx.Lifecycle, cfg config.Config, log *zap.Logger, reg prometheus.Registerer, tp trace.TracerProvider) (*chain.Chain, error) {
	var links []chain.Link
	for _, name := range cfg.Providers() {
		switch name {
		case config.ProviderGemini:
			g, err := gemini.New(gemini.Options{
				APIKey: cfg.GeminiAPIKey.Reveal(), Model: cfg.GeminiModel, BaseURL: cfg.GeminiBaseURL,
				Logger: log,
			})
			if err != nil {
				return nil, err
			}
			lc.Append(fx.StopHook(g.Close))
			links = append(links, chain.Link{Name: g.Name(), Model: g.Model(), Generator: g})
		case config.ProviderOpenAI:
			o, err := openai.New(openai.Options{
				APIKey: cfg.OpenAIAPIKey.Reveal(), Model: cfg.OpenAIModel, BaseURL: cfg.OpenAIBaseURL,
				Logger: log,
			})
			if err != nil {
				return nil, err
			}
			links = append(links, chain.Link{Name: o.Name(), Model: o.Model(), Generator: o})
		case config.ProviderOffline:
			// The offline engine may answer with fewer than 3 + 2 recipes: it never pads
			// with unfit ones.
			links = append(links, chain.Link{Name: offline.Provider, Generator: offline.New(), Partial: true})
		}
	}
	opts := chain.Options{Timeout: cfg.AITimeout, Logger: log.Named("chain"), Registerer: reg}
	if cfg.Tracing() {
		opts.TracerProvider = tp
	}
	return chain.New(links, opts), nil
}
