// Package cli reads the command line the api and the worker share. Both run the service
// when given no arguments; `--version` prints the stamped version, and `healthcheck`
// asks the running process's /health, so a container image needs no shell or curl for
// its HEALTHCHECK.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/naengbu/recipe-ai/buildinfo"
	"github.com/naengbu/recipe-ai/config"
)

// Addr picks the listen address of a binary from its configuration.
type Addr func(config.Config) string

// healthTimeout bounds one healthcheck, under the images' HEALTHCHECK --timeout.
const healthTimeout = 2 * time.Second

// Main handles the command line of the binary named binary. With no arguments it
// returns and the caller starts the service; otherwise it exits: 0 after --version or
// a healthy healthcheck, 1 after an unhealthy one, 2 on a usage error.
func Main(binary string, addr Addr) {
	code, handled := run(binary, addr, os.Args[1:], os.Stdout, os.Stderr, config.FromEnvironment)
	if handled {
		os.Exit(code)
	}
}

func run(binary string, addr Addr, args []string, stdout, stderr io.Writer, load func() (config.Config, error)) (code int, handled bool) {
	if len(args) == 0 {
		return 0, false
	}
	fs := flag.NewFlagSet(binary, flag.ContinueOnError)
	fs.SetOutput(stderr)
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [--version | healthcheck]\n\n", binary)
		fmt.Fprintf(stderr, "Without arguments %s runs, configured by environment variables.\n", binary)
		fmt.Fprintf(stderr, "  healthcheck  GET /health on the configured listen address; exit 0 when it answers 200, else 1\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, true
		}
		return 2, true
	}
	switch {
	case *version && fs.NArg() == 0:
		fmt.Fprintln(stdout, binary, buildinfo.Version())
		return 0, true
	case !*version && fs.NArg() == 1 && fs.Arg(0) == "healthcheck":
		cfg, err := load()
		if err != nil {
			fmt.Fprintln(stderr, "config:", err)
			return 1, true
		}
		return healthcheck(addr(cfg), stdout, stderr), true
	default:
		fs.Usage()
		return 2, true
	}
}

// healthcheck asks http://ADDR/health and returns the exit code: 0 for a 200, else 1.
func healthcheck(listen string, stdout, stderr io.Writer) int {
	url := "http://" + dialAddr(listen) + "/health"
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "healthcheck: GET %s: %s %s\n", url, resp.Status, strings.TrimSpace(string(body)))
		return 1
	}
	fmt.Fprintln(stdout, strings.TrimSpace(string(body)))
	return 0
}

// dialAddr turns a listen address into one to dial from the same host: a wildcard or
// empty host becomes the loopback address of its family.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch ip := net.ParseIP(host); {
	case host == "":
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified() && ip.To4() != nil:
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
