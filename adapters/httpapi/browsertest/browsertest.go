// Package browsertest gives the pages' tests a real headless Chromium, driven with
// chromedp: Debian's chromium package, or CHROMIUM_PATH. Without a browser a test skips,
// except under CI, where it fails.
package browsertest

import (
	"bytes"
	"context"
	"image"
	_ "image/png" // decodes the screenshots to check their size
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path finds the browser: CHROMIUM_PATH, else chromium, chromium-browser or
// google-chrome on PATH or in /usr/bin. It returns "" when there is none.
func Path() string {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
		if p := "/usr/bin/" + name; isFile(p) {
			return p
		}
	}
	return ""
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// New starts a headless browser of the test's own, with a fresh profile, and returns a
// context of its first tab; the browser stops when the test ends. Every chromedp.Run on
// the context is bounded by timeout.
func New(t testing.TB) context.Context {
	t.Helper()
	path := Path()
	if path == "" {
		msg := "no Chromium for the browser tests (install Debian's chromium package, or set CHROMIUM_PATH)"
		if os.Getenv("CI") != "" {
			t.Fatal(msg + "; CI is set, so this fails")
		}
		t.Skip(msg)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	alloc, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, stop := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { stop(); stopAlloc() })
	// The first call starts the browser and ties it to the context it gets: ctx itself,
	// not a child with a timeout, whose end would close the browser.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start %s: %v", path, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("start %s: no answer within 20s", path)
	}
	return ctx
}

// Do runs steps in the browser of ctx, in order, failing the test after timeout.
func Do(t testing.TB, ctx context.Context, timeout time.Duration, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// Eval evaluates a JavaScript expression in the page and decodes its value.
func Eval[T any](t testing.TB, ctx context.Context, expression string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("browser: evaluate %s: %v", expression, err)
	}
	return v
}

// WaitFor waits until the JavaScript predicate is truthy in the page, failing the test
// with what after timeout.
func WaitFor(t testing.TB, ctx context.Context, timeout time.Duration, what, predicate string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, timeout+time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(20*time.Millisecond)))
	if err != nil {
		t.Fatalf("browser: waiting for %s: %v", what, err)
	}
}

// The screen sizes screenshots are taken at.
var (
	Desktop = Screen{Name: "desktop", Width: 1280, Height: 900}
	Phone   = Screen{Name: "phone", Width: 390, Height: 844, Mobile: true}
)

// Screen is a viewport size.
type Screen struct {
	Name          string
	Width, Height int64
	Mobile        bool
}

// Emulate sizes the tab's viewport to s.
func (s Screen) Emulate() chromedp.Action[chromedp.Void] {
	if s.Mobile {
		return chromedp.EmulateViewport(s.Width, s.Height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	return chromedp.EmulateViewport(s.Width, s.Height)
}

// Screenshot sizes the tab to s, takes a screenshot of the whole page and saves it as
// name-s.Name.png in the test's artifact folder (kept with go test -artifacts), and also
// in SCREENSHOTS_DIR when that is set (make screenshots refreshes the README's with it).
// It returns the file's path in the artifact folder.
func Screenshot(t *testing.T, ctx context.Context, name string, s Screen) string {
	t.Helper()
	Do(t, ctx, 10*time.Second, s.Emulate(), chromedp.Sleep(300*time.Millisecond))
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(png))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if scale := int64(1 + btoi(s.Mobile)); int64(cfg.Width) != s.Width*scale {
		t.Errorf("screenshot %s-%s is %d px wide, want %d: the page is wider than the screen", name, s.Name, cfg.Width, s.Width*scale)
	}
	file := name + "-" + s.Name + ".png"
	out := filepath.Join(t.ArtifactDir(), file)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", out)
	if dir := os.Getenv("SCREENSHOTS_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
