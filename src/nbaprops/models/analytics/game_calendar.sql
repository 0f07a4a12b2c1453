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
WITH
sched AS (
    SELECT game_date, min(season_year) AS season_year, count(*) AS games,
           max(@phase_rank(season_type)) AS phase
    FROM raw.schedule
    WHERE season_type <> @preseason AND game_date BETWEEN $start_date AND $end_date
    GROUP BY game_date
),
openers AS (
    SELECT season_year, min(game_date) AS opening_night
    FROM raw.schedule
    WHERE season_type = @regular_season AND game_date >= $read_start AND game_date <= $end_date
    GROUP BY season_year
)
SELECT s.game_date, s.season_year, o.opening_night,
       date_diff('day', o.opening_night, s.game_date) AS days_since_opening,
       date_diff('day', o.opening_night, s.game_date) < @bootstrap_days AS is_bootstrap,
       @phase_name(s.phase) AS game_type,
       s.games::INTEGER AS games
FROM sched s JOIN openers o ON o.season_year = s.season_year
