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
WITH
season_rs_end AS (  -- the day after each season's last regular-season game date
    SELECT season_year, max(game_date) + 1 AS rs_next_date
    FROM raw.schedule WHERE season_type <> @preseason AND season_type NOT IN @postseason
    GROUP BY season_year
),
dates AS (  -- D's season and days since opening night: analytics.game_calendar; the league
            -- average's window ends before D, in the postseason before the regular season's end
            -- (every regular-season date precedes a postseason D: nothing after D is read)
    SELECT c.game_date AS analysis_date, c.season_year, c.opening_night, c.days_since_opening,
           CASE WHEN c.game_type IN @postseason THEN least(c.game_date, r.rs_next_date)
                ELSE c.game_date END AS league_end
    FROM analytics.game_calendar c
    LEFT JOIN season_rs_end r ON r.season_year = c.season_year
    WHERE c.game_date BETWEEN $start_date AND $end_date
),
season_teams AS (
    SELECT DISTINCT season_year, home_team_abbr AS team_abbr FROM raw.schedule WHERE season_type <> @preseason
    UNION
    SELECT DISTINCT season_year, away_team_abbr FROM raw.schedule WHERE season_type <> @preseason
),
games AS (
    SELECT defending_team_abbr AS team_abbr, season_year, game_date, game_id,
           points_allowed, defensive_rating, opponent_pace,
           (coalesce(shot_zones_available, false) AND opp_paint_attempts IS NOT NULL
            AND opp_mid_range_attempts IS NOT NULL AND opp_three_zone_attempts IS NOT NULL) AS hz,
           opp_paint_attempts, opp_paint_makes, opp_mid_range_attempts, opp_mid_range_makes,
           opp_three_zone_attempts, opp_three_zone_makes, points_in_paint_allowed
    FROM analytics.team_defense_game_summary
    WHERE game_date >= $read_start AND game_date < $end_date AND season_type <> @preseason
),
zgames AS (
    -- zone counts only from games that have shot zones (never mixed with other sources)
    SELECT team_abbr, season_year, game_date, game_id, points_allowed, defensive_rating, opponent_pace, hz,
           CASE WHEN hz THEN opp_paint_attempts END AS pa, CASE WHEN hz THEN opp_paint_makes END AS pm,
           CASE WHEN hz THEN opp_mid_range_attempts END AS ma, CASE WHEN hz THEN opp_mid_range_makes END AS mm,
           CASE WHEN hz THEN opp_three_zone_attempts END AS ta, CASE WHEN hz THEN opp_three_zone_makes END AS tm,
           CASE WHEN hz THEN points_in_paint_allowed END AS ppa
    FROM games
),
rolled AS (
    -- state after each game: sums over the team's last 15 games (this one included)
    SELECT team_abbr, season_year, game_date,
           lead(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_game_date,
           count(*) OVER w15 AS g15,
           sum(hz::INTEGER) OVER w15 AS zg15,
           sum(pa) OVER w15 AS pa15, sum(pm) OVER w15 AS pm15,
           sum(ma) OVER w15 AS ma15, sum(mm) OVER w15 AS mm15,
           sum(ta) OVER w15 AS ta15, sum(tm) OVER w15 AS tm15,
           sum(ppa) OVER w15 AS ppa15,
           sum(points_allowed) OVER w15 AS pts15,
           sum(CAST(round(defensive_rating * 1e9) AS BIGINT)) OVER w15 / 1e9 / nullif(count(defensive_rating) OVER w15, 0) AS drtg15,
           sum(CAST(round(opponent_pace * 1e9) AS BIGINT)) OVER w15 / 1e9 / nullif(count(opponent_pace) OVER w15, 0) AS opace15
    FROM zgames
    WINDOW w15 AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id
                   ROWS BETWEEN 14 PRECEDING AND CURRENT ROW)
),
league_team AS (
    -- each team's zone pcts over its zone games in [E-30, E), E = league_end
    SELECT d.analysis_date, z.team_abbr,
           sum(z.pm)::DOUBLE / nullif(sum(z.pa), 0) AS p_pct,
           sum(z.mm)::DOUBLE / nullif(sum(z.ma), 0) AS m_pct,
           sum(z.tm)::DOUBLE / nullif(sum(z.ta), 0) AS t_pct
    FROM dates d
    JOIN zgames z
      ON z.season_year = d.season_year AND z.hz
     AND z.game_date >= d.league_end - INTERVAL 30 DAY AND z.game_date < d.league_end
    GROUP BY d.analysis_date, z.team_abbr
    HAVING count(*) >= @zone_min(team, games)
),
league AS (
    SELECT d.analysis_date,
           count(lt.team_abbr) AS league_avg_teams,
           sum(CAST(round(lt.p_pct * 1e12) AS BIGINT)) / 1e12 / nullif(count(lt.p_pct), 0) AS p_avg,
           sum(CAST(round(lt.m_pct * 1e12) AS BIGINT)) / 1e12 / nullif(count(lt.m_pct), 0) AS m_avg,
           sum(CAST(round(lt.t_pct * 1e12) AS BIGINT)) / 1e12 / nullif(count(lt.t_pct), 0) AS t_avg
    FROM dates d
    LEFT JOIN league_team lt
      ON lt.analysis_date = d.analysis_date
     AND lt.p_pct IS NOT NULL AND lt.m_pct IS NOT NULL AND lt.t_pct IS NOT NULL
    GROUP BY d.analysis_date
),
league_final AS (
    SELECT analysis_date, league_avg_teams,
           CASE WHEN league_avg_teams >= 10 THEN 'computed' ELSE 'default' END AS league_avg_source,
           CASE WHEN league_avg_teams >= 10 THEN p_avg ELSE 0.580 END AS league_paint_pct,
           CASE WHEN league_avg_teams >= 10 THEN m_avg ELSE 0.410 END AS league_mid_range_pct,
           CASE WHEN league_avg_teams >= 10 THEN t_avg ELSE 0.355 END AS league_three_pt_pct
    FROM league
),
@dependency_check(team)
cmp_universe AS (
    SELECT t.team_abbr AS entity_id, d.season_year, d.analysis_date AS d
    FROM dates d JOIN season_teams t ON t.season_year = d.season_year
),
@completeness_windows(team, l15, l30d)
date_input AS (
    -- does TDGS hold any game of D's season before D?
    SELECT d.analysis_date, count(g.game_id) AS season_games_before,
           any_value(cdc.missing_dates) AS missing_dates, any_value(cdc.first_missing_date) AS first_missing_date
    FROM dates d
    LEFT JOIN games g ON g.season_year = d.season_year AND g.game_date < d.analysis_date
    LEFT JOIN cmp_date_check cdc ON cdc.d = d.analysis_date
    GROUP BY d.analysis_date
),
universe AS (
    -- the season's teams (a team whose games of the week before D are missing: dependency
    -- missing); a date whose upstream is missing has the single entity DATE_LEVEL
    SELECT d.*, t.team_abbr,
           @min_games_required(d.days_since_opening, 5, 0.4, 15) AS min_games_required,
           (tc.d IS NOT NULL) AS dependency_missing, NULL::BIGINT AS missing_dates, NULL::DATE AS first_missing_date,
           tc.missing_games AS team_missing_games, tc.first_missing_game AS team_first_missing_game
    FROM dates d
    JOIN date_input di ON di.analysis_date = d.analysis_date
    JOIN season_teams t ON t.season_year = d.season_year
    LEFT JOIN cmp_team_check tc ON tc.d = d.analysis_date AND tc.team_abbr = t.team_abbr AND d.days_since_opening >= @bootstrap_days
    WHERE d.days_since_opening < @bootstrap_days OR (di.season_games_before > 0 AND di.missing_dates IS NULL)
    UNION ALL
    SELECT d.*, 'DATE_LEVEL' AS team_abbr, NULL::INTEGER AS min_games_required, true AS dependency_missing,
           di.missing_dates, di.first_missing_date, NULL::BIGINT, NULL::DATE
    FROM dates d
    JOIN date_input di ON di.analysis_date = d.analysis_date
    WHERE d.days_since_opening >= @bootstrap_days AND (di.season_games_before = 0 OR di.missing_dates IS NOT NULL)
),
state AS (
    SELECT u.*, r.g15, r.zg15, r.pa15, r.pm15, r.ma15, r.mm15, r.ta15, r.tm15, r.ppa15,
           r.pts15, r.drtg15, r.opace15
    FROM universe u
    LEFT JOIN rolled r
      ON r.team_abbr = u.team_abbr AND r.season_year = u.season_year
     AND r.game_date < u.analysis_date
     AND u.analysis_date <= coalesce(r.next_game_date, DATE '9999-12-31')
),
calc AS (
    SELECT s.*, l.league_avg_teams, l.league_avg_source,
           l.league_paint_pct, l.league_mid_range_pct, l.league_three_pt_pct,
           (s.zg15 >= @zone_min(team, games)) AS zone_sample_ok,
           CASE WHEN s.zg15 >= @zone_min(team, games) AND s.pa15 >= @zone_min(team, attempts) THEN s.pm15::DOUBLE / s.pa15 END AS paint_pct,
           CASE WHEN s.zg15 >= @zone_min(team, games) AND s.ma15 >= @zone_min(team, attempts) THEN s.mm15::DOUBLE / s.ma15 END AS mid_pct,
           CASE WHEN s.zg15 >= @zone_min(team, games) AND s.ta15 >= @zone_min(team, attempts) THEN s.tm15::DOUBLE / s.ta15 END AS three_pct
    FROM state s JOIN league_final l ON l.analysis_date = s.analysis_date
),
vs AS (
    SELECT c.*,
           (c.paint_pct - c.league_paint_pct) * 100 AS paint_vs,
           (c.mid_pct - c.league_mid_range_pct) * 100 AS mid_vs,
           (c.three_pct - c.league_three_pt_pct) * 100 AS three_vs
    FROM calc c
),
classified AS (
    SELECT v.*,
           CASE
               WHEN v.days_since_opening < @bootstrap_days THEN 'EXPECTED_INCOMPLETE'
               WHEN v.dependency_missing THEN 'MISSING_DEPENDENCY'
               WHEN coalesce(v.g15, 0) < v.min_games_required THEN 'INSUFFICIENT_DATA'
           END AS failure_category
    FROM vs v
),
team_rows AS (
    SELECT
        team_abbr,
        analysis_date,
        season_year::INTEGER AS season_year,
        days_since_opening::INTEGER AS days_since_opening,
        coalesce(g15, 0)::INTEGER AS games_in_sample,
        coalesce(zg15, 0)::INTEGER AS zone_games_in_sample,
        min_games_required::INTEGER AS min_games_required,
        (coalesce(g15, 0) < 15) AS early_season_flag,
        paint_pct::DOUBLE AS paint_pct_allowed_last_15,
        mid_pct::DOUBLE AS mid_range_pct_allowed_last_15,
        three_pct::DOUBLE AS three_pt_pct_allowed_last_15,
        (CASE WHEN zone_sample_ok THEN pa15::DOUBLE / zg15 END) AS paint_attempts_allowed_per_game,
        (CASE WHEN zone_sample_ok THEN ma15::DOUBLE / zg15 END) AS mid_range_attempts_allowed_per_game,
        (CASE WHEN zone_sample_ok THEN ta15::DOUBLE / zg15 END) AS three_pt_attempts_allowed_per_game,
        (CASE WHEN zone_sample_ok THEN ppa15::DOUBLE / zg15 END) AS paint_points_allowed_per_game,
        (pts15::DOUBLE / nullif(g15, 0)) AS opponent_points_per_game,
        drtg15::DOUBLE AS defensive_rating_last_15,
        opace15::DOUBLE AS opponent_pace,
        league_paint_pct::DOUBLE AS league_avg_paint_pct,
        league_mid_range_pct::DOUBLE AS league_avg_mid_range_pct,
        league_three_pt_pct::DOUBLE AS league_avg_three_pt_pct,
        league_avg_teams::INTEGER AS league_avg_teams,
        league_avg_source,
        paint_vs::DOUBLE AS paint_defense_vs_league_avg,
        mid_vs::DOUBLE AS mid_range_defense_vs_league_avg,
        three_vs::DOUBLE AS three_pt_defense_vs_league_avg,
        CASE WHEN paint_vs IS NOT NULL AND mid_vs IS NOT NULL AND three_vs IS NOT NULL THEN
            CASE WHEN paint_vs <= mid_vs AND paint_vs <= three_vs THEN 'paint'
                 WHEN mid_vs <= three_vs THEN 'mid_range' ELSE 'perimeter' END
        END AS strongest_zone,
        CASE WHEN paint_vs IS NOT NULL AND mid_vs IS NOT NULL AND three_vs IS NOT NULL THEN
            CASE WHEN paint_vs >= mid_vs AND paint_vs >= three_vs THEN 'paint'
                 WHEN mid_vs >= three_vs THEN 'mid_range' ELSE 'perimeter' END
        END AS weakest_zone,
        CASE WHEN coalesce(g15, 0) >= 15 THEN 'high' WHEN coalesce(g15, 0) >= 10 THEN 'medium' ELSE 'low' END
            AS data_quality_tier,
        CASE WHEN coalesce(zg15, 0) = 0 THEN 'no shot-zone data in window'
             WHEN NOT zone_sample_ok THEN 'zone sample too small: ' || zg15 || ' games with shot zones in the window, needs '
                                          || @zone_min(team, games)
             ELSE nullif(concat_ws(', ',
                    CASE WHEN pa15 < @zone_min(team, attempts) THEN 'paint: ' || pa15 || ' attempts, needs ' || @zone_min(team, attempts) END,
                    CASE WHEN ma15 < @zone_min(team, attempts) THEN 'mid_range: ' || ma15 || ' attempts, needs ' || @zone_min(team, attempts) END,
                    CASE WHEN ta15 < @zone_min(team, attempts) THEN 'three_pt: ' || ta15 || ' attempts, needs ' || @zone_min(team, attempts) END), '') END
            AS calculation_notes,
        failure_category,
        CASE failure_category
            WHEN 'EXPECTED_INCOMPLETE' THEN 'bootstrap window'
            WHEN 'MISSING_DEPENDENCY' THEN CASE WHEN team_missing_games IS NOT NULL THEN
                'analytics.team_defense_game_summary has no row of ' || team_abbr || ' for '
                || team_missing_games || ' of its scheduled game(s) in the 7 days before ' || analysis_date
                || ' (first ' || team_first_missing_game || ')'
                WHEN missing_dates IS NOT NULL THEN
                'analytics.team_defense_game_summary has no rows for ' || missing_dates
                || ' scheduled game date(s) in the 7 days before ' || analysis_date || ' (first ' || first_missing_date || ')'
                ELSE 'no analytics.team_defense_game_summary rows for season '
                     || season_year || ' before ' || analysis_date END
            WHEN 'INSUFFICIENT_DATA' THEN 'team has ' || coalesce(g15, 0) || ' games before ' || analysis_date
                                          || ' this season, needs ' || min_games_required
        END AS failure_reason,
        CASE WHEN failure_category IN ('INSUFFICIENT_DATA', 'MISSING_DEPENDENCY') THEN true
             WHEN failure_category IS NOT NULL THEN false END AS can_retry
    FROM classified
)
SELECT t.*, @completeness_columns(c, l15, l30d)
FROM team_rows t
LEFT JOIN cmp_out c ON c.entity_id = t.team_abbr AND c.d = t.analysis_date
