package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// load is one wrk run's figures.
type load struct {
	Requests int64   `json:"requests"`
	Micros   int64   `json:"duration_us"`
	P50      float64 `json:"p50_us"`
	P99      float64 `json:"p99_us"`
	Status   int64   `json:"status"` // responses with a status of 400 or more
	Connect  int64   `json:"connect"`
	Read     int64   `json:"read"`
	Write    int64   `json:"write"`
	Timeout  int64   `json:"timeout"`
	// APICPU is the CPU time the api process used during the load, per request, in µs:
	// a figure that other programs on a shared host disturb far less than req/s.
	APICPU float64 `json:"-"`
	// WorkerCPU, ServerCPU and ClientCPU are the same for the worker (0 when none ran),
	// the Valkey server and wrk itself: together with APICPU, where the host's cores went.
	WorkerCPU float64 `json:"-"`
	ServerCPU float64 `json:"-"`
	ClientCPU float64 `json:"-"`
	// Completed is how many jobs the worker completed during the load (0 when none ran):
	// next to the POSTs accepted meanwhile, how far it kept up.
	Completed int64 `json:"-"`
}

func (l load) rate() float64  { return float64(l.Requests) / (float64(l.Micros) / 1e6) }
func (l load) p50ms() float64 { return l.P50 / 1000 }
func (l load) p99ms() float64 { return l.P99 / 1000 }
func (l load) cpuUs() float64 { return l.APICPU }

// completedRate is how many jobs a second the worker completed during the load.
func (l load) completedRate() float64 { return float64(l.Completed) / (float64(l.Micros) / 1e6) }

// failed counts the requests that did not get a 2xx: error statuses and socket errors.
// The measured routes never answer 3xx, which wrk would count as a success.
func (l load) failed() int64 { return l.Status + l.Connect + l.Read + l.Write + l.Timeout }

// request is what wrk sends: one fixed request, or one per API key in turn.
type request struct {
	method string
	path   string
	body   string
	keys   []string // each request carries the next key as a bearer token
}

// reportScript prints wrk's summary as one JSON line, so it needs no parsing of wrk's
// human output.
const reportScript = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
`

// script writes the wrk Lua script for req. A fixed request is built once by wrk itself;
// with keys, init builds one request per key and request() takes them in turn.
func (req request) script() string {
	var b strings.Builder
	headers := `{["Content-Type"] = "application/json"}`
	if len(req.keys) == 0 {
		fmt.Fprintf(&b, "wrk.method = %s\nwrk.path = %s\nwrk.headers[\"Content-Type\"] = \"application/json\"\n", luaString(req.method), luaString(req.path))
		if req.body != "" {
			fmt.Fprintf(&b, "wrk.body = %s\n", luaString(req.body))
		}
		return b.String() + reportScript
	}
	b.WriteString("local keys = {")
	for _, k := range req.keys {
		b.WriteString(luaString(k) + ", ")
	}
	fmt.Fprintf(&b, `}
local reqs, n = {}, 0
init = function(args)
  for i, k in ipairs(keys) do
    local h = %s
    h["Authorization"] = "Bearer " .. k
    reqs[i] = wrk.format(%s, %s, h, %s)
  end
end
request = function()
  n = n %% #reqs + 1
  return reqs[n]
end
`, headers, luaString(req.method), luaString(req.path), luaString(req.body))
	return b.String() + reportScript
}

// luaString quotes s as a Lua string literal; every byte outside printable ASCII is
// written as a decimal escape, so any text survives.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			b.WriteString("\\" + strconv.Itoa(int(c)))
			continue
		}
		b.WriteByte(c)
	}
	b.WriteByte('"')
	return b.String()
}

// runWrk loads baseURL with req for d over conns connections and threads threads.
func runWrk(baseURL string, req request, d time.Duration, conns, threads int) (load, error) {
	f, err := os.CreateTemp("", "queuebench-*.lua")
	if err != nil {
		return load{}, err
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.WriteString(req.script()); err != nil {
		f.Close()
		return load{}, err
	}
	if err := f.Close(); err != nil {
		return load{}, err
	}
	cmd := exec.Command("wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", fmt.Sprintf("%ds", int(d.Seconds())), "--latency", "-s", f.Name(), baseURL+req.path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %w: %s%s", err, stderr.String(), out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := sc.Bytes(); bytes.HasPrefix(line, []byte(`{"requests"`)) {
			var l load
			if err := json.Unmarshal(line, &l); err != nil {
				return load{}, fmt.Errorf("wrk summary %q: %w", line, err)
			}
			if l.Requests == 0 || l.Micros == 0 {
				return load{}, fmt.Errorf("wrk sent no request: %s", out)
			}
			used := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			l.ClientCPU = float64(used.Microseconds()) / float64(l.Requests)
			return l, nil
		}
	}
	return load{}, fmt.Errorf("wrk printed no summary: %s", out)
}
