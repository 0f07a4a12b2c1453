"""Model kinds in the runner: a `full` model (no date parameters, the whole table at once) is
computed in one chunk whatever the chunk mode, replaces its table whole in one transaction,
records its state per date of its time column, and is skipped when nothing it reads changed."""

from __future__ import annotations

from datetime import date

from toys import DAYS_SINCE_OPENER, SEASON_OPENERS, table_rows, write_models

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

START, END = date(2023, 10, 24), date(2023, 11, 10)


def _catalog(tmp_path) -> Catalog:
    return Catalog.load(
        write_models(tmp_path / "kinds", toy_season_openers=SEASON_OPENERS, toy_days_since_opener=DAYS_SINCE_OPENER)
    )


def test_a_full_model_is_computed_whole_in_one_chunk(real_copy, tmp_path):
    cat = _catalog(tmp_path)
    with Warehouse.open(real_copy) as wh:
        res = backfill(wh, START, END, catalog=cat, chunk_mode="date")
        assert res.ok, res.errors
        full, daily = res.models
        assert full.model == "toy_season_openers" and full.chunks == 1
        assert daily.chunks > 1  # by_date follows the chunk mode
        expected = wh.con.execute(
            "SELECT season_year, min(game_date), count(*) FROM raw.schedule "
            "WHERE season_type <> 'Pre Season' GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        assert table_rows(wh.con, "analytics.toy_season_openers") == expected  # every season, not the range
        # state: the range's dates and every date the table holds
        state = {
            r[0]: r[1]
            for r in wh.con.execute(
                "SELECT target_date, rows_written FROM processing.model_state WHERE model = 'toy_season_openers'"
            ).fetchall()
        }
        openers = {r[1] for r in expected}
        assert openers <= set(state) and all(state[d] == 1 for d in openers)
        in_range = {
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT game_date FROM raw.schedule WHERE season_type <> 'Pre Season' "
                "AND game_date BETWEEN ? AND ?",
                [START, END],
            ).fetchall()
        }
        assert in_range <= set(state)
        downstream = wh.con.execute(
            "SELECT days_since_opener FROM precompute.toy_days_since_opener WHERE game_date = ?", [START]
        ).fetchone()[0]
        assert downstream == 0  # 2023-10-24 is opening night

        again = backfill(wh, START, END, catalog=cat)
        assert [m.status for m in again.models] == ["skipped", "skipped"]

        forced = backfill(wh, START, END, catalog=cat, only=["toy_season_openers"], force=True)
        assert forced.ok and forced.models[0].chunks == 1
        assert table_rows(wh.con, "analytics.toy_season_openers") == expected


def test_a_full_model_is_replaced_whole_when_its_input_changes(real_copy, tmp_path):
    cat = _catalog(tmp_path)
    with Warehouse.open(real_copy) as wh:
        assert backfill(wh, START, END, catalog=cat).ok
        # a season's games disappear from the schedule: its row must go, whatever the range
        wh.con.execute("DELETE FROM raw.schedule WHERE season_year = (SELECT min(season_year) FROM raw.schedule)")
        res = backfill(wh, START, END, catalog=cat, only=["toy_season_openers"])
        assert res.ok and res.models[0].chunks == 1, res.models
        seasons = [r[0] for r in wh.con.execute("SELECT season_year FROM analytics.toy_season_openers").fetchall()]
        first = wh.con.execute("SELECT min(season_year) FROM raw.schedule").fetchone()[0]
        assert min(seasons) == first


SEASON_GAMES = """\
-- table: precompute.toy_season_games
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- lookback_days: 0
SELECT s.game_date, max(o.games) AS season_games
FROM raw.schedule s JOIN analytics.toy_season_openers o ON o.season_year = s.season_year
WHERE s.season_type <> 'Pre Season' AND s.game_date BETWEEN $start_date AND $end_date
GROUP BY s.game_date
"""


def test_a_reader_of_a_full_model_sees_every_change_of_it(real_copy, tmp_path):
    """A `full` model's row keyed on an old date (opening night) can change with data of any
    date: its readers fingerprint it whole, not over their lookback window."""
    cat = Catalog.load(
        write_models(tmp_path / "kinds2", toy_season_openers=SEASON_OPENERS, toy_season_games=SEASON_GAMES)
    )
    later = date(2024, 1, 15)  # outside the range, and outside any reader's window
    with Warehouse.open(real_copy) as wh:
        assert backfill(wh, START, END, catalog=cat).ok
        before = wh.con.execute("SELECT DISTINCT season_games FROM precompute.toy_season_games").fetchall()
        gid = wh.con.execute("SELECT min(game_id) FROM raw.schedule WHERE game_date = ?", [later]).fetchone()[0]
        wh.con.execute("DELETE FROM raw.schedule WHERE game_id = ?", [gid])
        res = backfill(wh, START, END, catalog=cat)
        assert res.ok and [m.status for m in res.models] == ["success", "success"], res.models
        after = wh.con.execute("SELECT DISTINCT season_games FROM precompute.toy_season_games").fetchall()
        assert after == [(before[0][0] - 1,)]
