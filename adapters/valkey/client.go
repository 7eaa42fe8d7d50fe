package valkey

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/config"
)

// NewClient connects to Valkey as the configuration says: a cluster when
// VALKEY_CLUSTER_ADDRS is set, Sentinel when VALKEY_SENTINEL_ADDRS is, else the single
// node of VALKEY_URL (whose password and db also apply to the other modes). poolSize
// 0 keeps go-redis's default.
func NewClient(cfg config.Config, poolSize int) (redis.UniversalClient, error) {
	opts, err := redis.ParseURL(cfg.ValkeyURL.Reveal())
	if err != nil {
		return nil, fmt.Errorf("VALKEY_URL: %w", err)
	}
	uopts := &redis.UniversalOptions{
		Addrs:                 []string{opts.Addr},
		DB:                    opts.DB,
		Username:              opts.Username,
		Password:              opts.Password,
		TLSConfig:             opts.TLSConfig,
		MasterName:            cfg.ValkeySentinelMaster,
		PoolSize:              poolSize,
		DialTimeout:           2 * time.Second,
		ReadTimeout:           3 * time.Second,
		WriteTimeout:          3 * time.Second,
		ContextTimeoutEnabled: true,
		MaxRetries:            1,
		// A reply or command here is a few KiB at most (a status with its result, a batch
		// of enqueues): go-redis's defaults of 32 KiB per connection and 128 KiB per
		// pipeline connection hold memory that is never used.
		ReadBufferSize:          8 << 10,
		WriteBufferSize:         8 << 10,
		PipelineReadBufferSize:  32 << 10,
		PipelineWriteBufferSize: 32 << 10,
	}
	switch {
	case len(cfg.ValkeyClusterAddrs) > 0:
		uopts.Addrs, uopts.DB, uopts.IsClusterMode = cfg.ValkeyClusterAddrs, 0, true
	case len(cfg.ValkeySentinelAddrs) > 0:
		uopts.Addrs = cfg.ValkeySentinelAddrs
	}
	return redis.NewUniversalClient(uopts), nil
}

// Ping reports whether Valkey answers within timeout; /ready uses it.
func Ping(ctx context.Context, rdb redis.UniversalClient, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		return translate(err)
	}
	return nil
}

// clientLog passes go-redis's own notices (a connection closed under it, a Sentinel
// switch, a failed reconnect) to the service's log as warnings, instead of the plain
// lines on stderr go-redis writes by default, which a log collector reading JSON lines
// cannot parse.
type clientLog struct{ log *zap.Logger }

func (l clientLog) Printf(_ context.Context, format string, v ...any) {
	l.log.Warn(fmt.Sprintf(format, v...))
}

// logClientNotices sends go-redis's notices to log. go-redis has one logger per
// process, so the last call wins; each binary makes one. A notice names the line of
// go-redis that wrote it: the two frames above it are go-redis's forwarding logger and
// clientLog.Printf.
func logClientNotices(log *zap.Logger) {
	redis.SetLogger(clientLog{log: log.Named("valkey").WithOptions(zap.AddCallerSkip(2))})
}
