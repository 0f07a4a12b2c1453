# nbaprops — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
WAREHOUSE ?= warehouse/nbaprops.duckdb
SOAK_SECONDS ?= 180

.PHONY: demo test test-bigquery bench soak clean install install-test

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

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) ingest
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) backfill --start-date 2021-10-19 --end-date 2025-06-30
	COLUMNS=150 $(BIN)/nbaprops --warehouse $(WAREHOUSE) status

test: install-test
	$(BIN)/python -m pytest

# Each model's BigQuery SQL on ZetaSQL's reference engine against DuckDB (slow: not in `test`).
test-bigquery: install-test
	$(BIN)/python -m pytest -m bigquery_reference tests/engines/test_bigquery_reference.py

bench: install-test
	$(BIN)/python benchmarks/run.py

soak: install-test
	$(BIN)/python scripts/soak.py --seconds $(SOAK_SECONDS)

clean:
	rm -rf warehouse .pytest_cache build src/*.egg-info $(VENV)/.installed $(VENV)/.installed-test
