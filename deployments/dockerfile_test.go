package deployments

import (
	"bytes"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// image is one of the repository's Dockerfiles and the binary it ships.
type image struct {
	file    string
	binary  string
	addrVar string // the variable holding the binary's listen address
}

var images = []image{
	{file: "Dockerfile.api", binary: "api", addrVar: "HTTP_ADDR"},
	{file: "Dockerfile.worker", binary: "worker", addrVar: "WORKER_HTTP_ADDR"},
}

// imageRules are the facts from the code a Dockerfile must agree with.
type imageRules struct {
	goVersion     string // major.minor of go.mod
	versionSymbol string // what -X stamps
	port          string // the default listen port
}

func rulesFor(t *testing.T, img image) imageRules {
	t.Helper()
	_, port, err := net.SplitHostPort(contractVariables(t)[img.addrVar])
	if err != nil {
		t.Fatalf("default %s: %v", img.addrVar, err)
	}
	return imageRules{goVersion: goVersion(t), versionSymbol: versionSymbol(t), port: port}
}

func TestDockerfiles(t *testing.T) {
	for _, img := range images {
		t.Run(img.file, func(t *testing.T) {
			if problems := checkDockerfile(readRoot(t, img.file), img, rulesFor(t, img)); len(problems) > 0 {
				t.Errorf("%s breaks the image rules:\n  %s", img.file, strings.Join(problems, "\n  "))
			}
		})
	}
}

// TestDockerfileRulesCatchMistakes breaks Dockerfile.api one way at a time and expects
// checkDockerfile to name each mistake.
func TestDockerfileRulesCatchMistakes(t *testing.T) {
	img := images[0]
	rules := rulesFor(t, img)
	good := string(readRoot(t, img.file))
	tests := []struct {
		name    string
		old     string
		new     string
		wantErr string
	}{
		{name: "cgo on", old: "CGO_ENABLED=0 ", new: "", wantErr: "CGO_ENABLED=0"},
		{name: "no -trimpath", old: "-trimpath ", new: "", wantErr: "-trimpath"},
		{name: "version not stamped", old: "-X ", new: "-X main.", wantErr: "-X " + rules.versionSymbol},
		{name: "sources before modules", old: "COPY go.mod go.sum ./\n", new: "COPY . .\n", wantErr: "go.mod and go.sum"},
		{name: "alpine final image", old: "FROM gcr.io/distroless/static-debian12:nonroot", new: "FROM alpine:3.20", wantErr: "distroless"},
		{name: "root user", old: "USER 65532:65532", new: "USER 0", wantErr: "USER"},
		{name: "named user", old: "USER 65532:65532", new: "USER nonroot", wantErr: "numeric"},
		{name: "shell healthcheck", old: `CMD ["/api", "healthcheck"]`, new: `CMD wget -q -O- localhost:8080/health`, wantErr: "HEALTHCHECK"},
		{name: "no healthcheck", old: "HEALTHCHECK", new: "# HEALTHCHECK", wantErr: "HEALTHCHECK"},
		{name: "wrong port", old: "EXPOSE " + rules.port, new: "EXPOSE 3000", wantErr: "EXPOSE"},
		{name: "a volume", old: "EXPOSE", new: "VOLUME /data\nEXPOSE", wantErr: "VOLUME"},
		{name: "shell entrypoint", old: `ENTRYPOINT ["/api"]`, new: `ENTRYPOINT /api`, wantErr: "ENTRYPOINT"},
		{name: "older Go", old: "golang:" + rules.goVersion, new: "golang:1.21", wantErr: "go.mod"},
		{name: "other binary", old: "./cmd/api", new: "./cmd/worker", wantErr: "./cmd/api"},
		{name: "no syntax line", old: "# syntax=docker/dockerfile:1\n", new: "", wantErr: "syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("%s has no %q to replace", img.file, tt.old)
			}
			bad := strings.Replace(good, tt.old, tt.new, 1)
			problems := checkDockerfile([]byte(bad), img, rules)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tt.wantErr) }) {
				t.Errorf("checkDockerfile(%s with %q for %q) = %q, want a problem naming %q", img.file, tt.new, tt.old, problems, tt.wantErr)
			}
		})
	}
}

func TestDockerignoreKeepsSecretsAndHistoryOut(t *testing.T) {
	lines := strings.Fields(string(readRoot(t, ".dockerignore")))
	for _, want := range []string{".git", ".env"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks %q: the build context would carry it into the build stage", want)
		}
	}
}

// checkDockerfile returns every rule the Dockerfile src breaks, each as a sentence.
func checkDockerfile(src []byte, img image, rules imageRules) []string {
	var problems []string
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	if syntax, _, _, ok := parser.DetectSyntax(src); !ok || !strings.HasPrefix(syntax, "docker/dockerfile:1") {
		fail("the first line must be # syntax=docker/dockerfile:1 (RUN --mount needs it on older builders)")
	}
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return append(problems, fmt.Sprintf("parse: %v", err))
	}
	stages, _, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return append(problems, fmt.Sprintf("instructions: %v", err))
	}
	if len(stages) < 2 {
		return append(problems, fmt.Sprintf("%d stage(s), want a multi-stage build", len(stages)))
	}
	final, builders := stages[len(stages)-1], stages[:len(stages)-1]

	// The Go toolchain image agrees with go.mod.
	if base := builders[0].BaseName; !strings.HasPrefix(base, "golang:"+rules.goVersion) {
		fail("first stage FROM %s, want golang:%s… as go.mod says", base, rules.goVersion)
	}

	// Modules first, in a layer of their own, then the sources.
	var cmds []instructions.Command
	for _, s := range builders {
		cmds = append(cmds, s.Commands...)
	}
	modules, download, sources := -1, -1, -1
	for i, c := range cmds {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			switch {
			case modules < 0 && sources < 0 && slices.Equal(c.SourcePaths, []string{"go.mod", "go.sum"}):
				modules = i
			case sources < 0 && slices.Contains(c.SourcePaths, "."):
				sources = i
			}
		case *instructions.RunCommand:
			if download < 0 && strings.Contains(strings.Join(c.CmdLine, " "), "go mod download") {
				download = i
			}
		}
	}
	if modules < 0 || download < modules || sources < download {
		fail("want COPY go.mod and go.sum, then RUN go mod download, then COPY . . (got them at %d, %d, %d)", modules, download, sources)
	}

	// The build: static, trimmed, stamped, this binary.
	var build string
	var buildStage *instructions.Stage
	for i := range builders {
		for _, c := range builders[i].Commands {
			if run, ok := c.(*instructions.RunCommand); ok && strings.Contains(strings.Join(run.CmdLine, " "), "go build") {
				build, buildStage = strings.Join(run.CmdLine, " "), &builders[i]
			}
		}
	}
	if buildStage == nil {
		return append(problems, "no RUN go build")
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-X " + rules.versionSymbol + "=${VERSION}", "./cmd/" + img.binary} {
		if !strings.Contains(build, want) {
			fail("go build lacks %s: %s", want, build)
		}
	}
	if !slices.ContainsFunc(buildStage.Commands, func(c instructions.Command) bool {
		a, ok := c.(*instructions.ArgCommand)
		return ok && slices.ContainsFunc(a.Args, func(kv instructions.KeyValuePairOptional) bool { return kv.Key == "VERSION" })
	}) {
		fail("stage %s runs go build without ARG VERSION", buildStage.Name)
	}
	out := regexp.MustCompile(`-o\s+(\S+)`).FindStringSubmatch(build)

	// The final image: distroless static nonroot, the binary alone, checked by itself.
	if !strings.HasPrefix(final.BaseName, "gcr.io/distroless/static") || !strings.HasSuffix(final.BaseName, ":nonroot") {
		fail("final FROM %s, want gcr.io/distroless/static…:nonroot (CA certificates, no shell, nonroot)", final.BaseName)
	}
	entry := "/" + img.binary
	var copied, user, exposed, healthy, entrypoint bool
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.RunCommand:
			fail("final stage runs %q: the image has no shell", strings.Join(c.CmdLine, " "))
		case *instructions.VolumeCommand:
			fail("VOLUME %v: the service keeps nothing on disk and runs on a read-only root filesystem", c.Volumes)
		case *instructions.CopyCommand:
			copied = copied || (c.From == buildStage.Name && out != nil && slices.Equal(c.SourcePaths, []string{out[1]}) && c.DestPath == entry)
		case *instructions.UserCommand:
			uid, _, _ := strings.Cut(c.User, ":")
			n, err := strconv.Atoi(uid)
			switch {
			case err != nil:
				fail("USER %s: want a numeric uid, which runAsNonRoot can verify", c.User)
			case n == 0:
				fail("USER %s: want a non-root uid", c.User)
			default:
				user = true
			}
		case *instructions.ExposeCommand:
			exposed = exposed || slices.Contains(c.Ports, rules.port) || slices.Contains(c.Ports, rules.port+"/tcp")
		case *instructions.HealthCheckCommand:
			h := c.Health
			switch {
			case !slices.Equal(h.Test, []string{"CMD", entry, "healthcheck"}):
				fail("HEALTHCHECK %q, want exec form [%q, \"healthcheck\"]", h.Test, entry)
			case h.Interval <= 0 || h.Timeout < 3*time.Second || h.Retries < 1:
				fail("HEALTHCHECK --interval %s --timeout %s --retries %d: set all three, the timeout at least 3s", h.Interval, h.Timeout, h.Retries)
			default:
				healthy = true
			}
		case *instructions.EntrypointCommand:
			entrypoint = !c.PrependShell && slices.Equal(c.CmdLine, []string{entry})
			if !entrypoint {
				fail("ENTRYPOINT %q (shell form %t), want exec form [%q]", c.CmdLine, c.PrependShell, entry)
			}
		}
	}
	if !copied {
		fail("final stage must COPY --from=%s the go build -o output to %s", buildStage.Name, entry)
	}
	if !user {
		fail("final stage sets no non-root numeric USER")
	}
	if !exposed {
		fail("final stage must EXPOSE %s/tcp, the default listen port", rules.port)
	}
	if !healthy {
		fail("final stage has no valid HEALTHCHECK through %s healthcheck", entry)
	}
	if !entrypoint {
		fail("final stage has no ENTRYPOINT [%q]", entry)
	}
	return problems
}
