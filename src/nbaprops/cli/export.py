"""`nbaprops export`: a table, or a date range of it, as Parquet or CSV."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from .common import STATE, check_out_file, console, model_tables, parse_date_range

_BOOKKEEPING = (
    "processing.rejected_rows",
    "processing.precompute_failures",
    "processing.ingest_log",
    "processing.model_state",
    "reference.processor_run_history",
    "predictions.player_points_predictions",
)


def _table_help() -> str:
    from ..catalog import SOURCE_TABLE_ORDER

    return (
        "schema.table: any table the warehouse holds — models ("
        + ", ".join(model_tables())
        + "), sources ("
        + ", ".join(SOURCE_TABLE_ORDER)
        + ") and "
        + ", ".join(_BOOKKEEPING)
        + "."
    )


class Columns(StrEnum):  # str() is the value: what --help shows as the default
    all = "all"
    training = "training"


class Missing(StrEnum):
    default = "default"
    null = "null"


def export(
    table: str = typer.Argument(..., help=_table_help()),
    out: Path = typer.Option(..., "--out", help="File to write: .parquet (Parquet) or .csv (CSV, with a header)."),
    start_date: str | None = typer.Option(None, "--start-date", help="Only rows on or after this date."),
    end_date: str | None = typer.Option(None, "--end-date", help="Only rows on or before this date."),
    columns: Columns = typer.Option(
        Columns.all,
        "--columns",
        case_sensitive=False,
        help="Feature store only. all: every column; training: only the keys (player_lookup, game_date, game_id, "
        "season_year, team_abbr, opponent_team_abbr), the features and the labels.",
    ),
    missing: Missing = typer.Option(
        Missing.default,
        "--missing",
        case_sensitive=False,
        help="Feature store only. Where a feature had no data (its <name>_source is 'default'): default writes "
        "the stored registry default, null writes NULL (for learners that handle missing values).",
    ),
) -> None:
    """Write a table (optionally a date range of it) to a Parquet or CSV file, by the file's extension.

    The feature store's Parquet file describes itself in its schema metadata: per feature its
    definition, source chain, default, range and units; per <name>_source column what its tags
    mean; per label its rule; the feature version and the first law (pyarrow:
    `pq.read_schema(path).field("days_rest").metadata`, `.metadata` for the table's).

    Examples: `nbaprops export predictions.ml_feature_store_v2 --out train.parquet --start-date 2023-10-24
    --columns training --missing null`, `nbaprops export processing.rejected_rows --out rejected.csv`."""
    from ..export import export_table

    s, e = parse_date_range(start_date, end_date)
    check_out_file(out, suffixes=(".parquet", ".csv"))
    result = export_table(
        table,
        out,
        start=s,
        end=e,
        warehouse=STATE.warehouse,
        memory_limit=STATE.memory_limit,
        columns=columns.value,
        missing=missing.value,
    )
    how = []
    if columns is Columns.training:
        how.append("keys, features and labels")
    if missing is Missing.null:
        how.append("NULL where a feature had no data")
    if result.described:
        how.append("columns described in the schema metadata")
    console.print(
        f"wrote {result.rows:,} rows × {result.columns} columns of {result.table} to {result.path} "
        f"({result.format}" + "".join(f"; {h}" for h in how) + ")"
    )
