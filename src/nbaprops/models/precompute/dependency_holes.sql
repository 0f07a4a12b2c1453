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
WITH
cmp_dates AS (
    SELECT game_date AS d, season_year FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@dependency_holes
date_holes AS (
    SELECT upstream_table, d, count(DISTINCT game_date) AS missing_dates, min(game_date) AS first_missing_date
    FROM cmp_hole_dates WHERE NOT date_has_rows
    GROUP BY upstream_table, d
),
team_holes AS (
    SELECT upstream_table, d, team_abbr, count(*) AS missing_games, min(game_date) AS first_missing_game
    FROM cmp_hole_dates WHERE date_has_rows
    GROUP BY upstream_table, d, team_abbr
)
SELECT d AS analysis_date, upstream_table, 'DATE_LEVEL' AS team_abbr, missing_dates, first_missing_date,
       CAST(NULL AS BIGINT) AS missing_games, CAST(NULL AS DATE) AS first_missing_game
FROM date_holes
UNION ALL
SELECT d, upstream_table, team_abbr, CAST(NULL AS BIGINT), CAST(NULL AS DATE), missing_games, first_missing_game
FROM team_holes
