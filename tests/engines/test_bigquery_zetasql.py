"""The BigQuery plan checked by ZetaSQL (GoogleSQL's open-source analyzer and reference engine,
PyPI's `zetasql`): every statement the BigQuery engine would run, for every model and every
chunking, analyses against a catalog of the warehouse's tables in BigQuery types; and each
model's BigQuery SQL, run by the reference engine on a small real slice fed from DuckDB, returns
DuckDB's rows (floats within 1e-9), as in the Spark equality test."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import pytest

from nbaprops.catalog import SOURCE_TABLES, Catalog
from nbaprops.engines import zetasql_check as z
from nbaprops.engines.bigquery import build_plan, table_shapes
from nbaprops.runner.plan import CHUNK_MODES, game_dates, group_chunks, season_of

# slow: every statement of every model analysed by ZetaSQL, and each model run on its reference engine (make test-all)
pytestmark = pytest.mark.slow

CATALOG = Catalog.load()
MODELS = CATALOG.ordered()
RANGE = (date(2022, 10, 18), date(2024, 6, 17))  # two seasons: chunks by season, month, date


@pytest.fixture(scope="module")
def zeta():
    """The ZetaSQL service (the compiled module comes from the cache after the first run)."""
    t0 = time.perf_counter()
    z.service()
    info = z.load_info()
    print(
        f"\nZetaSQL loaded in {time.perf_counter() - t0:.1f} s "
        f"({'compiled and cached' if info.compiled else 'from the compiled-module cache'}: {info.cache_file})"
    )
    return z


@pytest.fixture(scope="module")
def calendar(real_warehouse_path):
    con = duckdb.connect(str(real_warehouse_path), read_only=True)
    try:
        return game_dates(con, *RANGE), season_of(con)
    finally:
        con.close()


def _plan(chunks):
    src = {t: Path(f"/tmp/{t}.parquet") for t in SOURCE_TABLES}
    return build_plan(
        CATALOG, MODELS, chunks, project="my-project", prefix="nbp", sources=src, run_id="run-1", shapes=SHAPES
    )


SHAPES = table_shapes(CATALOG)


def test_every_statement_of_every_chunking_analyses(zeta, calendar):
    """Every statement of the plans of every chunk mode over two seasons: the chunk's values
    differ, not the statements or their parameters' types, so each distinct (statement,
    parameter types) is analysed once."""
    dates, seasons = calendar
    plans = {mode: _plan([(c.start, c.end) for c in group_chunks(dates, dates, mode, seasons)]) for mode in CHUNK_MODES}
    distinct, total = {}, Counter()
    for _mode, plan in plans.items():
        for job in plan.statements:
            total[z.statement_kind(job)] += 1
            key = (job.sql, tuple(sorted((k, type(v).__name__) for k, v in job.params.items())))
            distinct.setdefault(key, job)
    catalog_id = z.register(z.build_catalog(z.plan_tables(plans["all"], SHAPES, MODELS)))
    errors, kinds, resolved = [], Counter(), Counter()
    t0 = time.perf_counter()
    for job in distinct.values():
        kinds[z.statement_kind(job)] += 1
        try:
            resolved[z.analyze(job.sql, job.params, catalog_id)] += 1
        except z.ZetaSQLError as e:
            errors.append(f"{job.describe()} ({job.model}): {e}")
    print(
        f"\n{sum(total.values())} statements in the plans of {len(plans)} chunk modes {dict(total)}; "
        f"{len(distinct)} distinct analysed {dict(kinds)} in {time.perf_counter() - t0:.1f} s"
    )
    assert not errors, "\n".join(errors)
    # every model: its staging query and its MERGE(s); every table's DDL; the staging tables dropped
    assert kinds["select"] == len(MODELS)
    assert kinds["merge"] == len(MODELS) + sum(m.writes_failures for m in MODELS)
    assert kinds["ddl"] == len(SOURCE_TABLES) + 1 + len(MODELS) and kinds["drop"] == len(MODELS)
    assert set(kinds) == {"select", "merge", "ddl", "drop"}
    assert resolved == Counter(
        {
            "resolved_query_stmt_node": kinds["select"],
            "resolved_merge_stmt_node": kinds["merge"],
            "resolved_create_statement_node": kinds["ddl"],
            "resolved_drop_stmt_node": kinds["drop"],
        }
    )


@pytest.mark.parametrize(
    "sql,message",
    [
        (
            "SELECT x FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY x) = 1",
            "QUALIFY clause must be used in conjunction",
        ),
        ("SELECT x FROM t WHERE x > s", "No matching signature for operator >"),
        ("SELECT ANY_VALUE(x IGNORE NULLS) FROM t", "IGNORE NULLS and RESPECT NULLS are not allowed"),
        ("SELECT MAX_BY(x, d) FROM t", "Function not found: MAX_BY"),
        ("SELECT x FROM t GROUP BY ALL", "GROUP BY ALL"),
        ("SELECT x FROM t WHERE d > @start_date", "Query parameter 'start_date' not found"),
    ],
)
def test_the_analyzer_rejects_what_bigquery_rejects(zeta, sql, message):
    """The check can fail: BigQuery's rules (and the constructs the dialect rewrites remove)."""
    catalog_id = z.register(z.build_catalog({"t": [("x", "BIGINT"), ("s", "VARCHAR"), ("d", "DATE")]}, nested=False))
    with pytest.raises(z.ZetaSQLError, match=message):
        z.analyze(sql, {}, catalog_id)


def test_language_features_exist_and_are_bigquerys(zeta):
    from zetasql.wasi._pb2.zetasql.public import options_pb2

    names = set(options_pb2.LanguageFeature.keys())
    assert set(z.BIGQUERY_FEATURES) <= names
    assert all(doc for doc in z.BIGQUERY_FEATURES.values())  # each names where BigQuery documents it
    assert "FEATURE_PIPES" not in z.BIGQUERY_FEATURES and "FEATURE_V_1_4_GROUP_BY_ALL" not in z.BIGQUERY_FEATURES


def test_the_compiled_module_is_cached(zeta):
    """The module is compiled once and serialized into the nbaprops cache folder, named by the
    module's digest and the wasmtime version; a later load maps that file instead of compiling."""
    from zetasql.wasi import get_wasm_path

    info = z.load_info()
    assert info.cache_file is not None and info.cache_file.exists()
    assert info.cache_file == z.module_cache_file(Path(get_wasm_path()))
    assert info.cache_file.parent.parent == z.cache_dir()
    t0 = time.perf_counter()
    _, compiled, cached = z._module(z._engine(), Path(get_wasm_path()))
    assert not compiled and cached == info.cache_file
    assert time.perf_counter() - t0 < 30  # compiling takes minutes on two cores


# -- the fixes: ANY_VALUE and arg_max mean DuckDB's any_value / arg_max ------------------------
NULLS = [
    (1, None, 1.0),
    (1, 5, 2.0),
    (1, None, 3.0),
    (2, None, 1.0),
    (2, 6, None),
    (3, 7, 1.0),
    (3, 8, 1.0),
    (4, None, None),
]


def test_any_value_and_arg_max_mean_what_duckdb_means(zeta):
    """DuckDB's any_value skips NULLs and arg_max(x, y) skips rows where x or y is NULL; the
    BigQuery translation (ANY_VALUE(x HAVING MAX ...), never IGNORE NULLS nor MAX_BY, which
    GoogleSQL refuses / ZetaSQL lacks) returns the same on ZetaSQL's reference engine."""
    from nbaprops.dialects import split_header, translate
    from nbaprops.schema import WarehouseSchema

    schema = WarehouseSchema(
        {"scratch.t": {"g": "INTEGER", "x": "INTEGER", "y": "DOUBLE"}}, {"scratch.t": frozenset({"g"})}
    )
    sql = (
        "SELECT g, any_value(x) AS a, arg_max(x, y) AS m, any_value(g) AS k, arg_max(g, y) AS n "
        "FROM scratch.t GROUP BY g ORDER BY g"
    )
    head = "-- table: analytics.example\n-- kind: by_date\n-- grain: g\n-- time_column: d\n-- lookback_days: 0\n"
    bq = split_header(translate(head + sql, "bigquery", "analytics.example", schema))[1]
    assert "IGNORE NULLS" not in bq and "MAX_BY" not in bq
    flat = re.sub(r"\s+\)", ")", re.sub(r"\(\s+", "(", " ".join(bq.split())))
    assert "ANY_VALUE(x HAVING MAX (NOT x IS NULL)) AS a" in flat
    assert "ANY_VALUE(x HAVING MAX IF(x IS NULL, NULL, y)) AS m" in flat
    assert "ANY_VALUE(g) AS k" in flat and "ANY_VALUE(g HAVING MAX y) AS n" in flat  # g never NULL: no guard
    con = duckdb.connect()
    con.execute("CREATE SCHEMA scratch; CREATE TABLE scratch.t (g INTEGER NOT NULL, x INTEGER, y DOUBLE)")
    con.executemany("INSERT INTO scratch.t VALUES (?, ?, ?)", NULLS)
    want = con.execute(sql).fetchall()
    cols = [("g", "INTEGER"), ("x", "INTEGER"), ("y", "DOUBLE")]
    _, got = z.execute(
        bq.replace("scratch.t", "`p-roject.scratch.t`"), {}, {"p-roject.scratch.t": z.Table(cols, NULLS)}
    )
    assert got == want
    assert want[0][1:3] == (5, 5) and want[1][1:3] == (6, None)  # the cases that tell them apart


def test_a_cast_to_decimal_rounds_to_its_scale_like_duckdb(zeta):
    """DuckDB's DECIMAL(18, 6) rounds to 6 places; sqlglot wrote BigQuery's bare NUMERIC (9
    places), so precompute.player_availability's vacated minutes differed from DuckDB in the 7th
    decimal on the reference engine. The rounding is now spelled out."""
    from nbaprops.dialects import split_header, translate
    from nbaprops.schema import WarehouseSchema

    schema = WarehouseSchema({"scratch.t": {"g": "INTEGER", "v": "DOUBLE"}}, {"scratch.t": frozenset({"g"})})
    sql = (
        "SELECT g, CAST(sum(CAST(v AS DECIMAL(18, 6))) AS DOUBLE) AS s, CAST(v AS DECIMAL(18, 3)) AS r "
        "FROM scratch.t GROUP BY g, v ORDER BY g"
    )
    head = "-- table: analytics.example\n-- kind: by_date\n-- grain: g\n-- time_column: d\n-- lookback_days: 0\n"
    bq = split_header(translate(head + sql, "bigquery", "analytics.example", schema))[1]
    flat = " ".join(bq.split())
    assert "CAST(ROUND(v, 6) AS NUMERIC)" in flat and "CAST(ROUND(v, 3) AS NUMERIC)" in flat
    rows = [(1, 30.852428571428), (2, -0.0004999), (3, 2.5e-7), (4, None)]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA scratch; CREATE TABLE scratch.t (g INTEGER NOT NULL, v DOUBLE)")
    con.executemany("INSERT INTO scratch.t VALUES (?, ?)", rows)
    want = [(g, s, None if r is None else float(r)) for g, s, r in con.execute(sql).fetchall()]
    _, got = z.execute(
        bq.replace("scratch.t", "`p-roject.scratch.t`"),
        {},
        {"p-roject.scratch.t": z.Table([("g", "INTEGER"), ("v", "DOUBLE")], rows)},
    )
    got = [(g, s, None if r is None else float(r)) for g, s, r in got]
    assert got == want
    assert want[0][1] == 30.852429 and want[1][2] == -0.0  # rounded, as DuckDB rounds
