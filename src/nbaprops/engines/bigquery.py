"""The BigQuery engine: the pipeline as BigQuery jobs, run through google-cloud-bigquery.

The run is the one backfill driver (runner.backfill.Backfill) with a BigQueryAdapter: the same
model selection, chunks and kinds as on DuckDB. Its jobs (kept in a JobPlan; `build_plan(...)`
builds the same jobs for given chunks without any network):

1. one dataset per schema: `<prefix>_raw`, `<prefix>_analytics`, ... (`create_dataset`, exists_ok);
2. DDL for every table: `CREATE TABLE IF NOT EXISTS` with the columns and types (raw tables from
   the warehouse migrations, model tables from the model's output shape: DuckDB's types of the
   model's query run over empty tables, mapped to BigQuery types with sqlglot's DataType),
   `PARTITION BY` the time column and `CLUSTER BY` the columns of the original system's schema
   (spec §2-3) — sqlglot expressions, not text;
3. one load job per raw/reference table, from Parquet exported from the warehouse
   (WRITE_TRUNCATE: the warehouse's raw data is the truth);
4. per model, per chunk: a query job computing the chunk (the model's BigQuery SQL, bound
   parameters as query parameters @start_date / @end_date / @read_start) into a staging table,
   then ONE MERGE into the model table, built as a sqlglot expression, by the model's kind:
   by_date[_with_failures]: source deduplicated on the primary key (QUALIFY ROW_NUMBER() ... =
   1), the target's partition filter first in the ON clause, WHEN MATCHED UPDATE, WHEN NOT
   MATCHED BY TARGET INSERT ROW, WHEN NOT MATCHED BY SOURCE (rows of the chunk's dates the model
   no longer returns) DELETE — the chunk's dates end up exactly as computed, atomically; full:
   ON FALSE, every staged row inserted and every other row deleted (the whole table, one
   statement). by_date_with_failures models get a second MERGE, into
   `<prefix>_processing.precompute_failures` (the 13 columns of every engine). Never one DML
   per date (BigQuery queues more than 2 concurrent mutations per table);
5. the staging tables are dropped.

With dry_run every SQL statement is sent with QueryJobConfig(dry_run=True) (validated and
costed, nothing runs) and no dataset or load job is created. google-cloud-bigquery is an
optional extra (`pip install 'nbaprops[bigquery]'`), imported only when jobs are executed."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from ..catalog import FAILURE_COLUMNS, SOURCE_TABLES, Catalog, Model
from ..dialects import split_header, translate
from ..errors import BadInputError, ModelError, RunFailedError
from ..parameters import bind_parameters
from . import SCHEMAS, export_sources, find_sources, source_time_column
from .adapter import COMPLETENESS_FAILURE_COLUMNS, FAILURE_TABLE_COLUMNS, FAILURES_TABLE, Stateless

# CLUSTER BY per table, from the original system's schemas (spec §2-3). universal_player_id is
# the original's id: here player_id when the table has one; columns a table lacks are left out.
CLUSTERING: dict[str, tuple[str, ...]] = {
    "analytics.player_game_summary": ("universal_player_id", "player_lookup", "team_abbr", "game_date"),
    "analytics.team_offense_game_summary": ("team_abbr", "game_date", "home_game"),
    "analytics.team_defense_game_summary": ("defending_team_abbr", "game_date", "data_quality_tier"),
    "analytics.upcoming_player_game_context": ("player_lookup", "game_date"),
    "analytics.upcoming_team_game_context": ("game_date", "team_abbr", "game_id"),
    "analytics.game_calendar": ("season_year", "game_date"),
    "analytics.feed_coverage": ("feed", "span_start"),
    "precompute.dependency_holes": ("upstream_table", "team_abbr", "analysis_date"),
    "precompute.team_completeness": ("team_abbr", "analysis_date"),
    "precompute.player_completeness": ("player_lookup", "analysis_date"),
    "precompute.player_availability": ("player_lookup", "team_abbr", "game_date"),  # (not in the spec: new)
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
    "raw.injury_report": ("game_id", "team_abbr", "player_lookup"),
    "reference.teams": ("team_abbr",),
    "reference.players": ("player_lookup",),
}
FAILURE_GRAIN = ("processor_name", "analysis_date", "entity_id")
_T = exp.DataType.Type
# DuckDB integer types BigQuery has no counterpart for: unsigned ones fit INT64 here (counts,
# digests are not stored in model tables), 128-bit ones need BIGNUMERIC.
_AS_INT64 = {_T.UTINYINT, _T.USMALLINT, _T.UINT, _T.UBIGINT}
_AS_BIGNUMERIC = {_T.INT128, _T.UINT128}


# -- the plan ---------------------------------------------------------------------------------
@dataclass
class Job:
    kind: str  # dataset | ddl | load | query | merge | drop
    target: str  # project.dataset[.table]
    sql: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None  # load: the Parquet file
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


def _id(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _table(tid: str, alias: str | None = None) -> exp.Table:
    """`project.dataset.table` as a table expression (optionally aliased)."""
    project, dataset, name = tid.split(".")
    t = exp.Table(this=_id(name), db=_id(dataset), catalog=_id(project))
    if alias:
        t.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return t


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=_id(name), table=exp.to_identifier(table) if table else None)


def _param(name: str) -> exp.Parameter:
    return exp.Parameter(this=exp.var(name))


def bq_type(duckdb_type: str) -> exp.DataType:
    """A DuckDB column type (as DuckDB's DESCRIBE spells it) as a BigQuery column type."""
    dt = exp.DataType.build(duckdb_type.strip(), dialect="duckdb")
    if dt.this in _AS_INT64:
        return exp.DataType.build("INT64", dialect="bigquery")
    if dt.this in _AS_BIGNUMERIC:
        return exp.DataType.build("BIGNUMERIC", dialect="bigquery")
    return dt


def cluster_fields(table: str, columns: list[str]) -> tuple[str, ...]:
    have = {c.lower(): c for c in columns}
    out = []
    for c in CLUSTERING.get(table, ()):
        c = "player_id" if c == "universal_player_id" else c
        if c.lower() in have and have[c.lower()] not in out:
            out.append(have[c.lower()])
    return tuple(out[:4])


def create_table(
    tid: str, columns: list[tuple[str, str]], partition: str | None, cluster: tuple[str, ...]
) -> exp.Create:
    """CREATE TABLE IF NOT EXISTS with the columns' types, PARTITION BY and CLUSTER BY."""
    props: list[exp.Property] = []
    if partition:
        props.append(exp.PartitionedByProperty(this=_col(partition)))
    if cluster:
        props.append(exp.ClusterProperty(expressions=[_col(c) for c in cluster]))
    return exp.Create(
        this=exp.Schema(
            this=_table(tid), expressions=[exp.ColumnDef(this=_id(n), kind=bq_type(t)) for n, t in columns]
        ),
        kind="TABLE",
        exists=True,
        properties=exp.Properties(expressions=props) if props else None,
    )


def create_table_sql(tid: str, columns: list[tuple[str, str]], partition: str | None, cluster: tuple[str, ...]) -> str:
    return create_table(tid, columns, partition, cluster).sql(dialect="bigquery", pretty=True)


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


def _in_chunk(column: exp.Column) -> exp.Between:
    return exp.Between(this=column, low=_param("start_date"), high=_param("end_date"))


def _dedup(select: exp.Select, keys: list[exp.Expression]) -> exp.Select:
    """The source deduplicated on its key (a MERGE source must match a target row once)."""
    rn = exp.Window(this=exp.RowNumber(), partition_by=keys)
    return select.qualify(exp.EQ(this=rn, expression=exp.Literal.number(1)), copy=False)


def _merge(target: str, source: exp.Select, on: exp.Expr, whens: list[exp.When]) -> exp.Merge:
    return exp.Merge(
        this=_table(target, "T"),
        using=exp.Subquery(this=source, alias=exp.TableAlias(this=exp.to_identifier("S"))),
        on=on,
        whens=exp.Whens(expressions=whens),
    )


def merge_statement(target: str, stage: str, model: Model, columns: list[str]) -> exp.Merge:
    """One MERGE writing the staged chunk into the model table, by the model's kind:
    by_date[_with_failures] replace the chunk's dates (the target's partition filter first in
    ON, rows of those dates the model no longer returns deleted), full replaces the whole table
    (ON FALSE: every staged row inserted, every other row deleted) in the same one statement."""
    tc = model.time_column
    full = model.kind == "full"
    source = exp.select(
        exp.Star(**({"except_": [_col(c) for c in FAILURE_COLUMNS]} if model.writes_failures else {}))
    ).from_(_table(stage))
    conds: list[exp.Expr] = [] if full else [_in_chunk(_col(tc))]
    if model.writes_failures:
        conds.append(exp.Is(this=_col("failure_category"), expression=exp.Null()))
    # (GoogleSQL: QUALIFY needs a WHERE, GROUP BY or HAVING)
    source = source.where(exp.and_(*conds) if conds else exp.true(), copy=False)
    source = _dedup(source, [_col(g) for g in model.grain])
    whens = []
    on: exp.Expr
    if full:
        on = exp.false()
        delete_when = exp.When(matched=False, source=True, then=exp.var("DELETE"))
    else:
        on = exp.and_(
            _in_chunk(_col(tc, "T")), *[exp.EQ(this=_col(g, "T"), expression=_col(g, "S")) for g in model.grain]
        )
        sets = [exp.EQ(this=_col(c), expression=_col(c, "S")) for c in columns if c not in model.grain]
        if sets:
            whens.append(exp.When(matched=True, source=False, then=exp.Update(expressions=sets)))
        delete_when = exp.When(matched=False, source=True, condition=_in_chunk(_col(tc, "T")), then=exp.var("DELETE"))
    whens.append(exp.When(matched=False, source=False, then=exp.Insert(this=exp.var("ROW"))))
    whens.append(delete_when)
    return _merge(target, source, on, whens)


def merge_sql(target: str, stage: str, model: Model, columns: list[str]) -> str:
    return merge_statement(target, stage, model, columns).sql(dialect="bigquery", pretty=True)


def failures_merge_statement(target: str, stage: str, model: Model, columns: list[str]) -> exp.Merge:
    """One MERGE replacing the model's failure rows of the chunk's dates: the 13 columns of
    processing.precompute_failures, as on every engine."""
    tc, ent = model.time_column, model.failure_entity
    reason = (
        exp.Coalesce(
            this=exp.cast(_col("failure_reason"), "STRING", dialect="bigquery"), expressions=[_col("failure_category")]
        )
        if "failure_reason" in columns
        else _col("failure_category")
    )
    retry = exp.Coalesce(this=_col("can_retry"), expressions=[exp.false()]) if "can_retry" in columns else exp.false()
    types = dict(zip(FAILURE_TABLE_COLUMNS, _failure_types()))
    values = {
        "processor_name": _param("processor_name"),
        "run_id": _param("run_id"),
        "analysis_date": exp.cast(_col(tc), "DATE"),
        "entity_id": exp.cast(_col(ent), "STRING", dialect="bigquery"),
        "failure_category": _col("failure_category"),
        "failure_reason": reason,
        "can_retry": retry,
        "created_at": exp.cast(exp.CurrentDatetime(), "TIMESTAMP"),
        **{
            c: (exp.cast(_col(c), types[c]) if c in columns else exp.cast(exp.Null(), types[c]))
            for c in COMPLETENESS_FAILURE_COLUMNS
        },
    }
    inner = (
        exp.select(*[exp.alias_(v, c) for c, v in values.items()])
        .from_(_table(stage))
        .where(
            exp.and_(exp.Not(this=exp.Is(this=_col("failure_category"), expression=exp.Null())), _in_chunk(_col(tc)))
        )
    )
    source = _dedup(
        exp.select(exp.Star()).from_(inner.subquery()).where(exp.true()), [_col("analysis_date"), _col("entity_id")]
    )
    on = exp.and_(
        _in_chunk(_col("analysis_date", "T")),
        *[exp.EQ(this=_col(g, "T"), expression=_col(g, "S")) for g in FAILURE_GRAIN],
    )
    sets = [exp.EQ(this=_col(c), expression=_col(c, "S")) for c in FAILURE_TABLE_COLUMNS if c not in FAILURE_GRAIN]
    return _merge(
        target,
        source,
        on,
        [
            exp.When(matched=True, source=False, then=exp.Update(expressions=sets)),
            exp.When(matched=False, source=False, then=exp.Insert(this=exp.var("ROW"))),
            exp.When(
                matched=False,
                source=True,
                condition=exp.and_(
                    exp.EQ(this=_col("processor_name", "T"), expression=_param("processor_name")),
                    _in_chunk(_col("analysis_date", "T")),
                ),
                then=exp.var("DELETE"),
            ),
        ],
    )


def failures_merge_sql(target: str, stage: str, model: Model, columns: list[str]) -> str:
    return failures_merge_statement(target, stage, model, columns).sql(dialect="bigquery", pretty=True)


def _failure_types() -> list[exp.DataType]:
    from .adapter import FAILURE_TABLE_TYPES

    return [bq_type(FAILURE_TABLE_TYPES[c]) for c in FAILURE_TABLE_COLUMNS]


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
            "WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position"
        ).fetchall()
    finally:
        wh.close()
    shapes: dict[str, list[tuple[str, str]]] = {}
    for table, col, typ in rows:
        shapes.setdefault(table, []).append((col, typ))
    return shapes


def check_names(project: str, prefix: str) -> None:
    if not re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", project):
        raise BadInputError(f"--project {project!r} is not a valid Google Cloud project id")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,900}", prefix):
        raise BadInputError(f"--dataset-prefix {prefix!r}: use letters, digits and underscores")


def setup_jobs(
    models: list[Model],
    *,
    project: str,
    prefix: str,
    sources: dict[str, Path],
    shapes: dict[str, list[tuple[str, str]]],
    load_sources: bool = True,
) -> list[Job]:
    """Datasets, the DDL of every table the run writes, and the load jobs of the raw tables."""
    jobs = [Job("dataset", f"{project}.{dataset_name(prefix, schema)}") for schema in SCHEMAS]

    def ddl(table: str, columns: list[tuple[str, str]], partition: str | None) -> None:
        tid = table_id(project, prefix, table)
        cl = cluster_fields(table, [c for c, _ in columns])
        jobs.append(
            Job(
                "ddl",
                tid,
                sql=create_table_sql(tid, columns, partition, cl),
                partition_field=partition,
                cluster_fields=cl,
            )
        )

    if load_sources:
        for table in sorted(SOURCE_TABLES):
            ddl(table, shapes[table], source_time_column(table))
        for table in sorted(SOURCE_TABLES):
            tid = table_id(project, prefix, table)
            cols = [c for c, _ in shapes[table]]
            jobs.append(
                Job(
                    "load",
                    tid,
                    source=sources.get(table),
                    partition_field=source_time_column(table),
                    cluster_fields=cluster_fields(table, cols),
                )
            )
    ddl(FAILURES_TABLE, shapes[FAILURES_TABLE], "analysis_date")
    for m in models:
        ddl(m.table, table_columns(m, shapes), m.time_column)
    return jobs


def table_columns(model: Model, shapes: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The model table's columns and DuckDB types (its result without the failure columns)."""
    return [(c, t) for c, t in shapes[model.table] if not (model.writes_failures and c in FAILURE_COLUMNS)]


def stage_of(project: str, prefix: str, model: Model) -> str:
    return f"{project}.{dataset_name(prefix, 'processing')}._stage_{model.name}"


def model_query(model: Model, project: str, prefix: str) -> str:
    """The model's BigQuery SQL, its tables qualified with the project and datasets."""
    return qualify_tables(split_header(translate(model.sql, "bigquery", model.table))[1], project, prefix)


def chunk_jobs(
    model: Model,
    chunk: tuple[date, date],
    *,
    project: str,
    prefix: str,
    run_id: str,
    shapes: dict[str, list[tuple[str, str]]],
    query: str | None = None,
) -> list[Job]:
    """One chunk of a model: the staging query, ONE MERGE into the model table, and (models
    with failures) one MERGE into the failures table."""
    s, e = chunk
    query = query or model_query(model, project, prefix)
    target = table_id(project, prefix, model.table)
    stage = stage_of(project, prefix, model)
    all_cols = [c for c, _ in shapes[model.table]]
    cols = [c for c, _ in table_columns(model, shapes)]
    jobs = [
        Job(
            "query",
            stage,
            sql=query,
            params=bind_parameters(query, "bigquery", model.lookback_days, s, e),
            model=model.name,
            chunk=(s, e),
        ),
        Job(
            "merge",
            target,
            sql=merge_sql(target, stage, model, cols),
            params={} if model.kind == "full" else {"start_date": s, "end_date": e},
            model=model.name,
            chunk=(s, e),
        ),
    ]
    if model.writes_failures:
        fails = table_id(project, prefix, FAILURES_TABLE)
        jobs.append(
            Job(
                "merge",
                fails,
                sql=failures_merge_sql(fails, stage, model, all_cols),
                params={"start_date": s, "end_date": e, "processor_name": model.failures, "run_id": run_id},
                model=model.name,
                chunk=(s, e),
            )
        )
    return jobs


def drop_job(stage: str) -> Job:
    return Job("drop", stage, sql=exp.Drop(tables=[_table(stage)], kind="TABLE", exists=True).sql(dialect="bigquery"))


def build_plan(
    catalog: Catalog,
    models: list[Model],
    chunks: list[tuple[date, date]],
    *,
    project: str,
    prefix: str,
    sources: dict[str, Path],
    run_id: str,
    shapes: dict[str, list[tuple[str, str]]] | None = None,
    load_sources: bool = True,
) -> JobPlan:
    """The jobs of one run over the same chunks for every model (no network); the backfill
    driver builds the same jobs step by step (BigQueryAdapter)."""
    check_names(project, prefix)
    shapes = shapes or table_shapes(catalog)
    plan = JobPlan(project=project, prefix=prefix, chunks=list(chunks))
    plan.jobs += setup_jobs(
        models, project=project, prefix=prefix, sources=sources, shapes=shapes, load_sources=load_sources
    )
    for m in models:
        query = model_query(m, project, prefix)
        for c in chunks:
            plan.jobs += chunk_jobs(m, c, project=project, prefix=prefix, run_id=run_id, shapes=shapes, query=query)
    plan.jobs += [drop_job(stage_of(project, prefix, m)) for m in models]
    return plan


# -- running it -------------------------------------------------------------------------------
def _bigquery_module():
    try:
        from google.cloud import bigquery
    except ImportError:
        raise BadInputError("--engine bigquery needs google-cloud-bigquery: pip install 'nbaprops[bigquery]'") from None
    return bigquery


def parameter_type(value: Any) -> str:
    """The BigQuery type a query parameter is sent as (bool before int: a bool is an int)."""
    return (
        "DATE"
        if isinstance(value, date) and not isinstance(value, datetime)
        else "BOOL"
        if isinstance(value, bool)
        else "INT64"
        if isinstance(value, int)
        else "FLOAT64"
        if isinstance(value, float)
        else "STRING"
    )


def _parameters(bq, params: dict[str, Any]) -> list:
    return [bq.ScalarQueryParameter(k, parameter_type(v), v) for k, v in params.items()]


@dataclass
class JobOutcome:
    job: Job
    status: str  # done / validated / invalid / not run
    detail: str = ""


def execute_plan(
    plan: JobPlan, client, *, dry_run: bool = False, bq=None, on_job: Callable[[JobOutcome], None] | None = None
) -> list[JobOutcome]:
    """Run the plan's jobs in order with `client` (a google.cloud.bigquery.Client). With dry_run,
    every SQL statement is validated with QueryJobConfig(dry_run=True) and nothing else happens.
    `bq` = the google.cloud.bigquery module (tests pass a stand-in)."""
    return execute_jobs(plan.jobs, client, dry_run=dry_run, bq=bq, on_job=on_job)


def execute_jobs(
    jobs: list[Job], client, *, dry_run: bool = False, bq=None, on_job: Callable[[JobOutcome], None] | None = None
) -> list[JobOutcome]:
    bq = bq or _bigquery_module()
    outcomes: list[JobOutcome] = []

    def done(job: Job, status: str, detail: str = "") -> None:
        o = JobOutcome(job, status, detail)
        outcomes.append(o)
        if on_job:
            on_job(o)

    for job in jobs:
        if dry_run:
            if job.sql is None:
                done(job, "not run", "dry run: datasets and load jobs are not created")
                continue
            cfg = bq.QueryJobConfig(dry_run=True, use_query_cache=False, query_parameters=_parameters(bq, job.params))
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
                    clustering_fields=list(job.cluster_fields) or None,
                )
                with open(job.source, "rb") as f:
                    client.load_table_from_file(f, job.target, job_config=cfg).result()
            elif job.kind == "query":
                cfg = bq.QueryJobConfig(
                    destination=job.target,
                    write_disposition=bq.WriteDisposition.WRITE_TRUNCATE,
                    query_parameters=_parameters(bq, job.params),
                )
                client.query(job.sql, job_config=cfg).result()
            else:
                cfg = bq.QueryJobConfig(query_parameters=_parameters(bq, job.params))
                client.query(job.sql, job_config=cfg).result()
        except Exception as exc:
            done(job, "failed", str(exc).splitlines()[0][:500] if str(exc) else type(exc).__name__)
            raise RunFailedError(f"BigQuery job {job.describe()} failed: {outcomes[-1].detail}") from exc
        done(job, "done")
    return outcomes


class BigQueryAdapter(Stateless):
    """BigQuery behind the backfill driver. Stateless (every date of the range is computed);
    the run's jobs are kept in `plan` as they are built: the setup (datasets, DDL, loads) when
    the run begins, per chunk the staging query and its MERGEs, the staging tables dropped at the
    end. A dry run validates every statement (QueryJobConfig(dry_run=True)) and creates nothing."""

    name = "bigquery"
    dialect = "bigquery"
    read_only = False

    def __init__(
        self,
        warehouse: Path,
        catalog: Catalog,
        *,
        project: str,
        prefix: str,
        client: Any = None,
        bq: Any = None,
        staging: Path,
        sources: str | Path | None = None,
    ):
        check_names(project, prefix)
        self.warehouse, self.catalog, self.project, self.prefix = warehouse, catalog, project, prefix
        self.client, self.bq, self.staging, self.sources = client, bq, Path(staging), sources
        self.plan = JobPlan(project=project, prefix=prefix)
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.dry_run = False
        self._queries: dict[str, str] = {}
        self._calendar: tuple[list[date], dict[date, int]] | None = None

    def translate(self, model: Model) -> str:
        if model.name not in self._queries:
            self._queries[model.name] = model_query(model, self.project, self.prefix)
        return self._queries[model.name]

    def bind(self, model: Model, sql: str, start: date, end: date) -> dict:
        return bind_parameters(sql, self.dialect, model.lookback_days, start, end)

    def _cal(self) -> tuple[list[date], dict[date, int]]:
        if self._calendar is None:
            from .spark import _warehouse_calendar

            self._calendar = _warehouse_calendar(self.warehouse)
        return self._calendar

    def game_dates(self) -> list[date]:
        return self._cal()[0]

    def seasons(self) -> dict[date, int]:
        return self._cal()[1]

    def table_exists(self, table: str) -> bool:
        return True  # created by the run's DDL, or by an earlier run (a query names what is missing)

    def begin(self, models: list[Model], dry_run: bool) -> None:
        self.dry_run = dry_run
        for m in models:
            self.translate(m)
        if dry_run:
            src = {t: self.staging / t.split(".")[0] / f"{t.split('.')[1]}.parquet" for t in SOURCE_TABLES}
        else:
            src = (
                find_sources(self.sources)
                if self.sources
                else export_sources(self.warehouse, self.staging / "_sources")
            )
        self.shapes = table_shapes(self.catalog)
        if self.client is None:
            self.bq = self.bq or _bigquery_module()
            self.client = self.bq.Client(project=self.project)
        self._run(setup_jobs(models, project=self.project, prefix=self.prefix, sources=src, shapes=self.shapes))
        self._stages = [stage_of(self.project, self.prefix, m) for m in models]

    def _run(self, jobs: list[Job]) -> list[JobOutcome]:
        self.plan.jobs += jobs
        for j in jobs:
            if j.chunk and j.chunk not in self.plan.chunks:
                self.plan.chunks.append(j.chunk)
        outcomes: list[JobOutcome] = []
        execute_jobs(jobs, self.client, dry_run=self.dry_run, bq=self.bq, on_job=outcomes.append)
        for o in outcomes:
            if o.status == "invalid" and o.job.model is None:
                self.problems.append(f"invalid: {o.job.describe()}: {o.detail}")
        return outcomes

    def _chunk_jobs(self, model: Model, chunk, run_id: str) -> list[Job]:
        return chunk_jobs(
            model,
            (chunk.start, chunk.end),
            project=self.project,
            prefix=self.prefix,
            run_id=run_id,
            shapes=self.shapes,
            query=self.translate(model),
        )

    def validate(self, model: Model, chunks: list) -> None:
        from .spark import new_run_id

        run_id = new_run_id("bq")
        bad = [o for c in chunks for o in self._run(self._chunk_jobs(model, c, run_id)) if o.status == "invalid"]
        if bad:
            raise ModelError(f"{bad[0].job.describe()}: {bad[0].detail}")

    def run_chunk(self, model: Model, chunk, run_id: str, fingerprints, after, written_by_this_sql: bool):
        from ..runner.execute import ChunkResult

        t0 = time.perf_counter()
        self._run(self._chunk_jobs(model, chunk, run_id))  # raises RunFailedError naming the job
        res = ChunkResult(compute_seconds=time.perf_counter() - t0)
        if after is not None:
            after(res)
        return res

    def finish(self, dry_run: bool) -> None:
        if getattr(self, "_stages", None):
            self._run([drop_job(stage) for stage in self._stages])
        self.notes.append(
            f"{len(self.plan.jobs)} jobs: "
            + ", ".join(f"{len(self.plan.of(k))} {k}" for k in ("dataset", "ddl", "load", "query", "merge", "drop"))
        )

    def failures_by_category(self, run_id: str) -> list[tuple[str, str, int]]:
        return []
