"""universe:<table> — failure completeness of a Phase 4 (by_date_with_failures) model: every
entity of its declared universe has a row or a failure row for each computed date, never both
(a DATE_LEVEL failure covers the whole date). The universes, as catalog.UNIVERSES declares them:
season_teams = the season's teams in the schedule; season_players = players with a played game
this season before D; upcoming_players = the UPGC players of D."""

from __future__ import annotations

from datetime import date

from ...calendar import PRESEASON, sql_list
from ...catalog import Model
from ...warehouse import Warehouse, quote_ident, quote_table
from ..seasons import date_seasons_sql
from .base import FAIL, FAILURES, PASS, SAMPLE, WARN, CheckResult, Context

NOT_PRESEASON = f"season_type NOT IN {sql_list((PRESEASON,))}"
PGS = "analytics.player_game_summary"
UPGC = "analytics.upcoming_player_game_context"
# A played game, as the season_players universe counts it.
PLAYED = "(minutes_played > 0 OR fg_attempts > 0 OR points > 0)"


def _season_dates() -> str:
    return f"(SELECT * FROM ({date_seasons_sql()}) WHERE d BETWEEN $1 AND $2)"


def _season_teams() -> str:
    return f"""SELECT ds.d, t.team_abbr AS entity FROM {_season_dates()} ds JOIN (
                  SELECT DISTINCT season_year, home_team_abbr AS team_abbr FROM raw.schedule WHERE {NOT_PRESEASON}
                  UNION SELECT DISTINCT season_year, away_team_abbr FROM raw.schedule WHERE {NOT_PRESEASON}
                ) t ON t.season_year = ds.season_year"""


def _season_players() -> str:
    return f"""SELECT ds.d, f.player_lookup AS entity FROM {_season_dates()} ds JOIN (
                  SELECT player_lookup, season_year, min(game_date) AS first_game
                  FROM {PGS}
                  WHERE {NOT_PRESEASON} AND {PLAYED}
                  GROUP BY ALL) f
                ON f.season_year = ds.season_year AND f.first_game < ds.d"""


def _upcoming_players() -> str:
    return f"""SELECT DISTINCT game_date AS d, player_lookup AS entity
               FROM {UPGC} WHERE game_date BETWEEN $1 AND $2"""


# universe -> (SQL of its (d, entity) pairs over [$1, $2], description, the table it reads)
UNIVERSE_SQL = {
    "season_teams": (_season_teams, "the season's teams in raw.schedule", "raw.schedule"),
    "season_players": (_season_players, f"players with a played game this season before D ({PGS})", PGS),
    "upcoming_players": (_upcoming_players, f"the UPGC players of D ({UPGC})", UPGC),
}


def universe_sql(universe: str | None) -> tuple[str, str, str] | None:
    """SQL yielding (d, entity) for a declared universe over [$1, $2], its description and the
    table it reads; None for an unknown universe."""
    if universe not in UNIVERSE_SQL:
        return None
    build, desc, source = UNIVERSE_SQL[universe]
    return build(), desc, source


def check_universe(wh: Warehouse, model: Model, start: date, end: date) -> CheckResult:
    name = f"universe:{model.table}"
    if not wh.table_exists(model.table):
        return CheckResult(name, WARN, 0, "table not built yet")
    u = universe_sql(model.universe)
    if u is None:
        return CheckResult(name, WARN, 0, f"no universe known: {model.universe!r}")
    usql, udesc, source = u
    if not wh.table_exists(source):
        return CheckResult(name, WARN, 0, f"universe = {udesc}: {source} not built yet")
    tc, ent, t = quote_ident(model.time_column), quote_ident(model.failure_entity), quote_table(model.table)
    sql = f"""
        WITH uni AS ({usql}),
        fails AS (SELECT analysis_date AS d, entity_id AS entity FROM {FAILURES}
                  WHERE processor_name = $3 AND analysis_date BETWEEN $1 AND $2),
        rows_ AS (SELECT DISTINCT {tc} AS d, {ent}::VARCHAR AS entity FROM {t} WHERE {tc} BETWEEN $1 AND $2),
        computed AS (SELECT d FROM rows_ UNION SELECT d FROM fails
                     UNION SELECT target_date FROM processing.model_state
                     WHERE model = $4 AND target_date BETWEEN $1 AND $2),
        date_level AS (SELECT DISTINCT d FROM fails WHERE entity = 'DATE_LEVEL')
        SELECT 'missing' AS kind, uni.d, uni.entity FROM uni
        WHERE uni.d IN (SELECT d FROM computed) AND uni.d NOT IN (SELECT d FROM date_level)
          AND NOT EXISTS (SELECT 1 FROM rows_ r WHERE r.d = uni.d AND r.entity = uni.entity)
          AND NOT EXISTS (SELECT 1 FROM fails f WHERE f.d = uni.d AND f.entity = uni.entity)
        UNION ALL
        SELECT 'row and failure', r.d, r.entity FROM rows_ r JOIN fails f USING (d, entity)
        ORDER BY 1, 2, 3"""
    bad = wh.con.execute(sql, [start, end, model.failures, model.name]).fetchall()
    missing = sum(1 for b in bad if b[0] == "missing")
    both = len(bad) - missing
    total = wh.con.execute(
        f"SELECT count(*) FROM ({usql}) WHERE d IN (SELECT DISTINCT {tc} FROM {t}) "
        f"OR d IN (SELECT analysis_date FROM {FAILURES} WHERE processor_name = $3)",
        [start, end, model.failures],
    ).fetchall()[0][0]
    return CheckResult(
        name,
        FAIL if bad else PASS,
        len(bad),
        f"universe = {udesc}; {total:,} entity-dates; {missing} without a row or failure, {both} with both",
        [f"{b[0]}: {b[2]} on {b[1]}" for b in bad[:SAMPLE]],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_universe(wh, m, ctx.start, ctx.end) for m in ctx.catalog.ordered() if m.writes_failures]
