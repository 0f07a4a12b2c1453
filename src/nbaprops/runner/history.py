"""The model runs recorded in reference.processor_run_history, newest first (what
`nbaprops history` shows)."""

from __future__ import annotations

from typing import NamedTuple

from ..warehouse import Warehouse

TABLE = "reference.processor_run_history"


class RunRecord(NamedTuple):
    run: str  # run id and trigger (backfill / run)
    model: str
    status: str  # running / success / failed / skipped / killed
    dates: str | None  # one date, or start..end
    dates_computed: int | None
    dates_skipped: int | None
    rows_written: int | None
    failures_written: int | None
    seconds: float | None
    note: str | None  # the error, or why the model was skipped


def recent_runs(wh: Warehouse, limit: int) -> list[RunRecord]:
    """The `limit` most recent model runs."""
    rows = wh.con.execute(
        "SELECT run_id || ' ' || coalesce(trigger, ''), model, status, "
        "CASE WHEN start_date = end_date THEN start_date::VARCHAR ELSE start_date || '..' || end_date END, "
        "dates_computed, dates_skipped, rows_written, failures_written, duration_seconds, "
        f"coalesce(error, skip_reason) FROM {TABLE} "
        "ORDER BY started_at DESC, model LIMIT ?",
        [limit],
    ).fetchall()
    return [RunRecord(*r) for r in rows]
