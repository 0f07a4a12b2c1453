"""`nbaprops validate`: the data checks after a backfill; exits 1 when one fails."""

from __future__ import annotations

import sys

import typer

from ..errors import BadInputError
from .common import console, open_warehouse, parse_date_range
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

CHECK_COLS = (
    Col("check", keep=True),
    Col("check_id", "full name", wide=True),
    Col("status", styles={"pass": "green", "warn": "yellow", "fail": "bold red"}),
    Col("count", kind="int"),
    Col("sample", "sample of offending keys"),
)


def validate_cmd(
    start_date: str | None = typer.Option(
        None, "--start-date", help="First date to check (default: the first computed date)."
    ),
    end_date: str | None = typer.Option(
        None, "--end-date", help="Last date to check (default: the last computed date)."
    ),
    pit_samples: int = typer.Option(
        3,
        "--pit-samples",
        help="Dates for the point-in-time spot check (re-run on a copy holding only the "
        "world as of each date's morning); 0 skips it.",
    ),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
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
    span = f"{rep.start} .. {rep.end}" if rep.start else "nothing computed yet"
    rows = []
    for r in rep.results:
        kind, _, target = r.check.partition(":")
        label = f"{kind}:{target.split('.')[-1]}" if target else kind  # schema dropped for width
        text = "; ".join(r.sample) if r.sample else (r.detail if r.status != "pass" else "")
        rows.append((label, r.check, r.status, r.count, text))
    listings = [Listing(f"validate {rep.warehouse}: {span}", CHECK_COLS, rows, name="checks")]
    for name in ("quality_scores", "failure_ramp", "point_in_time"):
        res = rep.get(name)
        if res is None or not res.rows or (name == "point_in_time" and res.status == "pass"):
            continue
        listings.append(Listing.infer(name.replace("_", " "), res.columns, res.rows, name=name))
    emit(listings, fmt, wide=wide)
    n = rep.counts()
    messages(fmt).print(f"{n['pass']} passed, {n['warn']} warned, {n['fail']} failed")
    if not rep.ok:
        sys.exit(1)  # not typer.Exit: main() runs the app with standalone_mode=False, which returns it
