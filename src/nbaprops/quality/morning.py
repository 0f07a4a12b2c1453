"""The world as of the morning of D: the test of the first law (design.md, "Test of the law").

`morning_of(con, d)` reduces the source data of a warehouse to what was known on the morning of
D; re-running the models on that world must leave every row keyed on D (label_* aside)
unchanged. It is the one definition used by `nbaprops validate` (the point-in-time check) and by
the model tests. Each source table has one rule:

- raw.schedule: every game stays (the schedule is known in advance); the results (home_wl) of
  games on or after D are blanked;
- raw.player_boxscores, raw.team_boxscores, raw.shots: games before D only;
- raw.game_lines: games up to D; D's final scores (total_points, home_margin) blanked;
- raw.player_points_props: snapshots taken before tip-off (minutes_before_tipoff >= 0) of games
  up to D; none of later games, no in-game snapshot of any game;
- raw.injuries: transactions dated before D;
- raw.injury_report: reports published before D's cut-off (12:00 US Eastern on D,
  calendar.INJURY_REPORT_CUTOFF_HOUR), of any game;
- reference.players (a digest of the box scores): recomputed from the box scores that remain;
- reference.teams: static, kept.

Three copies of this cut existed (validation, the Phase 3 and Phase 4 tests) and agreed on the
rules above except in-game snapshots and reference.players; a fourth, narrower one (the Phase 3
box-score test) removed box scores from D on and the in-game snapshots of its dates but kept
results, lines, injuries and props of later games. Where they differed the strictest correct
reading is taken:
- in-game snapshots of games before D are removed too (the copies kept them, the box-score test
  removed them): they exist on the morning of D, but the first law lets no row use a snapshot
  taken after tip-off (every model's pre-tip filter excludes them), so removing them must change
  nothing, and the cut then tests that as well;
- everything the box-score test kept (results from D on, later lines, later props, injuries
  from D on) is removed or blanked: none of it was known that morning;
- a row whose date or snapshot offset is unknown is removed (one copy kept such rows through
  coalesce(condition, TRUE)): nothing shows it was known that morning. Today these columns are
  NOT NULL, so no such row exists;
- reference.players is recomputed (no copy did): its last game date and game count would
  otherwise describe games from D on (no model reads it today).

A source table without a rule is an error: a new source cannot slip past the cut unnoticed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from ..catalog import SOURCE_TABLES
from ..ingest.loader import _refresh_players as refresh_players
from ..macros import injury_report_cutoff
from ..warehouse import Warehouse, one, quote_ident, quote_table

# The rows kept: a condition on the table's columns with $d = D. Every comparison with a NULL
# is NULL, and only rows whose condition IS TRUE stay.
KEEP = {
    "raw.player_boxscores": "game_date < $d",
    "raw.team_boxscores": "game_date < $d",
    "raw.shots": "game_date < $d",
    "raw.game_lines": "game_date <= $d",
    "raw.player_points_props": "game_date <= $d AND minutes_before_tipoff >= 0",
    "raw.injuries": "transaction_date < $d",
    "raw.injury_report": f"report_time_et < {injury_report_cutoff('$d')}",
}
# Outcomes of D and later in the rows that stay: (table, columns, rows) set to NULL.
BLANK = (
    ("raw.schedule", ("home_wl",), "game_date >= $d"),
    ("raw.game_lines", ("total_points", "home_margin"), "game_date = $d"),
)
# Kept whole: known in advance (the schedule, the teams) or rebuilt from the cut box scores.
WHOLE = ("raw.schedule", "reference.teams", "reference.players")


def morning_of(con: duckdb.DuckDBPyConnection, d: date) -> dict[str, int]:
    """Reduce the source tables behind `con` to the world as of the morning of D (see the module
    docstring). Returns, per table, how many rows were removed or had outcomes blanked (so a
    caller can check the cut took something away). Run it inside a transaction to make it
    atomic; it never commits."""
    unruled = SOURCE_TABLES - set(KEEP) - set(WHOLE) - {t for t, _, _ in BLANK}
    if unruled:
        raise ValueError(f"morning_of: no rule for source table(s) {', '.join(sorted(unruled))}")
    changed: dict[str, int] = {}
    for table, keep in KEEP.items():
        changed[table] = _keep_only(con, table, keep, d)
    for table, cols, where in BLANK:
        blank = " OR ".join(f"{quote_ident(c)} IS NOT NULL" for c in cols)
        n = one(
            con.execute(
                f"UPDATE {quote_table(table)} SET {', '.join(f'{quote_ident(c)} = NULL' for c in cols)} "
                f"WHERE ({where}) AND ({blank})",
                {"d": d},
            )
        )[0]
        changed[table] = changed.get(table, 0) + n
    before = one(con.execute("SELECT coalesce(sum(games), 0) FROM reference.players"))[0]
    refresh_players(con)  # as ingest builds it, from the box scores that remain
    after = one(con.execute("SELECT coalesce(sum(games), 0) FROM reference.players"))[0]
    changed["reference.players"] = int(before - after)  # box-score games no longer counted
    return changed


def morning_of_file(path: str | Path, d: date) -> dict[str, int]:
    """morning_of on the warehouse file at `path`, in one transaction."""
    with Warehouse.open(path) as wh, wh.transaction() as con:
        return morning_of(con, d)


def _keep_only(con: duckdb.DuckDBPyConnection, table: str, keep: str, d: date) -> int:
    """Keep the rows of `table` whose `keep` condition is TRUE; returns how many went.

    The table is rebuilt rather than DELETEd from: deleting a million indexed rows takes several
    times longer. The rebuilt table has no primary key or NOT NULL constraints; the morning
    world is a throw-away copy that only the runner reads, and its rows (a subset) still satisfy
    them."""
    t = quote_table(table)
    total = one(con.execute(f"SELECT count(*) FROM {t}"))[0]
    con.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * FROM {t} WHERE ({keep}) IS TRUE", {"d": d})
    return total - one(con.execute(f"SELECT count(*) FROM {t}"))[0]
