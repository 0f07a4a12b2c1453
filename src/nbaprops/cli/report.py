"""`nbaprops report`: one self-contained HTML report."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import BadInputError
from .common import check_out_file, console, open_warehouse, parse_date_range


def report_cmd(
    out: Path = typer.Option(..., "--out", help="HTML file to write (self-contained: opens without network)."),
    start_date: str | None = typer.Option(
        None, "--start-date", help="First date to show (default: all computed dates)."
    ),
    end_date: str | None = typer.Option(None, "--end-date", help="Last date to show."),
    players: int = typer.Option(40, "--players", help="How many top scorers the player page embeds."),
) -> None:
    """Write one self-contained HTML report: coverage heat map, failures by category and season
    week, run timings, feature distributions and quality tiers per season, a player page, the
    latest board of `predict` and the results of its bets (reliability, cumulative ROI, edge)."""
    from ..quality.report import write_report

    s, e = parse_date_range(start_date, end_date)
    check_out_file(out, suffixes=(".html", ".htm"))
    if players < 1:
        raise BadInputError(f"--players must be 1 or more, got {players}")
    with open_warehouse(read_only=True) as wh:
        with console.status("building the report"):
            info = write_report(wh, out, start=s, end=e, players=players)
    console.print(f"wrote {info.path} ({info.bytes / 1e6:.1f} MB): {info.summary}")
