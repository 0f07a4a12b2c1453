-- table: precompute.player_daily_cache
-- kind: by_date_with_failures
-- grain: player_lookup, cache_date
-- time_column: cache_date
-- lookback_days: 400
-- failures: PlayerDailyCacheProcessor
-- entity: player_lookup
-- universe: upcoming_players
--
-- A player's recent form entering the games of cache_date D (one row per UPGC player of D).
-- D = every non-preseason schedule date in [$start_date, $end_date]; universe = the UPGC rows
-- with game_date = D.
-- Player windows: the player's qualifying PGS games (minutes > 0 or points > 0 or
-- fg_attempts > 0) with game_date < D in D's season: last 5, last 10, season.
-- Team windows: the UPGC team's last 10 TOGS games with game_date < D in D's season.
-- UNITS (one convention per concept): rates are percent 0-100 (usage_rate_*,
-- *_rate_last_10 copied from PSZA); percentages are fractions 0-1 (ts_pct_last_10);
-- minutes are decimal minutes; points are points per game; pace is possessions per 48 minutes.
-- Means of DOUBLE inputs are exact fixed-point sums (1e-9) and the std comes from exact integer
-- sums, so results never depend on summation order (chunking, threads).
-- Means skip NULL inputs (usage_rate is NULL for basic-log games, e.g. all of 2021-22, and above
-- 100, a seconds-long appearance: analytics.player_game_summary).
-- ts_pct_last_10 is a ratio of sums over the last-10 window's games with attempts (full box
-- scores): sum(points) / (2 * (sum(FGA) + 0.44 * sum(FTA))), NULL when those games hold fewer
-- than @ts_min_attempts (10) attempts FGA + FTA, or none (basic logs). TS% is points per two
-- true-shooting attempts and can exceed 1 (an and-one three: 4 / 2.88 = 1.39); over >= 10
-- attempts it rarely does (14 rows of the bundled seasons, at most 1.13).
-- points_std_last_10 is the sample standard deviation (n - 1), NULL with < 2 games.
-- Fatigue fields are copied from UPGC; zone fields from PSZA (analysis_date = D): NULL and
-- shot_zone_data_available = false when PSZA has no row or no zone data for the player.
-- Not available, so not produced: player_age, fourth_quarter_minutes_last_7,
-- assisted_rate_last_10 (no such source data).
-- Early season: days 0-13 after opening night (first 'Regular Season' date of the season in
-- raw.schedule) -> every UPGC player gets EXPECTED_INCOMPLETE ('bootstrap window'). After that
-- a player needs min_games_required = least(5, greatest(4, floor(0.3 * days_since_opening)))
-- games this season (4 on days 14-16, 5 from day 17; the spec's 5), else INSUFFICIENT_DATA
-- (can_retry). UPGC has no row for D -> one DATE_LEVEL row: EXPECTED_INCOMPLETE in the
-- bootstrap window, else MISSING_DEPENDENCY; the same when PGS holds no row at all for a scheduled game date
-- in [D-7, D) (the date is not computed from the hole). A player whose team has a scheduled game
-- in [D-7, D) that PGS holds no row of (other teams' rows of that date present) gets
-- MISSING_DEPENDENCY outside the bootstrap window.
-- Completeness (every row and failure row; definition in src/nbaprops/completeness.py): the
-- player's last 5 (primary) and 10 expected games and his expected games in [D-7, D) and [D-14, D)
-- (his stint teams' scheduled games) against his PGS rows: l5_/l10_/l7d_/l14d_ expected_games,
-- actual_games, completeness_pct; is_production_ready when all are >= 90 %, else completeness_reason.
WITH
dates AS (  -- D's season and days since opening night: analytics.game_calendar
    SELECT game_date AS cache_date, season_year, days_since_opening
    FROM analytics.game_calendar
    WHERE game_date BETWEEN $start_date AND $end_date
),
@dependency_check(player)
upgc AS (
    -- a date without any UPGC row keeps one row: the DATE_LEVEL entity (dependency missing)
    SELECT d.cache_date, d.season_year, d.days_since_opening,
           coalesce(u.player_lookup, 'DATE_LEVEL') AS player_lookup, (u.player_lookup IS NULL) AS dependency_missing,
           u.game_id, u.team_abbr, u.opponent_team_abbr,
           u.days_rest, u.back_to_back, u.games_in_last_7_days, u.games_in_last_14_days,
           u.minutes_in_last_7_days, u.minutes_in_last_14_days, u.back_to_backs_last_14_days,
           u.avg_minutes_per_game_last_7
           , cdc.missing_dates, cdc.first_missing_date
           , tc.missing_games AS team_missing_games, tc.first_missing_game AS team_first_missing_game
    FROM dates d
    LEFT JOIN cmp_date_check cdc ON cdc.d = d.cache_date AND d.days_since_opening >= @bootstrap_days
    LEFT JOIN analytics.upcoming_player_game_context u ON u.game_date = d.cache_date AND cdc.d IS NULL
     AND u.game_date BETWEEN $start_date AND $end_date   -- (the range stated: DuckDB would read every date)
    -- the player's team has a scheduled game in [D-7, D) without PGS rows: dependency missing
    LEFT JOIN cmp_team_check tc ON tc.d = d.cache_date AND tc.team_abbr = u.team_abbr AND d.days_since_opening >= @bootstrap_days
),
cmp_universe AS (
    SELECT player_lookup AS entity_id, season_year, cache_date AS d FROM upgc WHERE NOT dependency_missing
),
@completeness_windows(player, l5, l10, l7d, l14d)
player_keys AS (  -- the universe's players and seasons: windows never cross a player or a
                  -- season, so no other history can reach a row (a one-date run reads ~200
                  -- players' seasons, not the lookback's whole league)
    SELECT DISTINCT player_lookup, season_year FROM upgc WHERE NOT dependency_missing
),
player_games AS (
    SELECT g.player_lookup, g.season_year, g.game_date, g.game_id, g.points, g.minutes_played, g.usage_rate,
           -- true-shooting inputs of the games with attempts (full box scores)
           CASE WHEN g.fg_attempts IS NOT NULL AND g.ft_attempts IS NOT NULL THEN g.points END AS ts_points,
           CASE WHEN g.ft_attempts IS NOT NULL THEN g.fg_attempts END AS ts_fga,
           CASE WHEN g.fg_attempts IS NOT NULL THEN g.ft_attempts END AS ts_fta
    FROM analytics.player_game_summary g
    JOIN player_keys k ON k.player_lookup = g.player_lookup AND k.season_year = g.season_year
    WHERE g.game_date >= $read_start AND g.game_date < $end_date
      AND g.season_type <> @preseason
      AND (g.minutes_played > 0 OR g.fg_attempts > 0 OR g.points > 0)
),
player_rolled AS (
    -- state after each game (this one included)
    SELECT player_lookup, season_year, game_date,
           lead(game_date) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id) AS next_game_date,
           count(*) OVER ws AS games_season,
           avg(points) OVER w5 AS pts5,
           avg(points) OVER w10 AS pts10,
           avg(points) OVER ws AS pts_season,
           -- sample variance from exact integer sums: (n*sum(x^2) - sum(x)^2) / (n*(n-1))
           sum(points) OVER w10 AS pts_sum10,
           sum(CAST(points AS BIGINT) * points) OVER w10 AS pts_sq10,
           count(points) OVER w10 AS pts_n10,
           sum(CAST(round(minutes_played * 1e9) AS BIGINT)) OVER w10 / 1e9 / nullif(count(minutes_played) OVER w10, 0) AS min10,
           sum(CAST(round(usage_rate * 1e9) AS BIGINT)) OVER w10 / 1e9 / nullif(count(usage_rate) OVER w10, 0) AS usg10,
           -- true shooting over the window: a ratio of sums, not a mean of per-game TS%
           sum(ts_points) OVER w10 AS ts_pts10, sum(ts_fga) OVER w10 AS ts_fga10, sum(ts_fta) OVER w10 AS ts_fta10,
           sum(CAST(round(usage_rate * 1e9) AS BIGINT)) OVER ws / 1e9 / nullif(count(usage_rate) OVER ws, 0) AS usg_season
    FROM player_games
    WINDOW w5 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                  ROWS BETWEEN 4 PRECEDING AND CURRENT ROW),
           w10 AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                   ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
           ws AS (PARTITION BY player_lookup, season_year ORDER BY game_date, game_id
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
),
team_rolled AS (
    SELECT team_abbr, season_year, game_date,
           lead(game_date) OVER (PARTITION BY team_abbr, season_year ORDER BY game_date, game_id) AS next_game_date,
           count(*) OVER w10 AS team_g10,
           sum(CAST(round(pace * 1e9) AS BIGINT)) OVER w10 / 1e9 / nullif(count(pace) OVER w10, 0) AS pace10,
           sum(CAST(round(offensive_rating * 1e9) AS BIGINT)) OVER w10 / 1e9 / nullif(count(offensive_rating) OVER w10, 0) AS ortg10
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
state AS (
    SELECT u.*,
           @min_games_required(u.days_since_opening, 4, 0.3, 5) AS min_games_required,
           coalesce(p.games_season, 0) AS games_season,
           p.pts5, p.pts10, p.pts_season, CASE WHEN p.pts_n10 >= 2 THEN sqrt(greatest(0, p.pts_n10 * p.pts_sq10 - p.pts_sum10 * p.pts_sum10)::DOUBLE
                                          / (p.pts_n10 * (p.pts_n10 - 1))) END AS pts_std10,
           p.min10, p.usg10, p.usg_season,
           CASE WHEN p.ts_fga10 + p.ts_fta10 >= @ts_min_attempts
                THEN p.ts_pts10 / (2.0 * (p.ts_fga10 + 0.44 * p.ts_fta10)) END AS ts10,
           t.team_g10, t.pace10, t.ortg10,
           z.primary_scoring_zone, z.paint_rate_last_10, z.mid_range_rate_last_10, z.three_pt_rate_last_10
    FROM upgc u
    LEFT JOIN player_rolled p
      ON p.player_lookup = u.player_lookup AND p.season_year = u.season_year
     AND p.game_date < u.cache_date AND u.cache_date <= coalesce(p.next_game_date, DATE '9999-12-31')
    LEFT JOIN team_rolled t
      ON t.team_abbr = u.team_abbr AND t.season_year = u.season_year
     AND t.game_date < u.cache_date AND u.cache_date <= coalesce(t.next_game_date, DATE '9999-12-31')
    LEFT JOIN psza z ON z.player_lookup = u.player_lookup AND z.analysis_date = u.cache_date
),
player_rows AS (
    SELECT
        player_lookup,
        cache_date,
        season_year::INTEGER AS season_year,
        days_since_opening::INTEGER AS days_since_opening,
        game_id,
        team_abbr,
        opponent_team_abbr,
        games_season::INTEGER AS games_played_season,
        min_games_required::INTEGER AS min_games_required,
        (games_season < 10) AS early_season_flag,
        pts5::DOUBLE AS points_avg_last_5,
        pts10::DOUBLE AS points_avg_last_10,
        pts_season::DOUBLE AS points_avg_season,
        pts_std10::DOUBLE AS points_std_last_10,
        min10::DOUBLE AS minutes_avg_last_10,
        usg10::DOUBLE AS usage_rate_last_10,
        ts10::DOUBLE AS ts_pct_last_10,
        usg_season::DOUBLE AS player_usage_rate_season,
        coalesce(team_g10, 0)::INTEGER AS team_games_last_10,
        pace10::DOUBLE AS team_pace_last_10,
        ortg10::DOUBLE AS team_off_rating_last_10,
        days_rest::INTEGER AS days_rest,
        back_to_back::BOOLEAN AS back_to_back,
        games_in_last_7_days::INTEGER AS games_in_last_7_days,
        games_in_last_14_days::INTEGER AS games_in_last_14_days,
        minutes_in_last_7_days::DOUBLE AS minutes_in_last_7_days,
        minutes_in_last_14_days::DOUBLE AS minutes_in_last_14_days,
        back_to_backs_last_14_days::INTEGER AS back_to_backs_last_14_days,
        avg_minutes_per_game_last_7::DOUBLE AS avg_minutes_per_game_last_7,
        primary_scoring_zone::VARCHAR AS primary_scoring_zone,
        paint_rate_last_10::DOUBLE AS paint_rate_last_10,
        mid_range_rate_last_10::DOUBLE AS mid_range_rate_last_10,
        three_pt_rate_last_10::DOUBLE AS three_pt_rate_last_10,
        (paint_rate_last_10 IS NOT NULL) AS shot_zone_data_available,
        CASE WHEN days_since_opening < @bootstrap_days THEN 'EXPECTED_INCOMPLETE'
             WHEN dependency_missing OR team_missing_games IS NOT NULL THEN 'MISSING_DEPENDENCY'
             WHEN games_season < min_games_required THEN 'INSUFFICIENT_DATA' END AS failure_category,
        CASE WHEN days_since_opening < @bootstrap_days AND dependency_missing THEN 'bootstrap window (no UPGC rows for the date)'
             WHEN days_since_opening < @bootstrap_days THEN 'bootstrap window'
             WHEN dependency_missing AND missing_dates IS NOT NULL
             THEN 'analytics.player_game_summary has no rows for ' || missing_dates
                  || ' scheduled game date(s) in the 7 days before ' || cache_date || ' (first ' || first_missing_date || ')'
             WHEN dependency_missing THEN 'no analytics.upcoming_player_game_context rows for ' || cache_date
             WHEN team_missing_games IS NOT NULL
                 THEN 'analytics.player_game_summary has no row of ' || team_abbr || ' for ' || team_missing_games
                      || ' of its scheduled game(s) in the 7 days before ' || cache_date
                      || ' (first ' || team_first_missing_game || ')'
             WHEN games_season < min_games_required
                 THEN 'player has ' || games_season || ' games before ' || cache_date
                      || ' this season, needs ' || min_games_required END AS failure_reason,
        CASE WHEN days_since_opening < @bootstrap_days THEN false
             WHEN dependency_missing OR team_missing_games IS NOT NULL THEN true
             WHEN games_season < min_games_required THEN true END AS can_retry
    FROM state
)
SELECT p.*, @completeness_columns(c, l5, l10, l7d, l14d)
FROM player_rows p
LEFT JOIN cmp_out c ON c.entity_id = p.player_lookup AND c.d = p.cache_date
