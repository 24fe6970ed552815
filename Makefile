# mimt's two front doors are `make demo` and `make test`; everything they need, these targets install.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# npm brings Node.js 24 (devDependency "node"); put it, and the other tools npm installs, first.
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
NODE_TEST := node --test --test-reporter=spec
UNIT_TESTS := test/unit/*.test.ts test/cli/*.test.ts
E2E_TESTS := test/e2e/*.test.ts

.PHONY: help deps build check test test-unit e2e demo cluster-bin cluster-up cluster-down fleet-up fleet-down test-tools release bench clean

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: node_modules/.installed ## Install the npm dependencies (and the Node.js runtime they bring)

build: deps ## Bundle the executables into dist/
	node scripts/build.ts

check: deps ## Type-check and check formatting
	tsc --noEmit -p .
	prettier --check --log-level warn src plugins scripts test bench

test-unit: build ## Unit tests and executable tests that need no cluster
	$(NODE_TEST) $(UNIT_TESTS)

cluster-bin: ## Build the control-plane binaries from Go modules (cached outside the checkout)
	test/cluster/build.sh

cluster-up: ## Start (or reuse) the local control plane; kubeconfig in .cluster/kubeconfig
	test/cluster/up.sh

cluster-down: ## Stop the local control plane and remove its state
	test/cluster/down.sh

fleet-up: cluster-up ## Start (or reuse) three more clusters and a hub; kubeconfig in .cluster/fleet.kubeconfig
	test/cluster/fleet.sh up

fleet-down: ## Stop the fleet's clusters and remove their state
	test/cluster/fleet.sh down

test-tools: ## What the e2e tests need: krew (from Go modules), qemu, arm64 libraries, osslsigncode, graphviz, xmllint
	test/cluster/build.sh krew
	scripts/test-tools.sh

e2e: build cluster-up fleet-up test-tools ## End-to-end tests against the local control plane and the fleet
	$(NODE_TEST) $(E2E_TESTS)

test: check build cluster-up fleet-up test-tools ## Everything: checks, unit, executable and end-to-end tests
	$(NODE_TEST) $(UNIT_TESTS) $(E2E_TESTS)

release: deps ## Standalone executables (5 platforms), archives, SHA256SUMS and krew-manifests/mimt.yaml
	node scripts/release.ts

demo: build cluster-up ## Install a few tenants on the local cluster and show each mimt command
	scripts/demo.sh

bench: build cluster-up ## Benchmarks, not tests: mimt beside kubectl, helm, stern and a KubePlus re-enactment; bench/results/<date>.json, docs/benchmarks.md
	test/cluster/build.sh stern
	node bench/run.ts $(BENCH_FLAGS)

clean: ## Remove build output (not the binary cache)
	rm -rf dist node_modules
