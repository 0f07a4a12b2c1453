"""The plain per-date reference of the feature store: every feature of the registry recomputed for
one player on one date D in plain Python, from plain reads of the raw tables, joined by the NBA
player id — no model, macro or analytics table of the product is read.

How a reference is registered. `REFERENCES` maps a feature name to a function of one `Entering`
(the player entering D, below) that returns `(value, source)`: the value before the feature
store's rounding (None for NULL) and the source tag the store must carry (phase4 / phase3 /
calculated / default). Register with the decorator:

    from feature_reference import reference

    @reference("my_feature")
    def _(p):
        return mean(g.points for g in p.games[:3]), "calculated"

`test_feature_reference.py` fails when a registry feature has no reference. Every module of
tests/models whose name starts with `references_` is imported by `load_references()` before that
check (and before the values are compared), so a new family of features keeps its references in
`tests/models/references_<family>.py` (its own test module may import them too) and they are
merged here; a feature whose feed does not cover D gets its default without its function being
asked (FEEDS), as in the store.

Identity. A feature-store row names its player by `player_lookup`; the reference turns it into the
NBA player id once (reference.player_identity, the box score's spelling) and reads box scores
(player_id), shots (player_id), injury transactions (player_id, resolved at ingest) and prop lines
(their player_lookup resolved to the id through the same identity table) by that id.
"""

from __future__ import annotations

import importlib
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from itertools import pairwise
from pathlib import Path

from nbaprops import features
from nbaprops.calendar import INJURY_REPORT_CUTOFF_HOUR

Value = tuple[float | None, str]
REFERENCES: dict[str, Callable[[Entering], Value]] = {}


def reference(*names: str):
    """Register one function as the reference of the named features (a family may share one)."""

    def register(fn):
        for n in names:
            REFERENCES[n] = fn
        return fn

    return register


def load_references() -> dict[str, Callable[[Entering], Value]]:
    """REFERENCES with every tests/models/references_*.py module imported (they register theirs)."""
    for path in sorted(Path(__file__).parent.glob("references_*.py")):
        importlib.import_module(path.stem)
    return REFERENCES


PRESEASON, POSTSEASON, REGULAR = "Pre Season", ("PlayIn", "Playoffs"), "Regular Season"
BOOTSTRAP_DAYS = 14


def dynamic_min(days: int, least: int, per_day: float, full: int) -> int:
    return min(full, max(least, math.floor(days * per_day)))


def mean(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def stdev(xs) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.stdev(xs) if len(xs) >= 2 else None


def clamp(x, lo, hi):
    return None if x is None else max(lo, min(hi, x))


def half_up(x: float) -> int:
    """SQL ROUND of a non-negative number (half away from zero)."""
    return math.floor(x + 0.5)


# -- the raw data, read once per warehouse -----------------------------------------------------------
@dataclass
class Game:
    """One played game of a player (minutes > 0 or points > 0), from raw.player_boxscores."""

    game_id: str
    date: date
    season: int
    season_type: str
    player_id: int
    team: str
    opp: str
    points: int
    minutes: float
    fga: int | None
    fta: int | None
    ftm: int | None
    tov: int | None
    source: str
    starter: bool | None = None  # NULL in the basic logs
    usage: float | None = None
    line: float | None = None  # the priority book's last pre-tip line of the game
    zones: tuple | None = None  # (paint, mid, three) attempts, None when the game has no shots


@dataclass
class TeamGame:
    """A team's game as the box scores give it (the offence of the team in the game)."""

    game_id: str
    date: date
    season: int
    team: str
    opp: str
    points: int | None
    poss: float | None
    known_minutes: float | None
    pace: float | None = None
    ortg: float | None = None
    win: bool | None = None
    zones: tuple | None = None  # (pa, pm, ma, mm, ta, tm) of the team's shots; None without shots


class Raw:
    """Plain reads of the raw tables (one connection), indexed by NBA player id, team and game."""

    def __init__(self, con):
        self.con = con
        q = lambda sql, *a: con.execute(sql, list(a)).fetchall()  # noqa: E731
        self.schedule = {
            g: (d, s, t, h, a)
            for g, d, s, t, h, a in q(
                "SELECT game_id, game_date, season_year, season_type, home_team_abbr, away_team_abbr "
                f"FROM raw.schedule WHERE season_type <> '{PRESEASON}'"
            )
        }
        self.opening = {}
        self.rs_next = {}
        for d, s, t, *_ in self.schedule.values():
            if t == REGULAR:
                self.opening[s] = min(self.opening.get(s, d), d)
            if t not in POSTSEASON:
                self.rs_next[s] = max(self.rs_next.get(s, d), d)
        self.rs_next = {s: d + timedelta(days=1) for s, d in self.rs_next.items()}
        self.team_dates: dict[tuple, list] = {}  # (team, season) -> scheduled game dates
        for _g, (d, s, _, h, a) in self.schedule.items():
            for t in (h, a):
                self.team_dates.setdefault((t, s), []).append(d)
        for v in self.team_dates.values():
            v.sort()
        # identity: the box score's player_lookup -> NBA id (one id per lookup)
        ids: dict[str, set] = {}
        for lk, pid in q(
            "SELECT player_lookup, player_id FROM reference.player_identity "
            "WHERE source IN ('player_box', 'basic_log') AND player_id IS NOT NULL"
        ):
            ids.setdefault(lk, set()).add(pid)
        assert all(len(v) == 1 for v in ids.values()), "a player_lookup with two NBA ids"
        self.pid = {lk: next(iter(v)) for lk, v in ids.items()}
        # shots per (game, team) and (game, player id)
        self.shot_games = {r[0] for r in q("SELECT DISTINCT game_id FROM raw.shots")}
        zone = (
            "CASE WHEN zone = 'paint' THEN 'p' WHEN zone = 'mid_range' THEN 'm' "
            "WHEN zone IN ('three', 'backcourt') THEN 't' END"
        )
        self.team_zones: dict[tuple, list] = {}
        for g, t, z, n, made in q(
            f"SELECT game_id, team_abbr, {zone}, count(*), count(*) FILTER (WHERE shot_made) "
            "FROM raw.shots GROUP BY ALL"
        ):
            if z:
                v = self.team_zones.setdefault((g, t), [0] * 6)
                i = "pmt".index(z) * 2
                v[i] += n
                v[i + 1] += made
        self.player_zones: dict[tuple, list] = {}
        for g, pid, z, n in q(f"SELECT game_id, player_id, {zone}, count(*) FROM raw.shots GROUP BY ALL"):
            if z:
                self.player_zones.setdefault((g, pid), [0, 0, 0])["pmt".index(z)] += n
        # pre-tip prop lines: per (game, player id, book) the first and last snapshot's line
        self.books: dict[tuple, dict] = {}
        for g, lk, book, first, last in q(
            "SELECT game_id, player_lookup, bookmaker, arg_min(points_line, snapshot_timestamp), "
            "arg_max(points_line, snapshot_timestamp) FROM raw.player_points_props "
            "WHERE minutes_before_tipoff >= 0 GROUP BY ALL"
        ):
            pid = self.pid.get(lk)
            if pid is not None:
                self.books.setdefault((g, pid), {})[book] = (first, last)
        self.game_lines = {
            g: (total, spread) for g, total, spread in q("SELECT game_id, total_line, home_spread FROM raw.game_lines")
        }
        self.injuries: dict[int, dict] = {}  # player id -> {date: is_out}
        for pid, d, ev in q("SELECT player_id, transaction_date, event FROM raw.injuries WHERE player_id IS NOT NULL"):
            days = self.injuries.setdefault(pid, {})
            days[d] = days.get(d, False) or ev == "out"
        self.injury_dates = sorted({r[0] for r in q("SELECT DISTINCT transaction_date FROM raw.injuries")})
        # official injury reports: the games each report lists, the teams it marks NOT YET
        # SUBMITTED, and each listed player's status
        self.report_games: dict[str, set] = {}  # game id -> report times listing it
        self.not_submitted: set[tuple] = set()  # (time, game id, team)
        self.report_status: dict[tuple, str] = {}  # (time, game id, player id) -> status
        for t, g, team, pid, status in q(
            "SELECT report_time_et, game_id, team_abbr, player_id, status FROM raw.injury_report"
        ):
            self.report_games.setdefault(g, set()).add(t)
            if status == "not_submitted":
                self.not_submitted.add((t, g, team))
            elif pid is not None:
                self.report_status[(t, g, pid)] = status
        self.line_dates = {
            (s, d)
            for d, s in q(
                "SELECT DISTINCT s.game_date, s.season_year FROM raw.game_lines l JOIN raw.schedule s USING (game_id)"
            )
        }
        self.full_box_dates = {
            (s, d)
            for s, d in q(
                "SELECT DISTINCT season_year, game_date FROM raw.player_boxscores WHERE source = 'player_box'"
            )
        }
        self.team_box_dates = {
            (s, d)
            for s, d in q("SELECT DISTINCT season_year, game_date FROM raw.team_boxscores WHERE source = 'team_box'")
        }
        self.shot_dates = {(s, d) for s, d in q("SELECT DISTINCT season_year, game_date FROM raw.shots")}
        self._box()
        self._teams()

    def _box(self):
        rows = self.con.execute(f"""
            SELECT game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, player_id,
                   coalesce("minutes", 0), coalesce(points, 0), fg_attempts, ft_attempts, ft_makes, turnovers, source,
                   starter
            FROM raw.player_boxscores WHERE season_type <> '{PRESEASON}'""").fetchall()
        self.box_rows = [r[:-1] for r in rows]
        self.games: dict[int, list[Game]] = {}  # player id -> played games, oldest first
        for g, d, s, t, team, opp, pid, mins, pts, fga, fta, ftm, tov, src, starter in rows:
            if mins > 0 or pts > 0:
                self.games.setdefault(pid, []).append(
                    Game(g, d, s, t, pid, team, opp, pts, float(mins), fga, fta, ftm, tov, src, starter)
                )
        for v in self.games.values():
            v.sort(key=lambda x: (x.date, x.game_id))
        # (game id, team) of every team-game the box scores hold
        self.boxed = {(g.game_id, g.team) for v in self.games.values() for g in v}

    def _teams(self):
        """Team-games as the box scores give them: the full team box, else the full player box
        summed (>= 5 players who played), else the basic logs (no attempts: no possessions)."""
        team_rows = {
            (g, t): r
            for g, t, *r in self.con.execute(f"""
            SELECT game_id, team_abbr, game_date, season_year, opponent_team_abbr, source, "minutes", points,
                   fg_attempts, ft_attempts, turnovers, offensive_rebounds
            FROM raw.team_boxscores WHERE season_type <> '{PRESEASON}'""").fetchall()
        }
        sums: dict[tuple, dict] = {}
        for g, d, s, _t, team, opp, _pid, mins, pts, _fga, _fta, _ftm, _tov, src in self.box_rows:
            if not (mins > 0 or pts > 0):
                continue
            v = sums.setdefault(
                (g, team),
                {
                    "d": d,
                    "s": s,
                    "opp": opp,
                    "src": src,
                    "n": 0,
                    "min": 0.0,
                    "pts": 0,
                    "fga": 0,
                    "fta": 0,
                    "tov": 0,
                    "oreb": 0,
                },
            )
            v["n"] += 1
            v["min"] += mins
            v["pts"] += pts
        oreb = {
            (g, t): (fga, fta, tov, o)
            for g, t, fga, fta, tov, o in self.con.execute(f"""
            SELECT game_id, team_abbr, sum(fg_attempts), sum(ft_attempts), sum(turnovers), sum(offensive_rebounds)
            FROM raw.player_boxscores WHERE season_type <> '{PRESEASON}' AND source = 'player_box'
              AND (coalesce("minutes", 0) > 0 OR coalesce(points, 0) > 0) GROUP BY ALL""").fetchall()
        }
        self.team_games: dict[tuple, TeamGame] = {}
        for key in set(team_rows) | set(sums):
            g, team = key
            tr, ps = team_rows.get(key), sums.get(key)
            ps_minutes = ps["min"] if ps and ps["n"] >= 5 else None
            if tr and tr[3] == "team_box":
                d, s, opp, _, mins, pts, fga, fta, tov, o = tr
                poss = fga + 0.44 * fta + tov - o
                known = float(mins) if mins is not None else ps_minutes
            elif ps and ps["src"] == "player_box" and ps["n"] >= 5:
                d, s, opp, pts = ps["d"], ps["s"], ps["opp"], ps["pts"]
                fga, fta, tov, o = oreb[key]
                poss = fga + 0.44 * fta + tov - o
                known = ps["min"]
            elif tr:  # the team's basic log
                d, s, opp, _, mins, pts, *_ = tr
                poss, known = None, float(mins) if mins is not None else ps_minutes
            elif ps and ps["n"] >= 5:  # the basic player log summed
                d, s, opp, pts, poss, known = ps["d"], ps["s"], ps["opp"], ps["pts"], None, ps["min"]
            else:
                continue
            z = self.team_zones.get(key, [0] * 6) if g in self.shot_games else None
            self.team_games[key] = TeamGame(g, d, s, team, opp, pts, poss, known, zones=tuple(z) if z else None)
        for (g, _team), tg in self.team_games.items():
            o = self.team_games.get((g, tg.opp))
            ots = [x.known_minutes for x in (tg, o) if x is not None and x.known_minutes is not None]
            ot = max(max(0, half_up((m - 240) / 25.0)) for m in ots) if ots else None
            if tg.poss is not None and ot is not None:
                tg.pace = tg.poss * 48.0 / (48 + 5 * ot)
            if tg.poss is not None and tg.poss > 0:
                tg.ortg = 100.0 * tg.points / tg.poss
            if o is not None and tg.points is not None and o.points is not None:
                tg.win = tg.points > o.points
        self.by_team: dict[tuple, list[TeamGame]] = {}
        for tg in self.team_games.values():
            self.by_team.setdefault((tg.team, tg.season), []).append(tg)
        for v in self.by_team.values():
            v.sort(key=lambda x: (x.date, x.game_id))
        # usage rate of each played game (team totals: the full team box, else the full player box summed)
        for games in self.games.values():
            for gm in games:
                gm.usage = self._usage(gm, team_rows, sums, oreb)
                gm.line = _priority_line(self.books.get((gm.game_id, gm.player_id), {}))
                if gm.game_id in self.shot_games:
                    gm.zones = tuple(self.player_zones.get((gm.game_id, gm.player_id), [0, 0, 0]))

    def _usage(self, gm, team_rows, sums, oreb):
        key = (gm.game_id, gm.team)
        tr, ps = team_rows.get(key), sums.get(key)
        if tr and tr[3] == "team_box":
            mins, fga, fta, tov = tr[4], tr[6], tr[7], tr[8]
        elif ps and ps["src"] == "player_box" and ps["n"] >= 5:
            mins = ps["min"]
            fga, fta, tov, _ = oreb[key]
        else:
            return None
        if gm.fga is None or gm.fta is None or gm.tov is None or not gm.minutes > 0:
            return None
        game_minutes = 48.0 + 5 * max(0, half_up((mins - 240) / 25.0)) if mins is not None else 48.0
        denom = fga + 0.44 * fta + tov
        if not denom > 0:
            return None
        u = 100.0 * (gm.fga + 0.44 * gm.fta + gm.tov) * game_minutes / (gm.minutes * denom)
        return u if u <= 100 else None

    def week_before(self, d: date):
        """The scheduled team-games of [D-7, D): (game, date, team, has box-score rows)."""
        if not hasattr(self, "_boxed"):
            self._boxed = {(g, t) for g, _, _, _, t, *_ in self.box_rows}
        return [
            (g, gd, t, (g, t) in self._boxed)
            for g, (gd, _, _, h, a) in self.schedule.items()
            if d - timedelta(days=7) <= gd < d
            for t in (h, a)
        ]

    def date_holes(self, d: date) -> list:
        """Scheduled dates of the week before D without any box-score row (no Phase 4 row on D)."""
        week = self.week_before(d)
        return sorted({gd for _, gd, _, _ in week} - {gd for _, gd, _, ok in week if ok})

    def team_holes(self, d: date) -> list:
        """Scheduled team-games of the week before D without the team's box score, on a date other
        teams have rows for (the product holds that team's Phase 4 rows back)."""
        week = self.week_before(d)
        dated = {gd for _, gd, _, ok in week if ok}
        return [(g, t) for g, gd, t, ok in week if not ok and gd in dated]

    def reported(self, game_id: str, team: str, player_id: int, d: date) -> str | None:
        """The player's status in the latest report before noon (US Eastern) of D that lists the
        game and does not mark his team NOT YET SUBMITTED ('available' when it does not list
        him); None when no report does."""
        cut = datetime.combine(d, time(INJURY_REPORT_CUTOFF_HOUR))
        times = [
            t for t in self.report_games.get(game_id, ()) if t < cut and (t, game_id, team) not in self.not_submitted
        ]
        if not times:
            return None
        return self.report_status.get((max(times), game_id, player_id), "available")

    # feeds, as the morning of D knows them (analytics.feed_coverage's rule, spelled plainly)
    def covers(self, feed: str, d: date, season: int) -> bool:
        if feed == "injuries":
            return any(d - timedelta(days=60) <= x < d for x in self.injury_dates)
        if feed == "game_lines":
            return any((season, d - timedelta(days=k)) in self.line_dates for k in range(0, 11))
        dates = {"shots": self.shot_dates, "full_box": self.full_box_dates, "team_box": self.team_box_dates}[feed]
        return any(s == season and x < d for s, x in dates)


def _priority_line(books: dict, which: int = 1):
    """The line of the first book in the order draftkings, fanduel, then others alphabetically
    (which: 0 the first pre-tip snapshot, 1 the last)."""
    if not books:
        return None
    book = min(books, key=lambda b: ({"draftkings": 0, "fanduel": 1}.get(b, 2), b))
    return books[book][which]


# -- one player entering D ---------------------------------------------------------------------------
@dataclass
class Entering:
    """A player entering the games of D, from the raw tables only. `games` = his played games of
    D's season before D, newest first; `team` / `opp` / `game_id` his game of D (the store row's
    keys); `raw` the shared plain reads."""

    raw: Raw
    d: date
    season: int
    player_id: int
    team: str
    opp: str
    game_id: str
    mates: tuple = ()  # the NBA ids of the other players of his team expected on D (the store's rows)
    _cache: dict = field(default_factory=dict)

    def other(self, player_id: int) -> Entering:
        """A teammate entering the same game of D."""
        return Entering(self.raw, self.d, self.season, player_id, self.team, self.opp, self.game_id)

    @cached_property
    def all_before(self) -> list[Game]:
        return [g for g in self.raw.games.get(self.player_id, []) if g.date < self.d]

    @cached_property
    def games(self) -> list[Game]:
        return [g for g in reversed(self.all_before) if g.season == self.season]

    @cached_property
    def days(self) -> int:
        return (self.d - self.raw.opening[self.season]).days

    @property
    def bootstrap(self) -> bool:
        return self.days < BOOTSTRAP_DAYS

    @cached_property
    def game(self):
        return self.raw.schedule[self.game_id]

    @property
    def home(self) -> bool:
        return self.game[3] == self.team

    @property
    def season_type(self) -> str:
        return self.game[2]

    # Phase 4 rows for D: none in the bootstrap window, none when a scheduled date of the week
    # before D has no box score at all (the dependency check); then the dynamic minimums.
    # (A team whose own games of that week lack box scores: the sampled dates have none, checked
    # by the test with team_holes.)
    @cached_property
    def phase4(self) -> bool:
        return not self.bootstrap and not self.raw.date_holes(self.d)

    @property
    def has_pdc(self) -> bool:
        return self.phase4 and len(self.games) >= dynamic_min(self.days, 4, 0.3, 5)

    @property
    def has_pcf(self) -> bool:
        return self.phase4

    @property
    def has_psza(self) -> bool:
        return self.phase4 and len(self.games) >= max(1, dynamic_min(self.days, 4, 0.3, 10))

    def team_games(self, team: str) -> list[TeamGame]:
        """A team's box-score games of D's season before D, newest first."""
        return [t for t in reversed(self.raw.by_team.get((team, self.season), [])) if t.date < self.d]

    def has_tdza(self, team: str) -> bool:
        return self.phase4 and len(self.team_games(team)) >= dynamic_min(self.days, 5, 0.4, 15)

    # UPGC's quantities
    @cached_property
    def days_rest(self) -> int | None:
        return (self.d - self.games[0].date).days if self.games else None

    @property
    def back_to_back(self) -> bool:
        return self.days_rest == 1

    def last_days(self, n: int) -> list[Game]:
        return [g for g in self.games if self.d - timedelta(days=n) <= g.date]

    @property
    def minutes_7(self) -> float:
        return float(sum(round(g.minutes, 3) for g in self.last_days(7)))

    @property
    def b2b_14(self) -> int:
        season = list(reversed(self.games))  # oldest first
        return sum(
            1 for a, b in pairwise(season) if (b.date - a.date).days == 1 and b.date >= self.d - timedelta(days=13)
        )

    def scheduled_before(self, team: str) -> list[date]:
        """The team's scheduled game dates of D's season before D, oldest first."""
        return [x for x in self.raw.team_dates.get((team, self.season), []) if x < self.d]

    @cached_property
    def opp_days_rest(self) -> int | None:
        before = self.scheduled_before(self.opp)
        return (self.d - before[-1]).days if before else None

    @cached_property
    def team_days_rest(self) -> int | None:
        before = self.scheduled_before(self.team)
        return (self.d - before[-1]).days if before else None

    @property
    def report_status(self) -> str | None:
        return self.raw.reported(self.game_id, self.team, self.player_id, self.d)

    @property
    def injury_out(self) -> bool:
        """His latest injury transaction day before D says 'out' (an 'out' wins the day) and is
        dated on or after his last game (any season)."""
        days = self.raw.injuries.get(self.player_id, {})
        before = [x for x in days if x < self.d]
        last_game = self.all_before[-1].date if self.all_before else None
        return bool(before) and days[max(before)] and last_game is not None and max(before) >= last_game

    @cached_property
    def books(self) -> dict:
        return self.raw.books.get((self.game_id, self.player_id), {})

    @property
    def line(self):
        return _priority_line(self.books, 1)

    @property
    def opening_line(self):
        return _priority_line(self.books, 0)

    def pts(self, n: int | None = None) -> list[int]:
        return [g.points for g in (self.games if n is None else self.games[:n])]

    @property
    def season_avg(self):
        return mean(self.pts())

    @property
    def season_std(self):
        return stdev(self.pts())


def first(*chain) -> Value:
    """The first (value, source) whose value is known, else (None, 'default')."""
    for v, src in chain:
        if v is not None:
            return v, src
    return None, "default"


# -- the references: one per feature of the registry --------------------------------------------------
@reference("points_avg_last_5")
def _(p):
    v = mean(p.pts(5))
    return first((v if p.has_pdc else None, "phase4"), (v, "phase3"))


@reference("points_avg_last_10")
def _(p):
    v = mean(p.pts(10))
    return first((v if p.has_pdc else None, "phase4"), (v, "phase3"))


@reference("points_avg_season")
def _(p):
    v = p.season_avg
    return first((v if p.has_pdc else None, "phase4"), (v, "calculated"))


@reference("points_std_last_10")
def _(p):
    v = stdev(p.pts(10))
    return first((v if p.has_pdc else None, "phase4"), (v, "calculated"))


@reference("games_in_last_7_days")
def _(p):
    return len(p.last_days(7)), ("phase4" if p.has_pdc else "phase3")


def fatigue(p) -> int:
    n7 = len(p.last_days(7))
    avg7 = p.minutes_7 / n7 if n7 else None
    f = 100 + (-15 if p.back_to_back else 5 if (1 if p.days_rest is None else p.days_rest) >= 3 else 0)
    f += -10 if n7 >= 4 else 0
    f += -10 if p.minutes_7 > 240 else 0
    f += -8 if (30 if avg7 is None else avg7) > 35 else 0
    f += -12 if p.b2b_14 >= 2 else -5 if p.b2b_14 == 1 else 0
    return max(0, min(100, f))


@reference("fatigue_score")
def _(p):
    return fatigue(p), ("phase4" if p.has_pcf else "phase3")


def team_pace10(p, team):
    return mean(t.pace for t in p.team_games(team)[:10])


def usage_mean(p, n):
    return mean(g.usage for g in p.games[:n])


@reference("pace_score")
def _(p):
    a, b = team_pace10(p, p.team), team_pace10(p, p.opp)
    v = clamp((a - b) / 2.0, -3.0, 3.0) if a is not None and b is not None else None
    return first((v if p.has_pcf else None, "phase4"), (v, "calculated"))


@reference("usage_spike_score")
def _(p):
    a, b = usage_mean(p, 3), usage_mean(p, 7)
    v = clamp(0.3 * (a - b), -3.0, 3.0) if a is not None and b is not None else None
    return first((v if p.has_pcf else None, "phase4"), (v, "calculated"))


# shot zones: the player's last-10 zone rates (PSZA) and the opponent's zone defence (TDZA)
def zone_rates(p):
    if not p.has_psza:
        return None
    last10 = p.games[:10]
    zg = [g.zones for g in last10 if g.zones is not None]
    tot = sum(sum(z) for z in zg)
    if len(zg) < 5 or tot < 20:
        return None
    return tuple(100.0 * sum(z[i] for z in zg) / tot for i in range(3))


def league_average(p):
    raw, d = p.raw, p.d
    end = min(d, raw.rs_next[p.season]) if p.season_type in POSTSEASON else d
    pcts = []
    for (_team, season), tgs in raw.by_team.items():
        if season != p.season:
            continue
        zg = []
        for t in tgs:
            if end - timedelta(days=30) <= t.date < end:
                o = raw.team_games.get((t.game_id, t.opp))
                if o is not None and o.zones is not None:
                    zg.append(o.zones)
        if len(zg) < 10:
            continue
        s = [sum(z[i] for z in zg) for i in range(6)]
        if s[0] and s[2] and s[4]:
            pcts.append((s[1] / s[0], s[3] / s[2], s[5] / s[4]))
    if len(pcts) < 10:
        return (0.580, 0.410, 0.355)
    return tuple(sum(x[i] for x in pcts) / len(pcts) for i in range(3))


def zone_defense_vs_league(p, team):
    """(paint, mid, three) zone FG% the team allowed over its last 15 games minus the league's,
    in percentage points (None per zone below the minimum sample); None without a TDZA row."""
    if not p.has_tdza(team):
        return None
    zg = []
    for t in p.team_games(team)[:15]:
        o = p.raw.team_games.get((t.game_id, t.opp))
        if o is not None and o.zones is not None:
            zg.append(o.zones)
    if len(zg) < 10:
        return (None, None, None)
    s = [sum(z[i] for z in zg) for i in range(6)]
    league = league_average(p)
    return tuple((s[2 * i + 1] / s[2 * i] - league[i]) * 100 if s[2 * i] >= 50 else None for i in range(3))


@reference("shot_zone_mismatch_score")
def _(p):
    if not p.has_pcf:
        return None, "default"
    rates = zone_rates(p)
    vs = zone_defense_vs_league(p, p.opp)
    if rates is None or vs is None:
        return None, "default"
    paint, mid, three = rates
    i = 0 if paint >= 40 else 2 if three >= 40 else 1 if mid >= 35 else 0
    if vs[i] is None:
        return None, "default"
    w = vs[i] * min(rates[i] / 50.0, 1.0)
    w = w * 1.2 if abs(w) > 5 else w
    return clamp(w, -10.0, 10.0), "phase4"


def _zone_share(i):
    def ref(p):
        r = zone_rates(p)
        return (r[i] / 100.0, "phase4") if r is not None else (None, "default")

    return ref


REFERENCES["pct_paint"], REFERENCES["pct_mid_range"], REFERENCES["pct_three"] = (
    _zone_share(0),
    _zone_share(1),
    _zone_share(2),
)


@reference("rest_advantage")
def _(p):
    if p.days_rest is None or p.opp_days_rest is None:
        return None, "default"
    return clamp(p.days_rest - p.opp_days_rest, -2, 2), "phase3"


@reference("injury_risk")
def _(p):
    if p.report_status is not None:  # the official report, where one covers the game
        return (3.0 if p.report_status in ("out", "doubtful") else 0.0), "phase3"
    return (3.0 if p.injury_out else 0.0), "phase3"


@reference("recent_trend")
def _(p):
    if len(p.games) < 5:
        return None, "default"
    diff = mean(p.pts(3)) - mean(g.points for g in p.games[3:5])
    return (2 if diff >= 5 else 1 if diff >= 2 else -2 if diff <= -5 else -1 if diff <= -2 else 0), "calculated"


@reference("minutes_change")
def _(p):
    m10, ms = mean(g.minutes for g in p.games[:10]), mean(g.minutes for g in p.games)
    if m10 is None or not ms:
        return None, "default"
    r = (m10 - ms) / ms
    return (2 if r >= 0.20 else 1 if r >= 0.10 else -2 if r <= -0.20 else -1 if r <= -0.10 else 0), "calculated"


def _opponent(attr):
    def ref(p):
        if not p.has_tdza(p.opp):
            return None, "default"
        vals = []
        for t in p.team_games(p.opp)[:15]:
            o = p.raw.team_games.get((t.game_id, t.opp))
            vals.append(getattr(o, attr) if o is not None else None)
        v = mean(vals)
        return (v, "phase4") if v is not None else (None, "default")

    return ref


REFERENCES["opponent_def_rating"], REFERENCES["opponent_pace"] = _opponent("ortg"), _opponent("pace")


@reference("home_away")
def _(p):
    return (1.0 if p.home else 0.0), "phase3"


@reference("back_to_back")
def _(p):
    return (1.0 if p.back_to_back else 0.0), "phase3"


@reference("playoff_game")
def _(p):
    return (1.0 if p.season_type in POSTSEASON else 0.0), "phase3"


@reference("pct_free_throw")
def _(p):
    ft = [(g.ftm, g.points) for g in p.games[:10] if g.ftm is not None]
    pts = sum(x[1] for x in ft)
    if len(ft) >= 5 and pts > 0:
        return clamp(sum(x[0] for x in ft) / pts, 0, 0.5), "calculated"
    return None, "default"


def _team(attr):
    def ref(p):
        v = mean(getattr(t, attr) for t in p.team_games(p.team)[:10])
        return first((v if p.has_pdc else None, "phase4"), (v, "calculated"))

    return ref


REFERENCES["team_pace"], REFERENCES["team_off_rating"] = _team("pace"), _team("ortg")


@reference("team_win_pct")
def _(p):
    w = [t.win for t in p.team_games(p.team) if t.win is not None]
    return (sum(w) / len(w), "calculated") if len(w) >= 5 else (None, "default")


@reference("vegas_points_line")
def _(p):
    return first((p.line, "phase3"))


@reference("vegas_opening_line")
def _(p):
    return first((p.opening_line, "phase3"))


@reference("vegas_line_move")
def _(p):
    return first((p.line - p.opening_line if p.line is not None else None, "phase3"))


@reference("has_vegas_line")
def _(p):
    return (1.0 if p.line is not None else 0.0), "phase3"


def vs_games(p):
    return [g.points for g in p.all_before if g.opp == p.opp and g.season >= p.season - 2]


@reference("avg_points_vs_opponent")
def _(p):
    return first((mean(vs_games(p)), "calculated"))


@reference("games_vs_opponent")
def _(p):
    return len(vs_games(p)), "calculated"


@reference("minutes_avg_last_10")
def _(p):
    v = mean(g.minutes for g in p.games[:10])
    return first((v if p.has_pdc else None, "phase4"), (v, "calculated"))


@reference("ppm_avg_last_10")
def _(p):
    mins = sum(g.minutes for g in p.games[:10])
    return first((sum(p.pts(10)) / mins if mins else None, "calculated"))


@reference("pts_slope_10g")
def _(p):
    season = list(reversed(p.games))  # oldest first: x = the game's number in the season
    last = list(enumerate(season, 1))[-10:]
    if len(last) < 5:
        return None, "default"
    n = len(last)
    sx, sy = sum(x for x, _ in last), sum(g.points for _, g in last)
    sxy, sxx = sum(x * g.points for x, g in last), sum(x * x for x, _ in last)
    den = n * sxx - sx * sx
    return first((clamp((n * sxy - sx * sy) / den, -20, 20) if den else None, "calculated"))


@reference("pts_vs_season_zscore")
def _(p):
    std = p.season_std
    return first(((mean(p.pts(5)) - p.season_avg) / std if std else None, "calculated"))


@reference("breakout_flag")
def _(p):
    std = p.season_std
    if not std:
        return None, "default"
    return (1.0 if mean(p.pts(5)) > p.season_avg + 1.5 * std else 0.0), "calculated"


def game_line(p):
    total, spread = p.raw.game_lines.get(p.game_id, (None, None))
    return total, (None if spread is None else spread if p.home else -spread)


@reference("game_total_line")
def _(p):
    return first((game_line(p)[0], "phase3"))


@reference("days_rest")
def _(p):
    return first((None if p.days_rest is None else min(p.days_rest, 10), "phase3"))


@reference("minutes_load_last_7d")
def _(p):
    return p.minutes_7, "phase3"


@reference("spread_magnitude")
def _(p):
    s = game_line(p)[1]
    return first((None if s is None else abs(s), "phase3"))


@reference("implied_team_total")
def _(p):
    total, s = game_line(p)
    return first((total / 2.0 - s / 2.0 if total is not None and s is not None else None, "phase3"))


@reference("points_avg_last_3")
def _(p):
    return first((mean(p.pts(3)), "calculated"))


@reference("deviation_from_avg_last3")
def _(p):
    a = mean(p.pts(3))
    return first((a - p.season_avg if a is not None else None, "calculated"))


@reference("consecutive_games_below_avg")
def _(p):
    season = list(reversed(p.games))
    if not season:
        return None, "default"
    streak = 0
    for i, g in enumerate(season):
        before = mean(x.points for x in season[:i])
        streak = 0 if before is None or g.points >= before else streak + 1
    return streak, "calculated"


@reference("usage_rate_last_5")
def _(p):
    return first((usage_mean(p, 5), "calculated"))


@reference("multi_book_line_std")
def _(p):
    lines = [last for _, last in p.books.values()]
    return first((stdev(lines) if len(lines) >= 2 else None, "calculated"))


def streak(p, over: bool):
    if p.line is None:
        return None
    n = 0
    for g in p.games:  # newest first; a push neither counts nor breaks
        if (g.points > p.line) if over else (g.points < p.line):
            n += 1
        elif g.points != p.line:
            break
    return n


@reference("prop_over_streak")
def _(p):
    return first((streak(p, True), "phase3"))


@reference("prop_under_streak")
def _(p):
    return first((streak(p, False), "phase3"))


@reference("line_vs_season_avg")
def _(p):
    a = p.season_avg
    return first((p.line - a if p.line is not None and a is not None else None, "calculated"))


@reference("over_rate_last_10")
def _(p):
    lined = [g for g in p.games[:10] if g.line is not None]
    return first((sum(1 for g in lined if g.points > g.line) / len(lined) if lined else None, "calculated"))


@reference("margin_vs_line_avg_last_5")
def _(p):
    return first((mean(g.points - g.line for g in p.games[:5] if g.line is not None), "calculated"))


@reference("minutes_volatility_last_10")
def _(p):
    return first((stdev(g.minutes for g in p.games[:10]), "calculated"))


@reference("opponent_pace_mismatch")
def _(p):
    a, b = team_pace10(p, p.team), team_pace10(p, p.opp)
    return first((a - b if a is not None and b is not None else None, "calculated"))


def _ewm(half_life):
    def ref(p):
        if not p.games:
            return None, "default"
        w = [0.5 ** ((p.d - g.date).days / half_life) for g in p.games]
        return sum(wi * g.points for wi, g in zip(w, p.games)) / sum(w), "calculated"

    return ref


for _f in features.FEATURES:
    if _f.name.startswith("points_ewm_") and _f.name.endswith("d"):
        REFERENCES[_f.name] = _ewm(int(_f.name[len("points_ewm_") : -1]))


def expected(p: Entering, f: features.Feature) -> Value:
    """The value and source the store must hold for feature f: its reference, except where the
    feature's feed does not cover D (then its registry default, source 'default'), and the
    registry default where the reference gives no value."""
    feed = features.feed_of(f.name)
    report_covers = feed == "injuries" and p.report_status is not None  # a report covers the injuries feed
    if feed is not None and not report_covers and not p.raw.covers(feed, p.d, p.season):
        return f.default, "default"
    v, src = REFERENCES[f.name](p)
    if v is None:
        return f.default, "default"
    return float(v), src
