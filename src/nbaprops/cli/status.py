"""`nbaprops status` (what each model covers) and `nbaprops history` (the model runs)."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from ..warehouse import resolve_path
from .common import STATE, STATUS_STYLE, console, open_warehouse


def status() -> None:
    """Per model: covered date ranges, gaps against the schedule's game dates, stale dates
    (inputs changed since they were computed) and failures per category."""
    from ..runner.plan import fmt_ranges
    from ..runner.status import model_status

    with open_warehouse(read_only=True) as wh:
        rows = model_status(wh)
    t = Table(title=f"status of {resolve_path(STATE.warehouse)}")
    for c in ("model", "rows", "dates done", "covered", "gaps inside", "not yet (before/after)", "stale", "failures"):
        t.add_column(c, justify="right" if c in ("rows", "dates done", "stale") else "left", overflow="fold")
    for s in rows:
        fails = ", ".join(f"{k} {v:,}" for k, v in sorted(s.failures.items())) or "-"
        gaps = f"{len(s.gaps)} ranges: {fmt_ranges(s.gaps)}" if s.gaps else "none"
        t.add_row(s.table, f"{s.rows:,}" if s.built else "not built", f"{s.dates_done:,}", fmt_ranges(s.covered, 4),
                  gaps, f"{s.missing_before:,} / {s.missing_after:,}",
                  f"[yellow]{s.stale:,}[/]" if s.stale else "0", fails)
    console.print(t)


def history(limit: int = typer.Option(30, help="How many model runs to show.")) -> None:
    """Recent model runs from reference.processor_run_history (running, success, failed, skipped,
    killed = the process died mid-run; found and marked by the next run)."""
    from ..runner.history import recent_runs

    with open_warehouse(read_only=True) as wh:
        rows = recent_runs(wh, limit)
    t = Table(title="run history (newest first)")
    for c in ("run", "model", "status", "dates", "computed", "skipped", "rows", "failures", "seconds", "note"):
        t.add_column(c, overflow="fold", no_wrap=c in ("model", "status"),
                     justify="right" if c in ("computed", "skipped", "rows", "failures", "seconds") else "left")
    for r in rows:
        # Text cells: an error message's brackets are shown, never read as Rich markup
        cells = [Text("" if v is None else (f"{v:.2f}" if isinstance(v, float) else
                                            (f"{v:,}" if isinstance(v, int) else str(v)))) for v in r]
        cells[2].stylize(STATUS_STYLE.get(r.status, ""))
        t.add_row(*cells)
    console.print(t if rows else "no runs recorded yet")
