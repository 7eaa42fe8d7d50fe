package deployments

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// root is the service's repository; the tests run in deployments/.
const root = ".."

// readRoot returns a file of the repository, or fails the test.
func readRoot(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// contractVariables returns every environment variable the binaries read, with its
// default ("" for none), taken from the env struct tags of the config package: the code
// that carries out the contract's Configuration table. A deployment that sets a variable
// outside it sets one the binaries ignore.
func contractVariables(t testing.TB) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	dir := filepath.Join(root, "config")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	vars := make(map[string]string)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			field, ok := n.(*ast.Field)
			if !ok || field.Tag == nil {
				return true
			}
			tag, err := strconv.Unquote(field.Tag.Value)
			if err != nil {
				t.Fatalf("%s: tag %s: %v", name, field.Tag.Value, err)
			}
			st := reflect.StructTag(tag)
			if env, ok := st.Lookup("env"); ok && env != "" {
				vars[strings.Split(env, ",")[0]] = st.Get("envDefault")
			}
			return true
		})
	}
	if len(vars) < 10 {
		t.Fatalf("found %d env tags in %s, want the whole configuration table: %v", len(vars), dir, vars)
	}
	return vars
}

// secretVariables returns the variables config holds as config.Secret (or a slice of
// them): the ones a deployment must keep in a Secret, never in a ConfigMap.
func secretVariables(t testing.TB) map[string]bool {
	t.Helper()
	src := readRoot(t, "config/config.go")
	f, err := parser.ParseFile(token.NewFileSet(), "config.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	secret := make(map[string]bool)
	ast.Inspect(f, func(n ast.Node) bool {
		field, ok := n.(*ast.Field)
		if !ok || field.Tag == nil {
			return true
		}
		typ := field.Type
		if arr, ok := typ.(*ast.ArrayType); ok {
			typ = arr.Elt
		}
		if id, ok := typ.(*ast.Ident); ok && id.Name == "Secret" {
			tag, _ := strconv.Unquote(field.Tag.Value)
			secret[reflect.StructTag(tag).Get("env")] = true
		}
		return true
	})
	if len(secret) == 0 {
		t.Fatal("config/config.go: no field of type Secret")
	}
	return secret
}

// versionSymbol returns the linker symbol buildinfo.VersionSymbol names.
func versionSymbol(t testing.TB) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^const VersionSymbol = "([^"]+)"`).FindSubmatch(readRoot(t, "buildinfo/buildinfo.go"))
	if m == nil {
		t.Fatal("buildinfo/buildinfo.go: no const VersionSymbol")
	}
	return string(m[1])
}

// goVersion returns the major.minor of the root go.mod's go directive.
func goVersion(t testing.TB) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(readRoot(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod: no go directive")
	}
	return string(m[1])
}

func TestContractVariablesCoverTheTable(t *testing.T) {
	vars := contractVariables(t)
	for name, want := range map[string]string{
		"VALKEY_URL":       "redis://127.0.0.1:6379/0",
		"HTTP_ADDR":        ":8080",
		"WORKER_HTTP_ADDR": ":9090",
		"QUEUE_NAME":       "ai-recipe-generation",
		"SHUTDOWN_TIMEOUT": "30s",
		"DATABASE_URL":     "",
	} {
		got, ok := vars[name]
		if !ok || got != want {
			t.Errorf("contractVariables()[%s] = %q, %t, want %q, true", name, got, ok, want)
		}
	}
}
