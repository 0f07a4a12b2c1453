"""schedule:home_team — raw.schedule names as home the team the game's box scores call home
(raw.team_boxscores, else raw.player_boxscores: home_game), for every game that has one. The
bundled files and `nbaprops fetch` follow one rule (NBA.com's listing, at a neutral site too:
ingest/sources.py SCHEDULE); a schedule row that disagrees with its own box score would put the
home-court features on the wrong team."""

from __future__ import annotations

from datetime import date

from ...warehouse import Warehouse
from .base import FAIL, PASS, SAMPLE, WARN, CheckResult, Context, columns_of


def check_home_team(wh: Warehouse, start: date, end: date) -> CheckResult:
    name = "schedule:home_team"
    if not columns_of(wh, "raw.schedule"):
        return CheckResult(name, WARN, 0, "no schedule loaded yet")
    rows = wh.con.execute(
        """
        WITH box_home AS (  -- the home team each game's box scores name (team box first)
            SELECT game_id, arg_max(team_abbr, priority) AS home
            FROM (SELECT game_id, team_abbr, 2 AS priority FROM raw.team_boxscores WHERE home_game
                  UNION ALL
                  SELECT DISTINCT game_id, team_abbr, 1 FROM raw.player_boxscores WHERE home_game)
            GROUP BY game_id
        )
        SELECT s.game_id, s.game_date, s.home_team_abbr, b.home
        FROM raw.schedule s JOIN box_home b USING (game_id)
        WHERE s.game_date BETWEEN ? AND ? AND s.home_team_abbr <> b.home
        ORDER BY s.game_date, s.game_id""",
        [start, end],
    ).fetchall()
    return CheckResult(
        name,
        FAIL if rows else PASS,
        len(rows),
        "the schedule's home team is the one the game's box score calls home",
        [f"{r[0]} {r[1]}: schedule {r[2]}, box score {r[3]}" for r in rows[:SAMPLE]],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_home_team(wh, ctx.start, ctx.end)]
