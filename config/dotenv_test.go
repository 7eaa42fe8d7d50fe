package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/naengbu/recipe-ai/config"
)

func TestWithDotEnvFillsWhatTheEnvironmentLeavesEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("# local settings\nQUEUE_NAME=from-file\nWORKER_CONCURRENCY=7\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"WORKER_CONCURRENCY": "3"}
	getenv, err := config.WithDotEnv(func(k string) string { return env[k] }, path)
	if err != nil {
		t.Fatalf("WithDotEnv error = %v", err)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		t.Fatalf("Load error = %v", err)
	}
	if cfg.QueueName != "from-file" || cfg.WorkerConcurrency != 3 {
		t.Errorf("QUEUE_NAME, WORKER_CONCURRENCY = %q, %d; want the file's name and the environment's 3", cfg.QueueName, cfg.WorkerConcurrency)
	}
}

func TestWithDotEnvWithoutAFileUsesTheEnvironment(t *testing.T) {
	getenv, err := config.WithDotEnv(func(k string) string { return map[string]string{"QUEUE_NAME": "env"}[k] }, filepath.Join(t.TempDir(), ".env"))
	if err != nil {
		t.Fatalf("WithDotEnv(missing file) error = %v", err)
	}
	if got := getenv("QUEUE_NAME"); got != "env" {
		t.Errorf("getenv(QUEUE_NAME) = %q, want env", got)
	}
}

func TestWithDotEnvRejectsABrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("QUEUE_NAME='unclosed\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.WithDotEnv(os.Getenv, path); err == nil {
		t.Error("WithDotEnv(broken file) error = nil, want an error naming the file")
	}
}
