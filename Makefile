# nbaprops — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
WAREHOUSE ?= warehouse/nbaprops.duckdb

.PHONY: demo test bench soak clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

venv: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'

demo: venv
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) ingest
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) backfill --start-date 2021-10-19 --end-date 2025-06-30
	$(BIN)/nbaprops --warehouse $(WAREHOUSE) status

test: venv
	$(BIN)/python -m pytest

bench: venv
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf warehouse .pytest_cache build src/*.egg-info
