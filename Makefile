# Pilothouse developer commands. `make test` is THE test command (CI runs it).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STACK ?= dev
OUT ?= build/$(STACK)
BASE ?= HEAD
SOURCES := components stacks offline tests __main__.py

.PHONY: venv lint test render diff clean

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

venv: $(VENV)/.installed ## create the project virtualenv with the pinned packages

lint: venv ## ruff + strict mypy
	$(VENV)/bin/ruff check $(SOURCES)
	$(VENV)/bin/mypy

test: lint ## lint, type check and every test
	$(VENV)/bin/pytest

render: venv ## offline render: make render STACK=dev OUT=build/dev
	$(PY) -m offline render --stack $(STACK) --out $(OUT)

diff: venv ## offline diff against a git revision: make diff STACK=dev BASE=HEAD~1
	$(PY) -m offline diff --stack $(STACK) --base $(BASE)

clean:
	rm -rf build .mypy_cache .ruff_cache .pytest_cache
