-- Per file: the rows resolved to a real player without a game in the data
-- (src/nbaprops/reference/players_without_games.csv; raw.injuries.resolved_by 'reference'),
-- beside rows_by_id / rows_by_name / rows_by_alias / rows_unresolved of migration 008.
ALTER TABLE processing.ingest_log ADD COLUMN rows_by_reference BIGINT DEFAULT 0;
