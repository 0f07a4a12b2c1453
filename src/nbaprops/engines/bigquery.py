"""The BigQuery engine: the pipeline as a plan of BigQuery jobs, run through google-cloud-bigquery.

`build_plan(...)` turns a run into a JobPlan, a list of jobs, without any network:

1. one dataset per schema: `<prefix>_raw`, `<prefix>_analytics`, ... (`create_dataset`, exists_ok);
2. DDL for every table: `CREATE TABLE IF NOT EXISTS` with the columns and types (raw tables from
   the warehouse migrations, model tables from the model's output shape, found by running the
   model's DuckDB SQL over empty tables), `PARTITION BY` the time column and `CLUSTER BY` the
   columns of the original system's schema (spec §2-3);
3. one load job per raw/reference table, from Parquet exported from the warehouse
   (WRITE_TRUNCATE: the warehouse's raw data is the truth);
4. per model, per chunk (the whole range with `--chunk all`, or one per season / month / date):
   a query job computing the chunk (the model's BigQuery SQL, bound parameters as query
   parameters @start_date / @end_date / @read_start) into a staging table, then ONE MERGE into
   the model table: source deduplicated on the primary key (QUALIFY ROW_NUMBER() ... = 1), the
   target's partition filter first in the ON clause, WHEN MATCHED UPDATE, WHEN NOT MATCHED BY
   TARGET INSERT ROW, WHEN NOT MATCHED BY SOURCE (rows of the chunk's dates the model no longer
   returns) DELETE — the chunk's dates end up exactly as computed, atomically. Models with
   failures get a second MERGE, into `<prefix>_processing.precompute_failures`. Never one DML per
   date (BigQuery queues more than 2 concurrent mutations per table);
5. the staging tables are dropped.

`execute_plan(plan, client, dry_run=...)` runs it; with dry_run every SQL statement is sent with
QueryJobConfig(dry_run=True) (validated and costed, nothing runs) and no dataset or load job is
created. google-cloud-bigquery is an optional extra (`pip install 'nbaprops[bigquery]'`),
imported only when a plan is executed."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

import sqlglot
from sqlglot import exp

from ..catalog import FAILURE_COLUMNS, SOURCE_TABLES, Catalog, Model
from ..dialects import split_header, translate
from ..errors import BadInputError, RunFailedError
from . import (FAILURES_TABLE, SCHEMAS, EngineResult, ModelResult, export_sources, find_sources,
               source_time_column)

# CLUSTER BY per table, from the original system's schemas (spec §2-3). universal_player_id is
# the original's id: here player_id when the table has one; columns a table lacks are left out.
CLUSTERING: dict[str, tuple[str, ...]] = {
    "analytics.player_game_summary": ("universal_player_id", "player_lookup", "team_abbr", "game_date"),
    "analytics.team_offense_game_summary": ("team_abbr", "game_date", "home_game"),
    "analytics.team_defense_game_summary": ("defending_team_abbr", "game_date", "data_quality_tier"),
    "analytics.upcoming_player_game_context": ("player_lookup", "game_date"),
    "analytics.upcoming_team_game_context": ("game_date", "team_abbr", "game_id"),
    "precompute.player_completeness": ("player_lookup", "analysis_date"),
    "precompute.team_defense_zone_analysis": ("team_abbr", "analysis_date"),
    "precompute.player_shot_zone_analysis": ("player_lookup", "universal_player_id", "analysis_date"),
    "precompute.player_composite_factors": ("player_lookup", "universal_player_id", "game_date"),
    "precompute.player_daily_cache": ("player_lookup", "universal_player_id"),
    "predictions.ml_feature_store_v2": ("player_lookup", "feature_version", "game_date"),
    FAILURES_TABLE: ("processor_name", "failure_category", "can_retry"),
    "raw.schedule": ("game_date", "home_team_abbr", "away_team_abbr"),
    "raw.player_boxscores": ("player_lookup", "team_abbr", "game_id"),
    "raw.team_boxscores": ("team_abbr", "game_id"),
    "raw.shots": ("player_lookup", "game_id"),
    "raw.game_lines": ("game_id",),
    "raw.injuries": ("player_lookup", "team_abbr"),
    "raw.player_points_props": ("player_lookup", "game_id", "bookmaker"),
    "reference.teams": ("team_abbr",),
    "reference.players": ("player_lookup",),
}
FAILURE_GRAIN = ("processor_name", "analysis_date", "entity_id")
_UNSIGNED = re.compile(r"^U(TINYINT|SMALLINT|INTEGER|BIGINT|INT)$|^UINT\d*$", re.I)


# -- the plan ---------------------------------------------------------------------------------
@dataclass
class Job:
    kind: str                     # dataset | ddl | load | query | merge | drop
    target: str                   # project.dataset[.table]
    sql: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None    # load: the Parquet file
    partition_field: str | None = None
    cluster_fields: tuple[str, ...] = ()
    model: str | None = None
    chunk: tuple[date, date] | None = None

    def describe(self) -> str:
        what = f"{self.kind} {self.target}"
        if self.chunk:
            what += f" [{self.chunk[0]}..{self.chunk[1]}]"
        return what


@dataclass
class JobPlan:
    project: str
    prefix: str
    jobs: list[Job] = field(default_factory=list)
    chunks: list[tuple[date, date]] = field(default_factory=list)

    def of(self, kind: str) -> list[Job]:
        return [j for j in self.jobs if j.kind == kind]

    @property
    def statements(self) -> list[Job]:
        """Jobs that are SQL statements (validated by a dry run)."""
        return [j for j in self.jobs if j.sql is not None]

    def datasets(self) -> list[str]:
        return [j.target for j in self.of("dataset")]


def dataset_name(prefix: str, schema: str) -> str:
    return f"{prefix}_{schema}"


def table_id(project: str, prefix: str, table: str) -> str:
    schema, name = table.split(".")
    return f"{project}.{dataset_name(prefix, schema)}.{name}"


def _q(ident: str) -> str:
    return f"`{ident}`"


def _col(name: str) -> str:
    return f"`{name}`"


def bq_type(duckdb_type: str) -> str:
    """A DuckDB column type as a BigQuery column type."""
    t = duckdb_type.strip()
    if _UNSIGNED.match(t):
        return "INT64"
    if t.upper() in ("HUGEINT", "UHUGEINT"):
        return "BIGNUMERIC"
    out = exp.DataType.build(t, dialect="duckdb").sql("bigquery")
    return {"INT128": "BIGNUMERIC"}.get(out, out)


def cluster_fields(table: str, columns: list[str]) -> tuple[str, ...]:
    have = {c.lower(): c for c in columns}
    out = []
    for c in CLUSTERING.get(table, ()):
        c = "player_id" if c == "universal_player_id" else c
        if c.lower() in have and have[c.lower()] not in out:
            out.append(have[c.lower()])
    return tuple(out[:4])


def create_table_sql(tid: str, columns: list[tuple[str, str]], partition: str | None,
                     cluster: tuple[str, ...]) -> str:
    cols = ",\n  ".join(f"{_col(n)} {bq_type(t)}" for n, t in columns)
    sql = f"CREATE TABLE IF NOT EXISTS {_q(tid)} (\n  {cols}\n)"
    if partition:
        sql += f"\nPARTITION BY {_col(partition)}"
    if cluster:
        sql += "\nCLUSTER BY " + ", ".join(_col(c) for c in cluster)
    return sql


def qualify_tables(sql: str, project: str, prefix: str) -> str:
    """`raw.schedule` -> `project.<prefix>_raw.schedule` in a BigQuery statement."""
    tree = sqlglot.parse_one(sql, read="bigquery")
    ctes = {c.alias for c in tree.find_all(exp.CTE)}
    for t in tree.find_all(exp.Table):
        if t.args.get("catalog") or not t.args.get("db"):
            continue
        if t.db in SCHEMAS and t.name not in ctes:
            t.set("catalog", exp.to_identifier(project))
            t.set("db", exp.to_identifier(dataset_name(prefix, t.db)))
    return tree.sql(dialect="bigquery", pretty=True)


def merge_sql(target: str, stage: str, model: Model, columns: list[str]) -> str:
    """One MERGE replacing the chunk's dates of the model table with the staged rows."""
    tc = _col(model.time_column)
    drop = [c for c in FAILURE_COLUMNS] if model.failures else []
    where = [f"{tc} BETWEEN @start_date AND @end_date"]
    if model.failures:
        where.append("failure_category IS NULL")
    except_ = f" EXCEPT ({', '.join(drop)})" if drop else ""
    part = ", ".join(_col(g) for g in model.grain)
    on = " AND ".join([f"T.{tc} BETWEEN @start_date AND @end_date"] +
                      [f"T.{_col(g)} = S.{_col(g)}" for g in model.grain])
    sets = ",\n    ".join(f"{_col(c)} = S.{_col(c)}" for c in columns if c not in model.grain)
    matched = f"WHEN MATCHED THEN UPDATE SET\n    {sets}\n" if sets else ""
    return (f"MERGE {_q(target)} AS T\n"
            f"USING (\n  SELECT *{except_}\n  FROM {_q(stage)}\n  WHERE {' AND '.join(where)}\n"
            f"  QUALIFY ROW_NUMBER() OVER (PARTITION BY {part}) = 1\n) AS S\n"
            f"ON {on}\n{matched}"
            f"WHEN NOT MATCHED BY TARGET THEN INSERT ROW\n"
            f"WHEN NOT MATCHED BY SOURCE AND T.{tc} BETWEEN @start_date AND @end_date THEN DELETE")


def failures_merge_sql(target: str, stage: str, model: Model, columns: list[str]) -> str:
    """One MERGE replacing the model's failure rows of the chunk's dates."""
    tc, ent = _col(model.time_column), _col(model.entity)
    reason = "COALESCE(CAST(failure_reason AS STRING), failure_category)" if "failure_reason" in columns \
        else "failure_category"
    retry = "COALESCE(can_retry, FALSE)" if "can_retry" in columns else "FALSE"
    on = " AND ".join(["T.analysis_date BETWEEN @start_date AND @end_date"] +
                      [f"T.{g} = S.{g}" for g in FAILURE_GRAIN])
    return (f"MERGE {_q(target)} AS T\n"
            f"USING (\n  SELECT * FROM (\n"
            f"    SELECT @processor_name AS processor_name, @run_id AS run_id, CAST({tc} AS DATE) AS analysis_date,\n"
            f"           CAST({ent} AS STRING) AS entity_id, failure_category, {reason} AS failure_reason,\n"
            f"           {retry} AS can_retry, CURRENT_DATETIME() AS created_at\n"
            f"    FROM {_q(stage)}\n"
            f"    WHERE failure_category IS NOT NULL AND {tc} BETWEEN @start_date AND @end_date)\n"
            f"  WHERE TRUE\n"
            f"  QUALIFY ROW_NUMBER() OVER (PARTITION BY analysis_date, entity_id) = 1\n) AS S\n"
            f"ON {on}\n"
            f"WHEN MATCHED THEN UPDATE SET\n    run_id = S.run_id, failure_category = S.failure_category,\n"
            f"    failure_reason = S.failure_reason, can_retry = S.can_retry, created_at = S.created_at\n"
            f"WHEN NOT MATCHED BY TARGET THEN INSERT ROW\n"
            f"WHEN NOT MATCHED BY SOURCE AND T.processor_name = @processor_name\n"
            f"  AND T.analysis_date BETWEEN @start_date AND @end_date THEN DELETE")


def table_shapes(catalog: Catalog) -> dict[str, list[tuple[str, str]]]:
    """Columns and DuckDB types of every source, bookkeeping and model table, found without any
    data: the migrations build empty tables in an in-memory DuckDB and each model's SQL runs over
    them (model tables keep their failure columns: the staging shape)."""
    import duckdb

    from ..runner.execute import bind
    from ..warehouse import Warehouse

    wh = Warehouse(duckdb.connect(":memory:"), Path(":memory:"), read_only=False)
    try:
        wh.migrate()
        con = wh.con
        d = date(2000, 1, 1)
        for m in catalog.ordered():
            con.execute(f"CREATE OR REPLACE TABLE {m.table} AS {m.sql}", bind(m, d, d))
        rows = con.execute(
            "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position").fetchall()
    finally:
        wh.close()
    shapes: dict[str, list[tuple[str, str]]] = {}
    for table, col, typ in rows:
        shapes.setdefault(table, []).append((col, typ))
    return shapes


def build_plan(catalog: Catalog, models: list[Model], chunks: list[tuple[date, date]], *, project: str,
               prefix: str, sources: dict[str, Path], run_id: str,
               shapes: dict[str, list[tuple[str, str]]] | None = None, load_sources: bool = True) -> JobPlan:
    """The jobs of one run (no network)."""
    if not re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", project):
        raise BadInputError(f"--project {project!r} is not a valid Google Cloud project id")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,900}", prefix):
        raise BadInputError(f"--dataset-prefix {prefix!r}: use letters, digits and underscores")
    shapes = shapes or table_shapes(catalog)
    plan = JobPlan(project=project, prefix=prefix, chunks=list(chunks))
    for schema in SCHEMAS:
        plan.jobs.append(Job("dataset", f"{project}.{dataset_name(prefix, schema)}"))

    def ddl(table: str, columns: list[tuple[str, str]], partition: str | None) -> None:
        tid = table_id(project, prefix, table)
        cl = cluster_fields(table, [c for c, _ in columns])
        plan.jobs.append(Job("ddl", tid, sql=create_table_sql(tid, columns, partition, cl),
                             partition_field=partition, cluster_fields=cl))

    if load_sources:
        for table in sorted(SOURCE_TABLES):
            ddl(table, shapes[table], source_time_column(table))
        for table in sorted(SOURCE_TABLES):
            tid = table_id(project, prefix, table)
            cols = [c for c, _ in shapes[table]]
            plan.jobs.append(Job("load", tid, source=sources.get(table), partition_field=source_time_column(table),
                                 cluster_fields=cluster_fields(table, cols)))
    ddl(FAILURES_TABLE, shapes[FAILURES_TABLE], "analysis_date")
    for m in models:
        cols = [(c, t) for c, t in shapes[m.table] if not (m.failures and c in FAILURE_COLUMNS)]
        ddl(m.table, cols, m.time_column)
    stages = []
    for m in models:
        body = split_header(translate(m.sql, "bigquery", m.table))[1]
        query = qualify_tables(body, project, prefix)
        target = table_id(project, prefix, m.table)
        stage = f"{project}.{dataset_name(prefix, 'processing')}._stage_{m.name}"
        stages.append(stage)
        all_cols = [c for c, _ in shapes[m.table]]
        cols = [c for c in all_cols if not (m.failures and c in FAILURE_COLUMNS)]
        for s, e in chunks:
            params = {"start_date": s, "end_date": e, "read_start": s - timedelta(days=m.lookback_days)}
            used = {k: v for k, v in params.items() if f"@{k}" in query}
            plan.jobs.append(Job("query", stage, sql=query, params=used, model=m.name, chunk=(s, e)))
            plan.jobs.append(Job("merge", target, sql=merge_sql(target, stage, m, cols),
                                 params={"start_date": s, "end_date": e}, model=m.name, chunk=(s, e)))
            if m.failures:
                plan.jobs.append(Job(
                    "merge", table_id(project, prefix, FAILURES_TABLE),
                    sql=failures_merge_sql(table_id(project, prefix, FAILURES_TABLE), stage, m, all_cols),
                    params={"start_date": s, "end_date": e, "processor_name": m.failures, "run_id": run_id},
                    model=m.name, chunk=(s, e)))
    for stage in stages:
        plan.jobs.append(Job("drop", stage, sql=f"DROP TABLE IF EXISTS {_q(stage)}"))
    return plan


# -- running it -------------------------------------------------------------------------------
def _bigquery_module():
    try:
        from google.cloud import bigquery
    except ImportError:
        raise BadInputError("--engine bigquery needs google-cloud-bigquery: pip install 'nbaprops[bigquery]'") from None
    return bigquery


def _parameters(bq, params: dict[str, Any]) -> list:
    out = []
    for k, v in params.items():
        typ = "DATE" if isinstance(v, date) and not isinstance(v, datetime) else \
            "BOOL" if isinstance(v, bool) else "INT64" if isinstance(v, int) else \
            "FLOAT64" if isinstance(v, float) else "STRING"
        out.append(bq.ScalarQueryParameter(k, typ, v))
    return out


@dataclass
class JobOutcome:
    job: Job
    status: str                    # done / validated / invalid / not run
    detail: str = ""


def execute_plan(plan: JobPlan, client, *, dry_run: bool = False, bq=None,
                 on_job: Callable[[JobOutcome], None] | None = None) -> list[JobOutcome]:
    """Run the plan's jobs in order with `client` (a google.cloud.bigquery.Client). With dry_run,
    every SQL statement is validated with QueryJobConfig(dry_run=True) and nothing else happens.
    `bq` = the google.cloud.bigquery module (tests pass a stand-in)."""
    bq = bq or _bigquery_module()
    outcomes: list[JobOutcome] = []

    def done(job: Job, status: str, detail: str = "") -> None:
        o = JobOutcome(job, status, detail)
        outcomes.append(o)
        if on_job:
            on_job(o)

    for job in plan.jobs:
        if dry_run:
            if job.sql is None:
                done(job, "not run", "dry run: datasets and load jobs are not created")
                continue
            cfg = bq.QueryJobConfig(dry_run=True, use_query_cache=False,
                                    query_parameters=_parameters(bq, job.params))
            try:
                qj = client.query(job.sql, job_config=cfg)
                done(job, "validated", f"{getattr(qj, 'total_bytes_processed', 0) or 0:,} bytes")
            except Exception as exc:  # google.api_core.exceptions.BadRequest / NotFound
                done(job, "invalid", str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__)
            continue
        try:
            if job.kind == "dataset":
                client.create_dataset(bq.Dataset(job.target), exists_ok=True)
            elif job.kind == "load":
                if job.source is None:
                    raise RunFailedError(f"no Parquet file to load into {job.target}")
                cfg = bq.LoadJobConfig(
                    source_format=bq.SourceFormat.PARQUET,
                    write_disposition=bq.WriteDisposition.WRITE_TRUNCATE,
                    time_partitioning=bq.TimePartitioning(field=job.partition_field) if job.partition_field else None,
                    clustering_fields=list(job.cluster_fields) or None)
                with open(job.source, "rb") as f:
                    client.load_table_from_file(f, job.target, job_config=cfg).result()
            elif job.kind == "query":
                cfg = bq.QueryJobConfig(destination=job.target,
                                        write_disposition=bq.WriteDisposition.WRITE_TRUNCATE,
                                        query_parameters=_parameters(bq, job.params))
                client.query(job.sql, job_config=cfg).result()
            else:
                cfg = bq.QueryJobConfig(query_parameters=_parameters(bq, job.params))
                client.query(job.sql, job_config=cfg).result()
        except Exception as exc:
            done(job, "failed", str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__)
            raise RunFailedError(f"BigQuery job {job.describe()} failed: {outcomes[-1].detail}") from exc
        done(job, "done")
    return outcomes


def run_bigquery(warehouse: Path, start: date, end: date, *, models: list[Model], catalog: Catalog,
                 chunk: str, dry_run: bool, project: str, dataset_prefix: str, client: Any = None,
                 staging: Path, sources: str | Path | None = None,
                 on_model: Callable[[ModelResult], None] | None = None, bq=None) -> EngineResult:
    from ..runner.plan import game_dates, group_chunks, season_of
    from ..warehouse import Warehouse

    with Warehouse.open(warehouse, read_only=True) as wh:
        calendar = game_dates(wh.con)
        seasons = season_of(wh.con) if chunk == "season" else None
    in_range = [d for d in calendar if start <= d <= end]
    chunks = [(c.start, c.end) for c in group_chunks(in_range, calendar, chunk, seasons)]
    run_id = "bq-" + datetime.now().strftime("%Y%m%dT%H%M%S")
    if dry_run:
        src = {t: Path(staging) / t.split(".")[0] / f"{t.split('.')[1]}.parquet" for t in SOURCE_TABLES}
    else:
        src = find_sources(sources) if sources else export_sources(warehouse, Path(staging) / "_sources")
    plan = build_plan(catalog, models, chunks, project=project, prefix=dataset_prefix, sources=src, run_id=run_id)
    result = EngineResult(engine="bigquery", start=start, end=end, chunk_mode=chunk, dry_run=dry_run,
                          location=f"{project}:{dataset_prefix}_*", plan=plan)
    if client is None:
        bq = bq or _bigquery_module()
        client = bq.Client(project=project)
    per_model = {m.name: ModelResult(model=m.name, table=m.table, chunks=len(chunks),
                                     status="planned" if dry_run else "pending") for m in models}
    result.models = list(per_model.values())
    outcomes: list[JobOutcome] = []
    t0 = time.perf_counter()
    try:
        execute_plan(plan, client, dry_run=dry_run, bq=bq, on_job=outcomes.append)
    except RunFailedError as exc:
        last = outcomes[-1].job if outcomes else None
        mr = per_model.get(last.model or "") if last else None
        if mr:
            mr.status, mr.error = "failed", str(exc)
        else:
            result.problems.append(str(exc))
        for other in result.models:
            if other.status == "pending":
                other.status, other.error = "failed", other.error or "not run: an earlier job failed"
    for o in outcomes:
        mr = per_model.get(o.job.model or "")
        if mr and o.job.kind == "merge" and o.status == "done" and mr.status == "pending":
            mr.seconds = time.perf_counter() - t0
        if o.status == "invalid":
            if mr:
                mr.status, mr.error = "failed", f"{o.job.describe()}: {o.detail}"
            else:
                result.problems.append(f"invalid: {o.job.describe()}: {o.detail}")
    for mr in result.models:
        if mr.status == "pending":
            mr.status = "success"
        if on_model:
            on_model(mr)
    result.notes.append(f"{len(plan.jobs)} jobs: " + ", ".join(
        f"{len(plan.of(k))} {k}" for k in ("dataset", "ddl", "load", "query", "merge", "drop")))
    return result
