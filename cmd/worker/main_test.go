package main

import (
	"testing"

	"go.uber.org/fx"

	"github.com/naengbu/recipe-ai/config"
)

func TestOptionsFormAValidGraph(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatalf("config.Load(defaults) error = %v", err)
	}
	if err := fx.ValidateApp(options(cfg)...); err != nil {
		t.Fatalf("fx.ValidateApp(options) = %v", err)
	}
}
