"""The Spark engine computes the same Phase 3, Phase 4 and feature-store rows as the DuckDB runner.

Four weeks of real data from opening night 2023-24 (2023-10-24 .. 2023-11-20): the first 14
days are the bootstrap window (no Phase 4 rows, only failures), the next two weeks have Phase 4
rows and feature-store rows fed by them. Both engines start from the same ingested warehouse:
DuckDB runs `backfill` in a copy of it; Spark reads its raw/reference tables exported to Parquet
and writes Parquet tables, which are read back here (with DuckDB) and compared row by row on
the model's key: same keys, same columns, floats within 1e-9 relative, NULL only where NULL.
The failure rows too: the same 13 columns, every one equal except the two that say which run
wrote a row and when (run_id, created_at: set on both, and one run_id per engine run)."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest
from same_values import same_value

from nbaprops.catalog import Catalog
from nbaprops.engines import FAILURES_TABLE, run
from nbaprops.engines.adapter import FAILURE_TABLE_COLUMNS
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

# slow: every model on Spark against DuckDB: a local Spark session and a backfill on each engine (make test-all)
pytestmark = pytest.mark.slow

START, END = date(2023, 10, 24), date(2023, 11, 20)
CATALOG = Catalog.load()
TABLES = [m.table for m in CATALOG.ordered()]
FAILURE_KEY = ("processor_name", "analysis_date", "entity_id")
RUN_COLUMNS = ("run_id", "created_at")  # which run wrote the row, and when


# A late box score: BOS's game of this date has no player or team rows, so the dependency
# check of the week after it has holes to report (team failures on both engines).
HOLE = date(2023, 11, 8)


@pytest.fixture(scope="module")
def both(real_warehouse_path, tmp_path_factory, spark):
    """(DuckDB warehouse after backfill, Spark output folder, the Spark EngineResult)."""
    tmp = tmp_path_factory.mktemp("spark-eq")
    raw = tmp / "holed.duckdb"  # (a file named raw.duckdb would shadow the schema raw)
    shutil.copy(real_warehouse_path, raw)
    with Warehouse.open(raw) as wh:
        for t in ("raw.player_boxscores", "raw.team_boxscores"):
            n = wh.con.execute(f"DELETE FROM {t} WHERE team_abbr = 'BOS' AND game_date = ?", [HOLE]).fetchone()[0]
            assert n > 0, t
    wh_path = tmp / "duck.duckdb"
    shutil.copy(raw, wh_path)
    with Warehouse.open(wh_path) as wh:
        res = backfill(wh, START, END, preflight=False)
        assert res.ok, res.errors
    out = tmp / "spark-out"
    # Spark reads the raw data of the ingested warehouse (not the backfilled copy: nothing of
    # the DuckDB run can leak into it)
    result = run("spark", warehouse=raw, start=START, end=END, out=out)
    assert result.ok, result.errors
    return wh_path, out, result


def _rows(con, sql: str, key: tuple[str, ...]) -> dict:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    idx = [cols.index(k) for k in key]
    out = {}
    for r in cur.fetchall():
        k = tuple(r[i] for i in idx)
        assert k not in out, f"duplicate key {k}"
        out[k] = dict(zip(cols, r))
    return out, cols


def _compare(duck: dict, spark: dict, columns: list[str], what: str) -> None:
    missing, extra = sorted(set(duck) - set(spark)), sorted(set(spark) - set(duck))
    assert not missing and not extra, (
        f"{what}: {len(missing)} keys only in DuckDB (e.g. {missing[:3]}), {len(extra)} only in "
        f"Spark (e.g. {extra[:3]})"
    )
    diffs: dict[str, list] = {}
    for k, row in duck.items():
        other = spark[k]
        for c in columns:
            if not same_value(row[c], other[c]):
                diffs.setdefault(c, []).append((k, row[c], other[c]))
    assert not diffs, f"{what}: columns differ: " + "; ".join(
        f"{c} ({len(v)} rows, e.g. key {v[0][0]}: duckdb {v[0][1]!r} vs spark {v[0][2]!r})" for c, v in diffs.items()
    )


def _spark_table(out, table: str) -> str:
    schema, name = table.split(".")
    return f"read_parquet('{out / schema / name}/*.parquet')"


@pytest.mark.parametrize("table", TABLES)
def test_spark_table_equals_duckdb(both, table):
    wh_path, out, _ = both
    model = CATALOG.get(table)
    con = duckdb.connect(str(wh_path), read_only=True)
    try:
        duck, dcols = _rows(con, f"SELECT * FROM {table}", model.grain)
        spark, scols = _rows(con, f"SELECT * FROM {_spark_table(out, table)}", model.grain)
    finally:
        con.close()
    assert scols == dcols, f"{table}: columns differ: duckdb {dcols} vs spark {scols}"
    assert duck, f"{table}: DuckDB computed no rows over {START}..{END}: the test proves nothing"
    _compare(duck, spark, dcols, table)


def test_phase4_has_rows_after_the_bootstrap_window(both):
    wh_path, out, _ = both
    con = duckdb.connect(str(wh_path), read_only=True)
    try:
        for m in CATALOG.ordered():
            if m.table.startswith("precompute.") and m.failures:  # the processors (not the shared completeness)
                first = con.execute(f"SELECT min({m.time_column}) FROM {_spark_table(out, m.table)}").fetchone()[0]
                assert first is not None and first >= date(2023, 11, 7), (m.table, first)
    finally:
        con.close()


def test_spark_failures_equal_duckdb(both):
    wh_path, out, result = both
    con = duckdb.connect(str(wh_path), read_only=True)
    try:
        duck, dcols = _rows(con, f"SELECT * FROM {FAILURES_TABLE}", FAILURE_KEY)
        spark, scols = _rows(con, f"SELECT * FROM {_spark_table(out, FAILURES_TABLE)}", FAILURE_KEY)
    finally:
        con.close()
    assert dcols == scols == list(FAILURE_TABLE_COLUMNS)
    assert duck
    # completeness columns are filled (the test would prove nothing if they were all NULL)
    assert any(r["expected_games"] is not None for r in duck.values())
    _compare(duck, spark, [c for c in dcols if c not in RUN_COLUMNS], FAILURES_TABLE)
    for rows in (duck, spark):
        assert all(r[c] is not None for r in rows.values() for c in RUN_COLUMNS)
        assert len({r["run_id"] for r in rows.values()}) == 1
    assert sum(m.failures for m in result.models) == len(spark)


def test_spark_runs_the_models_duckdb_runs(real_warehouse_path, tmp_path):
    """--start-from and --only select the same models on every engine (a dry run: no Spark)."""
    from nbaprops.runner.backfill import select_models

    for kw in (dict(start_from="team_defense_game_summary"), dict(only=["player_daily_cache"]), {}):
        res = run("spark", warehouse=real_warehouse_path, start=START, end=END, out=tmp_path / "o", dry_run=True, **kw)
        assert [m.model for m in res.models] == [
            m.name for m in select_models(CATALOG, kw.get("only"), kw.get("start_from"))
        ]
        assert all(m.status == "planned" for m in res.models)


def test_a_chunk_replaces_only_its_dates(spark, tmp_path):
    """Re-running a chunk replaces exactly the rows of its dates (rows the model no longer
    returns disappear), keeps the other dates, and the table is re-registered for readers."""
    from nbaprops.engines.spark import SparkEngine

    eng = SparkEngine(spark, tmp_path)
    d1, d2, d3 = date(2023, 11, 1), date(2023, 11, 2), date(2023, 11, 3)
    first = spark.createDataFrame(
        [("a", d1, 1.0), ("b", d1, 2.0), ("a", d2, 3.0), ("a", d3, 4.0)], "k string, game_date date, v double"
    )
    eng.replace_dates("analytics.toy", first, "game_date", d1, d3)
    again = spark.createDataFrame([("a", d2, 30.0), ("c", d2, 5.0)], "k string, game_date date, v double")
    eng.replace_dates("analytics.toy", again, "game_date", d2, d2)
    got = sorted(tuple(r) for r in spark.sql("SELECT k, game_date, v FROM analytics.toy").collect())
    assert got == [("a", d1, 1.0), ("a", d2, 30.0), ("a", d3, 4.0), ("b", d1, 2.0), ("c", d2, 5.0)]
    assert not [p for p in (tmp_path / "analytics").iterdir() if p.name.startswith(".")]  # no leftovers
