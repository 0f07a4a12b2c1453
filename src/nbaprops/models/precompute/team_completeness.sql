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
WITH
cmp_dates AS (
    SELECT game_date AS d, season_year FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@completeness_inputs(team)
season_teams AS (
    SELECT DISTINCT season_year, home_team_abbr AS team_abbr FROM raw.schedule WHERE season_type <> @preseason
    UNION
    SELECT DISTINCT season_year, away_team_abbr FROM raw.schedule WHERE season_type <> @preseason
),
cmp_universe AS (
    SELECT t.team_abbr AS entity_id, d.season_year, d.d
    FROM cmp_dates d JOIN season_teams t ON t.season_year = d.season_year
),
@completeness_windows(team_shared)
final AS (
    SELECT c.entity_id AS team_abbr, c.d AS analysis_date, d.season_year::INTEGER AS season_year,
           c.l15_expected_games, c.l15_actual_games, c.l30d_expected_games, c.l30d_actual_games
    FROM cmp c JOIN cmp_dates d ON d.d = c.d
)
SELECT * FROM final
