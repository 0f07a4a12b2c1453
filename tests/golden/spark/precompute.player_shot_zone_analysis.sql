-- table: precompute.player_shot_zone_analysis
-- kind: by_date_with_failures
-- grain: player_lookup, analysis_date
-- time_column: analysis_date
-- lookback_days: 400
-- failures: PlayerShotZoneAnalysisProcessor
-- entity: player_lookup
-- universe: season_players
--
-- Where each player takes his shots, entering the games of analysis_date D.
-- D = every non-preseason schedule date in [$start_date, $end_date]. Universe for D = every
-- player with a qualifying PGS game (minutes > 0 or fg_attempts > 0 or points > 0) in D's
-- season with game_date < D (not only the players on D's slate).
-- Windows: the player's last 10 and last 20 qualifying games before D, same season.
-- Zone fields use only the window's games that have shot zones (has_complete_shot_zones):
-- never a mix of sources (none in 2021-22, 2025-26, playoffs, play-in, the Cup final). zone_games_10 /
-- zone_games_20 say how many games they rest on, total_shots_last_10 the zone attempts.
-- Minimum sample (@zone_min, nbaprops.macros.ZONE_MIN): the last-10 zone fields need >= 5 zone
-- games and >= 20 zone attempts in the window (shot_zone_data_available), a zone's pct also
-- >= 10 attempts in that zone; the last-20 fields need >= 15 zone games and >= 20 zone
-- attempts (a zone's pct also >= 10 attempts). Below it they are NULL and zone_null_reason says
-- why ('no shot-zone data in the last 10 games', 'zone sample too small: N of the last 10 games
-- have shot zones, needs 5', '... N zone attempts in the last 10 games, needs 20'). In the
-- playoffs the window keeps its regular-season games for a while: NULL once it holds 6 playoff games.
-- Units: *_rate_* are percent 0-100 (zone attempts / all zone attempts * 100); *_pct_* are
-- fractions 0-1 (makes / attempts); *_attempts_per_game = zone attempts / zone games.
-- sample_quality_N (excellent >= N, good >= 0.7 N, limited >= 0.5 N, else insufficient) grades
-- the zone games of the window; data_quality_tier (high >= 10, medium >= 7, low) grades
-- games_in_sample_10. primary_scoring_zone: 'paint' if paint rate >= 40, else 'perimeter' if
-- three rate >= 40, else 'mid_range' if mid rate >= 35, else 'balanced'; NULL without zone
-- attempts. No assisted / unassisted rates: the shot data carries no assist information.
-- Early season: days 0-13 after opening night (first 'Regular Season' date of the season in
-- raw.schedule) -> every player of the universe gets EXPECTED_INCOMPLETE ('bootstrap window').
-- After that a player needs min_games_required = least(10, greatest(4,
-- floor(0.3 * days_since_opening))) games (4 on days 14-16, 5 from day 17, 7 from day 24, 10 from
-- day 34; at most the spec's 10), else INSUFFICIENT_DATA (can_retry). A date whose universe is empty gets one
-- DATE_LEVEL row: EXPECTED_INCOMPLETE in the bootstrap window (opening night), else
-- MISSING_DEPENDENCY (PGS holds no game of the season before D, or no row at all for a scheduled
-- game date in [D-7, D): the date is not computed from the hole). A player whose team (of his
-- latest game) has a scheduled game in [D-7, D) that PGS holds no row of, other teams' rows of
-- that date present, gets MISSING_DEPENDENCY (outside the bootstrap window).
-- Completeness (every row and failure row; definition in src/nbaprops/completeness.py): the
-- player's last 10 (primary) and 20 expected games (his stint teams' scheduled games) against his
-- PGS rows: l10_/l20_ expected_games, actual_games, completeness_pct; is_production_ready when
-- both are >= 90 %, else completeness_reason.
-- dialect: spark (translated from DuckDB by nbaprops.dialects; do not edit)
WITH dates AS (
  SELECT
    game_date AS analysis_date,
    season_year,
    days_since_opening
  FROM analytics.game_calendar
  WHERE
    game_date BETWEEN :start_date AND :end_date
), cmp_date_check AS (
  /* dependency: whole dates missing in analytics.player_game_summary (no team of a scheduled date has a row) in the */
  /* week before D: D is not computed (precompute.dependency_holes) */
  SELECT
    analysis_date AS d,
    missing_dates,
    first_missing_date
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.player_game_summary'
    AND team_abbr = 'DATE_LEVEL'
    AND analysis_date BETWEEN :start_date AND :end_date
), cmp_team_check AS (
  /* dependency: one team's games missing in analytics.player_game_summary on dates the other teams have rows for: */
  /* that team's entities are not computed for D, the rest of the league is */
  SELECT
    analysis_date AS d,
    team_abbr,
    missing_games,
    first_missing_game
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.player_game_summary'
    AND team_abbr <> 'DATE_LEVEL'
    AND analysis_date BETWEEN :start_date AND :end_date
), games AS (
  SELECT
    player_lookup,
    season_year,
    game_date,
    game_id,
    team_abbr,
    COALESCE(has_complete_shot_zones, FALSE)
    AND NOT paint_attempts IS NULL
    AND NOT mid_range_attempts IS NULL
    AND NOT three_zone_attempts IS NULL AS hz,
    paint_attempts,
    paint_makes,
    mid_range_attempts,
    mid_range_makes,
    three_zone_attempts,
    three_zone_makes
  FROM analytics.player_game_summary
  WHERE
    game_date >= :read_start
    AND game_date < :end_date
    AND season_type <> 'Pre Season'
    AND (
      minutes_played > 0 OR fg_attempts > 0 OR points > 0
    )
    AND season_year IN (
      SELECT
        season_year
      FROM dates
    ) /* windows never cross a season */
), zgames AS (
  SELECT
    player_lookup,
    season_year,
    game_date,
    game_id,
    team_abbr,
    hz,
    CASE WHEN hz THEN paint_attempts END AS pa,
    CASE WHEN hz THEN paint_makes END AS pm,
    CASE WHEN hz THEN mid_range_attempts END AS ma,
    CASE WHEN hz THEN mid_range_makes END AS mm,
    CASE WHEN hz THEN three_zone_attempts END AS ta,
    CASE WHEN hz THEN three_zone_makes END AS tm
  FROM games
), rolled AS (
  /* state after each game: sums over the player's last 10 / 20 games (this one included) */
  SELECT
    player_lookup,
    season_year,
    game_date,
    team_abbr,
    LEAD(game_date) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
    ) AS next_game_date,
    ROW_NUMBER() OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
    ) AS season_games,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS g10,
    SUM(CAST(hz AS INT)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS zg10,
    SUM(pa) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pa10,
    SUM(pm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS pm10,
    SUM(ma) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ma10,
    SUM(mm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS mm10,
    SUM(ta) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS ta10,
    SUM(tm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) AS tm10,
    COUNT(*) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS g20,
    SUM(CAST(hz AS INT)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS zg20,
    SUM(pa) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS pa20,
    SUM(pm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS pm20,
    SUM(ma) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS ma20,
    SUM(mm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS mm20,
    SUM(ta) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS ta20,
    SUM(tm) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date NULLS LAST, game_id NULLS LAST
      ROWS BETWEEN 19 PRECEDING AND CURRENT ROW
    ) AS tm20
  FROM zgames
), state AS (
  /* each date joined to each player's last game before it (the universe) */
  /* (a date with an empty universe keeps one row with NULL player: the DATE_LEVEL entity) */
  SELECT
    d.analysis_date,
    d.season_year,
    d.days_since_opening,
    COALESCE(r.player_lookup, 'DATE_LEVEL') AS player_lookup,
    (
      r.player_lookup IS NULL
    ) AS universe_empty,
    r.team_abbr,
    r.season_games,
    r.g10,
    r.zg10,
    r.pa10,
    r.pm10,
    r.ma10,
    r.mm10,
    r.ta10,
    r.tm10,
    r.g20,
    r.zg20,
    r.pa20,
    r.pm20,
    r.ma20,
    r.mm20,
    r.ta20,
    r.tm20,
    r.game_date AS last_game_date,
    LEAST(10, GREATEST(4, CAST(FLOOR(d.days_since_opening * 0.3) AS INT))) AS min_games_required,
    r.pa10 + r.ma10 + r.ta10 AS tot10,
    r.pa20 + r.ma20 + r.ta20 AS tot20,
    cdc.missing_dates,
    cdc.first_missing_date
  FROM dates AS d
  LEFT JOIN cmp_date_check AS cdc
    ON cdc.d = d.analysis_date AND d.days_since_opening >= 14
  LEFT JOIN rolled AS r
    ON r.season_year = d.season_year
    AND r.game_date < d.analysis_date
    AND d.analysis_date <= COALESCE(r.next_game_date, CAST('9999-12-31' AS DATE))
    AND cdc.d IS NULL
), team_check AS (
  /* the player's team (of his latest game) has a scheduled game in [D-7, D) without PGS rows */
  SELECT
    s.*,
    tc.missing_games AS team_missing_games,
    tc.first_missing_game AS team_first_missing_game
  FROM state AS s
  LEFT JOIN cmp_team_check AS tc
    ON tc.d = s.analysis_date
    AND tc.team_abbr = s.team_abbr
    AND s.days_since_opening >= 14
), cmp_universe AS (
  SELECT
    player_lookup AS entity_id,
    season_year,
    analysis_date AS d
  FROM state
  WHERE
    NOT universe_empty
), cmp AS (
  /* completeness: the entity's windows entering D, computed once by precompute.player_completeness */
  /* (no row there: no game this season before D, nothing expected) */
  SELECT
    u.entity_id,
    u.d,
    COALESCE(pc.l10_expected_games, 0) AS l10_expected_games,
    COALESCE(pc.l10_actual_games, 0) AS l10_actual_games,
    COALESCE(pc.l20_expected_games, 0) AS l20_expected_games,
    COALESCE(pc.l20_actual_games, 0) AS l20_actual_games
  FROM cmp_universe AS u
  LEFT JOIN precompute.player_completeness AS pc
    ON pc.player_lookup = u.entity_id
    AND pc.analysis_date = u.d
    AND pc.analysis_date BETWEEN :start_date AND :end_date /* (the range stated: DuckDB would read every date) */
), cmp_out AS (
  /* completeness columns of this model (windows l10, l20; primary l10) */
  SELECT
    entity_id,
    d,
    l10_expected_games,
    l10_actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS l10_completeness_pct,
    l20_expected_games,
    l20_actual_games,
    ROUND(100.0 * l20_actual_games / NULLIF(l20_expected_games, 0), 1) AS l20_completeness_pct,
    l10_expected_games AS expected_games,
    l10_actual_games AS actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS completeness_pct,
    (
      l10_expected_games > 0
      AND l10_actual_games * 10 >= l10_expected_games * 9
      AND l20_actual_games * 10 >= l20_expected_games * 9
    ) AS is_production_ready,
    CASE
      WHEN l10_expected_games = 0
      THEN 'no games expected before this date this season'
      WHEN l10_actual_games * 10 >= l10_expected_games * 9
      AND l20_actual_games * 10 >= l20_expected_games * 9
      THEN NULL /* (cheap integer tests first: most rows need no text) */
      ELSE CONCAT_WS(
        '; ',
        CAST(CASE
          WHEN l10_actual_games * 10 < l10_expected_games * 9
          THEN 'l10: ' || CAST(l10_actual_games AS STRING) || ' of ' || CAST(l10_expected_games AS STRING) || ' games'
        END AS STRING),
        CAST(CASE
          WHEN l20_actual_games * 10 < l20_expected_games * 9
          THEN 'l20: ' || CAST(l20_actual_games AS STRING) || ' of ' || CAST(l20_expected_games AS STRING) || ' games'
        END AS STRING)
      )
    END AS completeness_reason
  FROM cmp
), samples AS (
  SELECT
    s.*,
    COALESCE(zg10 >= 5 AND tot10 >= 20, FALSE) AS ok10,
    COALESCE(zg20 >= 15 AND tot20 >= 20, FALSE) AS ok20
  FROM team_check AS s
), rates AS (
  SELECT
    s.*,
    CASE WHEN ok10 THEN pa10 * 100.0 / tot10 END AS paint_rate10,
    CASE WHEN ok10 THEN ma10 * 100.0 / tot10 END AS mid_rate10,
    CASE WHEN ok10 THEN ta10 * 100.0 / tot10 END AS three_rate10,
    CASE WHEN ok20 THEN pa20 * 100.0 / tot20 END AS paint_rate20,
    CASE WHEN ok20 THEN ma20 * 100.0 / tot20 END AS mid_rate20,
    CASE WHEN ok20 THEN ta20 * 100.0 / tot20 END AS three_rate20
  FROM samples AS s
), player_rows AS (
  SELECT
    player_lookup,
    analysis_date,
    CAST(season_year AS INT) AS season_year,
    CAST(days_since_opening AS INT) AS days_since_opening,
    team_abbr,
    last_game_date,
    CAST(season_games AS INT) AS season_games_before,
    CAST(g10 AS INT) AS games_in_sample_10,
    CAST(g20 AS INT) AS games_in_sample_20,
    CAST(zg10 AS INT) AS zone_games_10,
    CAST(zg20 AS INT) AS zone_games_20,
    CAST(min_games_required AS INT) AS min_games_required,
    (
      g10 < 10
    ) AS early_season_flag,
    ok10 AS shot_zone_data_available,
    CASE
      WHEN ok10
      THEN NULL
      WHEN COALESCE(zg10, 0) = 0
      THEN 'no shot-zone data in the last 10 games'
      WHEN zg10 < 5
      THEN 'zone sample too small: ' || CAST(zg10 AS STRING) || ' of the last 10 games have shot zones, needs ' || CAST(5 AS STRING)
      ELSE 'zone sample too small: ' || CAST(tot10 AS STRING) || ' zone attempts in the last 10 games, needs ' || CAST(20 AS STRING)
    END AS zone_null_reason,
    CAST(paint_rate10 AS DOUBLE) AS paint_rate_last_10,
    CAST(mid_rate10 AS DOUBLE) AS mid_range_rate_last_10,
    CAST(three_rate10 AS DOUBLE) AS three_pt_rate_last_10,
    (
      CASE WHEN ok10 AND pa10 >= 10 THEN CAST(pm10 AS DOUBLE) / pa10 END
    ) AS paint_pct_last_10,
    (
      CASE WHEN ok10 AND ma10 >= 10 THEN CAST(mm10 AS DOUBLE) / ma10 END
    ) AS mid_range_pct_last_10,
    (
      CASE WHEN ok10 AND ta10 >= 10 THEN CAST(tm10 AS DOUBLE) / ta10 END
    ) AS three_pt_pct_last_10,
    (
      CASE WHEN ok10 THEN CAST(pa10 AS DOUBLE) / zg10 END
    ) AS paint_attempts_per_game,
    (
      CASE WHEN ok10 THEN CAST(ma10 AS DOUBLE) / zg10 END
    ) AS mid_range_attempts_per_game,
    (
      CASE WHEN ok10 THEN CAST(ta10 AS DOUBLE) / zg10 END
    ) AS three_pt_attempts_per_game,
    CAST((
      CASE WHEN zg10 > 0 THEN tot10 END
    ) AS INT) AS total_shots_last_10,
    CAST(paint_rate20 AS DOUBLE) AS paint_rate_last_20,
    CAST(mid_rate20 AS DOUBLE) AS mid_range_rate_last_20,
    CAST(three_rate20 AS DOUBLE) AS three_pt_rate_last_20,
    (
      CASE WHEN ok20 AND pa20 >= 10 THEN CAST(pm20 AS DOUBLE) / pa20 END
    ) AS paint_pct_last_20,
    (
      CASE WHEN ok20 AND ma20 >= 10 THEN CAST(mm20 AS DOUBLE) / ma20 END
    ) AS mid_range_pct_last_20,
    (
      CASE WHEN ok20 AND ta20 >= 10 THEN CAST(tm20 AS DOUBLE) / ta20 END
    ) AS three_pt_pct_last_20,
    CASE
      WHEN zg10 >= 10
      THEN 'excellent'
      WHEN zg10 >= 7
      THEN 'good'
      WHEN zg10 >= 5
      THEN 'limited'
      ELSE 'insufficient'
    END AS sample_quality_10,
    CASE
      WHEN zg20 >= 20
      THEN 'excellent'
      WHEN zg20 >= 14
      THEN 'good'
      WHEN zg20 >= 10
      THEN 'limited'
      ELSE 'insufficient'
    END AS sample_quality_20,
    CASE
      WHEN paint_rate10 IS NULL
      THEN NULL
      WHEN paint_rate10 >= 40
      THEN 'paint'
      WHEN three_rate10 >= 40
      THEN 'perimeter'
      WHEN mid_rate10 >= 35
      THEN 'mid_range'
      ELSE 'balanced'
    END AS primary_scoring_zone,
    CASE WHEN g10 >= 10 THEN 'high' WHEN g10 >= 7 THEN 'medium' ELSE 'low' END AS data_quality_tier,
    CASE
      WHEN days_since_opening < 14
      THEN 'EXPECTED_INCOMPLETE'
      WHEN universe_empty OR NOT team_missing_games IS NULL
      THEN 'MISSING_DEPENDENCY'
      WHEN season_games < min_games_required
      THEN 'INSUFFICIENT_DATA'
    END AS failure_category,
    CASE
      WHEN universe_empty AND days_since_opening < 14
      THEN 'bootstrap window (no player has played this season yet)'
      WHEN days_since_opening < 14
      THEN 'bootstrap window'
      WHEN universe_empty AND NOT missing_dates IS NULL
      THEN 'analytics.player_game_summary has no rows for ' || CAST(missing_dates AS STRING) || ' scheduled game date(s) in the 7 days before ' || CAST(analysis_date AS STRING) || ' (first ' || CAST(first_missing_date AS STRING) || ')'
      WHEN universe_empty
      THEN 'no analytics.player_game_summary games for season ' || CAST(season_year AS STRING) || ' before ' || CAST(analysis_date AS STRING)
      WHEN NOT team_missing_games IS NULL
      THEN 'analytics.player_game_summary has no row of ' || CAST(team_abbr AS STRING) || ' for ' || CAST(team_missing_games AS STRING) || ' of its scheduled game(s) in the 7 days before ' || CAST(analysis_date AS STRING) || ' (first ' || CAST(team_first_missing_game AS STRING) || ')'
      WHEN season_games < min_games_required
      THEN 'player has ' || CAST(season_games AS STRING) || ' games before ' || CAST(analysis_date AS STRING) || ' this season, needs ' || CAST(min_games_required AS STRING)
    END AS failure_reason,
    CASE
      WHEN days_since_opening < 14
      THEN FALSE
      WHEN universe_empty
      OR NOT team_missing_games IS NULL
      OR season_games < min_games_required
      THEN TRUE
    END AS can_retry
  FROM rates
)
SELECT
  p.*,
  c.l10_expected_games,
  c.l10_actual_games,
  c.l10_completeness_pct,
  c.l20_expected_games,
  c.l20_actual_games,
  c.l20_completeness_pct,
  c.expected_games,
  c.actual_games,
  c.completeness_pct,
  c.is_production_ready,
  c.completeness_reason
FROM player_rows AS p
LEFT JOIN cmp_out AS c
  ON c.entity_id = p.player_lookup AND c.d = p.analysis_date
