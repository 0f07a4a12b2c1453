"""The engine adapter: what the one backfill driver (runner/backfill.py, `Backfill`) asks of an
engine. DuckDB (the warehouse), Spark and BigQuery each implement it; the driver plans the run
(model selection, pending dates, chunks), runs the pre-flight, the models' chunks, the history
and the summary the same way on every engine.

An adapter answers:

* translate / bind: a model's SQL in the engine's dialect and its bound parameters
  (nbaprops.dialects does both; nothing else knows a parameter style);
* the calendar: the schedule's game dates and their seasons (chunking);
* state: stateful engines (DuckDB) keep per-date fingerprints (resume, hash skip) and the run
  history; stateless ones (Spark, BigQuery) recompute every date of the range and keep none;
* run_chunk: compute one chunk and write it by the model's kind (`write_by_kind`): create the
  table if needed, replace the chunk's dates (by_date, by_date_with_failures) or the whole table
  (full), and write the failure rows with their completeness (by_date_with_failures).

Every engine writes the same 13 columns into processing.precompute_failures
(FAILURE_TABLE_COLUMNS)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any, Protocol, Self

from ..catalog import KINDS, Model

FAILURES_TABLE = "processing.precompute_failures"
# Completeness of the failed entity, copied from the model's failure rows (NULL when the model
# does not compute it).
COMPLETENESS_FAILURE_COLUMNS = (
    "expected_games",
    "actual_games",
    "completeness_pct",
    "is_production_ready",
    "completeness_reason",
)
# processing.precompute_failures, in column order, on every engine.
FAILURE_TABLE_COLUMNS = (
    "processor_name",
    "run_id",
    "analysis_date",
    "entity_id",
    "failure_category",
    "failure_reason",
    "can_retry",
    "created_at",
    *COMPLETENESS_FAILURE_COLUMNS,
)
# Their types (DuckDB names; the engines map them with sqlglot).
FAILURE_TABLE_TYPES = dict(
    zip(
        FAILURE_TABLE_COLUMNS,
        (
            "VARCHAR",
            "VARCHAR",
            "DATE",
            "VARCHAR",
            "VARCHAR",
            "VARCHAR",
            "BOOLEAN",
            "TIMESTAMP",
            "INTEGER",
            "INTEGER",
            "DOUBLE",
            "BOOLEAN",
            "VARCHAR",
        ),
    )
)


class ChunkWrites(Protocol):
    """An engine's writes of one computed chunk (the steps `write_by_kind` composes)."""

    def replace_range(self, model: Model, chunk) -> int: ...  # rows of the chunk's dates
    def replace_table(self, model: Model) -> int: ...  # the whole table (kind full)
    def write_failures(self, model: Model, chunk, run_id: str) -> int: ...


def write_by_kind(writes: ChunkWrites, model: Model, chunk, run_id: str) -> tuple[int, int]:
    """Write a computed chunk as the model's kind says; returns (rows, failure rows)."""
    if model.kind not in KINDS:
        raise ValueError(f"model {model.name}: unknown kind {model.kind!r}")
    rows = writes.replace_table(model) if model.kind == "full" else writes.replace_range(model, chunk)
    failures = writes.write_failures(model, chunk, run_id) if model.writes_failures else 0
    return rows, failures


class EngineAdapter(Protocol):
    """What the backfill driver needs from an engine."""

    name: str  # duckdb | spark | bigquery
    dialect: str
    stateful: bool  # keeps per-date state (resume, hash skip) and the run history

    @property
    def read_only(self) -> bool: ...

    def translate(self, model: Model) -> str: ...
    def bind(self, model: Model, sql: str, start: date, end: date) -> dict[str, Any]: ...
    def game_dates(self) -> list[date]: ...
    def seasons(self) -> dict[date, int]: ...
    def table_exists(self, table: str) -> bool: ...

    def begin(self, models: list[Model], dry_run: bool) -> None: ...
    def validate(self, model: Model, chunks: list) -> None: ...  # dry run: raise ModelError
    def run_chunk(
        self,
        model: Model,
        chunk,
        run_id: str,
        fingerprints: Mapping[date, str] | None,
        after: Callable | None,
        written_by_this_sql: bool,
    ): ...
    def finish(self, dry_run: bool) -> None: ...

    # state and history (no-ops on stateless engines)
    def load_state(self, cache) -> dict: ...  # cache: digest_cache's
    def digest_cache(self, by_table: dict[str, Model], sources: set[str]): ...
    def forget_state(self, models: list[str], start: date, end: date) -> None: ...
    def mark_interrupted(self, run_id: str) -> int: ...
    def write_history(self, rows: list[dict]) -> None: ...
    def record_progress(self, run_id: str, model: str, values: dict) -> None: ...
    def close_not_run(self, run_id: str, not_run: dict[str, str]) -> None: ...
    def failures_by_category(self, run_id: str) -> list[tuple[str, str, int]]: ...
    def transaction(self) -> contextlib.AbstractContextManager[Any]: ...
    def preflight(self, start: date, end: date): ...
    def worker(self) -> contextlib.AbstractContextManager[EngineAdapter]: ...


class Stateless:
    """State and history of an engine that keeps none: every date of the range is computed."""

    stateful = False

    def load_state(self, cache) -> dict:
        return {}

    def digest_cache(self, by_table, sources):
        return None

    def forget_state(self, models, start, end) -> None:
        pass

    def mark_interrupted(self, run_id: str) -> int:
        return 0

    def write_history(self, rows) -> None:
        pass

    def record_progress(self, run_id, model, values) -> None:
        pass

    def close_not_run(self, run_id, not_run) -> None:
        pass

    def transaction(self):
        return contextlib.nullcontext()

    def preflight(self, start, end):
        return None

    @contextlib.contextmanager
    def worker(self) -> Iterator[Self]:
        yield self


class DuckDBAdapter:
    """The warehouse: chunked delete + insert in one transaction with the chunk's state
    (runner/execute.py), resumable, hash-skip, run history."""

    name = "duckdb"
    dialect = "duckdb"
    stateful = True

    def __init__(self, wh):
        self.wh = wh

    @property
    def read_only(self) -> bool:
        return self.wh.read_only

    @property
    def con(self):
        return self.wh.con

    # -- SQL ---------------------------------------------------------------------------------
    def translate(self, model: Model) -> str:
        return model.sql

    def bind(self, model: Model, sql: str, start: date, end: date) -> dict[str, Any]:
        from ..parameters import bind_parameters

        return bind_parameters(sql, self.dialect, model.lookback_days, start, end)

    # -- reading -----------------------------------------------------------------------------
    def game_dates(self) -> list[date]:
        from ..runner.plan import game_dates

        return game_dates(self.con)

    def seasons(self) -> dict[date, int]:
        from ..runner.plan import season_of

        return season_of(self.con)

    def table_exists(self, table: str) -> bool:
        return self.wh.table_exists(table)

    # -- running -----------------------------------------------------------------------------
    def begin(self, models: list[Model], dry_run: bool) -> None:
        pass

    def validate(self, model: Model, chunks: list) -> None:
        pass

    def run_chunk(self, model: Model, chunk, run_id: str, fingerprints, after, written_by_this_sql: bool):
        from ..runner.execute import run_chunk

        return run_chunk(
            self.wh, model, chunk, run_id, fingerprints, after=after, written_by_this_sql=written_by_this_sql
        )

    def finish(self, dry_run: bool) -> None:
        pass

    # -- state and history -------------------------------------------------------------------
    def load_state(self, cache) -> dict:
        """The saved state, read with the cache's model digests (one query)."""
        return cache.load_state()

    def digest_cache(self, by_table: dict[str, Model], sources: set[str]):
        from ..runner.state import DigestCache

        cache = DigestCache(self.con, by_table)
        cache.prefetch_sources(sources)
        return cache

    def forget_state(self, models: list[str], start: date, end: date) -> None:
        with self.wh.transaction():
            self.con.execute(
                "DELETE FROM processing.model_state WHERE target_date BETWEEN ? AND ? AND model IN "
                f"({', '.join('?' for _ in models)})",
                [start, end, *sorted(models)],
            )

    def mark_interrupted(self, run_id: str) -> int:
        from ..runner.state import mark_interrupted

        return mark_interrupted(self.con, run_id)

    def transaction(self):
        return self.wh.transaction()

    def write_history(self, rows: list[dict]) -> None:
        """Inside the caller's transaction."""
        from ..runner.state import write_history

        write_history(self.con, rows)

    def record_progress(self, run_id: str, model: str, values: dict) -> None:
        """A committed chunk's progress on the model's history row (inside the chunk's transaction)."""
        self.con.execute(
            "UPDATE reference.processor_run_history SET status = 'running', chunks = ?, "
            "dates_planned = ?, dates_skipped = ?, "
            "rows_written = coalesce(rows_written, 0) + ?, "
            "failures_written = coalesce(failures_written, 0) + ?, "
            "dates_computed = coalesce(dates_computed, 0) + ? WHERE run_id = ? AND model = ?",
            [
                values["chunks"],
                values["dates_planned"],
                values["dates_skipped"],
                values["rows"],
                values["failures"],
                values["dates"],
                run_id,
                model,
            ],
        )

    def close_not_run(self, run_id: str, not_run: dict[str, str]) -> None:
        from datetime import datetime

        with self.wh.transaction():
            for name, error in not_run.items():
                self.con.execute(
                    "UPDATE reference.processor_run_history SET status = 'failed', error = ?, "
                    "finished_at = ? WHERE run_id = ? AND model = ? AND status = 'pending'",
                    [error, datetime.now(), run_id, name],
                )

    def failures_by_category(self, run_id: str) -> list[tuple[str, str, int]]:
        return [
            tuple(r)
            for r in self.con.execute(
                "SELECT processor_name, failure_category, count(*) FROM processing.precompute_failures "
                "WHERE run_id = ? GROUP BY ALL ORDER BY 1, 2",
                [run_id],
            ).fetchall()
        ]

    def preflight(self, start: date, end: date):
        from ..runner.preflight import check

        return check(self.con, start, end)

    @contextlib.contextmanager
    def worker(self) -> Iterator[DuckDBAdapter]:
        """An adapter on a worker cursor (its own transactions and temp tables)."""
        with self.wh.worker() as w:
            yield DuckDBAdapter(w)
