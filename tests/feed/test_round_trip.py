"""fetch (recorded responses) → ingest → run --date → the feature store of the date; and a
stat correction fetched again replaces the game's rows. On a copy of the ingested bundled data."""

from __future__ import annotations

from nbaprops.warehouse import Warehouse

from .helpers import cli
from .stub import GAME, GAME_DATE, corrected_box

PLAYER_ROWS = (
    "SELECT * EXCLUDE (source_file, ingested_at) FROM raw.player_boxscores WHERE game_id = ? ORDER BY player_lookup"
)
TEAM_ROWS = "SELECT * EXCLUDE (source_file, ingested_at) FROM raw.team_boxscores WHERE game_id = ? ORDER BY team_abbr"


def query(wh, sql, *params):
    with Warehouse.open(wh, read_only=True) as w:
        return w.con.execute(sql, list(params)).fetchall()


def test_fetch_ingest_run_gives_the_feature_store_of_the_date(real_copy, tmp_path, stub, capsys):
    wh = str(real_copy)
    bundled_players, bundled_teams = query(wh, PLAYER_ROWS, GAME), query(wh, TEAM_ROWS, GAME)
    assert len(bundled_players) == 23 and len(bundled_teams) == 2
    # the morning after the game: its box score is not in the warehouse yet
    with Warehouse.open(wh) as w:
        w.con.execute("DELETE FROM raw.player_boxscores WHERE game_id = ?", [GAME])
        w.con.execute("DELETE FROM raw.team_boxscores WHERE game_id = ?", [GAME])

    code, out, err = cli(capsys, "--warehouse", wh, "fetch", "--date", GAME_DATE, "--ingest", "--interval", "0")
    assert code == 0, err
    assert (real_copy.parent / "feed" / "files" / "player_box_2023-01-02.parquet").exists()  # beside the warehouse
    # the same raw rows as the bundled box score of the game (a difference is a mapping bug)
    assert query(wh, PLAYER_ROWS, GAME) == bundled_players
    assert query(wh, TEAM_ROWS, GAME) == bundled_teams
    assert query(wh, "SELECT DISTINCT source_file FROM raw.player_boxscores WHERE game_id = ?", GAME) == [
        ("player_box_2023-01-02.parquet",)
    ]
    assert query(wh, "SELECT count(*) FROM processing.rejected_rows WHERE source_file LIKE '%2023-01-02%'") == [(0,)]

    code, out, err = cli(capsys, "--warehouse", wh, "run", "--date", GAME_DATE)
    assert code == 0, out + err
    rows = query(
        wh,
        """SELECT player_lookup, team_abbr, label_played, label_points FROM predictions.ml_feature_store_v2
                        WHERE game_date = ? AND team_abbr IN ('CLE', 'CHI') ORDER BY player_lookup""",
        GAME_DATE,
    )
    got = {r[0]: r for r in rows}
    assert got["donovanmitchell"][1:] == ("CLE", True, 71)
    assert got["demarderozan"][1:] == ("CHI", True, 44)
    assert len(rows) >= 20


def test_a_corrected_game_fetched_again_replaces_its_rows(real_copy, tmp_path, stub, capsys):
    wh = str(real_copy)
    feed = str(tmp_path / "feed")
    code, out, err = cli(
        capsys, "--warehouse", wh, "fetch", "--date", GAME_DATE, "--ingest", "--feed-dir", feed, "--interval", "0"
    )
    assert code == 0, err
    # the fetched box score equals the bundled one: nothing changes
    assert query(wh, "SELECT count(*), sum(points) FROM raw.player_boxscores WHERE game_id = ?", GAME) == [(23, 279)]

    stub.box_override[GAME] = corrected_box()  # NBA.com corrects Mitchell's line: one more made two
    code, out, err = cli(
        capsys, "--warehouse", wh, "fetch", "--date", GAME_DATE, "--ingest", "--feed-dir", feed, "--interval", "0"
    )
    assert code == 0, err
    assert "already complete" in out and stub.calls["boxscoretraditionalv3"] == 1  # without --refetch: skipped
    code, out, err = cli(
        capsys,
        "--warehouse",
        wh,
        "fetch",
        "--date",
        GAME_DATE,
        "--refetch",
        "--ingest",
        "--feed-dir",
        feed,
        "--interval",
        "0",
    )
    assert code == 0, err
    assert stub.calls["boxscoretraditionalv3"] == 2
    assert query(
        wh,
        "SELECT count(*), count(DISTINCT player_lookup), sum(points) FROM raw.player_boxscores WHERE game_id = ?",
        GAME,
    ) == [(23, 23, 281)]
    assert query(
        wh,
        "SELECT points, fg_makes, fg_attempts FROM raw.player_boxscores WHERE game_id = ? "
        "AND player_lookup = 'donovanmitchell'",
        GAME,
    ) == [(73, 23, 35)]
    assert query(wh, "SELECT team_abbr, points FROM raw.team_boxscores WHERE game_id = ? ORDER BY 1", GAME) == [
        ("CHI", 134),
        ("CLE", 147),
    ]
    assert query(
        wh,
        "SELECT count(*) FROM raw.player_boxscores WHERE game_id = ? AND source_file NOT LIKE 'player_box_2023-01-02%'",
        GAME,
    ) == [(0,)]
