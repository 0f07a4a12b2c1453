"""Every real game counts: a game in the box scores with a valid NBA game id that the schedule
lacks (the NBA Cup finals 2023-12-09 and 2024-12-17) gets a schedule row derived from its box
score, and so counts in the finalists' histories (rest, fatigue, form). Expectations are read
straight from the bundled files (plain DuckDB)."""

from __future__ import annotations

from datetime import date

import duckdb
import pyarrow as pa
import pytest
import samples

from nbaprops.calendar import CUP_FINAL
from nbaprops.ingest import ingest_folder
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

BOX = [samples.real(f"player_box_{s}.parquet") for s in ("2022_23", "2023_24", "2024_25")]
SCHED = samples.real("schedule_2021_22_to_2025_26.parquet")
CUP_FINALS = {"0062300001": (date(2023, 12, 9), "LAL", "IND"), "0062400001": (date(2024, 12, 17), "OKC", "MIL")}
# each finalist's next game
NEXT = {
    ("IND", date(2023, 12, 11)),
    ("LAL", date(2023, 12, 12)),
    ("OKC", date(2024, 12, 19)),
    ("MIL", date(2024, 12, 20)),
}


def test_the_only_box_score_games_missing_from_the_schedule_are_the_cup_finals():
    c = duckdb.connect()
    missing = c.execute(f"""SELECT game_id, min(game_date), count(*) FROM read_parquet({BOX!r})
                            WHERE game_id NOT IN (SELECT game_id FROM read_parquet('{SCHED}'))
                            GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(g, d) for g, d, _ in missing] == [(g, v[0]) for g, v in sorted(CUP_FINALS.items())]
    assert sum(n for *_, n in missing) == 55


def test_cup_finals_get_a_derived_schedule_row(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute("""SELECT game_id, game_date, home_team_abbr, away_team_abbr, season_type, season,
                                        neutral_site, source FROM raw.schedule WHERE source = 'box_score'
                                 ORDER BY 1""").fetchall()
        players = wh.con.execute(
            "SELECT count(*) FROM raw.player_boxscores WHERE season_type = ?", [CUP_FINAL]
        ).fetchone()[0]
        rejected = wh.con.execute(
            "SELECT count(*) FROM processing.rejected_rows WHERE file_kind = 'player_box'"
        ).fetchone()[0]
        derived = dict(
            wh.con.execute(
                "SELECT source_file, games_derived FROM processing.ingest_log WHERE games_derived > 0"
            ).fetchall()
        )
        orphans = wh.con.execute("""SELECT count(*) FROM (SELECT game_id FROM raw.player_boxscores UNION
                                    SELECT game_id FROM raw.team_boxscores UNION SELECT game_id FROM raw.shots)
                                    WHERE game_id NOT IN (SELECT game_id FROM raw.schedule)""").fetchone()[0]
        line = wh.con.execute("SELECT total_line FROM raw.game_lines WHERE game_id = '0062300001'").fetchone()
    assert rows == [
        (g, d, h, a, CUP_FINAL, f"{d.year}-{(d.year + 1) % 100:02d}", True, "box_score")
        for g, (d, h, a) in sorted(CUP_FINALS.items())
    ]
    assert players == 55 and rejected == 0 and orphans == 0
    assert derived == {"player_box_2023_24.parquet": 1, "player_box_2024_25.parquet": 1}
    assert line == (248.5,)  # its game line now finds the game (it was quarantined as not in the schedule)


def test_a_real_schedule_row_replaces_the_derived_one(real_copy, tmp_path):
    Warehouse.open(real_copy).close()
    folder = tmp_path / "in"
    folder.mkdir()
    row = {
        "game_id": "0062300001",
        "season": "2023-24",
        "season_type": CUP_FINAL,
        "game_date": date(2023, 12, 9),
        "home_team": "LAL",
        "away_team": "IND",
        "neutral_site": True,
        "home_wl": "W",
    }
    samples.write_table(pa.Table.from_pylist([row]), folder / "schedule_cup.parquet")
    with Warehouse.open(real_copy) as wh:
        before = wh.count("raw.player_boxscores")
        ingest_folder(wh, folder)
        src = wh.con.execute("SELECT source FROM raw.schedule WHERE game_id = '0062300001'").fetchall()
        assert src == [("nba_schedule",)]
        # the box scores again: the game is scheduled now, nothing is derived or changed
        report = ingest_folder(wh, samples.REAL / "player_box_2023_24.parquet")
        assert report.games_derived == 0 and report.files[0].rows_loaded == 0
        assert wh.con.execute("SELECT count(*) FROM raw.schedule WHERE game_id = '0062300001'").fetchone()[0] == 1
        assert wh.count("raw.player_boxscores") == before


@pytest.fixture(scope="module")
def after_finals(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("cup") / "wh.duckdb"
    samples.copy_warehouse(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        for start, end in ((date(2023, 12, 11), date(2023, 12, 12)), (date(2024, 12, 19), date(2024, 12, 20))):
            result = backfill(
                wh,
                start,
                end,
                only=["upcoming_player_game_context", "upcoming_team_game_context"],
                force=True,
                preflight=False,
            )
            assert result.ok, [m.error for m in result.models if m.error]
        yield wh


def test_cup_final_counts_in_the_finalists_rest_and_fatigue(after_finals):
    c = duckdb.connect()
    for team, day in sorted(NEXT):
        gid, (cup_day, *_teams) = next((g, v) for g, v in CUP_FINALS.items() if team in v)
        # the players who played the final for this team, and their played games in the 7 days before
        expected = dict(
            c.execute(
                f"""
            SELECT lower(regexp_replace(strip_accents(player_name), '[^A-Za-z0-9]', '', 'g')) AS k, count(*)
            FROM read_parquet({BOX!r}) b
            WHERE (minutes > 0 OR pts > 0) AND game_date >= ?::DATE - 7 AND game_date < ?
              AND player_id IN (SELECT player_id FROM read_parquet({BOX!r})
                                WHERE game_id = ? AND team_tricode = ? AND (minutes > 0 OR pts > 0))
            GROUP BY 1""",
                [day, day, gid, team],
            ).fetchall()
        )
        assert len(expected) >= 8
        rows = after_finals.con.execute(
            """
            SELECT player_lookup, last_game_date, days_rest, games_in_last_7_days, team_days_rest
            FROM analytics.upcoming_player_game_context WHERE game_date = ? AND team_abbr = ?""",
            [day, team],
        ).fetchall()
        got = {r[0]: r[1:] for r in rows if r[0] in expected}
        assert set(got) == set(expected), (team, day)
        for k, (last, rest, g7, team_rest) in got.items():
            assert (last, rest, g7, team_rest) == (cup_day, (day - cup_day).days, expected[k], (day - cup_day).days), (
                team,
                k,
            )
        utgc = after_finals.con.execute(
            """SELECT days_rest, games_in_last_7_days FROM analytics.upcoming_team_game_context
                                           WHERE game_date = ? AND team_abbr = ?""",
            [day, team],
        ).fetchone()
        assert utgc[0] == (day - cup_day).days, (team, day)
