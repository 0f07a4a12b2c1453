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
WITH
dates AS (  -- D's season and days since opening night: analytics.game_calendar
    SELECT game_date, season_year, days_since_opening
    FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@dependency_check(player)
upgc AS (
    -- a date without any UPGC row keeps one row: the DATE_LEVEL entity (dependency missing)
    SELECT d.game_date, d.season_year, d.days_since_opening,
           coalesce(u.player_lookup, 'DATE_LEVEL') AS player_lookup, (u.player_lookup IS NULL) AS dependency_missing,
           u.game_id, u.team_abbr, u.opponent_team_abbr,
           u.days_rest, u.back_to_back, u.games_in_last_7_days, u.minutes_in_last_7_days,
           u.avg_minutes_per_game_last_7, u.back_to_backs_last_14_days
           , cdc.missing_dates, cdc.first_missing_date
           , tc.missing_games AS team_missing_games, tc.first_missing_game AS team_first_missing_game
    FROM dates d
    LEFT JOIN cmp_date_check cdc ON cdc.d = d.game_date AND d.days_since_opening >= @bootstrap_days
    LEFT JOIN analytics.upcoming_player_game_context u ON u.game_date = d.game_date AND cdc.d IS NULL
     AND u.game_date BETWEEN $start_date AND $end_date   -- (the range stated: DuckDB would read every date)
    -- the player's team has a scheduled game in [D-7, D) without PGS rows: dependency missing
    LEFT JOIN cmp_team_check tc ON tc.d = d.game_date AND tc.team_abbr = u.team_abbr AND d.days_since_opening >= @bootstrap_days
),
cmp_universe AS (
    SELECT player_lookup AS entity_id, season_year, game_date AS d FROM upgc WHERE NOT dependency_missing
),
@completeness_windows(player, l10, l7d, l14d)
player_keys AS (  -- the universe's players and seasons: windows never cross a player or a
                  -- season, so no other history can reach a row (a one-date run reads ~200
                  -- players' seasons, not the lookback's whole league)
    SELECT DISTINCT player_lookup, season_year FROM upgc WHERE NOT dependency_missing
),
player_rolled AS (
    SELECT player_lookup, season_year, game_date,
           lead(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS next_game_date,
           sum(CAST(round(usage_rate * 1e9) AS BIGINT)) OVER w3 / 1e9 / nullif(count(usage_rate) OVER w3, 0) AS usg3,
           sum(CAST(round(usage_rate * 1e9) AS BIGINT)) OVER w7 / 1e9 / nullif(count(usage_rate) OVER w7, 0) AS usg7
    FROM analytics.player_game_summary JOIN player_keys USING (player_lookup, season_year)
    WHERE game_date >= $read_start AND game_date < $end_date
      AND season_type <> @preseason
      AND (minutes_played > 0 OR fg_attempts > 0 OR points > 0)
    WINDOW w3 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                  ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
           w7 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                  ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)
),
team_rolled AS (
    SELECT team_abbr, season_year, game_date,
           lead(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_game_date,
           sum(CAST(round(pace * 1e9) AS BIGINT)) OVER w10 / 1e9 / nullif(count(pace) OVER w10, 0) AS pace10
    FROM analytics.team_offense_game_summary
    WHERE game_date >= $read_start AND game_date < $end_date AND season_type <> @preseason
      AND season_year IN (SELECT season_year FROM dates)  -- windows never cross a season
    WINDOW w10 AS (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id
                   ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)
),
psza AS (
    SELECT player_lookup, analysis_date, primary_scoring_zone,
           paint_rate_last_10, mid_range_rate_last_10, three_pt_rate_last_10
    FROM precompute.player_shot_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),
tdza AS (
    SELECT team_abbr, analysis_date, paint_defense_vs_league_avg, mid_range_defense_vs_league_avg,
           three_pt_defense_vs_league_avg, weakest_zone
    FROM precompute.team_defense_zone_analysis
    WHERE analysis_date BETWEEN $start_date AND $end_date
),
joined AS (
    SELECT u.*,
           p.usg3 AS projected_usage_rate, p.usg7 AS avg_usage_rate_last_7_games,
           tp.pace10 AS team_pace_last_10, op.pace10 AS opponent_pace_last_10,
           z.player_lookup IS NOT NULL AS psza_row_present,
           t.team_abbr IS NOT NULL AS tdza_row_present,
           z.primary_scoring_zone,
           CASE z.primary_scoring_zone WHEN 'mid_range' THEN z.mid_range_rate_last_10
                                       WHEN 'perimeter' THEN z.three_pt_rate_last_10
                                       ELSE z.paint_rate_last_10 END AS zone_usage_rate,
           CASE z.primary_scoring_zone WHEN 'mid_range' THEN t.mid_range_defense_vs_league_avg
                                       WHEN 'perimeter' THEN t.three_pt_defense_vs_league_avg
                                       ELSE t.paint_defense_vs_league_avg END AS opponent_zone_defense_vs_league_avg,
           t.weakest_zone AS opponent_weakest_zone
    FROM upgc u
    LEFT JOIN player_rolled p
      ON p.player_lookup = u.player_lookup AND p.season_year = u.season_year
     AND p.game_date < u.game_date AND u.game_date <= coalesce(p.next_game_date, DATE '9999-12-31')
    LEFT JOIN team_rolled tp
      ON tp.team_abbr = u.team_abbr AND tp.season_year = u.season_year
     AND tp.game_date < u.game_date AND u.game_date <= coalesce(tp.next_game_date, DATE '9999-12-31')
    LEFT JOIN team_rolled op
      ON op.team_abbr = u.opponent_team_abbr AND op.season_year = u.season_year
     AND op.game_date < u.game_date AND u.game_date <= coalesce(op.next_game_date, DATE '9999-12-31')
    LEFT JOIN psza z ON z.player_lookup = u.player_lookup AND z.analysis_date = u.game_date
    LEFT JOIN tdza t ON t.team_abbr = u.opponent_team_abbr AND t.analysis_date = u.game_date
),
f1 AS (
    SELECT j.*,
           @fatigue_score(j) AS fatigue_score,   -- one definition (nbaprops.macros), also the feature store's
           -- (DuckDB's least/greatest skip NULLs: guard every NULL input explicitly)
           CASE WHEN zone_usage_rate IS NOT NULL AND opponent_zone_defense_vs_league_avg IS NOT NULL
                THEN opponent_zone_defense_vs_league_avg * least(zone_usage_rate / 50.0, 1.0) END AS zone_weighted,
           team_pace_last_10 - opponent_pace_last_10 AS pace_differential
    FROM joined j
),
f2 AS (
    SELECT f1.*,
           (fatigue_score - 100) / 20.0 AS fatigue_adjustment,
           CASE WHEN zone_weighted IS NOT NULL THEN greatest(-10.0, least(10.0,
               CASE WHEN abs(zone_weighted) > 5 THEN zone_weighted * 1.2 ELSE zone_weighted END)) END
               AS shot_zone_mismatch_score,
           CASE WHEN pace_differential IS NOT NULL THEN greatest(-3.0, least(3.0, pace_differential / 2.0)) END
               AS pace_score,
           CASE WHEN projected_usage_rate IS NOT NULL AND avg_usage_rate_last_7_games IS NOT NULL
                THEN greatest(-3.0, least(3.0, 0.3 * (projected_usage_rate - avg_usage_rate_last_7_games))) END
               AS usage_spike_score
    FROM f1
),
f3 AS (
    SELECT f2.*,
           fatigue_adjustment + coalesce(shot_zone_mismatch_score, 0) + coalesce(pace_score, 0)
               + coalesce(usage_spike_score, 0) AS total_composite_adjustment
    FROM f2
),
pcf_rows AS (
    SELECT
        player_lookup,
        game_date,
        season_year::INTEGER AS season_year,
        days_since_opening::INTEGER AS days_since_opening,
        game_id,
        team_abbr,
        opponent_team_abbr,
        days_rest::INTEGER AS days_rest,
        back_to_back::BOOLEAN AS back_to_back,
        games_in_last_7_days::INTEGER AS games_in_last_7_days,
        minutes_in_last_7_days::DOUBLE AS minutes_in_last_7_days,
        avg_minutes_per_game_last_7::DOUBLE AS avg_minutes_per_game_last_7,
        back_to_backs_last_14_days::INTEGER AS back_to_backs_last_14_days,
        fatigue_score::INTEGER AS fatigue_score,
        fatigue_adjustment::DOUBLE AS fatigue_adjustment,
        primary_scoring_zone::VARCHAR AS primary_scoring_zone,
        zone_usage_rate::DOUBLE AS zone_usage_rate,
        opponent_zone_defense_vs_league_avg::DOUBLE AS opponent_zone_defense_vs_league_avg,
        opponent_weakest_zone::VARCHAR AS opponent_weakest_zone,
        shot_zone_mismatch_score::DOUBLE AS shot_zone_mismatch_score,
        team_pace_last_10::DOUBLE AS team_pace_last_10,
        opponent_pace_last_10::DOUBLE AS opponent_pace_last_10,
        pace_differential::DOUBLE AS pace_differential,
        pace_score::DOUBLE AS pace_score,
        projected_usage_rate::DOUBLE AS projected_usage_rate,
        avg_usage_rate_last_7_games::DOUBLE AS avg_usage_rate_last_7_games,
        usage_spike_score::DOUBLE AS usage_spike_score,
        total_composite_adjustment::DOUBLE AS total_composite_adjustment,
        psza_row_present,
        tdza_row_present,
        (20 * ((days_rest IS NOT NULL)::INTEGER + (projected_usage_rate IS NOT NULL)::INTEGER
               + (pace_differential IS NOT NULL)::INTEGER + (zone_usage_rate IS NOT NULL)::INTEGER
               + (opponent_zone_defense_vs_league_avg IS NOT NULL)::INTEGER))::INTEGER AS data_completeness_pct,
        nullif(concat_ws(', ',
            CASE WHEN days_rest IS NULL THEN 'days_rest' END,
            CASE WHEN projected_usage_rate IS NULL THEN 'projected_usage_rate' END,
            CASE WHEN pace_differential IS NULL THEN 'pace_differential' END,
            CASE WHEN NOT psza_row_present THEN 'psza_row'
                 WHEN zone_usage_rate IS NULL THEN 'psza_zone_data' END,
            CASE WHEN NOT tdza_row_present THEN 'tdza_row'
                 WHEN opponent_zone_defense_vs_league_avg IS NULL THEN 'tdza_zone_data' END), '') AS missing_data_fields,
        (fatigue_score < 50 OR abs(coalesce(shot_zone_mismatch_score, 0)) > 8
            OR abs(total_composite_adjustment) > 12) AS has_warnings,
        nullif(concat_ws(', ',
            CASE WHEN fatigue_score < 50 THEN 'fatigue_score < 50' END,
            CASE WHEN abs(shot_zone_mismatch_score) > 8 THEN '|shot_zone_mismatch_score| > 8' END,
            CASE WHEN abs(total_composite_adjustment) > 12 THEN '|total_composite_adjustment| > 12' END), '')
            AS warning_details,
        CASE WHEN days_since_opening < @bootstrap_days THEN 'EXPECTED_INCOMPLETE'
             WHEN dependency_missing OR team_missing_games IS NOT NULL THEN 'MISSING_DEPENDENCY' END AS failure_category,
        CASE WHEN days_since_opening < @bootstrap_days AND dependency_missing THEN 'bootstrap window (no UPGC rows for the date)'
             WHEN days_since_opening < @bootstrap_days THEN 'bootstrap window'
             WHEN dependency_missing AND missing_dates IS NOT NULL
                 THEN 'analytics.player_game_summary has no rows for ' || missing_dates
                      || ' scheduled game date(s) in the 7 days before ' || game_date || ' (first ' || first_missing_date || ')'
             WHEN dependency_missing THEN 'no analytics.upcoming_player_game_context rows for ' || game_date
             WHEN team_missing_games IS NOT NULL
                 THEN 'analytics.player_game_summary has no row of ' || team_abbr || ' for ' || team_missing_games
                      || ' of its scheduled game(s) in the 7 days before ' || game_date
                      || ' (first ' || team_first_missing_game || ')' END AS failure_reason,
        CASE WHEN days_since_opening < @bootstrap_days THEN false
             WHEN dependency_missing OR team_missing_games IS NOT NULL THEN true END AS can_retry
    FROM f3
)
SELECT r.*, @completeness_columns(c, l10, l7d, l14d)
FROM pcf_rows r
LEFT JOIN cmp_out c ON c.entity_id = r.player_lookup AND c.d = r.game_date
