"""Toy models (and helpers) for the runner tests: they read the real raw tables (fixture real_copy), so these
tests do not depend on the real models being finished."""

from __future__ import annotations

from pathlib import Path

DAILY_POINTS = """\
-- table: analytics.toy_daily_points
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: raw.player_boxscores
-- lookback_days: 0
SELECT game_date, count(*) AS players, sum(points) AS points
FROM raw.player_boxscores
WHERE game_date BETWEEN $start_date AND $end_date
GROUP BY game_date
"""

ROLLING = """\
-- table: precompute.toy_rolling
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: analytics.toy_daily_points, raw.schedule
-- lookback_days: 7
SELECT s.game_date, count(*) AS games_today,
       (SELECT sum(p.points) FROM analytics.toy_daily_points p
        WHERE p.game_date >= s.game_date - 7 AND p.game_date < s.game_date) AS points_last7
FROM raw.schedule s
WHERE s.season_type <> 'Pre Season' AND s.game_date BETWEEN $start_date AND $end_date
GROUP BY s.game_date
"""

# Fails (a cast error) on the dates listed in main.toy_poison: the test controls it.
FRAGILE = """\
-- table: analytics.toy_fragile
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: raw.schedule
-- lookback_days: 0
SELECT s.game_date, count(*) AS games,
       max(coalesce(CAST(p.val AS INTEGER), 0)) AS poison
FROM raw.schedule s LEFT JOIN main.toy_poison p USING (game_date)
WHERE s.season_type <> 'Pre Season' AND s.game_date BETWEEN $start_date AND $end_date
GROUP BY s.game_date
"""

# Downstream of the fragile one (blocked while it fails).
FRAGILE_CHILD = """\
-- table: precompute.toy_fragile_child
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: analytics.toy_fragile
-- lookback_days: 3
SELECT game_date, games * 2 AS doubled FROM analytics.toy_fragile
WHERE game_date BETWEEN $start_date AND $end_date
"""


def write_models(folder: Path, **models: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in models.items():
        (folder / f"{name}.sql").write_text(text)
    return folder


def table_rows(con, table: str) -> list[tuple]:
    return con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()


def state_rows(con) -> list[tuple]:
    """Saved state without the run-specific columns (run_id, done_at)."""
    return con.execute(
        "SELECT model, target_date, fingerprint, model_hash, rows_written, output_digest, "
        "failures_written FROM processing.model_state ORDER BY ALL"
    ).fetchall()


# kind full: no date parameters, the whole table at once (one row per season).
SEASON_OPENERS = """\
-- table: analytics.toy_season_openers
-- kind: full
-- grain: season_year
-- time_column: opening_night
-- depends_on: raw.schedule
-- lookback_days: 0
SELECT season_year, min(game_date) AS opening_night, count(*) AS games
FROM raw.schedule
WHERE season_type <> 'Pre Season'
GROUP BY season_year
"""

# by_date, downstream of the full model.
DAYS_SINCE_OPENER = """\
-- table: precompute.toy_days_since_opener
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: analytics.toy_season_openers, raw.schedule
-- lookback_days: 400
SELECT s.game_date, max(s.game_date - o.opening_night) AS days_since_opener
FROM raw.schedule s JOIN analytics.toy_season_openers o ON o.season_year = s.season_year
WHERE s.season_type <> 'Pre Season' AND s.game_date BETWEEN $start_date AND $end_date
GROUP BY s.game_date
"""
