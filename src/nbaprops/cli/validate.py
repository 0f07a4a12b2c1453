"""`nbaprops validate`: the data checks after a backfill; exits 1 when one fails."""

from __future__ import annotations

import sys
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from ..errors import BadInputError
from .common import console, open_warehouse, parse_date_range


def validate_cmd(
    start_date: Optional[str] = typer.Option(None, "--start-date", help="First date to check (default: the first computed date)."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Last date to check (default: the last computed date)."),
    pit_samples: int = typer.Option(3, "--pit-samples",
                                    help="Dates for the point-in-time spot check (re-run on a copy holding only the "
                                         "world as of each date's morning); 0 skips it."),
) -> None:
    """Check the warehouse: primary keys, Phase 4 universes (a row or a failure per entity and
    date), PROCESSING_ERROR = 0, critical fields, feature ranges, quality scores, coverage against
    the schedule, the failure ramp by season week (warn only) and a point-in-time spot check.
    Exits 1 when any check fails."""
    from ..quality.validate import validate

    s, e = parse_date_range(start_date, end_date)
    if pit_samples < 0:
        raise BadInputError(f"--pit-samples must be 0 or more, got {pit_samples}")
    with open_warehouse(read_only=True) as wh:
        with console.status("validating"):
            rep = validate(wh, s, e, pit_samples=pit_samples)
    style = {"pass": "green", "warn": "yellow", "fail": "bold red"}
    span = f"{rep.start} .. {rep.end}" if rep.start else "nothing computed yet"
    t = Table(title=f"validate {rep.warehouse}: {span}")
    t.add_column("check", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("count", justify="right", no_wrap=True)
    t.add_column("sample of offending keys", overflow="fold", min_width=24)
    for r in rep.results:
        kind, _, target = r.check.partition(":")
        label = f"{kind}:{target.split('.')[-1]}" if target else kind   # schema dropped for width
        text = "; ".join(r.sample) if r.sample else (r.detail if r.status != "pass" else "")
        t.add_row(label, f"[{style[r.status]}]{r.status}[/]", f"{r.count:,}", escape(text))
    console.print(t)
    for name in ("quality_scores", "failure_ramp", "point_in_time"):
        r = rep.get(name)
        if r is None or not r.rows or (name == "point_in_time" and r.status == "pass"):
            continue
        d = Table(title=name.replace("_", " "))
        for c in r.columns:
            d.add_column(c, overflow="fold")
        for row in r.rows:
            d.add_row(*[(f"[yellow]{v}[/]" if "far off" in str(v) else escape(str(v))) for v in row])
        console.print(d)
    n = rep.counts()
    console.print(f"{n['pass']} passed, {n['warn']} warned, {n['fail']} failed")
    if not rep.ok:
        sys.exit(1)  # not typer.Exit: main() runs the app with standalone_mode=False, which returns it
