"""A stats.nba.com stand-in for the feed tests: `requests.Session.get` answers from the recorded
responses of tests/fixtures/nba_stats/ (see its README), so that nba_api builds, sends and
parses every request as in production. Faults are queued per endpoint."""

from __future__ import annotations

import copy
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import duckdb
import requests

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nba_stats"
BUNDLED = Path(__file__).resolve().parents[2] / "data" / "real"
TEAMS_CSV = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "reference" / "teams.csv"

GAME = "0022200552"  # CHI @ CLE, 2023-01-02: the recorded box score
GAME_DATE = "2023-01-02"
SHOTS_GAME = "0022500171"  # PHI @ CLE, 2025-11-05: a game of the recorded shot chart


def recorded(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class FakeResponse:
    def __init__(self, url: str, text: str, status: int = 200) -> None:
        self.url, self.text, self.status_code = url, text, status


class Kill(BaseException):
    """A kill in the middle of a fetch (like SIGKILL: nothing after it runs)."""


def derived_scoreboard(game_date: str = GAME_DATE, status: int = 3, status_text: str = "Final") -> str:
    """The recorded 2025-11-05 scoreboard's shape with one game: 0022200552 (teams and final score
    from the recorded box score)."""
    body = json.loads(recorded("scoreboardv3_2025-11-05.json"))
    box = json.loads(recorded("boxscoretraditionalv3_0022200552.json"))["boxScoreTraditional"]
    g = copy.deepcopy(body["scoreboard"]["games"][0])
    g.update(
        gameId=GAME,
        gameCode="20230102/CHICLE",
        gameStatus=status,
        gameStatusText=status_text,
        gameTimeUTC="2023-01-03T00:30:00Z",
        gameEt="2023-01-02T19:30:00Z",
    )
    for side, key in (("homeTeam", "homeTeam"), ("awayTeam", "awayTeam")):
        t = box[key]
        g[side].update(
            teamId=t["teamId"],
            teamName=t["teamName"],
            teamCity=t["teamCity"],
            teamTricode=t["teamTricode"],
            teamSlug=t["teamSlug"],
            score=t["statistics"]["points"],
        )
    body["scoreboard"]["gameDate"] = game_date
    body["scoreboard"]["games"] = [g]
    body["meta"]["request"] = f"http://nba.cloud/league/00/{game_date.replace('-', '/')}/scoreboard?Format=json"
    return json.dumps(body)


def _listed_games(where: str, params: list, home_of: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The bundled schedule's games (`where` over its rows) as NBA.com lists a game: gameId, its
    date, status, isNeutral and homeTeam / awayTeam (a club outside the NBA by its tricode and
    full name, team id 0). `home_of`: game id -> the team NBA.com lists home, where it is not the
    bundled row's home team (home and away swapped, the result with them)."""
    teams = {
        r[0]: (r[1], r[2], r[3])
        for r in duckdb.execute(
            "SELECT team_abbr, team_id, team_name, nickname FROM read_csv(?)", [str(TEAMS_CSV)]
        ).fetchall()
    }
    rows = duckdb.execute(
        "SELECT game_id, game_date, home_team, away_team, home_team_name, away_team_name, home_wl, neutral_site "
        f"FROM '{BUNDLED}/schedule_*.parquet' WHERE {where} ORDER BY game_date, game_id",
        params,
    ).fetchall()

    def team(tri, full_name, score):
        tid, name, nick = teams.get(tri, (0, full_name, full_name))
        return {
            "teamId": tid,
            "teamName": nick,
            "teamCity": name[: -len(nick)].strip(),
            "teamTricode": tri,
            "teamSlug": nick.lower(),
            "wins": 0,
            "losses": 0,
            "score": score,
            "seed": None,
        }

    games = []
    for gid, d, home, away, home_name, away_name, wl, neutral in rows:
        if (home_of or {}).get(gid, home) != home:
            home, away, home_name, away_name = away, home, away_name, home_name
            wl = {"W": "L", "L": "W"}.get(wl, wl)
        hs, as_ = (101, 100) if wl == "W" else (100, 101) if wl == "L" else (0, 0)
        games.append(
            {
                "gameId": gid,
                "date": d,
                "gameStatus": 3 if wl else 1,
                "gameStatusText": "Final" if wl else "7:00 pm ET",
                "isNeutral": bool(neutral),
                "homeTeam": team(home, home_name, hs),
                "awayTeam": team(away, away_name, as_),
            }
        )
    return games


def season_schedule(season: str, home_of: dict[str, str] | None = None) -> str:
    """A scheduleleaguev2 body in the documented shape, built from the bundled schedule (no
    response of this endpoint was recorded); `home_of` as in _listed_games."""
    by_date: dict[Any, list] = defaultdict(list)
    for g in _listed_games("season = ?", [season], home_of):
        d = g.pop("date")
        by_date[d].append(
            {
                **g,
                "gameCode": "",
                "gameDateEst": f"{d}T00:00:00Z",
                "gameDateTimeUTC": f"{d}T23:00:00Z",
                "pointsLeaders": [],
                "broadcasters": {"nationalBroadcasters": []},
            }
        )
    return json.dumps(
        {
            "meta": {"version": 1},
            "leagueSchedule": {
                "seasonYear": season,
                "leagueId": "00",
                "weeks": [],
                "gameDates": [{"gameDate": d.strftime("%m/%d/%Y 00:00:00"), "games": gs} for d, gs in by_date.items()],
            },
        }
    )


def listed_scoreboard(game_date: str, home_of: dict[str, str] | None = None) -> str:
    """The recorded 2025-11-05 scoreboard's shape with the bundled schedule's games of another
    date, as NBA.com lists them (`home_of` as in _listed_games)."""
    body = json.loads(recorded("scoreboardv3_2025-11-05.json"))
    template = body["scoreboard"]["games"][0]
    games = []
    for listed in _listed_games("game_date = ?", [game_date], home_of):
        g = copy.deepcopy(template)
        away, home = listed["awayTeam"]["teamTricode"], listed["homeTeam"]["teamTricode"]
        g.update(
            gameId=listed["gameId"],
            gameCode=f"{game_date.replace('-', '')}/{away}{home}",
            gameStatus=listed["gameStatus"],
            gameStatusText=listed["gameStatusText"],
            gameTimeUTC=f"{game_date}T23:00:00Z",
            gameEt=f"{game_date}T19:00:00Z",
            isNeutral=listed["isNeutral"],
        )
        for side in ("homeTeam", "awayTeam"):
            g[side].update(listed[side])
        games.append(g)
    body["scoreboard"]["gameDate"] = game_date
    body["scoreboard"]["games"] = games
    body["meta"]["request"] = f"http://nba.cloud/league/00/{game_date.replace('-', '/')}/scoreboard?Format=json"
    return json.dumps(body)


class NBAStub:
    """Serves the recorded responses; `fail(endpoint, *faults)` queues faults for the next calls of
    an endpoint: an HTTP status (int), 'timeout', 'connection', 'malformed', or a BaseException
    instance to raise (a Kill)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.requests: list[tuple[str, dict]] = []
        self.faults: dict[str, list] = defaultdict(list)
        self.box_override: dict[str, str] = {}
        self.scoreboards: dict[str, str] = {}
        self.home_of: dict[str, str] = {}  # the season schedule's listing (see _listed_games)

    def fail(self, endpoint: str, *faults) -> None:
        self.faults[endpoint].extend(faults)

    def get(self, session, url, params=None, headers=None, proxies=None, timeout=None, **kw):
        endpoint = url.rstrip("/").rsplit("/", 1)[-1].lower()
        p = dict(params or [])
        self.calls[endpoint] += 1
        self.requests.append((endpoint, p))
        assert headers and "stats.nba.com" in headers.get("Host", ""), "nba_api's headers are sent"
        if self.faults[endpoint]:
            f = self.faults[endpoint].pop(0)
            if isinstance(f, BaseException):
                raise f
            if f == "timeout":
                raise requests.ReadTimeout("read timed out (stub)")
            if f == "connection":
                raise requests.ConnectionError("connection refused (stub)")
            if f == "malformed":
                return FakeResponse(url, "<html><body>Service Unavailable</body></html>")
            return FakeResponse(url, "<html>error</html>" if f != 200 else "{}", int(f))
        return FakeResponse(url, self.body(endpoint, p))

    def body(self, endpoint: str, p: dict) -> str:
        if endpoint == "scoreboardv3":
            d = p["GameDate"]
            if d in self.scoreboards:
                return self.scoreboards[d]
            if d == "2025-11-05":
                return recorded("scoreboardv3_2025-11-05.json")
            if d == GAME_DATE:
                return derived_scoreboard()
            return (
                recorded("scoreboardv3_offseason.json")
                .replace("2025-07-15", d)
                .replace("2025/07/15", d.replace("-", "/"))
            )
        if endpoint == "boxscoretraditionalv3":
            gid = p["GameID"]
            if gid in self.box_override:
                return self.box_override[gid]
            assert gid == GAME, f"no recorded box score for {gid}"
            return recorded("boxscoretraditionalv3_0022200552.json")
        if endpoint == "shotchartdetail":
            body = json.loads(recorded("shotchartdetail.json"))
            rs = body["resultSets"][0]
            gi = rs["headers"].index("GAME_ID")
            rs["rowSet"] = [r for r in rs["rowSet"] if r[gi] == p.get("GameID")]
            body["parameters"].update(GameID=p.get("GameID"), PlayerID=0, TeamID=0, ContextMeasure="FGA")
            return json.dumps(body)
        if endpoint == "scheduleleaguev2":
            return season_schedule(p["Season"], self.home_of)
        raise AssertionError(f"unexpected endpoint {endpoint}")


def corrected_box(points_delta: int = 2) -> str:
    """The recorded box score after a stat correction: Donovan Mitchell +1 made two (+2 points),
    his team's totals with him."""
    body = json.loads(recorded("boxscoretraditionalv3_0022200552.json"))
    home = body["boxScoreTraditional"]["homeTeam"]
    for p in home["players"]:
        if p["personId"] == 1628378:
            s = p["statistics"]
            s["fieldGoalsMade"] += 1
            s["fieldGoalsAttempted"] += 1
            s["points"] += points_delta
    for block in ("statistics", "starters"):
        home[block]["fieldGoalsMade"] += 1
        home[block]["fieldGoalsAttempted"] += 1
        home[block]["points"] += points_delta
    return json.dumps(body)
