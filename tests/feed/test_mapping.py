"""The fetched files have the bundled files' columns, types and values: a difference is a
mapping bug. Responses: the recorded ones (tests/fixtures/nba_stats), through nba_api."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from nbaprops.feed import parse
from nbaprops.feed.store import write_parquet

from .helpers import columns, rows, run_fetch
from .stub import BUNDLED, GAME, SHOTS_GAME, recorded

PLAYER_BOX = BUNDLED / "player_box_2022_23.parquet"
TEAM_BOX = BUNDLED / "team_box_regular_2022_23_to_2025_26.parquet"
SCHEDULE = BUNDLED / "schedule_2021_22_to_2025_26.parquet"
SHOTS = BUNDLED / "shots_2022_23.parquet"


@pytest.fixture()
def fetched(tmp_path, stub):
    report = run_fetch(tmp_path / "feed")
    assert [r.status for r in report.dates] == ["complete"]
    return tmp_path / "feed" / "files"


def test_box_score_of_0022200552_equals_the_bundled_one(fetched, stub):
    ours = fetched / "player_box_2023-01-02.parquet"
    assert columns(ours) == columns(PLAYER_BOX)  # same names, order and types
    theirs = rows(PLAYER_BOX, "player_id", f"game_id = '{GAME}'")
    assert len(theirs) == 23
    assert rows(ours, "player_id") == theirs  # every value: minutes "MM:SS", starters, DNP comments …
    assert stub.calls["boxscoretraditionalv3"] == 1


def test_team_box_of_0022200552_equals_the_bundled_one(fetched):
    ours = fetched / "team_box_2023-01-02.parquet"
    assert columns(ours) == columns(TEAM_BOX)
    assert rows(ours, "team_id") == rows(TEAM_BOX, "team_id", f"game_id = '{GAME}'")


def test_scoreboard_2025_11_05_gives_the_bundled_schedule_of_the_date(tmp_path, stub):
    report = run_fetch(tmp_path / "feed", "2025-11-05", schedule_only=True, season_schedule=False)
    res = report.dates[0]
    assert (res.games, res.final) == (11, 11)
    assert stub.calls["boxscoretraditionalv3"] == 0 and stub.calls["shotchartdetail"] == 0
    ours = tmp_path / "feed" / "files" / "schedule_day_2025-11-05.parquet"
    bundled_cols = [c for c, _ in columns(SCHEDULE)]
    assert [c for c, _ in columns(ours)][: len(bundled_cols)] == bundled_cols  # + game_status, tipoff_utc
    sel = ", ".join(bundled_cols)
    got = duckdb.execute(f"SELECT {sel} FROM '{ours}' ORDER BY game_id").fetchall()
    want = duckdb.execute(f"SELECT {sel} FROM '{SCHEDULE}' WHERE game_date = '2025-11-05' ORDER BY game_id").fetchall()
    assert got == want
    tip = duckdb.execute(f"SELECT min(tipoff_utc)::VARCHAR, max(game_status) FROM '{ours}'").fetchall()[0]
    assert tip == ("2025-11-06 00:00:00+00", 3)
    # a schedule-only fetch leaves the final games' box scores to a later run
    assert res.status == "partial"


def test_shot_chart_maps_to_the_bundled_zones_and_columns(tmp_path, stub, client):
    games = {g.game_id: g for g in parse.parse_scoreboard(recorded("scoreboardv3_2025-11-05.json"), date(2025, 11, 5))}
    game = games[SHOTS_GAME]
    text = client.call(
        "shotchartdetail",
        team_id=0,
        player_id=0,
        game_id_nullable=SHOTS_GAME,
        context_measure_simple="FGA",
        season_nullable="2025-26",
        season_type_all_star="Regular Season",
    )
    shots = parse.shot_rows(text, game)
    recorded_rows = [
        r for r in json.loads(recorded("shotchartdetail.json"))["resultSets"][0]["rowSet"] if r[1] == SHOTS_GAME
    ]
    assert len(shots) == len(recorded_rows) == 15
    out = tmp_path / "shots_2025-11-05.parquet"
    write_parquet(out, "shots", shots)
    assert columns(out) == columns(SHOTS)
    # the zone columns take the bundled vocabulary: basic zones, (zone_name, zone_abb) pairs, ranges
    for cols in ("basic_zone", "zone_name, zone_abb", "zone_range", "shot_type"):
        ours = set(duckdb.execute(f"SELECT DISTINCT {cols} FROM '{out}'").fetchall())
        bundled = set(duckdb.execute(f"SELECT DISTINCT {cols} FROM '{SHOTS}'").fetchall())
        assert ours and ours <= bundled, (cols, ours - bundled)
    # coordinates in the bundled files' feet (hoop at 0, 5.25): the distance agrees as it does there
    off = duckdb.execute(f"""SELECT max(abs(sqrt(loc_x * loc_x + (loc_y - 5.25) * (loc_y - 5.25)) - shot_distance))
                             FROM '{out}'""").fetchall()[0][0]
    bundled_off = duckdb.execute(f"""SELECT quantile_cont(abs(sqrt(loc_x * loc_x + (loc_y - 5.25) * (loc_y - 5.25))
                                     - shot_distance), 0.99) FROM '{SHOTS}'""").fetchall()[0][0]
    assert off <= max(1.0, bundled_off)
    first = duckdb.execute(
        f"SELECT player_name, team_name, home_team, away_team, game_date FROM '{out}' LIMIT 1"
    ).fetchall()[0]
    assert first == ("Donovan Mitchell", "Cleveland Cavaliers", "CLE", "PHI", date(2025, 11, 5))
    made = sum(r[20] for r in recorded_rows)  # SHOT_MADE_FLAG
    assert duckdb.execute(f"SELECT count(*) FILTER (WHERE shot_made) FROM '{out}'").fetchall()[0][0] == made


def test_shots_of_other_games_are_left_out(stub, client):
    game = parse.Game(
        game_id="0022500999",
        game_date=date(2025, 11, 5),
        status=3,
        status_text="Final",
        tipoff_utc=None,
        home="CLE",
        away="PHI",
        home_id=1,
        away_id=2,
        home_name="",
        away_name="",
        home_score=1,
        away_score=0,
        neutral=False,
    )
    body = recorded("shotchartdetail.json")  # every game of the player: only the asked one is kept
    assert parse.shot_rows(body, game) == []


@pytest.mark.parametrize(
    "raw,want",
    [
        ("36:15", ("36:15", 36.25)),
        ("49:48", ("49:48", 49.8)),
        ("7:05", ("7:05", 7.083)),
        ("", (None, 0.0)),
        (None, (None, 0.0)),
        ("PT36M15.00S", ("36:15", 36.25)),
    ],
)
def test_minutes(raw, want):
    assert parse.minutes(raw) == want


def test_game_types_and_seasons_from_the_id():
    assert parse.game_type("0022200552") == "Regular Season"
    assert parse.game_type("0042300101") == "Playoffs"
    assert parse.game_type("0052300101") == "PlayIn"
    assert parse.game_type("0062300001") == "NBA Cup Final"
    assert parse.game_type("0032300001") is None  # All-Star: left out
    assert parse.season_of("0022200552") == "2022-23"
    assert parse.season_of_date(date(2025, 7, 15)) == "2025-26"
    assert parse.season_of_date(date(2025, 6, 15)) == "2024-25"
