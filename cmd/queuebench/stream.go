package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"

	"github.com/naengbu/recipe-ai/adapters/ai/aitest"
	"github.com/naengbu/recipe-ai/adapters/valkey"
	"github.com/naengbu/recipe-ai/application"
	"github.com/naengbu/recipe-ai/domain"
)

// The streaming benchmark: a fake OpenAI-compatible provider writes a five-recipe answer
// at a model's pace; the service's worker binary runs the jobs with STREAMING on and off;
// the api's own Follow (what the events route serves) times each job from its submission
// to its first recipe event and to its completed event.

// charsPerToken is how many characters of the answer the fake provider writes per token.
const charsPerToken = 3

// streamSettings size the streaming benchmark: PEERS_STREAM_JOBS jobs at once (50), a
// provider writing PEERS_STREAM_TPS tokens a second (150), PEERS_REPS repetitions.
type streamSettings struct {
	jobs int
	tps  int
}

func loadStreamSettings() streamSettings {
	return streamSettings{jobs: envInt("PEERS_STREAM_JOBS", 50), tps: envInt("PEERS_STREAM_TPS", 150)}
}

// streamTimes are one repetition's timings of one mode, in ms per job.
type streamTimes struct {
	first     []float64 // to the first recipe event (streaming only)
	completed []float64 // to the completed event
	share     []float64 // first / completed, %
}

func benchStream(ctx context.Context, rdb *redis.Client, r *reporter) error {
	ss := loadStreamSettings()
	bin, cleanup, err := commandBinary("PEERS_WORKER_BIN", "worker")
	if err != nil {
		return err
	}
	defer cleanup()
	answer := benchAnswer()
	tokens := aitest.Tokens(answer, charsPerToken)
	provider := newPacedProvider(answer, tokens, ss.tps)
	defer provider.Close()

	var firstP50, firstP99, doneP50, doneP99, flatP50, flatP99, share, overhead []float64
	for rep := 1; rep <= r.s.reps; rep++ {
		progressf("rep %d/%d: %d jobs at once, %d tokens at %d tokens/s, streaming", rep, r.s.reps, ss.jobs, len(tokens), ss.tps)
		st, err := runStreamMode(ctx, rdb, r.s, ss, bin, provider.URL, true)
		if err != nil {
			return fmt.Errorf("streaming: %w", err)
		}
		progressf("rep %d/%d: the same, not streaming", rep, r.s.reps)
		flat, err := runStreamMode(ctx, rdb, r.s, ss, bin, provider.URL, false)
		if err != nil {
			return fmt.Errorf("not streaming: %w", err)
		}
		firstP50, firstP99 = append(firstP50, pct(st.first, 50)), append(firstP99, pct(st.first, 99))
		doneP50, doneP99 = append(doneP50, pct(st.completed, 50)), append(doneP99, pct(st.completed, 99))
		flatP50, flatP99 = append(flatP50, pct(flat.completed, 50)), append(flatP99, pct(flat.completed, 99))
		share = append(share, pct(st.share, 50))
		overhead = append(overhead, 100*(pct(st.completed, 50)/pct(flat.completed, 50)-1))
	}
	params := map[string]any{
		"jobs": ss.jobs, "tokens_per_s": ss.tps, "answer_tokens": len(tokens), "chars_per_token": charsPerToken,
		"answer_bytes": len(answer), "worker_concurrency": ss.jobs, "reps": r.s.reps,
	}
	for _, m := range []struct {
		name, unit string
		runs       []float64
	}{
		{"stream_first_recipe_p50", "ms", firstP50}, {"stream_first_recipe_p99", "ms", firstP99},
		{"stream_completed_p50", "ms", doneP50}, {"stream_completed_p99", "ms", doneP99},
		{"nonstream_completed_p50", "ms", flatP50}, {"nonstream_completed_p99", "ms", flatP99},
		// The first recipe's time as a share of the job's time to completed (median per
		// job), and streaming's time to completed against not streaming (p50s).
		{"stream_first_recipe_share", "%", share}, {"stream_overhead", "%", overhead},
	} {
		r.print(map[string]any{
			"schema": "recipe-stream-bench/v1", "library": "recipe-stream", "library_version": r.commit,
			"client": r.client, "runtime": runtime.Version(), "redis_version": r.redisVersion,
			"measurement": m.name, "variant": "default", "unit": m.unit, "better": "lower",
			"runs": rounded(m.runs), "median": round(median(m.runs)), "min": round(minOf(m.runs)), "max": round(maxOf(m.runs)),
			"params": params, "host": map[string]any{"cpus": runtime.NumCPU()}, "time": time.Now().UTC().Format(time.RFC3339),
		})
	}
	return nil
}

// pct is the p-th percentile of xs, nearest rank.
func pct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentile(s, p)
}

// runStreamMode runs ss.jobs jobs at once through a worker with STREAMING on or off.
func runStreamMode(ctx context.Context, rdb *redis.Client, s settings, ss streamSettings, bin, providerURL string, streaming bool) (streamTimes, error) {
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return streamTimes{}, err
	}
	cfg, err := benchConfig(s, nil)
	if err != nil {
		return streamTimes{}, err
	}
	client, err := valkey.NewClient(cfg, ss.jobs+10)
	if err != nil {
		return streamTimes{}, err
	}
	defer client.Close()
	q := valkey.NewQueue(client, cfg)
	defer q.Close()
	feed := valkey.NewFeed(client, cfg, zap.NewNop())
	defer func() { _ = feed.Stop() }()
	gens := application.NewGenerations(q, q, nil, nil)
	streams := application.NewStreams(q, feed, 0)

	stop, err := startStreamWorker(bin, s, ss, providerURL, streaming)
	if err != nil {
		return streamTimes{}, err
	}
	defer stop()

	req, err := parseBody(payload)
	if err != nil {
		return streamTimes{}, err
	}
	var mu sync.Mutex
	var out streamTimes
	var wg sync.WaitGroup
	errs := make(chan error, ss.jobs)
	for range ss.jobs {
		wg.Go(func() {
			first, done, err := timeJob(ctx, gens, streams, req)
			if err != nil {
				errs <- err
				return
			}
			if streaming && first <= 0 {
				errs <- errors.New("a streamed job sent no recipe event before completed")
				return
			}
			mu.Lock()
			defer mu.Unlock()
			out.completed = append(out.completed, ms(done))
			if streaming {
				out.first = append(out.first, ms(first))
				out.share = append(out.share, 100*first.Seconds()/done.Seconds())
			}
		})
	}
	wg.Wait()
	close(errs)
	return out, <-errs
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// timeJob submits one job as the api does and follows it as the events route does, and
// returns how long after the submission its first recipe event and its completed event
// came.
func timeJob(ctx context.Context, gens *application.Generations, streams *application.Streams, req domain.GenerationRequest) (first, done time.Duration, err error) {
	start := time.Now()
	job, err := gens.Submit(ctx, req, application.Submission{})
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	err = streams.FollowEach(ctx, job.ID, func(ev application.Event) error {
		switch ev.Kind {
		case application.EventRecipe:
			if first == 0 && !ev.Reset {
				first = time.Since(start)
			}
		case application.EventCompleted:
			done = time.Since(start)
		case application.EventFailed, application.EventCancelled:
			return fmt.Errorf("job %s ended %s", job.ID, ev.Kind)
		}
		return nil
	})
	if err == nil && done == 0 {
		err = fmt.Errorf("job %s: stream ended without completed", job.ID)
	}
	return first, done, err
}

// startStreamWorker runs the worker binary against the fake provider and waits until it
// is ready; the func it returns stops it.
func startStreamWorker(bin string, s settings, ss streamSettings, providerURL string, streaming bool) (func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cmd := exec.Command(bin)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		fmt.Sprintf("VALKEY_URL=redis://%s/%d", s.addr, s.db),
		"QUEUE_NAME=" + benchQueue,
		"WORKER_HTTP_ADDR=" + addr,
		fmt.Sprintf("WORKER_CONCURRENCY=%d", ss.jobs),
		"AI_PROVIDERS=openai", "OPENAI_API_KEY=sk-bench", "OPENAI_BASE_URL=" + providerURL + "/v1",
		"AI_TIMEOUT=5m", "LOG_LEVEL=warn",
		fmt.Sprintf("STREAMING=%t", streaming),
	}
	cmd.Stderr, cmd.Stdout = os.Stderr, io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/ready"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return nil, errors.New("the worker was not ready within 30s")
		}
	}
}

// pacedProvider is an OpenAI-compatible server that writes its answer at tps tokens a
// second: streamed, token by token as the model writes them, or whole once the last
// token is written.
type pacedProvider struct {
	*httptest.Server
	answer string
	tokens []string
	frames []string // the streamed answer's events, encoded once
	tps    int
}

func newPacedProvider(answer string, tokens []string, tps int) *pacedProvider {
	p := &pacedProvider{answer: answer, tokens: tokens, frames: aitest.OpenAIStream(tokens, "stop").Stream, tps: tps}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	return p
}

func (p *pacedProvider) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	start := time.Now()
	due := func(i int) time.Time { return start.Add(time.Duration(i+1) * time.Second / time.Duration(p.tps)) }
	wait := func(t time.Time) bool {
		select {
		case <-time.After(time.Until(t)):
			return true
		case <-r.Context().Done():
			return false
		}
	}
	if !strings.Contains(string(body), `"stream":true`) {
		if !wait(due(len(p.tokens) - 1)) {
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, aitest.OpenAICompletion(p.answer, "stop").Body)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher := w.(http.Flusher)
	for i, frame := range p.frames {
		// frames: the role, one per token, the finish, [DONE]; token i is due at due(i).
		if t := i - 1; t >= 0 && t < len(p.tokens) && !wait(due(t)) {
			return
		}
		_, _ = io.WriteString(w, frame)
		flusher.Flush()
	}
}

// benchAnswer is a realistic answer for the benchmark's request: five recipes in Korean
// with descriptions and numbered steps, about 1,000 tokens of three characters.
func benchAnswer() string {
	steps := func(lines ...string) string {
		for i := range lines {
			lines[i] = fmt.Sprintf("%d. %s", i+1, lines[i])
		}
		return strings.Join(lines, "\n")
	}
	r := func(name, desc string, minutes int, ingredients []string, extra []string, instr string) aitest.Recipe {
		difficulty := "easy"
		if len(extra) > 0 {
			difficulty = "medium"
		}
		return aitest.Recipe{Name: name, Description: desc, Difficulty: difficulty, CookingTime: minutes, Servings: 2,
			Ingredients: ingredients, AdditionalIngredients: extra, Instructions: instr}
	}
	a := aitest.Answer{
		Existing: []aitest.Recipe{
			r("김치 돼지고기 두부찌개", "잘 익은 김치와 돼지고기를 먼저 볶아 깊은 맛을 낸 뒤 두부를 넣어 끓이는 든든한 찌개입니다. 밥 한 공기와 잘 어울립니다.", 25,
				[]string{"김치 1컵", "돼지고기 150g", "두부 1/2모", "양파 1/2개", "대파 1대", "마늘 1큰술", "고추장 1큰술", "간장 1큰술", "물 500ml"}, nil,
				steps("돼지고기를 한입 크기로 썰고 간장과 마늘로 밑간한다.", "냄비에 참기름을 두르고 돼지고기를 중불에서 볶는다.", "김치를 넣고 3분간 더 볶아 신맛을 날린다.",
					"물과 고추장을 넣고 끓어오르면 양파를 넣는다.", "두부를 도톰하게 썰어 넣고 10분간 끓인다.", "대파를 넣고 한소끔 더 끓여 마무리한다.")),
			r("계란 김치볶음밥", "김치와 양파를 볶아 밥과 섞고 반숙 계란을 올린 간단한 한 그릇 요리입니다. 참기름으로 고소함을 더합니다.", 15,
				[]string{"밥 2공기", "김치 1컵", "계란 2개", "양파 1/2개", "대파 1/2대", "간장 1큰술", "참기름 1큰술", "식용유 1큰술"}, nil,
				steps("김치와 양파를 잘게 썰고 대파는 송송 썬다.", "팬에 식용유를 두르고 대파를 볶아 파기름을 낸다.", "김치와 양파를 넣고 숨이 죽을 때까지 볶는다.",
					"밥을 넣고 간장을 둘러 고루 볶는다.", "불을 끄고 참기름을 넣어 섞는다.", "다른 팬에 계란을 반숙으로 부쳐 올린다.")),
			r("두부 계란 부침", "두부를 노릇하게 부친 뒤 계란물을 입혀 한 번 더 부친 부드러운 반찬입니다. 간장 양념에 찍어 먹습니다.", 20,
				[]string{"두부 1모", "계란 2개", "대파 1/2대", "마늘 1작은술", "간장 2큰술", "참기름 1작은술", "소금 약간", "식용유 2큰술"}, nil,
				steps("두부를 1cm 두께로 썰어 소금을 뿌리고 물기를 뺀다.", "계란을 풀고 잘게 썬 대파를 섞는다.", "팬에 식용유를 두르고 두부를 앞뒤로 노릇하게 굽는다.",
					"구운 두부에 계란물을 입혀 다시 부친다.", "간장, 마늘, 참기름으로 양념장을 만든다.", "접시에 담고 양념장을 곁들인다.")),
		},
		Additional: []aitest.Recipe{
			r("돼지고기 애호박 고추장볶음", "돼지고기와 애호박을 고추장 양념에 빠르게 볶아 매콤달콤한 맛을 낸 밥반찬입니다.", 20,
				[]string{"돼지고기 200g", "애호박 1/2개", "양파 1/2개", "대파 1대", "마늘 1큰술", "고추장 2큰술", "간장 1큰술", "설탕 1작은술", "참기름 1작은술"}, []string{"애호박"},
				steps("돼지고기를 고추장, 간장, 설탕, 마늘로 양념해 10분간 재운다.", "애호박은 반달 모양으로, 양파는 채 썬다.", "달군 팬에 돼지고기를 넣고 센불에서 볶는다.",
					"고기가 익으면 애호박과 양파를 넣고 2분간 볶는다.", "대파를 넣고 참기름을 둘러 마무리한다.")),
			r("두부 버섯 된장국", "두부와 버섯을 넣고 된장을 풀어 구수하게 끓인 국입니다. 마늘과 대파로 향을 더합니다.", 15,
				[]string{"두부 1/2모", "느타리버섯 100g", "된장 2큰술", "양파 1/4개", "대파 1/2대", "마늘 1작은술", "물 600ml"}, []string{"느타리버섯", "된장"},
				steps("냄비에 물을 붓고 된장을 체에 걸러 푼다.", "양파를 넣고 끓어오르면 중불로 줄인다.", "두부를 깍둑 썰어 넣고 버섯을 찢어 넣는다.",
					"마늘을 넣고 5분간 더 끓인다.", "대파를 넣고 불을 끈다.")),
		},
	}
	return a.JSON()
}
