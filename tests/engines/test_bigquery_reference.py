"""Each model's BigQuery SQL, run by ZetaSQL's reference engine (GoogleSQL's open-source
implementation), returns DuckDB's rows on a small real slice.

The slice: the ingested real data of 2023-24 up to 2023-11-20 (raw tables cut to 2023-10-01 ..
2023-11-20; BOS's box score of 2023-11-08 held back, as in the Spark test), DuckDB's backfill
of 2023-10-24 .. 2023-11-20 (the first two weeks are the bootstrap window), and the chunk
compared: the two weeks 2023-11-07 .. 2023-11-20, which have
Phase 4 rows. For each model, the staging query the BigQuery plan issues (its tables qualified,
@start_date / @end_date / @read_start bound) runs on the reference engine over the tables the
model reads, fed from the DuckDB warehouse (rows of the window the model may read); DuckDB runs
the model's own SQL with the same parameters over the same warehouse. The two results are
compared row by row on the model's key, every column (floats within 1e-9 relative), failure
rows included — as in the Spark equality test.

Slow (the reference engine is an interpreter): `make test-bigquery`, which `.ci/run` runs after
`make test`."""

from __future__ import annotations

import shutil
import time
from datetime import date

import duckdb
import pytest
from same_values import same_value

from nbaprops.catalog import SOURCE_TABLES, Catalog
from nbaprops.engines import source_time_column
from nbaprops.engines import zetasql_check as z
from nbaprops.runner.backfill import backfill
from nbaprops.runner.execute import bind
from nbaprops.warehouse import Warehouse

pytestmark = pytest.mark.bigquery_reference

FIRST, BACKFILL_START = date(2023, 10, 1), date(2023, 10, 24)
START, END = date(2023, 11, 7), date(2023, 11, 20)
# A late box score (as in the Spark equality test): BOS's game of this date has no player or
# team rows, so the dependency check of the week after it has holes and team failures to report.
HOLE = date(2023, 11, 8)
CATALOG = Catalog.load()
MODELS = [m.name for m in CATALOG.ordered()]
# Models the reference engine cannot run, with the function BigQuery has and it lacks: none.
ANALYSIS_ONLY: dict[str, str] = {}


@pytest.fixture(scope="module")
def slice_warehouse(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("bq-ref") / "slice.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        for table in sorted(SOURCE_TABLES):
            if tc := source_time_column(table):
                wh.con.execute(f"DELETE FROM {table} WHERE {tc} < ? OR {tc} > ?", [FIRST, END])
        for table in ("raw.player_boxscores", "raw.team_boxscores"):
            n = wh.con.execute(f"DELETE FROM {table} WHERE team_abbr = 'BOS' AND game_date = ?", [HOLE]).fetchone()[0]
            assert n > 0, table
        res = backfill(wh, BACKFILL_START, END, preflight=False)
        assert res.ok, res.errors
    z.service()
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def _keyed(names: list[str], rows: list[tuple], key: tuple[str, ...], what: str) -> dict:
    idx = [names.index(k) for k in key]
    out = {}
    for r in rows:
        k = tuple(r[i] for i in idx)
        assert k not in out, f"{what}: duplicate key {k}"
        out[k] = r
    return out


@pytest.mark.parametrize("model", MODELS)
def test_bigquery_sql_on_the_reference_engine_equals_duckdb(slice_warehouse, model):
    m = CATALOG.get(model)
    if m.name in ANALYSIS_ONLY:
        pytest.fail(f"{m.name} is analysed only: {ANALYSIS_ONLY[m.name]}")  # never silently skipped
    con = slice_warehouse
    cur = con.execute(m.sql, {} if m.kind == "full" else bind(m, START, END))
    dnames, drows = [d[0] for d in cur.description], cur.fetchall()
    t0 = time.perf_counter()
    znames, zrows = z.run_model(con, m, START, END)
    print(f"\n{m.name}: {len(zrows)} rows on the reference engine in {time.perf_counter() - t0:.1f} s")
    assert znames == dnames, f"{m.name}: columns differ: duckdb {dnames} vs zetasql {znames}"
    assert drows, f"{m.name}: DuckDB computed no rows over {START}..{END}: the test proves nothing"
    duck = _keyed(dnames, drows, m.grain, f"{m.name} (duckdb)")
    zeta = _keyed(znames, zrows, m.grain, f"{m.name} (zetasql)")
    missing, extra = sorted(set(duck) - set(zeta)), sorted(set(zeta) - set(duck))
    assert not missing and not extra, (
        f"{m.name}: {len(missing)} keys only in DuckDB (e.g. {missing[:3]}), "
        f"{len(extra)} only in ZetaSQL (e.g. {extra[:3]})"
    )
    diffs: dict[str, list] = {}
    for k, row in duck.items():
        for i, c in enumerate(dnames):
            if not same_value(row[i], zeta[k][i]):
                diffs.setdefault(c, []).append((k, row[i], zeta[k][i]))
    assert not diffs, f"{m.name}: columns differ: " + "; ".join(
        f"{c} ({len(v)} rows, e.g. key {v[0][0]}: duckdb {v[0][1]!r} vs zetasql {v[0][2]!r})" for c, v in diffs.items()
    )
    if m.writes_failures:  # the slice has both kinds of rows: the comparison covers both
        fc = dnames.index("failure_category")
        assert any(r[fc] is None for r in drows) and any(r[fc] is not None for r in drows), m.name
