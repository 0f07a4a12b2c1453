"""Files and feed agree on the schedule: one rule (ingest/sources.py, SCHEDULE) for every schedule
file, the bundled ones and those `nbaprops fetch` writes from NBA.com, so that a date fetched live
and the same date from the bundled files give the same raw.schedule rows.

- A preseason game against a club outside the NBA (0012400002 UTA-NZB, 0012500009 NOP-MEL):
  NBA.com lists it, the bundled file holds it, the feed writes it; neither path loads it, both
  quarantine it with the same reason.
- The home team is NBA.com's listing, at a neutral site too. The extract behind the bundled
  schedule named the other team home for two neutral-site preseason games (Abu Dhabi, no box
  score to take it from); NBA.com's season schedule lists BOS home for 0012400005 and NYK for
  0012500008, and the bundled rows now say so (data/real/README.md).

No scheduleleaguev2 or preseason scoreboardv3 response is recorded (tests/fixtures/nba_stats): the
bodies are built in the endpoints' shapes from the bundled rows, with NBA.com's listing of those
two games (NBA_COM_HOME) where it differs from the extract's. The real rows checked here are the
bundled schedule's and NBA.com's box scores (the bundled player box, boxscoretraditionalv3)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from nbaprops.feed import parse
from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse

from .helpers import run_fetch
from .stub import BUNDLED, listed_scoreboard, season_schedule

SCHEDULE = BUNDLED / "schedule_2021_22_to_2025_26.parquet"
# NBA.com's home team of the neutral-site preseason games whose extract row named the other team.
NBA_COM_HOME = {"0012400005": "BOS", "0012500008": "NYK"}
EXTRACT_HOME = {"0012400005": "DEN", "0012500008": "PHI"}
CLUB_GAMES = {"0012400002": "NZB", "0012500009": "MEL"}
# The dates of these games (and a neutral-site game NBA.com lists as the extract did, 0012400001).
DATES = ("2024-10-04", "2024-10-06", "2025-10-02", "2025-10-03")
SEASONS = ("2024-25", "2025-26")
CLUB_REASON = "preseason game against a club outside the NBA"


def _ingest(path: Path, what: Path) -> None:
    with Warehouse.open(path) as wh:
        ingest_folder(wh, what)


def _schedule_rows(path: Path, where: str, params: list) -> list[tuple]:
    """raw.schedule's rows: every column but the file name and load time."""
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            "SELECT game_id, season, season_year, season_type, game_date, home_team_abbr, away_team_abbr, "
            f"neutral_site, home_wl, source, row_hash FROM raw.schedule WHERE {where} ORDER BY game_id",
            params,
        ).fetchall()


def _quarantined(path: Path) -> set[tuple]:
    """(game id, column, reason) of the schedule rows quarantined (any schedule file)."""
    with Warehouse.open(path, read_only=True) as wh:
        return set(
            wh.con.execute(
                "SELECT DISTINCT record::JSON->>'game_id', column_name, reason FROM processing.rejected_rows "
                "WHERE file_kind = 'schedule'"
            ).fetchall()
        )


@pytest.mark.parametrize("season_schedule", [True, False], ids=["season-schedule", "scoreboards-only"])
def test_a_date_fetched_live_and_the_bundled_files_give_the_same_schedule_rows(tmp_path, stub, season_schedule):
    stub.home_of = NBA_COM_HOME
    for d in DATES:
        stub.scoreboards[d] = listed_scoreboard(d, NBA_COM_HOME)
    report = run_fetch(tmp_path / "feed", *DATES, schedule_only=True, season_schedule=season_schedule)
    assert [r.games for r in report.dates] == [3, 5, 1, 2]  # the club games are listed and written
    live, files = tmp_path / "live.duckdb", tmp_path / "files.duckdb"
    _ingest(live, tmp_path / "feed" / "files")
    _ingest(files, SCHEDULE)

    on_dates = f"game_date IN ({', '.join('?' * len(DATES))})"
    got = _schedule_rows(live, on_dates, [date.fromisoformat(d) for d in DATES])
    want = _schedule_rows(files, on_dates, [date.fromisoformat(d) for d in DATES])
    assert got == want and len(want) == 11 - len(CLUB_GAMES)
    if season_schedule:  # the whole seasons too, not only the dates
        seasons = f"season IN ({', '.join('?' * len(SEASONS))})"
        assert _schedule_rows(live, seasons, list(SEASONS)) == _schedule_rows(files, seasons, list(SEASONS))

    by_id = {r[0]: r for r in want}
    for gid, home in NBA_COM_HOME.items():
        _, _, _, _, _, h, a, neutral, wl, _, _ = by_id[gid]
        assert (h, a, neutral, wl) == (home, EXTRACT_HOME[gid], True, "W")  # the listed home team won
    assert by_id["0012400001"][5:9] == ("DEN", "BOS", True, "L")  # listed as the extract had it
    assert not set(CLUB_GAMES) & set(by_id)
    club_rows = {(gid, "away_team") for gid in CLUB_GAMES}
    for path in (live, files):
        found = {(g, c) for g, c, reason in _quarantined(path) if reason.startswith(CLUB_REASON)}
        assert club_rows <= found, path
        # the rule's reason only: a club is no unknown (misspelt) team
        assert not any(g in CLUB_GAMES and "unknown team" in reason for g, _, reason in _quarantined(path))


def test_the_feed_writes_a_club_game_as_the_bundled_file_holds_it(tmp_path, stub):
    """Both files hold the exhibition (the NBA team's id, none for the club); ingest decides."""
    stub.scoreboards["2025-10-03"] = listed_scoreboard("2025-10-03")
    run_fetch(tmp_path / "feed", "2025-10-03", schedule_only=True)
    cols = "game_id, season, season_type, game_date, home_team, away_team, home_team_name, away_team_name, "
    cols += "home_wl, neutral_site, home_team_id, away_team_id"
    where = "WHERE game_id = '0012500009'"
    want = duckdb.execute(f"SELECT {cols} FROM '{SCHEDULE}' {where}").fetchall()
    assert want[0][4:6] == ("NOP", "MEL") and want[0][-1] is None
    for name in ("schedule_2025_26.parquet", "schedule_day_2025-10-03.parquet"):
        assert duckdb.execute(f"SELECT {cols} FROM '{tmp_path / 'feed' / 'files' / name}' {where}").fetchall() == want


def test_a_game_whose_teams_are_not_known_yet_is_no_game():
    body = json.loads(season_schedule("2025-26"))
    games = [g for d in body["leagueSchedule"]["gameDates"] for g in d["games"]]
    tbd = next(g for g in games if g["gameId"].startswith("004"))
    tbd["homeTeam"].update(teamId=0, teamTricode="", teamName="", teamCity="")
    ids = {g.game_id for g in parse.parse_season_schedule(json.dumps(body))}
    assert tbd["gameId"] not in ids and "0012500009" in ids and len(ids) == len(games) - 1


def test_the_bundled_schedule_names_nba_coms_home_team():
    """Every game with an NBA.com box score (bundled player box: 3,958 games, the regular-season
    neutral-site games of Mexico City, Paris and the Cup semi-finals among them) has the box
    score's home team as the schedule's; the two corrected preseason games name NBA.com's."""
    con = duckdb.connect()
    box = f"(SELECT DISTINCT game_id, home_team_id FROM '{BUNDLED}/player_box_*.parquet')"
    games, neutral, differ = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE s.neutral_site), "
        f"count(*) FILTER (WHERE s.home_team_id <> b.home_team_id) FROM '{SCHEDULE}' s JOIN {box} b USING (game_id)"
    ).fetchone()
    assert (games, differ) == (3958, 0) and neutral == 5
    rows = dict(
        con.execute(
            f"SELECT game_id, home_team FROM '{SCHEDULE}' WHERE game_id IN (SELECT unnest(?))", [list(NBA_COM_HOME)]
        ).fetchall()
    )
    assert rows == NBA_COM_HOME
