package valkey

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func TestGoRedisNoticesGoToTheServiceLog(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	logClientNotices(zap.New(core, zap.AddCaller()))
	t.Cleanup(func() { logClientNotices(zap.NewNop()) })

	// go-redis notes that it rounds a TTL under a millisecond up, before it sends anything.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = rdb.Set(ctx, "k", "v", time.Microsecond).Err()

	entries := logs.FilterLoggerName("valkey").All()
	if len(entries) != 1 || !strings.Contains(entries[0].Message, "truncating to 1ms") || entries[0].Level != zap.WarnLevel {
		t.Fatalf("log entries = %+v; want the notice about the TTL as one warning of the valkey logger", logs.All())
	}
	if caller := entries[0].Caller.File; !strings.Contains(caller, "go-redis") {
		t.Errorf("the notice's caller is %s, want the line of go-redis that wrote it", caller)
	}
}
