-- table: analytics.team_defense_game_summary
-- kind: by_date
-- grain: game_id, defending_team_abbr
-- time_column: game_date
-- lookback_days: 0
--
-- One row per defending team per non-preseason game with any box data (two per game): the
-- offense rows of analytics.team_offense_game_summary seen from the other side (the team totals,
-- their sources and the shot zones are defined once, there). Rows describe the game itself and
-- read only rows of their own game_date: no lookback, chunking-independent.
--
-- The opponent's offense row gives points_allowed, opp_*, turnovers_forced (its turnovers), the
-- zones allowed and the opponent's possessions, rating (= defensive_rating), pace (=
-- opponent_pace, minute-normalised with overtime) and ts_pct; the defender's own row gives
-- fouls_committed, steals, blocks_total, defensive_rebounds, win_flag, margin_of_victory and the
-- game's minutes. primary_source / data_quality_tier is the worse of the two rows' (most columns
-- are the opponent's). Bronze rows have no made/attempted counts, so opp_possessions,
-- defensive_rating, opponent_pace and opponent_ts_pct are NULL there; everything of the opponent
-- is NULL when the opponent has no box data for the game.
-- three_pt_points_allowed = 3 * opp_three_pt_makes (box score).
-- dialect: spark (translated from DuckDB by nbaprops.dialects; do not edit)
WITH offense AS (
  SELECT
    *,
    CASE data_quality_tier WHEN 'gold' THEN 1 WHEN 'silver' THEN 2 ELSE 3 END AS tier_rank
  FROM analytics.team_offense_game_summary
  WHERE
    game_date BETWEEN :start_date AND :end_date
)
SELECT
  d.game_id,
  d.game_date,
  d.season_year,
  d.season_type,
  d.team_abbr AS defending_team_abbr,
  d.opponent_team_abbr,
  d.home_game,
  o.points_scored AS points_allowed,
  o.fg_attempts AS opp_fg_attempts,
  o.fg_makes AS opp_fg_makes,
  o.three_pt_attempts AS opp_three_pt_attempts,
  o.three_pt_makes AS opp_three_pt_makes,
  o.ft_attempts AS opp_ft_attempts,
  o.ft_makes AS opp_ft_makes,
  o.offensive_rebounds AS opp_offensive_rebounds,
  o.rebounds AS opp_rebounds,
  o.assists AS opp_assists,
  o.turnovers AS turnovers_forced,
  d.personal_fouls AS fouls_committed,
  d.steals,
  d.blocks AS blocks_total,
  d.defensive_rebounds,
  o.team_paint_attempts AS opp_paint_attempts,
  o.team_paint_makes AS opp_paint_makes,
  o.team_mid_range_attempts AS opp_mid_range_attempts,
  o.team_mid_range_makes AS opp_mid_range_makes,
  o.team_three_zone_attempts AS opp_three_zone_attempts,
  o.team_three_zone_makes AS opp_three_zone_makes,
  o.points_in_paint_scored AS points_in_paint_allowed,
  o.mid_range_points_scored AS mid_range_points_allowed,
  CAST(3 * o.three_pt_makes AS INT) AS three_pt_points_allowed,
  o.possessions AS opp_possessions,
  o.offensive_rating AS defensive_rating,
  o.pace AS opponent_pace,
  o.ts_pct AS opponent_ts_pct,
  d.win_flag,
  d.margin_of_victory,
  d.game_minutes,
  d.overtime_periods,
  d.shot_zones_available,
  CASE WHEN o.tier_rank > d.tier_rank THEN o.primary_source ELSE d.primary_source END AS primary_source,
  CASE
    WHEN o.tier_rank > d.tier_rank
    THEN o.data_quality_tier
    ELSE d.data_quality_tier
  END AS data_quality_tier
FROM offense AS d
LEFT JOIN offense AS o
  ON o.game_id = d.game_id AND o.team_abbr = d.opponent_team_abbr
