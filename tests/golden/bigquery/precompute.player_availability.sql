-- table: precompute.player_availability
-- kind: by_date
-- grain: player_lookup, game_date
-- time_column: game_date
-- lookback_days: 400
--
-- Who is missing, entering D: the player's own recent absences and his rotation teammates who
-- are out, with the minutes, shots and points they leave (one row per UPGC player of D).
-- Everything is known the morning of D: team games before D, the players' games before D and
-- UPGC's player_status (injury transactions dated before D). D's own box score (who did not
-- play on D) is never read.
--
-- A team's games here are its scheduled non-preseason games of the season whose box score the
-- warehouse holds (a player_game_summary row of the team in the game): a game without one (a
-- late or lost box score, a play-in hole) is unknown, not a game the whole team missed.
--
-- The player's absences (his UPGC team T of D, D's season; a team game "played" when he has a
-- player_game_summary row for it). Only T's games after his last game this season for another
-- team count: a player traded to T did not miss T's games he played elsewhere.
--   team_games_missed_7d / _14d = those games with D - 7 (14) <= date < D that he did not play;
--   consecutive_team_games_missed = those games after his last played game of the season (all
--     of them when he has none): N on D means D is his first game back after an absence of N
--     games, 0 that he played T's previous game.
-- Teammates out: the rotation of T on D = the other UPGC players of T on D whose mean minutes
-- over their last 10 games this season (before D) are >= 15 and who played at least one of T's
-- last 10 games (a player out longer than that has left the rotation: the others' recent
-- averages already carry his absence). Who of them is out:
--   where the NBA's official injury report covers T's game on D (UPGC report_status: the latest
--   report before D's cut-off, 12:00 US Eastern on D), a teammate is out when the report lists
--   him Out or Doubtful (@reported_out) — the report says who will miss D, so nothing is guessed;
--   otherwise he is out when he did not play T's latest game or his UPGC player_status is 'out'
--   (latest injury transaction before D is 'out', dated on or after his last game; the injury
--   feed ends 2025-07-14, after which only the previous-game rule applies).
--   teammates_out_source says which rule the row used: 'injury_report' or 'previous_game'.
-- An out teammate is newly out when he missed at most 2 of T's games in a row before D (he
-- played one of T's last three: a new absence, the signal the others' averages lack), long out
-- otherwise (3 to 9 games).
--   rotation_teammates_out = the newly out; vacated_minutes / vacated_points / vacated_fga = the
--   sum of their last-10 means (each mean rounded to 6 decimals, summed exactly); 0 when none is
--   out; vacated_fga is NULL when a newly-out teammate has no field-goal attempts in his last 10
--   games' rows (basic-log seasons 2021-22 and 2025-26).
--   rotation_teammates_long_out = the long out.
-- The data has no player positions (the full box's starting slot only names starters), so
-- there is no position-group variant.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH u AS (
  SELECT
    player_lookup,
    game_date,
    season_year,
    team_abbr,
    last_game_date,
    player_status,
    report_status,
    DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) AS dn
  FROM analytics.upcoming_player_game_context
  WHERE
    game_date BETWEEN @start_date AND @end_date
), played AS (
  SELECT
    player_lookup,
    game_id,
    season_year,
    game_date,
    team_abbr,
    minutes_played,
    points,
    fg_attempts,
    DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) AS dn
  FROM analytics.player_game_summary
  WHERE
    game_date >= @read_start
    AND game_date < @end_date
    AND player_lookup IN (
      SELECT
        player_lookup
      FROM u
    )
), team_games AS (
  SELECT
    s.game_id,
    s.game_date,
    s.season_year,
    s.team_abbr,
    DATE_DIFF(s.game_date, CAST('2000-01-01' AS DATE), DAY) AS dn,
    ROW_NUMBER() OVER (PARTITION BY s.team_abbr, s.season_year ORDER BY s.game_date, s.game_id) AS seq
  FROM (
    SELECT
      game_id,
      game_date,
      season_year,
      home_team_abbr AS team_abbr
    FROM raw.schedule
    WHERE
      season_type <> 'Pre Season' AND game_date >= @read_start AND game_date < @end_date
    UNION ALL
    SELECT
      game_id,
      game_date,
      season_year,
      away_team_abbr
    FROM raw.schedule
    WHERE
      season_type <> 'Pre Season' AND game_date >= @read_start AND game_date < @end_date
  ) AS s
  JOIN (
    SELECT DISTINCT
      game_id,
      team_abbr
    FROM analytics.player_game_summary
    WHERE
      game_date >= @read_start AND game_date < @end_date
  ) AS b
    ON b.game_id = s.game_id AND b.team_abbr = s.team_abbr
), team_day AS (
  SELECT
    d.team_abbr,
    d.season_year,
    d.game_date,
    MAX(t.seq) AS last_seq
  FROM (
    SELECT DISTINCT
      team_abbr,
      season_year,
      game_date,
      dn
    FROM u
  ) AS d
  JOIN team_games AS t
    ON t.team_abbr = d.team_abbr AND t.season_year = d.season_year AND t.dn < d.dn
  GROUP BY
    d.team_abbr,
    d.season_year,
    d.game_date
), history AS (
  /* other than T, and the number (among T's games) of his latest game for T */
  /* (with the u columns the rotation needs: mates then joins on whole keys, never on the */
  /* player alone, whatever order the planner picks) */
  SELECT
    u.player_lookup,
    u.game_date,
    u.season_year,
    u.team_abbr,
    u.last_game_date,
    u.player_status,
    u.report_status,
    MAX(IF(p.team_abbr <> u.team_abbr, p.game_date, NULL)) AS left_date,
    MAX(t.seq) AS team_seq
  FROM u
  JOIN played AS p
    ON p.player_lookup = u.player_lookup
    AND p.season_year = u.season_year
    AND p.dn < u.dn
  LEFT JOIN team_games AS t
    ON t.game_id = p.game_id AND t.team_abbr = u.team_abbr AND p.team_abbr = u.team_abbr
  GROUP BY
    u.player_lookup,
    u.game_date,
    u.season_year,
    u.team_abbr,
    u.last_game_date,
    u.player_status,
    u.report_status
), own AS (
  SELECT
    u.player_lookup,
    u.game_date,
    COUNTIF(t.dn >= u.dn - 7 AND p.game_id IS NULL) AS missed_7d,
    COUNTIF(t.dn >= u.dn - 14 AND p.game_id IS NULL) AS missed_14d,
    COUNTIF(u.last_game_date IS NULL OR t.game_date > u.last_game_date) AS missed_streak
  FROM u
  LEFT JOIN history AS e
    ON e.player_lookup = u.player_lookup AND e.game_date = u.game_date
  JOIN team_games AS t
    ON t.team_abbr = u.team_abbr
    AND t.season_year = u.season_year
    AND t.dn < u.dn
    AND (
      e.left_date IS NULL OR t.game_date > e.left_date
    )
    AND (
      t.dn >= u.dn - 14 OR u.last_game_date IS NULL OR t.game_date > u.last_game_date
    )
  LEFT JOIN played AS p
    ON p.player_lookup = u.player_lookup AND p.game_id = t.game_id
  GROUP BY
    u.player_lookup,
    u.game_date
), rolled AS (
  SELECT
    player_lookup,
    season_year,
    game_date,
    CAST(SUM(CAST(ROUND(ROUND(minutes_played, 6), 6) AS NUMERIC)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS FLOAT64) / COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS min10,
    CAST(SUM(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS FLOAT64) / COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts10,
    CASE
      WHEN COUNT(fg_attempts) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) = COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      )
      THEN CAST(SUM(fg_attempts) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ) AS FLOAT64) / COUNT(*) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      )
    END AS fga10
  FROM played
), mates AS (
  SELECT
    f.game_date,
    f.team_abbr,
    f.player_lookup,
    CAST(ROUND(r.min10, 6) AS NUMERIC) AS min10,
    CAST(ROUND(r.pts10, 6) AS NUMERIC) AS pts10,
    CAST(ROUND(r.fga10, 6) AS NUMERIC) AS fga10,
    td.last_seq - f.team_seq <= 2 AS newly, /* absent for at most T's last 2 games (or out for D only) */
    CASE
      WHEN NOT f.report_status IS NULL
      THEN f.report_status IN ('out', 'doubtful')
      ELSE (
        td.last_seq > f.team_seq OR f.player_status = 'out'
      )
    END AS is_out
  FROM history AS f
  JOIN rolled AS r
    ON r.player_lookup = f.player_lookup
    AND r.season_year = f.season_year
    AND r.game_date = f.last_game_date
  JOIN team_day AS td
    ON td.team_abbr = f.team_abbr
    AND td.season_year = f.season_year
    AND td.game_date = f.game_date
  WHERE
    NOT f.team_seq IS NULL AND r.min10 >= 15 AND td.last_seq - f.team_seq < 10
), team_out AS (
  SELECT
    u.player_lookup,
    u.game_date,
    COUNT(IF(m.newly, m.player_lookup, NULL)) AS teammates_out,
    COUNT(IF(NOT m.newly, m.player_lookup, NULL)) AS teammates_long_out,
    SUM(IF(m.newly, m.min10, NULL)) AS vacated_minutes,
    SUM(IF(m.newly, m.pts10, NULL)) AS vacated_points,
    CASE
      WHEN COUNT(IF(m.newly, m.player_lookup, NULL)) = COUNT(IF(m.newly, m.fga10, NULL))
      THEN COALESCE(SUM(IF(m.newly, m.fga10, NULL)), 0)
    END AS vacated_fga
  FROM u
  LEFT JOIN mates AS m
    ON m.game_date = u.game_date
    AND m.team_abbr = u.team_abbr
    AND m.player_lookup <> u.player_lookup
    AND m.is_out
  GROUP BY
    u.player_lookup,
    u.game_date
)
SELECT
  u.player_lookup,
  u.game_date,
  CAST(u.season_year AS INT64) AS season_year,
  u.team_abbr,
  CAST(COALESCE(o.missed_7d, 0) AS INT64) AS team_games_missed_7d,
  CAST(COALESCE(o.missed_14d, 0) AS INT64) AS team_games_missed_14d,
  CAST(COALESCE(o.missed_streak, 0) AS INT64) AS consecutive_team_games_missed,
  CAST(t.teammates_out AS INT64) AS rotation_teammates_out,
  CAST(t.teammates_long_out AS INT64) AS rotation_teammates_long_out,
  CAST(COALESCE(t.vacated_minutes, 0) AS FLOAT64) AS vacated_minutes,
  CAST(COALESCE(t.vacated_points, 0) AS FLOAT64) AS vacated_points,
  CAST(t.vacated_fga AS FLOAT64) AS vacated_fga,
  CASE WHEN NOT u.report_status IS NULL THEN 'injury_report' ELSE 'previous_game' END AS teammates_out_source
FROM u
LEFT JOIN own AS o
  ON o.player_lookup = u.player_lookup AND o.game_date = u.game_date
JOIN team_out AS t
  ON t.player_lookup = u.player_lookup AND t.game_date = u.game_date
