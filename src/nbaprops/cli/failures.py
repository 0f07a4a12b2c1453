"""`nbaprops failures`: Phase 4 failures, counted by processor and category (or season week) or
listed with their reasons; for one player on one date without failures, why he has no row."""

from __future__ import annotations

import typer

from .common import open_warehouse, parse_date, parse_date_range
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

SUMMARY_COLS = (
    Col("processor", keep=True),
    Col("category", keep=True),
    Col("dates", kind="int"),
    Col("failures", kind="int"),
    Col("first", kind="date", wide=True),
    Col("last", kind="date", wide=True),
)
WEEK_COLS = (
    Col("processor", keep=True),
    Col("category", keep=True),
    Col("season", kind="year"),
    Col("week", kind="int"),
    Col("failures", kind="int"),
)
LIST_COLS = (
    Col("date", kind="date"),
    Col("processor", keep=True),
    Col("entity", keep=True),
    Col("category"),
    Col("reason"),
    Col("can_retry", "retry", kind="bool", wide=True),
    Col("actual_games", "games", kind="int", wide=True),
    Col("expected_games", "of", kind="int", wide=True),
)


def failures(
    start_date: str | None = typer.Option(None, "--start-date", help="Only failures on or after this date."),
    end_date: str | None = typer.Option(None, "--end-date", help="Only failures on or before this date."),
    on: str | None = typer.Option(None, "--date", help="Only failures of this date (same as equal start and end)."),
    processor: str | None = typer.Option(
        None, "--processor", help="Only this model's failures: its name (player_daily_cache), table or processor name."
    ),
    category: str | None = typer.Option(
        None,
        "--category",
        help="Only this category (any case): EXPECTED_INCOMPLETE, INSUFFICIENT_DATA, MISSING_DEPENDENCY.",
    ),
    entity: str | None = typer.Option(
        None,
        "--entity",
        help="Only this entity: a player's name or lookup ('Pascal Siakam', pascalsiakam), a team "
        "(BOS) or DATE_LEVEL. Lists rows; with --date and no failures, says why the player "
        "has no row.",
    ),
    list_rows: bool = typer.Option(False, "--list", help="List the failure rows with their reasons instead of counts."),
    by_week: bool = typer.Option(False, "--by-week", help="Count by processor, category, season and week of season."),
    limit: int = typer.Option(50, "--limit", min=1, help="With --list: at most this many rows (newest first)."),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """Phase 4 failures: counts by processor and category (--by-week: by season week too), or
    (--list, --entity) the failure rows with their reasons.

    Examples: `nbaprops failures --date 2024-01-10 --category MISSING_DEPENDENCY --list`,
    `nbaprops failures --entity "Jayson Tatum" --start-date 2024-01-01`,
    `nbaprops failures --entity "Pascal Siakam" --date 2024-01-19` (no failures: why no row)."""
    from ..inspect import player_day
    from ..players import resolve_entity
    from ..quality.failures import FailureFilter, failures_view

    (s, e), d = parse_date_range(start_date, end_date), parse_date(on, "--date")
    say = messages(fmt)
    with open_warehouse(read_only=True) as wh:
        entity_id = resolve_entity(wh, entity)
        flt = FailureFilter.from_options(start=s, end=e, on=d, processor=processor, category=category, entity=entity_id)
        view = failures_view(wh, flt, list_rows=list_rows, limit=limit, by_week=by_week)
        day = (
            player_day(wh, entity_id, d)
            if d is not None and entity_id not in (None, "DATE_LEVEL") and entity_id.islower() and not view.rows
            else None
        )
    if not view.recorded:
        say.print("no failures recorded (nothing has been backfilled yet)")
        return
    if not view.rows:
        if fmt != "table":
            emit(Listing("failures", LIST_COLS if view.mode == "list" else SUMMARY_COLS, []), fmt)
        say.print("no failures match" if flt.narrowed else "no failures recorded")
        if day is not None:
            if day.missing is None:  # he has a row
                say.print(f"{entity_id} has a feature-store row on {d}: `nbaprops features {entity_id} --date {d}`")
            else:
                say.print(
                    f"why {entity_id} has no feature-store row on {d} ({day.missing.kind.replace('_', ' ')}):",
                    markup=False,
                    highlight=False,
                )
                for r in day.missing.reasons:
                    say.print(f"  - {r}", markup=False, highlight=False)
        return
    if view.mode == "summary":
        emit(
            Listing(
                "precompute failures by processor and category (--by-week, --list for more)", SUMMARY_COLS, view.rows
            ),
            fmt,
            wide=wide,
        )
        return
    if view.mode == "weeks":
        emit(
            Listing("precompute failures by processor, category and season week", WEEK_COLS, view.rows), fmt, wide=wide
        )
        return
    rows, total = view.rows, view.total
    assert total is not None  # a listing counts its rows
    title = f"precompute failures ({min(len(rows), total):,} of {total:,}, newest first)"
    if fmt != "table" or wide:
        emit(Listing(title, LIST_COLS, [tuple(r) for r in rows]), fmt, wide=wide)
    else:  # one table per processor, named in its title: the columns left fit 80 with the reason readable
        say.print(title, soft_wrap=True)
        by: dict[str, list] = {}
        for row in rows:
            by.setdefault(row[1], []).append(tuple(row))
        cols = [c for c in LIST_COLS if c.name != "processor"]
        emit([Listing(f"processor {name}", cols, [r[:1] + r[2:] for r in part]) for name, part in by.items()])
    if total > len(rows):
        say.print(
            f"{total - len(rows):,} more: narrow with --date, --processor, --category or --entity, or raise --limit"
        )
