package config_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/naengbu/recipe-ai/config"
)

// lookup is a getenv over a map.
func lookup(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

// defaults is the configuration the contract's table promises with nothing set.
func defaults() config.Config {
	return config.Config{
		ValkeyURL:          "redis://127.0.0.1:6379/0",
		QueueName:          "ai-recipe-generation",
		HTTPAddr:           ":8080",
		WorkerHTTPAddr:     ":9090",
		GeminiModel:        "gemini-2.5-flash",
		OpenAIModel:        "gpt-4o-mini",
		AITimeout:          60 * time.Second,
		WorkerConcurrency:  10,
		JobAttempts:        3,
		JobBackoff:         2 * time.Second,
		JobLease:           30 * time.Second,
		ResultTTL:          10 * time.Minute,
		QueueMaxLength:     10000,
		ShutdownTimeout:    30 * time.Second,
		RateLimitGenerate:  config.Rate{Limit: 60, Period: time.Minute},
		RateLimitStatus:    config.Rate{Limit: 600, Period: time.Minute},
		LogLevel:           "info",
		LogFormat:          "json",
		TryPage:            true,
		OTELTracesExporter: "otlp",
		OTELProtocol:       "http/protobuf",
	}
}

func TestLoadDefaults(t *testing.T) {
	got, err := config.Load(lookup(nil))
	if err != nil {
		t.Fatalf("Load(empty) error = %v", err)
	}
	if diff := cmp.Diff(defaults(), got); diff != "" {
		t.Errorf("Load(empty) (-want +got):\n%s", diff)
	}
}

func TestLoadReadsTheContractVariables(t *testing.T) {
	var asked []string
	if _, err := config.Load(func(name string) string { asked = append(asked, name); return "" }); err != nil {
		t.Fatalf("Load(empty) error = %v", err)
	}
	want := []string{
		"AI_PROVIDERS", "AI_TIMEOUT", "ADMIN_TOKEN", "API_KEYS", "DATABASE_URL", "ENQUEUE_WAIT_REPLICAS",
		"GEMINI_API_KEY", "GEMINI_BASE_URL", "GEMINI_MODEL", "HTTP_ADDR",
		"JOB_ATTEMPTS", "JOB_BACKOFF", "JOB_LEASE", "LOG_FORMAT", "LOG_LEVEL",
		"OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "OTEL_ENABLED",
		"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_SDK_DISABLED", "OTEL_TRACES_EXPORTER",
		"QUEUE_MAX_LENGTH", "QUEUE_NAME", "RATE_LIMIT_GENERATE", "RATE_LIMIT_STATUS",
		"RESULT_TTL", "SHUTDOWN_TIMEOUT", "TRY_PAGE", "VALKEY_CLUSTER_ADDRS", "VALKEY_SENTINEL_ADDRS",
		"VALKEY_SENTINEL_MASTER", "VALKEY_URL", "WORKER_CONCURRENCY", "WORKER_HTTP_ADDR",
	}
	slices.Sort(want)
	slices.Sort(asked)
	if diff := cmp.Diff(want, asked); diff != "" {
		t.Errorf("Load() read variables (-want +got):\n%s", diff)
	}
}

func TestLoadValues(t *testing.T) {
	env := map[string]string{
		"VALKEY_URL":                         "rediss://user:pw@valkey:6380/2",
		"VALKEY_CLUSTER_ADDRS":               "a:7000,b:7001",
		"VALKEY_SENTINEL_ADDRS":              "s1:26379,s2:26379",
		"VALKEY_SENTINEL_MASTER":             "mymaster",
		"QUEUE_NAME":                         "recipes-test",
		"HTTP_ADDR":                          "127.0.0.1:18080",
		"WORKER_HTTP_ADDR":                   ":19090",
		"AI_PROVIDERS":                       "openai,gemini,offline",
		"GEMINI_API_KEY":                     "g-key",
		"GEMINI_MODEL":                       "gemini-x",
		"GEMINI_BASE_URL":                    "http://127.0.0.1:1/gemini",
		"OPENAI_API_KEY":                     "o-key",
		"OPENAI_MODEL":                       "gpt-x",
		"OPENAI_BASE_URL":                    "http://127.0.0.1:1/v1",
		"AI_TIMEOUT":                         "5s",
		"WORKER_CONCURRENCY":                 "3",
		"JOB_ATTEMPTS":                       "5",
		"JOB_BACKOFF":                        "100ms",
		"JOB_LEASE":                          "1s",
		"RESULT_TTL":                         "1h",
		"QUEUE_MAX_LENGTH":                   "7",
		"SHUTDOWN_TIMEOUT":                   "0s",
		"DATABASE_URL":                       "postgres://u:p@db/recipes",
		"API_KEYS":                           "k1,k2",
		"ADMIN_TOKEN":                        "admin",
		"RATE_LIMIT_GENERATE":                "5/s",
		"RATE_LIMIT_STATUS":                  "1000/h",
		"LOG_LEVEL":                          "debug",
		"LOG_FORMAT":                         "console",
		"OTEL_ENABLED":                       "true",
		"TRY_PAGE":                           "false",
		"OTEL_SDK_DISABLED":                  "true",
		"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://collector:4318",
		"OTEL_TRACES_EXPORTER":               "none",
		"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
		"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
	}
	want := config.Config{
		ValkeyURL:            "rediss://user:pw@valkey:6380/2",
		ValkeyClusterAddrs:   []string{"a:7000", "b:7001"},
		ValkeySentinelAddrs:  []string{"s1:26379", "s2:26379"},
		ValkeySentinelMaster: "mymaster",
		QueueName:            "recipes-test",
		HTTPAddr:             "127.0.0.1:18080",
		WorkerHTTPAddr:       ":19090",
		AIProviders:          []string{"openai", "gemini", "offline"},
		GeminiAPIKey:         "g-key",
		GeminiModel:          "gemini-x",
		GeminiBaseURL:        "http://127.0.0.1:1/gemini",
		OpenAIAPIKey:         "o-key",
		OpenAIModel:          "gpt-x",
		OpenAIBaseURL:        "http://127.0.0.1:1/v1",
		AITimeout:            5 * time.Second,
		WorkerConcurrency:    3,
		JobAttempts:          5,
		JobBackoff:           100 * time.Millisecond,
		JobLease:             time.Second,
		ResultTTL:            time.Hour,
		QueueMaxLength:       7,
		ShutdownTimeout:      0,
		DatabaseURL:          "postgres://u:p@db/recipes",
		APIKeys:              []config.Secret{"k1", "k2"},
		AdminToken:           "admin",
		RateLimitGenerate:    config.Rate{Limit: 5, Period: time.Second},
		RateLimitStatus:      config.Rate{Limit: 1000, Period: time.Hour},
		LogLevel:             "debug",
		LogFormat:            "console",
		OTELEnabled:          true,
		TryPage:              false,
		OTELSDKDisabled:      true,
		OTELEndpoint:         "http://collector:4318",
		OTELTracesExporter:   "none",
		OTELProtocol:         "grpc",
		OTELTracesProtocol:   "http/protobuf",
	}
	got, err := config.Load(lookup(env))
	if err != nil {
		t.Fatalf("Load(%v) error = %v", env, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load(every variable set) (-want +got):\n%s", diff)
	}
}

func TestLoadTrimsLists(t *testing.T) {
	env := map[string]string{
		"VALKEY_CLUSTER_ADDRS":   "a:7000, b:7001,",
		"VALKEY_SENTINEL_ADDRS":  " s1:26379 ,s2:26379",
		"VALKEY_SENTINEL_MASTER": "mymaster",
		"API_KEYS":               "k1, k2,",
		"AI_PROVIDERS":           " Offline ",
	}
	got, err := config.Load(lookup(env))
	if err != nil {
		t.Fatalf("Load(%v) error = %v", env, err)
	}
	type lists struct {
		ClusterAddrs  []string
		SentinelAddrs []string
		APIKeys       []string
		Providers     []string
	}
	var keys []string
	for _, k := range got.APIKeys {
		keys = append(keys, k.Reveal())
	}
	want := lists{
		ClusterAddrs:  []string{"a:7000", "b:7001"},
		SentinelAddrs: []string{"s1:26379", "s2:26379"},
		APIKeys:       []string{"k1", "k2"},
		Providers:     []string{"offline"},
	}
	if diff := cmp.Diff(want, lists{got.ValkeyClusterAddrs, got.ValkeySentinelAddrs, keys, got.AIProviders}); diff != "" {
		t.Errorf("Load(%v) lists (-want +got):\n%s", env, diff)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		give    map[string]string
		wantVar string // the variable the error must start with
	}{
		{name: "AI_TIMEOUT not a duration", give: map[string]string{"AI_TIMEOUT": "abc"}, wantVar: "AI_TIMEOUT"},
		{name: "AI_TIMEOUT zero", give: map[string]string{"AI_TIMEOUT": "0s"}, wantVar: "AI_TIMEOUT"},
		{name: "AI_TIMEOUT negative", give: map[string]string{"AI_TIMEOUT": "-1s"}, wantVar: "AI_TIMEOUT"},
		{name: "WORKER_CONCURRENCY 0", give: map[string]string{"WORKER_CONCURRENCY": "0"}, wantVar: "WORKER_CONCURRENCY"},
		{name: "WORKER_CONCURRENCY 1001", give: map[string]string{"WORKER_CONCURRENCY": "1001"}, wantVar: "WORKER_CONCURRENCY"},
		{name: "WORKER_CONCURRENCY not a number", give: map[string]string{"WORKER_CONCURRENCY": "ten"}, wantVar: "WORKER_CONCURRENCY"},
		{name: "JOB_ATTEMPTS 0", give: map[string]string{"JOB_ATTEMPTS": "0"}, wantVar: "JOB_ATTEMPTS"},
		{name: "JOB_ATTEMPTS 101", give: map[string]string{"JOB_ATTEMPTS": "101"}, wantVar: "JOB_ATTEMPTS"},
		{name: "JOB_BACKOFF zero", give: map[string]string{"JOB_BACKOFF": "0s"}, wantVar: "JOB_BACKOFF"},
		{name: "JOB_BACKOFF no unit", give: map[string]string{"JOB_BACKOFF": "2"}, wantVar: "JOB_BACKOFF"},
		{name: "JOB_LEASE 10ms", give: map[string]string{"JOB_LEASE": "10ms"}, wantVar: "JOB_LEASE"},
		{name: "RESULT_TTL 500ms", give: map[string]string{"RESULT_TTL": "500ms"}, wantVar: "RESULT_TTL"},
		{name: "QUEUE_MAX_LENGTH 0", give: map[string]string{"QUEUE_MAX_LENGTH": "0"}, wantVar: "QUEUE_MAX_LENGTH"},
		{name: "SHUTDOWN_TIMEOUT negative", give: map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}, wantVar: "SHUTDOWN_TIMEOUT"},
		{name: "RATE_LIMIT_GENERATE 5/x", give: map[string]string{"RATE_LIMIT_GENERATE": "5/x"}, wantVar: "RATE_LIMIT_GENERATE"},
		{name: "RATE_LIMIT_GENERATE 0/m", give: map[string]string{"RATE_LIMIT_GENERATE": "0/m"}, wantVar: "RATE_LIMIT_GENERATE"},
		{name: "RATE_LIMIT_GENERATE without a period", give: map[string]string{"RATE_LIMIT_GENERATE": "60"}, wantVar: "RATE_LIMIT_GENERATE"},
		{name: "RATE_LIMIT_STATUS per day", give: map[string]string{"RATE_LIMIT_STATUS": "10/d"}, wantVar: "RATE_LIMIT_STATUS"},
		{name: "VALKEY_URL http", give: map[string]string{"VALKEY_URL": "http://x"}, wantVar: "VALKEY_URL"},
		{name: "VALKEY_URL not a URL", give: map[string]string{"VALKEY_URL": "://"}, wantVar: "VALKEY_URL"},
		{name: "VALKEY_URL host only", give: map[string]string{"VALKEY_URL": "valkey:6379"}, wantVar: "VALKEY_URL"},
		{name: "sentinel addresses without master", give: map[string]string{"VALKEY_SENTINEL_ADDRS": "s:26379"}, wantVar: "VALKEY_SENTINEL_ADDRS"},
		{name: "sentinel master without addresses", give: map[string]string{"VALKEY_SENTINEL_MASTER": "m"}, wantVar: "VALKEY_SENTINEL_ADDRS"},
		{name: "QUEUE_NAME with braces", give: map[string]string{"QUEUE_NAME": "{recipes}"}, wantVar: "QUEUE_NAME"},
		{name: "QUEUE_NAME with a closing brace", give: map[string]string{"QUEUE_NAME": "recipes}"}, wantVar: "QUEUE_NAME"},
		{name: "QUEUE_NAME with a space", give: map[string]string{"QUEUE_NAME": "my recipes"}, wantVar: "QUEUE_NAME"},
		{name: "gemini without key", give: map[string]string{"AI_PROVIDERS": "gemini"}, wantVar: "AI_PROVIDERS"},
		{name: "openai without key or base URL", give: map[string]string{"AI_PROVIDERS": "offline,openai"}, wantVar: "AI_PROVIDERS"},
		{name: "unknown provider", give: map[string]string{"AI_PROVIDERS": "claude"}, wantVar: "AI_PROVIDERS"},
		{name: "empty provider", give: map[string]string{"AI_PROVIDERS": "offline,,offline"}, wantVar: "AI_PROVIDERS"},
		{name: "LOG_LEVEL verbose", give: map[string]string{"LOG_LEVEL": "verbose"}, wantVar: "LOG_LEVEL"},
		{name: "LOG_FORMAT xml", give: map[string]string{"LOG_FORMAT": "xml"}, wantVar: "LOG_FORMAT"},
		{name: "OTEL_ENABLED maybe", give: map[string]string{"OTEL_ENABLED": "maybe"}, wantVar: "OTEL_ENABLED"},
		{name: "TRY_PAGE maybe", give: map[string]string{"TRY_PAGE": "maybe"}, wantVar: "TRY_PAGE"},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT without a scheme", give: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"}, wantVar: "OTEL_EXPORTER_OTLP_ENDPOINT"},
		{name: "OTEL_TRACES_EXPORTER zipkin", give: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"}, wantVar: "OTEL_TRACES_EXPORTER"},
		{name: "OTEL_EXPORTER_OTLP_PROTOCOL http/json", give: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, wantVar: "OTEL_EXPORTER_OTLP_PROTOCOL"},
		{name: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL udp", give: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "udp"}, wantVar: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"},
		{name: "HTTP_ADDR without a port", give: map[string]string{"HTTP_ADDR": "8080"}, wantVar: "HTTP_ADDR"},
		{name: "WORKER_HTTP_ADDR without a port", give: map[string]string{"WORKER_HTTP_ADDR": "localhost"}, wantVar: "WORKER_HTTP_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(lookup(tt.give))
			if err == nil {
				t.Fatalf("Load(%v) error = nil, want one naming %s", tt.give, tt.wantVar)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, tt.wantVar+" ") && !strings.HasPrefix(msg, tt.wantVar+":") || strings.Contains(msg, "\n") {
				t.Errorf("Load(%v) error = %q, want one line starting with %s", tt.give, msg, tt.wantVar)
			}
		})
	}
}

func TestLoadErrorsHideSecrets(t *testing.T) {
	tests := []struct {
		name   string
		give   map[string]string
		secret string
	}{
		{name: "VALKEY_URL password", give: map[string]string{"VALKEY_URL": "http://user:hunter2@valkey:6379"}, secret: "hunter2"},
		{name: "bad variable next to a key", give: map[string]string{"GEMINI_API_KEY": "AIza-secret", "AI_TIMEOUT": "abc"}, secret: "AIza-secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(lookup(tt.give))
			if err == nil || strings.Contains(err.Error(), tt.secret) {
				t.Errorf("Load(%s) error = %v, want an error without %q", tt.name, err, tt.secret)
			}
		})
	}
}

func TestProviders(t *testing.T) {
	tests := []struct {
		name string
		give map[string]string
		want []string
	}{
		{name: "no keys", give: nil, want: []string{"offline"}},
		{name: "gemini key", give: map[string]string{"GEMINI_API_KEY": "g"}, want: []string{"gemini", "offline"}},
		{name: "openai key", give: map[string]string{"OPENAI_API_KEY": "o"}, want: []string{"openai", "offline"}},
		{
			name: "both keys",
			give: map[string]string{"OPENAI_API_KEY": "o", "GEMINI_API_KEY": "g"},
			want: []string{"gemini", "openai", "offline"},
		},
		{
			name: "AI_PROVIDERS overrides",
			give: map[string]string{"OPENAI_API_KEY": "o", "GEMINI_API_KEY": "g", "AI_PROVIDERS": "openai,offline"},
			want: []string{"openai", "offline"},
		},
		{
			name: "AI_PROVIDERS offline only",
			give: map[string]string{"GEMINI_API_KEY": "g", "AI_PROVIDERS": "offline"},
			want: []string{"offline"},
		},
		{
			name: "AI_PROVIDERS without offline",
			give: map[string]string{"GEMINI_API_KEY": "g", "AI_PROVIDERS": "gemini"},
			want: []string{"gemini"},
		},
		{
			name: "AI_PROVIDERS trimmed and lower-cased",
			give: map[string]string{"GEMINI_API_KEY": "g", "AI_PROVIDERS": " Gemini , OFFLINE"},
			want: []string{"gemini", "offline"},
		},
		{
			name: "openai through a base URL",
			give: map[string]string{"OPENAI_BASE_URL": "http://ollama:11434/v1", "AI_PROVIDERS": "openai"},
			want: []string{"openai"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(lookup(tt.give))
			if err != nil {
				t.Fatalf("Load(%v) error = %v", tt.give, err)
			}
			if diff := cmp.Diff(tt.want, cfg.Providers()); diff != "" {
				t.Errorf("Load(%v).Providers() (-want +got):\n%s", tt.give, diff)
			}
		})
	}
}

func TestSecretFormats(t *testing.T) {
	const value = "sk-very-secret"
	s := config.Secret(value)
	tests := []struct {
		name string
		give string
		want string
	}{
		{name: "%v", give: fmt.Sprintf("%v", s), want: "[redacted]"},
		{name: "%s", give: s.String(), want: "[redacted]"},
		{name: "%+v", give: fmt.Sprintf("%+v", s), want: "[redacted]"},
		{name: "%#v", give: fmt.Sprintf("%#v", s), want: `"[redacted]"`},
		{name: "%q", give: fmt.Sprintf("%q", s), want: `"[redacted]"`},
		{name: "Println", give: fmt.Sprintln(s), want: "[redacted]\n"},
		{name: "String", give: s.String(), want: "[redacted]"},
		{name: "json", give: mustJSON(t, s), want: `"[redacted]"`},
		{name: "empty", give: fmt.Sprintf("%v", config.Secret("")), want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.give != tt.want {
				t.Errorf("Secret printed with %s = %q, want %q", tt.name, tt.give, tt.want)
			}
		})
	}
	if got := s.Reveal(); got != value {
		t.Errorf("Secret(%q).Reveal() = %q, want %q", value, got, value)
	}
}

func TestConfigPrintsNoSecret(t *testing.T) {
	env := map[string]string{
		"VALKEY_URL":     "redis://:valkey-pass@valkey:6379/0",
		"GEMINI_API_KEY": "gemini-secret",
		"OPENAI_API_KEY": "openai-secret",
		"DATABASE_URL":   "postgres://u:db-pass@db/recipes",
		"API_KEYS":       "api-secret-1,api-secret-2",
		"ADMIN_TOKEN":    "admin-secret",
	}
	cfg, err := config.Load(lookup(env))
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	secrets := []string{"valkey-pass", "gemini-secret", "openai-secret", "db-pass", "api-secret-1", "api-secret-2", "admin-secret"}
	tests := []struct {
		name string
		give string
	}{
		{name: "%v", give: fmt.Sprintf("%v", cfg)},
		{name: "%+v", give: fmt.Sprintf("%+v", cfg)},
		{name: "%#v", give: fmt.Sprintf("%#v", cfg)},
		{name: "%v of a pointer", give: fmt.Sprintf("%+v", &cfg)},
		{name: "json", give: mustJSON(t, cfg)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, secret := range secrets {
				if strings.Contains(tt.give, secret) {
					t.Errorf("config printed with %s = %s, want no %q", tt.name, tt.give, secret)
				}
			}
			if n := strings.Count(tt.give, "[redacted]"); n != len(secrets) {
				t.Errorf("config printed with %s shows [redacted] %d times, want %d:\n%s", tt.name, n, len(secrets), tt.give)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal(%T) error = %v", v, err)
	}
	return string(b)
}

func TestRateString(t *testing.T) {
	tests := []struct {
		give config.Rate
		want string
	}{
		{give: config.Rate{Limit: 60, Period: time.Minute}, want: "60/m"},
		{give: config.Rate{Limit: 5, Period: time.Second}, want: "5/s"},
		{give: config.Rate{Limit: 1000, Period: time.Hour}, want: "1000/h"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.give.String(); got != tt.want {
				t.Errorf("%#v.String() = %q, want %q", tt.give, got, tt.want)
			}
		})
	}
}

func TestCheckAvailableRefusesFeaturesNotBuiltYet(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // the variable the error names; "" for none
	}{
		{name: "defaults", env: nil},
		{name: "admin token", env: map[string]string{"ADMIN_TOKEN": "secret"}},
		{name: "tracing", env: map[string]string{"OTEL_ENABLED": "true"}},
		{name: "replicas", env: map[string]string{"ENQUEUE_WAIT_REPLICAS": "1"}, want: "ENQUEUE_WAIT_REPLICAS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatalf("Load(%v) error = %v", tt.env, err)
			}
			err = cfg.CheckAvailable()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("CheckAvailable() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want+": ")):
				t.Errorf("CheckAvailable() = %v, want an error naming %s", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Errorf("CheckAvailable() = %q, want one line", err)
			}
		})
	}
}

func TestTracing(t *testing.T) {
	tests := []struct {
		name         string
		give         map[string]string
		wantTracing  bool
		wantProtocol string
	}{
		{name: "default", give: nil, wantProtocol: "http/protobuf"},
		{name: "enabled", give: map[string]string{"OTEL_ENABLED": "true"}, wantTracing: true, wantProtocol: "http/protobuf"},
		{name: "sdk disabled", give: map[string]string{"OTEL_ENABLED": "true", "OTEL_SDK_DISABLED": "true"}, wantProtocol: "http/protobuf"},
		{name: "no exporter", give: map[string]string{"OTEL_ENABLED": "true", "OTEL_TRACES_EXPORTER": "none"}, wantProtocol: "http/protobuf"},
		{name: "grpc", give: map[string]string{"OTEL_ENABLED": "true", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, wantTracing: true, wantProtocol: "grpc"},
		{
			name:        "traces protocol wins",
			give:        map[string]string{"OTEL_ENABLED": "true", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"},
			wantTracing: true, wantProtocol: "http/protobuf",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Load(lookup(tt.give))
			if err != nil {
				t.Fatalf("Load(%v) error = %v", tt.give, err)
			}
			if got := cfg.Tracing(); got != tt.wantTracing {
				t.Errorf("Tracing() = %v, want %v", got, tt.wantTracing)
			}
			if got := cfg.OTLPTracesProtocol(); got != tt.wantProtocol {
				t.Errorf("OTLPTracesProtocol() = %q, want %q", got, tt.wantProtocol)
			}
		})
	}
}
