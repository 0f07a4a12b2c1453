"""A warehouse table, or a date range of it, written to a Parquet or CSV file (`nbaprops export`).

Every table the warehouse holds can be exported (models, sources, the quarantined rows, the
failures, the predictions ...); the table name must be one of them, it and its date column are
quoted as identifiers and the dates bound as parameters."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .catalog import SOURCE_TABLES, SOURCE_TIME_COLUMNS, Catalog
from .errors import BadInputError
from .warehouse import Warehouse, quote_ident, quote_table


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: Path
    rows: int
    format: str = "parquet"


FORMATS = {".parquet": "parquet", ".csv": "csv"}
# A table outside the catalog filters on the first of these it has.
DATE_COLUMNS = ("game_date", "analysis_date", "cache_date", "target_date", "transaction_date")


def exportable_tables(catalog: Catalog) -> dict[str, str | None]:
    """The catalog's tables (models and sources) -> their date column (None: none to filter on)."""
    known = {m.table: m.time_column for m in catalog.ordered()}
    known.update({t: SOURCE_TIME_COLUMNS.get(t) for t in SOURCE_TABLES})
    return known


def warehouse_tables(wh: Warehouse) -> list[str]:
    """Every table and view the warehouse holds, as schema.table."""
    return [f"{s}.{t}" for s, t in wh.con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
        "UNION SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() "
        "AND NOT internal ORDER BY 1, 2").fetchall()]


def out_format(out: Path) -> str:
    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise BadInputError(f"--out {out}: the file name must end with .parquet or .csv (the format follows it)")
    return fmt


def export_table(table: str, out: Path, *, start: date | None = None, end: date | None = None,
                 warehouse: str | os.PathLike | None = None, memory_limit: str | None = None,
                 catalog: Catalog | None = None) -> ExportResult:
    """Write `table` (rows with its date column in [start, end] when given) to `out`, as Parquet
    or CSV by the file's extension.

    Any table the warehouse holds can be exported (the name must be one of them; it is quoted as
    an identifier, the dates bound). The warehouse is closed before the file is written: a
    writer waits only for the read."""
    fmt = out_format(out)
    known = exportable_tables(catalog or Catalog.load())
    with Warehouse.open(warehouse, read_only=True, memory_limit=memory_limit) as wh:
        held = warehouse_tables(wh)
        if table not in held:
            if table in known:
                raise BadInputError(f"table {table} has not been built yet: run `nbaprops backfill` first")
            raise BadInputError(f"unknown table {table!r}; tables: {', '.join(held)}")
        where, params = [], []
        tc = known.get(table) or next((c for c in DATE_COLUMNS if c in wh.columns(table)), None)
        if (start or end) and not tc:
            raise BadInputError(f"{table} has no date column to filter on")
        if start:
            where.append(f"{quote_ident(tc)} >= ?")
            params.append(start)
        if end:
            where.append(f"{quote_ident(tc)} <= ?")
            params.append(end)
        sql = f"SELECT * FROM {quote_table(table)}" + (" WHERE " + " AND ".join(where) if where else "")
        data = wh.con.sql(sql, params=params).to_arrow_table()
    write_arrow(data, out, fmt)
    return ExportResult(table=table, path=out, rows=data.num_rows, format=fmt)


# An output path that cannot be opened is bad input (exit 2); other write errors (a full disk) are not.
_BAD_PATH_ERRNOS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EROFS}


def write_arrow(data, out: Path, fmt: str | None = None) -> None:
    """An Arrow table to `out` as Parquet or CSV (by the extension unless `fmt` is given)."""
    fmt = fmt or out_format(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(data, out)
        else:
            import pyarrow.parquet as pq

            pq.write_table(data, out, compression="zstd")
    except OSError as exc:
        if exc.errno in _BAD_PATH_ERRNOS or isinstance(exc, (FileNotFoundError, PermissionError)):
            raise BadInputError(f"--out {out}: cannot write there ({exc.strerror or 'not writable'})") from None
        raise
