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
-- dialect: bigquery (translated from DuckDB by nbaprops.dialects; do not edit)
WITH feed_dates AS (
  SELECT DISTINCT
    'injuries' AS feed,
    CAST(NULL AS INT64) AS season_year,
    transaction_date AS d
  FROM raw.injuries
  UNION ALL
  SELECT DISTINCT
    'game_lines',
    s.season_year,
    s.game_date
  FROM raw.game_lines AS gl
  JOIN raw.schedule AS s
    ON s.game_id = gl.game_id
  UNION ALL
  SELECT DISTINCT
    'shots',
    season_year,
    game_date
  FROM raw.shots
  UNION ALL
  SELECT DISTINCT
    'full_box',
    season_year,
    game_date
  FROM raw.player_boxscores
  WHERE
    source = 'player_box'
  UNION ALL
  SELECT DISTINCT
    'team_box',
    season_year,
    game_date
  FROM raw.team_boxscores
  WHERE
    source = 'team_box'
), rules AS (
  SELECT
    *
  FROM UNNEST([
    STRUCT('injuries' AS feed, 60 AS max_gap_days, FALSE AS counts_d),
    STRUCT('game_lines' AS feed, 10 AS max_gap_days, TRUE AS counts_d),
    STRUCT('shots' AS feed, NULL AS max_gap_days, FALSE AS counts_d),
    STRUCT('full_box' AS feed, NULL AS max_gap_days, FALSE AS counts_d),
    STRUCT('team_box' AS feed, NULL AS max_gap_days, FALSE AS counts_d)
  ]) AS r
), gaps AS (
  SELECT
    f.feed,
    f.season_year,
    f.d,
    r.max_gap_days,
    r.counts_d,
    CASE
      WHEN LAG(f.d) OVER (PARTITION BY f.feed, f.season_year ORDER BY f.d) IS NULL
      THEN 1
      WHEN NOT r.max_gap_days IS NULL
      AND DATE_DIFF(f.d, LAG(f.d) OVER (PARTITION BY f.feed, f.season_year ORDER BY f.d), DAY) > r.max_gap_days
      THEN 1
      ELSE 0
    END AS starts_span
  FROM feed_dates AS f
  JOIN rules AS r
    ON r.feed = f.feed
), spans AS (
  SELECT
    *,
    SUM(starts_span) OVER (
      PARTITION BY feed, season_year
      ORDER BY d
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS span_no
  FROM gaps
)
SELECT
  feed,
  season_year,
  MIN(d) AS span_start,
  MAX(d) AS span_end,
  CAST(COUNT(*) AS INT64) AS data_dates,
  CAST(ANY_VALUE(max_gap_days HAVING MAX (
    NOT max_gap_days IS NULL
  )) AS INT64) AS max_gap_days,
  CAST(CASE
    WHEN ANY_VALUE(counts_d HAVING MAX (
      NOT counts_d IS NULL
    ))
    THEN MIN(d)
    ELSE DATE_ADD(MIN(d), INTERVAL 1 DAY)
  END AS DATE) AS covers_from,
  CAST(CASE
    WHEN NOT ANY_VALUE(max_gap_days HAVING MAX (
      NOT max_gap_days IS NULL
    )) IS NULL
    THEN DATE_ADD(MAX(d), INTERVAL (CAST(ANY_VALUE(max_gap_days HAVING MAX (
      NOT max_gap_days IS NULL
    )) AS INT64)) DAY)
  END AS DATE) AS covers_until
FROM spans
GROUP BY
  feed,
  season_year,
  span_no
