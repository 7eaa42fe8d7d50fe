package valkey

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
)

// ProviderHealth keeps the workers' reports of their providers' health in one hash of
// the queue, one field per worker, so that the api's dashboard can show breakers and
// recent errors that only the workers see. It implements application.ProviderHealthWriter
// and application.ProviderHealthReader and is safe for concurrent use.
type ProviderHealth struct {
	rdb  redis.UniversalClient
	keys keys
}

// NewProviderHealth reads and writes the reports of the queue named by QUEUE_NAME.
func NewProviderHealth(rdb redis.UniversalClient, cfg config.Config) *ProviderHealth {
	return &ProviderHealth{rdb: rdb, keys: newKeys(cfg.QueueName)}
}

// reportKept is how long a worker's report stays after its last write: the hash goes
// with the last worker, and a reader drops the fields of workers gone that long.
const reportKept = time.Hour

type reportRecord struct {
	At        int64            `json:"at"` // Unix ms
	Providers []providerRecord `json:"providers"`
}

type providerRecord struct {
	Provider            string `json:"provider"`
	Breaker             string `json:"breaker"`
	ConsecutiveFailures int    `json:"failures,omitempty"`
	LastError           string `json:"lastError,omitempty"`
	LastErrorAt         int64  `json:"lastErrorAt,omitempty"`
	LastSuccessAt       int64  `json:"lastSuccessAt,omitempty"`
}

// WriteProviderReport replaces the worker's report.
func (h *ProviderHealth) WriteProviderReport(ctx context.Context, r application.ProviderReport) error {
	rec := reportRecord{At: r.At.UnixMilli()}
	for _, p := range r.Providers {
		rec.Providers = append(rec.Providers, providerRecord{
			Provider: p.Provider, Breaker: string(p.Breaker), ConsecutiveFailures: p.ConsecutiveFailures,
			LastError: p.LastError, LastErrorAt: unixMilli(p.LastErrorAt), LastSuccessAt: unixMilli(p.LastSuccessAt),
		})
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode provider report: %w", err)
	}
	pipe := h.rdb.Pipeline()
	pipe.HSet(ctx, h.keys.providers(), r.Worker, data)
	pipe.PExpire(ctx, h.keys.providers(), reportKept)
	_, err = pipe.Exec(ctx)
	return translate(err)
}

// ProviderReports returns every worker's report, and deletes those of workers gone for
// longer than reportKept.
func (h *ProviderHealth) ProviderReports(ctx context.Context) ([]application.ProviderReport, error) {
	all, err := h.rdb.HGetAll(ctx, h.keys.providers()).Result()
	if err != nil {
		return nil, translate(err)
	}
	var out []application.ProviderReport
	var gone []string
	for worker, data := range all {
		var rec reportRecord
		if err := json.Unmarshal([]byte(data), &rec); err != nil || time.Since(time.UnixMilli(rec.At)) > reportKept {
			gone = append(gone, worker)
			continue
		}
		r := application.ProviderReport{Worker: worker, At: time.UnixMilli(rec.At).UTC()}
		for _, p := range rec.Providers {
			r.Providers = append(r.Providers, application.ProviderHealth{
				Provider: p.Provider, Breaker: application.BreakerState(p.Breaker), ConsecutiveFailures: p.ConsecutiveFailures,
				LastError: p.LastError, LastErrorAt: fromMilli(p.LastErrorAt), LastSuccessAt: fromMilli(p.LastSuccessAt),
			})
		}
		out = append(out, r)
	}
	if len(gone) > 0 {
		_ = h.rdb.HDel(ctx, h.keys.providers(), gone...).Err() // tidying; the next read tries again
	}
	return out, nil
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
