-- table: analytics.upcoming_player_game_context
-- kind: by_date
-- grain: player_lookup, game_date
-- time_column: game_date
-- lookback_days: 400
--
-- One row per player EXPECTED to play on D (game_date), decided from what was known before D.
-- Every feature uses only games with game_date < D, pre-tip prop snapshots of D's game
-- (minutes_before_tipoff >= 0), D's game line and injury transactions dated before D.
-- label_* columns are D's outcomes: labels, never features. label_played is NULL when D's box
-- score of the player's team is missing (unknown), FALSE when he did not play (listed DNP or
-- absent); label_points and label_minutes are set only when he played (NULL otherwise: a game he
-- did not play has no points outcome, and 0 would read as a scoreless game).
--
-- Universe ("expected"). For a team T with a non-preseason game on D, let W(T, D) be T's last 10
-- scheduled non-preseason games before D in D's season; when T has no earlier game this season
-- (its first game), W(T, D) is T's last 10 games of the previous season (roster_basis
-- 'previous_season', otherwise 'current_season'). A player is expected for T on D when his most
-- recent played game before D (any season) was for T and is one of the games of W(T, D).
-- Equivalently: he played for T in W(T, D) and has not played for anyone else since, so traded
-- players move with their next game. Consequences: a player traded but not yet debuted stays
-- with his old team; a first-game roster is last season's end-of-season roster minus players
-- who have already played for another team this season (off-season moves are invisible until
-- the player's first game); rookies and other players with no game for T in W(T, D) have no row
-- until after their first game. On the data's very first season (2021-22) the first game of
-- each team has no previous season and so no rows from this rule.
-- Also expected: a player with a pre-tip prop snapshot for D's game (a sportsbook priced him
-- before the game) whose most recent played game before D, within 365 days, was for one of the
-- game's teams (roster_basis 'prop_line'; this adds players returning from long absences).
-- player_status = 'out' when the player's latest injury transaction before D is 'out' (an
-- 'out' and a 'return' on the same date count as 'out') dated on or after his last game;
-- otherwise 'available'. The row is kept either way.
-- report_status = the player's status for D's game in the NBA's official injury report
-- (raw.injury_report): the latest report published before D's cut-off (12:00 US Eastern on D,
-- @injury_report_cutoff; nbaprops.calendar says why) that covers his team's game, i.e. lists the
-- game and does not mark his team "NOT YET SUBMITTED" (an earlier report that does cover it is
-- used then); 'out', 'doubtful', 'questionable', 'probable' or 'available' as listed, 'available'
-- when that report does not list him; NULL when no report covers the team's game.
-- report_reason is the report's reason; injury_report_time the report's printed time (Eastern).
--
-- A played game = minutes > 0 or points > 0 in raw.player_boxscores (deduplicated per
-- (player, game)). Windows (same season as D): last N games = the N most recent played games
-- before D; last N days = D-N <= game_date < D. days_rest = D - last played game this season
-- (1 = played yesterday; NULL if none); back_to_back = days_rest = 1 (FALSE with no history);
-- back_to_backs_last_14_days = pairs of played games on consecutive days, both in the last 14
-- days. Averages are not rounded; minutes are decimal minutes.
-- Prop line of D's game: the bookmaker is the first with a pre-tip snapshot in the order
-- draftkings, fanduel, then others alphabetically; current_points_line = its latest pre-tip
-- snapshot, opening_points_line = its earliest pre-tip snapshot (both from the same book, so
-- line_movement = current - opening is a movement within one book).
-- prop_over_streak / prop_under_streak = how many of the player's most recent played games
-- this season before D had points above / below D's current line, consecutively (a push
-- neither counts nor breaks the streak); NULL without a line.
-- game_spread = home_spread for the home team, -home_spread for the away team (negative =
-- favoured); opponent_days_rest uses the same rest definition on the opponent's schedule.
-- season_phase: Regular Season Oct-Nov 'early', Dec-Feb 'mid', Mar-Jun 'late'; PlayIn and
-- Playoffs 'playoffs'.
-- Lookback 400 days covers D's whole season and the previous season's last games.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH sched AS (
  SELECT
    game_id,
    game_date,
    season_year,
    season_type,
    home_team_abbr,
    away_team_abbr
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season' AND game_date BETWEEN @read_start AND @end_date
), team_games AS (
  SELECT
    g.*,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS n,
    ROW_NUMBER() OVER (PARTITION BY team_abbr, season_year ORDER BY game_date DESC, game_id DESC) AS n_desc,
    LAG(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS prev_game_date,
    DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) AS dn
  FROM (
    SELECT
      game_id,
      game_date,
      season_year,
      season_type,
      home_team_abbr AS team_abbr,
      away_team_abbr AS opponent_team_abbr,
      TRUE AS home_game
    FROM sched
    UNION ALL
    SELECT
      game_id,
      game_date,
      season_year,
      season_type,
      away_team_abbr,
      home_team_abbr,
      FALSE
    FROM sched
  ) AS g
), out_games AS (
  SELECT
    *
  FROM team_games
  WHERE
    game_date BETWEEN @start_date AND @end_date
), window_games AS (
  SELECT
    d.game_id,
    d.team_abbr,
    w.game_id AS w_game_id
  FROM out_games AS d
  JOIN team_games AS w
    ON w.team_abbr = d.team_abbr
    AND w.season_year = d.season_year
    AND w.n BETWEEN d.n - 10 AND d.n - 1
  WHERE
    d.n > 1
  UNION ALL
  SELECT
    d.game_id,
    d.team_abbr,
    w.game_id
  FROM out_games AS d
  JOIN team_games AS w
    ON w.team_abbr = d.team_abbr AND w.season_year = d.season_year - 1 AND w.n_desc <= 10
  WHERE
    d.n = 1
), box AS (
  SELECT
    game_id,
    game_date,
    season_year,
    team_abbr,
    player_lookup,
    player_id,
    player_name,
    COALESCE(`minutes`, 0) AS minutes_played,
    COALESCE(points, 0) AS points,
    CAST(ROUND(ROUND(COALESCE(`minutes`, 0), 3), 3) AS NUMERIC) AS minutes_dec, /* exact decimal minutes for sums: float sums would depend on the summation order */
    COALESCE(`minutes`, 0) > 0 OR COALESCE(points, 0) > 0 AS played
  FROM raw.player_boxscores
  WHERE
    season_type <> 'Pre Season' AND game_date BETWEEN @read_start AND @end_date
  QUALIFY
    ROW_NUMBER() OVER (
      PARTITION BY player_lookup, game_id
      ORDER BY CASE source WHEN 'player_box' THEN 0 ELSE 1 END, team_abbr
    ) = 1
), hist AS (
  SELECT
    b.*,
    DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) AS dn,
    CASE
      WHEN DATE_DIFF(
        game_date,
        LAG(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id),
        DAY
      ) = 1
      THEN 1
      ELSE 0
    END AS b2b_flag,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS pts_avg5,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS n5,
    AVG(points) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pts_avg10,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS n10,
    CAST(SUM(minutes_dec) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS FLOAT64) / COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS min_avg10,
    ROW_NUMBER() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS season_games,
    LEAD(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date, game_id) AS next_game_date
  FROM box AS b
  WHERE
    played
), props AS (
  SELECT
    game_id,
    player_lookup,
    bookmaker,
    snapshot_timestamp,
    points_line
  FROM raw.player_points_props
  WHERE
    game_date BETWEEN @start_date AND @end_date AND minutes_before_tipoff >= 0
), priced AS (
  SELECT DISTINCT
    game_id,
    player_lookup
  FROM props
), candidates AS (
  SELECT
    wg.game_id,
    wg.team_abbr,
    h.player_lookup,
    h.game_id AS last_game_id,
    0 AS basis_rank
  FROM window_games AS wg
  JOIN out_games AS d
    ON d.game_id = wg.game_id AND d.team_abbr = wg.team_abbr
  JOIN hist AS h
    ON h.game_id = wg.w_game_id AND h.team_abbr = wg.team_abbr
  WHERE
    COALESCE(h.next_game_date, CAST('9999-12-31' AS DATE)) >= d.game_date
  UNION ALL
  SELECT
    d.game_id,
    d.team_abbr,
    h.player_lookup,
    h.game_id,
    1
  FROM priced AS p
  JOIN out_games AS d
    ON d.game_id = p.game_id
  JOIN hist AS h
    ON h.player_lookup = p.player_lookup
    AND h.team_abbr = d.team_abbr
    AND h.dn < d.dn
    AND h.dn >= d.dn - 365
    AND COALESCE(h.next_game_date, CAST('9999-12-31' AS DATE)) >= d.game_date
), universe AS (
  SELECT
    d.game_id,
    d.game_date,
    d.season_year,
    d.season_type,
    d.team_abbr,
    d.opponent_team_abbr,
    d.home_game,
    d.prev_game_date AS team_prev_game_date,
    CASE
      WHEN c.basis_rank = 1
      THEN 'prop_line'
      WHEN d.n = 1
      THEN 'previous_season'
      ELSE 'current_season'
    END AS roster_basis,
    d.dn,
    h.player_lookup,
    h.player_id,
    h.player_name,
    h.game_date AS last_game_date,
    h.season_year = d.season_year AS has_season_history,
    h.pts_avg5,
    h.n5,
    h.pts_avg10,
    h.n10,
    h.min_avg10,
    h.season_games
  FROM (
    /* both rules find the same last game, so this is one row per (player, D) */
    SELECT
      game_id,
      team_abbr,
      player_lookup,
      last_game_id,
      MIN(basis_rank) AS basis_rank
    FROM candidates
    GROUP BY
      game_id,
      team_abbr,
      player_lookup,
      last_game_id
  ) AS c
  JOIN out_games AS d
    ON d.game_id = c.game_id AND d.team_abbr = c.team_abbr
  JOIN hist AS h
    ON h.game_id = c.last_game_id AND h.player_lookup = c.player_lookup
), day_feats AS (
  SELECT
    u.player_lookup,
    u.game_date,
    SUM(CASE WHEN h.dn >= u.dn - 7 THEN 1 ELSE 0 END) AS games_7,
    SUM(CASE WHEN h.dn >= u.dn - 7 THEN h.minutes_dec ELSE 0 END) AS minutes_7,
    COUNT(*) AS games_14,
    SUM(h.minutes_dec) AS minutes_14,
    SUM(CASE WHEN h.dn >= u.dn - 13 THEN h.b2b_flag ELSE 0 END) AS b2b_14 /* a consecutive-day pair lies inside the 14 days when its second game is on D-13 or later */
  FROM universe AS u
  JOIN hist AS h
    ON h.player_lookup = u.player_lookup
    AND h.season_year = u.season_year
    AND h.dn >= u.dn - 14
    AND h.dn < u.dn
  GROUP BY
    u.player_lookup,
    u.game_date
), book_span AS (
  SELECT
    game_id,
    player_lookup,
    bookmaker,
    MIN(snapshot_timestamp) AS first_ts,
    MAX(snapshot_timestamp) AS last_ts,
    ROW_NUMBER() OVER (
      PARTITION BY game_id, player_lookup
      ORDER BY CASE bookmaker WHEN 'draftkings' THEN 0 WHEN 'fanduel' THEN 1 ELSE 2 END, bookmaker
    ) AS book_rank
  FROM props
  GROUP BY
    game_id,
    player_lookup,
    bookmaker
), lines AS (
  SELECT
    b.game_id,
    b.player_lookup,
    b.bookmaker,
    c.points_line AS current_points_line,
    o.points_line AS opening_points_line
  FROM book_span AS b
  JOIN props AS c
    ON c.game_id = b.game_id
    AND c.player_lookup = b.player_lookup
    AND c.bookmaker = b.bookmaker
    AND c.snapshot_timestamp = b.last_ts
  JOIN props AS o
    ON o.game_id = b.game_id
    AND o.player_lookup = b.player_lookup
    AND o.bookmaker = b.bookmaker
    AND o.snapshot_timestamp = b.first_ts
  WHERE
    b.book_rank = 1
), with_line AS (
  SELECT
    u.player_lookup,
    u.game_date,
    u.season_year,
    l.current_points_line AS line
  FROM universe AS u
  JOIN lines AS l
    ON l.game_id = u.game_id AND l.player_lookup = u.player_lookup
), streak_ends AS (
  SELECT
    w.player_lookup,
    w.game_date,
    MAX(CASE WHEN h.points < w.line THEN h.game_date END) AS last_under_date,
    MAX(CASE WHEN h.points > w.line THEN h.game_date END) AS last_over_date
  FROM with_line AS w
  JOIN hist AS h
    ON h.player_lookup = w.player_lookup
    AND h.season_year = w.season_year
    AND h.game_date < w.game_date
  GROUP BY
    w.player_lookup,
    w.game_date
), streaks AS (
  SELECT
    w.player_lookup,
    w.game_date,
    SUM(
      CASE
        WHEN h.points > w.line
        AND h.game_date > COALESCE(e.last_under_date, CAST('1900-01-01' AS DATE))
        THEN 1
        ELSE 0
      END
    ) AS prop_over_streak,
    SUM(
      CASE
        WHEN h.points < w.line
        AND h.game_date > COALESCE(e.last_over_date, CAST('1900-01-01' AS DATE))
        THEN 1
        ELSE 0
      END
    ) AS prop_under_streak
  FROM with_line AS w
  LEFT JOIN streak_ends AS e
    ON e.player_lookup = w.player_lookup AND e.game_date = w.game_date
  LEFT JOIN hist AS h
    ON h.player_lookup = w.player_lookup
    AND h.season_year = w.season_year
    AND h.game_date < w.game_date
  GROUP BY
    w.player_lookup,
    w.game_date
), injury_days AS (
  SELECT
    player_lookup,
    transaction_date,
    MAX(CASE WHEN event = 'out' THEN 1 ELSE 0 END) = 1 AS is_out,
    MIN(CASE WHEN event = 'out' THEN notes END) AS out_notes
  FROM raw.injuries
  WHERE
    transaction_date BETWEEN @read_start AND @end_date
  GROUP BY
    player_lookup,
    transaction_date
), injury_spans AS (
  SELECT
    i.*,
    LEAD(transaction_date) OVER (PARTITION BY player_lookup ORDER BY transaction_date) AS next_date
  FROM injury_days AS i
), injury AS (
  SELECT
    u.player_lookup,
    u.game_date,
    i.is_out,
    i.transaction_date,
    i.out_notes
  FROM universe AS u
  JOIN injury_spans AS i
    ON i.player_lookup = u.player_lookup
    AND i.transaction_date < u.game_date
    AND COALESCE(i.next_date, CAST('9999-12-31' AS DATE)) >= u.game_date
), report_rows AS (
  SELECT
    report_time_et,
    game_id,
    team_abbr,
    player_lookup,
    status,
    reason
  FROM raw.injury_report
  WHERE
    game_date BETWEEN @start_date AND @end_date
    AND report_time_et < (
      CAST(game_date AS DATETIME) + INTERVAL '12' HOUR
    )
), report_cover AS (
  SELECT
    d.game_id,
    d.team_abbr,
    MAX(g.report_time_et) AS report_time_et
  FROM out_games AS d
  JOIN (
    SELECT DISTINCT
      report_time_et,
      game_id
    FROM report_rows
  ) AS g
    ON g.game_id = d.game_id
  LEFT JOIN report_rows AS ns
    ON ns.report_time_et = g.report_time_et
    AND ns.game_id = d.game_id
    AND ns.team_abbr = d.team_abbr
    AND ns.status = 'not_submitted'
  WHERE
    ns.game_id IS NULL
  GROUP BY
    d.game_id,
    d.team_abbr
), team_box AS (
  SELECT DISTINCT
    game_id,
    team_abbr
  FROM box
  WHERE
    game_date BETWEEN @start_date AND @end_date
)
SELECT
  u.player_lookup,
  u.game_date,
  u.game_id,
  u.season_year,
  u.season_type,
  u.team_abbr,
  u.opponent_team_abbr,
  u.home_game,
  CASE
    WHEN u.season_type IN ('PlayIn', 'Playoffs')
    THEN 'playoffs'
    WHEN EXTRACT(MONTH FROM u.game_date) IN (10, 11)
    THEN 'early'
    WHEN EXTRACT(MONTH FROM u.game_date) IN (12, 1, 2)
    THEN 'mid'
    ELSE 'late'
  END AS season_phase,
  u.player_id,
  u.player_name,
  u.roster_basis,
  CASE WHEN u.has_season_history THEN u.last_game_date END AS last_game_date,
  CAST(CASE
    WHEN u.has_season_history
    THEN DATE_DIFF(u.game_date, u.last_game_date, DAY)
  END AS INT64) AS days_rest,
  COALESCE(u.has_season_history AND DATE_DIFF(u.game_date, u.last_game_date, DAY) = 1, FALSE) AS back_to_back,
  CAST(COALESCE(f.games_7, 0) AS INT64) AS games_in_last_7_days,
  CAST(COALESCE(f.games_14, 0) AS INT64) AS games_in_last_14_days,
  CAST(COALESCE(f.minutes_7, 0) AS FLOAT64) AS minutes_in_last_7_days,
  CAST(COALESCE(f.minutes_14, 0) AS FLOAT64) AS minutes_in_last_14_days,
  CASE WHEN f.games_7 > 0 THEN CAST(f.minutes_7 AS FLOAT64) / f.games_7 END AS avg_minutes_per_game_last_7,
  CAST(COALESCE(f.b2b_14, 0) AS INT64) AS back_to_backs_last_14_days,
  CAST(CASE WHEN u.has_season_history THEN u.season_games ELSE 0 END AS INT64) AS season_games_played,
  CASE WHEN u.has_season_history THEN u.pts_avg5 END AS points_avg_last_5,
  CASE WHEN u.has_season_history THEN u.pts_avg10 END AS points_avg_last_10,
  CAST(CASE WHEN u.has_season_history THEN u.n5 ELSE 0 END AS INT64) AS l5_games_used,
  CAST(CASE WHEN u.has_season_history THEN u.n10 ELSE 0 END AS INT64) AS l10_games_used,
  CASE WHEN u.has_season_history THEN u.min_avg10 END AS minutes_avg_last_10,
  l.opening_points_line,
  l.current_points_line,
  l.bookmaker AS points_line_source,
  l.current_points_line - l.opening_points_line AS line_movement,
  NOT l.current_points_line IS NULL AS has_prop_line,
  CAST(s.prop_over_streak AS INT64) AS prop_over_streak,
  CAST(s.prop_under_streak AS INT64) AS prop_under_streak,
  CASE WHEN u.home_game THEN gl.home_spread ELSE -gl.home_spread END AS game_spread,
  gl.total_line AS game_total,
  CAST(DATE_DIFF(u.game_date, u.team_prev_game_date, DAY) AS INT64) AS team_days_rest,
  CAST(DATE_DIFF(u.game_date, o.prev_game_date, DAY) AS INT64) AS opponent_days_rest,
  CASE
    WHEN i.is_out AND i.transaction_date >= u.last_game_date
    THEN 'out'
    ELSE 'available'
  END AS player_status,
  CASE WHEN i.is_out AND i.transaction_date >= u.last_game_date THEN i.out_notes END AS injury_notes,
  CASE WHEN NOT rc.report_time_et IS NULL THEN COALESCE(rr.status, 'available') END AS report_status,
  rr.reason AS report_reason,
  rc.report_time_et AS injury_report_time,
  CASE WHEN NOT tb.game_id IS NULL THEN COALESCE(lb.played, FALSE) END AS label_played,
  CASE WHEN lb.played THEN lb.points END AS label_points,
  CASE WHEN lb.played THEN lb.minutes_played END AS label_minutes
FROM universe AS u
LEFT JOIN day_feats AS f
  ON f.player_lookup = u.player_lookup AND f.game_date = u.game_date
LEFT JOIN lines AS l
  ON l.game_id = u.game_id AND l.player_lookup = u.player_lookup
LEFT JOIN streaks AS s
  ON s.player_lookup = u.player_lookup AND s.game_date = u.game_date
LEFT JOIN raw.game_lines AS gl
  ON gl.game_id = u.game_id
LEFT JOIN team_games AS o
  ON o.game_id = u.game_id AND o.team_abbr = u.opponent_team_abbr
LEFT JOIN injury AS i
  ON i.player_lookup = u.player_lookup AND i.game_date = u.game_date
LEFT JOIN report_cover AS rc
  ON rc.game_id = u.game_id AND rc.team_abbr = u.team_abbr
LEFT JOIN report_rows AS rr
  ON rr.report_time_et = rc.report_time_et
  AND rr.game_id = u.game_id
  AND rr.player_lookup = u.player_lookup
LEFT JOIN team_box AS tb
  ON tb.game_id = u.game_id AND tb.team_abbr = u.team_abbr
LEFT JOIN box AS lb
  ON lb.game_id = u.game_id
  AND lb.player_lookup = u.player_lookup
  AND lb.team_abbr = u.team_abbr
