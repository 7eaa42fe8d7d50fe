// Package config reads the service's configuration from the environment, once, at start.
// It is the only package that reads environment variables.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Config holds every variable of the contract's configuration table. Both binaries load
// the whole of it and use the parts they need.
type Config struct {
	ValkeyURL            Secret   `env:"VALKEY_URL" envDefault:"redis://127.0.0.1:6379/0"`
	ValkeyClusterAddrs   []string `env:"VALKEY_CLUSTER_ADDRS"`
	ValkeySentinelAddrs  []string `env:"VALKEY_SENTINEL_ADDRS"`
	ValkeySentinelMaster string   `env:"VALKEY_SENTINEL_MASTER"`
	QueueName            string   `env:"QUEUE_NAME" envDefault:"ai-recipe-generation"`

	HTTPAddr       string `env:"HTTP_ADDR" envDefault:":8080"`
	WorkerHTTPAddr string `env:"WORKER_HTTP_ADDR" envDefault:":9090"`

	AIProviders   []string      `env:"AI_PROVIDERS"`
	GeminiAPIKey  Secret        `env:"GEMINI_API_KEY"`
	GeminiModel   string        `env:"GEMINI_MODEL" envDefault:"gemini-2.5-flash"`
	GeminiBaseURL string        `env:"GEMINI_BASE_URL"`
	OpenAIAPIKey  Secret        `env:"OPENAI_API_KEY"`
	OpenAIModel   string        `env:"OPENAI_MODEL" envDefault:"gpt-4o-mini"`
	OpenAIBaseURL string        `env:"OPENAI_BASE_URL"`
	AITimeout     time.Duration `env:"AI_TIMEOUT" envDefault:"60s"`

	WorkerConcurrency   int           `env:"WORKER_CONCURRENCY" envDefault:"10"`
	JobAttempts         int           `env:"JOB_ATTEMPTS" envDefault:"3"`
	JobBackoff          time.Duration `env:"JOB_BACKOFF" envDefault:"2s"`
	JobLease            time.Duration `env:"JOB_LEASE" envDefault:"30s"`
	ResultTTL           time.Duration `env:"RESULT_TTL" envDefault:"10m"`
	QueueMaxLength      int           `env:"QUEUE_MAX_LENGTH" envDefault:"10000"`
	EnqueueWaitReplicas int           `env:"ENQUEUE_WAIT_REPLICAS" envDefault:"0"`
	ShutdownTimeout     time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"30s"`

	DatabaseURL       Secret   `env:"DATABASE_URL"`
	APIKeys           []Secret `env:"API_KEYS"`
	AdminToken        Secret   `env:"ADMIN_TOKEN"`
	RateLimitGenerate Rate     `env:"RATE_LIMIT_GENERATE" envDefault:"60/m"`
	RateLimitStatus   Rate     `env:"RATE_LIMIT_STATUS" envDefault:"600/m"`

	LogLevel    string `env:"LOG_LEVEL" envDefault:"info"`
	LogFormat   string `env:"LOG_FORMAT" envDefault:"json"`
	OTELEnabled bool   `env:"OTEL_ENABLED" envDefault:"false"`

	TryPage bool `env:"TRY_PAGE" envDefault:"true"`
	// The standard OpenTelemetry variables that choose how spans leave the process (see
	// tracing.go); the SDK reads the others itself (endpoint, headers, service name, sampler).
	OTELSDKDisabled    bool   `env:"OTEL_SDK_DISABLED" envDefault:"false"`
	OTELEndpoint       string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	OTELTracesExporter string `env:"OTEL_TRACES_EXPORTER" envDefault:"otlp"`
	OTELProtocol       string `env:"OTEL_EXPORTER_OTLP_PROTOCOL" envDefault:"http/protobuf"`
	OTELTracesProtocol string `env:"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"`
}

// Provider names AI_PROVIDERS may list.
const (
	ProviderGemini  = "gemini"
	ProviderOpenAI  = "openai"
	ProviderOffline = "offline"
)

// Load reads every variable through getenv (os.Getenv in the binaries, a map lookup in
// tests), applies the defaults and validates. Its error is one line naming the first
// variable with a bad value.
func Load(getenv func(string) string) (Config, error) {
	var cfg Config
	environ := make(map[string]string)
	for _, name := range variables() {
		if v := getenv(name); v != "" {
			environ[name] = v
		}
	}
	if err := env.ParseWithOptions(&cfg, env.Options{Environment: environ}); err != nil {
		return Config{}, explain(err)
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Providers returns the AI provider chain in order: AI_PROVIDERS when set, otherwise
// gemini when its key is set, openai when its key or base URL (a keyless local server
// such as Ollama) is set, then offline.
func (c Config) Providers() []string {
	if len(c.AIProviders) > 0 {
		return c.AIProviders
	}
	var chain []string
	if c.GeminiAPIKey != "" {
		chain = append(chain, ProviderGemini)
	}
	if c.OpenAIAPIKey != "" || c.OpenAIBaseURL != "" {
		chain = append(chain, ProviderOpenAI)
	}
	return append(chain, ProviderOffline)
}

func (c *Config) validate() error {
	c.ValkeyClusterAddrs = compact(c.ValkeyClusterAddrs)
	c.ValkeySentinelAddrs = compact(c.ValkeySentinelAddrs)
	c.APIKeys = compact(c.APIKeys)
	u, err := url.Parse(c.ValkeyURL.Reveal())
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") {
		return errors.New(`VALKEY_URL: want redis://[user:password@]host:port/db, rediss://… or unix://…`)
	}
	if (len(c.ValkeySentinelAddrs) == 0) != (c.ValkeySentinelMaster == "") {
		return errors.New("VALKEY_SENTINEL_ADDRS and VALKEY_SENTINEL_MASTER: set both or neither")
	}
	if c.QueueName == "" || strings.ContainsAny(c.QueueName, "{} \t\r\n") {
		return fmt.Errorf("QUEUE_NAME: %q must be non-empty, without braces or spaces", c.QueueName)
	}
	for i, p := range c.AIProviders {
		p = strings.ToLower(strings.TrimSpace(p))
		c.AIProviders[i] = p
		switch {
		case !slices.Contains([]string{ProviderGemini, ProviderOpenAI, ProviderOffline}, p):
			return fmt.Errorf("AI_PROVIDERS: unknown provider %q (want gemini, openai or offline)", p)
		case p == ProviderGemini && c.GeminiAPIKey == "":
			return errors.New("AI_PROVIDERS: gemini is listed but GEMINI_API_KEY is not set")
		case p == ProviderOpenAI && c.OpenAIAPIKey == "" && c.OpenAIBaseURL == "":
			return errors.New("AI_PROVIDERS: openai is listed but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set")
		}
	}
	for _, check := range []struct {
		name string
		bad  bool
		want string
	}{
		{"AI_TIMEOUT", c.AITimeout <= 0, "a positive duration such as 60s"},
		{"WORKER_CONCURRENCY", c.WorkerConcurrency < 1 || c.WorkerConcurrency > 1000, "1..1000"},
		{"JOB_ATTEMPTS", c.JobAttempts < 1 || c.JobAttempts > 100, "1..100"},
		{"JOB_BACKOFF", c.JobBackoff <= 0, "a positive duration such as 2s"},
		{"JOB_LEASE", c.JobLease < time.Second, "a duration of at least 1s"},
		{"RESULT_TTL", c.ResultTTL < time.Second, "a duration of at least 1s"},
		{"QUEUE_MAX_LENGTH", c.QueueMaxLength < 1, "a positive number"},
		{"ENQUEUE_WAIT_REPLICAS", c.EnqueueWaitReplicas < 0 || c.EnqueueWaitReplicas > 16, "0..16"},
		{"SHUTDOWN_TIMEOUT", c.ShutdownTimeout < 0, "a duration such as 30s"},
		{"LOG_LEVEL", !slices.Contains([]string{"debug", "info", "warn", "error"}, c.LogLevel), "debug, info, warn or error"},
		{"LOG_FORMAT", c.LogFormat != "json" && c.LogFormat != "console", "json or console"},
	} {
		if check.bad {
			return fmt.Errorf("%s: want %s", check.name, check.want)
		}
	}
	if err := c.validateTracing(); err != nil {
		return err
	}
	for _, addr := range []struct{ name, value string }{{"HTTP_ADDR", c.HTTPAddr}, {"WORKER_HTTP_ADDR", c.WorkerHTTPAddr}} {
		if !strings.Contains(addr.value, ":") {
			return fmt.Errorf("%s: %q is not a listen address such as :8080", addr.name, addr.value)
		}
	}
	return nil
}

// compact trims the items of a comma list and drops empty ones, so "k1, k2," means k1 and
// k2, and never an empty API key.
func compact[S ~string](list []S) []S {
	var out []S
	for _, s := range list {
		if s = S(strings.TrimSpace(string(s))); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// variables lists every environment variable Config reads.
func variables() []string {
	t := reflect.TypeFor[Config]()
	names := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		names = append(names, t.Field(i).Tag.Get("env"))
	}
	return names
}

// explain turns the parser's error into one line that names the variable.
func explain(err error) error {
	var perr env.ParseError
	if errors.As(err, &perr) {
		if f, ok := reflect.TypeFor[Config]().FieldByName(perr.Name); ok {
			return fmt.Errorf("%s: %w", f.Tag.Get("env"), perr.Err)
		}
	}
	return err
}
