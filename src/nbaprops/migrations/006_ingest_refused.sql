-- Rows of a refused correction (a game or key already loaded keeps its previous version when
-- any of its new rows is rejected); counted in rows_rejected as well.
ALTER TABLE processing.ingest_log ADD COLUMN rows_refused BIGINT DEFAULT 0;
