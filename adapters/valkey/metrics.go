package valkey

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/application"
)

// consumerMetrics count what happens to the jobs a worker runs.
type consumerMetrics struct {
	ends     *prometheus.CounterVec
	duration prometheus.Histogram
}

func newConsumerMetrics(reg prometheus.Registerer) *consumerMetrics {
	m := &consumerMetrics{
		ends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "recipe_worker_attempts_total",
			Help: "Job attempts this worker ended, by how they ended: completed, retry, failed, waited, handed_back, dropped (cancelled or taken over).",
		}, []string{"end"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "recipe_worker_attempt_duration_seconds",
			Help:    "How long one attempt of a job ran on this worker, whatever its end.",
			Buckets: []float64{0.01, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 45, 60, 120},
		}),
	}
	reg.MustRegister(m.ends, m.duration)
	return m
}

// endLabels name the verdicts in metrics.
var endLabels = map[application.Verdict]string{
	application.VerdictComplete: "completed", application.VerdictRetry: "retry",
	application.VerdictFail: "failed", application.VerdictWait: "waited",
	application.VerdictHandBack: "handed_back", application.VerdictDrop: "dropped",
}

func (m *consumerMetrics) ended(v application.Verdict, took time.Duration) {
	m.ends.WithLabelValues(endLabels[v]).Inc()
	m.duration.Observe(took.Seconds())
}

// queueCollector reports the queue's depth at each scrape.
type queueCollector struct {
	rdb  redis.UniversalClient
	keys keys
	desc *prometheus.Desc
}

// NewQueueCollector exports recipe_queue_jobs{state}: pending, running (leased), delayed
// (waiting to retry) and dead (failed, in the dead letters), read from Valkey per scrape.
func NewQueueCollector(rdb redis.UniversalClient, queue string) prometheus.Collector {
	return &queueCollector{rdb: rdb, keys: newKeys(queue), desc: prometheus.NewDesc(
		"recipe_queue_jobs", "Jobs in the queue by state, read from Valkey at scrape time.", []string{"state"}, nil)}
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	pipe := c.rdb.Pipeline()
	counts := map[string]*redis.IntCmd{
		"pending": pipe.LLen(ctx, c.keys.pending()),
		"running": pipe.ZCard(ctx, c.keys.leases()),
		"delayed": pipe.ZCard(ctx, c.keys.delayed()),
		"dead":    pipe.ZCard(ctx, c.keys.dead()),
	}
	if _, err := pipe.Exec(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, translate(err))
		return
	}
	for state, cmd := range counts {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(cmd.Val()), state)
	}
}
