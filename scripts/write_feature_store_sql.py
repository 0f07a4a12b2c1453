"""Writes src/nbaprops/models/predictions/ml_feature_store_v2.sql from the feature registry.

The feature expressions live here, next to each other; the registry (nbaprops.features) gives
the order, defaults and names. Run after changing either; tests/models/test_feature_store.py
checks that the checked-in model matches this output."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nbaprops.completeness import MODEL_WINDOWS, PLAYER_DEPS, output_columns, player_windows  # noqa: E402
from nbaprops.features import FEATURE_VERSION, FEATURES, QUALITY_WEIGHTS  # noqa: E402

# name -> list of (source, SQL expression) tried in order; the registry default comes last.
# Note: DuckDB's greatest/least ignore NULL arguments, so clamps guard NULL inputs explicitly.
CHAINS: dict[str, list[tuple[str, str]]] = {
    "points_avg_last_5": [("phase4", "pdc.points_avg_last_5"), ("phase3", "u.points_avg_last_5")],
    "points_avg_last_10": [("phase4", "pdc.points_avg_last_10"), ("phase3", "u.points_avg_last_10")],
    "points_avg_season": [("phase4", "pdc.points_avg_season"), ("phase3", "h.season_avg")],
    "points_std_last_10": [("phase4", "pdc.points_std_last_10")],
    "games_in_last_7_days": [("phase4", "pdc.games_in_last_7_days"), ("phase3", "u.games_in_last_7_days")],
    "fatigue_score": [("phase4", "pcf.fatigue_score")],
    "shot_zone_mismatch_score": [("phase4", "pcf.shot_zone_mismatch_score")],
    "pace_score": [("phase4", "pcf.pace_score")],
    "usage_spike_score": [("phase4", "pcf.usage_spike_score")],
    "rest_advantage": [("calculated", "CASE WHEN u.days_rest IS NOT NULL AND u.opponent_days_rest IS NOT NULL "
                                      "THEN greatest(-2, least(2, u.days_rest - u.opponent_days_rest)) END")],
    "injury_risk": [("calculated", "CASE WHEN u.player_status = 'out' THEN 3.0 WHEN u.player_status IS NOT NULL THEN 0.0 END")],
    "recent_trend": [("calculated", """CASE WHEN h.n_last5 < 5 THEN NULL
                 WHEN h.avg_newest3 - h.avg_older2 >= 5 THEN 2 WHEN h.avg_newest3 - h.avg_older2 >= 2 THEN 1
                 WHEN h.avg_newest3 - h.avg_older2 <= -5 THEN -2 WHEN h.avg_newest3 - h.avg_older2 <= -2 THEN -1
                 ELSE 0 END""")],
    "minutes_change": [("calculated", """CASE WHEN coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) IS NULL OR h.minutes_avg_season IS NULL
                      OR h.minutes_avg_season = 0 THEN NULL
                 ELSE CASE WHEN (coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season >= 0.20 THEN 2
                           WHEN (coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season >= 0.10 THEN 1
                           WHEN (coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season <= -0.20 THEN -2
                           WHEN (coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season <= -0.10 THEN -1
                           ELSE 0 END END""")],
    "opponent_def_rating": [("phase4", "opp.defensive_rating_last_15")],
    "opponent_pace": [("phase4", "opp.opponent_pace")],
    "home_away": [("phase3", "CASE WHEN u.home_game THEN 1.0 ELSE 0.0 END")],
    "back_to_back": [("phase3", "CASE WHEN u.back_to_back THEN 1.0 WHEN u.back_to_back IS NOT NULL THEN 0.0 END")],
    "playoff_game": [("phase3", "CASE WHEN u.season_type IN ('Playoffs', 'PlayIn') THEN 1.0 ELSE 0.0 END")],
    "pct_paint": [("phase4", "psza.paint_rate_last_10 / 100.0")],
    "pct_mid_range": [("phase4", "psza.mid_range_rate_last_10 / 100.0")],
    "pct_three": [("phase4", "psza.three_pt_rate_last_10 / 100.0")],
    "pct_free_throw": [("calculated", "CASE WHEN h.n_ft_last10 >= 5 AND h.pts_ft_last10 > 0 THEN greatest(0, least(0.5, h.ftm_last10 / h.pts_ft_last10)) END")],
    "team_pace": [("phase4", "pdc.team_pace_last_10"), ("phase3", "tm.team_pace_last_10")],
    "team_off_rating": [("phase4", "pdc.team_off_rating_last_10"), ("phase3", "tm.team_off_rating_last_10")],
    "team_win_pct": [("calculated", "CASE WHEN tm.team_games_season >= 5 THEN tm.team_wins_season / tm.team_games_season END")],
    "vegas_points_line": [("phase3", "u.current_points_line")],
    "vegas_opening_line": [("phase3", "u.opening_points_line")],
    "vegas_line_move": [("phase3", "u.current_points_line - u.opening_points_line")],
    "has_vegas_line": [("phase3", "CASE WHEN u.current_points_line IS NOT NULL THEN 1.0 ELSE 0.0 END")],
    "avg_points_vs_opponent": [("calculated", "vs.avg_points_vs_opponent")],
    "games_vs_opponent": [("calculated", "coalesce(vs.games_vs_opponent, 0)")],
    "minutes_avg_last_10": [("phase4", "pdc.minutes_avg_last_10"), ("calculated", "h.minutes_avg_last_10")],
    "ppm_avg_last_10": [("calculated", "h.points_last10 / nullif(h.minutes_last10, 0)")],
    "pts_slope_10g": [("calculated", "CASE WHEN h.n_last10 >= 5 THEN greatest(-20, least(20, h.pts_slope_10g)) END")],
    "pts_vs_season_zscore": [("calculated", "CASE WHEN h.season_std > 0 THEN (h.avg_last5 - h.season_avg) / h.season_std END")],
    "breakout_flag": [("calculated", "CASE WHEN h.season_std > 0 THEN CASE WHEN h.avg_last5 > h.season_avg + 1.5 * h.season_std THEN 1.0 ELSE 0.0 END END")],
    "game_total_line": [("phase3", "u.game_total")],
    "days_rest": [("phase3", "CASE WHEN u.days_rest IS NOT NULL THEN least(u.days_rest, 10) END")],
    "minutes_load_last_7d": [("phase3", "u.minutes_in_last_7_days")],
    "spread_magnitude": [("phase3", "abs(u.game_spread)")],
    "implied_team_total": [("phase3", "u.game_total / 2.0 - u.game_spread / 2.0")],
    "points_avg_last_3": [("calculated", "h.avg_last3")],
    "deviation_from_avg_last3": [("calculated", "h.avg_last3 - h.season_avg")],
    "consecutive_games_below_avg": [("calculated", "h.below_avg_streak")],
    "usage_rate_last_5": [("calculated", "h.usage_last5")],
    "multi_book_line_std": [("calculated", "bk.multi_book_line_std")],
    "prop_over_streak": [("phase3", "u.prop_over_streak")],
    "prop_under_streak": [("phase3", "u.prop_under_streak")],
    "line_vs_season_avg": [("calculated", "u.current_points_line - h.season_avg")],
    "over_rate_last_10": [("calculated", "h.over_rate_last10")],
    "margin_vs_line_avg_last_5": [("calculated", "h.margin_vs_line_last5")],
    "minutes_volatility_last_10": [("calculated", "h.minutes_std_last10")],
    "opponent_pace_mismatch": [("calculated", "tm.team_pace_last_10 - otm.team_pace_last_10")],
}

HEADER = f"""-- table: predictions.ml_feature_store_v2
-- kind: by_date
-- grain: player_lookup, game_date
-- time_column: game_date
-- depends_on: analytics.upcoming_player_game_context, analytics.player_game_summary, analytics.team_offense_game_summary, precompute.player_completeness, precompute.player_daily_cache, precompute.player_composite_factors, precompute.player_shot_zone_analysis, precompute.team_defense_zone_analysis, raw.player_points_props
-- lookback_days: 1100
--
-- The ML feature store: one row per player expected on D (the UPGC universe), one named column
-- per feature of the registry (src/nbaprops/features.py, version {FEATURE_VERSION}) with its
-- source tag (phase4 / phase3 / calculated / default), quality columns and labels. Every input
-- describes the state entering D: Phase 4 rows keyed on D, Phase 3 history strictly before D,
-- pre-tip lines only. label_* columns are outcomes of D and feed no feature.
-- Completeness columns (not features; definition in src/nbaprops/completeness.py): the player's
-- last 10 (primary) and 5 expected games and his expected games in [D-7, D) and [D-14, D)
-- against his PGS rows; is_production_ready when all are >= 90 % and the week before D has no
-- hole in PGS (a whole scheduled date, or a game of the player's team, without rows), else
-- completeness_reason.
-- GENERATED by scripts/write_feature_store_sql.py from the registry: edit that script, not this file.
"""

BODY = """WITH u AS (
    SELECT * FROM analytics.upcoming_player_game_context
    WHERE game_date BETWEEN $start_date AND $end_date
),
cmp_dates AS (
    SELECT DISTINCT game_date AS d, season_year FROM u
),
cmp_universe AS (
    SELECT player_lookup AS entity_id, season_year, game_date AS d FROM u
),
-- completeness:deps:begin (from src/nbaprops/completeness.py)
""" + PLAYER_DEPS + """
-- completeness:deps:end
-- completeness:windows:begin (from src/nbaprops/completeness.py)
""" + player_windows(MODEL_WINDOWS["ml_feature_store_v2"]) + """
-- completeness:windows:end
pgs AS (  -- the universe's players' games before the range end, back to the lookback
    SELECT player_lookup, game_date, season_year, opponent_team_abbr, points, minutes_played, ft_makes,
           usage_rate, points_line,
           row_number() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS game_seq
    FROM analytics.player_game_summary
    WHERE game_date >= $read_start AND game_date < $end_date
      AND player_lookup IN (SELECT player_lookup FROM u)  -- only the universe's players' histories
),
entering AS (  -- the player's season mean entering each game (for the below-average streak);
               -- only the universe's seasons: every window below stays within D's season
    SELECT *, avg(points) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS avg_before
    FROM pgs
    WHERE season_year IN (SELECT season_year FROM u)
),
marked AS (
    SELECT *, max(CASE WHEN avg_before IS NULL OR points >= avg_before THEN game_seq END)
                  OVER (PARTITION BY player_lookup, season_year ORDER BY game_date
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_not_below
    FROM entering
),
h AS (  -- the state after each game, over the player's season up to and including it; a row keyed
        -- on D joins the player's last game before D, so every window ends strictly before D
    SELECT player_lookup, season_year, game_date,
           avg(points) OVER s AS season_avg, stddev_samp(points) OVER s AS season_std,
           avg(minutes_played) OVER s AS minutes_avg_season,
           avg(points) OVER l3 AS avg_last3, avg(points) OVER l5 AS avg_last5, count(*) OVER l5 AS n_last5,
           avg(points) OVER l3 AS avg_newest3, avg(points) OVER older2 AS avg_older2,
           count(*) OVER l10 AS n_last10,
           avg(minutes_played) OVER l10 AS minutes_avg_last_10,
           stddev_samp(minutes_played) OVER l10 AS minutes_std_last10,
           sum(points) OVER l10 AS points_last10, sum(minutes_played) OVER l10 AS minutes_last10,
           sum(ft_makes) OVER l10 AS ftm_last10,
           sum(CASE WHEN ft_makes IS NOT NULL THEN points END) OVER l10 AS pts_ft_last10,
           count(ft_makes) OVER l10 AS n_ft_last10,
           -- least-squares slope of points on the game number, from exact integer window sums
           (count(*) OVER l10 * sum(game_seq * points) OVER l10 - sum(game_seq) OVER l10 * sum(points) OVER l10)::DOUBLE
               / nullif(count(*) OVER l10 * sum(game_seq * game_seq) OVER l10 - sum(game_seq) OVER l10 * sum(game_seq) OVER l10, 0)
               AS pts_slope_10g,
           avg(usage_rate) OVER l5 AS usage_last5,
           sum(CASE WHEN points > points_line THEN 1.0 WHEN points_line IS NOT NULL THEN 0.0 END) OVER l10
               / nullif(count(points_line) OVER l10, 0) AS over_rate_last10,
           avg(points - points_line) OVER l5 AS margin_vs_line_last5,
           game_seq - last_not_below AS below_avg_streak
    FROM marked
    WINDOW s AS (PARTITION BY player_lookup, season_year ORDER BY game_date
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
           l3 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
           l5 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
           older2 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS BETWEEN 4 PRECEDING AND 3 PRECEDING),
           l10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
),
vs AS (  -- games against this opponent over the last 3 seasons before D
    SELECT u.player_lookup, u.game_date, avg(p.points) AS avg_points_vs_opponent, count(*) AS games_vs_opponent
    FROM u JOIN pgs p
      ON p.player_lookup = u.player_lookup AND p.opponent_team_abbr = u.opponent_team_abbr
     AND p.game_date < u.game_date AND p.season_year >= u.season_year - 2
    GROUP BY u.player_lookup, u.game_date
),
team_dates AS (
    SELECT DISTINCT season_year, game_date, team_abbr FROM u
    UNION SELECT DISTINCT season_year, game_date, opponent_team_abbr FROM u
),
team_hist AS (  -- each team's games this season before D, newest first
    SELECT d.team_abbr, d.game_date, t.pace, t.offensive_rating, t.win_flag,
           row_number() OVER (PARTITION BY d.team_abbr, d.game_date ORDER BY t.game_date DESC) AS rn
    FROM team_dates d JOIN analytics.team_offense_game_summary t
      ON t.team_abbr = d.team_abbr AND t.season_year = d.season_year AND t.game_date < d.game_date
     AND t.game_date >= $read_start
),
tm AS (
    SELECT team_abbr, game_date,
           avg(pace) FILTER (WHERE rn <= 10) AS team_pace_last_10,
           avg(offensive_rating) FILTER (WHERE rn <= 10) AS team_off_rating_last_10,
           count(win_flag)::DOUBLE AS team_games_season,
           count(*) FILTER (WHERE win_flag)::DOUBLE AS team_wins_season
    FROM team_hist GROUP BY team_abbr, game_date
),
book_lines AS (  -- each book's last pre-tip line for the player's game on D
    SELECT p.game_id, p.player_lookup, p.bookmaker,
           arg_max(p.points_line, p.snapshot_timestamp) AS line
    FROM raw.player_points_props p
    WHERE p.game_date BETWEEN $start_date AND $end_date AND p.minutes_before_tipoff >= 0
    GROUP BY p.game_id, p.player_lookup, p.bookmaker
),
bk AS (
    SELECT game_id, player_lookup, CASE WHEN count(*) >= 2 THEN stddev_samp(line) END AS multi_book_line_std
    FROM book_lines GROUP BY game_id, player_lookup
),
base AS (
    SELECT u.player_lookup, u.game_date, u.game_id, u.season_year, u.team_abbr, u.opponent_team_abbr,
           u.label_points, u.label_minutes, u.label_played, u.current_points_line AS label_line,
"""


def feature_exprs() -> tuple[list[str], list[str]]:
    values, sources = [], []
    for f in FEATURES:
        chain = CHAINS[f.name]
        default = "NULL" if f.default is None else repr(float(f.default))
        vals = [f"({expr})" for _, expr in chain]
        values.append(f"round(CAST(coalesce({', '.join(vals + [default])}) AS DOUBLE), 6) AS {f.name}")
        whens = " ".join(f"WHEN ({expr}) IS NOT NULL THEN '{src}'" for src, expr in chain)
        sources.append(f"CASE {whens} ELSE 'default' END AS {f.name}_source")
    return values, sources


def build() -> str:
    values, sources = feature_exprs()
    lines = [HEADER, BODY]
    cols = values + sources
    lines.append("           " + ",\n           ".join(cols))
    lines.append("""    FROM u
    LEFT JOIN precompute.player_daily_cache pdc ON pdc.player_lookup = u.player_lookup AND pdc.cache_date = u.game_date
    LEFT JOIN precompute.player_composite_factors pcf ON pcf.player_lookup = u.player_lookup AND pcf.game_date = u.game_date
    LEFT JOIN precompute.player_shot_zone_analysis psza ON psza.player_lookup = u.player_lookup AND psza.analysis_date = u.game_date
    LEFT JOIN precompute.team_defense_zone_analysis opp ON opp.team_abbr = u.opponent_team_abbr AND opp.analysis_date = u.game_date
    LEFT JOIN h ON h.player_lookup = u.player_lookup AND h.season_year = u.season_year AND h.game_date = u.last_game_date
    LEFT JOIN vs ON vs.player_lookup = u.player_lookup AND vs.game_date = u.game_date
    LEFT JOIN tm ON tm.team_abbr = u.team_abbr AND tm.game_date = u.game_date
    LEFT JOIN tm otm ON otm.team_abbr = u.opponent_team_abbr AND otm.game_date = u.game_date
    LEFT JOIN bk ON bk.game_id = u.game_id AND bk.player_lookup = u.player_lookup
)""")
    weight = lambda n: ("CASE " + n + "_source " + " ".join(
        f"WHEN '{s}' THEN {w}" for s, w in QUALITY_WEIGHTS.items() if s != "default") + f" ELSE {QUALITY_WEIGHTS['default']} END")
    required = [f for f in FEATURES if not f.optional]
    score = " +\n           ".join(weight(f.name) for f in FEATURES)
    defaults = " +\n           ".join(f"CASE WHEN {f.name}_source = 'default' THEN 1 ELSE 0 END" for f in required)
    feature_cols = ",\n       ".join(f"{f.name}, {f.name}_source" for f in FEATURES)
    lines.append(f"""SELECT player_lookup, game_date, game_id, season_year, team_abbr, opponent_team_abbr,
       {feature_cols},
       '{FEATURE_VERSION}' AS feature_version,
       {len(FEATURES)} AS feature_count,
       round(({score}) / {len(FEATURES)}.0, 2) AS feature_quality_score,
       ({defaults}) AS default_feature_count,
       label_points, label_minutes, label_played,
       CASE WHEN label_played AND label_line IS NOT NULL THEN label_points > label_line END AS label_over_line
FROM base""")
    return "\n".join(lines)


def final_sql() -> str:
    inner = build()
    head, select = inner.rsplit("SELECT player_lookup, game_date, game_id, season_year, team_abbr, opponent_team_abbr,", 1)
    return (head + "scored AS (\nSELECT player_lookup, game_date, game_id, season_year, team_abbr, opponent_team_abbr," + select
            + "\n)\nSELECT scored.*,\n       " + completeness_columns() + ",\n"
              "       CASE WHEN feature_quality_score >= 95 THEN 'gold' WHEN feature_quality_score >= 75 THEN 'silver'\n"
              "            WHEN feature_quality_score >= 50 THEN 'bronze' WHEN feature_quality_score >= 25 THEN 'poor'\n"
              "            ELSE 'unusable' END AS quality_tier,\n"
              "       default_feature_count = 0 AS is_training_ready\nFROM scored\n"
              "LEFT JOIN cmp_out c ON c.entity_id = scored.player_lookup AND c.d = scored.game_date\n"
              "LEFT JOIN cmp_date_check dc ON dc.d = scored.game_date\n"
              "LEFT JOIN cmp_team_check tc ON tc.d = scored.game_date AND tc.team_abbr = scored.team_abbr\n")


def completeness_columns() -> str:
    """The completeness columns; a row whose week before D has a hole in the upstream (the whole
    date, or the player's team: see src/nbaprops/completeness.py) is not production-ready, and
    its reason names the hole first."""
    cols = output_columns(MODEL_WINDOWS["ml_feature_store_v2"])
    hole = ("CASE WHEN dc.d IS NOT NULL THEN 'analytics.player_game_summary has no rows for ' || dc.missing_dates\n"
            "                 || ' scheduled game date(s) in the 7 days before ' || scored.game_date"
            " || ' (first ' || dc.first_missing_date || ')'\n"
            "            WHEN tc.d IS NOT NULL THEN 'analytics.player_game_summary has no row of ' || scored.team_abbr"
            " || ' for ' || tc.missing_games\n"
            "                 || ' of its scheduled game(s) in the 7 days before ' || scored.game_date"
            " || ' (first ' || tc.first_missing_game || ')' END")
    sep = ",\n       "
    return (cols.replace(", c.expected_games", sep + "c.expected_games")
                .replace(", c.is_production_ready",
                         sep + "(c.is_production_ready AND dc.d IS NULL AND tc.d IS NULL) AS is_production_ready")
                .replace(", c.completeness_reason",
                         sep + f"nullif(concat_ws('; ',\n            {hole},\n            c.completeness_reason), '')"
                         " AS completeness_reason"))


def model_sql() -> str:
    return final_sql().replace("\n)\nscored AS (", "\n),\nscored AS (")


def readme_table() -> str:
    """The README's feature tables (between the features:start / features:end markers)."""
    from nbaprops.features import UNSUPPORTED

    rows = ["| # | feature | definition | first source | default | range | optional |",
            "|---|---|---|---|---|---|---|"]
    for f in FEATURES:
        d = "NULL" if f.default is None else f"{f.default:g}"
        rows.append(f"| {f.index} | `{f.name}` | {f.definition} | {f.source} | {d} | {f.lo:g} – {f.hi:g} | "
                    f"{'yes' if f.optional else 'no'} |")
    rows += ["", "Left out (spec index, name, why):", "", "| # | feature | why it is left out |", "|---|---|---|"]
    rows += [f"| {i} | `{n}` | {why} |" for i, (n, why) in sorted(UNSUPPORTED.items())]
    return "\n".join(rows)


START, END = "<!-- features:start -->", "<!-- features:end -->"


def readme_with_table(text: str) -> str:
    a, b = text.index(START) + len(START), text.index(END)
    return text[:a] + "\n" + readme_table() + "\n" + text[b:]


if __name__ == "__main__":
    out = ROOT / "src/nbaprops/models/predictions/ml_feature_store_v2.sql"
    out.write_text(model_sql(), encoding="utf-8")
    readme = ROOT / "README.md"
    readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {out} and the README feature table")
