"""A warehouse table, or a date range of it, written to a Parquet file (`nbaprops export`).

Only the catalog's tables (models and sources) can be exported; the table name and its date
column are quoted as identifiers and the dates bound as parameters."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .catalog import SOURCE_TABLES, Catalog
from .errors import BadInputError
from .warehouse import Warehouse, quote_ident, quote_table


@dataclass(frozen=True)
class ExportResult:
    table: str
    path: Path
    rows: int


def exportable_tables(catalog: Catalog) -> dict[str, str | None]:
    """schema.table -> its date column (None: the table has none to filter on)."""
    known = {m.table: m.time_column for m in catalog.ordered()}
    known.update({t: None for t in SOURCE_TABLES})
    return known


def export_table(table: str, out: Path, *, start: date | None = None, end: date | None = None,
                 warehouse: str | os.PathLike | None = None, memory_limit: str | None = None,
                 catalog: Catalog | None = None) -> ExportResult:
    """Write `table` (rows with its date column in [start, end] when given) to `out`.

    The name is checked before the warehouse is opened, and the warehouse is closed before the
    file is written: a writer waits only for the read."""
    known = exportable_tables(catalog or Catalog.load())
    if table not in known:
        raise BadInputError(f"unknown table {table!r}; tables: {', '.join(sorted(known))}")
    with Warehouse.open(warehouse, read_only=True, memory_limit=memory_limit) as wh:
        if not wh.table_exists(table):
            raise BadInputError(f"table {table} has not been built yet: run `nbaprops backfill` first")
        where, params = [], []
        tc = known[table]
        if (start or end) and not tc:
            raise BadInputError(f"{table} has no date column to filter on")
        if start:
            where.append(f"{quote_ident(tc)} >= ?")
            params.append(start)
        if end:
            where.append(f"{quote_ident(tc)} <= ?")
            params.append(end)
        sql = f"SELECT * FROM {quote_table(table)}" + (" WHERE " + " AND ".join(where) if where else "")
        out.parent.mkdir(parents=True, exist_ok=True)
        data = wh.con.execute(sql, params).to_arrow_table()
    import pyarrow.parquet as pq

    pq.write_table(data, out, compression="zstd")
    return ExportResult(table=table, path=out, rows=data.num_rows)
