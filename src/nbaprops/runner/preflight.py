"""Pre-flight check before Phase 4 runs over a range: Phase 3 must cover the schedule's dates.

For every non-preseason game date of the schedule in [start − lookback, end) (the dates Phase 4
reads for the range: a row keyed on D reads games before D, back to its earliest window), each
Phase 3 box-score table must hold rows for the date's games. A date is covered when the table
holds rows of both teams of every game scheduled that day: one team's missing game leaves its
date uncovered. Coverage = covered dates / scheduled dates, per table, over the whole span.
Below MIN_COVERAGE (95 %) for any table, the backfill stops (unless told to skip the check) and
shows the gaps: per table, the dates with missing games (covered / scheduled games)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from ..calendar import NOT_PRESEASON_SQL
from ..warehouse import table_exists

MIN_COVERAGE = 95.0
LOOKBACK_DAYS = 30  # Phase 4 windows reach back at most 30 days (last 15/20 games, last 30 days)
# table -> the column naming the team of a row (player rows too: a game is covered when the table
# has rows for both of its teams)
PHASE3 = {
    "analytics.player_game_summary": "team_abbr",
    "analytics.team_offense_game_summary": "team_abbr",
    "analytics.team_defense_game_summary": "defending_team_abbr",
}


@dataclass
class TableCoverage:
    table: str
    scheduled_dates: int
    covered_dates: int  # dates with rows of every scheduled game
    scheduled_games: int
    covered_games: int
    gaps: list[tuple[date, int, int]] = field(default_factory=list)  # (date, scheduled, covered games)

    @property
    def pct(self) -> float:
        return 100.0 * self.covered_dates / self.scheduled_dates if self.scheduled_dates else 100.0

    @property
    def ok(self) -> bool:
        return self.pct >= MIN_COVERAGE


@dataclass
class Preflight:
    start: date
    end: date
    tables: list[TableCoverage]

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)


def check(con: duckdb.DuckDBPyConnection, start: date, end: date) -> Preflight:
    """Phase 3 coverage of the schedule's game dates over [start − LOOKBACK_DAYS, end)."""
    lo = start - timedelta(days=LOOKBACK_DAYS)
    out = []
    for table, team_col in PHASE3.items():
        exists = table_exists(con, table)
        rows = (
            f"SELECT DISTINCT game_date, {team_col} AS team FROM {table} WHERE game_date >= ? AND game_date < ?"
            if exists
            else "SELECT NULL::DATE AS game_date, NULL::VARCHAR AS team WHERE ? IS NULL AND ? IS NULL"
        )
        per_date = con.execute(
            f"""
            WITH s AS (SELECT game_date, home_team_abbr AS home, away_team_abbr AS away FROM raw.schedule
                       WHERE {NOT_PRESEASON_SQL} AND game_date >= ? AND game_date < ?),
                 r AS ({rows})
            SELECT s.game_date, count(*) AS scheduled,
                   count(*) FILTER (WHERE h.team IS NOT NULL AND a.team IS NOT NULL) AS covered
            FROM s
            LEFT JOIN r h ON h.game_date = s.game_date AND h.team = s.home
            LEFT JOIN r a ON a.game_date = s.game_date AND a.team = s.away
            GROUP BY s.game_date ORDER BY s.game_date""",
            [lo, end, lo, end],
        ).fetchall()
        gaps = [(d, s, c) for d, s, c in per_date if c < s]
        out.append(
            TableCoverage(
                table,
                len(per_date),
                len(per_date) - len(gaps),
                sum(r[1] for r in per_date),
                sum(r[2] for r in per_date),
                gaps,
            )
        )
    return Preflight(start, end, out)
