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
	logConfig(zap.New(core), cfg)
	entries := logs.All()
	if len(entries) != 1 {
		t.Fatalf("logConfig wrote %d entries, want 1", len(entries))
	}
	data, err := json.Marshal(entries[0].ContextMap()) // as zap's JSON encoder writes it
	if err != nil {
		t.Fatal(err)
	}
	line := string(data)
	for _, secret := range []string{"gm-secret-1", "pw-secret-2", "k-secret-3"} {
		if strings.Contains(line, secret) {
			t.Errorf("logged config %s contains the secret %q", line, secret)
		}
	}
	if !strings.Contains(line, "ai-recipe-generation") || !strings.Contains(line, "[redacted]") {
		t.Errorf("logged config %s lacks the queue name or the redaction mark", line)
	}
}
