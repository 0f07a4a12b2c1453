"""A small hand-written Polars reference of nine core rolling features (`make bench` reports
backfill_real / polars_reference).

It reads the player-games of an ingested warehouse once (DuckDB -> Arrow -> Polars; timed apart
from the compute) and computes, for every player-game on D, nine point-in-time features of the
feature store (predictions.ml_feature_store_v2; definitions in src/nbaprops/features.py) from
the player's games strictly before D:

  points_avg_last_5     mean points of his last 5 games this season before D
  points_avg_last_10    mean points of his last 10 games this season before D
  points_avg_season     mean points of his games this season before D
  points_std_last_10    sample standard deviation (n - 1) of points over those last 10 (>= 2 games)
  minutes_avg_last_10   mean minutes over those last 10 games
  ppm_avg_last_10       sum of points / sum of minutes over those last 10 games (NULL at 0 minutes)
  fta_rate_last_10      free-throw attempts per field-goal attempt over those last 10 games, when
                        they hold >= 10 field-goal attempts (basic-log games have no attempts and
                        count for nothing, as SQL's sum skips NULL)
  games_in_last_7_days  his games with D - 7 <= game_date < D this season
  days_rest             days since his last game this season, capped at 10 (NULL without one)

The rows (analytics.player_game_summary's): raw.player_boxscores, non-preseason, game_date in
[--start-date, --end-date], played = minutes > 0 or points > 0 (the table's key is (game_id,
player_lookup), so no duplicates). Every window is the player's games of D's season (the
feature store's windows never cross a season), ordered by date; "before D" = shifted by one game.

Not the whole feature store: nine features of the ~85, for the player-games alone (the store
also holds the expected players who then did not play), computed in memory and not written.
So the ratio measures the set-based pipeline's cost (every table, every feature, checks,
writes) against this narrow core, not like for like.

--check WAREHOUSE_BACKFILLED compares the values with predictions.ml_feature_store_v2's on the
player-games the store holds (its universe is the expected players, so a player's first game
for a new team, say, is not there): the reference's value, else the registry default when it
has none, rounded to 6 decimals as the store rounds, against the store's; a row mismatches when
one side is NULL and the other not or they differ by more than 1e-6. All nine match exactly on
the bundled four seasons.

Features left out because they cannot be matched from the player-games alone: minutes_load_last_7d
(UPGC sums minutes rounded to 3 decimals), usage-based ones (need the team totals), the shot
zones (raw.shots) and games against the opponent (three seasons back).

Usage:
  python benchmarks/polars_reference.py WAREHOUSE            # time read and compute; one JSON line
  python benchmarks/polars_reference.py --check WAREHOUSE    # also compare with the feature store
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import duckdb
import polars as pl

from nbaprops.calendar import PRESEASON

REAL_START, REAL_END = "2021-10-19", "2025-06-30"
FEATURES = (
    "points_avg_last_5",
    "points_avg_last_10",
    "points_avg_season",
    "points_std_last_10",
    "minutes_avg_last_10",
    "ppm_avg_last_10",
    "fta_rate_last_10",
    "games_in_last_7_days",
    "days_rest",
)
TOLERANCE = 1e-6

READ_SQL = """
SELECT player_lookup, game_id, game_date, season_year, points, "minutes", fg_attempts, ft_attempts
FROM raw.player_boxscores
WHERE season_type <> ? AND game_date BETWEEN ? AND ? AND ("minutes" > 0 OR points > 0)
"""


def read(warehouse: str, start: str, end: str) -> pl.DataFrame:
    """The player-games, read once through Arrow."""
    con = duckdb.connect(warehouse, read_only=True)
    try:
        table = con.sql(READ_SQL, params=[PRESEASON, start, end]).to_arrow_table()
    finally:
        con.close()
    return pl.from_arrow(table)


def compute(games: pl.DataFrame) -> pl.DataFrame:
    """One row per player-game: the nine features entering it (player_lookup, game_date, …)."""
    season = ("player_lookup", "season_year")
    g = games.sort("player_lookup", "season_year", "game_date", "game_id")
    # each game's inputs shifted by one game within the player's season: row i sees games < i
    before = g.with_columns(
        pl.col("points").cast(pl.Float64).shift(1).over(season).alias("p"),
        pl.col("minutes").shift(1).over(season).alias("m"),
        pl.col("fg_attempts").shift(1).over(season).alias("fga"),
        pl.col("ft_attempts").shift(1).over(season).alias("fta"),
        pl.col("game_date").shift(1).over(season).alias("prev_date"),
        pl.lit(1, dtype=pl.Int32).alias("one"),
    )
    pts10 = pl.col("p").rolling_sum(10, min_samples=1)
    min10 = pl.col("m").rolling_sum(10, min_samples=1)
    fga10 = pl.col("fga").rolling_sum(10, min_samples=1)
    fta10 = pl.col("fta").rolling_sum(10, min_samples=1)
    out = before.with_columns(
        pl.col("p").rolling_mean(5, min_samples=1).over(season).alias("points_avg_last_5"),
        pl.col("p").rolling_mean(10, min_samples=1).over(season).alias("points_avg_last_10"),
        (pl.col("p").cum_sum() / pl.col("p").cum_count()).over(season).alias("points_avg_season"),
        pl.col("p").rolling_std(10, min_samples=2, ddof=1).over(season).alias("points_std_last_10"),
        pl.col("m").rolling_mean(10, min_samples=1).over(season).alias("minutes_avg_last_10"),
        pl.when(min10 != 0).then(pts10 / min10).over(season).alias("ppm_avg_last_10"),
        pl.when(fga10 >= 10).then(fta10 / fga10).over(season).alias("fta_rate_last_10"),
        pl.col("one")
        .rolling_sum_by("game_date", window_size="7d", closed="left")
        .over(season)
        .fill_null(0)
        .cast(pl.Float64)
        .alias("games_in_last_7_days"),
        (pl.col("game_date") - pl.col("prev_date"))
        .dt.total_days()
        .clip(upper_bound=10)
        .cast(pl.Float64)
        .alias("days_rest"),
    )
    return out.select("player_lookup", "game_date", "game_id", *FEATURES)


def check(features: pl.DataFrame, warehouse: str) -> dict:
    """Compare with predictions.ml_feature_store_v2 on the player-games it holds."""
    from nbaprops.features import by_name

    registry = by_name()
    con = duckdb.connect(warehouse, read_only=True)
    try:
        store = pl.from_arrow(
            con.sql(
                f"SELECT player_lookup, game_date, {', '.join(FEATURES)} FROM predictions.ml_feature_store_v2"
            ).to_arrow_table()
        )
    finally:
        con.close()
    both = features.join(store, on=["player_lookup", "game_date"], how="inner", suffix="_store")
    per_feature: dict[str, int] = {}
    valued: dict[str, int] = {}  # compared rows where the store holds a value (not NULL)
    bad_any = pl.lit(False)
    for name in FEATURES:
        default = registry[name].default
        ours = pl.col(name).fill_null(default).round(6) if default is not None else pl.col(name).round(6)
        theirs = pl.col(f"{name}_store")
        bad = (
            (ours.is_null() != theirs.is_null()) | ((ours - theirs).abs() > TOLERANCE + 1e-9).fill_null(False)
        ).fill_null(True)
        per_feature[name] = int(both.select(bad.sum()).item())
        valued[name] = int(both.select(theirs.is_not_null().sum()).item())
        bad_any = bad_any | bad
    mismatching = int(both.select(bad_any.sum()).item())
    return {
        "compared_rows": both.height,
        "store_rows": store.height,
        "reference_rows": features.height,
        "mismatching_rows": mismatching,
        "mismatches_by_feature": per_feature,
        "store_values_by_feature": valued,
        "matched": mismatching == 0 and both.height > 0,
        "tolerance": TOLERANCE,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("warehouse", nargs="?", help="an ingested warehouse (DuckDB file)")
    ap.add_argument("--check", metavar="WAREHOUSE_BACKFILLED", help="compare with this backfilled warehouse's store")
    ap.add_argument("--start-date", default=REAL_START)
    ap.add_argument("--end-date", default=REAL_END)
    args = ap.parse_args()
    warehouse = args.warehouse or args.check
    if not warehouse:
        ap.error("give a warehouse (or --check WAREHOUSE_BACKFILLED)")
    t0 = time.perf_counter()
    games = read(warehouse, args.start_date, args.end_date)
    t1 = time.perf_counter()
    features = compute(games)
    t2 = time.perf_counter()
    report: dict = {
        "rows": features.height,
        "features": list(FEATURES),
        "read_s": round(t1 - t0, 4),
        "compute_s": round(t2 - t1, 4),
    }
    if args.check:
        report["check"] = check(features, args.check)
    print(json.dumps(report))
    return 0 if not args.check or report["check"]["matched"] else 1


if __name__ == "__main__":
    sys.exit(main())
