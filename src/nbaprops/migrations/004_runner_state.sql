-- Runner state and run history, second version.
-- model_state: one row per model and date that is done. `fingerprint` is the hash of every
-- input the date reads (dependency digests over [date - lookback_days, date] plus the model's
-- SQL hash); `output_digest` is an order-independent digest of the rows written for the date,
-- so downstream models can fingerprint this model without scanning its table.
ALTER TABLE processing.model_state ADD COLUMN output_digest UBIGINT;
ALTER TABLE processing.model_state ADD COLUMN failures_written BIGINT;

-- processor_run_history: status is running / success / failed / skipped / killed
-- (killed = the process ended while the row still said running; found by the next writer).
ALTER TABLE reference.processor_run_history ADD COLUMN trigger VARCHAR;          -- backfill / run
ALTER TABLE reference.processor_run_history ADD COLUMN dates_planned INTEGER;    -- game dates considered
ALTER TABLE reference.processor_run_history ADD COLUMN dates_computed INTEGER;   -- dates written by this run
ALTER TABLE reference.processor_run_history ADD COLUMN dates_skipped INTEGER;    -- unchanged inputs
ALTER TABLE reference.processor_run_history ADD COLUMN dates_failed INTEGER;     -- in chunks that failed
ALTER TABLE reference.processor_run_history ADD COLUMN skip_reason VARCHAR;
