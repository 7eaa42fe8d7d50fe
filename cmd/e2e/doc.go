// Package e2e holds the end-to-end tests: they build the api and worker binaries, run
// them as processes against a real Valkey, and drive them over HTTP and signals.
package e2e
