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
WITH
dates AS (  -- D's season and days since opening night: analytics.game_calendar
    SELECT game_date AS analysis_date, season_year, days_since_opening
    FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@dependency_check(player)
games AS (
    SELECT player_lookup, season_year, game_date, game_id, team_abbr,
           coalesce(has_complete_shot_zones, false)
               AND paint_attempts IS NOT NULL AND mid_range_attempts IS NOT NULL
               AND three_zone_attempts IS NOT NULL AS hz,
           paint_attempts, paint_makes, mid_range_attempts, mid_range_makes,
           three_zone_attempts, three_zone_makes
    FROM analytics.player_game_summary
    WHERE game_date >= $read_start AND game_date < $end_date
      AND season_type <> @preseason
      AND (minutes_played > 0 OR fg_attempts > 0 OR points > 0)
      AND season_year IN (SELECT season_year FROM dates)  -- windows never cross a season
),
zgames AS (
    SELECT player_lookup, season_year, game_date, game_id, team_abbr, hz,
           CASE WHEN hz THEN paint_attempts END AS pa, CASE WHEN hz THEN paint_makes END AS pm,
           CASE WHEN hz THEN mid_range_attempts END AS ma, CASE WHEN hz THEN mid_range_makes END AS mm,
           CASE WHEN hz THEN three_zone_attempts END AS ta, CASE WHEN hz THEN three_zone_makes END AS tm
    FROM games
),
rolled AS (
    -- state after each game: sums over the player's last 10 / 20 games (this one included)
    SELECT player_lookup, season_year, game_date, team_abbr,
           lead(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS next_game_date,
           row_number() OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS season_games,
           count(*) OVER w10 AS g10, sum(hz::INTEGER) OVER w10 AS zg10,
           sum(pa) OVER w10 AS pa10, sum(pm) OVER w10 AS pm10,
           sum(ma) OVER w10 AS ma10, sum(mm) OVER w10 AS mm10,
           sum(ta) OVER w10 AS ta10, sum(tm) OVER w10 AS tm10,
           count(*) OVER w20 AS g20, sum(hz::INTEGER) OVER w20 AS zg20,
           sum(pa) OVER w20 AS pa20, sum(pm) OVER w20 AS pm20,
           sum(ma) OVER w20 AS ma20, sum(mm) OVER w20 AS mm20,
           sum(ta) OVER w20 AS ta20, sum(tm) OVER w20 AS tm20
    FROM zgames
    WINDOW w10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                   ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
           w20 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                   ROWS BETWEEN 19 PRECEDING AND CURRENT ROW)
),
state AS (
    -- each date joined to each player's last game before it (the universe)
    -- (a date with an empty universe keeps one row with NULL player: the DATE_LEVEL entity)
    SELECT d.analysis_date, d.season_year, d.days_since_opening,
           coalesce(r.player_lookup, 'DATE_LEVEL') AS player_lookup, (r.player_lookup IS NULL) AS universe_empty,
           r.team_abbr, r.season_games, r.g10, r.zg10, r.pa10, r.pm10, r.ma10, r.mm10, r.ta10, r.tm10,
           r.g20, r.zg20, r.pa20, r.pm20, r.ma20, r.mm20, r.ta20, r.tm20,
           r.game_date AS last_game_date,
           @min_games_required(d.days_since_opening, 4, 0.3, 10) AS min_games_required,
           r.pa10 + r.ma10 + r.ta10 AS tot10,
           r.pa20 + r.ma20 + r.ta20 AS tot20,
           cdc.missing_dates, cdc.first_missing_date
    FROM dates d
    LEFT JOIN cmp_date_check cdc ON cdc.d = d.analysis_date AND d.days_since_opening >= @bootstrap_days
    LEFT JOIN rolled r
      ON r.season_year = d.season_year
     AND r.game_date < d.analysis_date
     AND d.analysis_date <= coalesce(r.next_game_date, DATE '9999-12-31')
     AND cdc.d IS NULL
),
team_check AS (
    -- the player's team (of his latest game) has a scheduled game in [D-7, D) without PGS rows
    SELECT s.*, tc.missing_games AS team_missing_games, tc.first_missing_game AS team_first_missing_game
    FROM state s
    LEFT JOIN cmp_team_check tc ON tc.d = s.analysis_date AND tc.team_abbr = s.team_abbr AND s.days_since_opening >= @bootstrap_days
),
cmp_universe AS (
    SELECT player_lookup AS entity_id, season_year, analysis_date AS d FROM state WHERE NOT universe_empty
),
@completeness_windows(player, l10, l20)
samples AS (  -- the minimum samples of the zone fields (@zone_min, nbaprops.macros.ZONE_MIN)
    SELECT s.*,
           coalesce(zg10 >= @zone_min(player, games) AND tot10 >= @zone_min(player, attempts), false) AS ok10,
           coalesce(zg20 >= @zone_min(player, games_20) AND tot20 >= @zone_min(player, attempts), false) AS ok20
    FROM team_check s
),
rates AS (
    SELECT s.*,
           CASE WHEN ok10 THEN pa10 * 100.0 / tot10 END AS paint_rate10,
           CASE WHEN ok10 THEN ma10 * 100.0 / tot10 END AS mid_rate10,
           CASE WHEN ok10 THEN ta10 * 100.0 / tot10 END AS three_rate10,
           CASE WHEN ok20 THEN pa20 * 100.0 / tot20 END AS paint_rate20,
           CASE WHEN ok20 THEN ma20 * 100.0 / tot20 END AS mid_rate20,
           CASE WHEN ok20 THEN ta20 * 100.0 / tot20 END AS three_rate20
    FROM samples s
),
player_rows AS (
    SELECT
        player_lookup,
        analysis_date,
        season_year::INTEGER AS season_year,
        days_since_opening::INTEGER AS days_since_opening,
        team_abbr,
        last_game_date,
        season_games::INTEGER AS season_games_before,
        g10::INTEGER AS games_in_sample_10,
        g20::INTEGER AS games_in_sample_20,
        zg10::INTEGER AS zone_games_10,
        zg20::INTEGER AS zone_games_20,
        min_games_required::INTEGER AS min_games_required,
        (g10 < 10) AS early_season_flag,
        ok10 AS shot_zone_data_available,
        CASE WHEN ok10 THEN NULL
             WHEN coalesce(zg10, 0) = 0 THEN 'no shot-zone data in the last 10 games'
             WHEN zg10 < @zone_min(player, games) THEN 'zone sample too small: ' || zg10
                  || ' of the last 10 games have shot zones, needs ' || @zone_min(player, games)
             ELSE 'zone sample too small: ' || tot10 || ' zone attempts in the last 10 games, needs '
                  || @zone_min(player, attempts) END AS zone_null_reason,
        paint_rate10::DOUBLE AS paint_rate_last_10,
        mid_rate10::DOUBLE AS mid_range_rate_last_10,
        three_rate10::DOUBLE AS three_pt_rate_last_10,
        (CASE WHEN ok10 AND pa10 >= @zone_min(player, zone_attempts) THEN pm10::DOUBLE / pa10 END) AS paint_pct_last_10,
        (CASE WHEN ok10 AND ma10 >= @zone_min(player, zone_attempts) THEN mm10::DOUBLE / ma10 END) AS mid_range_pct_last_10,
        (CASE WHEN ok10 AND ta10 >= @zone_min(player, zone_attempts) THEN tm10::DOUBLE / ta10 END) AS three_pt_pct_last_10,
        (CASE WHEN ok10 THEN pa10::DOUBLE / zg10 END) AS paint_attempts_per_game,
        (CASE WHEN ok10 THEN ma10::DOUBLE / zg10 END) AS mid_range_attempts_per_game,
        (CASE WHEN ok10 THEN ta10::DOUBLE / zg10 END) AS three_pt_attempts_per_game,
        (CASE WHEN zg10 > 0 THEN tot10 END)::INTEGER AS total_shots_last_10,
        paint_rate20::DOUBLE AS paint_rate_last_20,
        mid_rate20::DOUBLE AS mid_range_rate_last_20,
        three_rate20::DOUBLE AS three_pt_rate_last_20,
        (CASE WHEN ok20 AND pa20 >= @zone_min(player, zone_attempts) THEN pm20::DOUBLE / pa20 END) AS paint_pct_last_20,
        (CASE WHEN ok20 AND ma20 >= @zone_min(player, zone_attempts) THEN mm20::DOUBLE / ma20 END) AS mid_range_pct_last_20,
        (CASE WHEN ok20 AND ta20 >= @zone_min(player, zone_attempts) THEN tm20::DOUBLE / ta20 END) AS three_pt_pct_last_20,
        CASE WHEN zg10 >= 10 THEN 'excellent' WHEN zg10 >= 7 THEN 'good' WHEN zg10 >= 5 THEN 'limited'
             ELSE 'insufficient' END AS sample_quality_10,
        CASE WHEN zg20 >= 20 THEN 'excellent' WHEN zg20 >= 14 THEN 'good' WHEN zg20 >= 10 THEN 'limited'
             ELSE 'insufficient' END AS sample_quality_20,
        CASE WHEN paint_rate10 IS NULL THEN NULL
             WHEN paint_rate10 >= 40 THEN 'paint'
             WHEN three_rate10 >= 40 THEN 'perimeter'
             WHEN mid_rate10 >= 35 THEN 'mid_range'
             ELSE 'balanced' END AS primary_scoring_zone,
        CASE WHEN g10 >= 10 THEN 'high' WHEN g10 >= 7 THEN 'medium' ELSE 'low' END AS data_quality_tier,
        CASE WHEN days_since_opening < @bootstrap_days THEN 'EXPECTED_INCOMPLETE'
             WHEN universe_empty OR team_missing_games IS NOT NULL THEN 'MISSING_DEPENDENCY'
             WHEN season_games < min_games_required THEN 'INSUFFICIENT_DATA' END AS failure_category,
        CASE WHEN universe_empty AND days_since_opening < @bootstrap_days
                 THEN 'bootstrap window (no player has played this season yet)'
             WHEN days_since_opening < @bootstrap_days THEN 'bootstrap window'
             WHEN universe_empty AND missing_dates IS NOT NULL
                 THEN 'analytics.player_game_summary has no rows for ' || missing_dates
                      || ' scheduled game date(s) in the 7 days before ' || analysis_date || ' (first ' || first_missing_date || ')'
             WHEN universe_empty
                 THEN 'no analytics.player_game_summary games for season ' || season_year || ' before ' || analysis_date
             WHEN team_missing_games IS NOT NULL
                 THEN 'analytics.player_game_summary has no row of ' || team_abbr || ' for ' || team_missing_games
                      || ' of its scheduled game(s) in the 7 days before ' || analysis_date
                      || ' (first ' || team_first_missing_game || ')'
             WHEN season_games < min_games_required
                 THEN 'player has ' || season_games || ' games before ' || analysis_date
                      || ' this season, needs ' || min_games_required END AS failure_reason,
        CASE WHEN days_since_opening < @bootstrap_days THEN false
             WHEN universe_empty OR team_missing_games IS NOT NULL OR season_games < min_games_required THEN true END AS can_retry
    FROM rates
)
SELECT p.*, @completeness_columns(c, l10, l20)
FROM player_rows p
LEFT JOIN cmp_out c ON c.entity_id = p.player_lookup AND c.d = p.analysis_date
