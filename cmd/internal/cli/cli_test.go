package cli

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/naengbu/recipe-ai/buildinfo"
	"github.com/naengbu/recipe-ai/config"
)

func httpAddr(c config.Config) string { return c.HTTPAddr }

// configAt returns a loader whose HTTP_ADDR is addr.
func configAt(addr string) func() (config.Config, error) {
	return func() (config.Config, error) {
		return config.Load(func(name string) string {
			if name == "HTTP_ADDR" {
				return addr
			}
			return ""
		})
	}
}

func TestRun(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	closed := closedAddr(t)
	badConfig := func() (config.Config, error) { return config.Config{}, errors.New("QUEUE_NAME: bad") }

	tests := []struct {
		name        string
		give        []string
		load        func() (config.Config, error)
		wantHandled bool
		wantCode    int
		wantOut     string // a substring of stdout, "" for none
		wantErr     string // a substring of stderr, "" for none
	}{
		{name: "no arguments runs the service", give: nil, load: configAt(":0")},
		{name: "--version", give: []string{"--version"}, load: badConfig, wantHandled: true, wantOut: "api " + buildinfo.Version() + "\n"},
		{name: "-version", give: []string{"-version"}, load: badConfig, wantHandled: true, wantOut: "api " + buildinfo.Version() + "\n"},
		{name: "healthy", give: []string{"healthcheck"}, load: configAt(healthy.Listener.Addr().String()), wantHandled: true, wantOut: `{"status":"ok"}`},
		{name: "answers 503", give: []string{"healthcheck"}, load: configAt(sick.Listener.Addr().String()), wantHandled: true, wantCode: 1, wantErr: "503"},
		{name: "nothing listens", give: []string{"healthcheck"}, load: configAt(closed), wantHandled: true, wantCode: 1, wantErr: "connection refused"},
		{name: "invalid configuration", give: []string{"healthcheck"}, load: badConfig, wantHandled: true, wantCode: 1, wantErr: "config: QUEUE_NAME"},
		{name: "unknown subcommand", give: []string{"serve"}, load: configAt(":0"), wantHandled: true, wantCode: 2, wantErr: "usage: api"},
		{name: "unknown flag", give: []string{"--verbose"}, load: configAt(":0"), wantHandled: true, wantCode: 2, wantErr: "usage: api"},
		{name: "extra argument", give: []string{"healthcheck", "now"}, load: configAt(":0"), wantHandled: true, wantCode: 2, wantErr: "usage: api"},
		{name: "help", give: []string{"--help"}, load: configAt(":0"), wantHandled: true, wantErr: "healthcheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, handled := run("api", httpAddr, tt.give, &stdout, &stderr, tt.load)
			if handled != tt.wantHandled || code != tt.wantCode {
				t.Fatalf("run(%q) = %d, %t, want %d, %t (stderr %q)", tt.give, code, handled, tt.wantCode, tt.wantHandled, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) || (tt.wantOut == "" && stdout.Len() > 0) {
				t.Errorf("run(%q) stdout = %q, want %q", tt.give, stdout.String(), tt.wantOut)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) || (tt.wantErr == "" && stderr.Len() > 0) {
				t.Errorf("run(%q) stderr = %q, want it to contain %q", tt.give, stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestDialAddr(t *testing.T) {
	tests := []struct{ give, want string }{
		{":8080", "127.0.0.1:8080"},
		{"0.0.0.0:9090", "127.0.0.1:9090"},
		{"[::]:8080", "[::1]:8080"},
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"10.1.2.3:8080", "10.1.2.3:8080"},
		{"localhost:8080", "localhost:8080"},
		{"[::1]:8080", "[::1]:8080"},
	}
	for _, tt := range tests {
		if got := dialAddr(tt.give); got != tt.want {
			t.Errorf("dialAddr(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
