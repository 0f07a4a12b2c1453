"""The NBA calendar's concepts, defined once.

The SQL models read them from the calendar model (analytics.game_calendar: one row per game
date with its season, game type, opening night, days since opening and bootstrap flag) or
through the render-time macros that spell these constants (nbaprops.macros); Python code
(the planner, the engines, validation) imports them from here. Nothing else spells a game
type or the bootstrap window."""

from __future__ import annotations

# Game types as the schedule spells them (raw.schedule.season_type).
PRESEASON = "Pre Season"
REGULAR_SEASON = "Regular Season"
PLAY_IN = "PlayIn"
PLAYOFFS = "Playoffs"
CUP_FINAL = "NBA Cup Final"
GAME_TYPES = (PRESEASON, REGULAR_SEASON, PLAY_IN, PLAYOFFS, CUP_FINAL)
# The phase of a game date is its latest game type in this order (a date never mixes the last
# three; the NBA Cup final is played during the regular season).
PHASE_ORDER = (REGULAR_SEASON, CUP_FINAL, PLAY_IN, PLAYOFFS)
# Games after the regular season (the playoff_game feature, the postseason flag).
POSTSEASON = (PLAY_IN, PLAYOFFS)

# A season opens on its first Regular Season date (opening night). The first BOOTSTRAP_DAYS
# days after it (days 0 .. BOOTSTRAP_DAYS - 1) are the bootstrap window: Phase 4 writes no
# rows there, only EXPECTED_INCOMPLETE failures.
BOOTSTRAP_DAYS = 14

# The official injury report's cut-off for D: a row keyed on D uses the latest report published
# before 12:00 US Eastern on D (the report's own printed time, Eastern wall clock). Noon precedes
# almost every tip-off (the few noon holiday games tip at 12:00 or later), so the rule is a
# pre-tip rule with one time for all of D's games, and the morning run that decides the day's
# bets sees the report the feature store will keep: a report published at noon or later changes
# nothing for D (it is D + 1's, if it lists D + 1's games).
INJURY_REPORT_CUTOFF_HOUR = 12
# The report statuses that count a player out of D's game (a doubtful player rarely plays).
REPORTED_OUT = ("out", "doubtful")

# The condition of a schedule or box-score row that is no preseason game (SQL; a constant).
NOT_PRESEASON_SQL = f"season_type <> '{PRESEASON}'"

# A game date is a date with at least one non-preseason game; its season is the (smallest)
# season_year of those games. Preseason dates are no game dates for any model.
GAME_DATES_SQL = f"""SELECT game_date, min(season_year) AS season_year
FROM raw.schedule WHERE {NOT_PRESEASON_SQL}
GROUP BY game_date"""


def sql_list(values: tuple[str, ...]) -> str:
    """A tuple of constants as an SQL list of string literals: ('PlayIn', 'Playoffs')."""
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"
