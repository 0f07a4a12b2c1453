-- table: analytics.player_game_summary
-- kind: by_date
-- grain: game_id, player_lookup
-- time_column: game_date
-- lookback_days: 0
--
-- One row per player who PLAYED (minutes > 0 or points > 0) in a non-preseason game. Every row
-- describes the game itself (outcomes), so it reads only rows of its own game_date: no history,
-- no lookback, and the result cannot depend on how a range is chunked.
--
-- Sources and tiers: raw.player_boxscores rows with source 'player_box' (full box) -> 'gold';
-- source 'basic_log' (points/minutes/rebounds/assists/..., no made/attempted counts, no starter)
-- -> 'silver'. Counts the basic log lacks stay NULL, never 0.
--
-- Team totals (for usage_rate): the full team box (raw.team_boxscores source 'team_box'), else
-- the sum of the same team-game's full player box (>= 5 players who played). None for basic-log
-- games, so usage_rate is NULL there. Game minutes = 48 + 5 per overtime, overtime read from
-- the team's total player-minutes ((minutes - 240) / 25, rounded: exact for the team box, and the
-- summed player box is within a few seconds of it); 48 when neither is known.
-- usage_rate = 100 * (FGA + 0.44 * FTA + TOV) * game minutes / (minutes * the team's FGA + 0.44 *
-- FTA + TOV), percent 0-100, and NULL above 100: a seconds-long appearance (one shot in 20
-- seconds) gives hundreds (21 full-box games of the bundled data, all under 2.5 minutes). The
-- usage features skip such a game as they skip a basic-log one (features.USAGE_RATE_RULE).
--
-- Shot zones: raw.shots `zone` is the one classifier (assigned at ingest). paint = 'paint',
-- mid_range = 'mid_range', three_zone = 'three' or 'backcourt' (backcourt heaves are
-- three-point attempts). The six zone columns are NULL (not 0) when the game has no shot data
-- at all (playoffs, play-in, the Cup final, 2021-22, 2025-26); a player with no attempts in a game that has shot
-- data gets 0. has_complete_shot_zones = the game has shot data. The shot data carries no
-- assist information, so there are no assisted/unassisted columns.
--
-- Prop label columns (outcomes of the game, never feature inputs): only snapshots taken before
-- tip-off (minutes_before_tipoff >= 0). The bookmaker is chosen by priority draftkings ->
-- fanduel -> others alphabetically among those with a pre-tip snapshot; points_line is that
-- bookmaker's LAST pre-tip snapshot, opening_line its EARLIEST. over_under_result compares
-- points with points_line: 'OVER' above, 'UNDER' below, 'PUSH' equal.
--
-- win_flag / team_margin are real: team points (team box, either source, else the sum of the
-- team's player points) against the opponent's.
-- efg_pct = (FGM + 0.5 * 3PM) / FGA and ts_pct = points / (2 * (FGA + 0.44 * FTA)), fractions,
-- NULL without field-goal attempts. A single game's ts_pct can exceed 1 (TS% is points per two
-- true-shooting attempts: one made three is 1.5; 2,669 games of the bundled data, at most 1.5).
-- Window values average no per-game percentages: they are ratios of sums (PDC ts_pct_last_10).
WITH box AS (
    SELECT *
    FROM raw.player_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
      AND season_type <> @preseason
),
team_row AS (
    SELECT game_id, team_abbr, source, "minutes" AS team_minutes, points, fg_attempts, ft_attempts, turnovers
    FROM raw.team_boxscores
    WHERE game_date BETWEEN $start_date AND $end_date
      AND season_type <> @preseason
),
player_sums AS (
    SELECT game_id, team_abbr,
           SUM(CASE WHEN source = 'player_box' AND ("minutes" > 0 OR points > 0) THEN 1 ELSE 0 END) AS full_players,
           SUM(CASE WHEN source = 'player_box' THEN "minutes" END) AS full_minutes,
           SUM(CASE WHEN source = 'player_box' THEN fg_attempts END) AS full_fga,
           SUM(CASE WHEN source = 'player_box' THEN ft_attempts END) AS full_fta,
           SUM(CASE WHEN source = 'player_box' THEN turnovers END) AS full_tov,
           SUM(points) AS points
    FROM box
    GROUP BY game_id, team_abbr
),
team_game AS (
    SELECT COALESCE(t.game_id, p.game_id) AS game_id,
           COALESCE(t.team_abbr, p.team_abbr) AS team_abbr,
           CASE WHEN t.source = 'team_box' THEN t.team_minutes
                WHEN p.full_players >= 5 THEN p.full_minutes END AS team_minutes,
           CASE WHEN t.source = 'team_box' THEN t.fg_attempts
                WHEN p.full_players >= 5 THEN p.full_fga END AS tm_fga,
           CASE WHEN t.source = 'team_box' THEN t.ft_attempts
                WHEN p.full_players >= 5 THEN p.full_fta END AS tm_fta,
           CASE WHEN t.source = 'team_box' THEN t.turnovers
                WHEN p.full_players >= 5 THEN p.full_tov END AS tm_tov,
           COALESCE(t.points, p.points) AS team_points
    FROM team_row t
    FULL OUTER JOIN player_sums p ON p.game_id = t.game_id AND p.team_abbr = t.team_abbr
),
shot AS (
    SELECT game_id, player_lookup, zone, shot_made
    FROM raw.shots
    WHERE game_date BETWEEN $start_date AND $end_date
),
shot_game AS (
    SELECT DISTINCT game_id FROM shot
),
player_zone AS (
    SELECT game_id, player_lookup,
           SUM(CASE WHEN zone = 'paint' THEN 1 ELSE 0 END) AS paint_attempts,
           SUM(CASE WHEN zone = 'paint' AND shot_made THEN 1 ELSE 0 END) AS paint_makes,
           SUM(CASE WHEN zone = 'mid_range' THEN 1 ELSE 0 END) AS mid_range_attempts,
           SUM(CASE WHEN zone = 'mid_range' AND shot_made THEN 1 ELSE 0 END) AS mid_range_makes,
           SUM(CASE WHEN zone IN ('three', 'backcourt') THEN 1 ELSE 0 END) AS three_zone_attempts,
           SUM(CASE WHEN zone IN ('three', 'backcourt') AND shot_made THEN 1 ELSE 0 END) AS three_zone_makes
    FROM shot
    GROUP BY game_id, player_lookup
),
pre_tip AS (
    SELECT game_id, player_lookup, bookmaker, points_line,
           ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup, bookmaker
                              ORDER BY snapshot_timestamp DESC) AS rn_last,
           ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup, bookmaker
                              ORDER BY snapshot_timestamp ASC) AS rn_first
    FROM raw.player_points_props
    WHERE game_date BETWEEN $start_date AND $end_date
      AND minutes_before_tipoff >= 0
),
book_line AS (
    SELECT l.game_id, l.player_lookup, l.bookmaker, l.points_line, f.points_line AS opening_line,
           ROW_NUMBER() OVER (PARTITION BY l.game_id, l.player_lookup
                              ORDER BY CASE l.bookmaker WHEN 'draftkings' THEN 0 WHEN 'fanduel' THEN 1 ELSE 2 END,
                                       l.bookmaker) AS book_rank
    FROM pre_tip l
    JOIN pre_tip f
      ON f.game_id = l.game_id AND f.player_lookup = l.player_lookup AND f.bookmaker = l.bookmaker
     AND f.rn_first = 1
    WHERE l.rn_last = 1
),
chosen_line AS (
    SELECT game_id, player_lookup, bookmaker, points_line, opening_line
    FROM book_line
    WHERE book_rank = 1
),
played AS (
    SELECT b.*,
           CAST(48 + 5 * GREATEST(0, ROUND((tm.team_minutes - 240) / 25.0)) AS DOUBLE) AS game_minutes,
           tm.tm_fga, tm.tm_fta, tm.tm_tov, tm.team_points,
           opp.team_points AS opponent_points
    FROM box b
    LEFT JOIN team_game tm ON tm.game_id = b.game_id AND tm.team_abbr = b.team_abbr
    LEFT JOIN team_game opp ON opp.game_id = b.game_id AND opp.team_abbr = b.opponent_team_abbr
    WHERE b."minutes" > 0 OR b.points > 0
),
with_usage AS (
    SELECT p.*,
           CASE WHEN p."minutes" > 0
                 AND (p.tm_fga + 0.44 * p.tm_fta + p.tm_tov) > 0
                THEN 100.0 * (p.fg_attempts + 0.44 * p.ft_attempts + p.turnovers) * p.game_minutes
                     / (p."minutes" * (p.tm_fga + 0.44 * p.tm_fta + p.tm_tov))
           END AS raw_usage
    FROM played p
)
SELECT
    u.game_id,
    u.game_date,
    u.season_year,
    u.season_type,
    u.player_lookup,
    u.player_id,
    u.player_name,
    u.team_abbr,
    u.opponent_team_abbr,
    u.home_game,
    u.starter,
    CAST(u."minutes" AS DOUBLE) AS minutes_played,
    u.points,
    u.fg_makes,
    u.fg_attempts,
    u.three_pt_makes,
    u.three_pt_attempts,
    u.ft_makes,
    u.ft_attempts,
    u.offensive_rebounds,
    u.defensive_rebounds,
    u.rebounds,
    u.assists,
    u.steals,
    u.blocks,
    u.turnovers,
    u.personal_fouls,
    u.plus_minus,
    CASE WHEN u.fg_attempts > 0
         THEN (u.fg_makes + 0.5 * u.three_pt_makes) / u.fg_attempts END AS efg_pct,
    CASE WHEN u.fg_attempts > 0
         THEN u.points / (2.0 * (u.fg_attempts + 0.44 * u.ft_attempts)) END AS ts_pct,
    CASE WHEN u.raw_usage <= 100 THEN u.raw_usage END AS usage_rate,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.paint_attempts, 0) END AS INTEGER) AS paint_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.paint_makes, 0) END AS INTEGER) AS paint_makes,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.mid_range_attempts, 0) END AS INTEGER) AS mid_range_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.mid_range_makes, 0) END AS INTEGER) AS mid_range_makes,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.three_zone_attempts, 0) END AS INTEGER) AS three_zone_attempts,
    CAST(CASE WHEN sg.game_id IS NOT NULL THEN COALESCE(z.three_zone_makes, 0) END AS INTEGER) AS three_zone_makes,
    sg.game_id IS NOT NULL AS has_complete_shot_zones,
    u.team_points > u.opponent_points AS win_flag,
    CAST(u.team_points - u.opponent_points AS INTEGER) AS team_margin,
    ln.points_line,
    ln.bookmaker AS points_line_source,
    ln.opening_line,
    ln.points_line - ln.opening_line AS line_movement,
    CASE WHEN ln.points_line IS NULL THEN NULL
         WHEN u.points > ln.points_line THEN 'OVER'
         WHEN u.points < ln.points_line THEN 'UNDER'
         ELSE 'PUSH' END AS over_under_result,
    u.points - ln.points_line AS margin_vs_line,
    u.source AS primary_source,
    CASE WHEN u.source = 'player_box' THEN 'gold' ELSE 'silver' END AS data_quality_tier
FROM with_usage u
LEFT JOIN shot_game sg ON sg.game_id = u.game_id
LEFT JOIN player_zone z ON z.game_id = u.game_id AND z.player_lookup = u.player_lookup
LEFT JOIN chosen_line ln ON ln.game_id = u.game_id AND ln.player_lookup = u.player_lookup
