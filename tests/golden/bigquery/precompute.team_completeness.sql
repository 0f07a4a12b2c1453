-- table: precompute.team_completeness
-- kind: by_date
-- grain: team_abbr, analysis_date
-- time_column: analysis_date
-- lookback_days: 400
--
-- Completeness of a team's history entering D, computed once for the team model
-- (team_defense_zone_analysis takes its windows from here; definition in
-- src/nbaprops/completeness.py). One row per team of D's season (raw.schedule) and game date D.
-- Expected games = the team's scheduled games (home and away); actual = those
-- analytics.team_defense_game_summary holds a row of the team for; every window ends before D
-- and stays in D's season: l15 = the team's last 15 expected games, l30d = its expected games
-- with D - 30 <= game_date < D.
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
), cmp_rows AS (
  /* completeness: the team's upstream rows (one per date) */
  SELECT DISTINCT
    defending_team_abbr AS entity_id,
    season_year,
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
), season_teams AS (
  SELECT DISTINCT
    season_year,
    home_team_abbr AS team_abbr
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
  UNION DISTINCT
  SELECT DISTINCT
    season_year,
    away_team_abbr
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
), cmp_universe AS (
  SELECT
    t.team_abbr AS entity_id,
    d.season_year,
    d.d
  FROM cmp_dates AS d
  JOIN season_teams AS t
    ON t.season_year = d.season_year
), cmp_keys AS (
  /* completeness: only the universe's entities and seasons are counted */
  SELECT DISTINCT
    entity_id,
    season_year
  FROM cmp_universe
), cmp_events AS (
  /* completeness: the team's expected games = its scheduled games; has_row = a row exists */
  SELECT
    s.team_abbr AS entity_id,
    s.season_year,
    s.game_date,
    (
      NOT r.entity_id IS NULL
    ) AS has_row
  FROM cmp_sched AS s
  JOIN cmp_keys AS k
    ON k.entity_id = s.team_abbr AND k.season_year = s.season_year
  LEFT JOIN cmp_rows AS r
    ON r.entity_id = s.team_abbr
    AND r.season_year = s.season_year
    AND r.game_date = s.game_date
), cmp_games AS (
  /* completeness: after each expected game, expected / actual over the last N expected games */
  SELECT
    entity_id,
    season_year,
    game_date,
    CAST(has_row AS INT64) AS act,
    ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date) AS seq,
    LEAST(15, ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date)) AS e15,
    SUM(CAST(has_row AS INT64)) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY game_date
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS a15
  FROM cmp_events
), cmp_stream AS (
  /* completeness: expected games (ev = 1) and the universe (ev = 0) of each entity and season */
  SELECT
    entity_id,
    season_year,
    game_date AS d,
    2 * DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) + 1 AS k,
    1 AS ev,
    act
  FROM cmp_games
  UNION ALL
  SELECT
    entity_id,
    season_year,
    d,
    2 * DATE_DIFF(d, CAST('2000-01-01' AS DATE), DAY),
    0,
    0
  FROM cmp_universe
), cmp_state AS (
  /* every count stops before D (see k) */
  SELECT
    entity_id,
    season_year,
    d,
    ev,
    SUM(ev) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY k
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS seq_before,
    SUM(ev * 1024 + act) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY k
      RANGE BETWEEN 60 PRECEDING AND 1 PRECEDING
    ) AS p30d
  FROM cmp_stream
), cmp AS (
  /* completeness per entity and D: expected / actual games per window */
  SELECT
    s.entity_id,
    s.d,
    CAST(COALESCE(g.e15, 0) AS INT64) AS l15_expected_games,
    CAST(COALESCE(g.a15, 0) AS INT64) AS l15_actual_games,
    CAST((
      DIV(COALESCE(s.p30d, 0), 1024)
    ) AS INT64) AS l30d_expected_games,
    CAST((
      MOD(COALESCE(s.p30d, 0), 1024)
    ) AS INT64) AS l30d_actual_games
  FROM cmp_state AS s
  LEFT JOIN cmp_games AS g
    ON g.entity_id = s.entity_id
    AND g.season_year = s.season_year
    AND g.seq = s.seq_before
  WHERE
    s.ev = 0
), final AS (
  SELECT
    c.entity_id AS team_abbr,
    c.d AS analysis_date,
    CAST(d.season_year AS INT64) AS season_year,
    c.l15_expected_games,
    c.l15_actual_games,
    c.l30d_expected_games,
    c.l30d_actual_games
  FROM cmp AS c
  JOIN cmp_dates AS d
    ON d.d = c.d
)
SELECT
  *
FROM final
