-- Completeness of the entity behind each Phase 4 failure row (NULL for DATE_LEVEL rows and for
-- rows written before this migration). Definition: src/nbaprops/completeness.py.
ALTER TABLE processing.precompute_failures ADD COLUMN expected_games INTEGER;
ALTER TABLE processing.precompute_failures ADD COLUMN actual_games INTEGER;
ALTER TABLE processing.precompute_failures ADD COLUMN completeness_pct DOUBLE;
ALTER TABLE processing.precompute_failures ADD COLUMN is_production_ready BOOLEAN;
ALTER TABLE processing.precompute_failures ADD COLUMN completeness_reason VARCHAR;
