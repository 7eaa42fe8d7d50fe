// Package deployments holds what operators deploy the service with (compose.yaml, the
// nginx configuration, the Helm chart) and the tests that check them, together with the
// repository's Dockerfiles, against the code: the variables config reads, the ports it
// listens on, the version symbol the linker stamps. It is a module of its own so that
// BuildKit, Kubernetes, Helm and compose-go stay out of the service's go.mod.
package deployments
