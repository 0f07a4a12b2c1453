"""Runner state: input digests, per-date fingerprints, saved model state, run history.

Fingerprint design
------------------
Every dependency is summarised as one 64-bit digest per date (`DateDigests`):
  * raw tables: per value of the time column (game_date; transaction_date for raw.injuries),
    hash(date, row count, Σ hash(row_hash)) — one set-based GROUP BY per table, order-free;
  * model tables: hash(date, rows, output_digest) from processing.model_state, where
    output_digest = Σ hash(row) of the rows written for that date (recorded in the chunk's
    transaction, so no model table is ever scanned to fingerprint it);
  * reference tables and the tables of `full` models: one whole-table digest Σ hash(row) (no
    time column, or rows keyed on a date that any later date may read).
The fingerprint of (model, D) hashes the model's SQL hash with, per dependency, the sum
(mod 2^64) and count of the per-date digests over [D − lookback_days, D] (prefix sums, so
every date costs O(log n)); for a `full` model, over every date (it computes its whole table
from its whole input). A date whose fingerprint equals the saved one is skipped.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from itertools import repeat

import duckdb

from ..catalog import SOURCE_TABLES, SOURCE_TIME_COLUMNS, Model
from ..warehouse import column_names, one, quote_ident, quote_table

MASK = (1 << 64) - 1
# Columns that describe when/how a row was written rather than what it says: left out of
# output digests so that recomputing identical content does not look like a change.
METADATA_COLUMNS = frozenset(
    {"processed_at", "created_at", "updated_at", "computed_at", "run_id", "ingested_at", "source_file"}
)


@dataclass
class DateDigests:
    """Per-date 64-bit digests of one input, with prefix sums for window lookups."""

    dates: list[date]
    prefix: list[int]  # prefix[i] = Σ digest of dates[:i] (mod 2^64)
    whole: int | None = None  # for tables without a time column
    # window_pieces' results by (name, lookback, days)
    _pieces: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @cached_property
    def ordinals(self) -> list[int]:
        """The dates as day numbers (integer comparisons in the fingerprints' binary searches)."""
        return [d.toordinal() for d in self.dates]

    @classmethod
    def from_rows(cls, rows: list[tuple[date, int]]) -> DateDigests:
        rows = sorted(rows)
        prefix = [0]
        for _, h in rows:
            prefix.append((prefix[-1] + int(h)) & MASK)
        return cls([r[0] for r in rows], prefix)

    def window_pieces(self, name: str, lookback: int, days: tuple[int, ...]) -> list[str]:
        """Each day's fingerprint piece of this input read over [day − lookback, day] (day
        numbers, sorted): two binary searches per day. Kept per (name, lookback, days): models
        that read the same input over the same window share it (39 distinct of 69 in a run)."""
        key = (name, lookback, days)
        if key not in self._pieces:
            xs, prefix = self.ordinals, self.prefix
            lo = [bisect.bisect_left(xs, x - lookback) for x in days]
            hi = [bisect.bisect_right(xs, x) for x in days]
            self._pieces[key] = [f"|{name}:{(prefix[j] - prefix[i]) & MASK}:{j - i}" for i, j in zip(lo, hi)]
        return self._pieces[key]


# A model's per-date digest as its dependants see it (read back, or returned as it is written).
STATE_DIGEST = "hash(target_date, rows_written, {digest})"


class DigestCache:
    """Digests of source tables are computed once per run (sources do not change during a run);
    model tables are read from processing.model_state when asked (they change as models run)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, catalog_tables: dict[str, Model]):
        self.con = con
        self.models_by_table = catalog_tables
        self._sources: dict[str, DateDigests] = {}
        self._models: dict[str, list[tuple[date, int]]] | None = None
        self._digests: dict[str, DateDigests] = {}
        self._lock = threading.RLock()

    def prefetch_sources(self, tables: set[str]) -> None:
        """All raw tables' per-date digests in one UNION ALL query (one scan each)."""
        raw = sorted(t for t in tables if t in SOURCE_TIME_COLUMNS and t not in self._sources)
        ref = sorted(
            t for t in tables if t in SOURCE_TABLES and t not in SOURCE_TIME_COLUMNS and t not in self._sources
        )
        if raw:
            parts = []
            for i, t in enumerate(raw):
                tc = quote_ident(SOURCE_TIME_COLUMNS[t])
                parts.append(
                    f"SELECT {i} AS t, {tc} AS d, hash({tc}, count(*), sum(hash(row_hash))) AS h "
                    f"FROM {quote_table(t)} GROUP BY {tc}"
                )
            rows = self.con.execute(" UNION ALL ".join(parts)).fetchall()
            by: dict[int, list] = {i: [] for i in range(len(raw))}
            for i, d, h in rows:
                by[i].append((d, h))
            for i, t in enumerate(raw):
                self._sources[t] = DateDigests.from_rows(by[i])
        for t in ref:
            h = one(self.con.execute(f"SELECT hash(count(*), sum(hash(x))) FROM {quote_table(t)} x"))[0]
            self._sources[t] = DateDigests([], [0], whole=int(h))

    def get(self, table: str) -> DateDigests:
        with self._lock:  # models running side by side share the cache (and its connection)
            return self._get(table)

    def _get(self, table: str) -> DateDigests:
        if table in SOURCE_TABLES:
            if table not in self._sources:
                self.prefetch_sources({table})
            return self._sources[table]
        model = self.models_by_table[table]
        name = model.name
        if model.kind == "full":
            # a full table's row keyed on an old date (a season's opening night, a feed's span)
            # can change with data of any date: its readers take its whole content digest
            if name not in self._digests:
                self._digests[name] = DateDigests([], [0], whole=self._content_digest(table))
            return self._digests[name]
        if self._models is None:
            self.load_state()
        models = self._models
        assert models is not None  # load_state read them
        if name not in self._digests:
            self._digests[name] = DateDigests.from_rows(models.get(name, []))
        return self._digests[name]

    def _content_digest(self, table: str) -> int:
        """Σ hash(row) of the table, metadata columns left out (0 when it is not built yet)."""
        cols = [c for c in column_names(self.con, table) if c not in METADATA_COLUMNS]
        if not cols:
            return 0
        row = ", ".join(quote_ident(c) for c in cols)
        return int(one(self.con.execute(f"SELECT hash(count(*), sum(hash({row}))) FROM {quote_table(table)}"))[0])

    def record(self, model_name: str, written: list[tuple[date, int]], replace: bool = False) -> None:
        """The model committed a chunk: its dates' new digests (as _write_state returned them);
        `replace`: they are all its dates now (a `full` model rewrote its whole table)."""
        with self._lock:
            if self._models is not None:
                new = dict(written)
                kept = [] if replace else [(d, h) for d, h in self._models.get(model_name, []) if d not in new]
                self._models[model_name] = kept + list(new.items())
            self._digests.pop(model_name, None)

    def load_state(self) -> dict[str, dict[date, SavedState]]:
        """The saved state per model name and date and, from the same read of
        processing.model_state, the model tables' per-date digests for the fingerprints."""
        # (a warehouse opened read-only may predate the output_digest column)
        has_digest = "output_digest" in column_names(self.con, "processing.model_state")
        digest = "coalesce(output_digest, 0)" if has_digest else "0"
        rows = self.con.execute(
            f"SELECT model, target_date, fingerprint, model_hash, "
            f"{STATE_DIGEST.format(digest=digest)} FROM processing.model_state"
        ).fetchall()
        saved: dict[str, dict[date, SavedState]] = {}
        models: dict[str, list[tuple[date, int]]] = {}
        for m, d, fp, mh, h in rows:
            saved.setdefault(m, {})[d] = SavedState(fp, mh)
            models.setdefault(m, []).append((d, h))
        with self._lock:
            self._models = models
            self._digests.clear()
        return saved


def fingerprints(model: Model, dates: list[date], digests: dict[str, DateDigests]) -> dict[date, str]:
    """The input fingerprint of every date: SQL hash + each dependency over [D − lookback, D]."""
    lb = model.lookback_days
    ds = sorted(dates)
    days = tuple(d.toordinal() for d in ds)
    columns: list = []  # per dependency, its piece of every date's fingerprint
    for dep in sorted(model.depends_on):
        dd = digests[dep]
        if dd.whole is not None or model.kind == "full":
            # a reference table or a `full` model's table (read whole), or a `full` model (its
            # every row may read any date): the whole input counts for every date
            columns.append(
                repeat(f"|{dep}:{dd.whole}" if dd.whole is not None else f"|{dep}:{dd.prefix[-1]}:{len(dd.dates)}")
            )
            continue
        columns.append(dd.window_pieces(dep, lb, days))  # the window [D − lb, D]
    head = model.sql_hash
    pieces = zip(*columns) if columns else repeat(())
    return {d: hashlib.blake2b((head + "".join(p)).encode(), digest_size=12).hexdigest() for d, p in zip(ds, pieces)}


@dataclass
class SavedState:
    fingerprint: str
    model_hash: str


def output_digest_sql(columns: list[str], time_column: str, rows: str) -> str:
    """Per-date (rows, Σ hash(row)) of the chunk being written (`FROM {rows}`: execute.chunk_rows),
    metadata columns left out."""
    cols = [c for c in columns if c not in METADATA_COLUMNS] or columns
    row = ", ".join(quote_ident(c) for c in cols)
    tc = quote_ident(time_column)
    return (
        f"SELECT {tc} AS d, count(*) AS n, (sum(hash({row})) % 18446744073709551616)::UBIGINT AS h "
        f"FROM {rows} GROUP BY {tc}"
    )


# -- run history ---------------------------------------------------------------------------
HISTORY_COLUMNS = (
    "run_id",
    "model",
    "status",
    "start_date",
    "end_date",
    "chunks",
    "chunks_skipped",
    "rows_written",
    "failures_written",
    "started_at",
    "finished_at",
    "duration_seconds",
    "read_seconds",
    "compute_seconds",
    "write_seconds",
    "error",
    "trigger",
    "dates_planned",
    "dates_computed",
    "dates_skipped",
    "dates_failed",
    "skip_reason",
)


def mark_interrupted(con: duckdb.DuckDBPyConnection, current_run: str) -> int:
    """Rows still 'running' (or 'pending': planned, never started) when a writer opens the
    warehouse belong to a process that died
    (DuckDB admits one writer per file, so no live process can own them): mark them killed."""
    stale = one(
        con.execute(
            "SELECT count(*) FROM reference.processor_run_history "
            "WHERE status IN ('running', 'pending') AND run_id <> ?",
            [current_run],
        )
    )[0]
    if not stale:
        return 0  # the common case: no write, no commit
    con.execute(
        "UPDATE reference.processor_run_history SET status = 'killed', "
        "error = coalesce(error || '; ', '') || CASE WHEN status = 'pending' "
        "THEN 'interrupted: the process ended before this model committed any work' "
        "ELSE 'interrupted: the process ended before this model finished (killed or crashed); chunks it "
        "committed are kept, the rest is redone next run' END "
        "WHERE status IN ('running', 'pending') AND run_id <> ?",
        [current_run],
    )
    return int(stale)


def write_history(con: duckdb.DuckDBPyConnection, values: dict | list[dict]) -> None:
    """Insert or replace run-history rows (keyed on run_id, model) with one DELETE + one INSERT."""
    rows = [values] if isinstance(values, dict) else values
    if not rows:
        return
    keys = [x for v in rows for x in (v["run_id"], v["model"])]
    con.execute(
        "DELETE FROM reference.processor_run_history WHERE (run_id, model) IN ("
        + ", ".join("(?, ?)" for _ in rows)
        + ")",
        keys,
    )
    one = "(" + ", ".join("?" for _ in HISTORY_COLUMNS) + ")"
    con.execute(
        f"INSERT INTO reference.processor_run_history ({', '.join(HISTORY_COLUMNS)}) VALUES "
        + ", ".join(one for _ in rows),
        [v.get(c) for v in rows for c in HISTORY_COLUMNS],
    )
