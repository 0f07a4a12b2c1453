-- table: predictions.ml_feature_store_v2
-- kind: by_date
-- grain: player_lookup, game_date
-- time_column: game_date
-- lookback_days: 1100
--
-- The ML feature store: one row per player expected on D (the UPGC universe), one named column
-- per feature of the registry (src/nbaprops/features.py, version v2_nbaprops) with its
-- source tag (phase4 / phase3 / calculated / default), quality columns and labels. Every input
-- describes the state entering D: Phase 4 rows keyed on D, Phase 3 history strictly before D,
-- pre-tip lines only. label_* columns are outcomes of D and feed no feature: label_played (NULL
-- when the team's box score of D is missing), label_points and label_minutes only when he played
-- (UPGC's rule), label_over_line when he played and had a pre-tip line.
-- Completeness columns (not features; definition in src/nbaprops/completeness.py): the player's
-- last 10 (primary) and 5 expected games and his expected games in [D-7, D) and [D-14, D)
-- against his PGS rows; is_production_ready when all are >= 90 % and the week before D has no
-- hole in PGS (a whole scheduled date, or a game of the player's team, without rows), else
-- completeness_reason.
-- quality_tier, the worst that holds (features.QUALITY_TIERS): poor = a required feature at its
-- default for lack of games before D; bronze = required defaults only where a feed does not cover
-- D; gold = no required default and production ready; silver = no required default, not
-- production ready. feature_quality_score = the mean of the source weights (data 100, default 40).
-- Feeds (analytics.feed_coverage): a feature resting on a feed that does not cover D (no injury
-- transactions lately, no game lines, no shots or full box this season: features.FEEDS) gets its
-- registry default with source 'default', and feed_gaps names the feed, why and the features.
-- Inputs of the minutes, availability and form features: precompute.player_availability (pa: the player's absences,
-- rotation teammates out and what they vacate), the player's starter flags and attempts in h
-- (NULL in basic-log seasons), the opponent's points allowed and defensive rating over its last
-- 5 / 10 games (analytics.team_defense_game_summary through team_hist) with the games each mean
-- rests on (NULL below the registry's minimum sample, features.OPPONENT_MIN_GAMES).
-- Feature columns, sources and quality come from the registry through render-time macros
-- (nbaprops.features): add or change a feature there, not here.

WITH u AS (
    SELECT * FROM analytics.upcoming_player_game_context
    WHERE game_date BETWEEN $start_date AND $end_date
),
cmp_universe AS (
    SELECT player_lookup AS entity_id, season_year, game_date AS d FROM u
),
@dependency_check(player)
@completeness_windows(player, l10, l5, l7d, l14d)
pgs AS (  -- the universe's players' games before the range end, back to the lookback
    SELECT player_lookup, game_date, season_year, opponent_team_abbr, points, minutes_played, ft_makes,
           usage_rate, points_line, starter, fg_attempts, ft_attempts,
           row_number() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS game_seq
    FROM analytics.player_game_summary
    WHERE game_date >= $read_start AND game_date < $end_date
      AND player_lookup IN (SELECT player_lookup FROM u)  -- only the universe's players' histories
),
entering AS (  -- the player's season mean entering each game (for the below-average streak);
               -- only the universe's seasons: every window below stays within D's season
    SELECT *, avg(points) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS avg_before,
           lag(starter) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS prev_starter
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
           @feature_history_columns
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
team_hist AS (  -- each team's games this season before D, newest first, with its defence's side
    SELECT d.team_abbr, d.game_date, t.pace, t.offensive_rating, t.win_flag,
           td.points_allowed, td.defensive_rating,
           row_number() OVER (PARTITION BY d.team_abbr, d.game_date ORDER BY t.game_date DESC) AS rn
    FROM team_dates d JOIN analytics.team_offense_game_summary t
      ON t.team_abbr = d.team_abbr AND t.season_year = d.season_year AND t.game_date < d.game_date
     AND t.game_date >= $read_start
    LEFT JOIN analytics.team_defense_game_summary td
      ON td.game_id = t.game_id AND td.defending_team_abbr = t.team_abbr AND td.game_date >= $read_start
),
tm AS (
    SELECT team_abbr, game_date,
           avg(pace) FILTER (WHERE rn <= 10) AS team_pace_last_10,
           avg(offensive_rating) FILTER (WHERE rn <= 10) AS team_off_rating_last_10,
           count(win_flag)::DOUBLE AS team_games_season,
           count(*) FILTER (WHERE win_flag)::DOUBLE AS team_wins_season,
           avg(points_allowed) FILTER (WHERE rn <= 5) AS points_allowed_last_5,
           avg(points_allowed) FILTER (WHERE rn <= 10) AS points_allowed_last_10,
           avg(defensive_rating) FILTER (WHERE rn <= 5) AS def_rating_last_5,
           avg(defensive_rating) FILTER (WHERE rn <= 10) AS def_rating_last_10,
           -- the games each mean rests on (the registry's minimum sample: features.OPPONENT_MIN_GAMES)
           count(points_allowed) FILTER (WHERE rn <= 5) AS points_allowed_games_last_5,
           count(points_allowed) FILTER (WHERE rn <= 10) AS points_allowed_games_last_10,
           count(defensive_rating) FILTER (WHERE rn <= 5) AS def_rating_games_last_5,
           count(defensive_rating) FILTER (WHERE rn <= 10) AS def_rating_games_last_10
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
cov AS (  -- which source feeds cover D, as the morning of D knows them (rule: analytics.feed_coverage)
    SELECT d.season_year, d.game_date,
           @feed_covered_columns
    FROM (SELECT DISTINCT season_year, game_date FROM u) d
    LEFT JOIN analytics.feed_coverage p
      ON p.covers_from <= d.game_date AND (p.covers_until IS NULL OR d.game_date <= p.covers_until)
     AND (p.season_year IS NULL OR p.season_year = d.season_year)
    GROUP BY d.season_year, d.game_date
),
base AS (
    SELECT u.player_lookup, u.game_date, u.game_id, u.season_year, u.team_abbr, u.opponent_team_abbr,
           u.label_points, u.label_minutes, u.label_played, u.current_points_line AS label_line,
           @feature_links,
           @feed_gaps AS feed_gaps, @feed_flags
    FROM u
    JOIN cov ON cov.season_year = u.season_year AND cov.game_date = u.game_date
    -- (each Phase 4 table also limited to the range itself: DuckDB does not carry u's date range
    -- over the equality, and would scan and hash the table's every date for each chunk)
    LEFT JOIN precompute.player_daily_cache pdc ON pdc.player_lookup = u.player_lookup AND pdc.cache_date = u.game_date
     AND pdc.cache_date BETWEEN $start_date AND $end_date
    LEFT JOIN precompute.player_composite_factors pcf ON pcf.player_lookup = u.player_lookup AND pcf.game_date = u.game_date
     AND pcf.game_date BETWEEN $start_date AND $end_date
    LEFT JOIN precompute.player_shot_zone_analysis psza ON psza.player_lookup = u.player_lookup AND psza.analysis_date = u.game_date
     AND psza.analysis_date BETWEEN $start_date AND $end_date
    LEFT JOIN precompute.team_defense_zone_analysis opp ON opp.team_abbr = u.opponent_team_abbr AND opp.analysis_date = u.game_date
     AND opp.analysis_date BETWEEN $start_date AND $end_date
    LEFT JOIN precompute.player_availability pa ON pa.player_lookup = u.player_lookup AND pa.game_date = u.game_date
     AND pa.game_date BETWEEN $start_date AND $end_date
    LEFT JOIN h ON h.player_lookup = u.player_lookup AND h.season_year = u.season_year AND h.game_date = u.last_game_date
    LEFT JOIN vs ON vs.player_lookup = u.player_lookup AND vs.game_date = u.game_date
    LEFT JOIN tm ON tm.team_abbr = u.team_abbr AND tm.game_date = u.game_date
    LEFT JOIN tm otm ON otm.team_abbr = u.opponent_team_abbr AND otm.game_date = u.game_date
    LEFT JOIN bk ON bk.game_id = u.game_id AND bk.player_lookup = u.player_lookup
),
valued AS (  -- each feature's value and source tag, and the quality counts, from its chain's link columns
    SELECT player_lookup, game_date, game_id, season_year, team_abbr, opponent_team_abbr,
           label_points, label_minutes, label_played, label_line, feed_gaps,
           @feature_value_columns,
           @feature_quality_score AS feature_quality_score,
           @default_feature_count AS default_feature_count,
           @feed_default_count AS feed_default_count
    FROM base
),
scored AS (
SELECT player_lookup, game_date, game_id, season_year, team_abbr, opponent_team_abbr,
       @feature_columns,
       @feature_version AS feature_version,
       @feature_count AS feature_count,
       feature_quality_score,
       default_feature_count,
       feed_default_count,
       feed_gaps,
       label_points, label_minutes, label_played,
       CASE WHEN label_played AND label_line IS NOT NULL THEN label_points > label_line END AS label_over_line
FROM valued
)
SELECT scored.* EXCLUDE (feed_default_count),
       c.l10_expected_games, c.l10_actual_games, c.l10_completeness_pct, c.l5_expected_games, c.l5_actual_games, c.l5_completeness_pct, c.l7d_expected_games, c.l7d_actual_games, c.l7d_completeness_pct, c.l14d_expected_games, c.l14d_actual_games, c.l14d_completeness_pct,
       c.expected_games, c.actual_games, c.completeness_pct,
       (c.is_production_ready AND dc.d IS NULL AND tc.d IS NULL) AS is_production_ready,
       nullif(concat_ws('; ',
            CASE WHEN dc.d IS NOT NULL THEN 'analytics.player_game_summary has no rows for ' || dc.missing_dates
                 || ' scheduled game date(s) in the 7 days before ' || scored.game_date || ' (first ' || dc.first_missing_date || ')'
            WHEN tc.d IS NOT NULL THEN 'analytics.player_game_summary has no row of ' || scored.team_abbr || ' for ' || tc.missing_games
                 || ' of its scheduled game(s) in the 7 days before ' || scored.game_date || ' (first ' || tc.first_missing_game || ')' END,
            c.completeness_reason), '') AS completeness_reason,
       CASE WHEN default_feature_count > feed_default_count THEN 'poor'
            WHEN default_feature_count > 0 THEN 'bronze'
            WHEN c.is_production_ready AND dc.d IS NULL AND tc.d IS NULL THEN 'gold'
            ELSE 'silver' END AS quality_tier,
       default_feature_count = 0 AS is_training_ready
FROM scored
LEFT JOIN cmp_out c ON c.entity_id = scored.player_lookup AND c.d = scored.game_date
LEFT JOIN cmp_date_check dc ON dc.d = scored.game_date
LEFT JOIN cmp_team_check tc ON tc.d = scored.game_date AND tc.team_abbr = scored.team_abbr
