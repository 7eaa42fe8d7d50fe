package valkey

import (
	"go.uber.org/fx"

	"github.com/naengbu/recipe-ai/application"
)

// AdminModule provides what the api's dashboard reads: the board of the queue and the
// workers' reports of their providers. Add it with APIModule when ADMIN_TOKEN is set.
var AdminModule = fx.Module("valkey.admin",
	fx.Provide(
		fx.Annotate(NewBoard, fx.As(new(application.JobBoard))),
		fx.Annotate(NewProviderHealth, fx.As(new(application.ProviderHealthReader))),
	),
)

// ReporterModule provides where a worker writes its providers' health; add it with
// WorkerModule.
var ReporterModule = fx.Module("valkey.reporter",
	fx.Provide(fx.Annotate(NewProviderHealth, fx.As(new(application.ProviderHealthWriter)))),
)
