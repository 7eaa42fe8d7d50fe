package deployments

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const nginxConf = "deployments/nginx/nginx.conf"

// TestNginxConfigIsValid runs nginx -t on the file as shipped. nginx resolves the
// upstream's host name "api" while it checks, so it runs in a mount namespace of its
// own where /etc/hosts names api 127.0.0.1; the host's /etc/hosts is untouched.
func TestNginxConfigIsValid(t *testing.T) {
	nginx := needTool(t, "nginx")
	unshare := needTool(t, "unshare")
	hosts := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(hosts, []byte("127.0.0.1 localhost api\n::1 localhost\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf, err := filepath.Abs(filepath.Join(root, nginxConf))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(unshare, "--mount", "--propagation", "private", "sh", "-c",
		`mount --bind "$1" /etc/hosts && exec "$2" -t -q -e stderr -c "$3"`, "sh", hosts, nginx, conf)
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "mount:") || strings.Contains(string(out), "unshare:") {
			unavailable(t, fmt.Errorf("no private mount namespace for nginx -t: %v\n%s", err, out))
		}
		t.Fatalf("nginx -t -c %s: %v\n%s", nginxConf, err, out)
	}
}

func TestNginxConfigRules(t *testing.T) {
	if problems := checkNginx(string(readRoot(t, nginxConf))); len(problems) > 0 {
		t.Errorf("%s breaks the rules:\n  %s", nginxConf, strings.Join(problems, "\n  "))
	}
}

func TestNginxRulesCatchMistakes(t *testing.T) {
	good := string(readRoot(t, nginxConf))
	tests := []struct {
		name, old, new, wantErr string
	}{
		{name: "buffered events", old: "proxy_buffering    off;", new: "proxy_buffering    on;", wantErr: "proxy_buffering"},
		{name: "short read timeout", old: "proxy_read_timeout 1h;", new: "proxy_read_timeout 60s;", wantErr: "proxy_read_timeout"},
		{name: "request id dropped", old: "proxy_set_header X-Request-ID      $req_id;", new: "", wantErr: "X-Request-ID"},
		{name: "headers masked in a location", old: "proxy_next_upstream error;", new: "proxy_set_header Host $host;", wantErr: "X-Request-ID"},
		{name: "polling burst below submissions", old: "zone=status burst=100 nodelay;\n            proxy_pass", new: "zone=status burst=10 nodelay;\n            proxy_pass", wantErr: "burst"},
		{name: "undefined zone", old: "zone=generate:10m", new: "zone=submit:10m", wantErr: "no limit_req_zone"},
		{name: "unlimited route", old: "limit_req zone=general burst=50 nodelay;", new: "", wantErr: "limit_req"},
		{name: "shared key", old: "limit_req_zone  $binary_remote_addr zone=status", new: "limit_req_zone  $server_name zone=status", wantErr: "per client IP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("%s has no %q to replace", nginxConf, tt.old)
			}
			problems := checkNginx(strings.Replace(good, tt.old, tt.new, 1))
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.wantErr) }) {
				t.Errorf("checkNginx(with %q for %q) = %q, want a problem naming %q", tt.new, tt.old, problems, tt.wantErr)
			}
		})
	}
}

// checkNginx returns every rule the configuration src breaks.
func checkNginx(src string) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	conf, err := parseNginx(src)
	if err != nil {
		return []string{err.Error()}
	}
	httpBlock, _ := get(conf, "http")
	server, ok := get(httpBlock.block, "server")
	if !ok {
		return []string{"no http { server { } }"}
	}

	// Every zone limits by client address.
	zones := make(map[string]bool)
	for _, z := range all(httpBlock.block, "limit_req_zone") {
		name := ""
		for _, a := range z.args {
			if n, ok := strings.CutPrefix(a, "zone="); ok {
				name, _, _ = strings.Cut(n, ":")
			}
		}
		if len(z.args) == 0 || z.args[0] != "$binary_remote_addr" {
			fail("limit_req_zone %s keys on %v, want $binary_remote_addr (per client IP)", name, z.args)
		}
		if !slices.ContainsFunc(z.args, func(a string) bool { return strings.HasPrefix(a, "rate=") }) {
			fail("limit_req_zone %s has no rate=", name)
		}
		zones[name] = true
	}

	// X-Request-ID goes to the api from every proxied location.
	forwards := func(block []directive) bool {
		d, ok := get(block, "proxy_set_header", "X-Request-ID")
		return ok && len(d.args) == 2 && strings.HasPrefix(d.args[1], "$")
	}
	serverForwards := forwards(server.block)
	if !serverForwards {
		fail("server sets no proxy_set_header X-Request-ID $…")
	}

	burst := make(map[string]int) // by location pattern
	var events *directive
	sample := "/v1/recipe/status/0b6f3c1e-4a9e-4f7a-9c7d-3b1e2a4d5f60/events"
	for _, loc := range all(server.block, "location") {
		pattern := loc.args[len(loc.args)-1]
		if _, proxied := get(loc.block, "proxy_pass"); !proxied {
			continue
		}
		// A location with a proxy_set_header of its own inherits none of the server's.
		if _, own := get(loc.block, "proxy_set_header"); (own && !forwards(loc.block)) || (!own && !serverForwards) {
			fail("location %s does not forward X-Request-ID", pattern)
		}
		lr, ok := get(loc.block, "limit_req")
		if !ok {
			fail("location %s proxies without a limit_req", pattern)
			continue
		}
		for _, a := range lr.args {
			if z, ok := strings.CutPrefix(a, "zone="); ok && !zones[z] {
				fail("location %s uses limit_req zone %s, which no limit_req_zone defines", pattern, z)
			}
			if b, ok := strings.CutPrefix(a, "burst="); ok {
				burst[pattern], _ = strconv.Atoi(b)
			}
		}
		if len(loc.args) == 2 && strings.HasPrefix(loc.args[0], "~") {
			if re, err := regexp.Compile(pattern); err == nil && re.MatchString(sample) {
				events = &loc
			}
		}
	}
	if burst["/v1/recipe/status/"] <= burst["/v1/recipe/generate"] {
		fail("status polling burst %d, want above the submissions' burst %d", burst["/v1/recipe/status/"], burst["/v1/recipe/generate"])
	}
	if events == nil {
		return append(problems, "no regex location for "+sample)
	}
	if d, _ := get(events.block, "proxy_buffering"); !slices.Equal(d.args, []string{"off"}) {
		fail("events location: proxy_buffering %v, want off", d.args)
	}
	d, _ := get(events.block, "proxy_read_timeout")
	if len(d.args) != 1 {
		fail("events location sets no proxy_read_timeout")
	} else if timeout, err := nginxDuration(d.args[0]); err != nil || timeout < 10*time.Minute {
		fail("events location: proxy_read_timeout %s, want at least 10m", d.args[0])
	}
	return problems
}

// fakeAPI stands in for the api behind nginx: it records what reaches it, echoes
// X-Request-ID as the api does, and streams events until released.
type fakeAPI struct {
	mu      sync.Mutex
	seen    []*http.Request
	release chan struct{}
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, r)
	f.mu.Unlock()
	w.Header().Set("X-Request-ID", r.Header.Get("X-Request-ID"))
	switch {
	case strings.HasSuffix(r.URL.Path, "/events"):
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "event: status\ndata: {\"status\":\"processing\"}\n\n")
		w.(http.Flusher).Flush()
		select {
		case <-f.release:
		case <-time.After(10 * time.Second):
		}
		fmt.Fprint(w, "event: completed\ndata: {\"status\":\"completed\"}\n\n")
	case r.Method == http.MethodPost:
		w.WriteHeader(http.StatusAccepted)
	default:
		fmt.Fprintf(w, "api %s", r.URL.RequestURI())
	}
}

// last returns the last request that reached the api with that path, or nil.
func (f *fakeAPI) last(path string) *http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.seen) - 1; i >= 0; i-- {
		if f.seen[i].URL.Path == path {
			return f.seen[i]
		}
	}
	return nil
}

// TestNginxInFrontOfTheAPI runs nginx with the shipped configuration in front of a fake
// api. Only the addresses change: nginx listens on a free loopback port and its upstream
// is the fake api instead of api:8080. (This nginx passes a flushed event on even with
// proxy_buffering on, so TestNginxConfigRules is what holds the events location to off.)
func TestNginxInFrontOfTheAPI(t *testing.T) {
	nginx := needTool(t, "nginx")
	api := &fakeAPI{release: make(chan struct{})}
	upstream := httptest.NewServer(api)
	defer upstream.Close()
	defer close(api.release)

	dir := t.TempDir()
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	conf := string(readRoot(t, nginxConf))
	for _, r := range [][2]string{
		{"server api:8080;", "server " + upstream.Listener.Addr().String() + ";"},
		{"listen 8080;", "listen " + listen + ";"},
		{"listen [::]:8080;", ""},
		{"pid /tmp/nginx.pid;", "pid " + filepath.Join(dir, "nginx.pid") + ";"},
	} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("%s has no %q to point at the test's addresses", nginxConf, r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	cmd := exec.Command(nginx, "-e", "stderr", "-c", path, "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGQUIT) // the master stops its workers too
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("nginx output:\n%s", logs.String())
		}
	})
	waitListening(t, listen, 10*time.Second)
	base := "http://" + listen
	client := &http.Client{Timeout: 10 * time.Second}

	t.Run("pages and routes pass through", func(t *testing.T) {
		for _, uri := range []string{"/", "/docs/index.html", "/admin/", "/admin/api/jobs", "/health", "/ready", "/v1/users/u1/recipes?limit=2", "/v1/recipe/status/j1"} {
			resp, body := do(t, client, http.MethodGet, base+uri, nil, nil)
			if resp.StatusCode != http.StatusOK || body != "api "+uri {
				t.Errorf("GET %s through nginx = %d %q, want 200 %q", uri, resp.StatusCode, body, "api "+uri)
			}
		}
	})

	t.Run("metrics stay internal", func(t *testing.T) {
		resp, _ := do(t, client, http.MethodGet, base+"/metrics", nil, nil)
		if resp.StatusCode != http.StatusNotFound || api.last("/metrics") != nil {
			t.Errorf("GET /metrics through nginx = %d (reached the api: %t), want 404 without reaching it", resp.StatusCode, api.last("/metrics") != nil)
		}
	})

	t.Run("request id forwarded", func(t *testing.T) {
		resp, _ := do(t, client, http.MethodGet, base+"/health", map[string]string{"X-Request-ID": "client-id-1"}, nil)
		if got := api.last("/health").Header.Get("X-Request-ID"); got != "client-id-1" || resp.Header.Get("X-Request-ID") != "client-id-1" {
			t.Errorf("X-Request-ID client-id-1: the api saw %q, the client got %q back", got, resp.Header.Get("X-Request-ID"))
		}
		resp, _ = do(t, client, http.MethodGet, base+"/ready", nil, nil)
		got := api.last("/ready").Header.Get("X-Request-ID")
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(got) || resp.Header.Get("X-Request-ID") != got {
			t.Errorf("no X-Request-ID: the api saw %q, want nginx's 32 hex digits; the client got %q", got, resp.Header.Get("X-Request-ID"))
		}
		if xff := api.last("/ready").Header.Get("X-Forwarded-For"); xff != "127.0.0.1" {
			t.Errorf("X-Forwarded-For at the api = %q, want the client's 127.0.0.1", xff)
		}
	})

	t.Run("oversized body answered in JSON", func(t *testing.T) {
		resp, body := do(t, client, http.MethodPost, base+"/v1/recipe/generate", map[string]string{"Content-Type": "application/json"}, strings.NewReader(strings.Repeat("x", 2<<20)))
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"payload_too_large"`) {
			t.Errorf("POST 2 MiB = %d %s, want 413 with the JSON error", resp.StatusCode, body)
		}
	})

	t.Run("events stream unbuffered", func(t *testing.T) {
		resp, err := client.Get(base + "/v1/recipe/status/j1/events")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		lines := make(chan string)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		select {
		case got := <-lines:
			if got != "event: status" {
				t.Fatalf("first line of the stream = %q, want %q", got, "event: status")
			}
		case <-time.After(3 * time.Second):
			t.Fatal("the first event did not come through while the api held the stream open")
		}
		api.release <- struct{}{}
		var rest []string
		for l := range lines {
			rest = append(rest, l)
		}
		if !slices.Contains(rest, "event: completed") {
			t.Errorf("rest of the stream = %q, want the completed event", rest)
		}
	})

	t.Run("polling gets a larger burst than submissions", func(t *testing.T) {
		for i := range 60 {
			resp, _ := do(t, client, http.MethodGet, base+"/v1/recipe/status/j1", nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status poll %d of 60 = %d, want 200 (burst 100)", i+1, resp.StatusCode)
			}
		}
		codes := make(map[int]int)
		var limited string
		var retryAfter string
		for range 40 {
			resp, body := do(t, client, http.MethodPost, base+"/v1/recipe/generate", map[string]string{"Content-Type": "application/json"}, strings.NewReader("{}"))
			codes[resp.StatusCode]++
			if resp.StatusCode == http.StatusTooManyRequests {
				limited, retryAfter = body, resp.Header.Get("Retry-After")
			}
		}
		if codes[http.StatusAccepted] < 20 || codes[http.StatusTooManyRequests] == 0 {
			t.Errorf("40 quick submissions from one address: %v, want at least 20 accepted (burst) and some 429", codes)
		}
		if !strings.Contains(limited, `"code":"rate_limited"`) || retryAfter == "" {
			t.Errorf("429 body %q, Retry-After %q, want the JSON error and a Retry-After", limited, retryAfter)
		}
	})

	t.Run("api down answered in JSON", func(t *testing.T) {
		upstream.CloseClientConnections()
		upstream.Listener.Close()
		resp, body := do(t, client, http.MethodGet, base+"/health", nil, nil)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"unavailable"`) || resp.Header.Get("Retry-After") == "" {
			t.Errorf("GET /health with the api down = %d %s (Retry-After %q), want 503 JSON with Retry-After", resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
	})
}

func do(t *testing.T, c *http.Client, method, url string, headers map[string]string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func waitListening(t *testing.T, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %s: %v", addr, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
