"""stats.nba.com responses → rows in the layouts of data/real/ (the files `nbaprops ingest` reads).

The scoreboard, box score and shot chart are parsed by nba_api's own code (the endpoint's
`load_response` and normalised data sets), from the raw text the client returned or the cache
kept; the season schedule is read from its JSON directly (nba_api's parser fails on a season
whose schedule is not yet published). Columns and types are those of the bundled files:

- schedule (`schedule_*`): as schedule_2021_22_to_2025_26.parquet, plus `game_status`
  (1 scheduled, 2 live, 3 final) and `tipoff_utc`, which ingest does not load. Every game NBA.com
  lists with its two teams is written, home and away as NBA.com lists them (at a neutral site
  too), a preseason game against a club outside the NBA included, as the bundled files hold it:
  which games raw.schedule keeps is the ingest's rule (ingest/sources.py, SCHEDULE), one rule
  for the bundled files and these;
- player box (`player_box_*`): as player_box_2022_23.parquet — boxscoretraditionalv3 player rows,
  `minutes_raw` "MM:SS", `minutes` decimal (3 places), `starter` = a non-empty v3 position,
  `comment` the DNP / DND / NWT reason or NULL;
- team box (`team_box_*`): as team_box_regular_2022_23_to_2025_26.parquet (`matchup` "CLE vs. CHI" /
  "CHI @ CLE", `wl`, `min` whole team minutes);
- shots (`shots_*`): as shots_2022_23.parquet — shotchartdetail rows with the NBA's zone columns
  (`basic_zone` = SHOT_ZONE_BASIC; `zone_name` / `zone_abb` split from SHOT_ZONE_AREA
  "Left Side Center(LC)"; `zone_range` = SHOT_ZONE_RANGE) and the bundled files' coordinates in
  feet, hoop at (0, 5.25): loc_x = -LOC_X / 10, loc_y = LOC_Y / 10 + 5.25.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

from .. import calendar, keys
from .errors import FeedBadResponse

# Character 3 of an NBA game id is its type (data/real/README.md). All-Star (3) and other
# exhibition games are left out.
GAME_TYPES = {
    "1": calendar.PRESEASON,
    "2": calendar.REGULAR_SEASON,
    "4": calendar.PLAYOFFS,
    "5": calendar.PLAY_IN,
    "6": calendar.CUP_FINAL,
}
# Games whose box scores are fetched (the bundled box scores hold these types), and those whose
# shots are: the regular season only, as in the bundled shots (the models' zone fields rest on
# regular-season shots; playoff windows run out of them by design).
BOX_TYPES = (calendar.REGULAR_SEASON, calendar.PLAY_IN, calendar.PLAYOFFS, calendar.CUP_FINAL)
SHOT_TYPES = (calendar.REGULAR_SEASON,)

FINAL = 3  # scoreboard gameStatus: 1 scheduled, 2 in progress, 3 final


@lru_cache(maxsize=1)
def nba_teams() -> dict[str, tuple[int, str]]:
    """tricode → (team id, full name), from the package's reference/teams.csv."""
    text = resources.files("nbaprops.reference").joinpath("teams.csv").read_text(encoding="utf-8")
    return {r["team_abbr"]: (int(r["team_id"]), r["team_name"]) for r in csv.DictReader(text.splitlines())}


def game_type(game_id: str) -> str | None:
    return GAME_TYPES.get(game_id[2:3]) if re.fullmatch(r"\d{10}", game_id or "") else None


def season_of(game_id: str) -> str:
    """'0022200552' → '2022-23' (characters 4-5: the season's start year)."""
    y = 2000 + int(game_id[3:5])
    return f"{y}-{(y + 1) % 100:02d}"


def season_of_date(d: date) -> str:
    """The season a date belongs to (July 1 .. June 30)."""
    y = d.year if d.month >= 7 else d.year - 1
    return f"{y}-{(y + 1) % 100:02d}"


@dataclass(frozen=True)
class Game:
    """One game as a scoreboard or the season schedule lists it."""

    game_id: str
    game_date: date
    status: int  # 1 scheduled, 2 live, 3 final
    status_text: str
    tipoff_utc: datetime | None
    home: str
    away: str
    home_id: int | None  # None for a club outside the NBA (as in the bundled files)
    away_id: int | None
    home_name: str
    away_name: str
    home_score: int | None
    away_score: int | None
    neutral: bool

    @property
    def season(self) -> str:
        return season_of(self.game_id)

    @property
    def season_type(self) -> str | None:
        return game_type(self.game_id)

    @property
    def final(self) -> bool:
        return self.status == FINAL

    @property
    def postponed(self) -> bool:
        t = self.status_text.lower()
        return "ppd" in t or "postponed" in t or "cancel" in t

    @property
    def matchup(self) -> str:
        return f"{self.away} @ {self.home}"

    @property
    def wants_box(self) -> bool:
        return self.season_type in BOX_TYPES

    @property
    def wants_shots(self) -> bool:
        return self.season_type in SHOT_TYPES


# -- nba_api data sets -------------------------------------------------------------------------
def datasets(endpoint: str, text: str, **params: Any) -> dict[str, list[dict[str, Any]]]:
    """The normalised data sets of a raw response, parsed by nba_api's endpoint class."""
    from nba_api.stats.library.http import NBAStatsResponse

    from .client import build_endpoint

    ep = build_endpoint(endpoint, **params)
    try:
        ep.nba_response = NBAStatsResponse(response=text, status_code=200, url=None)
        ep.load_response()
        return ep.get_normalized_dict()
    except Exception as exc:  # nba_api raises KeyError, IndexError, ValueError … on a shape it does not know
        raise FeedBadResponse(f"{endpoint}: a response nba_api cannot parse ({type(exc).__name__}: {exc})") from None


def _tipoff(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(str(value)[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _team_name(city: Any, name: Any) -> str:
    return " ".join(str(x).strip() for x in (city, name) if x and str(x).strip())


def _team_id(abbr: str, team: dict) -> int | None:
    """NBA.com's team id of an NBA team; None for a club outside the NBA, as the bundled files."""
    return int(team["teamId"]) if abbr in nba_teams() else None


def parse_scoreboard(text: str, game_date: date) -> list[Game]:
    """The games of one date (scoreboardv3) of the game types of GAME_TYPES."""
    sets = datasets("scoreboardv3", text, game_date=game_date.isoformat())
    if "GameHeader" not in sets:
        raise FeedBadResponse("scoreboardv3: the response has no game list")
    lines: dict[tuple[str, int], dict] = {(r["gameId"], int(r["teamId"])): r for r in sets.get("LineScore", [])}
    raw = json.loads(text)
    teams_of = {
        g["gameId"]: (g.get("homeTeam") or {}, g.get("awayTeam") or {})
        for g in (raw.get("scoreboard") or {}).get("games", [])
    }
    games = []
    for h in sets["GameHeader"]:
        gid = str(h["gameId"])
        home_t, away_t = teams_of.get(gid, ({}, {}))
        home, away = keys.team_abbr(home_t.get("teamTricode")), keys.team_abbr(away_t.get("teamTricode"))
        # a game whose teams are not known yet (playoffs) is no game yet; a club outside the NBA
        # is written: whether its game is kept is the ingest's rule
        if game_type(gid) is None or home is None or away is None or home == away:
            continue
        hl = lines.get((gid, int(home_t.get("teamId") or 0)), {})
        al = lines.get((gid, int(away_t.get("teamId") or 0)), {})
        games.append(
            Game(
                game_id=gid,
                game_date=game_date,
                status=int(h.get("gameStatus") or 0),
                status_text=str(h.get("gameStatusText") or "").strip(),
                tipoff_utc=_tipoff(h.get("gameTimeUTC")),
                home=home,
                away=away,
                home_id=_team_id(home, home_t),
                away_id=_team_id(away, away_t),
                home_name=_team_name(home_t.get("teamCity"), home_t.get("teamName")),
                away_name=_team_name(away_t.get("teamCity"), away_t.get("teamName")),
                home_score=hl.get("score"),
                away_score=al.get("score"),
                neutral=bool(h.get("isNeutral")),
            )
        )
    return games


def parse_season_schedule(text: str) -> list[Game]:
    """Every game of a season (scheduleleaguev2: leagueSchedule.gameDates[].games[]) of the game
    types of GAME_TYPES (playoff games whose teams are not known yet are left out). Empty when the
    season's schedule is not published yet."""
    try:
        raw = json.loads(text)
        dates = (raw.get("leagueSchedule") or {}).get("gameDates") or []
        games = []
        for gd in dates:
            for g in gd.get("games") or []:
                gid = str(g.get("gameId") or "")
                ht, at = g.get("homeTeam") or {}, g.get("awayTeam") or {}
                home, away = keys.team_abbr(ht.get("teamTricode")), keys.team_abbr(at.get("teamTricode"))
                if game_type(gid) is None or home is None or away is None or home == away:
                    continue  # teams not known yet (as in parse_scoreboard)
                day = str(g.get("gameDateEst") or gd.get("gameDate") or "")
                try:
                    gdate = (
                        date.fromisoformat(day[:10])
                        if day[4:5] == "-"
                        else datetime.strptime(day.split(" ")[0], "%m/%d/%Y").date()
                    )
                except ValueError:
                    raise FeedBadResponse(f"scheduleleaguev2: game {gid} has no readable date ({day!r})") from None
                games.append(
                    Game(
                        game_id=gid,
                        game_date=gdate,
                        status=int(g.get("gameStatus") or 0),
                        status_text=str(g.get("gameStatusText") or "").strip(),
                        tipoff_utc=_tipoff(g.get("gameDateTimeUTC")),
                        home=home,
                        away=away,
                        home_id=_team_id(home, ht),
                        away_id=_team_id(away, at),
                        home_name=_team_name(ht.get("teamCity"), ht.get("teamName")),
                        away_name=_team_name(at.get("teamCity"), at.get("teamName")),
                        home_score=ht.get("score"),
                        away_score=at.get("score"),
                        neutral=bool(g.get("isNeutral")),
                    )
                )
        return games
    except (ValueError, AttributeError, KeyError, TypeError) as exc:
        if isinstance(exc, FeedBadResponse):
            raise
        raise FeedBadResponse(f"scheduleleaguev2: not the documented shape ({type(exc).__name__}: {exc})") from None


def schedule_rows(games: list[Game]) -> list[dict[str, Any]]:
    rows = []
    for g in games:
        wl = None
        if g.final and g.home_score is not None and g.away_score is not None and g.home_score != g.away_score:
            wl = "W" if g.home_score > g.away_score else "L"
        rows.append(
            {
                "game_id": g.game_id,
                "season": g.season,
                "season_type": g.season_type,
                "game_date": g.game_date,
                "home_team": g.home,
                "away_team": g.away,
                "home_team_name": g.home_name,
                "away_team_name": g.away_name,
                "home_wl": wl,
                "neutral_site": g.neutral,
                "home_team_id": g.home_id,
                "away_team_id": g.away_id,
                "game_status": g.status,
                "tipoff_utc": g.tipoff_utc,
            }
        )
    return rows


# -- box score ---------------------------------------------------------------------------------
_MMSS = re.compile(r"^(\d+):(\d{1,2})(?:\.\d+)?$")
_ISO = re.compile(r"^PT(\d+)M(\d+(?:\.\d+)?)S$")


def minutes(value: Any) -> tuple[str | None, float]:
    """('36:15', 36.25) from "36:15" (or ISO "PT36M15.00S"); (None, 0.0) when he did not play."""
    s = str(value or "").strip()
    if not s:
        return None, 0.0
    m = _MMSS.match(s)
    if m:
        mm, ss = int(m.group(1)), int(m.group(2))
        return s, round(mm + ss / 60, 3)
    m = _ISO.match(s)
    if m:
        mm, ss = int(m.group(1)), int(float(m.group(2)))
        return f"{mm}:{ss:02d}", round(mm + ss / 60, 3)
    raise FeedBadResponse(f"boxscoretraditionalv3: minutes {s!r} are neither MM:SS nor PTmmMss.ssS")


_STAT_KEYS = {
    "fgm": "fieldGoalsMade",
    "fga": "fieldGoalsAttempted",
    "fg3m": "threePointersMade",
    "fg3a": "threePointersAttempted",
    "ftm": "freeThrowsMade",
    "fta": "freeThrowsAttempted",
    "oreb": "reboundsOffensive",
    "dreb": "reboundsDefensive",
    "reb": "reboundsTotal",
    "ast": "assists",
    "stl": "steals",
    "blk": "blocks",
    "tov": "turnovers",
    "pf": "foulsPersonal",
    "pts": "points",
}


def _int(v: Any) -> int:
    return int(v) if v not in (None, "") else 0


def box_rows(text: str, game: Game) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(player rows, team rows) of one game's boxscoretraditionalv3 response."""
    sets = datasets("boxscoretraditionalv3", text, game_id=game.game_id)
    players, teams = sets.get("PlayerStats"), sets.get("TeamStats")
    if not players or not teams or len(teams) != 2:
        raise FeedBadResponse(f"boxscoretraditionalv3 game {game.game_id}: no player rows or not two team rows")
    if any(str(r.get("gameId")) != game.game_id for r in players + teams):
        raise FeedBadResponse(f"boxscoretraditionalv3 game {game.game_id}: the response is of another game")
    tri = {int(t["teamId"]): keys.team_abbr(t["teamTricode"]) for t in teams}
    home_id, away_id = int(teams[0]["homeTeamId"]), int(teams[0]["awayTeamId"])
    season, stype = game.season, game.season_type
    prow = []
    for r in players:
        tid = int(r["teamId"])
        opp = away_id if tid == home_id else home_id
        raw_min, mins = minutes(r.get("minutes"))
        position = (r.get("position") or "").strip() or None
        name = " ".join(str(x).strip() for x in (r.get("firstName"), r.get("familyName")) if x and str(x).strip())
        row = {
            "game_id": game.game_id,
            "season": season,
            "season_type": stype,
            "game_date": game.game_date,
            "team_id": tid,
            "team_tricode": tri[tid],
            "home_team_id": home_id,
            "away_team_id": away_id,
            "is_home": tid == home_id,
            "opponent_team_id": opp,
            "opponent_tricode": tri[opp],
            "player_id": int(r["personId"]),
            "player_name": name,
            "position": position,
            "starter": position is not None,
            "comment": (r.get("comment") or "").strip() or None,
            "minutes_raw": raw_min,
            "minutes": mins,
        }
        row.update({k: _int(r.get(v)) for k, v in _STAT_KEYS.items()})
        pm = r.get("plusMinusPoints")
        row["plus_minus"] = float(pm) if pm not in (None, "") else 0.0
        prow.append(row)
    trow = []
    pts = {int(t["teamId"]): _int(t.get("points")) for t in teams}
    for t in teams:
        tid = int(t["teamId"])
        opp = away_id if tid == home_id else home_id
        sep = "vs." if tid == home_id else "@"
        stats = {k: _int(t.get(v)) for k, v in _STAT_KEYS.items()}
        _, team_min = minutes(t.get("minutes"))
        row = {
            "game_id": game.game_id,
            "season": season,
            "game_date": game.game_date,
            "team_id": tid,
            "matchup": f"{tri[tid]} {sep} {tri[opp]}",
            "wl": "W" if pts[tid] > pts[opp] else ("L" if pts[tid] < pts[opp] else None),
            "min": int(team_min),
        }
        for k in ("fgm", "fga"):
            row[k] = stats[k]
        row["fg_pct"] = _pct(stats["fgm"], stats["fga"])
        row["fg3m"], row["fg3a"], row["fg3_pct"] = stats["fg3m"], stats["fg3a"], _pct(stats["fg3m"], stats["fg3a"])
        row["ftm"], row["fta"], row["ft_pct"] = stats["ftm"], stats["fta"], _pct(stats["ftm"], stats["fta"])
        for k in ("oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "pts"):
            row[k] = stats[k]
        trow.append(row)
    return prow, trow


def _pct(made: int, att: int) -> float | None:
    return round(made / att, 3) if att else None


# -- shots -------------------------------------------------------------------------------------
_AREA = re.compile(r"^(.*?)\s*\(([A-Z]+)\)\s*$")


def zone_area(area: Any) -> tuple[str | None, str | None]:
    """'Left Side Center(LC)' → ('Left Side Center', 'LC'); 'Back Court(BC)' → ('Back Court', 'BC')."""
    s = str(area or "").strip()
    m = _AREA.match(s)
    return (m.group(1), m.group(2)) if m else (s or None, None)


def shot_rows(text: str, game: Game) -> list[dict[str, Any]]:
    """The field-goal attempts of one game (shotchartdetail, GameID = the game, every player)."""
    sets = datasets("shotchartdetail", text, team_id=0, player_id=0, game_id_nullable=game.game_id)
    shots = sets.get("Shot_Chart_Detail")
    if shots is None:
        raise FeedBadResponse(f"shotchartdetail game {game.game_id}: the response has no Shot_Chart_Detail set")
    rows = []
    for r in sorted(
        (r for r in shots if str(r.get("GAME_ID")) == game.game_id),
        key=lambda r: (_int(r.get("GAME_EVENT_ID")), _int(r.get("PLAYER_ID"))),
    ):
        name, abb = zone_area(r.get("SHOT_ZONE_AREA"))
        gd = str(r.get("GAME_DATE") or "")
        rows.append(
            {
                "season": game.season,
                "game_id": game.game_id,
                "game_date": datetime.strptime(gd, "%Y%m%d").date() if gd else game.game_date,
                "team_id": int(r["TEAM_ID"]),
                "team_name": r.get("TEAM_NAME"),
                "player_id": int(r["PLAYER_ID"]),
                "player_name": r.get("PLAYER_NAME"),
                "home_team": keys.team_abbr(r.get("HTM")),
                "away_team": keys.team_abbr(r.get("VTM")),
                "shot_made": _int(r.get("SHOT_MADE_FLAG")) == 1,
                "action_type": r.get("ACTION_TYPE"),
                "shot_type": r.get("SHOT_TYPE"),
                "basic_zone": r.get("SHOT_ZONE_BASIC"),
                "zone_name": name,
                "zone_abb": abb,
                "zone_range": r.get("SHOT_ZONE_RANGE"),
                "loc_x": -_int(r.get("LOC_X")) / 10,
                "loc_y": _int(r.get("LOC_Y")) / 10 + 5.25,
                "shot_distance": _int(r.get("SHOT_DISTANCE")),
                "quarter": _int(r.get("PERIOD")),
                "mins_left": _int(r.get("MINUTES_REMAINING")),
                "secs_left": _int(r.get("SECONDS_REMAINING")),
            }
        )
    return rows
