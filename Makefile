# orderhub — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

# Tests use the local PostgreSQL and Redis unless told otherwise.
export ORDERHUB_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
export ORDERHUB_TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: run install install-test test lint check docs bench bench-quick clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The desk's browser tests drive Debian's Chromium through Playwright (no browser download).
$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Install, migrate the SQLite database under ./data, create a demo store on first run, serve.
run: install
	$(BIN)/orderhub quickstart

## Install the test dependencies and run the whole suite on SQLite and PostgreSQL.
test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test

## Regenerate docs/cli.md from the commands (tests fail when it drifts).
docs: install
	$(BIN)/python -m orderhub.cli.docs docs/cli.md

## Benchmarks on SQLite and PostgreSQL (results in bench/results/, see docs/performance.md).
bench: install
	bench/setup.sh
	$(BIN)/python bench/run.py

bench-quick: install
	bench/setup.sh
	$(BIN)/python bench/run.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
