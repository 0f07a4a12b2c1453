-- table: precompute.player_daily_cache
-- kind: by_date_with_failures
-- grain: player_lookup, cache_date
-- time_column: cache_date
-- lookback_days: 400
-- failures: PlayerDailyCacheProcessor
-- entity: player_lookup
-- universe: upcoming_players
--
-- A player's recent form entering the games of cache_date D (one row per UPGC player of D).
-- D = every non-preseason schedule date in [$start_date, $end_date]; universe = the UPGC rows
-- with game_date = D.
-- Player windows: the player's qualifying PGS games (minutes > 0 or points > 0 or
-- fg_attempts > 0) with game_date < D in D's season: last 5, last 10, season.
-- Team windows: the UPGC team's last 10 TOGS games with game_date < D in D's season.
-- UNITS (one convention per concept): rates are percent 0-100 (usage_rate_*,
-- *_rate_last_10 copied from PSZA); percentages are fractions 0-1 (ts_pct_last_10);
-- minutes are decimal minutes; points are points per game; pace is possessions per 48 minutes.
-- Means of DOUBLE inputs are exact fixed-point sums (1e-9) and the std comes from exact integer
-- sums, so results never depend on summation order (chunking, threads).
-- Means skip NULL inputs (usage_rate is NULL for basic-log games, e.g. all of 2021-22, and above
-- 100, a seconds-long appearance: analytics.player_game_summary).
-- ts_pct_last_10 is a ratio of sums over the last-10 window's games with attempts (full box
-- scores): sum(points) / (2 * (sum(FGA) + 0.44 * sum(FTA))), NULL when those games hold fewer
-- than @ts_min_attempts (10) attempts FGA + FTA, or none (basic logs). TS% is points per two
-- true-shooting attempts and can exceed 1 (an and-one three: 4 / 2.88 = 1.39); over >= 10
-- attempts it rarely does (14 rows of the bundled seasons, at most 1.13).
-- points_std_last_10 is the sample standard deviation (n - 1), NULL with < 2 games.
-- Fatigue fields are copied from UPGC; zone fields from PSZA (analysis_date = D): NULL and
-- shot_zone_data_available = false when PSZA has no row or no zone data for the player.
-- Not available, so not produced: player_age, fourth_quarter_minutes_last_7,
-- assisted_rate_last_10 (no such source data).
-- Early season: days 0-13 after opening night (first 'Regular Season' date of the season in
-- raw.schedule) -> every UPGC player gets EXPECTED_INCOMPLETE ('bootstrap window'). After that
-- a player needs min_games_required = least(5, greatest(4, floor(0.3 * days_since_opening)))
-- games this season (4 on days 14-16, 5 from day 17; the spec's 5), else INSUFFICIENT_DATA
-- (can_retry). UPGC has no row for D -> one DATE_LEVEL row: EXPECTED_INCOMPLETE in the
-- bootstrap window, else MISSING_DEPENDENCY; the same when PGS holds no row at all for a scheduled game date
-- in [D-7, D) (the date is not computed from the hole). A player whose team has a scheduled game
-- in [D-7, D) that PGS holds no row of (other teams' rows of that date present) gets
-- MISSING_DEPENDENCY outside the bootstrap window.
-- Completeness (every row and failure row; definition in src/nbaprops/completeness.py): the
-- player's last 5 (primary) and 10 expected games and his expected games in [D-7, D) and [D-14, D)
-- (his stint teams' scheduled games) against his PGS rows: l5_/l10_/l7d_/l14d_ expected_games,
-- actual_games, completeness_pct; is_production_ready when all are >= 90 %, else completeness_reason.
-- dialect: spark (translated from DuckDB by nbaprops.dialects; do not edit)
WITH dates AS (
  SELECT
    game_date AS cache_date,
    season_year,
    days_since_opening
  FROM analytics.game_calendar
  WHERE
    game_date BETWEEN :start_date AND :end_date
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
    AND analysis_date BETWEEN :start_date AND :end_date
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
    AND analysis_date BETWEEN :start_date AND :end_date
), upgc AS (
  /* a date without any UPGC row keeps one row: the DATE_LEVEL entity (dependency missing) */
  SELECT
    d.cache_date,
    d.season_year,
    d.days_since_opening,
    COALESCE(u.player_lookup, 'DATE_LEVEL') AS player_lookup,
    (
      u.player_lookup IS NULL
    ) AS dependency_missing,
    u.game_id,
    u.team_abbr,
    u.opponent_team_abbr,
    u.days_rest,
    u.back_to_back,
    u.games_in_last_7_days,
    u.games_in_last_14_days,
    u.minutes_in_last_7_days,
    u.minutes_in_last_14_days,
    u.back_to_backs_last_14_days,
    u.avg_minutes_per_game_last_7,
    cdc.missing_dates,
    cdc.first_missing_date,
    tc.missing_games AS team_missing_games,
    tc.first_missing_game AS team_first_missing_game
  FROM dates AS d
  LEFT JOIN cmp_date_check AS cdc
    ON cdc.d = d.cache_date AND d.days_since_opening >= 14
  LEFT JOIN analytics.upcoming_player_game_context AS u
    ON u.game_date = d.cache_date
    AND cdc.d IS NULL
    AND u.game_date BETWEEN :start_date AND :end_date /* (the range stated: DuckDB would read every date) */
  /* the player's team has a scheduled game in [D-7, D) without PGS rows: dependency missing */
  LEFT JOIN cmp_team_check AS tc
    ON tc.d = d.cache_date AND tc.team_abbr = u.team_abbr AND d.days_since_opening >= 14
), cmp_universe AS (
  SELECT
    player_lookup AS entity_id,
    season_year,
    cache_date AS d
  FROM upgc
  WHERE
    NOT dependency_missing
), cmp AS (
  /* completeness: the entity's windows entering D, computed once by precompute.player_completeness */
  /* (no row there: no game this season before D, nothing expected) */
  SELECT
    u.entity_id,
    u.d,
    COALESCE(pc.l5_expected_games, 0) AS l5_expected_games,
    COALESCE(pc.l5_actual_games, 0) AS l5_actual_games,
    COALESCE(pc.l10_expected_games, 0) AS l10_expected_games,
    COALESCE(pc.l10_actual_games, 0) AS l10_actual_games,
    COALESCE(pc.l7d_expected_games, 0) AS l7d_expected_games,
    COALESCE(pc.l7d_actual_games, 0) AS l7d_actual_games,
    COALESCE(pc.l14d_expected_games, 0) AS l14d_expected_games,
    COALESCE(pc.l14d_actual_games, 0) AS l14d_actual_games
  FROM cmp_universe AS u
  LEFT JOIN precompute.player_completeness AS pc
    ON pc.player_lookup = u.entity_id
    AND pc.analysis_date = u.d
    AND pc.analysis_date BETWEEN :start_date AND :end_date /* (the range stated: DuckDB would read every date) */
), cmp_out AS (
  /* completeness columns of this model (windows l5, l10, l7d, l14d; primary l5) */
  SELECT
    entity_id,
    d,
    l5_expected_games,
    l5_actual_games,
    ROUND(100.0 * l5_actual_games / NULLIF(l5_expected_games, 0), 1) AS l5_completeness_pct,
    l10_expected_games,
    l10_actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS l10_completeness_pct,
    l7d_expected_games,
    l7d_actual_games,
    ROUND(100.0 * l7d_actual_games / NULLIF(l7d_expected_games, 0), 1) AS l7d_completeness_pct,
    l14d_expected_games,
    l14d_actual_games,
    ROUND(100.0 * l14d_actual_games / NULLIF(l14d_expected_games, 0), 1) AS l14d_completeness_pct,
    l5_expected_games AS expected_games,
    l5_actual_games AS actual_games,
    ROUND(100.0 * l5_actual_games / NULLIF(l5_expected_games, 0), 1) AS completeness_pct,
    (
      l5_expected_games > 0
      AND l5_actual_games * 10 >= l5_expected_games * 9
      AND l10_actual_games * 10 >= l10_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
    ) AS is_production_ready,
    CASE
      WHEN l5_expected_games = 0
      THEN 'no games expected before this date this season'
      WHEN l5_actual_games * 10 >= l5_expected_games * 9
      AND l10_actual_games * 10 >= l10_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
      THEN NULL /* (cheap integer tests first: most rows need no text) */
      ELSE CONCAT_WS(
        '; ',
        CAST(CASE
          WHEN l5_actual_games * 10 < l5_expected_games * 9
          THEN 'l5: ' || CAST(l5_actual_games AS STRING) || ' of ' || CAST(l5_expected_games AS STRING) || ' games'
        END AS STRING),
        CAST(CASE
          WHEN l10_actual_games * 10 < l10_expected_games * 9
          THEN 'l10: ' || CAST(l10_actual_games AS STRING) || ' of ' || CAST(l10_expected_games AS STRING) || ' games'
        END AS STRING),
        CAST(CASE
          WHEN l7d_actual_games * 10 < l7d_expected_games * 9
          THEN 'l7d: ' || CAST(l7d_actual_games AS STRING) || ' of ' || CAST(l7d_expected_games AS STRING) || ' games'
        END AS STRING),
        CAST(CASE
          WHEN l14d_actual_games * 10 < l14d_expected_games * 9
          THEN 'l14d: ' || CAST(l14d_actual_games AS STRING) || ' of ' || CAST(l14d_expected_games AS STRING) || ' games'
        END AS STRING)
      )
    END AS completeness_reason
  FROM cmp
), player_keys AS (
  /* season, so no other history can reach a row (a one-date run reads ~200 */
  /* players' seasons, not the lookback's whole league) */
  SELECT DISTINCT
    player_lookup,
    season_year
  FROM upgc
  WHERE
    NOT dependency_missing
), player_games AS (
  SELECT
    g.player_lookup,
    g.season_year,
    g.game_date,
    g.game_id,
    g.points,
    g.minutes_played,
    g.usage_rate,
    CASE WHEN NOT g.fg_attempts IS NULL AND NOT g.ft_attempts IS NULL THEN g.points END AS ts_points, /* true-shooting inputs of the games with attempts (full box scores) */
    CASE WHEN NOT g.ft_attempts IS NULL THEN g.fg_attempts END AS ts_fga,
    CASE WHEN NOT g.fg_attempts IS NULL THEN g.ft_attempts END AS ts_fta
  FROM analytics.player_game_summary AS g
  JOIN player_keys AS k
    ON k.player_lookup = g.player_lookup AND k.season_year = g.season_year
  WHERE
    g.game_date >= :read_start
    AND g.game_date < :end_date
    AND g.season_type <> 'Pre Season'
    AND (
      g.minutes_played > 0 OR g.fg_attempts > 0 OR g.points > 0
    )
), player_rolled AS (
  /* state after each game (this one included) */
  SELECT
    player_lookup,
    season_year,
    game_date,
    LEAD(game_date) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
    ) AS next_game_date,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS games_season,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS pts5,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts10,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS pts_season,
    SUM(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts_sum10, /* sample variance from exact integer sums: (n*sum(x^2) - sum(x)^2) / (n*(n-1)) */
    SUM(CAST(points AS BIGINT) * points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts_sq10,
    COUNT(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts_n10,
    SUM(CAST(ROUND(minutes_played * 1e9) AS BIGINT)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(minutes_played) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date NULLS LAST, game_id NULLS LAST
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS min10,
    SUM(CAST(ROUND(usage_rate * 1e9) AS BIGINT)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(usage_rate) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date NULLS LAST, game_id NULLS LAST
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS usg10,
    SUM(ts_points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ts_pts10, /* true shooting over the window: a ratio of sums, not a mean of per-game TS% */
    SUM(ts_fga) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ts_fga10,
    SUM(ts_fta) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ts_fta10,
    SUM(CAST(ROUND(usage_rate * 1e9) AS BIGINT)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(usage_rate) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date NULLS LAST, game_id NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ),
      0
    ) AS usg_season
  FROM player_games
), team_rolled AS (
  SELECT
    team_abbr,
    season_year,
    game_date,
    LEAD(game_date) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
    ) AS next_game_date,
    COUNT(*) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS team_g10,
    SUM(CAST(ROUND(pace * 1e9) AS BIGINT)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(pace) OVER (
        PARTITION BY team_abbr, season_year
        ORDER BY game_date NULLS LAST, game_id NULLS LAST
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS pace10,
    SUM(CAST(ROUND(offensive_rating * 1e9) AS BIGINT)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(offensive_rating) OVER (
        PARTITION BY team_abbr, season_year
        ORDER BY game_date NULLS LAST, game_id NULLS LAST
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS ortg10
  FROM analytics.team_offense_game_summary
  WHERE
    game_date >= :read_start
    AND game_date < :end_date
    AND season_type <> 'Pre Season'
    AND season_year IN (
      SELECT
        season_year
      FROM dates
    ) /* windows never cross a season */
), psza AS (
  SELECT
    player_lookup,
    analysis_date,
    primary_scoring_zone,
    paint_rate_last_10,
    mid_range_rate_last_10,
    three_pt_rate_last_10
  FROM precompute.player_shot_zone_analysis
  WHERE
    analysis_date BETWEEN :start_date AND :end_date
), state AS (
  SELECT
    u.*,
    LEAST(5, GREATEST(4, CAST(FLOOR(u.days_since_opening * 0.3) AS INT))) AS min_games_required,
    COALESCE(p.games_season, 0) AS games_season,
    p.pts5,
    p.pts10,
    p.pts_season,
    CASE
      WHEN p.pts_n10 >= 2
      THEN SQRT(
        CAST(GREATEST(0, p.pts_n10 * p.pts_sq10 - p.pts_sum10 * p.pts_sum10) AS DOUBLE) / (
          p.pts_n10 * (
            p.pts_n10 - 1
          )
        )
      )
    END AS pts_std10,
    p.min10,
    p.usg10,
    p.usg_season,
    CASE
      WHEN p.ts_fga10 + p.ts_fta10 >= 10
      THEN p.ts_pts10 / (
        2.0 * (
          p.ts_fga10 + 0.44 * p.ts_fta10
        )
      )
    END AS ts10,
    t.team_g10,
    t.pace10,
    t.ortg10,
    z.primary_scoring_zone,
    z.paint_rate_last_10,
    z.mid_range_rate_last_10,
    z.three_pt_rate_last_10
  FROM upgc AS u
  LEFT JOIN player_rolled AS p
    ON p.player_lookup = u.player_lookup
    AND p.season_year = u.season_year
    AND p.game_date < u.cache_date
    AND u.cache_date <= COALESCE(p.next_game_date, CAST('9999-12-31' AS DATE))
  LEFT JOIN team_rolled AS t
    ON t.team_abbr = u.team_abbr
    AND t.season_year = u.season_year
    AND t.game_date < u.cache_date
    AND u.cache_date <= COALESCE(t.next_game_date, CAST('9999-12-31' AS DATE))
  LEFT JOIN psza AS z
    ON z.player_lookup = u.player_lookup AND z.analysis_date = u.cache_date
), player_rows AS (
  SELECT
    player_lookup,
    cache_date,
    CAST(season_year AS INT) AS season_year,
    CAST(days_since_opening AS INT) AS days_since_opening,
    game_id,
    team_abbr,
    opponent_team_abbr,
    CAST(games_season AS INT) AS games_played_season,
    CAST(min_games_required AS INT) AS min_games_required,
    (
      games_season < 10
    ) AS early_season_flag,
    CAST(pts5 AS DOUBLE) AS points_avg_last_5,
    CAST(pts10 AS DOUBLE) AS points_avg_last_10,
    CAST(pts_season AS DOUBLE) AS points_avg_season,
    CAST(pts_std10 AS DOUBLE) AS points_std_last_10,
    CAST(min10 AS DOUBLE) AS minutes_avg_last_10,
    CAST(usg10 AS DOUBLE) AS usage_rate_last_10,
    CAST(ts10 AS DOUBLE) AS ts_pct_last_10,
    CAST(usg_season AS DOUBLE) AS player_usage_rate_season,
    CAST(COALESCE(team_g10, 0) AS INT) AS team_games_last_10,
    CAST(pace10 AS DOUBLE) AS team_pace_last_10,
    CAST(ortg10 AS DOUBLE) AS team_off_rating_last_10,
    CAST(days_rest AS INT) AS days_rest,
    CAST(back_to_back AS BOOLEAN) AS back_to_back,
    CAST(games_in_last_7_days AS INT) AS games_in_last_7_days,
    CAST(games_in_last_14_days AS INT) AS games_in_last_14_days,
    CAST(minutes_in_last_7_days AS DOUBLE) AS minutes_in_last_7_days,
    CAST(minutes_in_last_14_days AS DOUBLE) AS minutes_in_last_14_days,
    CAST(back_to_backs_last_14_days AS INT) AS back_to_backs_last_14_days,
    CAST(avg_minutes_per_game_last_7 AS DOUBLE) AS avg_minutes_per_game_last_7,
    CAST(primary_scoring_zone AS STRING) AS primary_scoring_zone,
    CAST(paint_rate_last_10 AS DOUBLE) AS paint_rate_last_10,
    CAST(mid_range_rate_last_10 AS DOUBLE) AS mid_range_rate_last_10,
    CAST(three_pt_rate_last_10 AS DOUBLE) AS three_pt_rate_last_10,
    (
      NOT paint_rate_last_10 IS NULL
    ) AS shot_zone_data_available,
    CASE
      WHEN days_since_opening < 14
      THEN 'EXPECTED_INCOMPLETE'
      WHEN dependency_missing OR NOT team_missing_games IS NULL
      THEN 'MISSING_DEPENDENCY'
      WHEN games_season < min_games_required
      THEN 'INSUFFICIENT_DATA'
    END AS failure_category,
    CASE
      WHEN days_since_opening < 14 AND dependency_missing
      THEN 'bootstrap window (no UPGC rows for the date)'
      WHEN days_since_opening < 14
      THEN 'bootstrap window'
      WHEN dependency_missing AND NOT missing_dates IS NULL
      THEN 'analytics.player_game_summary has no rows for ' || CAST(missing_dates AS STRING) || ' scheduled game date(s) in the 7 days before ' || CAST(cache_date AS STRING) || ' (first ' || CAST(first_missing_date AS STRING) || ')'
      WHEN dependency_missing
      THEN 'no analytics.upcoming_player_game_context rows for ' || CAST(cache_date AS STRING)
      WHEN NOT team_missing_games IS NULL
      THEN 'analytics.player_game_summary has no row of ' || CAST(team_abbr AS STRING) || ' for ' || CAST(team_missing_games AS STRING) || ' of its scheduled game(s) in the 7 days before ' || CAST(cache_date AS STRING) || ' (first ' || CAST(team_first_missing_game AS STRING) || ')'
      WHEN games_season < min_games_required
      THEN 'player has ' || CAST(games_season AS STRING) || ' games before ' || CAST(cache_date AS STRING) || ' this season, needs ' || CAST(min_games_required AS STRING)
    END AS failure_reason,
    CASE
      WHEN days_since_opening < 14
      THEN FALSE
      WHEN dependency_missing OR NOT team_missing_games IS NULL
      THEN TRUE
      WHEN games_season < min_games_required
      THEN TRUE
    END AS can_retry
  FROM state
)
SELECT
  p.*,
  c.l5_expected_games,
  c.l5_actual_games,
  c.l5_completeness_pct,
  c.l10_expected_games,
  c.l10_actual_games,
  c.l10_completeness_pct,
  c.l7d_expected_games,
  c.l7d_actual_games,
  c.l7d_completeness_pct,
  c.l14d_expected_games,
  c.l14d_actual_games,
  c.l14d_completeness_pct,
  c.expected_games,
  c.actual_games,
  c.completeness_pct,
  c.is_production_ready,
  c.completeness_reason
FROM player_rows AS p
LEFT JOIN cmp_out AS c
  ON c.entity_id = p.player_lookup AND c.d = p.cache_date
