// Package buildinfo tells which release of the service a binary is.
package buildinfo

import "runtime/debug"

// VersionSymbol is the linker symbol the images and `make build` stamp:
//
//	go build -ldflags "-X github.com/naengbu/recipe-ai/buildinfo.version=v1.4.0"
const VersionSymbol = "github.com/naengbu/recipe-ai/buildinfo.version"

// version is empty unless the linker set it through VersionSymbol.
var version string

// Version returns the version stamped at link time. Without a stamp it returns the
// module version Go recorded in the binary (a pseudo-version naming the commit when it
// was built from a git checkout), or "dev" when Go recorded none.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
