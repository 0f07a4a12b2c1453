-- table: precompute.team_defense_zone_analysis
-- kind: by_date_with_failures
-- grain: team_abbr, analysis_date
-- time_column: analysis_date
-- lookback_days: 400
-- failures: TeamDefenseZoneAnalysisProcessor
-- entity: team_abbr
-- universe: season_teams
--
-- How each team defends the three shot zones, entering the games of analysis_date D.
-- D = every non-preseason schedule date in [$start_date, $end_date]. Universe for D = the 30
-- teams of D's season in raw.schedule.
-- Window: the team's last 15 TDGS games with game_date < D in the same season.
-- Zone fields (pct / attempts / paint points / vs league / strongest / weakest) use only the
-- window's games that have shot zones (shot_zones_available: none in 2021-22, 2025-26, playoffs,
-- play-in, Cup final). Minimum sample (@zone_min, nbaprops.macros.ZONE_MIN): every zone field needs
-- >= 10 zone games in the window, and a zone's pct allowed and vs-league value also >= 50
-- attempts allowed in that zone; below it they are NULL and calculation_notes says why ('no
-- shot-zone data in window', 'zone sample too small: N games with shot zones in the window,
-- needs 10', 'mid_range: N attempts, needs 50'). In the postseason the window keeps its regular-
-- season games for a while: a team's zone fields go NULL once 6 of its last 15 games are play-in
-- or playoff games (9 regular-season games remain), and a team out of the postseason keeps the
-- values of its last 15 games.
-- There are no blocks by zone (the shot data names no blocker).
-- League average per zone for D: over TDGS zone games with E-30 <= game_date < E (same
-- season), E = D, or in the postseason (play-in, playoffs) the day after the season's last
-- regular-season date (so the playoffs keep the regular season's final averages); teams with
-- >= 10 such games, team pct = sum(makes)/sum(attempts); the mean of the team pcts over teams
-- with all three pcts. Fewer than 10 qualifying teams -> the spec's defaults paint 0.580,
-- mid_range 0.410, three_pt 0.355 (league_avg_source = 'default'): every date of 2021-22 and
-- 2025-26 (no shot zones) and the first 4-5 game dates after the bootstrap window (up to day 18 or 19 in
-- 2022-23 .. 2024-25), when nearly every team's zone fields are NULL anyway (fewer than 10
-- zone games; 19 team-dates of those seasons compare with the defaults).
-- Means of DOUBLE inputs are exact fixed-point sums (1e-9; league averages 1e-12) so that
-- results never depend on summation order (chunking, threads).
-- Units: *_pct_* are fractions 0-1; *_vs_league_avg are percentage points (positive = weaker
-- defense than the league); per_game values are per game.
-- Early season: days 0-13 after opening night (first 'Regular Season' date of the season in
-- raw.schedule) -> every team gets EXPECTED_INCOMPLETE ('bootstrap window'). After that a
-- team needs min_games_required = least(15, greatest(5, floor(0.4 * days_since_opening)))
-- games (5 on day 14, 6 from day 15, 10 from day 25, 15 from day 38; at most the spec's 15), else
-- INSUFFICIENT_DATA (can_retry). No TDGS rows at all this season before D, or a scheduled game
-- date in [D-7, D) without any TDGS row (outside the bootstrap window) -> one DATE_LEVEL
-- MISSING_DEPENDENCY row for D instead of rows computed from the hole; a team with a scheduled
-- game in [D-7, D) that TDGS holds no row of (other teams' rows of that date present) -> a
-- MISSING_DEPENDENCY row for that team.
-- Completeness (every row and failure row; definition in src/nbaprops/completeness.py): the
-- team's last 15 scheduled games (primary) and its scheduled games in [D-30, D) against its TDGS
-- rows: l15_/l30d_ expected_games, actual_games, completeness_pct; is_production_ready when
-- both are >= 90 %, else completeness_reason.
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH season_rs_end AS (
  SELECT
    season_year,
    DATE_ADD(MAX(game_date), INTERVAL 1 DAY) AS rs_next_date
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season' AND NOT season_type IN ('PlayIn', 'Playoffs')
  GROUP BY
    season_year
), dates AS (
  /* average's window ends before D, in the postseason before the regular season's end */
  /* (every regular-season date precedes a postseason D: nothing after D is read) */
  SELECT
    c.game_date AS analysis_date,
    c.season_year,
    c.opening_night,
    c.days_since_opening,
    CASE
      WHEN c.game_type IN ('PlayIn', 'Playoffs')
      THEN LEAST(c.game_date, COALESCE(r.rs_next_date, c.game_date))
      ELSE c.game_date
    END AS league_end
  FROM analytics.game_calendar AS c
  LEFT JOIN season_rs_end AS r
    ON r.season_year = c.season_year
  WHERE
    c.game_date BETWEEN @start_date AND @end_date
), season_teams AS (
  SELECT DISTINCT
    season_year,
    home_team_abbr AS team_abbr
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
  UNION DISTINCT
  SELECT DISTINCT
    season_year,
    away_team_abbr
  FROM raw.schedule
  WHERE
    season_type <> 'Pre Season'
), games AS (
  SELECT
    defending_team_abbr AS team_abbr,
    season_year,
    game_date,
    game_id,
    points_allowed,
    defensive_rating,
    opponent_pace,
    (
      COALESCE(shot_zones_available, FALSE)
      AND NOT opp_paint_attempts IS NULL
      AND NOT opp_mid_range_attempts IS NULL
      AND NOT opp_three_zone_attempts IS NULL
    ) AS hz,
    opp_paint_attempts,
    opp_paint_makes,
    opp_mid_range_attempts,
    opp_mid_range_makes,
    opp_three_zone_attempts,
    opp_three_zone_makes,
    points_in_paint_allowed
  FROM analytics.team_defense_game_summary
  WHERE
    game_date >= @read_start AND game_date < @end_date AND season_type <> 'Pre Season'
), zgames AS (
  /* zone counts only from games that have shot zones (never mixed with other sources) */
  SELECT
    team_abbr,
    season_year,
    game_date,
    game_id,
    points_allowed,
    defensive_rating,
    opponent_pace,
    hz,
    CASE WHEN hz THEN opp_paint_attempts END AS pa,
    CASE WHEN hz THEN opp_paint_makes END AS pm,
    CASE WHEN hz THEN opp_mid_range_attempts END AS ma,
    CASE WHEN hz THEN opp_mid_range_makes END AS mm,
    CASE WHEN hz THEN opp_three_zone_attempts END AS ta,
    CASE WHEN hz THEN opp_three_zone_makes END AS tm,
    CASE WHEN hz THEN points_in_paint_allowed END AS ppa
  FROM games
), rolled AS (
  /* state after each game: sums over the team's last 15 games (this one included) */
  SELECT
    team_abbr,
    season_year,
    game_date,
    LEAD(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_game_date,
    COUNT(*) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS g15,
    SUM(CAST(hz AS INT64)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS zg15,
    SUM(pa) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS pa15,
    SUM(pm) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS pm15,
    SUM(ma) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS ma15,
    SUM(mm) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS mm15,
    SUM(ta) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS ta15,
    SUM(tm) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS tm15,
    SUM(ppa) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS ppa15,
    SUM(points_allowed) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) AS pts15,
    SUM(CAST(ROUND(defensive_rating * 1e9) AS INT64)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(defensive_rating) OVER (
        PARTITION BY team_abbr, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS drtg15,
    SUM(CAST(ROUND(opponent_pace * 1e9) AS INT64)) OVER (
      PARTITION BY team_abbr, season_year
      ORDER BY game_date, game_id
      ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
    ) / 1e9 / NULLIF(
      COUNT(opponent_pace) OVER (
        PARTITION BY team_abbr, season_year
        ORDER BY game_date, game_id
        ROWS BETWEEN 14 PRECEDING AND CURRENT ROW
      ),
      0
    ) AS opace15
  FROM zgames
), league_team AS (
  /* each team's zone pcts over its zone games in [E-30, E), E = league_end */
  SELECT
    d.analysis_date,
    z.team_abbr,
    CAST(SUM(z.pm) AS FLOAT64) / NULLIF(SUM(z.pa), 0) AS p_pct,
    CAST(SUM(z.mm) AS FLOAT64) / NULLIF(SUM(z.ma), 0) AS m_pct,
    CAST(SUM(z.tm) AS FLOAT64) / NULLIF(SUM(z.ta), 0) AS t_pct
  FROM dates AS d
  JOIN zgames AS z
    ON z.season_year = d.season_year
    AND z.hz
    AND z.game_date >= DATE_SUB(d.league_end, INTERVAL 30 DAY)
    AND z.game_date < d.league_end
  GROUP BY
    d.analysis_date,
    z.team_abbr
  HAVING
    COUNT(*) >= 10
), league AS (
  SELECT
    d.analysis_date,
    COUNT(lt.team_abbr) AS league_avg_teams,
    SUM(CAST(ROUND(lt.p_pct * 1e12) AS INT64)) / 1e12 / NULLIF(COUNT(lt.p_pct), 0) AS p_avg,
    SUM(CAST(ROUND(lt.m_pct * 1e12) AS INT64)) / 1e12 / NULLIF(COUNT(lt.m_pct), 0) AS m_avg,
    SUM(CAST(ROUND(lt.t_pct * 1e12) AS INT64)) / 1e12 / NULLIF(COUNT(lt.t_pct), 0) AS t_avg
  FROM dates AS d
  LEFT JOIN league_team AS lt
    ON lt.analysis_date = d.analysis_date
    AND NOT lt.p_pct IS NULL
    AND NOT lt.m_pct IS NULL
    AND NOT lt.t_pct IS NULL
  GROUP BY
    d.analysis_date
), league_final AS (
  SELECT
    analysis_date,
    league_avg_teams,
    CASE WHEN league_avg_teams >= 10 THEN 'computed' ELSE 'default' END AS league_avg_source,
    CASE WHEN league_avg_teams >= 10 THEN p_avg ELSE 0.580 END AS league_paint_pct,
    CASE WHEN league_avg_teams >= 10 THEN m_avg ELSE 0.410 END AS league_mid_range_pct,
    CASE WHEN league_avg_teams >= 10 THEN t_avg ELSE 0.355 END AS league_three_pt_pct
  FROM league
), cmp_date_check AS (
  /* dependency: whole dates missing in analytics.team_defense_game_summary (no team of a scheduled date has a row) in the */
  /* week before D: D is not computed (precompute.dependency_holes) */
  SELECT
    analysis_date AS d,
    missing_dates,
    first_missing_date
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.team_defense_game_summary'
    AND team_abbr = 'DATE_LEVEL'
    AND analysis_date BETWEEN @start_date AND @end_date
), cmp_team_check AS (
  /* dependency: one team's games missing in analytics.team_defense_game_summary on dates the other teams have rows for: */
  /* that team's entities are not computed for D, the rest of the league is */
  SELECT
    analysis_date AS d,
    team_abbr,
    missing_games,
    first_missing_game
  FROM precompute.dependency_holes
  WHERE
    upstream_table = 'analytics.team_defense_game_summary'
    AND team_abbr <> 'DATE_LEVEL'
    AND analysis_date BETWEEN @start_date AND @end_date
), cmp_universe AS (
  SELECT
    t.team_abbr AS entity_id,
    d.season_year,
    d.analysis_date AS d
  FROM dates AS d
  JOIN season_teams AS t
    ON t.season_year = d.season_year
), cmp AS (
  /* completeness: the entity's windows entering D, computed once by precompute.team_completeness */
  /* (no row there: no game this season before D, nothing expected) */
  SELECT
    u.entity_id,
    u.d,
    COALESCE(pc.l15_expected_games, 0) AS l15_expected_games,
    COALESCE(pc.l15_actual_games, 0) AS l15_actual_games,
    COALESCE(pc.l30d_expected_games, 0) AS l30d_expected_games,
    COALESCE(pc.l30d_actual_games, 0) AS l30d_actual_games
  FROM cmp_universe AS u
  LEFT JOIN precompute.team_completeness AS pc
    ON pc.team_abbr = u.entity_id
    AND pc.analysis_date = u.d
    AND pc.analysis_date BETWEEN @start_date AND @end_date /* (the range stated: DuckDB would read every date) */
), cmp_out AS (
  /* completeness columns of this model (windows l15, l30d; primary l15) */
  SELECT
    entity_id,
    d,
    l15_expected_games,
    l15_actual_games,
    ROUND(100.0 * l15_actual_games / NULLIF(l15_expected_games, 0), 1) AS l15_completeness_pct,
    l30d_expected_games,
    l30d_actual_games,
    ROUND(100.0 * l30d_actual_games / NULLIF(l30d_expected_games, 0), 1) AS l30d_completeness_pct,
    l15_expected_games AS expected_games,
    l15_actual_games AS actual_games,
    ROUND(100.0 * l15_actual_games / NULLIF(l15_expected_games, 0), 1) AS completeness_pct,
    (
      l15_expected_games > 0
      AND l15_actual_games * 10 >= l15_expected_games * 9
      AND l30d_actual_games * 10 >= l30d_expected_games * 9
    ) AS is_production_ready,
    CASE
      WHEN l15_expected_games = 0
      THEN 'no games expected before this date this season'
      WHEN l15_actual_games * 10 >= l15_expected_games * 9
      AND l30d_actual_games * 10 >= l30d_expected_games * 9
      THEN NULL /* (cheap integer tests first: most rows need no text) */
      ELSE ARRAY_TO_STRING(
        [
          CAST(CASE
            WHEN l15_actual_games * 10 < l15_expected_games * 9
            THEN 'l15: ' || CAST(l15_actual_games AS STRING) || ' of ' || CAST(l15_expected_games AS STRING) || ' games'
          END AS STRING),
          CAST(CASE
            WHEN l30d_actual_games * 10 < l30d_expected_games * 9
            THEN 'l30d: ' || CAST(l30d_actual_games AS STRING) || ' of ' || CAST(l30d_expected_games AS STRING) || ' games'
          END AS STRING)
        ],
        '; '
      )
    END AS completeness_reason
  FROM cmp
), date_input AS (
  /* does TDGS hold any game of D's season before D? */
  SELECT
    d.analysis_date,
    COUNT(g.game_id) AS season_games_before,
    ANY_VALUE(cdc.missing_dates HAVING MAX (
      NOT cdc.missing_dates IS NULL
    )) AS missing_dates,
    ANY_VALUE(cdc.first_missing_date HAVING MAX (
      NOT cdc.first_missing_date IS NULL
    )) AS first_missing_date
  FROM dates AS d
  LEFT JOIN games AS g
    ON g.season_year = d.season_year AND g.game_date < d.analysis_date
  LEFT JOIN cmp_date_check AS cdc
    ON cdc.d = d.analysis_date
  GROUP BY
    d.analysis_date
), universe AS (
  /* the season's teams (a team whose games of the week before D are missing: dependency */
  /* missing); a date whose upstream is missing has the single entity DATE_LEVEL */
  SELECT
    d.*,
    t.team_abbr,
    LEAST(15, GREATEST(5, CAST(FLOOR(d.days_since_opening * 0.4) AS INT64))) AS min_games_required,
    (
      NOT tc.d IS NULL
    ) AS dependency_missing,
    CAST(NULL AS INT64) AS missing_dates,
    CAST(NULL AS DATE) AS first_missing_date,
    tc.missing_games AS team_missing_games,
    tc.first_missing_game AS team_first_missing_game
  FROM dates AS d
  JOIN date_input AS di
    ON di.analysis_date = d.analysis_date
  JOIN season_teams AS t
    ON t.season_year = d.season_year
  LEFT JOIN cmp_team_check AS tc
    ON tc.d = d.analysis_date
    AND tc.team_abbr = t.team_abbr
    AND d.days_since_opening >= 14
  WHERE
    d.days_since_opening < 14
    OR (
      di.season_games_before > 0 AND di.missing_dates IS NULL
    )
  UNION ALL
  SELECT
    d.*,
    'DATE_LEVEL' AS team_abbr,
    CAST(NULL AS INT64) AS min_games_required,
    TRUE AS dependency_missing,
    di.missing_dates,
    di.first_missing_date,
    CAST(NULL AS INT64),
    CAST(NULL AS DATE)
  FROM dates AS d
  JOIN date_input AS di
    ON di.analysis_date = d.analysis_date
  WHERE
    d.days_since_opening >= 14
    AND (
      di.season_games_before = 0 OR NOT di.missing_dates IS NULL
    )
), state AS (
  SELECT
    u.*,
    r.g15,
    r.zg15,
    r.pa15,
    r.pm15,
    r.ma15,
    r.mm15,
    r.ta15,
    r.tm15,
    r.ppa15,
    r.pts15,
    r.drtg15,
    r.opace15
  FROM universe AS u
  LEFT JOIN rolled AS r
    ON r.team_abbr = u.team_abbr
    AND r.season_year = u.season_year
    AND r.game_date < u.analysis_date
    AND u.analysis_date <= COALESCE(r.next_game_date, CAST('9999-12-31' AS DATE))
), calc AS (
  SELECT
    s.*,
    l.league_avg_teams,
    l.league_avg_source,
    l.league_paint_pct,
    l.league_mid_range_pct,
    l.league_three_pt_pct,
    (
      s.zg15 >= 10
    ) AS zone_sample_ok,
    CASE WHEN s.zg15 >= 10 AND s.pa15 >= 50 THEN CAST(s.pm15 AS FLOAT64) / s.pa15 END AS paint_pct,
    CASE WHEN s.zg15 >= 10 AND s.ma15 >= 50 THEN CAST(s.mm15 AS FLOAT64) / s.ma15 END AS mid_pct,
    CASE WHEN s.zg15 >= 10 AND s.ta15 >= 50 THEN CAST(s.tm15 AS FLOAT64) / s.ta15 END AS three_pct
  FROM state AS s
  JOIN league_final AS l
    ON l.analysis_date = s.analysis_date
), vs AS (
  SELECT
    c.*,
    (
      c.paint_pct - c.league_paint_pct
    ) * 100 AS paint_vs,
    (
      c.mid_pct - c.league_mid_range_pct
    ) * 100 AS mid_vs,
    (
      c.three_pct - c.league_three_pt_pct
    ) * 100 AS three_vs
  FROM calc AS c
), classified AS (
  SELECT
    v.*,
    CASE
      WHEN v.days_since_opening < 14
      THEN 'EXPECTED_INCOMPLETE'
      WHEN v.dependency_missing
      THEN 'MISSING_DEPENDENCY'
      WHEN COALESCE(v.g15, 0) < v.min_games_required
      THEN 'INSUFFICIENT_DATA'
    END AS failure_category
  FROM vs AS v
), team_rows AS (
  SELECT
    team_abbr,
    analysis_date,
    CAST(season_year AS INT64) AS season_year,
    CAST(days_since_opening AS INT64) AS days_since_opening,
    CAST(COALESCE(g15, 0) AS INT64) AS games_in_sample,
    CAST(COALESCE(zg15, 0) AS INT64) AS zone_games_in_sample,
    CAST(min_games_required AS INT64) AS min_games_required,
    (
      COALESCE(g15, 0) < 15
    ) AS early_season_flag,
    CAST(paint_pct AS FLOAT64) AS paint_pct_allowed_last_15,
    CAST(mid_pct AS FLOAT64) AS mid_range_pct_allowed_last_15,
    CAST(three_pct AS FLOAT64) AS three_pt_pct_allowed_last_15,
    (
      CASE WHEN zone_sample_ok THEN CAST(pa15 AS FLOAT64) / zg15 END
    ) AS paint_attempts_allowed_per_game,
    (
      CASE WHEN zone_sample_ok THEN CAST(ma15 AS FLOAT64) / zg15 END
    ) AS mid_range_attempts_allowed_per_game,
    (
      CASE WHEN zone_sample_ok THEN CAST(ta15 AS FLOAT64) / zg15 END
    ) AS three_pt_attempts_allowed_per_game,
    (
      CASE WHEN zone_sample_ok THEN CAST(ppa15 AS FLOAT64) / zg15 END
    ) AS paint_points_allowed_per_game,
    (
      CAST(pts15 AS FLOAT64) / NULLIF(g15, 0)
    ) AS opponent_points_per_game,
    CAST(drtg15 AS FLOAT64) AS defensive_rating_last_15,
    CAST(opace15 AS FLOAT64) AS opponent_pace,
    CAST(league_paint_pct AS FLOAT64) AS league_avg_paint_pct,
    CAST(league_mid_range_pct AS FLOAT64) AS league_avg_mid_range_pct,
    CAST(league_three_pt_pct AS FLOAT64) AS league_avg_three_pt_pct,
    CAST(league_avg_teams AS INT64) AS league_avg_teams,
    league_avg_source,
    CAST(paint_vs AS FLOAT64) AS paint_defense_vs_league_avg,
    CAST(mid_vs AS FLOAT64) AS mid_range_defense_vs_league_avg,
    CAST(three_vs AS FLOAT64) AS three_pt_defense_vs_league_avg,
    CASE
      WHEN NOT paint_vs IS NULL AND NOT mid_vs IS NULL AND NOT three_vs IS NULL
      THEN CASE
        WHEN paint_vs <= mid_vs AND paint_vs <= three_vs
        THEN 'paint'
        WHEN mid_vs <= three_vs
        THEN 'mid_range'
        ELSE 'perimeter'
      END
    END AS strongest_zone,
    CASE
      WHEN NOT paint_vs IS NULL AND NOT mid_vs IS NULL AND NOT three_vs IS NULL
      THEN CASE
        WHEN paint_vs >= mid_vs AND paint_vs >= three_vs
        THEN 'paint'
        WHEN mid_vs >= three_vs
        THEN 'mid_range'
        ELSE 'perimeter'
      END
    END AS weakest_zone,
    CASE
      WHEN COALESCE(g15, 0) >= 15
      THEN 'high'
      WHEN COALESCE(g15, 0) >= 10
      THEN 'medium'
      ELSE 'low'
    END AS data_quality_tier,
    CASE
      WHEN COALESCE(zg15, 0) = 0
      THEN 'no shot-zone data in window'
      WHEN NOT zone_sample_ok
      THEN 'zone sample too small: ' || CAST(zg15 AS STRING) || ' games with shot zones in the window, needs ' || CAST(10 AS STRING)
      ELSE NULLIF(
        ARRAY_TO_STRING(
          [
            CAST(CASE
              WHEN pa15 < 50
              THEN 'paint: ' || CAST(pa15 AS STRING) || ' attempts, needs ' || CAST(50 AS STRING)
            END AS STRING),
            CAST(CASE
              WHEN ma15 < 50
              THEN 'mid_range: ' || CAST(ma15 AS STRING) || ' attempts, needs ' || CAST(50 AS STRING)
            END AS STRING),
            CAST(CASE
              WHEN ta15 < 50
              THEN 'three_pt: ' || CAST(ta15 AS STRING) || ' attempts, needs ' || CAST(50 AS STRING)
            END AS STRING)
          ],
          ', '
        ),
        ''
      )
    END AS calculation_notes,
    failure_category,
    CASE failure_category
      WHEN 'EXPECTED_INCOMPLETE'
      THEN 'bootstrap window'
      WHEN 'MISSING_DEPENDENCY'
      THEN CASE
        WHEN NOT team_missing_games IS NULL
        THEN 'analytics.team_defense_game_summary has no row of ' || CAST(team_abbr AS STRING) || ' for ' || CAST(team_missing_games AS STRING) || ' of its scheduled game(s) in the 7 days before ' || CAST(analysis_date AS STRING) || ' (first ' || CAST(team_first_missing_game AS STRING) || ')'
        WHEN NOT missing_dates IS NULL
        THEN 'analytics.team_defense_game_summary has no rows for ' || CAST(missing_dates AS STRING) || ' scheduled game date(s) in the 7 days before ' || CAST(analysis_date AS STRING) || ' (first ' || CAST(first_missing_date AS STRING) || ')'
        ELSE 'no analytics.team_defense_game_summary rows for season ' || CAST(season_year AS STRING) || ' before ' || CAST(analysis_date AS STRING)
      END
      WHEN 'INSUFFICIENT_DATA'
      THEN 'team has ' || CAST(COALESCE(g15, 0) AS STRING) || ' games before ' || CAST(analysis_date AS STRING) || ' this season, needs ' || CAST(min_games_required AS STRING)
    END AS failure_reason,
    CASE
      WHEN failure_category IN ('INSUFFICIENT_DATA', 'MISSING_DEPENDENCY')
      THEN TRUE
      WHEN NOT failure_category IS NULL
      THEN FALSE
    END AS can_retry
  FROM classified
)
SELECT
  t.*,
  c.l15_expected_games,
  c.l15_actual_games,
  c.l15_completeness_pct,
  c.l30d_expected_games,
  c.l30d_actual_games,
  c.l30d_completeness_pct,
  c.expected_games,
  c.actual_games,
  c.completeness_pct,
  c.is_production_ready,
  c.completeness_reason
FROM team_rows AS t
LEFT JOIN cmp_out AS c
  ON c.entity_id = t.team_abbr AND c.d = t.analysis_date
