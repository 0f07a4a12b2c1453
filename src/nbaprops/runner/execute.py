"""Running one model over one chunk: one transaction, delete the chunk's dates, insert the
freshly computed rows (and the model's failure rows), and record the chunk's dates as done in
processing.model_state with their input fingerprints and output digests. Rows and state commit
together, so a process killed at any moment leaves either the whole chunk or none of it.
A failing chunk leaves the table (and the state) as it was.

A model that writes failure rows is computed into a temp table (_chunk) first: its rows go to
two tables. Any other model's query inserts straight into its table (one copy of the rows less:
~15 % of the feature store's backfill); its checks and output digests then read the rows just
written, which are exactly the chunk's (its dates were emptied first, in the same transaction)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from ..catalog import FAILURE_COLUMNS, Model
from ..engines.adapter import COMPLETENESS_FAILURE_COLUMNS, FAILURE_TABLE_COLUMNS, write_by_kind
from ..errors import RunFailedError
from ..parameters import bind_parameters
from ..warehouse import Warehouse, is_interrupt, one, quote_ident, quote_table
from .plan import Chunk
from .state import STATE_DIGEST, output_digest_sql

# Test hook: seconds to sleep inside each chunk's transaction, after the writes and before the
# commit, so that a test can kill the process while a chunk is half written.
SLEEP_ENV = "NBAPROPS_TEST_CHUNK_SLEEP"
# ... and, when set, only in the chunks of this model (models run side by side: a test that must
# kill one model mid-chunk makes that one sleep, long, and waits until the process is idle)
SLEEP_MODEL_ENV = "NBAPROPS_TEST_CHUNK_SLEEP_MODEL"


@dataclass
class ChunkResult:
    rows: int = 0
    failures: int = 0
    compute_seconds: float = 0.0  # (a model inserted straight from its query: the insert too)
    write_seconds: float = 0.0
    digests: list[tuple[date, int]] = field(default_factory=list)  # (date, state digest) written


@dataclass(frozen=True)
class ChunkRows:
    """Where a chunk's rows can be read inside its transaction: `FROM {sql}` with `params`."""

    sql: str
    params: tuple = ()


def chunk_rows(model: Model, chunk: Chunk) -> ChunkRows:
    """The chunk's rows (failure rows aside): the temp table _chunk, or the model's table over
    the chunk's dates (the whole table for a `full` model) when the query inserted straight into it."""
    if model.writes_failures:
        return ChunkRows("_chunk WHERE failure_category IS NULL")
    if model.kind == "full":
        return ChunkRows(quote_table(model.table))
    return ChunkRows(
        f"{quote_table(model.table)} WHERE {quote_ident(model.time_column)} BETWEEN ? AND ?", (chunk.start, chunk.end)
    )


def bind(model: Model, start: date, end: date) -> dict[str, date]:
    """Only the parameters the SQL uses (DuckDB rejects unused named parameters)."""
    return bind_parameters(model.sql, "duckdb", model.lookback_days, start, end)


def ensure_table(wh: Warehouse, model: Model, chunk: Chunk, *, written_by_this_sql: bool = False) -> list[str]:
    """Create the target from the model's shape, or recreate it if the model's columns changed,
    in a transaction of its own, before any chunk writes to it.

    `written_by_this_sql`: the saved state holds dates written by this exact SQL (same hash), so
    the table has this shape already (every chunk checks it before writing) and the probe, which
    plans the whole model, is skipped: a one-date run would spend a fifth of its time on it.

    DuckDB 2.0 loses sight of rows inserted into a table created in the same transaction once
    they fill more than one row group (later scans on that connection return nothing), so the
    table must exist, committed, before the chunk's transaction inserts into it.

    Returns the table's columns."""
    verified = wh.verified_tables
    key = (model.table, model.sql_hash)
    if key in verified or written_by_this_sql:
        columns = _columns_if_exists(wh, model.table)
        if columns:  # (no columns: the table is gone, build it below)
            verified.add(key)
            return columns
    wh.con.execute(
        f"CREATE OR REPLACE TEMP TABLE _shape AS SELECT * FROM ({model.sql}) LIMIT 0",
        bind(model, chunk.start, chunk.end),
    )
    cols = [r[0] for r in wh.con.execute("DESCRIBE _shape").fetchall() if r[0] not in FAILURE_COLUMNS]
    target = quote_table(model.table)
    if not (wh.table_exists(model.table) and wh.columns(model.table) == cols):
        with wh.transaction():
            if wh.table_exists(model.table):
                wh.con.execute(f"DROP TABLE {target}")
                wh.con.execute("DELETE FROM processing.model_state WHERE model = ?", [model.name])
            select = ", ".join(quote_ident(c) for c in cols)
            wh.con.execute(f"CREATE TABLE {target} AS SELECT {select} FROM _shape LIMIT 0")
    wh.con.execute("DROP TABLE IF EXISTS _shape")
    verified.add(key)
    return wh.columns(model.table)


def _columns_if_exists(wh: Warehouse, table: str) -> list[str]:
    """The table's columns from binding it (about 1 ms, where the catalog functions take 4 ms:
    a daily run asks once per model); [] when the table is gone. Outside any transaction, so a
    missing table's error aborts nothing."""
    try:
        return [d[0] for d in wh.con.execute(f"SELECT * FROM {quote_table(table)} LIMIT 0").description]
    except duckdb.CatalogException:
        return []


def _check_shape(model: Model, table_columns: list[str], chunk_columns: list[str]) -> None:
    cols = [c for c in chunk_columns if c not in FAILURE_COLUMNS]
    if table_columns != cols:
        raise RunFailedError(f"model {model.name} returned columns that differ from {model.table}")


def run_chunk(
    wh: Warehouse,
    model: Model,
    chunk: Chunk,
    run_id: str,
    fingerprints: dict[date, str] | None = None,
    after: Callable[[ChunkResult], None] | None = None,
    written_by_this_sql: bool = False,
) -> ChunkResult:
    """Compute and write one chunk. `fingerprints` (date -> input fingerprint) are saved as the
    chunk's state; `after(result)` runs inside the same transaction (the run-history progress);
    `written_by_this_sql` as in ensure_table."""
    con = wh.con
    res = ChunkResult()
    t0 = time.perf_counter()
    try:
        table_columns = ensure_table(wh, model, chunk, written_by_this_sql=written_by_this_sql)
        params = bind(model, chunk.start, chunk.end)
        with wh.transaction():
            if model.writes_failures:  # rows for two tables: computed once, into _chunk
                con.execute(f"CREATE OR REPLACE TEMP TABLE _chunk AS {model.sql}", params)
                res.compute_seconds = time.perf_counter() - t0
                t1 = time.perf_counter()
                chunk_columns = [r[0] for r in con.execute("DESCRIBE _chunk").fetchall()]
                _check_chunk(con, model, chunk)
                _check_shape(model, table_columns, chunk_columns)
                res.rows, res.failures = write_by_kind(
                    DuckDBWrites(con, table_columns, chunk_columns), model, chunk, run_id
                )
            else:  # straight from the query into the table (ensure_table checked the shape);
                # the rows are checked where they landed, before the commit
                res.rows, res.failures = write_by_kind(
                    DuckDBWrites(con, table_columns, source=f"({model.sql}\n)", params=params), model, chunk, run_id
                )
                res.compute_seconds = time.perf_counter() - t0
                t1 = time.perf_counter()
                _check_chunk(con, model, chunk, inserted=res.rows)
            if fingerprints is not None:
                res.digests = _write_state(wh, model, chunk, run_id, fingerprints, table_columns)
            if after is not None:
                res.write_seconds = time.perf_counter() - t1  # so far: after() may record it
                after(res)
            con.execute("DROP TABLE IF EXISTS _chunk")
            sleep = os.environ.get(SLEEP_ENV)
            if sleep and os.environ.get(SLEEP_MODEL_ENV, model.name) == model.name:
                time.sleep(float(sleep))
            res.write_seconds = time.perf_counter() - t1
    except duckdb.FatalException:
        raise  # the database is invalidated (e.g. disk full): stop the run, nothing more can be written
    except duckdb.InterruptException as exc:
        raise KeyboardInterrupt from exc  # Ctrl-C: stop the run (the chunk rolled back), not a failed chunk
    except duckdb.Error as exc:
        raise RunFailedError(f"model {model.name} failed on {chunk}: {str(exc).splitlines()[0]}") from exc
    except RuntimeError as exc:
        if is_interrupt(exc):
            raise KeyboardInterrupt from exc
        raise
    return res


def _write_state(
    wh: Warehouse, model: Model, chunk: Chunk, run_id: str, fingerprints: dict[date, str], table_columns: list[str]
) -> list[tuple[date, int]]:
    """Record the chunk's dates as done; returns their state digests (for the dependants'
    fingerprints later in the run, without reading the state back)."""
    dates = list(chunk.dates) or ([chunk.start] if chunk.start == chunk.end else [])
    con = wh.con
    rows = chunk_rows(model, chunk)
    if model.kind == "full":
        # the whole table was replaced: its state is every date it now holds, the chunk's, and
        # every date recorded before (asked for by earlier runs: dropping them would make the
        # next run of those dates recompute the table again), all with the new fingerprint
        produced = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {quote_ident(model.time_column)} FROM {rows.sql}", list(rows.params)
            ).fetchall()
            if r[0] is not None
        ]
        before = [
            r[0]
            for r in con.execute(
                "SELECT target_date FROM processing.model_state WHERE model = ?", [model.name]
            ).fetchall()
        ]
        dates = sorted(set(dates) | set(produced) | set(before))
        con.execute("DELETE FROM processing.model_state WHERE model = ?", [model.name])
    else:
        con.execute(
            "DELETE FROM processing.model_state WHERE model = ? AND target_date BETWEEN ? AND ?",
            [model.name, chunk.start, chunk.end],
        )
    if not dates:
        raise RunFailedError(f"chunk {chunk} of {model.name} carries no dates to record")
    fail = (
        (
            f"LEFT JOIN (SELECT {quote_ident(model.time_column)} AS d, count(*) AS n FROM _chunk "
            "WHERE failure_category IS NOT NULL "
            "GROUP BY 1) f USING (d)"
        )
        if model.writes_failures
        else ""
    )
    return con.execute(
        f"""INSERT INTO processing.model_state
              (model, target_date, fingerprint, model_hash, run_id, rows_written, done_at, output_digest,
               failures_written)
            SELECT ?, p.d, p.fp, ?, ?, coalesce(o.n, 0), ?, coalesce(o.h, 0::UBIGINT),
                   {"coalesce(f.n, 0)" if model.writes_failures else "0"}
            FROM (SELECT unnest(?::DATE[]) AS d, unnest(?::VARCHAR[]) AS fp) p
            LEFT JOIN ({output_digest_sql(table_columns, model.time_column, rows.sql)}) o USING (d)
            {fail}
            RETURNING target_date, {STATE_DIGEST.format(digest="output_digest")}""",
        [model.name, model.sql_hash, run_id, datetime.now(), dates, [fingerprints[d] for d in dates], *rows.params],
    ).fetchall()


def _check_chunk(con: duckdb.DuckDBPyConnection, model: Model, chunk: Chunk, inserted: int | None = None) -> None:
    """Refuse to write a chunk with rows outside its dates (or without one) or duplicate keys
    (one query). `inserted`: the query inserted that many rows straight into the model's table
    (else the chunk is in _chunk)."""
    tcol = quote_ident(model.time_column)
    key = ", ".join(f"CAST({quote_ident(g)} AS VARCHAR)" for g in model.grain)
    grain = ", ".join(quote_ident(g) for g in model.grain)
    rows = chunk_rows(model, chunk)
    if inserted is None:  # (a model with failure rows: kind by_date_with_failures, never full)
        outside = f"SELECT count(*) FROM _chunk WHERE {tcol} NOT BETWEEN ? AND ? OR {tcol} IS NULL"
        outside_params: list[object] = [chunk.start, chunk.end]
    elif model.kind == "full":  # a full model returns the whole table: only dates and keys are checked
        outside, outside_params = f"SELECT count(*) FROM {rows.sql} WHERE {tcol} IS NULL", []
    else:  # the chunk's dates held nothing else: every inserted row not among them is outside
        outside, outside_params = f"SELECT ? - count(*) FROM {rows.sql}", [inserted, *rows.params]
    n_outside, dup = one(
        con.execute(
            f"""SELECT ({outside}), (SELECT [{key}] FROM {rows.sql} GROUP BY {grain} HAVING count(*) > 1 LIMIT 1)""",
            [*outside_params, *rows.params],
        )
    )
    if n_outside:
        raise RunFailedError(f"model {model.name} returned {n_outside} rows outside {chunk}")
    if dup:
        raise RunFailedError(f"model {model.name} returned duplicate rows for key {tuple(dup)} on {chunk}")


class DuckDBWrites:
    """The DuckDB side of writing a computed chunk, one method per step of write_by_kind; run
    inside the chunk's transaction. The rows come from `source` (default: the temp table
    _chunk; or the model's query in parentheses, with its `params`)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        table_columns: list[str],
        chunk_columns: list[str] | None = None,
        source: str = "_chunk",
        params: dict | None = None,
    ):
        self.con, self.table_columns, self.chunk_columns = con, table_columns, chunk_columns or []
        self.source, self.params = source, params or {}

    def _insert(self, model: Model) -> int:
        keep = "WHERE failure_category IS NULL" if model.writes_failures else ""
        cols = ", ".join(quote_ident(c) for c in self.table_columns)
        return one(
            self.con.execute(
                f"INSERT INTO {quote_table(model.table)} ({cols}) SELECT {cols} FROM {self.source} {keep}", self.params
            )
        )[0]

    def replace_range(self, model: Model, chunk: Chunk) -> int:
        self.con.execute(
            f"DELETE FROM {quote_table(model.table)} WHERE {quote_ident(model.time_column)} BETWEEN ? AND ?",
            [chunk.start, chunk.end],
        )
        return self._insert(model)

    def replace_table(self, model: Model) -> int:
        self.con.execute(f"DELETE FROM {quote_table(model.table)}")
        return self._insert(model)

    def write_failures(self, model: Model, chunk: Chunk, run_id: str) -> int:
        con = self.con
        con.execute(
            "DELETE FROM processing.precompute_failures WHERE processor_name = ? AND analysis_date BETWEEN ? AND ?",
            [model.failures, chunk.start, chunk.end],
        )
        # completeness of the failed entity (migration 005): NULL when the model does not compute it
        extra = ", ".join(
            quote_ident(c) if c in self.chunk_columns else f"NULL AS {quote_ident(c)}"
            for c in COMPLETENESS_FAILURE_COLUMNS
        )
        cols = ", ".join(quote_ident(c) for c in FAILURE_TABLE_COLUMNS)
        return one(
            con.execute(
                f"""INSERT INTO processing.precompute_failures ({cols})
                SELECT ?, ?, {quote_ident(model.time_column)}, {quote_ident(model.failure_entity)}, failure_category,
                       coalesce(failure_reason, failure_category), coalesce(can_retry, false), ?, {extra}
                FROM _chunk WHERE failure_category IS NOT NULL""",
                [model.failures, run_id, datetime.now()],
            )
        )[0]
