"""Writing a chunk (runner/execute.py): a model without failure rows inserts straight from its
query into its table, so its rows are checked where they landed; a chunk with rows outside its
dates, without a date or with duplicate keys is refused and leaves the table and the state as
they were, on both write paths (straight insert, and _chunk for a model with failure rows). The
state's output digests are the same on both paths."""

from __future__ import annotations

from datetime import date

import pytest
from toys import state_rows, table_rows, write_models

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

S, E = date(2023, 3, 1), date(2023, 3, 10)

# One row per game date; main.toy_bad (controlled by the test) adds a row `shift` days later (past
# the range), without a date (shift NULL), or a second row of the date itself (shift 0: a duplicate).
TEMPLATE = """\
-- table: analytics.{name}
-- kind: {kind}
-- grain: game_date
-- time_column: game_date
-- depends_on: raw.schedule
-- lookback_days: 0
WITH days AS (
    SELECT game_date, count(*) AS games FROM raw.schedule
    WHERE season_type <> 'Pre Season' AND game_date BETWEEN $start_date AND $end_date GROUP BY game_date
)
SELECT game_date, games{failure_columns} FROM days
UNION ALL
SELECT d.game_date + b.shift, -1{failure_columns} FROM days d JOIN main.toy_bad b ON b.game_date = d.game_date
"""
FAILURE_COLUMNS = (
    ", CAST(NULL AS VARCHAR) AS failure_category, CAST(NULL AS VARCHAR) AS failure_reason, "
    "CAST(NULL AS BOOLEAN) AS can_retry"
)


def _model(name: str, kind: str) -> str:
    return TEMPLATE.format(
        name=name, kind=kind, failure_columns=FAILURE_COLUMNS if kind == "by_date_with_failures" else ""
    )


@pytest.fixture()
def catalog(tmp_path) -> Catalog:
    # (the failure model's entity and failures name: its header needs them)
    with_failures = _model("toy_checked_failures", "by_date_with_failures").replace(
        "-- lookback_days: 0",
        "-- lookback_days: 0\n-- entity: game_date\n-- failures: toy_checked_failures\n-- universe: season_teams",
    )
    return Catalog.load(
        write_models(
            tmp_path / "checked", toy_checked=_model("toy_checked", "by_date"), toy_checked_failures=with_failures
        )
    )


@pytest.mark.parametrize("model", ["toy_checked", "toy_checked_failures"])
@pytest.mark.parametrize(
    "shift, refusal", [(30, "rows outside"), (None, "rows outside"), (0, "duplicate rows for key")]
)
def test_a_refused_chunk_leaves_table_and_state_as_they_were(real_copy, catalog, model, shift, refusal):
    table = f"analytics.{model}"
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_bad (game_date DATE, shift INTEGER)")
        assert backfill(wh, S, E, catalog=catalog, only=[model]).ok
        rows, state = table_rows(wh.con, table), state_rows(wh.con)
        assert len(rows) > 5
        bad = rows[3][0]
        wh.con.execute("INSERT INTO main.toy_bad VALUES (?, ?)", [bad, shift])
        res = backfill(wh, S, E, catalog=catalog, only=[model], force=True)
        assert not res.ok
        assert refusal in res.models[0].error, res.models[0].error
        assert table_rows(wh.con, table) == rows and state_rows(wh.con) == state
        # per date: only the bad date's chunk is refused, every other date is written again
        res = backfill(wh, S, E, catalog=catalog, only=[model], force=True, chunk_mode="date")
        assert res.models[0].dates_failed == 1 and refusal in res.models[0].error
        assert table_rows(wh.con, table) == rows


def test_both_write_paths_give_the_same_rows_and_output_digests(real_copy, catalog):
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_bad (game_date DATE, shift INTEGER)")
        assert backfill(wh, S, E, catalog=catalog).ok
        straight = table_rows(wh.con, "analytics.toy_checked")
        assert straight == table_rows(wh.con, "analytics.toy_checked_failures") and straight
        digests = wh.con.execute(
            "SELECT model, target_date, rows_written, output_digest FROM processing.model_state "
            "WHERE model LIKE 'toy_checked%' ORDER BY target_date, model"
        ).fetchall()
        by_model: dict[str, list] = {}
        for m, d, n, h in digests:
            by_model.setdefault(m, []).append((d, n, h))
        assert by_model["toy_checked"] == by_model["toy_checked_failures"]
        assert all(n == 1 and h for _, n, h in by_model["toy_checked"])
