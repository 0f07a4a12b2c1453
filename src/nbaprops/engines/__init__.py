"""Where the models run: DuckDB (the warehouse itself, src/nbaprops/runner/), a local Spark
session (engines/spark.py) or BigQuery (engines/bigquery.py).

Every engine is an adapter (engines/adapter.py) behind the one backfill driver
(runner.backfill.Backfill): the same model selection (--only / --start-from), chunking and
model kinds everywhere, and the same 13 columns of failure rows. `run(engine, ...)` takes the
range / chunk / model selection of `nbaprops backfill` and returns an EngineResult. Every engine
reads the raw data the DuckDB warehouse holds (exported to Parquet, see `export_sources`) or a
folder of Parquet files laid out `<schema>/<table>.parquet`, runs each model's SQL translated
by nbaprops.dialects, and writes the model tables (and the Phase 4 failures) its own way:

* duckdb   — the warehouse tables (the runner: chunked delete+insert in one transaction,
             resumable, hash-skip); `run("duckdb", ...)` simply calls runner.backfill;
* spark    — Parquet folders `<out>/<schema>/<table>/` (a chunk replaces its dates);
* bigquery — datasets `<prefix>_<schema>` in a project: load jobs for the raw tables, one
             MERGE per chunk per table (see bigquery.py).

Nothing here prints; errors are nbaprops.errors types."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog import SOURCE_TABLES, SOURCE_TIME_COLUMNS, Catalog, Model
from ..errors import BadInputError
from .adapter import FAILURE_TABLE_COLUMNS as FAILURES_COLUMNS  # noqa: F401  (13 columns, every engine)
from .adapter import FAILURES_TABLE  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from .adapter import EngineAdapter

ENGINES = ("duckdb", "spark", "bigquery")
SCHEMAS = ("raw", "analytics", "precompute", "predictions", "processing", "reference")


@dataclass
class ModelResult:
    model: str
    table: str
    chunks: int = 0
    rows: int = 0
    failures: int = 0
    seconds: float = 0.0
    status: str = "pending"  # pending / success / failed / planned / skipped
    error: str | None = None


@dataclass
class EngineResult:
    engine: str
    start: date
    end: date
    chunk_mode: str
    dry_run: bool = False
    location: str = ""  # where the tables are: a folder, a project + dataset prefix
    models: list[ModelResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failures outside any one model
    plan: Any = None  # bigquery: the JobPlan
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and all(m.status in ("success", "planned", "skipped") for m in self.models)

    @property
    def errors(self) -> list[str]:
        return [f"{m.model}: {m.error}" for m in self.models if m.error] + list(self.problems)


def select_models(catalog: Catalog, only: list[str] | None = None, start_from: str | None = None) -> list[Model]:
    """The models to run, in dependency order: the one selection of every engine (runner.plan)."""
    from ..runner.plan import select_models as select

    return select(catalog, only, start_from)


def source_time_column(table: str) -> str | None:
    return SOURCE_TIME_COLUMNS.get(table)


def export_sources(
    warehouse: str | Path, out_dir: str | Path, tables: frozenset[str] | set[str] = SOURCE_TABLES
) -> dict[str, Path]:
    """Write the warehouse's raw.* and reference.* tables to `<out_dir>/<schema>/<table>.parquet`,
    sorted by the table's time column (so a date-range filter skips most row groups).
    Opens the warehouse read-only; returns table -> file."""
    from ..warehouse import Warehouse, quote_ident, quote_table

    out = Path(out_dir)
    files: dict[str, Path] = {}
    with Warehouse.open(warehouse, read_only=True) as wh:
        for table in sorted(tables):
            if not wh.table_exists(table):
                raise BadInputError(f"the warehouse has no table {table}: run `nbaprops ingest` first")
            schema, name = table.split(".")
            path = out / schema / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            tc = source_time_column(table)
            order = f" ORDER BY {quote_ident(tc)}" if tc else ""
            lit = str(path).replace("'", "''")
            wh.con.execute(
                f"COPY (SELECT * FROM {quote_table(table)}{order}) TO '{lit}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"
            )
            files[table] = path
    return files


def find_sources(folder: str | Path, tables: frozenset[str] | set[str] = SOURCE_TABLES) -> dict[str, Path]:
    """Source Parquet in a folder: `<schema>/<table>.parquet`, `<schema>/<table>/` (a folder of
    part files) or `<schema>.<table>.parquet`. Every source table must be there."""
    root = Path(folder)
    if not root.is_dir():
        raise BadInputError(f"source folder {root} does not exist")
    found, missing = {}, []
    for table in sorted(tables):
        schema, name = table.split(".")
        for cand in (root / schema / f"{name}.parquet", root / schema / name, root / f"{table}.parquet"):
            if cand.exists():
                found[table] = cand
                break
        else:
            missing.append(table)
    if missing:
        raise BadInputError(f"source folder {root} lacks {', '.join(missing)} (expected <schema>/<table>.parquet)")
    return found


def run(
    engine: str,
    *,
    warehouse: str | Path | None,
    start: date,
    end: date,
    chunk: str = "all",
    only: list[str] | None = None,
    start_from: str | None = None,
    dry_run: bool = False,
    out: str | Path | None = None,
    sources: str | Path | None = None,
    project: str | None = None,
    dataset_prefix: str | None = None,
    client: Any = None,
    catalog: Catalog | None = None,
    bq: Any = None,
    on_model: Callable[[ModelResult], None] | None = None,
) -> EngineResult:
    """Run the selected models over [start, end] on `engine`.

    spark: `out` = the output folder (default: `<warehouse folder>/spark`); `sources` = a folder
    of source Parquet (default: exported from the warehouse into `<out>/_sources`).
    bigquery: `project` and `dataset_prefix` are required; `client` = a google.cloud.bigquery
    Client (or a stand-in with the same methods; default: a real Client for `project`), `bq` the
    google.cloud.bigquery module (or a stand-in: tests run without the library)."""
    from ..runner.backfill import Backfill
    from ..warehouse import resolve_path

    if engine not in ENGINES:
        raise BadInputError(f"--engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "duckdb":
        raise BadInputError("the duckdb engine is the default runner: `nbaprops backfill` without --engine")
    t0 = time.perf_counter()
    catalog = catalog or Catalog.load()
    wh_path = resolve_path(warehouse)
    adapter: EngineAdapter
    if engine == "spark":
        from .spark import SparkAdapter, new_run_id

        out_dir = Path(out) if out else wh_path.parent / "spark"
        adapter = SparkAdapter(wh_path, out_dir, sources=sources, tables=[m.table for m in catalog.ordered()])
        location = str(Path(out_dir).resolve())
    else:
        from .bigquery import BigQueryAdapter
        from .spark import new_run_id

        if not project or not dataset_prefix:
            raise BadInputError("--engine bigquery needs --project and --dataset-prefix")
        adapter = BigQueryAdapter(
            wh_path,
            catalog,
            project=project,
            prefix=dataset_prefix,
            client=client,
            bq=bq,
            staging=Path(out) if out else wh_path.parent / "bigquery",
            sources=sources,
        )
        location = f"{project}:{dataset_prefix}_*"
    result = EngineResult(engine=engine, start=start, end=end, chunk_mode=chunk, dry_run=dry_run, location=location)
    tables = {m.name: m.table for m in catalog.ordered()}

    def model_done(mr) -> None:
        if on_model:
            on_model(_model_result(mr, tables[mr.model]))

    run_ = Backfill(
        adapter,
        start,
        end,
        catalog=catalog,
        only=only,
        start_from=start_from,
        chunk_mode=chunk,
        dry_run=dry_run,
        run_id=new_run_id("bq" if engine == "bigquery" else engine),
        on_model_done=model_done,
        # one model at a time: the engine spreads each query over its own cluster, and its
        # adapter (one session, one list of jobs and problems) has no per-model workers
        parallel=False,
    )
    res = run_.run()
    result.models = [_model_result(mr, tables[mr.model]) for mr in res.models]
    result.problems.extend(getattr(adapter, "problems", []))
    result.plan = getattr(adapter, "plan", None)
    result.notes.extend(getattr(adapter, "notes", []))
    if dry_run and engine == "spark":
        result.notes.append("dry run: every model translates to Spark SQL; nothing was computed or written")
    result.seconds = time.perf_counter() - t0
    return result


def _model_result(mr, table: str) -> ModelResult:
    """A driver's ModelRun as an engine's ModelResult."""
    return ModelResult(
        model=mr.model,
        table=table,
        chunks=mr.chunks,
        rows=mr.rows,
        failures=mr.failures,
        seconds=mr.wall_seconds or mr.seconds,
        status=mr.status,
        error=mr.error or mr.skip_reason,
    )


def summary(result: EngineResult):
    """A Rich table of the result (the CLI prints it)."""
    from rich.table import Table

    what = "dry run" if result.dry_run else "run"
    t = Table(
        title=f"{result.engine} {what}: {result.start} .. {result.end} (chunks: {result.chunk_mode}, "
        f"{result.seconds:.1f} s) -> {result.location}"
    )
    for c in ("model", "status", "chunks", "rows", "failures", "seconds", "note"):
        t.add_column(c, justify="right" if c in ("chunks", "rows", "failures", "seconds") else "left", overflow="fold")
    style = {"success": "green", "failed": "red", "planned": "cyan", "skipped": "dim"}
    for m in result.models:
        t.add_row(
            m.table,
            f"[{style.get(m.status, '')}]{m.status}[/]",
            str(m.chunks),
            f"{m.rows:,}",
            f"{m.failures:,}",
            f"{m.seconds:.1f}",
            m.error or "",
        )
    return t
