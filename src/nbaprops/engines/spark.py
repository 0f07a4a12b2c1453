"""The Spark engine: the whole pipeline on a (local) PySpark session.

* sources: the warehouse's raw.* / reference.* tables exported to Parquet (or a folder of
  Parquet), registered as tables `raw.schedule`, ... of the session catalog (databases raw,
  analytics, precompute, predictions, processing, reference), so the translated SQL reads
  them under their own names;
* each selected model, in dependency order, per chunk: its Spark SQL
  (`dialects.translate(sql, "spark")`) with the bound parameters passed as named parameter
  markers (`spark.sql(sql, args={"start_date": ...})`); the result is checked like the DuckDB
  runner checks it (no rows outside the chunk, no duplicate keys); rows with a NULL
  failure_category go to the table, the others to processing.precompute_failures;
* a table is a Parquet folder `<out>/<schema>/<table>/`; a chunk replaces the table's rows of
  its dates (the rest is kept): the new version is written next to the old one and swapped in
  with a rename, then re-registered, so downstream models read it. Spark has no MERGE on plain
  Parquet (it needs Delta/Iceberg); a table rewrite per chunk is what plain Parquet allows and
  is cheap at this size.

pyspark is an optional extra (`pip install 'nbaprops[spark]'`), imported only here."""

from __future__ import annotations

import shutil
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from ..catalog import FAILURE_COLUMNS, SOURCE_TABLES, Catalog, Model
from ..dialects import translate
from ..errors import BadInputError, ModelError, RunFailedError
from . import (FAILURES_TABLE, SCHEMAS, EngineResult, ModelResult, export_sources, find_sources)

PARAMETERS = ("start_date", "end_date", "read_start")


def _pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise BadInputError("--engine spark needs PySpark: pip install 'nbaprops[spark]' "
                            "(and a Java 17+ runtime)") from None
    return SparkSession


def spark_session(master: str = "local[2]", shuffle_partitions: int = 4,
                  warehouse_dir: str | Path | None = None, app_name: str = "nbaprops"):
    """A local Spark session sized for one machine (or the active session, if there is one)."""
    SparkSession = _pyspark()
    b = (SparkSession.builder.master(master).appName(app_name)
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
         .config("spark.default.parallelism", str(shuffle_partitions))
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.parquet.compression.codec", "zstd")
         .config("spark.driver.extraJavaOptions", "-XX:+UseParallelGC")
         .config("spark.sql.adaptive.enabled", "true"))
    if warehouse_dir is not None:
        b = b.config("spark.sql.warehouse.dir", str(Path(warehouse_dir).resolve()))
    spark = b.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_sql(model: Model) -> str:
    """The model's Spark SQL (header comments dropped)."""
    from ..dialects import split_header

    return split_header(translate(model.sql, "spark", model.table))[1]


def bind(sql: str, model: Model, start: date, end: date) -> dict[str, date]:
    """The named parameters the Spark SQL uses (`:start_date` ...)."""
    values = {"start_date": start, "end_date": end, "read_start": start - timedelta(days=model.lookback_days)}
    return {k: v for k, v in values.items() if f":{k}" in sql}


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines() or [type(exc).__name__])[0][:500]


class SparkEngine:
    """Tables of one output folder registered in a Spark session."""

    def __init__(self, spark, out: str | Path):
        self.spark = spark
        self.out = Path(out).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        for schema in SCHEMAS:
            spark.sql(f"CREATE DATABASE IF NOT EXISTS {schema}")

    # -- tables ------------------------------------------------------------------------------
    def path_of(self, table: str) -> Path:
        schema, name = table.split(".")
        return self.out / schema / name

    def register(self, table: str, path: str | Path, schema=None) -> None:
        """(Re)point the catalog table `table` at the Parquet file or folder `path`."""
        self.spark.sql(f"DROP TABLE IF EXISTS {table}")
        self.spark.catalog.createTable(table, path=str(path), source="parquet", schema=schema)

    def register_sources(self, files: dict[str, Path]) -> None:
        for table, path in files.items():
            self.register(table, Path(path).resolve())

    def register_existing(self, tables: list[str]) -> list[str]:
        """Register the tables an earlier run left in the output folder."""
        found = []
        for table in [*tables, FAILURES_TABLE]:
            p = self.path_of(table)
            if p.is_dir() and any(p.glob("*.parquet")):
                self.register(table, p)
                found.append(table)
        return found

    def table(self, table: str):
        return self.spark.table(table)

    def exists(self, table: str) -> bool:
        return self.spark.catalog.tableExists(table)

    def replace_dates(self, table: str, new_df, time_column: str, start: date, end: date,
                      extra=None) -> None:
        """Replace the rows of `table` with time_column in [start, end] (and `extra`, a Column
        condition, when given) by `new_df`; keep every other row. Written beside the current
        version and swapped in by renames (a failure before the swap leaves the table as it was)."""
        from pyspark.sql import functions as F

        path = self.path_of(table)
        combined = new_df
        if self.exists(table) and path.is_dir():
            old = self.spark.read.parquet(str(path))
            if old.columns == new_df.columns:
                in_chunk = F.col(time_column).between(F.lit(start), F.lit(end))
                if extra is not None:
                    in_chunk = in_chunk & extra
                combined = old.where(~in_chunk).unionByName(new_df)
            # else: the model's columns changed: the table is rebuilt from this chunk on
        tag = uuid.uuid4().hex[:8]
        tmp = path.with_name(f".{path.name}.new-{tag}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            combined.write.parquet(str(tmp))
        except Exception:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        trash = path.with_name(f".{path.name}.old-{tag}")
        if path.exists():
            path.rename(trash)
        tmp.rename(path)
        shutil.rmtree(trash, ignore_errors=True)
        self.register(table, path, schema=combined.schema)

    # -- the calendar ------------------------------------------------------------------------
    def game_dates(self) -> list[date]:
        rows = self.spark.sql("SELECT DISTINCT game_date FROM raw.schedule "
                              "WHERE season_type <> 'Pre Season' ORDER BY game_date").collect()
        return [r[0] for r in rows]

    def seasons(self) -> dict[date, int]:
        rows = self.spark.sql("SELECT game_date, max(season_year) FROM raw.schedule GROUP BY game_date").collect()
        return {r[0]: r[1] for r in rows}

    # -- running -----------------------------------------------------------------------------
    def run_chunk(self, model: Model, sql: str, start: date, end: date, run_id: str) -> tuple[int, int]:
        """Compute one chunk and write it; returns (rows, failures)."""
        from pyspark.sql import functions as F

        df = self.spark.sql(sql, args=bind(sql, model, start, end)).persist()
        try:
            tc = F.col(model.time_column)
            outside = df.where(tc.isNull() | ~tc.between(F.lit(start), F.lit(end))).count()
            if outside:
                raise RunFailedError(f"model {model.name} returned {outside} rows outside {start}..{end}")
            rows_df = df
            if model.failures:
                missing = [c for c in FAILURE_COLUMNS[:1] if c not in df.columns]
                if missing:
                    raise ModelError(f"model {model.name} declares failures but returns no failure_category")
                rows_df = df.where(F.col("failure_category").isNull()).drop(
                    *[c for c in FAILURE_COLUMNS if c in df.columns])
            dup = rows_df.groupBy(*model.grain).count().where(F.col("count") > 1).limit(1).collect()
            if dup:
                key = tuple(dup[0])[:-1]
                raise RunFailedError(f"model {model.name} returned duplicate rows for key {key} on {start}..{end}")
            n_rows = rows_df.count()
            self.replace_dates(model.table, rows_df, model.time_column, start, end)
            n_fail = 0
            if model.failures:
                col = lambda c: F.col(c) if c in df.columns else F.lit(None)  # noqa: E731
                fails = df.where(F.col("failure_category").isNotNull()).select(
                    F.lit(model.failures).alias("processor_name"),
                    F.lit(run_id).alias("run_id"),
                    F.col(model.time_column).cast("date").alias("analysis_date"),
                    F.col(model.entity).cast("string").alias("entity_id"),
                    F.col("failure_category").cast("string").alias("failure_category"),
                    F.coalesce(col("failure_reason").cast("string"), F.col("failure_category")).alias("failure_reason"),
                    F.coalesce(col("can_retry").cast("boolean"), F.lit(False)).alias("can_retry"),
                    F.lit(datetime.now()).cast("timestamp").alias("created_at"),
                ).persist()
                try:
                    n_fail = fails.count()
                    self.replace_dates(FAILURES_TABLE, fails, "analysis_date", start, end,
                                       extra=F.col("processor_name") == F.lit(model.failures))
                finally:
                    fails.unpersist()
            return n_rows, n_fail
        finally:
            df.unpersist()


def run_spark(warehouse: Path, start: date, end: date, *, models: list[Model], catalog: Catalog,
              chunk: str = "all", dry_run: bool = False, out: Path, sources: str | Path | None = None,
              on_model: Callable[[ModelResult], None] | None = None, spark: Any = None,
              run_id: str | None = None) -> EngineResult:
    """Run `models` over [start, end] on Spark, tables written under `out`."""
    from ..runner.plan import group_chunks

    out = Path(out).resolve()
    result = EngineResult(engine="spark", start=start, end=end, chunk_mode=chunk, dry_run=dry_run,
                          location=str(out))
    translated = {m.name: spark_sql(m) for m in models}   # a model that cannot be translated fails early
    if dry_run:
        for m in models:
            result.models.append(ModelResult(model=m.name, table=m.table, status="planned"))
        result.notes.append("dry run: every model translates to Spark SQL; nothing was computed or written")
        return result
    run_id = run_id or ("spark-" + datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6])
    src = find_sources(sources) if sources else export_sources(warehouse, out / "_sources")
    spark = spark or spark_session(warehouse_dir=out / "_spark_catalog")
    eng = SparkEngine(spark, out)
    eng.register_sources(src)
    eng.register_existing([m.table for m in catalog.ordered()])
    calendar = eng.game_dates()
    in_range = [d for d in calendar if start <= d <= end]
    seasons = eng.seasons() if chunk == "season" else None
    chunks = group_chunks(in_range, calendar, chunk, seasons)
    failed: set[str] = set()
    for m in models:
        mr = ModelResult(model=m.name, table=m.table, chunks=len(chunks))
        result.models.append(mr)
        blocked = sorted(u for u in catalog.upstream[m.name] if u in failed)
        if blocked:
            failed.add(m.name)
            mr.status, mr.error = "failed", f"not run: upstream {', '.join(blocked)} failed"
            continue
        if not chunks:
            mr.status = "skipped"
            mr.error = "no game dates in range"
            continue
        t0 = time.perf_counter()
        try:
            for c in chunks:
                rows, fails = eng.run_chunk(m, translated[m.name], c.start, c.end, run_id)
                mr.rows += rows
                mr.failures += fails
            mr.status = "success"
        except (RunFailedError, ModelError) as exc:
            mr.status, mr.error = "failed", str(exc)
        except Exception as exc:  # Spark analysis / execution errors (py4j, pyspark.errors)
            mr.status, mr.error = "failed", f"Spark failed on {m.name}: {_first_line(exc)}"
        mr.seconds = time.perf_counter() - t0
        if mr.status == "failed":
            failed.add(m.name)
        if on_model:
            on_model(mr)
    return result


__all__ = ["SparkEngine", "run_spark", "spark_session", "spark_sql", "SOURCE_TABLES"]
