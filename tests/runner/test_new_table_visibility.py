"""Regression: a model whose first chunk creates its table and writes more than one DuckDB row
group must leave those rows readable on the same connection (DuckDB 2.0 hides rows inserted
into a table created in the same transaction; the runner creates tables in a transaction of
their own)."""

from __future__ import annotations

from datetime import date

from toys import write_models

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

MANY_ROWS = """\
-- table: analytics.toy_snapshots
-- kind: by_date
-- grain: game_id, bookmaker, player_lookup, snapshot_timestamp
-- time_column: game_date
-- depends_on: raw.player_points_props
-- lookback_days: 0
SELECT game_id, game_date, bookmaker, player_lookup, snapshot_timestamp, points_line
FROM raw.player_points_props
WHERE game_date BETWEEN $start_date AND $end_date
"""


def test_rows_of_a_new_table_are_readable_on_the_same_connection(real_copy, tmp_path):
    models = write_models(tmp_path / "models", toy_snapshots=MANY_ROWS)
    with Warehouse.open(real_copy) as wh:
        result = backfill(wh, date(2023, 10, 24), date(2024, 1, 31), catalog=Catalog.load(models))
        assert result.ok
        written = result.models[0].rows
        assert written > 130_000  # more than one row group (122,880 rows)
        seen = wh.con.execute("SELECT count(*) FROM (SELECT player_lookup FROM analytics.toy_snapshots)").fetchone()[0]
        scanned = wh.con.execute("SELECT count(DISTINCT player_lookup) FROM analytics.toy_snapshots").fetchone()[0]
    assert seen == written
    assert scanned > 100
