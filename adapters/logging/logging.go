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

// Module provides the *zap.Logger, logs the configuration once at start (secrets print
// as [redacted]) and routes fx's own events to the logger at debug level. (fx.WithLogger
// applies to the whole app only outside an fx.Module.)
var Module = fx.Options(
	fx.Module("logging", fx.Provide(New), fx.Invoke(logConfig)),
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

// logConfig logs the configuration the process runs with.
func logConfig(log *zap.Logger, cfg config.Config) {
	log.Info("starting", zap.Any("config", cfg))
}

// Binary names the process in every log line: "api" or "worker".
type Binary string
