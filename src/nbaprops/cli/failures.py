"""`nbaprops failures`: Phase 4 failures, counted by season week or listed with their reasons."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table
from rich.text import Text

from .common import console, open_warehouse, parse_date, parse_date_range


def failures(
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Only failures on or after this date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Only failures on or before this date."),
    on: Optional[str] = typer.Option(None, "--date", help="Only failures of this date (same as equal start and end)."),
    processor: Optional[str] = typer.Option(
        None, "--processor", help="Only this model's failures: its name (player_daily_cache), table or processor name."),
    category: Optional[str] = typer.Option(
        None, "--category", help="Only this category: EXPECTED_INCOMPLETE, INSUFFICIENT_DATA, MISSING_DEPENDENCY."),
    entity: Optional[str] = typer.Option(
        None, "--entity", help="Only this entity: a player_lookup (lebronjames), a team (BOS) or DATE_LEVEL. Lists rows."),
    list_rows: bool = typer.Option(False, "--list", help="List the failure rows with their reasons instead of counts."),
    limit: int = typer.Option(50, "--limit", min=1, help="With --list: at most this many rows (newest first)."),
) -> None:
    """Phase 4 failures: counts by processor, category and week of season, or (--list, --entity)
    the failure rows with their reasons.

    Examples: `nbaprops failures --date 2024-01-10 --category MISSING_DEPENDENCY --list`,
    `nbaprops failures --entity jaysontatum --start-date 2024-01-01`."""
    from ..quality.failures import LISTING_COLUMNS, FailureFilter, failures_view

    (s, e), d = parse_date_range(start_date, end_date), parse_date(on, "--date")
    flt = FailureFilter.from_options(start=s, end=e, on=d, processor=processor, category=category, entity=entity)
    with open_warehouse(read_only=True) as wh:
        view = failures_view(wh, flt, list_rows=list_rows, limit=limit)
    if not view.recorded:
        console.print("no failures recorded (nothing has been backfilled yet)")
        return
    if not view.rows:
        console.print("no failures match" if flt.narrowed else "no failures recorded")
        return
    if not view.is_listing:
        t = Table(title="precompute failures by processor, category and season week")
        for c in ("processor", "category", "season", "week", "failures"):
            t.add_column(c, justify="right" if c in ("week", "failures") else "left")
        for r in view.rows:
            t.add_row(r[0], r[1], str(r[2]), str(r[3]), f"{r[4]:,}")
        console.print(t)
        return
    rows, total = view.rows, view.total
    t = Table(title=f"precompute failures ({min(len(rows), total):,} of {total:,}, newest first)")
    for c in LISTING_COLUMNS:
        t.add_column(c, overflow="fold")
    for day, proc, ent, cat, reason, retry, actual, expected in rows:
        games = "" if expected is None else f"{actual} / {expected}"
        t.add_row(str(day), proc, Text(ent), cat, Text(reason), "yes" if retry else "no", games)
    console.print(t)
    if total > len(rows):
        console.print(f"{total - len(rows):,} more: narrow with --date, --processor, --category or --entity, "
                      "or raise --limit")
