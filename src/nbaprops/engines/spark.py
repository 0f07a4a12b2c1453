"""The Spark engine: the whole pipeline on a (local) PySpark session.

* sources: the warehouse's raw.* / reference.* tables exported to Parquet (or a folder of
  Parquet), registered as tables `raw.schedule`, ... of the session catalog (databases raw,
  analytics, precompute, predictions, processing, reference), so the translated SQL reads
  them under their own names;
* the run is the one backfill driver (runner.backfill.Backfill) with a SparkAdapter: the same
  model selection, chunks and kinds as on DuckDB; per chunk, the model's Spark SQL
  (`dialects.translate(sql, "spark")`) with the bound parameters passed as named parameter
  markers (`spark.sql(sql, args={"start_date": ...})`); the result is checked like the DuckDB
  runner checks it (no rows outside the chunk, no duplicate keys) and written by the model's
  kind: rows with a NULL failure_category go to the table, the others (with their completeness)
  to processing.precompute_failures, the same 13 columns as DuckDB's;
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
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlglot import exp

from ..calendar import NOT_PRESEASON_SQL
from ..catalog import FAILURE_COLUMNS, SOURCE_TABLES, Model
from ..dialects import translate
from ..errors import BadInputError, ModelError, RunFailedError
from ..parameters import bind_parameters
from . import SCHEMAS, export_sources, find_sources
from .adapter import COMPLETENESS_FAILURE_COLUMNS, FAILURE_TABLE_TYPES, FAILURES_TABLE, Stateless, write_by_kind


def _pyspark():
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError:
        raise BadInputError(
            "--engine spark needs PySpark: pip install 'nbaprops[spark]' (and a Java 17+ runtime)"
        ) from None
    return SparkSession


def spark_session(
    master: str = "local[2]",
    shuffle_partitions: int = 4,
    warehouse_dir: str | Path | None = None,
    app_name: str = "nbaprops",
):
    """A local Spark session sized for one machine (or the active session, if there is one)."""
    SparkSession = _pyspark()
    b = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.default.parallelism", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.driver.extraJavaOptions", "-XX:+UseParallelGC")
        .config("spark.sql.adaptive.enabled", "true")
    )
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
    return bind_parameters(sql, "spark", model.lookback_days, start, end)


def spark_type(duckdb_type: str) -> str:
    """A DuckDB column type as a Spark SQL type."""
    return exp.DataType.build(duckdb_type, dialect="duckdb").sql("spark")


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

    def replace_dates(self, table: str, new_df, time_column: str, start: date, end: date, extra=None) -> None:
        """Replace the rows of `table` with time_column in [start, end] (and `extra`, a Column
        condition, when given) by `new_df`; keep every other row. Written beside the current
        version and swapped in by renames (a failure before the swap leaves the table as it was)."""
        from pyspark.sql import functions as F

        path = self.path_of(table)
        combined = new_df
        if self.exists(table) and path.is_dir():
            old = self.spark.read.parquet(str(path))
            if old.columns != new_df.columns and set(old.columns) <= set(new_df.columns):
                # columns were added (e.g. completeness of failure rows): the old rows get NULLs
                old = old.select(
                    *[
                        F.col(c) if c in old.columns else F.lit(None).cast(new_df.schema[c].dataType).alias(c)
                        for c in new_df.columns
                    ]
                )
            if old.columns == new_df.columns:
                in_chunk = F.col(time_column).between(F.lit(start), F.lit(end))
                if extra is not None:
                    in_chunk = in_chunk & extra
                combined = old.where(~in_chunk).unionByName(new_df)
            # else: the model's columns changed: the table is rebuilt from this chunk on
        self.write_table(table, combined)

    def write_table(self, table: str, df) -> None:
        """Replace the whole table by `df`: written beside the current version and swapped in by
        renames (a failure before the swap leaves the table as it was)."""
        path = self.path_of(table)
        combined = df
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
        rows = self.spark.sql(
            f"SELECT DISTINCT game_date FROM raw.schedule WHERE {NOT_PRESEASON_SQL} ORDER BY game_date"
        ).collect()
        return [r[0] for r in rows]

    def seasons(self) -> dict[date, int]:
        rows = self.spark.sql("SELECT game_date, max(season_year) FROM raw.schedule GROUP BY game_date").collect()
        return {r[0]: r[1] for r in rows}

    # -- running -----------------------------------------------------------------------------
    def run_chunk(self, model: Model, sql: str, start: date, end: date, run_id: str) -> tuple[int, int]:
        """Compute one chunk, check it and write it by the model's kind; returns (rows, failures)."""
        from pyspark.sql import functions as F

        from ..runner.plan import Chunk

        df = self.spark.sql(sql, args=bind(sql, model, start, end)).persist()
        try:
            tc = F.col(model.time_column)
            bad = tc.isNull() if model.kind == "full" else tc.isNull() | ~tc.between(F.lit(start), F.lit(end))
            outside = df.where(bad).count()
            if outside:
                raise RunFailedError(f"model {model.name} returned {outside} rows outside {start}..{end}")
            if model.writes_failures and FAILURE_COLUMNS[0] not in df.columns:
                raise ModelError(f"model {model.name} declares failures but returns no failure_category")
            writes = SparkWrites(self, df)
            dup = writes.rows(model).groupBy(*model.grain).count().where(F.col("count") > 1).limit(1).collect()
            if dup:
                key = tuple(dup[0])[:-1]
                raise RunFailedError(f"model {model.name} returned duplicate rows for key {key} on {start}..{end}")
            return write_by_kind(writes, model, Chunk(start, end), run_id)
        finally:
            df.unpersist()


class SparkWrites:
    """The Spark side of writing a computed chunk (a DataFrame), one method per kind step."""

    def __init__(self, engine: SparkEngine, df):
        self.engine, self.df = engine, df

    def rows(self, model: Model):
        """The table's rows of the chunk (failure rows and the failure columns left out)."""
        from pyspark.sql import functions as F

        if not model.writes_failures:
            return self.df
        return self.df.where(F.col("failure_category").isNull()).drop(
            *[c for c in FAILURE_COLUMNS if c in self.df.columns]
        )

    def replace_range(self, model: Model, chunk) -> int:
        rows = self.rows(model)
        n = rows.count()
        self.engine.replace_dates(model.table, rows, model.time_column, chunk.start, chunk.end)
        return n

    def replace_table(self, model: Model) -> int:
        rows = self.rows(model)
        n = rows.count()
        self.engine.write_table(model.table, rows)
        return n

    def write_failures(self, model: Model, chunk, run_id: str) -> int:
        """processing.precompute_failures: the same 13 columns as on DuckDB."""
        from pyspark.sql import functions as F

        df = self.df

        def col(c: str):
            return F.col(c) if c in df.columns else F.lit(None)

        t = {c: spark_type(v) for c, v in FAILURE_TABLE_TYPES.items()}
        fails = (
            df.where(F.col("failure_category").isNotNull())
            .select(
                F.lit(model.failures).cast(t["processor_name"]).alias("processor_name"),
                F.lit(run_id).cast(t["run_id"]).alias("run_id"),
                F.col(model.time_column).cast(t["analysis_date"]).alias("analysis_date"),
                F.col(model.failure_entity).cast(t["entity_id"]).alias("entity_id"),
                F.col("failure_category").cast(t["failure_category"]).alias("failure_category"),
                F.coalesce(col("failure_reason").cast("string"), F.col("failure_category")).alias("failure_reason"),
                F.coalesce(col("can_retry").cast("boolean"), F.lit(False)).alias("can_retry"),
                F.lit(datetime.now()).cast(t["created_at"]).alias("created_at"),
                *[col(c).cast(t[c]).alias(c) for c in COMPLETENESS_FAILURE_COLUMNS],
            )
            .persist()
        )
        try:
            n = fails.count()
            self.engine.replace_dates(
                FAILURES_TABLE,
                fails,
                "analysis_date",
                chunk.start,
                chunk.end,
                extra=F.col("processor_name") == F.lit(model.failures),
            )
        finally:
            fails.unpersist()
        return n


class SparkAdapter(Stateless):
    """The Spark engine behind the backfill driver. Stateless: every date of the range is
    computed; the tables of an earlier run in the output folder are kept and registered, so
    upstream models left out of a run (--only, --start-from) are read from there."""

    name = "spark"
    dialect = "spark"
    read_only = False

    def __init__(
        self,
        warehouse: Path,
        out: Path,
        sources: str | Path | None = None,
        spark: Any = None,
        tables: Sequence[str] = (),
    ):
        self.warehouse, self.out, self.sources = warehouse, Path(out).resolve(), sources
        self.tables = list(tables)  # every model table: those an earlier run left are registered
        self.spark = spark
        self.engine: SparkEngine | None = None
        self._sql: dict[str, str] = {}

    def translate(self, model: Model) -> str:
        if model.name not in self._sql:
            self._sql[model.name] = spark_sql(model)
        return self._sql[model.name]

    def bind(self, model: Model, sql: str, start: date, end: date) -> dict:
        return bind(sql, model, start, end)

    def begin(self, models: list[Model], dry_run: bool) -> None:
        for m in models:  # a model that cannot be translated fails the run early
            self.translate(m)
        if dry_run:
            return
        src = find_sources(self.sources) if self.sources else export_sources(self.warehouse, self.out / "_sources")
        self.spark = self.spark or spark_session(warehouse_dir=self.out / "_spark_catalog")
        self.engine = SparkEngine(self.spark, self.out)
        self.engine.register_sources(src)
        self.engine.register_existing(list(dict.fromkeys([*self.tables, *(m.table for m in models)])))

    def game_dates(self) -> list[date]:
        if self.engine is None:  # dry run: the warehouse's schedule (the data Spark would read)
            return _warehouse_calendar(self.warehouse)[0]
        return self.engine.game_dates()

    def seasons(self) -> dict[date, int]:
        if self.engine is None:
            return _warehouse_calendar(self.warehouse)[1]
        return self.engine.seasons()

    def table_exists(self, table: str) -> bool:
        return True if self.engine is None else self.engine.exists(table)

    def validate(self, model: Model, chunks: list) -> None:
        self.translate(model)

    def run_chunk(self, model: Model, chunk, run_id: str, fingerprints, after, written_by_this_sql: bool):
        from ..runner.execute import ChunkResult

        engine = self.engine
        assert engine is not None  # begin() started it (a dry run runs no chunk)
        t0 = time.perf_counter()
        res = ChunkResult()
        try:
            res.rows, res.failures = engine.run_chunk(model, self.translate(model), chunk.start, chunk.end, run_id)
        except (RunFailedError, ModelError) as exc:
            raise RunFailedError(str(exc)) from exc
        except Exception as exc:  # Spark analysis / execution errors (py4j, pyspark.errors)
            raise RunFailedError(f"Spark failed on {model.name} {chunk}: {_first_line(exc)}") from exc
        res.compute_seconds = time.perf_counter() - t0
        if after is not None:
            after(res)
        return res

    def finish(self, dry_run: bool) -> None:
        pass

    def failures_by_category(self, run_id: str) -> list[tuple[str, str, int]]:
        if self.engine is None or not self.engine.exists(FAILURES_TABLE):
            return []
        rows = self.spark.sql(
            f"SELECT processor_name, failure_category, count(*) FROM {FAILURES_TABLE} "
            "WHERE run_id = :run_id GROUP BY 1, 2 ORDER BY 1, 2",
            args={"run_id": run_id},
        ).collect()
        return [tuple(r) for r in rows]


def _warehouse_calendar(warehouse: Path) -> tuple[list[date], dict[date, int]]:
    """Game dates and seasons from the warehouse's schedule (read-only)."""
    from ..runner.plan import game_dates, season_of
    from ..warehouse import Warehouse

    with Warehouse.open(warehouse, read_only=True) as wh:
        return game_dates(wh.con), season_of(wh.con)


def new_run_id(engine: str) -> str:
    return f"{engine}-" + datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


__all__ = ["SOURCE_TABLES", "SparkAdapter", "SparkEngine", "spark_session", "spark_sql"]
