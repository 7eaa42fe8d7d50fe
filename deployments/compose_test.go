package deployments

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// handBack is what the worker takes beyond SHUTDOWN_TIMEOUT to hand unfinished jobs back
// and close (its fx stop timeout in cmd/worker/main.go); a container or pod must be
// given at least that much more before it is killed.
const handBack = 15 * time.Second

// loadCompose loads a compose file as docker compose would, with an empty environment
// (so every ${VAR:-default} takes its default) and env_file resolved into each
// service's environment, relative to deployments/.
func loadCompose(t testing.TB, file string) (*types.Project, error) {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	opts, err := cli.NewProjectOptions([]string{file}, cli.WithWorkingDirectory(dir), cli.WithEnv(nil))
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

func TestCompose(t *testing.T) {
	p, err := loadCompose(t, "compose.yaml")
	if err != nil {
		t.Fatalf("load compose.yaml: %v", err)
	}
	if problems := checkCompose(p, contractVariables(t)); len(problems) > 0 {
		t.Errorf("compose.yaml breaks the rules:\n  %s", strings.Join(problems, "\n  "))
	}
	// example.env is part of what the check saw, not only the environment: keys.
	if q := p.Services["worker"].Environment["QUEUE_NAME"]; q == nil || *q != "ai-recipe-generation" {
		t.Errorf("worker QUEUE_NAME = %v, want ai-recipe-generation from example.env", q)
	}
}

func TestComposeRulesCatchMistakes(t *testing.T) {
	good, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, old, new, wantErr string
	}{
		{name: "variable outside the contract", old: "  VALKEY_URL: redis://valkey:6379/0\n", new: "  VALKEY_URL: redis://valkey:6379/0\n  REDIS_URL: redis://valkey:6379/0\n", wantErr: "REDIS_URL"},
		{name: "misspelt key", old: "stop_grace_period: 50s", new: "stop_grace_periode: 50s", wantErr: "stop_grace_periode"},
		{name: "fixed worker name", old: "    deploy: { replicas: 2 }", new: "    container_name: worker\n    deploy: { replicas: 2 }", wantErr: "container_name"},
		{name: "worker publishes a port", old: `expose: ["9090"]`, new: `ports: ["9090:9090"]`, wantErr: "publishes"},
		{name: "started is not healthy", old: "postgres: { condition: service_healthy }", new: "postgres: { condition: service_started }", wantErr: "service_healthy"},
		{name: "nginx before the api", old: "      api: { condition: service_healthy }\n", new: "      valkey: { condition: service_healthy }\n", wantErr: "nginx"},
		{name: "short grace", old: "stop_grace_period: 50s", new: "stop_grace_period: 30s", wantErr: "stop_grace_period"},
		{name: "no AOF", old: `"--appendonly", "yes"`, new: `"--appendonly", "no"`, wantErr: "appendonly"},
		{name: "older Valkey", old: "valkey/valkey:8-alpine", new: "valkey/valkey:7-alpine", wantErr: "Valkey 8"},
		{name: "no healthcheck", old: `      test: ["CMD", "/worker", "healthcheck"]`, new: `      disable: true`, wantErr: "healthcheck"},
		{name: "writable root", old: "  read_only: true\n", new: "", wantErr: "read_only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(good), tt.old) {
				t.Fatalf("compose.yaml has no %q to replace", tt.old)
			}
			file := filepath.Join(t.TempDir(), "compose.yaml")
			if err := os.WriteFile(file, []byte(strings.Replace(string(good), tt.old, tt.new, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			var problems []string
			if p, err := loadCompose(t, file); err != nil {
				problems = []string{err.Error()}
			} else {
				problems = checkCompose(p, contractVariables(t))
			}
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.wantErr) }) {
				t.Errorf("compose.yaml with %q for %q: problems %q, want one naming %q", tt.new, tt.old, problems, tt.wantErr)
			}
		})
	}
}

// checkCompose returns every rule the loaded project breaks; contract holds the
// variables the binaries read.
func checkCompose(p *types.Project, contract map[string]string) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	want := []string{"api", "nginx", "postgres", "valkey", "worker"}
	if got := p.ServiceNames(); !slices.Equal(sorted(got), want) {
		fail("services %v, want %v", sorted(got), want)
	}
	needs := map[string][]string{"api": {"postgres", "valkey"}, "worker": {"postgres", "valkey"}, "nginx": {"api"}}
	for name, s := range p.Services {
		h := s.HealthCheck
		if h == nil || h.Disable || len(h.Test) == 0 || h.Interval == nil || h.Timeout == nil {
			fail("%s has no healthcheck with a test, an interval and a timeout", name)
		}
		var deps []string
		for dep, d := range s.DependsOn {
			deps = append(deps, dep)
			if d.Condition != types.ServiceConditionHealthy {
				fail("%s depends on %s with condition %s, want service_healthy", name, dep, d.Condition)
			}
		}
		if !slices.Equal(sorted(deps), needs[name]) {
			fail("%s depends on %v, want %v", name, sorted(deps), needs[name])
		}
	}

	if v, ok := p.Services["valkey"]; ok {
		if !strings.HasPrefix(v.Image, "valkey/valkey:8") {
			fail("valkey image %s, want Valkey 8", v.Image)
		}
		cmd := strings.Join(v.Command, " ")
		if !strings.Contains(cmd, "--appendonly yes") {
			fail("valkey command %q, want --appendonly yes", cmd)
		}
		if !slices.ContainsFunc(v.Volumes, func(m types.ServiceVolumeConfig) bool { return m.Type == types.VolumeTypeVolume && m.Target == "/data" }) {
			fail("valkey keeps its append-only file in no named volume at /data")
		}
	}

	for _, name := range []string{"api", "worker"} {
		s, ok := p.Services[name]
		if !ok {
			continue
		}
		var unknown []string
		for k := range s.Environment {
			if _, ok := contract[k]; !ok {
				unknown = append(unknown, k)
			}
		}
		if len(unknown) > 0 {
			fail("%s sets %v, which the binaries do not read (not in the contract's table)", name, sorted(unknown))
		}
		if u := s.Environment["VALKEY_URL"]; u == nil || !strings.Contains(*u, "//valkey:") {
			fail("%s has VALKEY_URL %v, want the valkey service", name, u)
		}
		if h := s.HealthCheck; h != nil && !slices.Equal(h.Test, []string{"CMD", "/" + name, "healthcheck"}) {
			fail("%s healthcheck %q, want [CMD /%s healthcheck]: the image has no shell", name, h.Test, name)
		}
		if !s.ReadOnly {
			fail("%s: want read_only: true, as the image needs no writable path", name)
		}
		if s.Build == nil || s.Build.Dockerfile != "Dockerfile."+name {
			fail("%s is not built from Dockerfile.%s", name, name)
		}
		if len(s.Ports) > 0 {
			fail("%s publishes %v: nginx is the only way in, and a fixed host port stops --scale", name, s.Ports)
		}
	}
	if w, ok := p.Services["worker"]; ok {
		if w.ContainerName != "" {
			fail("worker has container_name %s, which stops --scale worker=N", w.ContainerName)
		}
		shutdown := contract["SHUTDOWN_TIMEOUT"]
		if v := w.Environment["SHUTDOWN_TIMEOUT"]; v != nil {
			shutdown = *v
		}
		d, err := time.ParseDuration(shutdown)
		if err != nil {
			fail("worker SHUTDOWN_TIMEOUT %q: %v", shutdown, err)
		}
		if w.StopGracePeriod == nil || time.Duration(*w.StopGracePeriod) <= d+handBack {
			fail("worker stop_grace_period %v, want above SHUTDOWN_TIMEOUT %s + %s", w.StopGracePeriod, d, handBack)
		}
	}
	if n, ok := p.Services["nginx"]; ok {
		if !slices.ContainsFunc(n.Volumes, func(m types.ServiceVolumeConfig) bool {
			return m.Target == "/etc/nginx/nginx.conf" && m.Source == filepath.Join(p.WorkingDir, "nginx", "nginx.conf") && m.ReadOnly
		}) {
			fail("nginx does not mount nginx/nginx.conf read-only at /etc/nginx/nginx.conf: %v", n.Volumes)
		}
		if len(n.Ports) == 0 {
			fail("nginx publishes no port")
		}
	}
	return problems
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}
