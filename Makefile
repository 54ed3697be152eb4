# Pilothouse developer commands. `make test` is THE test command (CI runs it).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev
OUT ?= build/$(STACK)
BASE ?= HEAD
SOURCES := components stacks policy tests app bench examples __main__.py
CHECKOV := .venv-checkov/bin/checkov
NEWEST := .venv-newest

CHARTS := charts/.go.sum
ACTIONLINT := $(VENV)/bin/actionlint

.PHONY: venv lint test test-newest render diff policy bench tools charts cluster-up cluster-down up preview destroy clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(VENV)/.installed ## create the project virtualenv with the pinned packages

lint: venv $(ACTIONLINT) ## ruff + strict mypy + hadolint on the sample app's Dockerfile + actionlint on the workflows
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint --failure-threshold warning app/Dockerfile
	$(ACTIONLINT)

# actionlint is a Go program: built from the module version tools/mods/actionlint/go.sum pins.
$(ACTIONLINT): tools/mods/actionlint/go.mod tools/mods/actionlint/go.sum $(VENV)/.installed
	cd tools/mods/actionlint && CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local \
		go build -trimpath -ldflags "-s -w" -o $(CURDIR)/$@ github.com/rhysd/actionlint/cmd/actionlint

# checkov (the policy cross-check's independent scanner) lives in a venv of its own: its
# dependencies are not Pulumi's.
$(CHECKOV): policy/checkov.lock
	test -x .venv-checkov/bin/python || python3 -m venv .venv-checkov
	.venv-checkov/bin/python -m pip install --quiet --disable-pip-version-check -r policy/checkov.lock
	touch $@

# On a cold machine most of the first run is building the toolchain (CPU-bound Go builds, started
# first); the Python environments, charts and actionlint (mostly downloads) are made beside it.
test: ## lint, type check and every test, then the unit tests on the newest versions the ranges allow (first run on a new machine: see README "First run")
	$(MAKE) --no-print-directory -j3 tools lint $(CHECKOV) $(CHARTS) $(NEWEST)/.installed
	$(VENV)/bin/pytest
	$(MAKE) --no-print-directory test-newest

# The library's requirement ranges at their upper side: a second virtualenv with the newest versions
# they allow. Unit tests only: the end-to-end tests need the provider plugin the toolchain builds,
# which matches the locked SDK.
$(NEWEST)/.installed: pyproject.toml
	test -x $(NEWEST)/bin/python || python3 -m venv $(NEWEST)
	$(NEWEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade --upgrade-strategy eager \
		-e ".[azure,images,policy,tls,dev]"
	touch $@

test-newest: $(NEWEST)/.installed $(CHECKOV) $(CHARTS) ## the unit tests on the newest versions the requirement ranges allow
	@$(NEWEST)/bin/python -m pip list --disable-pip-version-check 2>/dev/null | grep -iE '^(pulumi|pyyaml)' | tr -s ' ' | paste -sd, | sed 's/^/newest versions: /'
	$(NEWEST)/bin/python -m pytest -q -m "not e2e"

render: venv $(CHARTS) ## offline render: make render STACK=dev OUT=build/dev
	$(VENV)/bin/pilothouse render --stack $(STACK) --out $(OUT)

diff: venv $(CHARTS) ## offline diff against a git revision: make diff STACK=dev BASE=HEAD~1
	$(VENV)/bin/pilothouse diff --stack $(STACK) --base $(BASE) --path components --link charts

policy: venv $(CHARTS) ## the policy rules over an offline render: make policy STACK=prod
	$(VENV)/bin/pilothouse render --stack $(STACK) --out $(OUT) >/dev/null
	$(VENV)/bin/pilothouse policy $(OUT)

bench: venv ## benchmarks (not tests): overhead over raw pulumi-kubernetes, scaling, start-up, real engine -> build/bench/results.json
	$(PY) -m bench

$(CHARTS): tools/mods/charts/go.sum tools/charts.sh
	tools/charts.sh >/dev/null

charts: $(CHARTS) ## assemble the pinned Helm charts (ingress controller, monitoring) into ./charts

tools: ## build the pinned Pulumi CLI, plugins and Kubernetes binaries from Go modules (cached)
	tools/bootstrap.sh >/dev/null

cluster-up: tools ## start the local control plane (etcd, apiserver, controller-manager, scheduler, kwok)
	tools/cluster.sh up

cluster-down: ## stop this checkout's local control plane, leaving none of its processes behind
	tools/cluster.sh down

up: venv tools $(CHARTS) ## real `pulumi up` of a stack: make up STACK=local
	tools/stack.sh up $(STACK)

preview: venv tools $(CHARTS) ## real `pulumi preview --diff`: make preview STACK=local
	tools/stack.sh preview $(STACK)

destroy: venv tools $(CHARTS) ## real `pulumi destroy`: make destroy STACK=local
	tools/stack.sh destroy $(STACK)

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
