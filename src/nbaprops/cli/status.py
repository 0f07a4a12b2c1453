"""`nbaprops status` (what each model covers) and `nbaprops history` (the model runs)."""

from __future__ import annotations

import typer

from ..warehouse import resolve_path
from .common import STATE, STATUS_STYLE, open_warehouse
from .render import Col, Format, Listing, emit, format_option, wide_option

STATUS_COLS = (
    Col("model", keep=True),
    Col("table", wide=True, keep=True),
    Col("built", kind="bool", wide=True),
    Col("rows", kind="int"),
    Col("dates_done", "dates", kind="int"),
    Col("first", kind="date", wide=True),
    Col("last", kind="date"),
    Col("gap_ranges", "gaps", kind="int"),
    Col("stale", kind="int"),
    Col("failures", "fails", kind="int"),
    Col("covered", wide=True),
    Col("gaps", "gap dates", wide=True),
    Col("missing_before", "not yet before", kind="int", wide=True),
    Col("missing_after", "not yet after", kind="int", wide=True),
    Col("failures_by_category", "failures by category", wide=True),
)


def status(fmt: Format = format_option(), wide: bool = wide_option()) -> None:
    """Per model: covered date ranges, gaps against the schedule's game dates, stale dates
    (inputs changed since they were computed) and failures per category.

    The table shows the first and last date done, the number of gap ranges inside and the
    failure total; --wide adds the ranges, the dates not yet computed and the failures by category."""
    from ..runner.plan import fmt_ranges
    from ..runner.status import model_status

    with open_warehouse(read_only=True) as wh:
        rows = model_status(wh)
    out = []
    for s in rows:
        first = s.covered[0][0] if s.covered else None
        last = s.covered[-1][1] if s.covered else None
        out.append(
            (
                s.model,
                s.table,
                s.built,
                s.rows if s.built else None,
                s.dates_done,
                first,
                last,
                len(s.gaps),
                s.stale,
                sum(s.failures.values()),
                fmt_ranges(s.covered, 4),
                fmt_ranges(s.gaps) if s.gaps else "",
                s.missing_before,
                s.missing_after,
                ", ".join(f"{k} {v:,}" for k, v in sorted(s.failures.items())),
            )
        )
    emit(Listing(f"status of {resolve_path(STATE.warehouse)} (rows '-': not built)", STATUS_COLS, out), fmt, wide=wide)


HISTORY_COLS = (
    Col("run", wide=True),
    Col("trigger", wide=True),
    Col("model", keep=True),
    Col("status", styles=STATUS_STYLE),
    Col("dates"),
    Col("dates_computed", "done", kind="int", wide=True),
    Col("dates_skipped", "skip", kind="int", wide=True),
    Col("rows_written", "rows", kind="int"),
    Col("failures_written", "fails", kind="int", wide=True),
    Col("seconds", "s", kind="float", digits=1),
    Col("note", wide=True),
)


def history(
    limit: int = typer.Option(30, "--limit", min=1, help="How many model runs to show (1 or more)."),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """Recent model runs from reference.processor_run_history (success, failed, skipped, killed,
    or interrupted = the process ended mid-run; the next run marks it killed).

    The table shows a failed or killed run's error below it; --wide adds every column."""
    from ..runner.history import recent_runs, run_sizes
    from .render import messages

    with open_warehouse(read_only=True) as wh:
        rows = recent_runs(wh, limit)
        sizes = run_sizes(wh)
    if not rows and fmt == "table":
        messages(fmt).print("no runs recorded yet")
        return
    out = []
    for r in rows:
        run, _, trigger = r.run.partition(" ")
        out.append(
            (
                run,
                trigger,
                r.model,
                r.status,
                r.dates,
                r.dates_computed,
                r.dates_skipped,
                r.rows_written,
                r.failures_written,
                r.seconds,
                r.note,
            )
        )
    if fmt != "table" or wide:
        emit(Listing("run history (newest first)", HISTORY_COLS, out), fmt, wide=wide)
    else:  # one table per run, its id in the title: the columns left fit 80
        runs: dict[tuple, list] = {}
        for line in out:
            runs.setdefault((line[0], line[1]), []).append(line)
        listings = []
        for (run, trigger), part in runs.items():
            n = sizes.get(f"{run} {trigger}", len(part))
            shown = "" if n == len(part) else f", {len(part)} of {n} models"
            listings.append(Listing(f"run {run} ({trigger}{shown})", HISTORY_COLS, part))
        emit(listings)
    say = messages(fmt)
    if fmt == "table" and not wide:
        for line in out:
            if line[3] in ("failed", "killed", "interrupted") and line[-1]:
                say.print(
                    f"{line[0]} {line[2]} {line[3]}:",
                    line[-1],
                    style=STATUS_STYLE.get(line[3], ""),
                    highlight=False,
                    markup=False,
                )
    hidden = sum(sizes.values()) - len(out)
    if hidden > 0:
        say.print(f"{hidden:,} more model runs not shown: raise --limit", soft_wrap=True)
