-- table: precompute.player_composite_factors
-- kind: by_date_with_failures
-- grain: player_lookup, game_date
-- time_column: game_date
-- lookback_days: 400
-- failures: PlayerCompositeFactorsProcessor
-- entity: player_lookup
-- universe: upcoming_players
--
-- Four adjustment factors for each UPGC player of game_date D, entering the games of D.
-- Universe for D = the UPGC rows with game_date = D ("process everyone": no minimum games).
-- 1. fatigue_score (integer 0-100, higher = more rested), the spec formula on UPGC fields with
--    the spec defaults for NULLs (days_rest 1, games_in_last_7_days 3, minutes_in_last_7_days
--    200, avg_minutes_per_game_last_7 30, back_to_backs_last_14_days 0), the macro @fatigue_score
--    (the feature store computes the same in the bootstrap window). player_age is not in
--    the data: the spec default 25 applies, so the age term is always 0.
--    fatigue_adjustment = (fatigue_score - 100) / 20, in [-5, 0].
-- 2. shot_zone_mismatch_score (-10..+10): the player's PSZA primary_scoring_zone for D (paint /
--    mid_range / perimeter; 'balanced' falls back to paint), usage = that zone's rate (0-100),
--    defense = the opponent's TDZA <zone>_defense_vs_league_avg for D (percentage points);
--    weighted = defense * least(usage / 50, 1), * 1.2 when |weighted| > 5, clamped to +-10.
--    NULL (not 0) when the PSZA or the opponent's TDZA row is missing, has no zone data or too
--    small a zone sample (PSZA: < 5 zone games or < 20 zone attempts in the last 10 games; TDZA:
--    < 10 zone games in the last 15 or < 50 attempts allowed in the zone; nbaprops.macros.ZONE_MIN);
--    missing_data_fields then names psza_zone_data / tdza_zone_data. In the playoffs (no shot
--    zones) it goes NULL as the windows' regular-season games run out.
-- 3. pace_score = clamp(pace_differential / 2, +-3), pace_differential = the team's mean TOGS
--    pace over its last 10 games before D minus the opponent's (same season). NULL without
--    games on either side.
-- 4. usage_spike_score = clamp(0.3 * (projected_usage_rate - avg_usage_rate_last_7_games), +-3)
--    with projected_usage_rate = mean PGS usage_rate (0-100) over the player's last 3 games
--    before D and avg_usage_rate_last_7_games = the mean over the last 7 (same season; NULL
--    usage, basic-log games and PGS's above-100 seconds-long appearances, is skipped). star_teammates_out is not known, so the star
--    multiplier is never applied. NULL when there is no usage before D.
-- Means of DOUBLE inputs are exact fixed-point sums (1e-9) so that results never depend on
-- summation order (chunking, threads).
-- The spec's deferred factors (referee, look-ahead, travel, opponent strength) were always 0:
-- not produced.
-- total_composite_adjustment = the sum of the four factors (fatigue_adjustment, not the score);
-- a NULL factor adds 0 and is listed in missing_data_fields; data_completeness_pct = 20 per
-- available input among days_rest, projected_usage_rate, pace_differential, PSZA zone data,
-- opponent TDZA zone data. Warnings: fatigue_score < 50, |shot_zone_mismatch_score| > 8,
-- |total_composite_adjustment| > 12.
-- Early season: days 0-13 after opening night (first 'Regular Season' date of the season in
-- raw.schedule) -> every UPGC player gets EXPECTED_INCOMPLETE ('bootstrap window'). UPGC has no
-- row for D -> one DATE_LEVEL row: EXPECTED_INCOMPLETE in the bootstrap window, else
-- MISSING_DEPENDENCY; the same when PGS holds no row at all for a scheduled game date
-- in [D-7, D) (the date is not computed from the hole). A player whose team has a scheduled game
-- in [D-7, D) that PGS holds no row of (other teams' rows of that date present) gets
-- MISSING_DEPENDENCY outside the bootstrap window.
-- Completeness (every row and failure row; definition in src/nbaprops/completeness.py): the
-- player's last 10 expected games (primary) and his expected games in [D-7, D) and [D-14, D)
-- (his stint teams' scheduled games) against his PGS rows: l10_/l7d_/l14d_ expected_games,
-- actual_games, completeness_pct; is_production_ready when all are >= 90 %, else completeness_reason.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH dates AS (
  SELECT
    game_date,
    season_year,
    days_since_opening
  FROM analytics.game_calendar
  WHERE
    game_date BETWEEN @start_date AND @end_date
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
    AND analysis_date BETWEEN @start_date AND @end_date
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
    AND analysis_date BETWEEN @start_date AND @end_date
), upgc AS (
  /* a date without any UPGC row keeps one row: the DATE_LEVEL entity (dependency missing) */
  SELECT
    d.game_date,
    d.season_year,
    d.days_since_opening,
    COALESCE(u.player_lookup, 'DATE_LEVEL') AS player_lookup,
    (
      u.player_lookup IS NULL
    ) AS dependency_missing,
    u.game_id,
    u.team_abbr,
    u.opponent_team_abbr,
    u.days_rest,
    u.back_to_back,
    u.games_in_last_7_days,
    u.minutes_in_last_7_days,
    u.avg_minutes_per_game_last_7,
    u.back_to_backs_last_14_days,
    cdc.missing_dates,
    cdc.first_missing_date,
    tc.missing_games AS team_missing_games,
    tc.first_missing_game AS team_first_missing_game
  FROM dates AS d
  LEFT JOIN cmp_date_check AS cdc
    ON cdc.d = d.game_date AND d.days_since_opening >= 14
  LEFT JOIN analytics.upcoming_player_game_context AS u
    ON u.game_date = d.game_date
    AND cdc.d IS NULL
    AND u.game_date BETWEEN @start_date AND @end_date /* (the range stated: DuckDB would read every date) */
  /* the player's team has a scheduled game in [D-7, D) without PGS rows: dependency missing */
  LEFT JOIN cmp_team_check AS tc
    ON tc.d = d.game_date AND tc.team_abbr = u.team_abbr AND d.days_since_opening >= 14
), cmp_universe AS (
  SELECT
    player_lookup AS entity_id,
    season_year,
    game_date AS d
  FROM upgc
  WHERE
    NOT dependency_missing
), cmp AS (
  /* completeness: the entity's windows entering D, computed once by precompute.player_completeness */
  /* (no row there: no game this season before D, nothing expected) */
  SELECT
    u.entity_id,
    u.d,
    COALESCE(pc.l10_expected_games, 0) AS l10_expected_games,
    COALESCE(pc.l10_actual_games, 0) AS l10_actual_games,
    COALESCE(pc.l7d_expected_games, 0) AS l7d_expected_games,
    COALESCE(pc.l7d_actual_games, 0) AS l7d_actual_games,
    COALESCE(pc.l14d_expected_games, 0) AS l14d_expected_games,
    COALESCE(pc.l14d_actual_games, 0) AS l14d_actual_games
  FROM cmp_universe AS u
  LEFT JOIN precompute.player_completeness AS pc
    ON pc.player_lookup = u.entity_id
    AND pc.analysis_date = u.d
    AND pc.analysis_date BETWEEN @start_date AND @end_date /* (the range stated: DuckDB would read every date) */
), cmp_out AS (
  /* completeness columns of this model (windows l10, l7d, l14d; primary l10) */
  SELECT
    entity_id,
    d,
    l10_expected_games,
    l10_actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS l10_completeness_pct,
    l7d_expected_games,
    l7d_actual_games,
    ROUND(100.0 * l7d_actual_games / NULLIF(l7d_expected_games, 0), 1) AS l7d_completeness_pct,
    l14d_expected_games,
    l14d_actual_games,
    ROUND(100.0 * l14d_actual_games / NULLIF(l14d_expected_games, 0), 1) AS l14d_completeness_pct,
    l10_expected_games AS expected_games,
    l10_actual_games AS actual_games,
    ROUND(100.0 * l10_actual_games / NULLIF(l10_expected_games, 0), 1) AS completeness_pct,
    (
      l10_expected_games > 0
      AND l10_actual_games * 10 >= l10_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
    ) AS is_production_ready,
    CASE
      WHEN l10_expected_games = 0
      THEN 'no games expected before this date this season'
      WHEN l10_actual_games * 10 >= l10_expected_games * 9
      AND l7d_actual_games * 10 >= l7d_expected_games * 9
      AND l14d_actual_games * 10 >= l14d_expected_games * 9
      THEN NULL /* (cheap integer tests first: most rows need no text) */
      ELSE ARRAY_TO_STRING(
        [
          CAST(CASE
            WHEN l10_actual_games * 10 < l10_expected_games * 9
            THEN 'l10: ' || CAST(l10_actual_games AS STRING) || ' of ' || CAST(l10_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l7d_actual_games * 10 < l7d_expected_games * 9
            THEN 'l7d: ' || CAST(l7d_actual_games AS STRING) || ' of ' || CAST(l7d_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l14d_actual_games * 10 < l14d_expected_games * 9
            THEN 'l14d: ' || CAST(l14d_actual_games AS STRING) || ' of ' || CAST(l14d_expected_games AS STRING) || ' games'
          END AS STRING)
        ],
        '; '
      )
    END AS completeness_reason
  FROM cmp
), player_keys AS (
  /* season, so no other history can reach a row (a one-date run reads ~200 */
  /* players' seasons, not the lookback's whole league) */
  SELECT DISTINCT
    player_lookup,
    season_year
  FROM upgc
  WHERE
    NOT dependency_missing
), player_rolled AS (
  SELECT
    player_lookup,
    season_year,
    game_date,
    LEAD(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS next_game_date,
    SUM(CAST(ROUND(usage_rate * 1e9) AS INT64)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(usage_rate) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS usg3,
    SUM(CAST(ROUND(usage_rate * 1e9) AS INT64)) OVER (
      PARTITION BY player_lookup, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 6 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(usage_rate) OVER (
        PARTITION BY player_lookup, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 6 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS usg7
  FROM analytics.player_game_summary
  JOIN player_keys
    USING (player_lookup, season_year)
  WHERE
    game_date >= @read_start
    AND game_date < @end_date
    AND season_type <> 'Pre Season'
    AND (
      minutes_played > 0 OR fg_attempts > 0 OR points > 0
    )
), team_rolled AS (
  SELECT
    team_abbr,
    season_year,
    game_date,
    LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_game_date,
    SUM(CAST(ROUND(pace * 1e9) AS INT64)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(pace) OVER (
        PARTITION BY team_abbr, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 9 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS pace10
  FROM analytics.team_offense_game_summary
  WHERE
    game_date >= @read_start
    AND game_date < @end_date
    AND season_type <> 'Pre Season'
    AND season_year IN (
      SELECT
        season_year
      FROM dates
    ) /* windows never cross a season */
), psza AS (
  SELECT
    player_lookup,
    analysis_date,
    primary_scoring_zone,
    paint_rate_last_10,
    mid_range_rate_last_10,
    three_pt_rate_last_10
  FROM precompute.player_shot_zone_analysis
  WHERE
    analysis_date BETWEEN @start_date AND @end_date
), tdza AS (
  SELECT
    team_abbr,
    analysis_date,
    paint_defense_vs_league_avg,
    mid_range_defense_vs_league_avg,
    three_pt_defense_vs_league_avg,
    weakest_zone
  FROM precompute.team_defense_zone_analysis
  WHERE
    analysis_date BETWEEN @start_date AND @end_date
), joined AS (
  SELECT
    u.*,
    p.usg3 AS projected_usage_rate,
    p.usg7 AS avg_usage_rate_last_7_games,
    tp.pace10 AS team_pace_last_10,
    op.pace10 AS opponent_pace_last_10,
    NOT z.player_lookup IS NULL AS psza_row_present,
    NOT t.team_abbr IS NULL AS tdza_row_present,
    z.primary_scoring_zone,
    CASE z.primary_scoring_zone
      WHEN 'mid_range'
      THEN z.mid_range_rate_last_10
      WHEN 'perimeter'
      THEN z.three_pt_rate_last_10
      ELSE z.paint_rate_last_10
    END AS zone_usage_rate,
    CASE z.primary_scoring_zone
      WHEN 'mid_range'
      THEN t.mid_range_defense_vs_league_avg
      WHEN 'perimeter'
      THEN t.three_pt_defense_vs_league_avg
      ELSE t.paint_defense_vs_league_avg
    END AS opponent_zone_defense_vs_league_avg,
    t.weakest_zone AS opponent_weakest_zone
  FROM upgc AS u
  LEFT JOIN player_rolled AS p
    ON p.player_lookup = u.player_lookup
    AND p.season_year = u.season_year
    AND p.game_date < u.game_date
    AND u.game_date <= COALESCE(p.next_game_date, CAST('9999-12-31' AS DATE))
  LEFT JOIN team_rolled AS tp
    ON tp.team_abbr = u.team_abbr
    AND tp.season_year = u.season_year
    AND tp.game_date < u.game_date
    AND u.game_date <= COALESCE(tp.next_game_date, CAST('9999-12-31' AS DATE))
  LEFT JOIN team_rolled AS op
    ON op.team_abbr = u.opponent_team_abbr
    AND op.season_year = u.season_year
    AND op.game_date < u.game_date
    AND u.game_date <= COALESCE(op.next_game_date, CAST('9999-12-31' AS DATE))
  LEFT JOIN psza AS z
    ON z.player_lookup = u.player_lookup AND z.analysis_date = u.game_date
  LEFT JOIN tdza AS t
    ON t.team_abbr = u.opponent_team_abbr AND t.analysis_date = u.game_date
), f1 AS (
  SELECT
    j.*,
    GREATEST(
      0,
      LEAST(
        100,
        100 + CASE
          WHEN COALESCE(j.back_to_back, FALSE)
          THEN -15
          WHEN COALESCE(j.days_rest, 1) >= 3
          THEN 5
          ELSE 0
        END + CASE WHEN COALESCE(j.games_in_last_7_days, 3) >= 4 THEN -10 ELSE 0 END + CASE WHEN COALESCE(j.minutes_in_last_7_days, 200) > 240 THEN -10 ELSE 0 END + CASE WHEN COALESCE(j.avg_minutes_per_game_last_7, 30) > 35 THEN -8 ELSE 0 END + CASE
          WHEN COALESCE(j.back_to_backs_last_14_days, 0) >= 2
          THEN -12
          WHEN COALESCE(j.back_to_backs_last_14_days, 0) = 1
          THEN -5
          ELSE 0
        END
      )
    ) AS fatigue_score, /* one definition (nbaprops.macros), also the feature store's */
    CASE
      WHEN NOT zone_usage_rate IS NULL AND NOT opponent_zone_defense_vs_league_avg IS NULL
      THEN opponent_zone_defense_vs_league_avg * LEAST(COALESCE(zone_usage_rate / 50.0, 1.0), 1.0)
    END AS zone_weighted, /* (DuckDB's least/greatest skip NULLs: guard every NULL input explicitly) */
    team_pace_last_10 - opponent_pace_last_10 AS pace_differential
  FROM joined AS j
), f2 AS (
  SELECT
    f1.*,
    (
      fatigue_score - 100
    ) / 20.0 AS fatigue_adjustment,
    CASE
      WHEN NOT zone_weighted IS NULL
      THEN GREATEST(
        -10.0,
        LEAST(
          10.0,
          COALESCE(
            CASE WHEN ABS(zone_weighted) > 5 THEN zone_weighted * 1.2 ELSE zone_weighted END,
            10.0
          )
        )
      )
    END AS shot_zone_mismatch_score,
    CASE
      WHEN NOT pace_differential IS NULL
      THEN GREATEST(-3.0, LEAST(3.0, COALESCE(pace_differential / 2.0, 3.0)))
    END AS pace_score,
    CASE
      WHEN NOT projected_usage_rate IS NULL AND NOT avg_usage_rate_last_7_games IS NULL
      THEN GREATEST(
        -3.0,
        LEAST(3.0, COALESCE(0.3 * (
          projected_usage_rate - avg_usage_rate_last_7_games
        ), 3.0))
      )
    END AS usage_spike_score
  FROM f1
), f3 AS (
  SELECT
    f2.*,
    fatigue_adjustment + COALESCE(shot_zone_mismatch_score, 0) + COALESCE(pace_score, 0) + COALESCE(usage_spike_score, 0) AS total_composite_adjustment
  FROM f2
), pcf_rows AS (
  SELECT
    player_lookup,
    game_date,
    CAST(season_year AS INT64) AS season_year,
    CAST(days_since_opening AS INT64) AS days_since_opening,
    game_id,
    team_abbr,
    opponent_team_abbr,
    CAST(days_rest AS INT64) AS days_rest,
    CAST(back_to_back AS BOOL) AS back_to_back,
    CAST(games_in_last_7_days AS INT64) AS games_in_last_7_days,
    CAST(minutes_in_last_7_days AS FLOAT64) AS minutes_in_last_7_days,
    CAST(avg_minutes_per_game_last_7 AS FLOAT64) AS avg_minutes_per_game_last_7,
    CAST(back_to_backs_last_14_days AS INT64) AS back_to_backs_last_14_days,
    CAST(fatigue_score AS INT64) AS fatigue_score,
    CAST(fatigue_adjustment AS FLOAT64) AS fatigue_adjustment,
    CAST(primary_scoring_zone AS STRING) AS primary_scoring_zone,
    CAST(zone_usage_rate AS FLOAT64) AS zone_usage_rate,
    CAST(opponent_zone_defense_vs_league_avg AS FLOAT64) AS opponent_zone_defense_vs_league_avg,
    CAST(opponent_weakest_zone AS STRING) AS opponent_weakest_zone,
    CAST(shot_zone_mismatch_score AS FLOAT64) AS shot_zone_mismatch_score,
    CAST(team_pace_last_10 AS FLOAT64) AS team_pace_last_10,
    CAST(opponent_pace_last_10 AS FLOAT64) AS opponent_pace_last_10,
    CAST(pace_differential AS FLOAT64) AS pace_differential,
    CAST(pace_score AS FLOAT64) AS pace_score,
    CAST(projected_usage_rate AS FLOAT64) AS projected_usage_rate,
    CAST(avg_usage_rate_last_7_games AS FLOAT64) AS avg_usage_rate_last_7_games,
    CAST(usage_spike_score AS FLOAT64) AS usage_spike_score,
    CAST(total_composite_adjustment AS FLOAT64) AS total_composite_adjustment,
    psza_row_present,
    tdza_row_present,
    CAST((
      20 * (
        CAST((
          NOT days_rest IS NULL
        ) AS INT64) + CAST((
          NOT projected_usage_rate IS NULL
        ) AS INT64) + CAST((
          NOT pace_differential IS NULL
        ) AS INT64) + CAST((
          NOT zone_usage_rate IS NULL
        ) AS INT64) + CAST((
          NOT opponent_zone_defense_vs_league_avg IS NULL
        ) AS INT64)
      )
    ) AS INT64) AS data_completeness_pct,
    NULLIF(
      ARRAY_TO_STRING(
        [
          CAST(CASE WHEN days_rest IS NULL THEN 'days_rest' END AS STRING),
          CAST(CASE WHEN projected_usage_rate IS NULL THEN 'projected_usage_rate' END AS STRING),
          CAST(CASE WHEN pace_differential IS NULL THEN 'pace_differential' END AS STRING),
          CAST(CASE
            WHEN NOT psza_row_present
            THEN 'psza_row'
            WHEN zone_usage_rate IS NULL
            THEN 'psza_zone_data'
          END AS STRING),
          CAST(CASE
            WHEN NOT tdza_row_present
            THEN 'tdza_row'
            WHEN opponent_zone_defense_vs_league_avg IS NULL
            THEN 'tdza_zone_data'
          END AS STRING)
        ],
        ', '
      ),
      ''
    ) AS missing_data_fields,
    (
      fatigue_score < 50
      OR ABS(COALESCE(shot_zone_mismatch_score, 0)) > 8
      OR ABS(total_composite_adjustment) > 12
    ) AS has_warnings,
    NULLIF(
      ARRAY_TO_STRING(
        [
          CAST(CASE WHEN fatigue_score < 50 THEN 'fatigue_score < 50' END AS STRING),
          CAST(CASE
            WHEN ABS(shot_zone_mismatch_score) > 8
            THEN '|shot_zone_mismatch_score| > 8'
          END AS STRING),
          CAST(CASE
            WHEN ABS(total_composite_adjustment) > 12
            THEN '|total_composite_adjustment| > 12'
          END AS STRING)
        ],
        ', '
      ),
      ''
    ) AS warning_details,
    CASE
      WHEN days_since_opening < 14
      THEN 'EXPECTED_INCOMPLETE'
      WHEN dependency_missing OR NOT team_missing_games IS NULL
      THEN 'MISSING_DEPENDENCY'
    END AS failure_category,
    CASE
      WHEN days_since_opening < 14 AND dependency_missing
      THEN 'bootstrap window (no UPGC rows for the date)'
      WHEN days_since_opening < 14
      THEN 'bootstrap window'
      WHEN dependency_missing AND NOT missing_dates IS NULL
      THEN 'analytics.player_game_summary has no rows for ' || CAST(missing_dates AS STRING) || ' scheduled game date(s) in the 7 days before ' || CAST(game_date AS STRING) || ' (first ' || CAST(first_missing_date AS STRING) || ')'
      WHEN dependency_missing
      THEN 'no analytics.upcoming_player_game_context rows for ' || CAST(game_date AS STRING)
      WHEN NOT team_missing_games IS NULL
      THEN 'analytics.player_game_summary has no row of ' || CAST(team_abbr AS STRING) || ' for ' || CAST(team_missing_games AS STRING) || ' of its scheduled game(s) in the 7 days before ' || CAST(game_date AS STRING) || ' (first ' || CAST(team_first_missing_game AS STRING) || ')'
    END AS failure_reason,
    CASE
      WHEN days_since_opening < 14
      THEN FALSE
      WHEN dependency_missing OR NOT team_missing_games IS NULL
      THEN TRUE
    END AS can_retry
  FROM f3
)
SELECT
  r.*,
  c.l10_expected_games,
  c.l10_actual_games,
  c.l10_completeness_pct,
  c.l7d_expected_games,
  c.l7d_actual_games,
  c.l7d_completeness_pct,
  c.l14d_expected_games,
  c.l14d_actual_games,
  c.l14d_completeness_pct,
  c.expected_games,
  c.actual_games,
  c.completeness_pct,
  c.is_production_ready,
  c.completeness_reason
FROM pcf_rows AS r
LEFT JOIN cmp_out AS c
  ON c.entity_id = r.player_lookup AND c.d = r.game_date
