-- table: analytics.upcoming_team_game_context
-- kind: by_date
-- grain: game_id, team_abbr
-- time_column: game_date
-- lookback_days: 400
--
-- Two rows per scheduled non-preseason game (home view and away view): the team's state
-- ENTERING the game on D. Every feature uses only the team's earlier games of the same season
-- (game_date < D) and D's pre-game line; label_* columns are D's outcome (labels only).
--
-- A team's games are its scheduled non-preseason games (raw.schedule). Windows as for players:
--   days_rest              = D - date of the team's previous game this season (1 = played
--                            yesterday; NULL for the season's first game); back_to_back = days_rest = 1
--   games_in_last_N_days   = games with D-N <= game_date < D (same season)
--   game_number_in_season  = 1 + the team's earlier games this season (regular season, play-in
--                            and playoffs counted together, from opening night)
--   results of earlier games come from points: raw.team_boxscores (any source), else the summed
--   player points of raw.player_boxscores, else the schedule's home_wl (result only, no margin)
--   win/loss_streak_entering = consecutive most recent earlier wins/losses this season (a game
--                            with no known result neither counts nor breaks a streak)
--   last_game_margin/result = the previous game this season (NULL on the first game)
--   travel_miles           = 0 at home; away: great-circle miles (haversine, R = 3958.8) from the
--                            arena of the team's previous game this season (that game's home
--                            team's arena; the team's own arena before its first game) to this
--                            game's home team arena. Neutral-site games use the listed home
--                            team's arena (reference.teams has no neutral venues).
--   game_spread            = raw.game_lines home_spread for the home team, -home_spread for the
--                            away team (negative = favoured); game_total = total_line
-- Lookback 400 days covers every earlier game of D's season for any D.
WITH sched AS (
    SELECT game_id, game_date, season_year, season_type, home_team_abbr, away_team_abbr,
           coalesce(neutral_site, FALSE) AS neutral_site, home_wl
    FROM raw.schedule
    WHERE season_type <> @preseason
      AND game_date BETWEEN $read_start AND $end_date
),
team_pts AS (  -- points per (game, team): team box first, else summed player box
    SELECT coalesce(t.game_id, p.game_id) AS game_id, coalesce(t.team_abbr, p.team_abbr) AS team_abbr,
           coalesce(t.points, p.points) AS points
    FROM (SELECT game_id, team_abbr, points FROM raw.team_boxscores
          WHERE game_date BETWEEN $read_start AND $end_date AND points IS NOT NULL) t
    FULL OUTER JOIN (
          SELECT game_id, team_abbr, sum(points) AS points FROM raw.player_boxscores
          WHERE game_date BETWEEN $read_start AND $end_date AND points IS NOT NULL
          GROUP BY game_id, team_abbr) p
      ON t.game_id = p.game_id AND t.team_abbr = p.team_abbr
),
sides AS (
    SELECT game_id, game_date, season_year, season_type, home_team_abbr AS team_abbr,
           away_team_abbr AS opponent_team_abbr, TRUE AS home_game, home_team_abbr, neutral_site,
           CASE home_wl WHEN 'W' THEN 'W' WHEN 'L' THEN 'L' END AS wl_sched
    FROM sched
    UNION ALL
    SELECT game_id, game_date, season_year, season_type, away_team_abbr, home_team_abbr, FALSE,
           home_team_abbr, neutral_site,
           CASE home_wl WHEN 'W' THEN 'L' WHEN 'L' THEN 'W' END
    FROM sched
),
results AS (
    SELECT s.*,
           date_diff('day', DATE '2000-01-01', s.game_date) AS dn,
           tp.points - op.points AS margin,
           CASE WHEN tp.points > op.points THEN 'W' WHEN tp.points < op.points THEN 'L'
                ELSE s.wl_sched END AS result
    FROM sides s
    LEFT JOIN team_pts tp ON tp.game_id = s.game_id AND tp.team_abbr = s.team_abbr
    LEFT JOIN team_pts op ON op.game_id = s.game_id AND op.team_abbr = s.opponent_team_abbr
),
seq AS (
    SELECT r.*,
           lag(game_date) OVER w_team AS prev_game_date,
           lag(home_team_abbr) OVER w_team AS prev_home_team_abbr,
           lag(margin) OVER w_team AS prev_margin,
           lag(result) OVER w_team AS prev_result,
           row_number() OVER w_team AS game_number_in_season,
           count(*) OVER (PARTITION BY team_abbr, season_year ORDER BY dn
                          RANGE BETWEEN 7 PRECEDING AND 1 PRECEDING) AS games_in_last_7_days,
           count(*) OVER (PARTITION BY team_abbr, season_year ORDER BY dn
                          RANGE BETWEEN 14 PRECEDING AND 1 PRECEDING) AS games_in_last_14_days,
           -- wins / losses up to and including this game (for the streaks below)
           sum(CASE WHEN result = 'W' THEN 1 ELSE 0 END) OVER (w_team ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_w,
           sum(CASE WHEN result = 'L' THEN 1 ELSE 0 END) OVER (w_team ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_l
    FROM results r
    WINDOW w_team AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id)
),
streaks AS (
    SELECT s.*,
           -- wins before this game minus wins up to the last loss before it
           coalesce(lag(cum_w) OVER w_team, 0)
             - coalesce(max(CASE WHEN result = 'L' THEN cum_w END) OVER (w_team ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS win_streak_entering,
           coalesce(lag(cum_l) OVER w_team, 0)
             - coalesce(max(CASE WHEN result = 'W' THEN cum_l END) OVER (w_team ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
             AS loss_streak_entering
    FROM seq s
    WINDOW w_team AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id)
),
final AS (
    SELECT s.*,
           date_diff('day', s.prev_game_date, s.game_date) AS days_rest,
           CASE WHEN s.home_game THEN 0.0
                ELSE 2 * 3958.8 * asin(sqrt(
                       power(sin(radians(here.latitude - frm.latitude) / 2), 2)
                       + cos(radians(frm.latitude)) * cos(radians(here.latitude))
                         * power(sin(radians(here.longitude - frm.longitude) / 2), 2)))
           END AS travel_miles
    FROM streaks s
    LEFT JOIN reference.teams here ON here.team_abbr = s.home_team_abbr
    LEFT JOIN reference.teams frm ON frm.team_abbr = coalesce(s.prev_home_team_abbr, s.team_abbr)
)
SELECT f.game_id, f.game_date, f.season_year, f.season_type, f.team_abbr, f.opponent_team_abbr,
       f.home_game, f.neutral_site,
       f.days_rest::INTEGER AS days_rest,
       coalesce(f.days_rest = 1, FALSE) AS back_to_back,
       f.games_in_last_7_days::INTEGER AS games_in_last_7_days,
       f.games_in_last_14_days::INTEGER AS games_in_last_14_days,
       f.game_number_in_season::INTEGER AS game_number_in_season,
       CASE WHEN f.home_game THEN gl.home_spread ELSE -gl.home_spread END AS game_spread,
       gl.total_line AS game_total,
       f.win_streak_entering::INTEGER AS win_streak_entering,
       f.loss_streak_entering::INTEGER AS loss_streak_entering,
       f.prev_game_date AS last_game_date,
       f.prev_margin::INTEGER AS last_game_margin,
       f.prev_result AS last_game_result,
       f.travel_miles,
       o.days_rest::INTEGER AS opponent_days_rest,
       coalesce(o.days_rest = 1, FALSE) AS opponent_back_to_back,
       CASE f.result WHEN 'W' THEN TRUE WHEN 'L' THEN FALSE END AS label_win,
       f.margin::INTEGER AS label_margin
FROM final f
JOIN final o ON o.game_id = f.game_id AND o.team_abbr = f.opponent_team_abbr
LEFT JOIN raw.game_lines gl ON gl.game_id = f.game_id
WHERE f.game_date BETWEEN $start_date AND $end_date
