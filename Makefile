# Recipe AI: asynchronous AI recipe generation (api + worker on Valkey).
SHELL := /usr/bin/env bash
GO    ?= go
BIN   := bin
PKGS  := ./...
# VERSION is stamped into both binaries (--version, /health) and the images.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/naengbu/recipe-ai/buildinfo.version=$(VERSION)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

.PHONY: build
build: ## Build bin/api and bin/worker
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/api ./cmd/api
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/worker ./cmd/worker

.PHONY: run
run: build ## Run api and worker in the foreground, starting a local Valkey when none answers
	@deployments/run.sh

.PHONY: deps
deps: ## Install what the tests need when missing (a redis-server for Valkey)
	@deployments/ensure-deps.sh

.PHONY: test
test: deps ## Run every test, including the ones against real servers
	$(GO) test -race -count=1 -shuffle=on -timeout 20m $(PKGS)
	@deployments/ensure-deps.sh nginx podman
	cd deployments && $(GO) test -count=1 -shuffle=on -timeout 20m ./...

.PHONY: bench
bench: ## Print benchmark figures as JSON lines (queue, HTTP api with wrk, offline engine)
	@deployments/ensure-deps.sh wrk
	$(GO) run ./cmd/queuebench

.PHONY: lint
lint: ## Vet the code and check its formatting
	$(GO) vet $(PKGS)
	cd deployments && $(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

.PHONY: fmt
fmt: ## Format the code
	gofmt -w $$(git ls-files '*.go')

.PHONY: swag
swag: ## Regenerate the OpenAPI document in adapters/httpapi/docs
	$(GO) run github.com/swaggo/swag/cmd/swag@v1.16.6 init -g docs.go -d adapters/httpapi -o adapters/httpapi/docs --outputTypes go,json --parseInternal

.PHONY: docker
docker: ## Build the api and worker images
	docker build -f Dockerfile.api --build-arg VERSION=$(VERSION) -t recipe-ai-api .
	docker build -f Dockerfile.worker --build-arg VERSION=$(VERSION) -t recipe-ai-worker .
