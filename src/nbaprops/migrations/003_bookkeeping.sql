-- Bookkeeping: quarantined input rows, Phase 4 failures, run history, runner state.

CREATE TABLE IF NOT EXISTS processing.rejected_rows (
    source_file  VARCHAR NOT NULL,
    file_kind    VARCHAR NOT NULL,
    row_number   BIGINT NOT NULL,      -- 1-based data row in the file (header not counted)
    column_name  VARCHAR NOT NULL,
    reason       VARCHAR NOT NULL,
    record       VARCHAR,              -- the offending row as JSON
    rejected_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (source_file, row_number, column_name)
);

CREATE TABLE IF NOT EXISTS processing.ingest_log (
    ingest_id    VARCHAR NOT NULL,
    source_file  VARCHAR NOT NULL,
    file_kind    VARCHAR NOT NULL,
    target_table VARCHAR NOT NULL,
    rows_read    BIGINT NOT NULL,
    rows_loaded  BIGINT NOT NULL,      -- inserted or changed
    rows_unchanged BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,    -- exact repeats inside the file
    rows_superseded BIGINT NOT NULL,   -- fallback rows for games that have a full box score
    rows_rejected BIGINT NOT NULL,
    ingested_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS processing.precompute_failures (
    processor_name   VARCHAR NOT NULL,
    run_id           VARCHAR NOT NULL,
    analysis_date    DATE NOT NULL,
    entity_id        VARCHAR NOT NULL,     -- player_lookup, team_abbr or 'DATE_LEVEL'
    failure_category VARCHAR NOT NULL,
    failure_reason   VARCHAR NOT NULL,
    can_retry        BOOLEAN NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (processor_name, analysis_date, entity_id)
);

CREATE TABLE IF NOT EXISTS reference.processor_run_history (
    run_id          VARCHAR NOT NULL,
    model           VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,      -- running / success / failed / skipped
    start_date      DATE,
    end_date        DATE,
    chunks          INTEGER,
    chunks_skipped  INTEGER,
    rows_written    BIGINT,
    failures_written BIGINT,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    duration_seconds DOUBLE,
    read_seconds    DOUBLE,
    compute_seconds DOUBLE,
    write_seconds   DOUBLE,
    error           VARCHAR,
    PRIMARY KEY (run_id, model)
);

CREATE TABLE IF NOT EXISTS processing.model_state (
    model        VARCHAR NOT NULL,
    target_date  DATE NOT NULL,          -- one row per model and date that is done
    fingerprint  VARCHAR NOT NULL,       -- hash of the inputs the date reads, incl. lookback
    model_hash   VARCHAR NOT NULL,       -- hash of the model's SQL
    run_id       VARCHAR NOT NULL,
    rows_written BIGINT NOT NULL,
    done_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (model, target_date)
);
