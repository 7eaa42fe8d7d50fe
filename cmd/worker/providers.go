package main

import (
	"go.uber.org/fx"

	"github.com/naengbu/recipe-ai/adapters/ai/offline"
	"github.com/naengbu/recipe-ai/application"
)

// providersModule provides the RecipeGenerator the processor asks.
var providersModule = fx.Module("providers",
	fx.Provide(func() application.RecipeGenerator { return offline.New() }),
)
