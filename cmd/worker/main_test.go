package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/naengbu/recipe-ai/config"
)

func TestOptionsFormAValidGraph(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"defaults":     nil,
		"with history": {"DATABASE_URL": "postgres://localhost:5432/recipes"},
		"with tracing": {"OTEL_ENABLED": "true"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string { return env[k] })
			if err != nil {
				t.Fatalf("config.Load(%v) error = %v", env, err)
			}
			if err := fx.ValidateApp(options(cfg)...); err != nil {
				t.Fatalf("fx.ValidateApp(options) = %v", err)
			}
		})
	}
}
