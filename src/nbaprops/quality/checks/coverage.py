"""coverage:<table> — each model's computed dates against the schedule's game dates (non-preseason)."""

from __future__ import annotations

from datetime import date

from ...catalog import Model
from ...warehouse import Warehouse, quote_ident, quote_table
from .base import FAIL, FAILURES, PASS, SAMPLE, CheckResult, Context


def computed_dates(wh: Warehouse, model: Model, start: date, end: date) -> set[date]:
    """Dates the model has computed: in processing.model_state, with rows, or with failures."""
    out: set[date] = set()
    if wh.table_exists("processing.model_state"):
        out |= {
            r[0]
            for r in wh.con.execute(
                "SELECT target_date FROM processing.model_state WHERE model = ? AND target_date BETWEEN ? AND ?",
                [model.name, start, end],
            ).fetchall()
        }
    if wh.table_exists(model.table):
        tc = quote_ident(model.time_column)
        out |= {
            r[0]
            for r in wh.con.execute(
                f"SELECT DISTINCT {tc} FROM {quote_table(model.table)} WHERE {tc} BETWEEN ? AND ?", [start, end]
            ).fetchall()
        }
    if model.writes_failures:
        out |= {
            r[0]
            for r in wh.con.execute(
                (
                    f"SELECT DISTINCT analysis_date FROM {FAILURES} WHERE processor_name = ? AND "
                    "analysis_date BETWEEN ? AND ?"
                ),
                [model.failures, start, end],
            ).fetchall()
        }
    return out


def gap_ranges(missing: list[date], calendar: list[date]) -> list[tuple[date, date]]:
    """Collapse missing dates into ranges of consecutive calendar dates."""
    pos = {d: i for i, d in enumerate(calendar)}
    out: list[tuple[date, date]] = []
    for d in sorted(missing):
        if out and pos.get(d, -9) == pos.get(out[-1][1], -99) + 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def check_coverage(wh: Warehouse, model: Model, start: date, end: date, calendar: list[date]) -> CheckResult:
    name = f"coverage:{model.table}"
    done = computed_dates(wh, model, start, end)
    missing = [d for d in calendar if d not in done]
    ranges = gap_ranges(missing, calendar)
    txt = [f"{a}" if a == b else f"{a}..{b}" for a, b in ranges]
    return CheckResult(
        name,
        FAIL if missing else PASS,
        len(missing),
        f"{len(calendar) - len(missing)} of {len(calendar)} game dates computed"
        + (f"; {len(ranges)} gap(s)" if ranges else ""),
        txt[:SAMPLE],
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    # (a `full` model is computed whole, not per game date: its keys check covers it)
    return [check_coverage(wh, m, ctx.start, ctx.end, ctx.calendar) for m in ctx.catalog.ordered() if m.kind != "full"]
