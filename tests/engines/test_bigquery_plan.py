"""The BigQuery engine's job plan and its client calls, without any network: every statement
parses as GoogleSQL, one MERGE per table per chunk, partition / cluster DDL, dataset names,
parameters as @name, and the calls a google.cloud.bigquery.Client receives (a fake here)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel

from nbaprops.catalog import FAILURE_COLUMNS, SOURCE_TABLES, Catalog
from nbaprops.engines import FAILURES_TABLE, SCHEMAS, run
from nbaprops.engines.bigquery import CLUSTERING, build_plan, execute_plan, table_id, table_shapes
from nbaprops.errors import BadInputError, RunFailedError

CATALOG = Catalog.load()
MODELS = CATALOG.ordered()
SHAPES = table_shapes(CATALOG)
SEASONS = [(date(2022, 10, 18), date(2023, 6, 12)), (date(2023, 10, 24), date(2024, 6, 17))]


def _plan(chunks=SEASONS, models=MODELS):
    src = {t: Path(f"/tmp/{t}.parquet") for t in SOURCE_TABLES}
    return build_plan(
        CATALOG, models, chunks, project="my-project", prefix="nbp", sources=src, run_id="run-1", shapes=SHAPES
    )


PLAN = _plan()


def test_every_statement_parses_as_bigquery():
    assert PLAN.statements
    for job in PLAN.statements:
        trees = sqlglot.parse(job.sql, read="bigquery", error_level=ErrorLevel.RAISE)
        assert len(trees) == 1 and trees[0] is not None, job.describe()
        if job.kind == "merge":
            assert isinstance(trees[0], exp.Merge), job.describe()


def test_datasets_one_per_schema():
    assert PLAN.datasets() == [f"my-project.nbp_{s}" for s in SCHEMAS]


def test_one_merge_per_table_per_chunk_never_per_date():
    merges = PLAN.of("merge")
    seen = {}
    for j in merges:
        seen.setdefault((j.target, j.chunk), 0)
        seen[(j.target, j.chunk)] += 1 if j.target != table_id("my-project", "nbp", FAILURES_TABLE) else 0
    for m in MODELS:
        for c in SEASONS:
            assert seen[(table_id("my-project", "nbp", m.table), c)] == 1, (m.table, c)
    failure_models = [m for m in MODELS if m.failures]
    assert len(merges) == len(SEASONS) * (len(MODELS) + len(failure_models))
    whole = {table_id("my-project", "nbp", m.table) for m in MODELS if m.kind == "full"}
    for j in merges:  # the chunk's range, as parameters, not literal dates
        if j.target in whole:  # (a full model replaces its whole table: no range)
            continue
        assert j.params["start_date"] == j.chunk[0] and j.params["end_date"] == j.chunk[1]
        assert "@start_date" in j.sql and "@end_date" in j.sql and "2023-" not in j.sql
        tree = sqlglot.parse_one(j.sql, read="bigquery")
        qualify = tree.args["using"].this.args.get("qualify")  # source dedup on the key
        assert qualify is not None and isinstance(qualify.this.this.this, exp.RowNumber), j.describe()
        assert qualify.this.this.args.get("partition_by"), j.describe()
        assert "WHEN NOT MATCHED BY SOURCE AND" in j.sql and "THEN DELETE" in j.sql


def test_merge_matches_on_partition_filter_then_primary_key():
    for m in MODELS:
        if m.kind == "full":  # replaced whole (test_a_full_model_replaces_its_whole_table_in_one_merge)
            continue
        j = next(j for j in PLAN.of("merge") if j.target == table_id("my-project", "nbp", m.table))
        tree = sqlglot.parse_one(j.sql, read="bigquery")
        on = tree.args["on"].sql("bigquery")
        assert on.startswith(f"T.`{m.time_column}` BETWEEN @start_date AND @end_date"), on
        for g in m.grain:
            assert f"T.`{g}` = S.`{g}`" in on
        if m.failures:  # failure rows go to the failures table, never to the model table
            assert "`failure_category` IS NULL" in j.sql and "EXCEPT (" in j.sql


def test_failure_merge_writes_the_13_columns_of_every_engine():
    from nbaprops.engines.adapter import FAILURE_TABLE_COLUMNS

    fails = table_id("my-project", "nbp", FAILURES_TABLE)
    assert [c for c, _ in SHAPES[FAILURES_TABLE]] == list(FAILURE_TABLE_COLUMNS)
    for j in PLAN.of("merge"):
        if j.target != fails:
            continue
        tree = sqlglot.parse_one(j.sql, read="bigquery")
        inner = tree.args["using"].this.args["from_"].this.this
        assert [e.alias_or_name for e in inner.expressions] == list(FAILURE_TABLE_COLUMNS), j.describe()
    ddl = next(j for j in PLAN.of("ddl") if j.target == fails)
    cols = [c.name for c in sqlglot.parse_one(ddl.sql, read="bigquery").this.expressions]
    assert cols == list(FAILURE_TABLE_COLUMNS)


def test_a_full_model_replaces_its_whole_table_in_one_merge(tmp_path):
    """kind full: the SELECT takes no parameters; one MERGE ON FALSE inserts every staged row
    and deletes every other one."""
    from nbaprops.catalog import parse_model
    from nbaprops.engines.bigquery import chunk_jobs

    model = parse_model(
        """-- table: analytics.toy_opening_nights
-- kind: full
-- grain: season_year
-- time_column: opening_night
-- depends_on: raw.schedule
-- lookback_days: 0
SELECT season_year, min(game_date) AS opening_night FROM raw.schedule GROUP BY season_year
""",
        "toy.sql",
    )
    shapes = {model.table: [("season_year", "INTEGER"), ("opening_night", "DATE")]}
    query, merge = chunk_jobs(model, SEASONS[0], project="my-project", prefix="nbp", run_id="r", shapes=shapes)
    assert query.params == {} and merge.params == {}
    tree = sqlglot.parse_one(merge.sql, read="bigquery")
    assert isinstance(tree, exp.Merge) and tree.args["on"] == exp.false()
    whens = tree.args["whens"].expressions
    assert [(w.args.get("matched"), w.args.get("source"), w.args.get("condition")) for w in whens] == [
        (False, False, None),
        (False, True, None),
    ]


def test_model_queries_are_translated_qualified_and_parameterised():
    queries = PLAN.of("query")
    assert len(queries) == len(MODELS) * len(SEASONS)
    for j in queries:
        assert "$" not in j.sql and ":start_date" not in j.sql
        tree = sqlglot.parse_one(j.sql, read="bigquery")
        for t in tree.find_all(exp.Table):
            if t.db:
                assert t.catalog == "my-project" and t.db.startswith("nbp_") and t.db[4:] in SCHEMAS, t.sql()
        for name in ("start_date", "end_date", "read_start"):
            assert (f"@{name}" in j.sql) == (name in j.params), (j.model, name)
        assert j.target.startswith("my-project.nbp_processing._stage_")


def test_ddl_partitions_and_clusters_like_the_spec():
    ddl = {j.target: j for j in PLAN.of("ddl")}
    for m in MODELS:
        j = ddl[table_id("my-project", "nbp", m.table)]
        tree = sqlglot.parse_one(j.sql, read="bigquery")
        assert isinstance(tree, exp.Create) and tree.args.get("exists")
        assert f"PARTITION BY `{m.time_column}`" in j.sql
        assert j.cluster_fields and len(j.cluster_fields) <= 4
        cols = [c.name for c in tree.this.expressions if isinstance(c, exp.ColumnDef)]
        assert not set(FAILURE_COLUMNS) & set(cols)
        assert set(j.cluster_fields) <= set(cols)
        spec = [("player_id" if c == "universal_player_id" else c) for c in CLUSTERING[m.table]]
        assert list(j.cluster_fields) == [c for c in spec if c in cols][:4]
    pgs = ddl["my-project.nbp_analytics.player_game_summary"]
    assert pgs.cluster_fields == ("player_id", "player_lookup", "team_abbr", "game_date")
    tdza = ddl["my-project.nbp_precompute.team_defense_zone_analysis"]
    assert "PARTITION BY `analysis_date`" in tdza.sql and "CLUSTER BY `team_abbr`, `analysis_date`" in tdza.sql
    fails = ddl[table_id("my-project", "nbp", FAILURES_TABLE)]
    assert "CLUSTER BY `processor_name`, `failure_category`, `can_retry`" in fails.sql
    assert "`game_date` DATE" in ddl["my-project.nbp_raw.schedule"].sql
    assert "PARTITION BY" not in ddl["my-project.nbp_reference.teams"].sql


def test_raw_tables_are_load_jobs_from_parquet():
    loads = {j.target: j for j in PLAN.of("load")}
    assert set(loads) == {table_id("my-project", "nbp", t) for t in SOURCE_TABLES}
    assert loads["my-project.nbp_raw.injuries"].partition_field == "transaction_date"
    assert loads["my-project.nbp_raw.shots"].source == Path("/tmp/raw.shots.parquet")


def test_whole_range_is_one_chunk():
    plan = _plan(chunks=[(date(2023, 10, 24), date(2024, 4, 14))])
    assert len(plan.of("merge")) == len(MODELS) + sum(1 for m in MODELS if m.failures)


def test_bad_project_or_prefix_is_refused():
    with pytest.raises(BadInputError, match="project"):
        build_plan(CATALOG, MODELS, SEASONS, project="Bad Project", prefix="x", sources={}, run_id="r", shapes=SHAPES)
    with pytest.raises(BadInputError, match="prefix"):
        build_plan(CATALOG, MODELS, SEASONS, project="my-project", prefix="a-b", sources={}, run_id="r", shapes=SHAPES)


# -- the client calls, with a fake client and a fake google.cloud.bigquery -------------------
class _Config(SimpleNamespace):
    pass


FAKE_BQ = SimpleNamespace(
    QueryJobConfig=type("QueryJobConfig", (_Config,), {}),
    LoadJobConfig=type("LoadJobConfig", (_Config,), {}),
    ScalarQueryParameter=lambda name, typ, value: (name, typ, value),
    Dataset=lambda ref: SimpleNamespace(dataset_id=ref),
    TimePartitioning=lambda field: SimpleNamespace(field=field),
    SourceFormat=SimpleNamespace(PARQUET="PARQUET"),
    WriteDisposition=SimpleNamespace(WRITE_TRUNCATE="WRITE_TRUNCATE"),
)


class FakeClient:
    def __init__(self, fail_on: str | None = None):
        self.calls: list[tuple] = []
        self.fail_on = fail_on

    def _job(self):
        return SimpleNamespace(result=lambda: None, total_bytes_processed=1234)

    def create_dataset(self, dataset, exists_ok=False):
        self.calls.append(("create_dataset", dataset.dataset_id, exists_ok))

    def load_table_from_file(self, f, destination, job_config=None):
        self.calls.append(("load", destination, job_config, f.read(4)))
        return self._job()

    def query(self, sql, job_config=None):
        self.calls.append(("query", sql, job_config))
        if self.fail_on and self.fail_on in sql:
            raise RuntimeError("400 Syntax error: boom")
        return self._job()


def test_dry_run_validates_every_statement_and_creates_nothing():
    client = FakeClient()
    outcomes = execute_plan(PLAN, client, dry_run=True, bq=FAKE_BQ)
    assert [c[0] for c in client.calls] == ["query"] * len(PLAN.statements)
    for _, _sql, cfg in client.calls:
        assert cfg.dry_run is True and cfg.use_query_cache is False
    statuses = {o.job.kind: o.status for o in outcomes}
    assert statuses["dataset"] == "not run" and statuses["load"] == "not run" and statuses["merge"] == "validated"
    merge_call = next(c for c in client.calls if c[1].startswith("MERGE") and "@start_date" in c[1])
    names = {p[0]: p[1] for p in merge_call[2].query_parameters}
    assert names == {"start_date": "DATE", "end_date": "DATE"}


def test_execute_calls_the_client_in_order(tmp_path):
    src = {}
    for t in SOURCE_TABLES:
        p = tmp_path / f"{t}.parquet"
        p.write_bytes(b"PAR1fake")
        src[t] = p
    plan = build_plan(
        CATALOG,
        [CATALOG.get("player_game_summary")],
        SEASONS[:1],
        project="my-project",
        prefix="nbp",
        sources=src,
        run_id="r",
        shapes=SHAPES,
    )
    client = FakeClient()
    execute_plan(plan, client, bq=FAKE_BQ)
    kinds = [c[0] for c in client.calls]
    assert kinds[: len(SCHEMAS)] == ["create_dataset"] * len(SCHEMAS)
    loads = [c for c in client.calls if c[0] == "load"]
    assert len(loads) == len(SOURCE_TABLES) and all(c[3] == b"PAR1" for c in loads)
    cfg = next(c[2] for c in loads if c[1] == "my-project.nbp_raw.schedule")
    assert cfg.write_disposition == "WRITE_TRUNCATE" and cfg.source_format == "PARQUET"
    assert cfg.time_partitioning.field == "game_date"
    q = next(c for c in client.calls if c[0] == "query" and c[2].__dict__.get("destination"))
    assert q[2].destination == "my-project.nbp_processing._stage_player_game_summary"
    assert {p[0] for p in q[2].query_parameters} == {"start_date", "end_date"}
    assert client.calls[-1][1].startswith("DROP TABLE IF EXISTS")


def test_a_failing_job_stops_the_run_with_its_name(tmp_path):
    client = FakeClient(fail_on="MERGE")
    src = dict.fromkeys(SOURCE_TABLES, tmp_path / "x.parquet")
    (tmp_path / "x.parquet").write_bytes(b"PAR1")
    plan = build_plan(
        CATALOG,
        [CATALOG.get("player_game_summary")],
        SEASONS[:1],
        project="my-project",
        prefix="nbp",
        sources=src,
        run_id="r",
        shapes=SHAPES,
    )
    with pytest.raises(RunFailedError, match=r"merge my-project.nbp_analytics.player_game_summary .*boom"):
        execute_plan(plan, client, bq=FAKE_BQ)


def test_engine_run_dry_run_end_to_end(real_warehouse_path, tmp_path):
    client = FakeClient()
    result = run(
        "bigquery",
        warehouse=real_warehouse_path,
        start=date(2023, 10, 24),
        end=date(2024, 4, 14),
        bq=FAKE_BQ,
        chunk="season",
        dry_run=True,
        project="my-project",
        dataset_prefix="nbp",
        client=client,
        out=tmp_path,
    )
    assert result.ok, result.errors
    assert len(result.plan.chunks) == 1  # one season -> one chunk -> one MERGE per table
    assert all(m.status == "planned" for m in result.models)
    assert all(c[2].dry_run for c in client.calls)
    assert not any(tmp_path.iterdir())  # a dry run exports nothing


def test_missing_client_library_is_a_clear_error(monkeypatch, real_warehouse_path, tmp_path):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *a, **k):
        if name.startswith("google.cloud") or name == "google":
            raise ImportError("no google")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(BadInputError, match=r"nbaprops\[bigquery\]"):
        run(
            "bigquery",
            warehouse=real_warehouse_path,
            start=date(2023, 10, 24),
            end=date(2023, 11, 1),
            dry_run=True,
            project="my-project",
            dataset_prefix="nbp",
            out=tmp_path,
        )
