-- table: analytics.team_defense_game_summary
-- grain: game_id, defending_team_abbr
-- time_column: game_date
-- depends_on: raw.team_boxscores, raw.player_boxscores, raw.shots
-- lookback_days: 0
--
-- One row per defending team per non-preseason game with any box data (two per game): the
-- offense rows of analytics.team_offense_game_summary seen from the other side. Rows describe
-- the game itself and read only rows of their own game_date: no lookback, chunking-independent.
--
-- Team-game sources are chosen exactly as in team_offense_game_summary (team box 'gold' ->
-- full player box summed, >= 5 players, 'silver' -> basic log 'bronze'); this row's
-- primary_source / data_quality_tier is the worse of the defender's and the opponent's (most
-- columns are the opponent's offense). The opponent's counts come from its row (points_allowed,
-- opp_*, turnovers_forced = opponent turnovers); the defender's own row gives fouls_committed,
-- steals, blocks_total and defensive_rebounds. Bronze rows have no made/attempted counts, so
-- opp_possessions, defensive_rating, opponent_pace and opponent_ts_pct are NULL there.
--
-- opp_possessions = opp FGA + 0.44*opp FTA + opp TOV - opp OREB (DOUBLE);
-- defensive_rating = 100 * points_allowed / opp_possessions;
-- opponent_pace = opp_possessions * 48 / game_minutes, minute-normalised like the offense pace
-- (overtime from the teams' total player-minutes: (minutes - 240) / 25 periods).
-- win_flag / margin_of_victory from both teams' points (defender's points minus points allowed).
--
-- Zones allowed from raw.shots by the opponent's shooters (`zone`: paint / mid_range /
-- three+backcourt). NULL (not 0) when the game has no shot data; shot_zones_available = the game
-- has shot data. points_in_paint_allowed / mid_range_points_allowed count each made shot by its
-- value (shot_type; a handful of 'mid_range' attempts are recorded as 3PT);
-- three_pt_points_allowed = 3 * opp_three_pt_makes (box score).
-- dialect: spark (translated from DuckDB by nbaprops.dialects; do not edit)
WITH player_rows AS (
  SELECT
    *
  FROM raw.player_boxscores
  WHERE
    game_date BETWEEN :start_date AND :end_date
    AND season_type <> 'Pre Season'
    AND (
      `minutes` > 0 OR points > 0
    )
), team_rows AS (
  SELECT
    *
  FROM raw.team_boxscores
  WHERE
    game_date BETWEEN :start_date AND :end_date AND season_type <> 'Pre Season'
), player_sums AS (
  SELECT
    game_id,
    team_abbr,
    MIN(source) AS source,
    MIN(game_date) AS game_date,
    MIN(season_year) AS season_year,
    MIN(season_type) AS season_type,
    MIN(opponent_team_abbr) AS opponent_team_abbr,
    MAX(CASE WHEN home_game THEN 1 ELSE 0 END) = 1 AS home_game,
    COUNT(*) AS players,
    SUM(`minutes`) AS team_minutes,
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
  GROUP BY
    game_id,
    team_abbr
), candidate AS (
  SELECT
    1 AS priority,
    'team_box' AS primary_source,
    'gold' AS data_quality_tier,
    game_id,
    game_date,
    season_year,
    season_type,
    team_abbr,
    opponent_team_abbr,
    home_game,
    CAST(`minutes` AS DOUBLE) AS team_minutes,
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls
  FROM team_rows
  WHERE
    source = 'team_box'
  UNION ALL
  SELECT
    2,
    'reconstructed_from_players',
    'silver',
    game_id,
    game_date,
    season_year,
    season_type,
    team_abbr,
    opponent_team_abbr,
    home_game,
    team_minutes,
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls
  FROM player_sums
  WHERE
    source = 'player_box' AND players >= 5
  UNION ALL
  SELECT
    3,
    'basic_log',
    'bronze',
    game_id,
    game_date,
    season_year,
    season_type,
    team_abbr,
    opponent_team_abbr,
    home_game,
    CAST(`minutes` AS DOUBLE),
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls
  FROM team_rows
  WHERE
    source = 'basic_log'
  UNION ALL
  SELECT
    4,
    'basic_log',
    'bronze',
    game_id,
    game_date,
    season_year,
    season_type,
    team_abbr,
    opponent_team_abbr,
    home_game,
    team_minutes,
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls
  FROM player_sums
  WHERE
    source = 'basic_log' AND players >= 5
), ranked AS (
  SELECT
    c.*,
    ROW_NUMBER() OVER (PARTITION BY c.game_id, c.team_abbr ORDER BY c.priority NULLS LAST) AS rn
  FROM candidate AS c
), team_game AS (
  /* the chosen source; team minutes fall back to the team's summed player minutes (any source) */
  SELECT
    r.*,
    COALESCE(r.team_minutes, CASE WHEN p.players >= 5 THEN p.team_minutes END) AS known_team_minutes,
    CASE
      WHEN NOT r.fg_attempts IS NULL
      THEN CAST(r.fg_attempts + 0.44 * r.ft_attempts + r.turnovers - r.offensive_rebounds AS DOUBLE)
    END AS possessions
  FROM ranked AS r
  LEFT JOIN player_sums AS p
    ON p.game_id = r.game_id AND p.team_abbr = r.team_abbr
  WHERE
    r.rn = 1
), game_ot AS (
  SELECT
    game_id,
    CAST(MAX(GREATEST(0, ROUND((
      known_team_minutes - 240
    ) / 25.0))) AS INT) AS overtime_periods
  FROM team_game
  GROUP BY
    game_id
), shot AS (
  SELECT
    game_id,
    team_abbr,
    zone,
    shot_made,
    CASE WHEN shot_type LIKE '3PT%' THEN 3 ELSE 2 END AS shot_value
  FROM raw.shots
  WHERE
    game_date BETWEEN :start_date AND :end_date
), shot_game AS (
  SELECT DISTINCT
    game_id
  FROM shot
), team_zone AS (
  SELECT
    game_id,
    team_abbr,
    SUM(CASE WHEN zone = 'paint' THEN 1 ELSE 0 END) AS paint_attempts,
    SUM(CASE WHEN zone = 'paint' AND shot_made THEN 1 ELSE 0 END) AS paint_makes,
    SUM(CASE WHEN zone = 'paint' AND shot_made THEN shot_value ELSE 0 END) AS paint_points,
    SUM(CASE WHEN zone = 'mid_range' THEN 1 ELSE 0 END) AS mid_range_attempts,
    SUM(CASE WHEN zone = 'mid_range' AND shot_made THEN 1 ELSE 0 END) AS mid_range_makes,
    SUM(CASE WHEN zone = 'mid_range' AND shot_made THEN shot_value ELSE 0 END) AS mid_range_points,
    SUM(CASE WHEN zone IN ('three', 'backcourt') THEN 1 ELSE 0 END) AS three_zone_attempts,
    SUM(CASE WHEN zone IN ('three', 'backcourt') AND shot_made THEN 1 ELSE 0 END) AS three_zone_makes
  FROM shot
  GROUP BY
    game_id,
    team_abbr
)
SELECT
  d.game_id,
  d.game_date,
  d.season_year,
  d.season_type,
  d.team_abbr AS defending_team_abbr,
  d.opponent_team_abbr,
  d.home_game,
  CAST(o.points AS INT) AS points_allowed,
  CAST(o.fg_attempts AS INT) AS opp_fg_attempts,
  CAST(o.fg_makes AS INT) AS opp_fg_makes,
  CAST(o.three_pt_attempts AS INT) AS opp_three_pt_attempts,
  CAST(o.three_pt_makes AS INT) AS opp_three_pt_makes,
  CAST(o.ft_attempts AS INT) AS opp_ft_attempts,
  CAST(o.ft_makes AS INT) AS opp_ft_makes,
  CAST(o.offensive_rebounds AS INT) AS opp_offensive_rebounds,
  CAST(o.rebounds AS INT) AS opp_rebounds,
  CAST(o.assists AS INT) AS opp_assists,
  CAST(o.turnovers AS INT) AS turnovers_forced,
  CAST(d.personal_fouls AS INT) AS fouls_committed,
  CAST(d.steals AS INT) AS steals,
  CAST(d.blocks AS INT) AS blocks_total,
  CAST(d.defensive_rebounds AS INT) AS defensive_rebounds,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.paint_attempts, 0) END AS INT) AS opp_paint_attempts,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.paint_makes, 0) END AS INT) AS opp_paint_makes,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.mid_range_attempts, 0) END AS INT) AS opp_mid_range_attempts,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.mid_range_makes, 0) END AS INT) AS opp_mid_range_makes,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.three_zone_attempts, 0) END AS INT) AS opp_three_zone_attempts,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.three_zone_makes, 0) END AS INT) AS opp_three_zone_makes,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.paint_points, 0) END AS INT) AS points_in_paint_allowed,
  CAST(CASE WHEN NOT sg.game_id IS NULL THEN COALESCE(z.mid_range_points, 0) END AS INT) AS mid_range_points_allowed,
  CAST(3 * o.three_pt_makes AS INT) AS three_pt_points_allowed,
  o.possessions AS opp_possessions,
  CASE WHEN o.possessions > 0 THEN 100.0 * o.points / o.possessions END AS defensive_rating,
  CASE
    WHEN NOT g.overtime_periods IS NULL
    THEN o.possessions * 48.0 / (
      48 + 5 * g.overtime_periods
    )
  END AS opponent_pace,
  CASE
    WHEN (
      o.fg_attempts + 0.44 * o.ft_attempts
    ) > 0
    THEN o.points / (
      2.0 * (
        o.fg_attempts + 0.44 * o.ft_attempts
      )
    )
  END AS opponent_ts_pct,
  d.points > o.points AS win_flag,
  CAST(d.points - o.points AS INT) AS margin_of_victory,
  CAST(48 + 5 * g.overtime_periods AS DOUBLE) AS game_minutes,
  g.overtime_periods,
  NOT sg.game_id IS NULL AS shot_zones_available,
  CASE WHEN o.priority > d.priority THEN o.primary_source ELSE d.primary_source END AS primary_source,
  CASE
    WHEN o.priority > d.priority
    THEN o.data_quality_tier
    ELSE d.data_quality_tier
  END AS data_quality_tier
FROM team_game AS d
LEFT JOIN team_game AS o
  ON o.game_id = d.game_id AND o.team_abbr = d.opponent_team_abbr
LEFT JOIN game_ot AS g
  ON g.game_id = d.game_id
LEFT JOIN shot_game AS sg
  ON sg.game_id = d.game_id
LEFT JOIN team_zone AS z
  ON z.game_id = d.game_id AND z.team_abbr = d.opponent_team_abbr
