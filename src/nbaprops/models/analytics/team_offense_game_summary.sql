-- table: analytics.team_offense_game_summary
-- kind: by_date
-- grain: game_id, team_abbr
-- time_column: game_date
-- lookback_days: 0
--
-- One row per team per non-preseason game with any box data (two per game). Rows describe the
-- game itself and read only rows of their own game_date: no lookback, chunking-independent.
--
-- Source per team-game, first that exists:
--   1. raw.team_boxscores source 'team_box' (full counts)           -> 'team_box', 'gold'
--   2. the team's full player box (raw.player_boxscores source 'player_box'), summed over the
--      players who played, at least 5 of them                       -> 'reconstructed_from_players', 'silver'
--   3. raw.team_boxscores source 'basic_log' (points, rebounds, assists, steals, blocks,
--      turnovers; no made/attempted counts), else the basic player log summed (>= 5 players)
--                                                                    -> 'basic_log', 'bronze'
-- Bronze rows keep the counts they lack NULL, so possessions, pace, ratings and ts_pct are NULL.
--
-- possessions = FGA + 0.44*FTA + TOV - OREB (DOUBLE, not truncated).
-- Overtime from the team's total player-minutes: (minutes - 240) / 25 periods, rounded (the team
-- box has exactly 240/265/290...; summed player minutes are within seconds, summed whole-minute
-- basic-log minutes within a few minutes, of that grid). The game's value is the larger of the
-- two teams'. game_minutes = 48 + 5*overtime_periods; pace = possessions * 48 / game_minutes.
-- game_minutes/overtime_periods are NULL when no team minutes are known.
--
-- win_flag / margin_of_victory from both teams' points (raw.team_boxscores has no plus_minus for
-- full rows). NULL when the opponent has no row.
--
-- Shot zones from raw.shots (`zone`, the one classifier: paint / mid_range / three+backcourt),
-- by the shooting team. NULL (not 0) when the game has no shot data at all;
-- shot_zones_available = the game has shot data. points_in_paint_scored / mid_range_points_scored
-- count each made shot of the zone by its value (shot_type; a handful of 'mid_range' attempts are
-- recorded as 3PT). analytics.team_defense_game_summary reads these rows from the other side.
WITH player_rows AS (
    SELECT *
    FROM raw.player_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
      AND season_type <> @preseason
      AND ("minutes" > 0 OR points > 0)
),
team_rows AS (
    SELECT *
    FROM raw.team_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
      AND season_type <> @preseason
),
player_sums AS (
    SELECT game_id, team_abbr,
           MIN(source) AS source,
           MIN(game_date) AS game_date,
           MIN(season_year) AS season_year,
           MIN(season_type) AS season_type,
           MIN(opponent_team_abbr) AS opponent_team_abbr,
           MAX(CASE WHEN home_game THEN 1 ELSE 0 END) = 1 AS home_game,
           COUNT(*) AS players,
           SUM("minutes") AS team_minutes,
           SUM(points) AS points,
           SUM(fg_makes) AS fg_makes,
           SUM(fg_attempts) AS fg_attempts,
           SUM(three_pt_makes) AS three_pt_makes,
           SUM(three_pt_attempts) AS three_pt_attempts,
           SUM(ft_makes) AS ft_makes,
           SUM(ft_attempts) AS ft_attempts,
           SUM(offensive_rebounds) AS offensive_rebounds,
           SUM(defensive_rebounds) AS defensive_rebounds,
           SUM(rebounds) AS rebounds,
           SUM(assists) AS assists,
           SUM(steals) AS steals,
           SUM(blocks) AS blocks,
           SUM(turnovers) AS turnovers,
           SUM(personal_fouls) AS personal_fouls
    FROM player_rows
    GROUP BY game_id, team_abbr
),
candidate AS (
    SELECT 1 AS priority, 'team_box' AS primary_source, 'gold' AS data_quality_tier,
           game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, home_game,
           CAST("minutes" AS DOUBLE) AS team_minutes, points, fg_makes, fg_attempts, three_pt_makes,
           three_pt_attempts, ft_makes, ft_attempts, offensive_rebounds, defensive_rebounds, rebounds,
           assists, steals, blocks, turnovers, personal_fouls
    FROM team_rows WHERE source = 'team_box'
    UNION ALL
    SELECT 2, 'reconstructed_from_players', 'silver',
           game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, home_game,
           team_minutes, points, fg_makes, fg_attempts, three_pt_makes,
           three_pt_attempts, ft_makes, ft_attempts, offensive_rebounds, defensive_rebounds, rebounds,
           assists, steals, blocks, turnovers, personal_fouls
    FROM player_sums WHERE source = 'player_box' AND players >= 5
    UNION ALL
    SELECT 3, 'basic_log', 'bronze',
           game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, home_game,
           CAST("minutes" AS DOUBLE), points, fg_makes, fg_attempts, three_pt_makes,
           three_pt_attempts, ft_makes, ft_attempts, offensive_rebounds, defensive_rebounds, rebounds,
           assists, steals, blocks, turnovers, personal_fouls
    FROM team_rows WHERE source = 'basic_log'
    UNION ALL
    SELECT 4, 'basic_log', 'bronze',
           game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, home_game,
           team_minutes, points, fg_makes, fg_attempts, three_pt_makes,
           three_pt_attempts, ft_makes, ft_attempts, offensive_rebounds, defensive_rebounds, rebounds,
           assists, steals, blocks, turnovers, personal_fouls
    FROM player_sums WHERE source = 'basic_log' AND players >= 5
),
ranked AS (
    SELECT c.*,
           ROW_NUMBER() OVER (PARTITION BY c.game_id, c.team_abbr ORDER BY c.priority) AS rn
    FROM candidate c
),
team_game AS (
    -- the chosen source; team minutes fall back to the team's summed player minutes (any source)
    SELECT r.*,
           COALESCE(r.team_minutes, CASE WHEN p.players >= 5 THEN p.team_minutes END) AS known_team_minutes,
           CASE WHEN r.fg_attempts IS NOT NULL
                THEN CAST(r.fg_attempts + 0.44 * r.ft_attempts + r.turnovers - r.offensive_rebounds AS DOUBLE)
           END AS possessions
    FROM ranked r
    LEFT JOIN player_sums p ON p.game_id = r.game_id AND p.team_abbr = r.team_abbr
    WHERE r.rn = 1
),
game_ot AS (
    SELECT game_id,
           CAST(MAX(GREATEST(0, ROUND((known_team_minutes - 240) / 25.0))) AS INTEGER) AS overtime_periods
    FROM team_game
    GROUP BY game_id
),
shot AS (
    SELECT game_id, team_abbr, zone, shot_made,
           CASE WHEN shot_type LIKE '3PT%' THEN 3 ELSE 2 END AS shot_value
    FROM raw.shots
    WHERE game_date BETWEEN $start_date AND $end_date
),
shot_game AS (
    SELECT DISTINCT game_id FROM shot
),
team_zone AS (
    SELECT game_id, team_abbr,
           SUM(CASE WHEN zone = 'paint' THEN 1 ELSE 0 END) AS paint_attempts,
           SUM(CASE WHEN zone = 'paint' AND shot_made THEN 1 ELSE 0 END) AS paint_makes,
           SUM(CASE WHEN zone = 'paint' AND shot_made THEN shot_value ELSE 0 END) AS paint_points,
           SUM(CASE WHEN zone = 'mid_range' THEN 1 ELSE 0 END) AS mid_range_attempts,
           SUM(CASE WHEN zone = 'mid_range' AND shot_made THEN 1 ELSE 0 END) AS mid_range_makes,
           SUM(CASE WHEN zone = 'mid_range' AND shot_made THEN shot_value ELSE 0 END) AS mid_range_points,
           SUM(CASE WHEN zone IN ('three', 'backcourt') THEN 1 ELSE 0 END) AS three_zone_attempts,
           SUM(CASE WHEN zone IN ('three', 'backcourt') AND shot_made THEN 1 ELSE 0 END) AS three_zone_makes
    FROM shot
    GROUP BY game_id, team_abbr
)
SELECT
    t.game_id,
    t.game_date,
    t.season_year,
    t.season_type,
    t.team_abbr,
    t.opponent_team_abbr,
    t.home_game,
    CAST(t.points AS INTEGER) AS points_scored,
    CAST(t.fg_attempts AS INTEGER) AS fg_attempts,
    CAST(t.fg_makes AS INTEGER) AS fg_makes,
    CAST(t.three_pt_attempts AS INTEGER) AS three_pt_attempts,
    CAST(t.three_pt_makes AS INTEGER) AS three_pt_makes,
    CAST(t.ft_attempts AS INTEGER) AS ft_attempts,
    CAST(t.ft_makes AS INTEGER) AS ft_makes,
    CAST(t.offensive_rebounds AS INTEGER) AS offensive_rebounds,
    CAST(t.defensive_rebounds AS INTEGER) AS defensive_rebounds,
    CAST(t.rebounds AS INTEGER) AS rebounds,
    CAST(t.assists AS INTEGER) AS assists,
    CAST(t.steals AS INTEGER) AS steals,
    CAST(t.blocks AS INTEGER) AS blocks,
    CAST(t.turnovers AS INTEGER) AS turnovers,
    CAST(t.personal_fouls AS INTEGER) AS personal_fouls,
    t.possessions,
    CAST(48 + 5 * g.overtime_periods AS DOUBLE) AS game_minutes,
    g.overtime_periods,
    CASE WHEN g.overtime_periods IS NOT NULL
         THEN t.possessions * 48.0 / (48 + 5 * g.overtime_periods) END AS pace,
    CASE WHEN t.possessions > 0 THEN 100.0 * t.points / t.possessions END AS offensive_rating,
    CASE WHEN (t.fg_attempts + 0.44 * t.ft_attempts) > 0
         THEN t.points / (2.0 * (t.fg_attempts + 0.44 * t.ft_attempts)) END AS ts_pct,
    t.points > o.points AS win_flag,
    CAST(t.points - o.points AS INTEGER) AS margin_of_victory,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.paint_attempts, 0) END AS INTEGER) AS team_paint_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.paint_makes, 0) END AS INTEGER) AS team_paint_makes,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.mid_range_attempts, 0) END AS INTEGER) AS team_mid_range_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.mid_range_makes, 0) END AS INTEGER) AS team_mid_range_makes,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.three_zone_attempts, 0) END AS INTEGER) AS team_three_zone_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.three_zone_makes, 0) END AS INTEGER) AS team_three_zone_makes,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.paint_points, 0) END AS INTEGER) AS points_in_paint_scored,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.mid_range_points, 0) END AS INTEGER) AS mid_range_points_scored,
    sg.game_id IS NOT NULL AS shot_zones_available,
    t.primary_source,
    t.data_quality_tier
FROM team_game t
LEFT JOIN team_game o ON o.game_id = t.game_id AND o.team_abbr = t.opponent_team_abbr
LEFT JOIN game_ot g ON g.game_id = t.game_id
LEFT JOIN shot_game sg ON sg.game_id = t.game_id
LEFT JOIN team_zone z ON z.game_id = t.game_id AND z.team_abbr = t.team_abbr
