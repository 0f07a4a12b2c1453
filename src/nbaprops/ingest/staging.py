"""Rows read from a body recognised by its content (a The Odds API response, an injury-report
PDF), staged as the loader stages a file's rows: temp table _src with the kind's typed columns
and the row number _row."""

from __future__ import annotations

from typing import Any

import duckdb
import pyarrow as pa

# The DuckDB types the staged columns are declared with, as Arrow types.
_ARROW = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "DOUBLE": pa.float64(),
    "INTEGER": pa.int32(),
}


def stage_rows(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """`rows` (dicts holding every column of `columns` and _row) as temp table _src."""
    arrays = {c: pa.array([r[c] for r in rows], type=_ARROW[t]) for c, t in columns.items()}
    arrays["_row"] = pa.array([r["_row"] for r in rows], type=pa.int64())
    con.register("_staged_rows", pa.table(arrays))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _src AS SELECT * FROM _staged_rows")
    finally:
        con.unregister("_staged_rows")
