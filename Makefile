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
test: deps lint ## Lint, then run every test, including the ones against real servers
	$(GO) test -race -count=1 -shuffle=on -timeout 20m $(PKGS)
	@deployments/ensure-deps.sh nginx podman
	cd deployments && $(GO) test -count=1 -shuffle=on -timeout 20m ./...

.PHONY: screenshots
screenshots: deps ## Refresh docs/screenshots from the browser tests (headless Chromium)
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'TestBrowser(TryPage|Dashboard)' ./cmd/e2e

.PHONY: bench
bench: ## Print benchmark figures as JSON lines (queue, HTTP api with wrk, offline engine and its answers' quality)
	@deployments/ensure-deps.sh wrk
	$(GO) run ./cmd/queuebench
	$(GO) run ./cmd/quality

# golangci-lint, pinned; built from the module proxy into .tools on first use.
GOLANGCI_VERSION := v2.15.0
GOLANGCI := .tools/golangci-lint-$(GOLANGCI_VERSION)

$(GOLANGCI):
	@mkdir -p .tools
	GOBIN=$(CURDIR)/.tools $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)
	mv .tools/golangci-lint $(GOLANGCI)

.PHONY: lint
lint: $(GOLANGCI) ## Lint the code (golangci-lint, config in .golangci.yml) and vet the deployments module
	$(GOLANGCI) run ./...
	cd deployments && $(GO) vet ./...

.PHONY: fmt
fmt: ## Format the code
	gofmt -w $$(git ls-files '*.go')

.PHONY: swag
swag: ## Regenerate the OpenAPI document in adapters/httpapi/docs
	UPDATE_DOCS=1 $(GO) test -count=1 -run TestGeneratedDocsAreCurrent ./adapters/httpapi

.PHONY: docker
docker: ## Build the api and worker images
	docker build -f Dockerfile.api --build-arg VERSION=$(VERSION) -t recipe-ai-api .
	docker build -f Dockerfile.worker --build-arg VERSION=$(VERSION) -t recipe-ai-worker .
