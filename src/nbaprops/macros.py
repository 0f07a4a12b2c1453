"""Render-time macros of the SQL models, expanded when the catalog loads.

A model's SQL may call `@name` or `@name(arg, ...)`; the catalog replaces each call by the text
its function returns before anything parses or runs the model, so the checked-in SQL holds no
generated text and a definition lives once, here or in the module it names. Arguments are bare
words or numbers (window names such as l10, column names) or single-quoted strings; an unknown
macro or a bad argument is a ModelError naming the model.

Macros (see each function):
  constants   @preseason, @regular_season, @postseason, @bootstrap_days, @reported_out (nbaprops.calendar)
  injuries    @injury_report_cutoff(day): the official injury report's cut-off for a game date
  calendar    @phase_rank(season_type), @phase_name(rank), @min_games_required(days, least, per_day, window)
  samples     @zone_min(entity, what): the minimum samples of the zone fields (ZONE_MIN, below);
              @ts_min_attempts: the attempts a window's true shooting needs (TS_MIN_ATTEMPTS)
  formulas    @fatigue_score(alias): the fatigue score from a UPGC row
  completeness (nbaprops.completeness)
              @player_dependency_check, @team_dependency_check, @player_completeness_counts,
              @player_completeness(windows...), @team_completeness(windows...),
              @completeness_columns(alias, windows...)
  features    @feature_columns, @feature_sources, @feature_quality (nbaprops.features)
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import calendar
from .errors import ModelError

_CALL = re.compile(r"@([a-z_][a-z0-9_]*)(\(([^()]*)\))?")
_ARG = re.compile(r"\s*('(?:[^']|'')*'|[A-Za-z0-9_.]+)\s*")

MACROS: dict[str, Callable[..., str]] = {}


def macro(name: str | None = None):
    def register(fn: Callable[..., str]) -> Callable[..., str]:
        MACROS[name or fn.__name__] = fn
        return fn

    return register


def _args(text: str | None, where: str) -> list[str]:
    if text is None or not text.strip():
        return []
    out = []
    for part in text.split(","):
        m = _ARG.fullmatch(part)
        if not m:
            raise ModelError(f"{where}: bad macro argument {part.strip()!r}")
        a = m.group(1)
        out.append(a[1:-1].replace("''", "'") if a.startswith("'") else a)
    return out


_STRING_OR_COMMENT = re.compile(r"'(?:[^']|'')*'|--[^\n]*")


def _strip_comments(sql: str) -> str:
    """The SQL with `--` comments blanked (outside string literals), same length, so that a
    macro named in a comment is not expanded."""
    return _STRING_OR_COMMENT.sub(lambda m: m.group(0) if m.group(0)[0] == "'" else " " * len(m.group(0)), sql)


def render(sql: str, where: str = "model") -> str:
    """Expand every macro call of the model's SQL (outside comments and strings). Calls may
    expand to text with further calls (expanded in turn)."""
    for _ in range(10):
        code = _strip_comments(sql)
        calls = [m for m in _CALL.finditer(code) if not _in_string(code, m.start())]
        if not calls:
            return sql
        parts, last = [], 0
        for m in calls:
            name = m.group(1)
            fn = MACROS.get(name)
            if fn is None:
                raise ModelError(
                    f"{where}: unknown macro @{name}; macros: {', '.join('@' + k for k in sorted(MACROS))}"
                )
            try:
                text = fn(*_args(m.group(3), where))
            except TypeError as exc:
                raise ModelError(f"{where}: @{name}: {exc}") from exc
            parts += [sql[last : m.start()], text]
            last = m.end()
        sql = "".join(parts) + sql[last:]
    raise ModelError(f"{where}: macros expand into each other without end")


def _in_string(code: str, pos: int) -> bool:
    return code.count("'", 0, pos) % 2 == 1


def strip_comments(sql: str) -> str:
    """The SQL without comments and with whitespace collapsed: what the state hash covers
    (fixing a model's header prose recomputes nothing)."""
    return " ".join(_strip_comments(sql).split())


# -- constants: nbaprops.calendar ------------------------------------------------------------------
def _lit(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


@macro()
def preseason() -> str:
    return _lit(calendar.PRESEASON)


@macro()
def regular_season() -> str:
    return _lit(calendar.REGULAR_SEASON)


@macro()
def postseason() -> str:
    return calendar.sql_list(calendar.POSTSEASON)


@macro()
def bootstrap_days() -> str:
    return str(calendar.BOOTSTRAP_DAYS)


@macro()
def injury_report_cutoff(day: str) -> str:
    """The time before which an injury report counts for game date `day` (calendar.INJURY_REPORT_CUTOFF_HOUR)."""
    return f"(CAST({day} AS TIMESTAMP) + INTERVAL {calendar.INJURY_REPORT_CUTOFF_HOUR} HOUR)"


@macro()
def reported_out() -> str:
    return calendar.sql_list(calendar.REPORTED_OUT)


@macro()
def phase_rank(season_type: str) -> str:
    """The rank of a game type in calendar.PHASE_ORDER (0 = regular season)."""
    whens = " ".join(f"WHEN {_lit(t)} THEN {i}" for i, t in enumerate(calendar.PHASE_ORDER))
    return f"CASE {season_type} {whens} END"


@macro()
def phase_name(rank: str) -> str:
    """The game type of a phase_rank."""
    whens = " ".join(f"WHEN {i} THEN {_lit(t)}" for i, t in enumerate(calendar.PHASE_ORDER))
    return f"CASE {rank} {whens} END"


@macro()
def min_games_required(days_since_opening: str, least_games: str, per_day: str, full_window: str) -> str:
    """The dynamic minimum of games an entity needs after the bootstrap window: `per_day` games
    per day since opening night, at least `least_games`, at most the model's full window."""
    lo, rate, hi = int(least_games), float(per_day), int(full_window)
    return f"least({hi}, greatest({lo}, CAST(floor({days_since_opening} * {rate}) AS INTEGER)))"


# -- minimum samples of the zone fields ----------------------------------------------------------
# A zone field (a share of a player's shots, a zone FG% a team allows, its difference to the league)
# is NULL, with the reason said in the row, when the window's games with shot zones are fewer than
# these (playoff and play-in games have no shot zones: their windows hold few or none).
ZONE_MIN = {
    # player_shot_zone_analysis, last-10 window: zone games, zone attempts of all zones (the rates),
    # attempts of one zone (that zone's pct); the last-20 fields need 15 zone games
    ("player", "games"): 5,
    ("player", "attempts"): 20,
    ("player", "zone_attempts"): 10,
    ("player", "games_20"): 15,
    # team_defense_zone_analysis, last-15 window: zone games (also a team's minimum to count in
    # the league average), attempts allowed in one zone (that zone's pct and vs-league value)
    ("team", "games"): 10,
    ("team", "attempts"): 50,
}


@macro()
def zone_min(entity: str, what: str) -> str:
    """A minimum sample of the zone fields: ZONE_MIN[(entity, what)]."""
    try:
        return str(ZONE_MIN[(entity, what)])
    except KeyError:
        raise TypeError(f"no zone minimum for {entity!r}, {what!r}; known: {sorted(ZONE_MIN)}") from None


# True shooting over a window (points / (2 * (FGA + 0.44 * FTA)), sums over the window's games with
# attempts) needs at least this many attempts (FGA + FTA), else NULL.
TS_MIN_ATTEMPTS = 10


@macro()
def ts_min_attempts() -> str:
    return str(TS_MIN_ATTEMPTS)


@macro()
def fatigue_score(alias: str) -> str:
    """The 0-100 fatigue score (higher = more rested) from a UPGC row's fields under `alias`, with
    the spec's defaults for NULLs: one definition for player_composite_factors and the feature
    store's fallback (nbaprops.features, fatigue_score)."""
    a = alias + "."
    return (
        f"greatest(0, least(100, 100"
        f" + CASE WHEN coalesce({a}back_to_back, false) THEN -15 WHEN coalesce({a}days_rest, 1) >= 3 THEN 5 ELSE 0 END"
        f" + CASE WHEN coalesce({a}games_in_last_7_days, 3) >= 4 THEN -10 ELSE 0 END"
        f" + CASE WHEN coalesce({a}minutes_in_last_7_days, 200) > 240 THEN -10 ELSE 0 END"
        f" + CASE WHEN coalesce({a}avg_minutes_per_game_last_7, 30) > 35 THEN -8 ELSE 0 END"
        f" + CASE WHEN coalesce({a}back_to_backs_last_14_days, 0) >= 2 THEN -12"
        f" WHEN coalesce({a}back_to_backs_last_14_days, 0) = 1 THEN -5 ELSE 0 END))"
    )


# The completeness and feature macros live with their concepts; importing registers them.
from . import completeness as _completeness  # noqa: E402,F401
from . import features as _features  # noqa: E402,F401
