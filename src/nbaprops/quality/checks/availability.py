"""availability:* — bounds precompute.player_availability must keep over every row, each one
recomputed here from the box scores and the schedule, not read from the model:

- availability:missed_games   a player's missed-game counts (7 / 14 days, in a row) never exceed
                              his team's games before D that have a box score and come after his
                              last game this season for another team (a game without a box score
                              is unknown, and a traded player did not miss his new team's games
                              while he played for his old one)
- availability:vacated        the newly-out teammates vacate at most what one game holds
                              (features.GAME_MINUTES: five players for 48 minutes)
"""

from __future__ import annotations

from datetime import date

from ...calendar import PRESEASON
from ...features import GAME_MINUTES
from ...warehouse import Warehouse
from .base import FAIL, PASS, SAMPLE, WARN, CheckResult, Context, columns_of, key

PA = "precompute.player_availability"
PGS = "analytics.player_game_summary"


def check_missed_games(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "availability:missed_games"
    if not columns_of(wh, PA) or not columns_of(wh, PGS):
        return CheckResult(name, WARN, 0, "table not built yet")
    rows = wh.con.execute(
        f"""
        WITH pa AS (
            SELECT player_lookup, game_date, season_year, team_abbr, team_games_missed_7d,
                   team_games_missed_14d, consecutive_team_games_missed
            FROM {PA} WHERE game_date BETWEEN ? AND ?
        ),
        boxed AS (  -- each team's non-preseason games with a box score of the team
            SELECT DISTINCT s.game_id, s.game_date, s.season_year, b.team_abbr
            FROM raw.schedule s JOIN {PGS} b ON b.game_id = s.game_id
            WHERE s.season_type <> ? AND b.team_abbr IN (s.home_team_abbr, s.away_team_abbr)
        ),
        left_other AS (
            SELECT pa.player_lookup, pa.game_date, max(g.game_date) AS left_date
            FROM pa JOIN {PGS} g ON g.player_lookup = pa.player_lookup AND g.season_year = pa.season_year
                                AND g.game_date < pa.game_date AND g.team_abbr <> pa.team_abbr
            GROUP BY ALL
        ),
        bound AS (
            SELECT pa.player_lookup, pa.game_date,
                   count(b.game_id) FILTER (WHERE b.game_date >= pa.game_date - 7) AS games_7d,
                   count(b.game_id) FILTER (WHERE b.game_date >= pa.game_date - 14) AS games_14d,
                   count(b.game_id) AS games_season
            FROM pa LEFT JOIN left_other l USING (player_lookup, game_date)
            LEFT JOIN boxed b ON b.team_abbr = pa.team_abbr AND b.season_year = pa.season_year
                             AND b.game_date < pa.game_date
                             AND (l.left_date IS NULL OR b.game_date > l.left_date)
            GROUP BY ALL
        )
        SELECT pa.player_lookup, pa.game_date, pa.team_abbr,
               pa.team_games_missed_7d, bound.games_7d, pa.team_games_missed_14d, bound.games_14d,
               pa.consecutive_team_games_missed, bound.games_season
        FROM pa JOIN bound USING (player_lookup, game_date)
        WHERE pa.team_games_missed_7d > bound.games_7d OR pa.team_games_missed_14d > bound.games_14d
           OR pa.consecutive_team_games_missed > bound.games_season
        ORDER BY pa.game_date, pa.player_lookup""",
        [start, end, PRESEASON],
    ).fetchall()
    return CheckResult(
        name,
        FAIL if rows else PASS,
        len(rows),
        "missed team games counted only among the team's games with a box score after the player's "
        "last game this season for another team",
        [key(r[:3]) + f": missed {r[3]}/{r[5]}/{r[7]} of {r[4]}/{r[6]}/{r[8]}" for r in rows[:SAMPLE]],
    )


def check_vacated(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "availability:vacated"
    if not columns_of(wh, PA):
        return CheckResult(name, WARN, 0, "table not built yet")
    rows = wh.con.execute(
        f"""
        SELECT player_lookup, game_date, team_abbr, vacated_minutes, rotation_teammates_out FROM {PA}
        WHERE game_date BETWEEN ? AND ? AND vacated_minutes > ?
        ORDER BY game_date, player_lookup""",
        [start, end, GAME_MINUTES],
    ).fetchall()
    return CheckResult(
        name,
        FAIL if rows else PASS,
        len(rows),
        f"vacated_minutes <= {GAME_MINUTES:g} (what one game holds)",
        [key(r[:3]) + f": {r[3]:.1f} minutes from {r[4]} teammates" for r in rows[:SAMPLE]],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_missed_games(wh, ctx.start, ctx.end), check_vacated(wh, ctx.start, ctx.end)]
