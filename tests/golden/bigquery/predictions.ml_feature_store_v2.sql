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
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH u AS (
  SELECT
    *
  FROM analytics.upcoming_player_game_context
  WHERE
    game_date BETWEEN @start_date AND @end_date
), cmp_universe AS (
  SELECT
    player_lookup AS entity_id,
    season_year,
    game_date AS d
  FROM u
), cmp_date_check AS (
  /* dependency: whole dates missing in analytics.player_game_summary (no team of a scheduled date has a row) in the */
  /* week before D: D is not computed (precompute.dependency_holes) */
  SELECT
    analysis_date AS d,
    missing_dates,
    first_missing_date
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.player_game_summary'
    AND team_abbr = 'DATE_LEVEL'
    AND analysis_date BETWEEN @start_date AND @end_date
), cmp_team_check AS (
  /* dependency: one team's games missing in analytics.player_game_summary on dates the other teams have rows for: */
  /* that team's entities are not computed for D, the rest of the league is */
  SELECT
    analysis_date AS d,
    team_abbr,
    missing_games,
    first_missing_game
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.player_game_summary'
    AND team_abbr <> 'DATE_LEVEL'
    AND analysis_date BETWEEN @start_date AND @end_date
), cmp AS (
  /* completeness: the entity's windows entering D, computed once by precompute.player_completeness */
  /* (no row there: no game this season before D, nothing expected) */
  SELECT
    u.entity_id,
    u.d,
    COALESCE(pc.l10_expected_games, 0) AS l10_expected_games,
    COALESCE(pc.l10_actual_games, 0) AS l10_actual_games,
    COALESCE(pc.l5_expected_games, 0) AS l5_expected_games,
    COALESCE(pc.l5_actual_games, 0) AS l5_actual_games,
    COALESCE(pc.l7d_expected_games, 0) AS l7d_expected_games,
    COALESCE(pc.l7d_actual_games, 0) AS l7d_actual_games,
    COALESCE(pc.l14d_expected_games, 0) AS l14d_expected_games,
    COALESCE(pc.l14d_actual_games, 0) AS l14d_actual_games
  FROM cmp_universe AS u
  LEFT JOIN precompute.player_completeness AS pc
    ON pc.player_lookup = u.entity_id
    AND pc.analysis_date = u.d
    AND pc.analysis_date BETWEEN @start_date AND @end_date /* (the range stated: DuckDB would read every date) */
), cmp_out AS (
  /* completeness columns of this model (windows l10, l5, l7d, l14d; primary l10) */
  SELECT
    entity_id,
    d,
    l10_expected_games,
    l10_actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS l10_completeness_pct,
    l5_expected_games,
    l5_actual_games,
    ROUND(100.0 * l5_actual_games / NULLIF(l5_expected_games, 0), 1) AS l5_completeness_pct,
    l7d_expected_games,
    l7d_actual_games,
    ROUND(100.0 * l7d_actual_games / NULLIF(l7d_expected_games, 0), 1) AS l7d_completeness_pct,
    l14d_expected_games,
    l14d_actual_games,
    ROUND(100.0 * l14d_actual_games / NULLIF(l14d_expected_games, 0), 1) AS l14d_completeness_pct,
    l10_expected_games AS expected_games,
    l10_actual_games AS actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS completeness_pct,
    (
      l10_expected_games > 0
      AND l10_actual_games * 10 >= l10_expected_games * 9
      AND l5_actual_games * 10 >= l5_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
    ) AS is_production_ready,
    CASE
      WHEN l10_expected_games = 0
      THEN 'no games expected before this date this season'
      WHEN l10_actual_games * 10 >= l10_expected_games * 9
      AND l5_actual_games * 10 >= l5_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
      THEN NULL /* (cheap integer tests first: most rows need no text) */
      ELSE ARRAY_TO_STRING(
        [
          CAST(CASE
            WHEN l10_actual_games * 10 < l10_expected_games * 9
            THEN 'l10: ' || CAST(l10_actual_games AS STRING) || ' of ' || CAST(l10_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l5_actual_games * 10 < l5_expected_games * 9
            THEN 'l5: ' || CAST(l5_actual_games AS STRING) || ' of ' || CAST(l5_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l7d_actual_games * 10 < l7d_expected_games * 9
            THEN 'l7d: ' || CAST(l7d_actual_games AS STRING) || ' of ' || CAST(l7d_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l14d_actual_games * 10 < l14d_expected_games * 9
            THEN 'l14d: ' || CAST(l14d_actual_games AS STRING) || ' of ' || CAST(l14d_expected_games AS STRING) || ' games'
          END AS STRING)
        ],
        '; '
      )
    END AS completeness_reason
  FROM cmp
), pgs AS (
  SELECT
    player_lookup,
    game_date,
    season_year,
    opponent_team_abbr,
    points,
    minutes_played,
    ft_makes,
    usage_rate,
    points_line,
    starter,
    fg_attempts,
    ft_attempts,
    ROW_NUMBER() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS game_seq
  FROM analytics.player_game_summary
  WHERE
    game_date >= @read_start
    AND game_date < @end_date
    AND player_lookup IN (
      SELECT
        player_lookup
      FROM u
    ) /* only the universe's players' histories */
), entering AS (
  /* only the universe's seasons: every window below stays within D's season */
  SELECT
    *,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ) AS avg_before,
    LAG(starter) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date) AS prev_starter
  FROM pgs
  WHERE
    season_year IN (
      SELECT
        season_year
      FROM u
    )
), marked AS (
  SELECT
    *,
    MAX(CASE WHEN avg_before IS NULL OR points >= avg_before THEN game_seq END) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS last_not_below
  FROM entering
), h AS (
  /* on D joins the player's last game before D, so every window ends strictly before D */
  SELECT
    player_lookup,
    season_year,
    game_date,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS season_avg,
    STDDEV_SAMP(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS season_std,
    AVG(minutes_played) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS minutes_avg_season,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
    ) AS avg_last3,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS avg_last5,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS n_last5,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
    ) AS avg_newest3,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND 3 PRECEDING
    ) AS avg_older2,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS n_last10,
    AVG(minutes_played) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS minutes_avg_last_10,
    STDDEV_SAMP(minutes_played) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS minutes_std_last10,
    SUM(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS points_last10,
    SUM(minutes_played) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS minutes_last10,
    SUM(ft_makes) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ftm_last10,
    SUM(CASE WHEN NOT ft_makes IS NULL THEN points END) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts_ft_last10,
    COUNT(ft_makes) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS n_ft_last10,
    CAST((
      COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) * SUM(game_seq * points) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) - SUM(game_seq) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) * SUM(points) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      )
    ) /* least-squares slope of points on the game number, from exact integer window sums */ AS FLOAT64) / NULLIF(
      COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) * SUM(game_seq * game_seq) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) - SUM(game_seq) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) * SUM(game_seq) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS pts_slope_10g,
    AVG(usage_rate) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS usage_last5,
    SUM(
      CASE WHEN points > points_line THEN 1.0 WHEN NOT points_line IS NULL THEN 0.0 END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / NULLIF(
      COUNT(points_line) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS over_rate_last10,
    AVG(points - points_line) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS margin_vs_line_last5,
    game_seq - last_not_below AS below_avg_streak,
    STDDEV_SAMP(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS points_std_last_10,
    AVG(usage_rate) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
    ) AS usage_last3,
    AVG(usage_rate) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 6 PRECEDING AND CURRENT ROW
    ) AS usage_last7,
    SUM(
      CAST(ROUND(
        points * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
        9
      ) AS NUMERIC)
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS points_ewm_10d_num,
    SUM(
      CASE
        WHEN NOT points IS NULL
        THEN CAST(ROUND(
          POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS points_ewm_10d_den,
    SUM(
      CAST(ROUND(
        points * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
        9
      ) AS NUMERIC)
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS points_ewm_30d_num,
    SUM(
      CASE
        WHEN NOT points IS NULL
        THEN CAST(ROUND(
          POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS points_ewm_30d_den,
    SUM(
      CAST(ROUND(
        minutes_played * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
        9
      ) AS NUMERIC)
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS minutes_ewm_10d_num,
    SUM(
      CASE
        WHEN NOT minutes_played IS NULL
        THEN CAST(ROUND(
          POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS minutes_ewm_10d_den,
    SUM(
      CAST(ROUND(
        minutes_played * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
        9
      ) AS NUMERIC)
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS minutes_ewm_30d_num,
    SUM(
      CASE
        WHEN NOT minutes_played IS NULL
        THEN CAST(ROUND(
          POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS minutes_ewm_30d_den,
    minutes_played AS minutes_last_game,
    AVG(minutes_played) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
    ) AS minutes_avg_last3,
    CASE
      WHEN COUNT(starter) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
      ) = COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
      )
      THEN SUM(CASE WHEN starter THEN 1 ELSE 0 END) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
      ) / CAST(COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
      ) AS FLOAT64)
    END AS starter_share_last_5,
    CASE
      WHEN COUNT(starter) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) = COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      )
      THEN SUM(CASE WHEN starter THEN 1 ELSE 0 END) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) / CAST(COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) AS FLOAT64)
    END AS starter_share_last_10,
    CASE
      WHEN NOT starter IS NULL
      THEN game_seq + 1 - MAX(CASE WHEN prev_starter IS NULL OR starter <> prev_starter THEN game_seq END) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      )
    END AS games_since_role_change,
    SUM(
      CASE
        WHEN NOT minutes_played IS NULL
        THEN CAST(ROUND(
          points * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS ppm_ewm_10d_pts,
    SUM(
      CASE
        WHEN NOT points IS NULL
        THEN CAST(ROUND(
          minutes_played * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 10),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS ppm_ewm_10d_min,
    SUM(
      CASE
        WHEN NOT minutes_played IS NULL
        THEN CAST(ROUND(
          points * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS ppm_ewm_30d_pts,
    SUM(
      CASE
        WHEN NOT points IS NULL
        THEN CAST(ROUND(
          minutes_played * POWER(2.0, CAST(DATE_DIFF(game_date, DATE(season_year, 7, 1), DAY) AS FLOAT64) / 30),
          9
        ) AS NUMERIC)
      END
    ) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS ppm_ewm_30d_min,
    SUM(fg_attempts) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS fga_sum_last10,
    SUM(ft_attempts) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS fta_sum_last10
  FROM marked
), vs AS (
  SELECT
    u.player_lookup,
    u.game_date,
    AVG(p.points) AS avg_points_vs_opponent,
    COUNT(*) AS games_vs_opponent
  FROM u
  JOIN pgs AS p
    ON p.player_lookup = u.player_lookup
    AND p.opponent_team_abbr = u.opponent_team_abbr
    AND p.game_date < u.game_date
    AND p.season_year >= u.season_year - 2
  GROUP BY
    u.player_lookup,
    u.game_date
), team_dates AS (
  SELECT DISTINCT
    season_year,
    game_date,
    team_abbr
  FROM u
  UNION DISTINCT
  SELECT DISTINCT
    season_year,
    game_date,
    opponent_team_abbr
  FROM u
), team_hist AS (
  SELECT
    d.team_abbr,
    d.game_date,
    t.pace,
    t.offensive_rating,
    t.win_flag,
    td.points_allowed,
    td.defensive_rating,
    ROW_NUMBER() OVER (PARTITION BY d.team_abbr, d.game_date ORDER BY t.game_date DESC) AS rn
  FROM team_dates AS d
  JOIN analytics.team_offense_game_summary AS t
    ON t.team_abbr = d.team_abbr
    AND t.season_year = d.season_year
    AND t.game_date < d.game_date
    AND t.game_date >= @read_start
  LEFT JOIN analytics.team_defense_game_summary AS td
    ON td.game_id = t.game_id
    AND td.defending_team_abbr = t.team_abbr
    AND td.game_date >= @read_start
), tm AS (
  SELECT
    team_abbr,
    game_date,
    AVG(IF(rn <= 10, pace, NULL)) AS team_pace_last_10,
    AVG(IF(rn <= 10, offensive_rating, NULL)) AS team_off_rating_last_10,
    CAST(COUNT(win_flag) AS FLOAT64) AS team_games_season,
    CAST(COUNTIF(win_flag) AS FLOAT64) AS team_wins_season,
    AVG(IF(rn <= 5, points_allowed, NULL)) AS points_allowed_last_5,
    AVG(IF(rn <= 10, points_allowed, NULL)) AS points_allowed_last_10,
    AVG(IF(rn <= 5, defensive_rating, NULL)) AS def_rating_last_5,
    AVG(IF(rn <= 10, defensive_rating, NULL)) AS def_rating_last_10,
    COUNT(IF(rn <= 5, points_allowed, NULL)) /* the games each mean rests on (the registry's minimum sample: features.OPPONENT_MIN_GAMES) */ AS points_allowed_games_last_5,
    COUNT(IF(rn <= 10, points_allowed, NULL)) AS points_allowed_games_last_10,
    COUNT(IF(rn <= 5, defensive_rating, NULL)) AS def_rating_games_last_5,
    COUNT(IF(rn <= 10, defensive_rating, NULL)) AS def_rating_games_last_10
  FROM team_hist
  GROUP BY
    team_abbr,
    game_date
), book_lines AS (
  SELECT
    p.game_id,
    p.player_lookup,
    p.bookmaker,
    ANY_VALUE(p.points_line HAVING MAX p.snapshot_timestamp) AS line
  FROM raw.player_points_props AS p
  WHERE
    p.game_date BETWEEN @start_date AND @end_date AND p.minutes_before_tipoff >= 0
  GROUP BY
    p.game_id,
    p.player_lookup,
    p.bookmaker
), bk AS (
  SELECT
    game_id,
    player_lookup,
    CASE WHEN COUNT(*) >= 2 THEN STDDEV_SAMP(line) END AS multi_book_line_std
  FROM book_lines
  GROUP BY
    game_id,
    player_lookup
), cov AS (
  SELECT
    d.season_year,
    d.game_date,
    COALESCE(LOGICAL_OR(p.feed = 'injuries'), FALSE) AS injuries,
    COALESCE(LOGICAL_OR(p.feed = 'game_lines'), FALSE) AS game_lines,
    COALESCE(LOGICAL_OR(p.feed = 'shots'), FALSE) AS shots,
    COALESCE(LOGICAL_OR(p.feed = 'full_box'), FALSE) AS full_box,
    COALESCE(LOGICAL_OR(p.feed = 'team_box'), FALSE) AS team_box
  FROM (
    SELECT DISTINCT
      season_year,
      game_date
    FROM u
  ) AS d
  LEFT JOIN analytics.feed_coverage AS p
    ON p.covers_from <= d.game_date
    AND (
      p.covers_until IS NULL OR d.game_date <= p.covers_until
    )
    AND (
      p.season_year IS NULL OR p.season_year = d.season_year
    )
  GROUP BY
    d.season_year,
    d.game_date
), base AS (
  SELECT
    u.player_lookup,
    u.game_date,
    u.game_id,
    u.season_year,
    u.team_abbr,
    u.opponent_team_abbr,
    u.label_points,
    u.label_minutes,
    u.label_played,
    u.current_points_line AS label_line,
    (
      pdc.points_avg_last_5
    ) AS points_avg_last_5__1,
    (
      u.points_avg_last_5
    ) AS points_avg_last_5__2,
    (
      pdc.points_avg_last_10
    ) AS points_avg_last_10__1,
    (
      u.points_avg_last_10
    ) AS points_avg_last_10__2,
    (
      pdc.points_avg_season
    ) AS points_avg_season__1,
    (
      h.season_avg
    ) AS points_avg_season__2,
    (
      pdc.points_std_last_10
    ) AS points_std_last_10__1,
    (
      h.points_std_last_10
    ) AS points_std_last_10__2,
    (
      pdc.games_in_last_7_days
    ) AS games_in_last_7_days__1,
    (
      u.games_in_last_7_days
    ) AS games_in_last_7_days__2,
    (
      pcf.fatigue_score
    ) AS fatigue_score__1,
    (
      GREATEST(
        0,
        LEAST(
          100,
          100 + CASE
            WHEN COALESCE(u.back_to_back, FALSE)
            THEN -15
            WHEN COALESCE(u.days_rest, 1) >= 3
            THEN 5
            ELSE 0
          END + CASE WHEN COALESCE(u.games_in_last_7_days, 3) >= 4 THEN -10 ELSE 0 END + CASE WHEN COALESCE(u.minutes_in_last_7_days, 200) > 240 THEN -10 ELSE 0 END + CASE WHEN COALESCE(u.avg_minutes_per_game_last_7, 30) > 35 THEN -8 ELSE 0 END + CASE
            WHEN COALESCE(u.back_to_backs_last_14_days, 0) >= 2
            THEN -12
            WHEN COALESCE(u.back_to_backs_last_14_days, 0) = 1
            THEN -5
            ELSE 0
          END
        )
      )
    ) AS fatigue_score__2,
    CASE WHEN cov.shots THEN (
      pcf.shot_zone_mismatch_score
    ) END AS shot_zone_mismatch_score__1,
    CASE WHEN cov.team_box THEN (
      pcf.pace_score
    ) END AS pace_score__1,
    CASE
      WHEN cov.team_box
      THEN (
        CASE
          WHEN NOT tm.team_pace_last_10 IS NULL AND NOT otm.team_pace_last_10 IS NULL
          THEN GREATEST(
            -3.0,
            LEAST(3.0, COALESCE((
              tm.team_pace_last_10 - otm.team_pace_last_10
            ) / 2.0, 3.0))
          )
        END
      )
    END AS pace_score__2,
    CASE WHEN cov.full_box THEN (
      pcf.usage_spike_score
    ) END AS usage_spike_score__1,
    CASE
      WHEN cov.full_box
      THEN (
        CASE
          WHEN NOT h.usage_last3 IS NULL AND NOT h.usage_last7 IS NULL
          THEN GREATEST(-3.0, LEAST(3.0, COALESCE(0.3 * (
            h.usage_last3 - h.usage_last7
          ), 3.0)))
        END
      )
    END AS usage_spike_score__2,
    (
      CASE
        WHEN NOT u.days_rest IS NULL AND NOT u.opponent_days_rest IS NULL
        THEN GREATEST(-2, LEAST(2, COALESCE(u.days_rest - u.opponent_days_rest, 2)))
      END
    ) AS rest_advantage__1,
    CASE
      WHEN (
        cov.injuries OR NOT u.report_status IS NULL
      )
      THEN (
        CASE
          WHEN u.report_status IN ('out', 'doubtful')
          THEN 3.0
          WHEN NOT u.report_status IS NULL
          THEN 0.0
          WHEN u.player_status = 'out'
          THEN 3.0
          WHEN NOT u.player_status IS NULL
          THEN 0.0
        END
      )
    END AS injury_risk__1,
    (
      CASE
        WHEN COALESCE(h.n_last5, 0) < 5
        THEN NULL
        WHEN h.avg_newest3 - h.avg_older2 >= 5
        THEN 2
        WHEN h.avg_newest3 - h.avg_older2 >= 2
        THEN 1
        WHEN h.avg_newest3 - h.avg_older2 <= -5
        THEN -2
        WHEN h.avg_newest3 - h.avg_older2 <= -2
        THEN -1
        ELSE 0
      END
    ) AS recent_trend__1,
    (
      CASE
        WHEN COALESCE(pdc.minutes_avg_last_10, h.minutes_avg_last_10) IS NULL
        OR h.minutes_avg_season IS NULL
        OR h.minutes_avg_season = 0
        THEN NULL
        ELSE CASE
          WHEN (
            COALESCE(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season
          ) / h.minutes_avg_season >= 0.20
          THEN 2
          WHEN (
            COALESCE(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season
          ) / h.minutes_avg_season >= 0.10
          THEN 1
          WHEN (
            COALESCE(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season
          ) / h.minutes_avg_season <= -0.20
          THEN -2
          WHEN (
            COALESCE(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season
          ) / h.minutes_avg_season <= -0.10
          THEN -1
          ELSE 0
        END
      END
    ) AS minutes_change__1,
    CASE WHEN cov.team_box THEN (
      opp.defensive_rating_last_15
    ) END AS opponent_def_rating__1,
    CASE WHEN cov.team_box THEN (
      opp.opponent_pace
    ) END AS opponent_pace__1,
    (
      CASE WHEN u.home_game THEN 1.0 ELSE 0.0 END
    ) AS home_away__1,
    (
      CASE WHEN u.back_to_back THEN 1.0 WHEN NOT u.back_to_back IS NULL THEN 0.0 END
    ) AS back_to_back__1,
    (
      CASE WHEN u.season_type IN ('PlayIn', 'Playoffs') THEN 1.0 ELSE 0.0 END
    ) AS playoff_game__1,
    CASE WHEN cov.shots THEN (
      psza.paint_rate_last_10 / 100.0
    ) END AS pct_paint__1,
    CASE WHEN cov.shots THEN (
      psza.mid_range_rate_last_10 / 100.0
    ) END AS pct_mid_range__1,
    CASE WHEN cov.shots THEN (
      psza.three_pt_rate_last_10 / 100.0
    ) END AS pct_three__1,
    CASE
      WHEN cov.full_box
      THEN (
        CASE
          WHEN h.n_ft_last10 >= 5 AND h.pts_ft_last10 > 0
          THEN GREATEST(0, LEAST(0.5, COALESCE(h.ftm_last10 / h.pts_ft_last10, 0.5)))
        END
      )
    END AS pct_free_throw__1,
    CASE WHEN cov.team_box THEN (
      pdc.team_pace_last_10
    ) END AS team_pace__1,
    CASE WHEN cov.team_box THEN (
      tm.team_pace_last_10
    ) END AS team_pace__2,
    CASE WHEN cov.team_box THEN (
      pdc.team_off_rating_last_10
    ) END AS team_off_rating__1,
    CASE WHEN cov.team_box THEN (
      tm.team_off_rating_last_10
    ) END AS team_off_rating__2,
    (
      CASE
        WHEN tm.team_games_season >= 5
        THEN tm.team_wins_season / tm.team_games_season
      END
    ) AS team_win_pct__1,
    (
      u.current_points_line
    ) AS vegas_points_line__1,
    (
      u.opening_points_line
    ) AS vegas_opening_line__1,
    (
      u.current_points_line - u.opening_points_line
    ) AS vegas_line_move__1,
    (
      CASE WHEN NOT u.current_points_line IS NULL THEN 1.0 ELSE 0.0 END
    ) AS has_vegas_line__1,
    (
      vs.avg_points_vs_opponent
    ) AS avg_points_vs_opponent__1,
    (
      COALESCE(vs.games_vs_opponent, 0)
    ) AS games_vs_opponent__1,
    (
      pdc.minutes_avg_last_10
    ) AS minutes_avg_last_10__1,
    (
      h.minutes_avg_last_10
    ) AS minutes_avg_last_10__2,
    (
      h.points_last10 / NULLIF(h.minutes_last10, 0)
    ) AS ppm_avg_last_10__1,
    (
      CASE
        WHEN h.n_last10 >= 5
        THEN GREATEST(-20, LEAST(20, COALESCE(h.pts_slope_10g, 20)))
      END
    ) AS pts_slope_10g__1,
    (
      CASE WHEN h.season_std > 0 THEN (
        h.avg_last5 - h.season_avg
      ) / h.season_std END
    ) AS pts_vs_season_zscore__1,
    (
      CASE
        WHEN h.season_std > 0
        THEN CASE WHEN h.avg_last5 > h.season_avg + 1.5 * h.season_std THEN 1.0 ELSE 0.0 END
      END
    ) AS breakout_flag__1,
    CASE WHEN cov.game_lines THEN (
      u.game_total
    ) END AS game_total_line__1,
    (
      CASE WHEN NOT u.days_rest IS NULL THEN LEAST(COALESCE(u.days_rest, 10), 10) END
    ) AS days_rest__1,
    (
      u.minutes_in_last_7_days
    ) AS minutes_load_last_7d__1,
    CASE WHEN cov.game_lines THEN (
      ABS(u.game_spread)
    ) END AS spread_magnitude__1,
    CASE WHEN cov.game_lines THEN (
      u.game_total / 2.0 - u.game_spread / 2.0
    ) END AS implied_team_total__1,
    (
      h.avg_last3
    ) AS points_avg_last_3__1,
    (
      h.avg_last3 - h.season_avg
    ) AS deviation_from_avg_last3__1,
    (
      h.below_avg_streak
    ) AS consecutive_games_below_avg__1,
    CASE WHEN cov.full_box THEN (
      h.usage_last5
    ) END AS usage_rate_last_5__1,
    (
      bk.multi_book_line_std
    ) AS multi_book_line_std__1,
    (
      u.prop_over_streak
    ) AS prop_over_streak__1,
    (
      u.prop_under_streak
    ) AS prop_under_streak__1,
    (
      u.current_points_line - h.season_avg
    ) AS line_vs_season_avg__1,
    (
      h.over_rate_last10
    ) AS over_rate_last_10__1,
    (
      h.margin_vs_line_last5
    ) AS margin_vs_line_avg_last_5__1,
    (
      h.minutes_std_last10
    ) AS minutes_volatility_last_10__1,
    (
      tm.team_pace_last_10 - otm.team_pace_last_10
    ) AS opponent_pace_mismatch__1,
    (
      CAST(h.points_ewm_10d_num AS FLOAT64) / NULLIF(CAST(h.points_ewm_10d_den AS FLOAT64), 0)
    ) AS points_ewm_10d__1,
    (
      CAST(h.points_ewm_30d_num AS FLOAT64) / NULLIF(CAST(h.points_ewm_30d_den AS FLOAT64), 0)
    ) AS points_ewm_30d__1,
    (
      CAST(h.minutes_ewm_10d_num AS FLOAT64) / NULLIF(CAST(h.minutes_ewm_10d_den AS FLOAT64), 0)
    ) AS minutes_ewm_10d__1,
    (
      CAST(h.minutes_ewm_30d_num AS FLOAT64) / NULLIF(CAST(h.minutes_ewm_30d_den AS FLOAT64), 0)
    ) AS minutes_ewm_30d__1,
    (
      h.minutes_last_game
    ) AS minutes_last_game__1,
    (
      CASE WHEN h.n_last10 >= 5 THEN h.minutes_avg_last3 - h.minutes_avg_last_10 END
    ) AS minutes_trend__1,
    CASE WHEN cov.full_box THEN (
      h.starter_share_last_5
    ) END AS starter_share_last_5__1,
    CASE WHEN cov.full_box THEN (
      h.starter_share_last_10
    ) END AS starter_share_last_10__1,
    CASE WHEN cov.full_box THEN (
      h.games_since_role_change
    ) END AS games_since_role_change__1,
    (
      pa.team_games_missed_7d
    ) AS team_games_missed_7d__1,
    (
      pa.team_games_missed_14d
    ) AS team_games_missed_14d__1,
    (
      pa.consecutive_team_games_missed
    ) AS consecutive_team_games_missed__1,
    (
      pa.rotation_teammates_out
    ) AS rotation_teammates_out__1,
    (
      pa.vacated_minutes
    ) AS vacated_minutes__1,
    (
      pa.vacated_points
    ) AS vacated_points__1,
    CASE WHEN cov.full_box THEN (
      pa.vacated_fga
    ) END AS vacated_fga__1,
    (
      CASE
        WHEN h.minutes_last10 >= 10
        THEN CAST(h.ppm_ewm_10d_pts AS FLOAT64) / NULLIF(CAST(h.ppm_ewm_10d_min AS FLOAT64), 0)
      END
    ) AS ppm_ewm_10d__1,
    (
      CASE
        WHEN h.minutes_last10 >= 10
        THEN CAST(h.ppm_ewm_30d_pts AS FLOAT64) / NULLIF(CAST(h.ppm_ewm_30d_min AS FLOAT64), 0)
      END
    ) AS ppm_ewm_30d__1,
    CASE
      WHEN cov.full_box
      THEN (
        pdc.usage_rate_last_10 / 100.0 * pdc.team_pace_last_10 * pdc.minutes_avg_last_10 / 48.0
      )
    END AS expected_possessions_used__1,
    CASE
      WHEN cov.full_box
      THEN (
        CASE
          WHEN h.fga_sum_last10 >= 10
          THEN CAST(h.fta_sum_last10 AS FLOAT64) / h.fga_sum_last10
        END
      )
    END AS fta_rate_last_10__1,
    (
      CASE WHEN otm.points_allowed_games_last_5 >= 5 THEN otm.points_allowed_last_5 END
    ) AS opponent_points_allowed_last_5__1,
    (
      CASE WHEN otm.points_allowed_games_last_10 >= 5 THEN otm.points_allowed_last_10 END
    ) AS opponent_points_allowed_last_10__1,
    CASE
      WHEN cov.team_box
      THEN (
        CASE WHEN otm.def_rating_games_last_5 >= 5 THEN otm.def_rating_last_5 END
      )
    END AS opponent_def_rating_last_5__1,
    CASE
      WHEN cov.team_box
      THEN (
        CASE WHEN otm.def_rating_games_last_10 >= 5 THEN otm.def_rating_last_10 END
      )
    END AS opponent_def_rating_last_10__1,
    (
      pa.rotation_teammates_long_out
    ) AS rotation_teammates_long_out__1,
    NULLIF(
      ARRAY_TO_STRING(
        [
          CAST(CASE
            WHEN NOT (
              cov.injuries OR NOT u.report_status IS NULL
            )
            THEN 'injuries (no injury transaction in the 60 days before D and no official injury report of the game): injury_risk'
          END AS STRING),
          CAST(CASE
            WHEN NOT cov.game_lines
            THEN 'game_lines (no game line in the 10 days up to D): game_total_line, spread_magnitude, implied_team_total'
          END AS STRING),
          CAST(CASE
            WHEN NOT cov.shots
            THEN 'shots (no shot data this season before D): shot_zone_mismatch_score, pct_paint, pct_mid_range, pct_three'
          END AS STRING),
          CAST(CASE
            WHEN NOT cov.full_box
            THEN 'full_box (no full box score (attempts, free throws, usage) this season before D): usage_spike_score, pct_free_throw, usage_rate_last_5, starter_share_last_5, starter_share_last_10, games_since_role_change, vacated_fga, expected_possessions_used, fta_rate_last_10'
          END AS STRING),
          CAST(CASE
            WHEN NOT cov.team_box
            THEN 'team_box (no full team box score (possessions, ratings) this season before D): pace_score, opponent_def_rating, opponent_pace, team_pace, team_off_rating, opponent_def_rating_last_5, opponent_def_rating_last_10'
          END AS STRING)
        ],
        '; '
      ),
      ''
    ) AS feed_gaps,
    (
      cov.injuries OR NOT u.report_status IS NULL
    ) AS cov_injuries,
    cov.game_lines AS cov_game_lines,
    cov.shots AS cov_shots,
    cov.full_box AS cov_full_box,
    cov.team_box AS cov_team_box
  FROM u
  JOIN cov
    ON cov.season_year = u.season_year AND cov.game_date = u.game_date
  /* (each Phase 4 table also limited to the range itself: DuckDB does not carry u's date range */
  /* over the equality, and would scan and hash the table's every date for each chunk) */
  LEFT JOIN precompute.player_daily_cache AS pdc
    ON pdc.player_lookup = u.player_lookup
    AND pdc.cache_date = u.game_date
    AND pdc.cache_date BETWEEN @start_date AND @end_date
  LEFT JOIN precompute.player_composite_factors AS pcf
    ON pcf.player_lookup = u.player_lookup
    AND pcf.game_date = u.game_date
    AND pcf.game_date BETWEEN @start_date AND @end_date
  LEFT JOIN precompute.player_shot_zone_analysis AS psza
    ON psza.player_lookup = u.player_lookup
    AND psza.analysis_date = u.game_date
    AND psza.analysis_date BETWEEN @start_date AND @end_date
  LEFT JOIN precompute.team_defense_zone_analysis AS opp
    ON opp.team_abbr = u.opponent_team_abbr
    AND opp.analysis_date = u.game_date
    AND opp.analysis_date BETWEEN @start_date AND @end_date
  LEFT JOIN precompute.player_availability AS pa
    ON pa.player_lookup = u.player_lookup
    AND pa.game_date = u.game_date
    AND pa.game_date BETWEEN @start_date AND @end_date
  LEFT JOIN h
    ON h.player_lookup = u.player_lookup
    AND h.season_year = u.season_year
    AND h.game_date = u.last_game_date
  LEFT JOIN vs
    ON vs.player_lookup = u.player_lookup AND vs.game_date = u.game_date
  LEFT JOIN tm
    ON tm.team_abbr = u.team_abbr AND tm.game_date = u.game_date
  LEFT JOIN tm AS otm
    ON otm.team_abbr = u.opponent_team_abbr AND otm.game_date = u.game_date
  LEFT JOIN bk
    ON bk.game_id = u.game_id AND bk.player_lookup = u.player_lookup
), valued AS (
  SELECT
    player_lookup,
    game_date,
    game_id,
    season_year,
    team_abbr,
    opponent_team_abbr,
    label_points,
    label_minutes,
    label_played,
    label_line,
    feed_gaps,
    ROUND(CAST(COALESCE(points_avg_last_5__1, points_avg_last_5__2, 10.0) AS FLOAT64), 6) AS points_avg_last_5,
    ROUND(CAST(COALESCE(points_avg_last_10__1, points_avg_last_10__2, 10.0) AS FLOAT64), 6) AS points_avg_last_10,
    ROUND(CAST(COALESCE(points_avg_season__1, points_avg_season__2, 10.0) AS FLOAT64), 6) AS points_avg_season,
    ROUND(CAST(COALESCE(points_std_last_10__1, points_std_last_10__2, 5.0) AS FLOAT64), 6) AS points_std_last_10,
    ROUND(
      CAST(COALESCE(games_in_last_7_days__1, games_in_last_7_days__2, 3.0) AS FLOAT64),
      6
    ) AS games_in_last_7_days,
    ROUND(CAST(COALESCE(fatigue_score__1, fatigue_score__2, 50.0) AS FLOAT64), 6) AS fatigue_score,
    ROUND(CAST(COALESCE(shot_zone_mismatch_score__1, 0.0) AS FLOAT64), 6) AS shot_zone_mismatch_score,
    ROUND(CAST(COALESCE(pace_score__1, pace_score__2, 0.0) AS FLOAT64), 6) AS pace_score,
    ROUND(CAST(COALESCE(usage_spike_score__1, usage_spike_score__2, 0.0) AS FLOAT64), 6) AS usage_spike_score,
    ROUND(CAST(COALESCE(rest_advantage__1, 0.0) AS FLOAT64), 6) AS rest_advantage,
    ROUND(CAST(COALESCE(injury_risk__1, 0.0) AS FLOAT64), 6) AS injury_risk,
    ROUND(CAST(COALESCE(recent_trend__1, 0.0) AS FLOAT64), 6) AS recent_trend,
    ROUND(CAST(COALESCE(minutes_change__1, 0.0) AS FLOAT64), 6) AS minutes_change,
    ROUND(CAST(COALESCE(opponent_def_rating__1, 112.0) AS FLOAT64), 6) AS opponent_def_rating,
    ROUND(CAST(COALESCE(opponent_pace__1, 100.0) AS FLOAT64), 6) AS opponent_pace,
    ROUND(CAST(COALESCE(home_away__1, 0.0) AS FLOAT64), 6) AS home_away,
    ROUND(CAST(COALESCE(back_to_back__1, 0.0) AS FLOAT64), 6) AS back_to_back,
    ROUND(CAST(COALESCE(playoff_game__1, 0.0) AS FLOAT64), 6) AS playoff_game,
    ROUND(CAST(COALESCE(pct_paint__1, 0.3) AS FLOAT64), 6) AS pct_paint,
    ROUND(CAST(COALESCE(pct_mid_range__1, 0.2) AS FLOAT64), 6) AS pct_mid_range,
    ROUND(CAST(COALESCE(pct_three__1, 0.35) AS FLOAT64), 6) AS pct_three,
    ROUND(CAST(COALESCE(pct_free_throw__1, 0.15) AS FLOAT64), 6) AS pct_free_throw,
    ROUND(CAST(COALESCE(team_pace__1, team_pace__2, 100.0) AS FLOAT64), 6) AS team_pace,
    ROUND(CAST(COALESCE(team_off_rating__1, team_off_rating__2, 112.0) AS FLOAT64), 6) AS team_off_rating,
    ROUND(CAST(COALESCE(team_win_pct__1, 0.5) AS FLOAT64), 6) AS team_win_pct,
    ROUND(CAST(COALESCE(vegas_points_line__1, NULL) AS FLOAT64), 6) AS vegas_points_line,
    ROUND(CAST(COALESCE(vegas_opening_line__1, NULL) AS FLOAT64), 6) AS vegas_opening_line,
    ROUND(CAST(COALESCE(vegas_line_move__1, NULL) AS FLOAT64), 6) AS vegas_line_move,
    ROUND(CAST(COALESCE(has_vegas_line__1, 0.0) AS FLOAT64), 6) AS has_vegas_line,
    ROUND(CAST(COALESCE(avg_points_vs_opponent__1, NULL) AS FLOAT64), 6) AS avg_points_vs_opponent,
    ROUND(CAST(COALESCE(games_vs_opponent__1, 0.0) AS FLOAT64), 6) AS games_vs_opponent,
    ROUND(CAST(COALESCE(minutes_avg_last_10__1, minutes_avg_last_10__2, NULL) AS FLOAT64), 6) AS minutes_avg_last_10,
    ROUND(CAST(COALESCE(ppm_avg_last_10__1, NULL) AS FLOAT64), 6) AS ppm_avg_last_10,
    ROUND(CAST(COALESCE(pts_slope_10g__1, NULL) AS FLOAT64), 6) AS pts_slope_10g,
    ROUND(CAST(COALESCE(pts_vs_season_zscore__1, NULL) AS FLOAT64), 6) AS pts_vs_season_zscore,
    ROUND(CAST(COALESCE(breakout_flag__1, 0.0) AS FLOAT64), 6) AS breakout_flag,
    ROUND(CAST(COALESCE(game_total_line__1, NULL) AS FLOAT64), 6) AS game_total_line,
    ROUND(CAST(COALESCE(days_rest__1, NULL) AS FLOAT64), 6) AS days_rest,
    ROUND(CAST(COALESCE(minutes_load_last_7d__1, 0.0) AS FLOAT64), 6) AS minutes_load_last_7d,
    ROUND(CAST(COALESCE(spread_magnitude__1, NULL) AS FLOAT64), 6) AS spread_magnitude,
    ROUND(CAST(COALESCE(implied_team_total__1, NULL) AS FLOAT64), 6) AS implied_team_total,
    ROUND(CAST(COALESCE(points_avg_last_3__1, NULL) AS FLOAT64), 6) AS points_avg_last_3,
    ROUND(CAST(COALESCE(deviation_from_avg_last3__1, NULL) AS FLOAT64), 6) AS deviation_from_avg_last3,
    ROUND(CAST(COALESCE(consecutive_games_below_avg__1, 0.0) AS FLOAT64), 6) AS consecutive_games_below_avg,
    ROUND(CAST(COALESCE(usage_rate_last_5__1, NULL) AS FLOAT64), 6) AS usage_rate_last_5,
    ROUND(CAST(COALESCE(multi_book_line_std__1, NULL) AS FLOAT64), 6) AS multi_book_line_std,
    ROUND(CAST(COALESCE(prop_over_streak__1, NULL) AS FLOAT64), 6) AS prop_over_streak,
    ROUND(CAST(COALESCE(prop_under_streak__1, NULL) AS FLOAT64), 6) AS prop_under_streak,
    ROUND(CAST(COALESCE(line_vs_season_avg__1, NULL) AS FLOAT64), 6) AS line_vs_season_avg,
    ROUND(CAST(COALESCE(over_rate_last_10__1, NULL) AS FLOAT64), 6) AS over_rate_last_10,
    ROUND(CAST(COALESCE(margin_vs_line_avg_last_5__1, NULL) AS FLOAT64), 6) AS margin_vs_line_avg_last_5,
    ROUND(CAST(COALESCE(minutes_volatility_last_10__1, NULL) AS FLOAT64), 6) AS minutes_volatility_last_10,
    ROUND(CAST(COALESCE(opponent_pace_mismatch__1, NULL) AS FLOAT64), 6) AS opponent_pace_mismatch,
    ROUND(CAST(COALESCE(points_ewm_10d__1, NULL) AS FLOAT64), 6) AS points_ewm_10d,
    ROUND(CAST(COALESCE(points_ewm_30d__1, NULL) AS FLOAT64), 6) AS points_ewm_30d,
    ROUND(CAST(COALESCE(minutes_ewm_10d__1, NULL) AS FLOAT64), 6) AS minutes_ewm_10d,
    ROUND(CAST(COALESCE(minutes_ewm_30d__1, NULL) AS FLOAT64), 6) AS minutes_ewm_30d,
    ROUND(CAST(COALESCE(minutes_last_game__1, NULL) AS FLOAT64), 6) AS minutes_last_game,
    ROUND(CAST(COALESCE(minutes_trend__1, NULL) AS FLOAT64), 6) AS minutes_trend,
    ROUND(CAST(COALESCE(starter_share_last_5__1, NULL) AS FLOAT64), 6) AS starter_share_last_5,
    ROUND(CAST(COALESCE(starter_share_last_10__1, NULL) AS FLOAT64), 6) AS starter_share_last_10,
    ROUND(CAST(COALESCE(games_since_role_change__1, NULL) AS FLOAT64), 6) AS games_since_role_change,
    ROUND(CAST(COALESCE(team_games_missed_7d__1, NULL) AS FLOAT64), 6) AS team_games_missed_7d,
    ROUND(CAST(COALESCE(team_games_missed_14d__1, NULL) AS FLOAT64), 6) AS team_games_missed_14d,
    ROUND(CAST(COALESCE(consecutive_team_games_missed__1, NULL) AS FLOAT64), 6) AS consecutive_team_games_missed,
    ROUND(CAST(COALESCE(rotation_teammates_out__1, NULL) AS FLOAT64), 6) AS rotation_teammates_out,
    ROUND(CAST(COALESCE(vacated_minutes__1, NULL) AS FLOAT64), 6) AS vacated_minutes,
    ROUND(CAST(COALESCE(vacated_points__1, NULL) AS FLOAT64), 6) AS vacated_points,
    ROUND(CAST(COALESCE(vacated_fga__1, NULL) AS FLOAT64), 6) AS vacated_fga,
    ROUND(CAST(COALESCE(ppm_ewm_10d__1, NULL) AS FLOAT64), 6) AS ppm_ewm_10d,
    ROUND(CAST(COALESCE(ppm_ewm_30d__1, NULL) AS FLOAT64), 6) AS ppm_ewm_30d,
    ROUND(CAST(COALESCE(expected_possessions_used__1, NULL) AS FLOAT64), 6) AS expected_possessions_used,
    ROUND(CAST(COALESCE(fta_rate_last_10__1, NULL) AS FLOAT64), 6) AS fta_rate_last_10,
    ROUND(CAST(COALESCE(opponent_points_allowed_last_5__1, NULL) AS FLOAT64), 6) AS opponent_points_allowed_last_5,
    ROUND(CAST(COALESCE(opponent_points_allowed_last_10__1, NULL) AS FLOAT64), 6) AS opponent_points_allowed_last_10,
    ROUND(CAST(COALESCE(opponent_def_rating_last_5__1, NULL) AS FLOAT64), 6) AS opponent_def_rating_last_5,
    ROUND(CAST(COALESCE(opponent_def_rating_last_10__1, NULL) AS FLOAT64), 6) AS opponent_def_rating_last_10,
    ROUND(CAST(COALESCE(rotation_teammates_long_out__1, NULL) AS FLOAT64), 6) AS rotation_teammates_long_out,
    CASE
      WHEN NOT points_avg_last_5__1 IS NULL
      THEN 'phase4'
      WHEN NOT points_avg_last_5__2 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS points_avg_last_5_source,
    CASE
      WHEN NOT points_avg_last_10__1 IS NULL
      THEN 'phase4'
      WHEN NOT points_avg_last_10__2 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS points_avg_last_10_source,
    CASE
      WHEN NOT points_avg_season__1 IS NULL
      THEN 'phase4'
      WHEN NOT points_avg_season__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS points_avg_season_source,
    CASE
      WHEN NOT points_std_last_10__1 IS NULL
      THEN 'phase4'
      WHEN NOT points_std_last_10__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS points_std_last_10_source,
    CASE
      WHEN NOT games_in_last_7_days__1 IS NULL
      THEN 'phase4'
      WHEN NOT games_in_last_7_days__2 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS games_in_last_7_days_source,
    CASE
      WHEN NOT fatigue_score__1 IS NULL
      THEN 'phase4'
      WHEN NOT fatigue_score__2 IS NULL
      THEN 'phase3'
      ELSE 'default'
    END AS fatigue_score_source,
    CASE WHEN NOT shot_zone_mismatch_score__1 IS NULL THEN 'phase4' ELSE 'default' END AS shot_zone_mismatch_score_source,
    CASE
      WHEN NOT pace_score__1 IS NULL
      THEN 'phase4'
      WHEN NOT pace_score__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS pace_score_source,
    CASE
      WHEN NOT usage_spike_score__1 IS NULL
      THEN 'phase4'
      WHEN NOT usage_spike_score__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS usage_spike_score_source,
    CASE WHEN NOT rest_advantage__1 IS NULL THEN 'phase3' ELSE 'default' END AS rest_advantage_source,
    CASE WHEN NOT injury_risk__1 IS NULL THEN 'phase3' ELSE 'default' END AS injury_risk_source,
    CASE WHEN NOT recent_trend__1 IS NULL THEN 'calculated' ELSE 'default' END AS recent_trend_source,
    CASE WHEN NOT minutes_change__1 IS NULL THEN 'calculated' ELSE 'default' END AS minutes_change_source,
    CASE WHEN NOT opponent_def_rating__1 IS NULL THEN 'phase4' ELSE 'default' END AS opponent_def_rating_source,
    CASE WHEN NOT opponent_pace__1 IS NULL THEN 'phase4' ELSE 'default' END AS opponent_pace_source,
    CASE WHEN NOT home_away__1 IS NULL THEN 'phase3' ELSE 'default' END AS home_away_source,
    CASE WHEN NOT back_to_back__1 IS NULL THEN 'phase3' ELSE 'default' END AS back_to_back_source,
    CASE WHEN NOT playoff_game__1 IS NULL THEN 'phase3' ELSE 'default' END AS playoff_game_source,
    CASE WHEN NOT pct_paint__1 IS NULL THEN 'phase4' ELSE 'default' END AS pct_paint_source,
    CASE WHEN NOT pct_mid_range__1 IS NULL THEN 'phase4' ELSE 'default' END AS pct_mid_range_source,
    CASE WHEN NOT pct_three__1 IS NULL THEN 'phase4' ELSE 'default' END AS pct_three_source,
    CASE WHEN NOT pct_free_throw__1 IS NULL THEN 'calculated' ELSE 'default' END AS pct_free_throw_source,
    CASE
      WHEN NOT team_pace__1 IS NULL
      THEN 'phase4'
      WHEN NOT team_pace__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS team_pace_source,
    CASE
      WHEN NOT team_off_rating__1 IS NULL
      THEN 'phase4'
      WHEN NOT team_off_rating__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS team_off_rating_source,
    CASE WHEN NOT team_win_pct__1 IS NULL THEN 'calculated' ELSE 'default' END AS team_win_pct_source,
    CASE WHEN NOT vegas_points_line__1 IS NULL THEN 'phase3' ELSE 'default' END AS vegas_points_line_source,
    CASE WHEN NOT vegas_opening_line__1 IS NULL THEN 'phase3' ELSE 'default' END AS vegas_opening_line_source,
    CASE WHEN NOT vegas_line_move__1 IS NULL THEN 'phase3' ELSE 'default' END AS vegas_line_move_source,
    CASE WHEN NOT has_vegas_line__1 IS NULL THEN 'phase3' ELSE 'default' END AS has_vegas_line_source,
    CASE WHEN NOT avg_points_vs_opponent__1 IS NULL THEN 'calculated' ELSE 'default' END AS avg_points_vs_opponent_source,
    CASE WHEN NOT games_vs_opponent__1 IS NULL THEN 'calculated' ELSE 'default' END AS games_vs_opponent_source,
    CASE
      WHEN NOT minutes_avg_last_10__1 IS NULL
      THEN 'phase4'
      WHEN NOT minutes_avg_last_10__2 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS minutes_avg_last_10_source,
    CASE WHEN NOT ppm_avg_last_10__1 IS NULL THEN 'calculated' ELSE 'default' END AS ppm_avg_last_10_source,
    CASE WHEN NOT pts_slope_10g__1 IS NULL THEN 'calculated' ELSE 'default' END AS pts_slope_10g_source,
    CASE WHEN NOT pts_vs_season_zscore__1 IS NULL THEN 'calculated' ELSE 'default' END AS pts_vs_season_zscore_source,
    CASE WHEN NOT breakout_flag__1 IS NULL THEN 'calculated' ELSE 'default' END AS breakout_flag_source,
    CASE WHEN NOT game_total_line__1 IS NULL THEN 'phase3' ELSE 'default' END AS game_total_line_source,
    CASE WHEN NOT days_rest__1 IS NULL THEN 'phase3' ELSE 'default' END AS days_rest_source,
    CASE WHEN NOT minutes_load_last_7d__1 IS NULL THEN 'phase3' ELSE 'default' END AS minutes_load_last_7d_source,
    CASE WHEN NOT spread_magnitude__1 IS NULL THEN 'phase3' ELSE 'default' END AS spread_magnitude_source,
    CASE WHEN NOT implied_team_total__1 IS NULL THEN 'phase3' ELSE 'default' END AS implied_team_total_source,
    CASE WHEN NOT points_avg_last_3__1 IS NULL THEN 'calculated' ELSE 'default' END AS points_avg_last_3_source,
    CASE
      WHEN NOT deviation_from_avg_last3__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS deviation_from_avg_last3_source,
    CASE
      WHEN NOT consecutive_games_below_avg__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS consecutive_games_below_avg_source,
    CASE WHEN NOT usage_rate_last_5__1 IS NULL THEN 'calculated' ELSE 'default' END AS usage_rate_last_5_source,
    CASE WHEN NOT multi_book_line_std__1 IS NULL THEN 'calculated' ELSE 'default' END AS multi_book_line_std_source,
    CASE WHEN NOT prop_over_streak__1 IS NULL THEN 'phase3' ELSE 'default' END AS prop_over_streak_source,
    CASE WHEN NOT prop_under_streak__1 IS NULL THEN 'phase3' ELSE 'default' END AS prop_under_streak_source,
    CASE WHEN NOT line_vs_season_avg__1 IS NULL THEN 'calculated' ELSE 'default' END AS line_vs_season_avg_source,
    CASE WHEN NOT over_rate_last_10__1 IS NULL THEN 'calculated' ELSE 'default' END AS over_rate_last_10_source,
    CASE
      WHEN NOT margin_vs_line_avg_last_5__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS margin_vs_line_avg_last_5_source,
    CASE
      WHEN NOT minutes_volatility_last_10__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS minutes_volatility_last_10_source,
    CASE WHEN NOT opponent_pace_mismatch__1 IS NULL THEN 'calculated' ELSE 'default' END AS opponent_pace_mismatch_source,
    CASE WHEN NOT points_ewm_10d__1 IS NULL THEN 'calculated' ELSE 'default' END AS points_ewm_10d_source,
    CASE WHEN NOT points_ewm_30d__1 IS NULL THEN 'calculated' ELSE 'default' END AS points_ewm_30d_source,
    CASE WHEN NOT minutes_ewm_10d__1 IS NULL THEN 'calculated' ELSE 'default' END AS minutes_ewm_10d_source,
    CASE WHEN NOT minutes_ewm_30d__1 IS NULL THEN 'calculated' ELSE 'default' END AS minutes_ewm_30d_source,
    CASE WHEN NOT minutes_last_game__1 IS NULL THEN 'calculated' ELSE 'default' END AS minutes_last_game_source,
    CASE WHEN NOT minutes_trend__1 IS NULL THEN 'calculated' ELSE 'default' END AS minutes_trend_source,
    CASE WHEN NOT starter_share_last_5__1 IS NULL THEN 'calculated' ELSE 'default' END AS starter_share_last_5_source,
    CASE WHEN NOT starter_share_last_10__1 IS NULL THEN 'calculated' ELSE 'default' END AS starter_share_last_10_source,
    CASE
      WHEN NOT games_since_role_change__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS games_since_role_change_source,
    CASE WHEN NOT team_games_missed_7d__1 IS NULL THEN 'phase4' ELSE 'default' END AS team_games_missed_7d_source,
    CASE WHEN NOT team_games_missed_14d__1 IS NULL THEN 'phase4' ELSE 'default' END AS team_games_missed_14d_source,
    CASE
      WHEN NOT consecutive_team_games_missed__1 IS NULL
      THEN 'phase4'
      ELSE 'default'
    END AS consecutive_team_games_missed_source,
    CASE WHEN NOT rotation_teammates_out__1 IS NULL THEN 'phase4' ELSE 'default' END AS rotation_teammates_out_source,
    CASE WHEN NOT vacated_minutes__1 IS NULL THEN 'phase4' ELSE 'default' END AS vacated_minutes_source,
    CASE WHEN NOT vacated_points__1 IS NULL THEN 'phase4' ELSE 'default' END AS vacated_points_source,
    CASE WHEN NOT vacated_fga__1 IS NULL THEN 'phase4' ELSE 'default' END AS vacated_fga_source,
    CASE WHEN NOT ppm_ewm_10d__1 IS NULL THEN 'calculated' ELSE 'default' END AS ppm_ewm_10d_source,
    CASE WHEN NOT ppm_ewm_30d__1 IS NULL THEN 'calculated' ELSE 'default' END AS ppm_ewm_30d_source,
    CASE WHEN NOT expected_possessions_used__1 IS NULL THEN 'phase4' ELSE 'default' END AS expected_possessions_used_source,
    CASE WHEN NOT fta_rate_last_10__1 IS NULL THEN 'calculated' ELSE 'default' END AS fta_rate_last_10_source,
    CASE
      WHEN NOT opponent_points_allowed_last_5__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS opponent_points_allowed_last_5_source,
    CASE
      WHEN NOT opponent_points_allowed_last_10__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS opponent_points_allowed_last_10_source,
    CASE
      WHEN NOT opponent_def_rating_last_5__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS opponent_def_rating_last_5_source,
    CASE
      WHEN NOT opponent_def_rating_last_10__1 IS NULL
      THEN 'calculated'
      ELSE 'default'
    END AS opponent_def_rating_last_10_source,
    CASE
      WHEN NOT rotation_teammates_long_out__1 IS NULL
      THEN 'phase4'
      ELSE 'default'
    END AS rotation_teammates_long_out_source,
    ROUND(
      (
        (
          (
            (
              (
                (
                  CASE
                    WHEN NOT points_avg_last_5__1 IS NULL
                    THEN 100.0
                    WHEN NOT points_avg_last_5__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END + CASE
                    WHEN NOT points_avg_last_10__1 IS NULL
                    THEN 100.0
                    WHEN NOT points_avg_last_10__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END
                ) + (
                  CASE
                    WHEN NOT points_avg_season__1 IS NULL
                    THEN 100.0
                    WHEN NOT points_avg_season__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END + CASE
                    WHEN NOT points_std_last_10__1 IS NULL
                    THEN 100.0
                    WHEN NOT points_std_last_10__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END
                )
              ) + (
                (
                  CASE
                    WHEN NOT games_in_last_7_days__1 IS NULL
                    THEN 100.0
                    WHEN NOT games_in_last_7_days__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END + CASE
                    WHEN NOT fatigue_score__1 IS NULL
                    THEN 100.0
                    WHEN NOT fatigue_score__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END
                ) + (
                  CASE WHEN NOT shot_zone_mismatch_score__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE
                      WHEN NOT pace_score__1 IS NULL
                      THEN 100.0
                      WHEN NOT pace_score__2 IS NULL
                      THEN 100.0
                      ELSE 40.0
                    END + CASE
                      WHEN NOT usage_spike_score__1 IS NULL
                      THEN 100.0
                      WHEN NOT usage_spike_score__2 IS NULL
                      THEN 100.0
                      ELSE 40.0
                    END
                  )
                )
              )
            ) + (
              (
                (
                  CASE WHEN NOT rest_advantage__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT injury_risk__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT recent_trend__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT minutes_change__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT opponent_def_rating__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT opponent_pace__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT home_away__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT back_to_back__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT playoff_game__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT pct_paint__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            )
          ) + (
            (
              (
                (
                  CASE WHEN NOT pct_mid_range__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT pct_three__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT pct_free_throw__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE
                      WHEN NOT team_pace__1 IS NULL
                      THEN 100.0
                      WHEN NOT team_pace__2 IS NULL
                      THEN 100.0
                      ELSE 40.0
                    END + CASE
                      WHEN NOT team_off_rating__1 IS NULL
                      THEN 100.0
                      WHEN NOT team_off_rating__2 IS NULL
                      THEN 100.0
                      ELSE 40.0
                    END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT team_win_pct__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT vegas_points_line__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT vegas_opening_line__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT vegas_line_move__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT has_vegas_line__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            ) + (
              (
                (
                  CASE WHEN NOT avg_points_vs_opponent__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT games_vs_opponent__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE
                    WHEN NOT minutes_avg_last_10__1 IS NULL
                    THEN 100.0
                    WHEN NOT minutes_avg_last_10__2 IS NULL
                    THEN 100.0
                    ELSE 40.0
                  END + (
                    CASE WHEN NOT ppm_avg_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT pts_slope_10g__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT pts_vs_season_zscore__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT breakout_flag__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT game_total_line__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT days_rest__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT minutes_load_last_7d__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            )
          )
        ) + (
          (
            (
              (
                (
                  CASE WHEN NOT spread_magnitude__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT implied_team_total__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT points_avg_last_3__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT deviation_from_avg_last3__1 IS NULL THEN 100.0 ELSE 40.0 END
                )
              ) + (
                (
                  CASE WHEN NOT consecutive_games_below_avg__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT usage_rate_last_5__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT multi_book_line_std__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT prop_over_streak__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT prop_under_streak__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            ) + (
              (
                (
                  CASE WHEN NOT line_vs_season_avg__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT over_rate_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT margin_vs_line_avg_last_5__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT minutes_volatility_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT opponent_pace_mismatch__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT points_ewm_10d__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT points_ewm_30d__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT minutes_ewm_10d__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT minutes_ewm_30d__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT minutes_last_game__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            )
          ) + (
            (
              (
                (
                  CASE WHEN NOT minutes_trend__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT starter_share_last_5__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT starter_share_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT games_since_role_change__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT team_games_missed_7d__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT team_games_missed_14d__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT consecutive_team_games_missed__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT rotation_teammates_out__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT vacated_minutes__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT vacated_points__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            ) + (
              (
                (
                  CASE WHEN NOT vacated_fga__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT ppm_ewm_10d__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT ppm_ewm_30d__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT expected_possessions_used__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT fta_rate_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              ) + (
                (
                  CASE WHEN NOT opponent_points_allowed_last_5__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT opponent_points_allowed_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END
                ) + (
                  CASE WHEN NOT opponent_def_rating_last_5__1 IS NULL THEN 100.0 ELSE 40.0 END + (
                    CASE WHEN NOT opponent_def_rating_last_10__1 IS NULL THEN 100.0 ELSE 40.0 END + CASE WHEN NOT rotation_teammates_long_out__1 IS NULL THEN 100.0 ELSE 40.0 END
                  )
                )
              )
            )
          )
        )
      ) / 78.0,
      2
    ) AS feature_quality_score,
    (
      (
        (
          (
            CASE
              WHEN COALESCE(points_avg_last_5__1, points_avg_last_5__2) IS NULL
              THEN 1
              ELSE 0
            END + (
              CASE
                WHEN COALESCE(points_avg_last_10__1, points_avg_last_10__2) IS NULL
                THEN 1
                ELSE 0
              END + CASE
                WHEN COALESCE(points_avg_season__1, points_avg_season__2) IS NULL
                THEN 1
                ELSE 0
              END
            )
          ) + (
            (
              CASE
                WHEN COALESCE(points_std_last_10__1, points_std_last_10__2) IS NULL
                THEN 1
                ELSE 0
              END + CASE
                WHEN COALESCE(games_in_last_7_days__1, games_in_last_7_days__2) IS NULL
                THEN 1
                ELSE 0
              END
            ) + (
              CASE WHEN COALESCE(fatigue_score__1, fatigue_score__2) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(shot_zone_mismatch_score__1) IS NULL THEN 1 ELSE 0 END
            )
          )
        ) + (
          (
            (
              CASE WHEN COALESCE(pace_score__1, pace_score__2) IS NULL THEN 1 ELSE 0 END + CASE
                WHEN COALESCE(usage_spike_score__1, usage_spike_score__2) IS NULL
                THEN 1
                ELSE 0
              END
            ) + (
              CASE WHEN COALESCE(rest_advantage__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(injury_risk__1) IS NULL THEN 1 ELSE 0 END
            )
          ) + (
            (
              CASE WHEN COALESCE(recent_trend__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(minutes_change__1) IS NULL THEN 1 ELSE 0 END
            ) + (
              CASE WHEN COALESCE(opponent_def_rating__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(opponent_pace__1) IS NULL THEN 1 ELSE 0 END
            )
          )
        )
      ) + (
        (
          (
            CASE WHEN COALESCE(home_away__1) IS NULL THEN 1 ELSE 0 END + (
              CASE WHEN COALESCE(back_to_back__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(playoff_game__1) IS NULL THEN 1 ELSE 0 END
            )
          ) + (
            (
              CASE WHEN COALESCE(pct_paint__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(pct_mid_range__1) IS NULL THEN 1 ELSE 0 END
            ) + (
              CASE WHEN COALESCE(pct_three__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(pct_free_throw__1) IS NULL THEN 1 ELSE 0 END
            )
          )
        ) + (
          (
            (
              CASE WHEN COALESCE(team_pace__1, team_pace__2) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(team_off_rating__1, team_off_rating__2) IS NULL THEN 1 ELSE 0 END
            ) + (
              CASE WHEN COALESCE(team_win_pct__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(has_vegas_line__1) IS NULL THEN 1 ELSE 0 END
            )
          ) + (
            (
              CASE WHEN COALESCE(games_vs_opponent__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(breakout_flag__1) IS NULL THEN 1 ELSE 0 END
            ) + (
              CASE WHEN COALESCE(minutes_load_last_7d__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN COALESCE(consecutive_games_below_avg__1) IS NULL THEN 1 ELSE 0 END
            )
          )
        )
      )
    ) AS default_feature_count,
    (
      (
        (
          CASE
            WHEN NOT cov_shots AND COALESCE(shot_zone_mismatch_score__1) IS NULL
            THEN 1
            ELSE 0
          END + (
            CASE
              WHEN NOT cov_team_box AND COALESCE(pace_score__1, pace_score__2) IS NULL
              THEN 1
              ELSE 0
            END + CASE
              WHEN NOT cov_full_box AND COALESCE(usage_spike_score__1, usage_spike_score__2) IS NULL
              THEN 1
              ELSE 0
            END
          )
        ) + (
          CASE WHEN NOT cov_injuries AND COALESCE(injury_risk__1) IS NULL THEN 1 ELSE 0 END + (
            CASE
              WHEN NOT cov_team_box AND COALESCE(opponent_def_rating__1) IS NULL
              THEN 1
              ELSE 0
            END + CASE WHEN NOT cov_team_box AND COALESCE(opponent_pace__1) IS NULL THEN 1 ELSE 0 END
          )
        )
      ) + (
        (
          CASE WHEN NOT cov_shots AND COALESCE(pct_paint__1) IS NULL THEN 1 ELSE 0 END + (
            CASE WHEN NOT cov_shots AND COALESCE(pct_mid_range__1) IS NULL THEN 1 ELSE 0 END + CASE WHEN NOT cov_shots AND COALESCE(pct_three__1) IS NULL THEN 1 ELSE 0 END
          )
        ) + (
          CASE WHEN NOT cov_full_box AND COALESCE(pct_free_throw__1) IS NULL THEN 1 ELSE 0 END + (
            CASE
              WHEN NOT cov_team_box AND COALESCE(team_pace__1, team_pace__2) IS NULL
              THEN 1
              ELSE 0
            END + CASE
              WHEN NOT cov_team_box AND COALESCE(team_off_rating__1, team_off_rating__2) IS NULL
              THEN 1
              ELSE 0
            END
          )
        )
      )
    ) AS feed_default_count
  FROM base
), scored AS (
  SELECT
    player_lookup,
    game_date,
    game_id,
    season_year,
    team_abbr,
    opponent_team_abbr,
    points_avg_last_5,
    points_avg_last_5_source,
    points_avg_last_10,
    points_avg_last_10_source,
    points_avg_season,
    points_avg_season_source,
    points_std_last_10,
    points_std_last_10_source,
    games_in_last_7_days,
    games_in_last_7_days_source,
    fatigue_score,
    fatigue_score_source,
    shot_zone_mismatch_score,
    shot_zone_mismatch_score_source,
    pace_score,
    pace_score_source,
    usage_spike_score,
    usage_spike_score_source,
    rest_advantage,
    rest_advantage_source,
    injury_risk,
    injury_risk_source,
    recent_trend,
    recent_trend_source,
    minutes_change,
    minutes_change_source,
    opponent_def_rating,
    opponent_def_rating_source,
    opponent_pace,
    opponent_pace_source,
    home_away,
    home_away_source,
    back_to_back,
    back_to_back_source,
    playoff_game,
    playoff_game_source,
    pct_paint,
    pct_paint_source,
    pct_mid_range,
    pct_mid_range_source,
    pct_three,
    pct_three_source,
    pct_free_throw,
    pct_free_throw_source,
    team_pace,
    team_pace_source,
    team_off_rating,
    team_off_rating_source,
    team_win_pct,
    team_win_pct_source,
    vegas_points_line,
    vegas_points_line_source,
    vegas_opening_line,
    vegas_opening_line_source,
    vegas_line_move,
    vegas_line_move_source,
    has_vegas_line,
    has_vegas_line_source,
    avg_points_vs_opponent,
    avg_points_vs_opponent_source,
    games_vs_opponent,
    games_vs_opponent_source,
    minutes_avg_last_10,
    minutes_avg_last_10_source,
    ppm_avg_last_10,
    ppm_avg_last_10_source,
    pts_slope_10g,
    pts_slope_10g_source,
    pts_vs_season_zscore,
    pts_vs_season_zscore_source,
    breakout_flag,
    breakout_flag_source,
    game_total_line,
    game_total_line_source,
    days_rest,
    days_rest_source,
    minutes_load_last_7d,
    minutes_load_last_7d_source,
    spread_magnitude,
    spread_magnitude_source,
    implied_team_total,
    implied_team_total_source,
    points_avg_last_3,
    points_avg_last_3_source,
    deviation_from_avg_last3,
    deviation_from_avg_last3_source,
    consecutive_games_below_avg,
    consecutive_games_below_avg_source,
    usage_rate_last_5,
    usage_rate_last_5_source,
    multi_book_line_std,
    multi_book_line_std_source,
    prop_over_streak,
    prop_over_streak_source,
    prop_under_streak,
    prop_under_streak_source,
    line_vs_season_avg,
    line_vs_season_avg_source,
    over_rate_last_10,
    over_rate_last_10_source,
    margin_vs_line_avg_last_5,
    margin_vs_line_avg_last_5_source,
    minutes_volatility_last_10,
    minutes_volatility_last_10_source,
    opponent_pace_mismatch,
    opponent_pace_mismatch_source,
    points_ewm_10d,
    points_ewm_10d_source,
    points_ewm_30d,
    points_ewm_30d_source,
    minutes_ewm_10d,
    minutes_ewm_10d_source,
    minutes_ewm_30d,
    minutes_ewm_30d_source,
    minutes_last_game,
    minutes_last_game_source,
    minutes_trend,
    minutes_trend_source,
    starter_share_last_5,
    starter_share_last_5_source,
    starter_share_last_10,
    starter_share_last_10_source,
    games_since_role_change,
    games_since_role_change_source,
    team_games_missed_7d,
    team_games_missed_7d_source,
    team_games_missed_14d,
    team_games_missed_14d_source,
    consecutive_team_games_missed,
    consecutive_team_games_missed_source,
    rotation_teammates_out,
    rotation_teammates_out_source,
    vacated_minutes,
    vacated_minutes_source,
    vacated_points,
    vacated_points_source,
    vacated_fga,
    vacated_fga_source,
    ppm_ewm_10d,
    ppm_ewm_10d_source,
    ppm_ewm_30d,
    ppm_ewm_30d_source,
    expected_possessions_used,
    expected_possessions_used_source,
    fta_rate_last_10,
    fta_rate_last_10_source,
    opponent_points_allowed_last_5,
    opponent_points_allowed_last_5_source,
    opponent_points_allowed_last_10,
    opponent_points_allowed_last_10_source,
    opponent_def_rating_last_5,
    opponent_def_rating_last_5_source,
    opponent_def_rating_last_10,
    opponent_def_rating_last_10_source,
    rotation_teammates_long_out,
    rotation_teammates_long_out_source,
    'v2_nbaprops' AS feature_version,
    78 AS feature_count,
    feature_quality_score,
    default_feature_count,
    feed_default_count,
    feed_gaps,
    label_points,
    label_minutes,
    label_played,
    CASE
      WHEN label_played AND NOT label_line IS NULL
      THEN label_points > label_line
    END AS label_over_line
  FROM valued
)
SELECT
  scored.*
  EXCEPT (feed_default_count),
  c.l10_expected_games,
  c.l10_actual_games,
  c.l10_completeness_pct,
  c.l5_expected_games,
  c.l5_actual_games,
  c.l5_completeness_pct,
  c.l7d_expected_games,
  c.l7d_actual_games,
  c.l7d_completeness_pct,
  c.l14d_expected_games,
  c.l14d_actual_games,
  c.l14d_completeness_pct,
  c.expected_games,
  c.actual_games,
  c.completeness_pct,
  (
    c.is_production_ready AND dc.d IS NULL AND tc.d IS NULL
  ) AS is_production_ready,
  NULLIF(
    ARRAY_TO_STRING(
      [
        CAST(CASE
          WHEN NOT dc.d IS NULL
          THEN 'analytics.player_game_summary has no rows for ' || CAST(dc.missing_dates AS STRING) || ' scheduled game date(s) in the 7 days before ' || CAST(scored.game_date AS STRING) || ' (first ' || CAST(dc.first_missing_date AS STRING) || ')'
          WHEN NOT tc.d IS NULL
          THEN 'analytics.player_game_summary has no row of ' || CAST(scored.team_abbr AS STRING) || ' for ' || CAST(tc.missing_games AS STRING) || ' of its scheduled game(s) in the 7 days before ' || CAST(scored.game_date AS STRING) || ' (first ' || CAST(tc.first_missing_game AS STRING) || ')'
        END AS STRING),
        CAST(c.completeness_reason AS STRING)
      ],
      '; '
    ),
    ''
  ) AS completeness_reason,
  CASE
    WHEN default_feature_count > feed_default_count
    THEN 'poor'
    WHEN default_feature_count > 0
    THEN 'bronze'
    WHEN c.is_production_ready AND dc.d IS NULL AND tc.d IS NULL
    THEN 'gold'
    ELSE 'silver'
  END AS quality_tier,
  default_feature_count = 0 AS is_training_ready
FROM scored
LEFT JOIN cmp_out AS c
  ON c.entity_id = scored.player_lookup AND c.d = scored.game_date
LEFT JOIN cmp_date_check AS dc
  ON dc.d = scored.game_date
LEFT JOIN cmp_team_check AS tc
  ON tc.d = scored.game_date AND tc.team_abbr = scored.team_abbr
