package deployments

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"testing"
)

// needTool returns the path of a program the test needs. Without it the test skips and
// says why, except under CI, where it fails: `make test` installs every one of them
// (deployments/ensure-deps.sh).
func needTool(t testing.TB, name string) string {
	t.Helper()
	for _, p := range []string{name, "/usr/sbin/" + name, "/usr/bin/" + name} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	unavailable(t, fmt.Errorf("%s is not installed (deployments/ensure-deps.sh installs it)", name))
	return ""
}

// unavailable skips the test for want of err, or fails it under CI.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%v (CI is set, so this fails)", err)
	}
	t.Skip(err)
}

// freePort returns a loopback TCP port nothing listens on at the moment.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
