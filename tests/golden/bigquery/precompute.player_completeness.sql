-- table: precompute.player_completeness
-- kind: by_date
-- grain: player_lookup, analysis_date
-- time_column: analysis_date
-- lookback_days: 400
--
-- Completeness of a player's history entering D, computed once for the player models
-- (player_shot_zone_analysis, player_composite_factors, player_daily_cache and the feature
-- store take their windows from here; definition in src/nbaprops/completeness.py).
-- D = every non-preseason schedule date in [$start_date, $end_date]. One row per player with a
-- player_game_summary row in D's season before D (anyone else has nothing expected yet).
-- Expected games = the scheduled games of the player's stint teams, from his first row of the
-- season on; actual = the expected games he has a row for; every window ends before D and stays
-- in D's season: l5 / l10 / l20 = his last 5 / 10 / 20 expected games, l7d / l14d = his
-- expected games with D - 7 (14) <= game_date < D.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH cmp_dates AS (
  SELECT
    game_date AS d,
    season_year
  FROM analytics.game_calendar
  WHERE
    game_date BETWEEN @start_date AND @end_date
), cmp_sched AS (
  /* completeness: every team's scheduled non-preseason games, home and away alike */
  /* (only the model's seasons: every window stays within D's season) */
  SELECT
    home_team_abbr AS team_abbr,
    season_year,
    game_date
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
  UNION DISTINCT
  SELECT
    away_team_abbr,
    season_year,
    game_date
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
), cmp_rows AS (
  /* completeness: the player's upstream rows (one per date) and the team of each */
  SELECT
    player_lookup AS entity_id,
    season_year,
    game_date,
    MIN(team_abbr) AS team_abbr
  FROM analytics.player_game_summary
  WHERE
    season_type <> 'Pre Season'
    AND game_date >= @read_start
    AND game_date < @end_date
    AND season_year IN (
      SELECT
        season_year
      FROM cmp_dates
    )
  GROUP BY
    player_lookup,
    season_year,
    game_date
), cmp_universe AS (
  /* every player with a row in D's season before D */
  SELECT
    f.entity_id,
    f.season_year,
    d.d
  FROM (
    SELECT
      entity_id,
      season_year,
      MIN(game_date) AS first_game
    FROM cmp_rows
    GROUP BY
      entity_id,
      season_year
  ) AS f
  JOIN cmp_dates AS d
    ON d.season_year = f.season_year AND f.first_game < d.d
), cmp_keys AS (
  /* completeness: only the universe's entities and seasons are counted (windows never cross */
  /* an entity or a season, so the rest of the history cannot change a count) */
  SELECT DISTINCT
    entity_id,
    season_year
  FROM cmp_universe
), cmp_stints AS (
  /* completeness: the player's stints = runs of consecutive rows for one team; a stint lasts */
  /* from its first row up to (not including) the first row of the next stint */
  SELECT
    entity_id,
    season_year,
    team_abbr,
    MIN(game_date) AS stint_start
  FROM (
    SELECT
      entity_id,
      season_year,
      game_date,
      team_abbr,
      SUM(new_stint) OVER (
        PARTITION BY entity_id, season_year
        ORDER BY game_date
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS stint
    FROM (
      SELECT
        r.entity_id,
        r.season_year,
        r.game_date,
        r.team_abbr,
        CASE
          WHEN r.team_abbr = LAG(r.team_abbr) OVER (PARTITION BY r.entity_id, r.season_year ORDER BY r.game_date)
          THEN 0
          ELSE 1
        END AS new_stint
      FROM cmp_rows AS r
      JOIN cmp_keys AS k
        ON k.entity_id = r.entity_id AND k.season_year = r.season_year
    ) AS x
  ) AS y
  GROUP BY
    entity_id,
    season_year,
    team_abbr,
    stint
), cmp_events AS (
  /* completeness: the player's expected games = his stint team's scheduled games during the */
  /* stint; has_row = he has a row on that date */
  SELECT
    st.entity_id,
    st.season_year,
    s.game_date,
    (
      NOT r.entity_id IS NULL
    ) AS has_row
  FROM (
    SELECT
      *,
      LEAD(stint_start) OVER (PARTITION BY entity_id, season_year ORDER BY stint_start) AS stint_end
    FROM cmp_stints
  ) AS st
  JOIN cmp_sched AS s
    ON s.team_abbr = st.team_abbr
    AND s.season_year = st.season_year
    AND s.game_date >= st.stint_start
    AND s.game_date < COALESCE(st.stint_end, CAST('9999-12-31' AS DATE))
  LEFT JOIN cmp_rows AS r
    ON r.entity_id = st.entity_id
    AND r.season_year = st.season_year
    AND r.game_date = s.game_date
), cmp_games AS (
  /* completeness: after each expected game, expected / actual over the last N expected games */
  SELECT
    entity_id,
    season_year,
    game_date,
    CAST(has_row AS INT64) AS act,
    ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date) AS seq,
    LEAST(5, ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date)) AS e5,
    SUM(CAST(has_row AS INT64)) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY game_date
      ROWS BETWEEN 4 PRECEDING AND CURRENT ROW
    ) AS a5,
    LEAST(10, ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date)) AS e10,
    SUM(CAST(has_row AS INT64)) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY game_date
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS a10,
    LEAST(20, ROW_NUMBER() OVER (PARTITION BY entity_id, season_year ORDER BY game_date)) AS e20,
    SUM(CAST(has_row AS INT64)) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY game_date
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS a20
  FROM cmp_events
), cmp_stream AS (
  /* completeness: expected games (ev = 1) and the universe (ev = 0) of each entity and season */
  SELECT
    entity_id,
    season_year,
    game_date AS d,
    2 * DATE_DIFF(game_date, CAST('2000-01-01' AS DATE), DAY) + 1 AS k,
    1 AS ev,
    act
  FROM cmp_games
  UNION ALL
  SELECT
    entity_id,
    season_year,
    d,
    2 * DATE_DIFF(d, CAST('2000-01-01' AS DATE), DAY),
    0,
    0
  FROM cmp_universe
), cmp_state AS (
  /* every count stops before D (see k) */
  SELECT
    entity_id,
    season_year,
    d,
    ev,
    SUM(ev) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY k
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS seq_before,
    SUM(ev * 1024 + act) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY k
      RANGE BETWEEN 14 PRECEDING AND 1 PRECEDING
    ) AS p7d,
    SUM(ev * 1024 + act) OVER (
      PARTITION BY entity_id, season_year
      ORDER BY k
      RANGE BETWEEN 28 PRECEDING AND 1 PRECEDING
    ) AS p14d
  FROM cmp_stream
), cmp AS (
  /* completeness per entity and D: expected / actual games per window */
  SELECT
    s.entity_id,
    s.d,
    CAST(COALESCE(g.e5, 0) AS INT64) AS l5_expected_games,
    CAST(COALESCE(g.a5, 0) AS INT64) AS l5_actual_games,
    CAST(COALESCE(g.e10, 0) AS INT64) AS l10_expected_games,
    CAST(COALESCE(g.a10, 0) AS INT64) AS l10_actual_games,
    CAST(COALESCE(g.e20, 0) AS INT64) AS l20_expected_games,
    CAST(COALESCE(g.a20, 0) AS INT64) AS l20_actual_games,
    CAST((
      DIV(COALESCE(s.p7d, 0), 1024)
    ) AS INT64) AS l7d_expected_games,
    CAST((
      MOD(COALESCE(s.p7d, 0), 1024)
    ) AS INT64) AS l7d_actual_games,
    CAST((
      DIV(COALESCE(s.p14d, 0), 1024)
    ) AS INT64) AS l14d_expected_games,
    CAST((
      MOD(COALESCE(s.p14d, 0), 1024)
    ) AS INT64) AS l14d_actual_games
  FROM cmp_state AS s
  LEFT JOIN cmp_games AS g
    ON g.entity_id = s.entity_id
    AND g.season_year = s.season_year
    AND g.seq = s.seq_before
  WHERE
    s.ev = 0
), final AS (
  SELECT
    c.entity_id AS player_lookup,
    c.d AS analysis_date,
    CAST(d.season_year AS INT64) AS season_year,
    c.l5_expected_games,
    c.l5_actual_games,
    c.l10_expected_games,
    c.l10_actual_games,
    c.l20_expected_games,
    c.l20_actual_games,
    c.l7d_expected_games,
    c.l7d_actual_games,
    c.l14d_expected_games,
    c.l14d_actual_games
  FROM cmp AS c
  JOIN cmp_dates AS d
    ON d.d = c.d
)
SELECT
  *
FROM final
