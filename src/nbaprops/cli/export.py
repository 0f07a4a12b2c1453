"""`nbaprops export`: a table, or a date range of it, as Parquet or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import STATE, check_out_file, console, model_tables, parse_date_range

_BOOKKEEPING = ("processing.rejected_rows", "processing.precompute_failures", "processing.ingest_log",
                "processing.model_state", "reference.processor_run_history", "predictions.player_points_predictions")


def _table_help() -> str:
    from ..catalog import SOURCE_TABLE_ORDER

    return ("schema.table: any table the warehouse holds — models (" + ", ".join(model_tables()) + "), sources ("
            + ", ".join(SOURCE_TABLE_ORDER) + ") and " + ", ".join(_BOOKKEEPING) + ".")


def export(
    table: str = typer.Argument(..., help=_table_help()),
    out: Path = typer.Option(..., "--out", help="File to write: .parquet (Parquet) or .csv (CSV, with a header)."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Only rows on or after this date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Only rows on or before this date."),
) -> None:
    """Write a table (optionally a date range of it) to a Parquet or CSV file, by the file's extension.

    Examples: `nbaprops export predictions.ml_feature_store_v2 --out train.parquet --start-date 2023-10-24`,
    `nbaprops export processing.rejected_rows --out rejected.csv`."""
    from ..export import export_table

    s, e = parse_date_range(start_date, end_date)
    check_out_file(out, suffixes=(".parquet", ".csv"))
    result = export_table(table, out, start=s, end=e, warehouse=STATE.warehouse, memory_limit=STATE.memory_limit)
    console.print(f"wrote {result.rows:,} rows of {result.table} to {result.path} ({result.format})")
