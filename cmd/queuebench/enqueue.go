package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/config"
	"github.com/naengbu/recipe-ai/domain"
)

// payload is the shared benchmark's job body (bench-payload.json).
//
//go:embed payload.json
var payload []byte

const benchQueue = "queuebench"

// jobBody is the payload with the sequence number and enqueue time appended.
func jobBody(seq int, enqUs int64) []byte {
	body := bytes.TrimSuffix(bytes.TrimSpace(payload), []byte("}"))
	return fmt.Appendf(body, `,"seq":%d,"enqUs":%d}`, seq, enqUs)
}

// apiBody mirrors the api's request body; unknown fields (seq, enqUs) are ignored there too.
type apiBody struct {
	UserID      string   `json:"userId"`
	Ingredients []string `json:"ingredients"`
	Preferences struct {
		Dietary        string   `json:"dietary"`
		Cuisine        string   `json:"cuisine"`
		Allergies      []string `json:"allergies"`
		MaxCookingTime int      `json:"maxCookingTime"`
		Servings       int      `json:"servings"`
		Language       string   `json:"language"`
	} `json:"preferences"`
}

// parseBody decodes a request body and validates it into a domain request.
func parseBody(data []byte) (domain.GenerationRequest, error) {
	var body apiBody
	if err := json.Unmarshal(data, &body); err != nil {
		return domain.GenerationRequest{}, err
	}
	pr := body.Preferences
	return domain.NewGenerationRequest(body.UserID, body.Ingredients, domain.Preferences{
		Dietary: pr.Dietary, Cuisine: pr.Cuisine, Allergies: pr.Allergies, MaxCookingTime: pr.MaxCookingTime,
		Servings: pr.Servings, Language: domain.Language(pr.Language),
	})
}

// producer submits jobs as the api does for each request: decode the body, validate it
// into a domain request, and Generations.Submit (job record, status, list push).
type producer struct {
	gens *application.Generations
	rdb  redis.UniversalClient
}

func newProducer(s settings) (*producer, error) {
	cfg, err := benchConfig(s, map[string]string{"QUEUE_MAX_LENGTH": strconv.Itoa(10 * max(s.n, s.latN, s.sseStreams))})
	if err != nil {
		return nil, err
	}
	rdb, err := valkey.NewClient(cfg, s.conc+10)
	if err != nil {
		return nil, err
	}
	q := valkey.NewQueue(rdb, cfg)
	return &producer{gens: application.NewGenerations(q, q, nil, nil), rdb: rdb}, nil
}

func (p *producer) submit(ctx context.Context, seq int) error {
	_, err := p.submitJob(ctx, seq)
	return err
}

// submitJob submits job number seq and returns its id.
func (p *producer) submitJob(ctx context.Context, seq int) (domain.JobID, error) {
	enqUs := time.Now().UnixMicro()
	req, err := parseBody(jobBody(seq, enqUs))
	if err != nil {
		return "", err
	}
	// The request id carries the enqueue time to the worker, as X-Request-ID would.
	rid := "bench-" + strconv.Itoa(seq) + "-" + strconv.FormatInt(enqUs, 10)
	job, err := p.gens.Submit(ctx, req, application.Submission{RequestID: rid})
	return job.ID, err
}

// submitAll submits n jobs from conc producers and returns how long it took.
func (p *producer) submitAll(ctx context.Context, n, conc int) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				seq := int(next.Add(1))
				if seq > n {
					return
				}
				if err := p.submit(ctx, seq); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	return took, <-errs
}

func measureEnqueue(ctx context.Context, rdb *redis.Client, s settings) (float64, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return 0, err
	}
	p, err := newProducer(s)
	if err != nil {
		return 0, err
	}
	defer p.rdb.Close()
	if path := os.Getenv("QUEUEBENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path + ".enqueue")
		if err != nil {
			return 0, err
		}
		defer f.Close()
		_ = pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	took, err := p.submitAll(ctx, s.n, s.conc)
	if err != nil {
		return 0, err
	}
	if got := rdb.LLen(ctx, "recipe:{"+benchQueue+"}:pending").Val(); got != int64(s.n) {
		return 0, fmt.Errorf("pending list holds %d jobs, want %d", got, s.n)
	}
	return float64(s.n) / took.Seconds(), nil
}

// benchConfig is the service's configuration for the benchmark's queue and database.
func benchConfig(s settings, extra map[string]string) (config.Config, error) {
	vars := map[string]string{
		"VALKEY_URL": fmt.Sprintf("redis://%s/%d", s.addr, s.db),
		"QUEUE_NAME": benchQueue,
		"LOG_LEVEL":  "warn",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return config.Load(func(k string) string { return vars[k] })
}

// parseRequestID returns the enqueue time a benchmark request id carries.
func parseRequestID(id string) (int64, bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || !strings.HasPrefix(id, "bench-") {
		return 0, false
	}
	us, err := strconv.ParseInt(id[i+1:], 10, 64)
	return us, err == nil
}
