// Package logging builds the zap logger both binaries inject everywhere.
package logging

import (
	"fmt"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/naengbu/recipe-ai/config"
)

// Module provides the *zap.Logger, logs a readable summary of the configuration once at
// start (never a secret) and a last line when the binary has stopped, and routes fx's own
// events to the logger at debug level. (fx.WithLogger applies to the whole app only
// outside an fx.Module.)
var Module = fx.Options(
	fx.Module("logging", fx.Provide(New), fx.Invoke(logConfig, logStopped)),
	fx.WithLogger(func(log *zap.Logger) fxevent.Logger {
		l := &fxevent.ZapLogger{Logger: log.Named("fx")}
		l.UseLogLevel(zapcore.DebugLevel)
		return l
	}),
)

// New builds a logger from LOG_LEVEL and LOG_FORMAT: JSON lines for machines, or a
// coloured console format for people, on stderr. It is named after the binary.
func New(cfg config.Config, binary Binary) (*zap.Logger, error) {
	var zc zap.Config
	if cfg.LogFormat == "console" {
		zc = zap.NewDevelopmentConfig()
		zc.EncoderConfig.EncodeLevel = zapcore.CapitalColorLevelEncoder
		zc.DisableStacktrace = true
	} else {
		zc = zap.NewProductionConfig()
		zc.EncoderConfig.TimeKey = "time"
		zc.EncoderConfig.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	}
	level, err := zapcore.ParseLevel(cfg.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("LOG_LEVEL: %w", err)
	}
	zc.Level = zap.NewAtomicLevelAt(level)
	log, err := zc.Build()
	if err != nil {
		return nil, fmt.Errorf("build logger: %w", err)
	}
	return log.Named(string(binary)), nil
}

// logConfig logs what the process runs with, one readable field per setting.
func logConfig(log *zap.Logger, cfg config.Config, binary Binary) {
	settings := cfg.Summary(string(binary))
	fields := make([]zap.Field, len(settings))
	for i, s := range settings {
		fields[i] = zap.String(s.Name, s.Value)
	}
	log.Info("starting", fields...)
}

// logStopped says when everything has stopped: its hook, registered first, runs last.
func logStopped(lc fx.Lifecycle, log *zap.Logger) {
	lc.Append(fx.StopHook(func() { log.Info("stopped") }))
}

// StopNotice logs, as a stop begins, what the binary does before it exits. Add it last
// to the app, so that its hook runs first.
func StopNotice(what string) fx.Option {
	return fx.Invoke(func(lc fx.Lifecycle, log *zap.Logger) {
		lc.Append(fx.StopHook(func() { log.Info("stopping: " + what) }))
	})
}

// Binary names the process in every log line: "api" or "worker".
type Binary string
