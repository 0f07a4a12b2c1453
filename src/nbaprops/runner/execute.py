"""Running one model over one chunk: one transaction, delete the chunk's dates, insert the
freshly computed rows (and the model's failure rows). A failing chunk leaves the table as it was."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from ..catalog import FAILURE_COLUMNS, Model
from ..errors import RunFailedError
from ..warehouse import Warehouse, quote_ident, quote_table
from .plan import Chunk


@dataclass
class ChunkResult:
    rows: int = 0
    failures: int = 0
    compute_seconds: float = 0.0
    write_seconds: float = 0.0


def params_for(model: Model, start: date, end: date) -> dict[str, date]:
    return {"start_date": start, "end_date": end, "read_start": start - timedelta(days=model.lookback_days)}


def used_params(sql: str) -> dict[str, bool]:
    return {p: f"${p}" in sql for p in ("start_date", "end_date", "read_start")}


def bind(model: Model, start: date, end: date) -> dict[str, date]:
    """Only the parameters the SQL uses (DuckDB rejects unused named parameters)."""
    used = used_params(model.sql)
    return {k: v for k, v in params_for(model, start, end).items() if used[k]}


def _ensure_table(wh: Warehouse, model: Model) -> None:
    """Create the target from the chunk's shape; recreate it if the model's columns changed."""
    cols = [r[0] for r in wh.con.execute("DESCRIBE _chunk").fetchall() if r[0] not in FAILURE_COLUMNS]
    target = quote_table(model.table)
    if wh.table_exists(model.table):
        if wh.columns(model.table) == cols:
            return
        wh.con.execute(f"DROP TABLE {target}")
        wh.con.execute("DELETE FROM processing.model_state WHERE model = ?", [model.name])
    select = ", ".join(quote_ident(c) for c in cols)
    wh.con.execute(f"CREATE TABLE {target} AS SELECT {select} FROM _chunk LIMIT 0")


def run_chunk(wh: Warehouse, model: Model, chunk: Chunk, run_id: str) -> ChunkResult:
    con = wh.con
    res = ChunkResult()
    t0 = time.perf_counter()
    try:
        with wh.transaction():
            con.execute(f"CREATE OR REPLACE TEMP TABLE _chunk AS {model.sql}", bind(model, chunk.start, chunk.end))
            res.compute_seconds = time.perf_counter() - t0
            t1 = time.perf_counter()
            _check_chunk(con, model, chunk)
            _ensure_table(wh, model)
            target = quote_table(model.table)
            tcol = quote_ident(model.time_column)
            keep = "WHERE failure_category IS NULL" if model.failures else ""
            con.execute(f"DELETE FROM {target} WHERE {tcol} BETWEEN ? AND ?", [chunk.start, chunk.end])
            cols = ", ".join(quote_ident(c) for c in wh.columns(model.table))
            res.rows = con.execute(f"INSERT INTO {target} ({cols}) SELECT {cols} FROM _chunk {keep}").fetchone()[0]
            if model.failures:
                res.failures = _write_failures(con, model, chunk, run_id)
            res.write_seconds = time.perf_counter() - t1
            con.execute("DROP TABLE IF EXISTS _chunk")
    except duckdb.Error as exc:
        raise RunFailedError(f"model {model.name} failed on {chunk}: {str(exc).splitlines()[0]}") from exc
    return res


def _check_chunk(con: duckdb.DuckDBPyConnection, model: Model, chunk: Chunk) -> None:
    """Refuse to write a chunk with rows outside its dates or duplicate keys."""
    tcol = quote_ident(model.time_column)
    outside = con.execute(f"SELECT count(*) FROM _chunk WHERE {tcol} NOT BETWEEN ? AND ? OR {tcol} IS NULL",
                          [chunk.start, chunk.end]).fetchone()[0]
    if outside:
        raise RunFailedError(f"model {model.name} returned {outside} rows outside {chunk}")
    grain = ", ".join(quote_ident(g) for g in model.grain)
    where = "WHERE failure_category IS NULL" if model.failures else ""
    dup = con.execute(f"SELECT {grain}, count(*) FROM _chunk {where} GROUP BY ALL HAVING count(*) > 1 LIMIT 1").fetchone()
    if dup:
        raise RunFailedError(f"model {model.name} returned duplicate rows for key {dup[:-1]} on {chunk}")


def _write_failures(con: duckdb.DuckDBPyConnection, model: Model, chunk: Chunk, run_id: str) -> int:
    con.execute("DELETE FROM processing.precompute_failures WHERE processor_name = ? AND analysis_date BETWEEN ? AND ?",
                [model.failures, chunk.start, chunk.end])
    return con.execute(
        f"""INSERT INTO processing.precompute_failures
            SELECT ?, ?, {quote_ident(model.time_column)}, {quote_ident(model.entity)}, failure_category,
                   coalesce(failure_reason, failure_category), coalesce(can_retry, false), ?
            FROM _chunk WHERE failure_category IS NOT NULL""",
        [model.failures, run_id, datetime.now()]).fetchone()[0]
