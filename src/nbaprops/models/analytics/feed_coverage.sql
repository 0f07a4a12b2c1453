-- table: analytics.feed_coverage
-- kind: full
-- grain: feed, span_start
-- time_column: span_start
-- lookback_days: 0
--
-- Which dates each source feed covers, as spans: one row per run of a feed's data dates (dates
-- with at least one row) in which consecutive dates are at most max_gap_days apart and, for a
-- feed of games, within one season. A feature whose feed does not cover D is not computed from
-- an absence (the feature store gives it its registry default, source 'default', and names the
-- feed in feed_gaps). Feeds:
--   injuries    raw.injuries transaction dates; any season; max_gap_days 60 (the bundled feed's
--               longest silence is 54 days, in an off-season);
--   game_lines  raw.game_lines, by the game's date and season; max_gap_days 10 (longer than the
--               All-Star break); D's own lines count (a pre-game line is known on D);
--   shots       raw.shots, by season; no gap rule (shots cover regular seasons; playoff games have
--               none by design, so a season with shots covers its playoffs too);
--   full_box    raw.player_boxscores rows of the full player box (source 'player_box': attempts,
--               free throws, usage), by season; no gap rule;
--   team_box    raw.team_boxscores rows of the full team box (source 'team_box': possessions,
--               pace and ratings), by season; no gap rule.
--
-- The rule, first law included. A row keyed on D may use a feed's coverage only as far as the
-- morning of D knows it: the feed's rows dated before D (for game_lines, on or before D). So a
-- feed covers D when it has a row in [D - max_gap_days, D) ([.., D] for game_lines), in D's
-- season for the feeds of games, or, without a gap rule, a row of D's season before D. On one
-- span: covers_from <= D AND (covers_until IS NULL OR D <= covers_until) AND (season_year IS
-- NULL OR season_year = D's season), where covers_from = span_start + 1 day (span_start for
-- game_lines) and covers_until = span_end + max_gap_days. Because a span never holds a gap longer
-- than max_gap_days, this equals "a row in the window before D": rows on or after D change a
-- span's end but never whether it covers D, and deleting them (the morning of D) leaves every
-- row keyed on D unchanged. A feed that ended (the bundled injuries on 2025-07-14, game lines on
-- 2024-11-15) therefore stops covering max_gap_days after its last row, as the morning of D would
-- see it: no new rows for that long.
WITH feed_dates AS (
    SELECT DISTINCT 'injuries' AS feed, CAST(NULL AS INTEGER) AS season_year, transaction_date AS d
    FROM raw.injuries
    UNION ALL
    SELECT DISTINCT 'game_lines', s.season_year, s.game_date
    FROM raw.game_lines gl JOIN raw.schedule s ON s.game_id = gl.game_id
    UNION ALL
    SELECT DISTINCT 'shots', season_year, game_date FROM raw.shots
    UNION ALL
    SELECT DISTINCT 'full_box', season_year, game_date FROM raw.player_boxscores WHERE source = 'player_box'
    UNION ALL
    SELECT DISTINCT 'team_box', season_year, game_date FROM raw.team_boxscores WHERE source = 'team_box'
),
rules AS (
    SELECT * FROM (VALUES ('injuries', 60, FALSE), ('game_lines', 10, TRUE),
                          ('shots', NULL, FALSE), ('full_box', NULL, FALSE),
                          ('team_box', NULL, FALSE))
        AS r(feed, max_gap_days, counts_d)
),
gaps AS (
    SELECT f.feed, f.season_year, f.d, r.max_gap_days, r.counts_d,
           CASE WHEN lag(f.d) OVER w IS NULL THEN 1
                WHEN r.max_gap_days IS NOT NULL AND date_diff('day', lag(f.d) OVER w, f.d) > r.max_gap_days THEN 1
                ELSE 0 END AS starts_span
    FROM feed_dates f JOIN rules r ON r.feed = f.feed
    WINDOW w AS (PARTITION BY f.feed, f.season_year ORDER BY f.d)
),
spans AS (
    SELECT *, sum(starts_span) OVER (PARTITION BY feed, season_year ORDER BY d
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS span_no
    FROM gaps
)
SELECT feed, season_year, min(d) AS span_start, max(d) AS span_end, count(*)::INTEGER AS data_dates,
       any_value(max_gap_days)::INTEGER AS max_gap_days,
       CASE WHEN any_value(counts_d) THEN min(d) ELSE min(d) + INTERVAL 1 DAY END::DATE AS covers_from,
       CASE WHEN any_value(max_gap_days) IS NOT NULL
            THEN max(d) + CAST(any_value(max_gap_days) AS INTEGER) END::DATE AS covers_until
FROM spans
GROUP BY feed, season_year, span_no
