-- table: analytics.game_calendar
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- lookback_days: 400
--
-- The NBA calendar, defined once (constants in src/nbaprops/calendar.py): one row per game
-- date D, a date with at least one non-preseason game in raw.schedule.
--   season_year         D's season: the smallest season_year of its non-preseason games
--   opening_night       the season's first Regular Season date (within the 400 days before D:
--                       a season is shorter); a season without one has no calendar rows
--   days_since_opening  D - opening_night in days (0 on opening night)
--   is_bootstrap        days_since_opening < @bootstrap_days: Phase 4 writes only
--                       EXPECTED_INCOMPLETE failures on such dates
--   game_type           the date's phase: its latest game type (Regular Season, NBA Cup
--                       Final, PlayIn, Playoffs)
--   games               the date's non-preseason games
-- The Phase 4 models take their dates from here; a row for D reads only the schedule up to D.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH sched AS (
  SELECT
    game_date,
    MIN(season_year) AS season_year,
    COUNT(*) AS games,
    MAX(
      CASE season_type
        WHEN 'Regular Season'
        THEN 0
        WHEN 'NBA Cup Final'
        THEN 1
        WHEN 'PlayIn'
        THEN 2
        WHEN 'Playoffs'
        THEN 3
      END
    ) AS phase
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season' AND game_date BETWEEN @start_date AND @end_date
  GROUP BY
    game_date
), openers AS (
  SELECT
    season_year,
    MIN(game_date) AS opening_night
  FROM raw.schedule
  WHERE
    season_type = 'Regular Season'
    AND game_date >= @read_start
    AND game_date <= @end_date
  GROUP BY
    season_year
)
SELECT
  s.game_date,
  s.season_year,
  o.opening_night,
  DATE_DIFF(s.game_date, o.opening_night, DAY) AS days_since_opening,
  DATE_DIFF(s.game_date, o.opening_night, DAY) < 14 AS is_bootstrap,
  CASE s.phase
    WHEN 0
    THEN 'Regular Season'
    WHEN 1
    THEN 'NBA Cup Final'
    WHEN 2
    THEN 'PlayIn'
    WHEN 3
    THEN 'Playoffs'
  END AS game_type,
  CAST(s.games AS INT64) AS games
FROM sched AS s
JOIN openers AS o
  ON o.season_year = s.season_year
