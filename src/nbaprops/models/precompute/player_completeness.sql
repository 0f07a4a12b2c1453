-- table: precompute.player_completeness
-- kind: by_date
-- grain: player_lookup, analysis_date
-- time_column: analysis_date
-- lookback_days: 400
--
-- Completeness of a player's history entering D, computed once for the player models
-- (player_shot_zone_analysis, player_composite_factors, player_daily_cache and the feature
-- store take their windows from here; definition in src/nbaprops/completeness.py).
-- D = every non-preseason schedule date in [$start_date, $end_date]. One row per player with a
-- player_game_summary row in D's season before D (anyone else has nothing expected yet).
-- Expected games = the scheduled games of the player's stint teams, from his first row of the
-- season on; actual = the expected games he has a row for; every window ends before D and stays
-- in D's season: l5 / l10 / l20 = his last 5 / 10 / 20 expected games, l7d / l14d = his
-- expected games with D - 7 (14) <= game_date < D.
WITH
cmp_dates AS (
    SELECT game_date AS d, season_year FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@completeness_inputs(player)
cmp_universe AS (
    -- every player with a row in D's season before D
    SELECT f.entity_id, f.season_year, d.d
    FROM (SELECT entity_id, season_year, min(game_date) AS first_game FROM cmp_rows GROUP BY entity_id, season_year) f
    JOIN cmp_dates d ON d.season_year = f.season_year AND f.first_game < d.d
),
@completeness_windows(player_shared)
final AS (
    SELECT c.entity_id AS player_lookup, c.d AS analysis_date, d.season_year::INTEGER AS season_year,
           c.l5_expected_games, c.l5_actual_games, c.l10_expected_games, c.l10_actual_games,
           c.l20_expected_games, c.l20_actual_games, c.l7d_expected_games, c.l7d_actual_games,
           c.l14d_expected_games, c.l14d_actual_games
    FROM cmp c JOIN cmp_dates d ON d.d = c.d
)
SELECT * FROM final
