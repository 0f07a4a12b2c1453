# nbaprops — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
WAREHOUSE ?= warehouse/nbaprops.duckdb
SOAK_SECONDS ?= 180

.PHONY: demo test test-all test-bigquery lint bench soak clean install install-test install-lint install-bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The product alone (demo) and with the test extras (pytest, hypothesis, pyspark).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[lint]'
	touch $@

# The benchmarks: the test extras and Polars (benchmarks/polars_reference.py, the bench's yardstick).
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-lint: $(VENV)/.installed-lint
install-bench: $(VENV)/.installed-bench

demo: install
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) ingest
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) backfill --start-date 2021-10-19 --end-date 2025-06-30
	COLUMNS=150 $(BIN)/nbaprops --warehouse $(WAREHOUSE) status

# The fast suite, in parallel (one worker per core): the slow end-to-end tests are left to test-all.
test: install-test
	$(BIN)/python -m pytest -n auto --dist loadscope

# Everything but the BigQuery reference run: the fast suite and the tests marked slow.
test-all: install-test
	$(BIN)/python -m pytest -n auto --dist loadscope -m 'not bigquery_reference'

# Each model's BigQuery SQL on ZetaSQL's reference engine against DuckDB (slow: not in `test`).
test-bigquery: install-test
	$(BIN)/python -m pytest -m bigquery_reference tests/engines/test_bigquery_reference.py

# ruff (lint and format) and mypy, as configured in pyproject.toml.
lint: install-lint
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/mypy

bench: install-bench
	$(BIN)/python benchmarks/run.py

soak: install-test
	$(BIN)/python scripts/soak.py --seconds $(SOAK_SECONDS)

clean:
	rm -rf warehouse .pytest_cache build src/*.egg-info $(VENV)/.installed $(VENV)/.installed-test $(VENV)/.installed-lint $(VENV)/.installed-bench
