// Command stamped prints buildinfo.Version, for the test that stamps it.
package main

import (
	"fmt"

	"github.com/naengbu/recipe-ai/buildinfo"
)

func main() { fmt.Print(buildinfo.Version()) }
