"""processing_errors — no failure row of category PROCESSING_ERROR (a bug) in the range."""

from __future__ import annotations

from datetime import date

from ...warehouse import Warehouse
from .base import FAIL, FAILURES, PASS, SAMPLE, CheckResult, Context


def check_processing_errors(wh: Warehouse, start: date, end: date) -> CheckResult:
    rows = wh.con.execute(
        f"SELECT processor_name, analysis_date, entity_id, failure_reason FROM {FAILURES} "
        "WHERE failure_category = 'PROCESSING_ERROR' AND analysis_date BETWEEN ? AND ? ORDER BY 2, 1, 3",
        [start, end],
    ).fetchall()
    return CheckResult(
        "processing_errors",
        FAIL if rows else PASS,
        len(rows),
        "failure_category PROCESSING_ERROR (a bug) must never be written",
        [f"{r[0]} {r[2]} {r[1]}: {r[3]}" for r in rows[:SAMPLE]],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_processing_errors(wh, ctx.start, ctx.end)]
