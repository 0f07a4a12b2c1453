"""The model parameters, defined once: which exist, how each engine marks them, and their values
for an output range. Binding needs no SQL parser (this module imports none), so the DuckDB runner
binds without loading sqlglot."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache

PARAMETERS = ("start_date", "end_date", "read_start")
# How each engine writes a bound parameter: DuckDB `$start_date`, BigQuery query parameters
# `@start_date`, Spark named parameter markers `:start_date` (spark.sql(sql, args={...})).
PARAMETER_MARK = {"duckdb": "$", "bigquery": "@", "spark": ":"}


def parameter_values(lookback_days: int, start, end) -> dict:
    """The values of the model parameters for an output range [start, end]."""
    return {"start_date": start, "end_date": end, "read_start": start - timedelta(days=lookback_days)}


@lru_cache(maxsize=256)
def used_parameters(sql: str, dialect: str = "duckdb") -> frozenset[str]:
    """The model parameters a statement in `dialect` uses (engines reject unused named ones)."""
    mark = re.escape(PARAMETER_MARK[dialect])
    return frozenset(p for p in PARAMETERS if re.search(rf"{mark}{p}\b", sql))


def bind_parameters(sql: str, dialect: str, lookback_days: int, start, end) -> dict:
    """The parameters `sql` (written in `dialect`) uses, bound for the range [start, end]."""
    used = used_parameters(sql, dialect)
    return {k: v for k, v in parameter_values(lookback_days, start, end).items() if k in used}
