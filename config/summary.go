package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Setting is one line of a start-up summary.
type Setting struct{ Name, Value string }

// Summary describes what the binary runs with, in words an operator reads at a glance:
// addresses, the provider chain and which providers have keys, what is on and off, and
// durations as "30s". It never holds a secret: URLs lose their credentials and keys are
// only said to be set.
func (c Config) Summary(binary string) []Setting {
	valkey := "single node " + redactURL(c.ValkeyURL.Reveal())
	switch {
	case len(c.ValkeyClusterAddrs) > 0:
		valkey = "cluster " + strings.Join(c.ValkeyClusterAddrs, ",")
	case len(c.ValkeySentinelAddrs) > 0:
		valkey = fmt.Sprintf("sentinel master %q via %s", c.ValkeySentinelMaster, strings.Join(c.ValkeySentinelAddrs, ","))
	}
	history := "off (DATABASE_URL not set)"
	if c.DatabaseURL != "" {
		history = "on, PostgreSQL " + redactURL(c.DatabaseURL.Reveal())
	}
	out := []Setting{{"valkey", valkey}, {"queue", c.QueueName}, {"history", history}}
	switch binary {
	case "api":
		auth := "off: the API is open (API_KEYS not set)"
		if n := len(c.APIKeys); n > 0 {
			auth = fmt.Sprintf("on, %d API keys", n)
		}
		out = append(out,
			Setting{"listen", c.HTTPAddr},
			Setting{"auth", auth},
			Setting{"rate limits", fmt.Sprintf("generate %s, status %s", c.RateLimitGenerate, c.RateLimitStatus)},
			Setting{"queue limit", fmt.Sprintf("%d waiting jobs", c.QueueMaxLength)},
			Setting{"results kept", c.ResultTTL.String()},
		)
	case "worker":
		out = append(out,
			Setting{"listen", c.WorkerHTTPAddr},
			Setting{"providers", c.providerSummary()},
			Setting{"concurrency", fmt.Sprint(c.WorkerConcurrency)},
			Setting{"attempts", fmt.Sprintf("%d, backoff from %s", c.JobAttempts, c.JobBackoff)},
			Setting{"lease", c.JobLease.String()},
			Setting{"provider timeout", c.AITimeout.String()},
			Setting{"shutdown grace", c.ShutdownTimeout.String()},
			Setting{"results kept", c.ResultTTL.String()},
		)
	}
	return append(out, Setting{"log", c.LogLevel + ", " + c.LogFormat})
}

// providerSummary names the chain in order, each with whether it has what it needs.
func (c Config) providerSummary() string {
	var parts []string
	for _, p := range c.Providers() {
		switch p {
		case ProviderGemini:
			parts = append(parts, fmt.Sprintf("gemini (%s, key set)", c.GeminiModel))
		case ProviderOpenAI:
			key := "key set"
			if c.OpenAIAPIKey == "" {
				key = "no key"
			}
			where := ""
			if c.OpenAIBaseURL != "" {
				where = " at " + redactURL(c.OpenAIBaseURL)
			}
			parts = append(parts, fmt.Sprintf("openai (%s%s, %s)", c.OpenAIModel, where, key))
		case ProviderOffline:
			parts = append(parts, "offline (built-in engine, no key needed)")
		}
	}
	s := strings.Join(parts, " → ")
	if len(parts) == 1 && parts[0] != "" && strings.HasPrefix(parts[0], "offline") {
		s += "; no AI key set, so answers come from the offline engine"
	}
	return s
}

// redactURL drops the credentials of a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unreadable URL]"
	}
	u.User = nil
	return u.Redacted()
}
