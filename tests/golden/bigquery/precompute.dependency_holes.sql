-- table: precompute.dependency_holes
-- kind: by_date
-- grain: analysis_date, upstream_table, team_abbr
-- time_column: analysis_date
-- lookback_days: 8
--
-- The dependency check of the week before D, computed once for every Phase 4 model and the
-- feature store (definition in src/nbaprops/completeness.py): for each game date D and each
-- upstream table (analytics.player_game_summary for the player models,
-- analytics.team_defense_game_summary for the team model), the scheduled games (team, date) of
-- D's season in [D-7, D) that the upstream holds no row of the team for.
--   team_abbr = 'DATE_LEVEL'  whole dates missing (no team of a scheduled date has a row):
--                             missing_dates, first_missing_date; the models do not compute D
--   team_abbr = a team        the team's games missing on dates other teams have rows for:
--                             missing_games, first_missing_game; the team's entities are not
--                             computed for D, the rest of the league is
-- A date without holes has no rows.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH cmp_dates AS (
  SELECT
    game_date AS d,
    season_year
  FROM analytics.game_calendar
  WHERE
    game_date BETWEEN @start_date AND @end_date
), cmp_sched AS (
  /* completeness: every team's scheduled non-preseason games, home and away alike */
  /* (only the model's seasons: every window stays within D's season) */
  SELECT
    home_team_abbr AS team_abbr,
    season_year,
    game_date
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
  UNION DISTINCT
  SELECT
    away_team_abbr,
    season_year,
    game_date
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
), cmp_team_dates AS (
  /* dependency: the (team, date) pairs each upstream table holds rows for */
  SELECT DISTINCT
    'analytics.player_game_summary' AS upstream_table,
    team_abbr,
    game_date
  FROM analytics.player_game_summary
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
  UNION ALL
  SELECT DISTINCT
    'analytics.team_defense_game_summary',
    defending_team_abbr,
    game_date
  FROM analytics.team_defense_game_summary
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
), cmp_upstreams AS (
  SELECT
    'analytics.player_game_summary' AS upstream_table
  UNION ALL
  SELECT
    'analytics.team_defense_game_summary'
), cmp_holes AS (
  /* dependency: each scheduled game (team, date) of D's season in [D-7, D) for which the */
  /* upstream table holds no row of the team */
  SELECT
    u.upstream_table,
    d.d,
    s.team_abbr,
    s.game_date
  FROM cmp_dates AS d
  CROSS JOIN cmp_upstreams AS u
  JOIN cmp_sched AS s
    ON s.season_year = d.season_year
    AND s.game_date >= DATE_SUB(d.d, INTERVAL 7 DAY)
    AND s.game_date < d.d
  LEFT JOIN cmp_team_dates AS r
    ON r.upstream_table = u.upstream_table
    AND r.team_abbr = s.team_abbr
    AND r.game_date = s.game_date
  WHERE
    r.game_date IS NULL
), cmp_hole_dates AS (
  /* dependency: is any team's row of the hole's date there (a team hole) or none (a date hole)? */
  SELECT
    h.*,
    EXISTS(
      SELECT
        1
      FROM cmp_team_dates AS r
      WHERE
        r.upstream_table = h.upstream_table AND r.game_date = h.game_date
    ) AS date_has_rows
  FROM cmp_holes AS h
), date_holes AS (
  SELECT
    upstream_table,
    d,
    COUNT(DISTINCT game_date) AS missing_dates,
    MIN(game_date) AS first_missing_date
  FROM cmp_hole_dates
  WHERE
    NOT date_has_rows
  GROUP BY
    upstream_table,
    d
), team_holes AS (
  SELECT
    upstream_table,
    d,
    team_abbr,
    COUNT(*) AS missing_games,
    MIN(game_date) AS first_missing_game
  FROM cmp_hole_dates
  WHERE
    date_has_rows
  GROUP BY
    upstream_table,
    d,
    team_abbr
)
SELECT
  d AS analysis_date,
  upstream_table,
  'DATE_LEVEL' AS team_abbr,
  missing_dates,
  first_missing_date,
  CAST(NULL AS INT64) AS missing_games,
  CAST(NULL AS DATE) AS first_missing_game
FROM date_holes
UNION ALL
SELECT
  d,
  upstream_table,
  team_abbr,
  CAST(NULL AS INT64),
  CAST(NULL AS DATE),
  missing_games,
  first_missing_game
FROM team_holes
