"""`nbaprops rejected`: the rows the ingest quarantined (processing.rejected_rows)."""

from __future__ import annotations

import typer

from .common import open_warehouse
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

ROW_COLS = (
    Col("file", keep=True),
    Col("kind", wide=True),
    Col("row", kind="int"),
    Col("column", keep=True),
    Col("reason"),
    Col("record", wide=True),
)
SUMMARY_COLS = (Col("file", keep=True), Col("column", keep=True), Col("reason"), Col("rows", kind="int"))


def rejected_cmd(
    file: str | None = typer.Option(None, "--file", help="Only files whose name contains this (any case)."),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="Only this file kind: schedule, player_box, "
        "player_log_basic, team_box, team_log_basic, shots, game_lines, injuries, "
        "player_points_props, odds_api_game_lines, odds_api_player_points.",
    ),
    column: str | None = typer.Option(None, "--column", help="Only rows rejected for this column."),
    reason: str | None = typer.Option(None, "--reason", help="Only reasons containing this (any case)."),
    summary: bool = typer.Option(False, "--summary", help="Count the rows by file, column and reason instead."),
    limit: int = typer.Option(50, "--limit", min=1, help="List at most this many rows (by file and row)."),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """The rows the ingest quarantined: file, row (1-based data row of the file), column and
    reason; --wide adds the file kind and the row itself as JSON (csv and json always hold them)."""
    from ..ingest.rejected import RejectedFilter, rejected_rows, rejected_summary

    flt = RejectedFilter(file=file, kind=kind, column=column, reason=reason)
    with open_warehouse(read_only=True) as wh:
        if summary:
            emit(
                Listing("rejected rows by file, column and reason", SUMMARY_COLS, rejected_summary(wh, flt)),
                fmt,
                wide=wide,
                empty="no rejected rows match",
            )
            return
        rows, total = rejected_rows(wh, flt, limit=limit)
    emit(
        Listing(
            f"rejected rows ({len(rows):,} of {total:,})",
            ROW_COLS,
            [(r.file, r.kind, r.row, r.column, r.reason, r.record) for r in rows],
        ),
        fmt,
        wide=wide,
        empty="no rejected rows match" if any(vars(flt).values()) else "no rejected rows",
    )
    if total > len(rows):
        messages(fmt).print(
            f"{total - len(rows):,} more: narrow with --file, --kind, --column or --reason, raise --limit, or --summary"
        )
