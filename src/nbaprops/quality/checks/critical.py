"""critical:* — critical fields of two tables: TDGS opp_paint_attempts > 0 for every team-game whose
game has shot data; no NULL *_defense_vs_league_avg in TDZA rows whose zone sample reaches the
minimum (nbaprops.macros.ZONE_MIN: zone games, and no zone below its attempts: calculation_notes
empty) outside the bootstrap window."""

from __future__ import annotations

from datetime import date

from ...calendar import BOOTSTRAP_DAYS
from ...macros import ZONE_MIN
from ...warehouse import Warehouse, quote_ident
from .base import FAIL, PASS, SAMPLE, WARN, CheckResult, Context, columns_of, key

TDGS = "analytics.team_defense_game_summary"
TDZA = "precompute.team_defense_zone_analysis"


def check_tdgs_paint(wh: Warehouse, start: date, end: date) -> CheckResult:
    name, t = "critical:tdgs_opp_paint_attempts", TDGS
    have = columns_of(wh, t)
    if not have:
        return CheckResult(name, WARN, 0, "table not built yet")
    if "opp_paint_attempts" not in have:
        return CheckResult(name, FAIL, 0, "column opp_paint_attempts missing")
    rows = wh.con.execute(
        f"""
        SELECT t.game_id, t.defending_team_abbr, t.game_date, t.opp_paint_attempts
        FROM {t} t
        WHERE t.game_date BETWEEN ? AND ?
          AND EXISTS (SELECT 1 FROM raw.shots s WHERE s.game_id = t.game_id)
          AND coalesce(t.opp_paint_attempts, 0) <= 0
        ORDER BY t.game_date, t.game_id""",
        [start, end],
    ).fetchall()
    return CheckResult(
        name,
        FAIL if rows else PASS,
        len(rows),
        "opp_paint_attempts > 0 for every team-game whose game has shot data",
        [f"{r[0]}/{r[1]} {r[2]}: {r[3]}" for r in rows[:SAMPLE]],
    )


def check_tdza_vs_league(wh: Warehouse, start: date, end: date) -> CheckResult:
    name, t = "critical:tdza_defense_vs_league_avg", TDZA
    have = columns_of(wh, t)
    if not have:
        return CheckResult(name, WARN, 0, "table not built yet")
    vs = [c for c in have if c.endswith("_defense_vs_league_avg")]
    if not vs:
        return CheckResult(name, FAIL, 0, "no *_defense_vs_league_avg columns")
    has_zone = (
        f"zone_games_in_sample >= {int(ZONE_MIN[('team', 'games')])}" if "zone_games_in_sample" in have else "TRUE"
    ) + (" AND calculation_notes IS NULL" if "calculation_notes" in have else "")
    boot = "days_since_opening >= ?" if "days_since_opening" in have else "TRUE"
    null_any = " OR ".join(f"{quote_ident(c)} IS NULL" for c in vs)
    rows = wh.con.execute(
        f"""
        SELECT team_abbr, analysis_date FROM {t}
        WHERE analysis_date BETWEEN ? AND ? AND {boot} AND {has_zone} AND ({null_any})
        ORDER BY 2, 1""",
        [start, end, *([BOOTSTRAP_DAYS] if "days_since_opening" in have else [])],
    ).fetchall()
    return CheckResult(
        name,
        FAIL if rows else PASS,
        len(rows),
        f"no NULL {', '.join(vs)} outside the bootstrap window where the zone sample reaches the minimum",
        [key(r) for r in rows[:SAMPLE]],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_tdgs_paint(wh, ctx.start, ctx.end), check_tdza_vs_league(wh, ctx.start, ctx.end)]
