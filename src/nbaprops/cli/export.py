"""`nbaprops export`: a table, or a date range of it, as Parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import STATE, console, parse_date_range


def export(
    table: str = typer.Argument(..., help="schema.table, e.g. predictions.ml_feature_store_v2"),
    out: Path = typer.Option(..., "--out", help="Parquet file to write."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Only rows on or after this date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Only rows on or before this date."),
) -> None:
    """Write a table (optionally a date range of it) to a Parquet file."""
    from ..export import export_table

    s, e = parse_date_range(start_date, end_date)
    result = export_table(table, out, start=s, end=e, warehouse=STATE.warehouse, memory_limit=STATE.memory_limit)
    console.print(f"wrote {result.rows:,} rows of {result.table} to {result.path}")
