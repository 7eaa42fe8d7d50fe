package logging

import (
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/naengbu/recipe-ai/config"
)

func TestLogConfigHidesSecrets(t *testing.T) {
	env := map[string]string{"GEMINI_API_KEY": "gm-secret-1", "VALKEY_URL": "redis://:pw-secret-2@localhost:6379/0", "API_KEYS": "k-secret-3"}
	cfg, err := config.Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	logConfig(zap.New(core), cfg, "api")
	logConfig(zap.New(core), cfg, "worker")
	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("logConfig wrote %d entries, want 1 per binary", len(entries))
	}
	var lines string
	for _, e := range entries {
		data, err := json.Marshal(e.ContextMap()) // as zap's JSON encoder writes it
		if err != nil {
			t.Fatal(err)
		}
		lines += string(data) + "\n"
	}
	for _, secret := range []string{"gm-secret-1", "pw-secret-2", "k-secret-3"} {
		if strings.Contains(lines, secret) {
			t.Errorf("logged summary %s contains the secret %q", lines, secret)
		}
	}
	for _, want := range []string{"ai-recipe-generation", `"lease":"30s"`, `"auth":"on, 1 API keys"`, "gemini (gemini-2.5-flash, key set) → offline", "localhost:6379"} {
		if !strings.Contains(lines, want) {
			t.Errorf("logged summary %s lacks %q", lines, want)
		}
	}
}
