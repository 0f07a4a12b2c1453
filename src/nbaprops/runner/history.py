"""The model runs recorded in reference.processor_run_history, newest first (what
`nbaprops history` shows)."""

from __future__ import annotations

from typing import NamedTuple

from ..warehouse import Warehouse

TABLE = "reference.processor_run_history"


class RunRecord(NamedTuple):
    run: str  # run id and trigger (backfill / run)
    model: str
    status: str  # success / failed / skipped / killed / interrupted
    dates: str | None  # one date, or start..end
    dates_computed: int | None
    dates_skipped: int | None
    rows_written: int | None
    failures_written: int | None
    seconds: float | None
    note: str | None  # the error, or why the model was skipped


INTERRUPTED = "interrupted"
INTERRUPTED_NOTE = "the process ended before this model finished; the next run marks it killed"


def recent_runs(wh: Warehouse, limit: int) -> list[RunRecord]:
    """The `limit` most recent model runs. A row still 'running' or 'pending' is shown
    'interrupted': whoever reads the warehouse holds its file, which no live run then can
    (DuckDB admits a writer only alone), so its process is gone; the next run marks it killed."""
    rows = wh.con.execute(
        "SELECT run_id || ' ' || coalesce(trigger, ''), model, "
        f"CASE WHEN status IN ('running', 'pending') THEN '{INTERRUPTED}' ELSE status END, "
        "CASE WHEN start_date = end_date THEN start_date::VARCHAR ELSE start_date || '..' || end_date END, "
        "dates_computed, dates_skipped, rows_written, failures_written, duration_seconds, "
        "coalesce(error, skip_reason, CASE WHEN status IN ('running', 'pending') THEN ? END) "
        f"FROM {TABLE} ORDER BY started_at DESC, model LIMIT ?",
        [INTERRUPTED_NOTE, limit],
    ).fetchall()
    return [RunRecord(*r) for r in rows]


def run_sizes(wh: Warehouse) -> dict[str, int]:
    """Model rows per run (run id and trigger, as RunRecord.run)."""
    return dict(
        wh.con.execute(f"SELECT run_id || ' ' || coalesce(trigger, ''), count(*) FROM {TABLE} GROUP BY 1").fetchall()
    )
