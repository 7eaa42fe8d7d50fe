package valkey

import (
	"context"
	"errors"
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

// The events of recipe_jobs_total. Each binary counts the ones that happen in it: the api
// enqueued and cancelled, the worker the others.
const (
	eventEnqueued  = "enqueued"  // a new job was stored and pushed (not an idempotent replay)
	eventCancelled = "cancelled" // a pending or running job was cancelled
	eventStarted   = "started"   // a worker claimed the job and began an attempt
	eventCompleted = "completed" // the result was stored
	eventFailed    = "failed"    // the job failed for good and went to the dead letters
	eventRetried   = "retried"   // an attempt failed and the job will run again (an attempt spent)
	eventDeferred  = "deferred"  // no provider was available: the job waits without spending an attempt
)

// apiEvents and workerEvents are the events each binary counts; their series exist from
// the start, at zero.
var (
	apiEvents    = []string{eventEnqueued, eventCancelled}
	workerEvents = []string{eventStarted, eventCompleted, eventFailed, eventRetried, eventDeferred}
)

// jobEvents counts recipe_jobs_total{event}. A nil *jobEvents counts nothing.
type jobEvents struct{ c *prometheus.CounterVec }

func newJobEvents(reg prometheus.Registerer, events ...string) *jobEvents {
	c := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "recipe_jobs_total",
		Help: "Job lifecycle events, counted by the binary where they happen: the api counts enqueued and cancelled, the worker started, completed, failed, retried and deferred (a wait that spent no attempt).",
	}, []string{"event"}))
	for _, e := range events {
		c.WithLabelValues(e)
	}
	return &jobEvents{c: c}
}

func (e *jobEvents) add(event string, n int64) {
	if e == nil || event == "" || n <= 0 {
		return
	}
	e.c.WithLabelValues(event).Add(float64(n))
}

// endEvents names the ends of the finish script that are job events once applied; a
// hand-back is none.
var endEvents = map[endMode]string{
	endComplete: eventCompleted, endRetry: eventRetried, endFail: eventFailed, endWait: eventDeferred,
}

// register registers c, or returns the collector already registered under its name, so
// that an api and a worker built in one process (tests, benchmarks) share it.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		if are, ok := errors.AsType[prometheus.AlreadyRegisteredError](err); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
		panic(err) // a name clash with another collector: a programming error
	}
	return c
}

// NewStreamsGauge exports recipe_sse_streams_open: the event streams of this api that
// follow a job now, read from the feed at scrape time.
func NewStreamsGauge(f *Feed) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "recipe_sse_streams_open",
		Help: "Server-Sent Event streams of this api following a job now.",
	}, func() float64 { return float64(f.Watching()) })
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
