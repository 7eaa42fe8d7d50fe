package buildinfo_test

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/naengbu/recipe-ai/buildinfo"
)

// TestVersionSymbolStamps builds a program with the linker flag the Dockerfiles and the
// Makefile pass, so renaming the variable without them fails here.
func TestVersionSymbolStamps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "stamped")
	build := exec.Command("go", "build", "-trimpath", "-o", bin,
		"-ldflags", "-X "+buildinfo.VersionSymbol+"=v9.8.7-test", "./testdata/stamped")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build with -X %s: %v\n%s", buildinfo.VersionSymbol, err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run stamped binary: %v", err)
	}
	if got := string(out); got != "v9.8.7-test" {
		t.Errorf("Version() in a binary stamped v9.8.7-test = %q, want %q", got, "v9.8.7-test")
	}
}

func TestVersionUnstamped(t *testing.T) {
	// A test binary carries no stamp and Go records its main module as "(devel)".
	if got := buildinfo.Version(); got != "dev" {
		t.Errorf("Version() without a stamp = %q, want %q", got, "dev")
	}
}
