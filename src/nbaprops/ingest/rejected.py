"""The quarantined rows of the ingest (processing.rejected_rows) as `nbaprops rejected` lists
them: file, row, column, reason and the row itself, narrowed by file, kind, column or reason."""

from __future__ import annotations

from dataclasses import dataclass

from ..warehouse import Warehouse, one

TABLE = "processing.rejected_rows"


@dataclass(frozen=True)
class RejectedFilter:
    file: str | None = None  # a part of the file name, any case
    kind: str | None = None  # file kind: schedule, player_box, game_lines, injuries ...
    column: str | None = None  # the column named by the reason
    reason: str | None = None  # a part of the reason, any case

    def where(self) -> tuple[str, list]:
        conds, params = [], []
        for sql, value in (
            ("source_file ILIKE '%' || ? || '%'", self.file),
            ("file_kind = ?", self.kind),
            ("column_name = ?", self.column),
            ("reason ILIKE '%' || ? || '%'", self.reason),
        ):
            if value is not None:
                conds.append(sql)
                params.append(value)
        return (" WHERE " + " AND ".join(conds)) if conds else "", params


@dataclass(frozen=True)
class RejectedRow:
    file: str
    kind: str
    row: int
    column: str
    reason: str
    record: str | None


def rejected_rows(wh: Warehouse, flt: RejectedFilter, *, limit: int | None = None) -> tuple[list[RejectedRow], int]:
    """The matching rows (by file and row), at most `limit`, and how many match in all."""
    where, params = flt.where()
    total = one(wh.con.execute(f"SELECT count(*) FROM {TABLE}{where}", params))[0]
    rows = wh.con.execute(
        f"SELECT source_file, file_kind, row_number, column_name, reason, record FROM {TABLE}{where} "
        "ORDER BY source_file, row_number, column_name" + (" LIMIT ?" if limit is not None else ""),
        [*params, *([limit] if limit is not None else [])],
    ).fetchall()
    return [RejectedRow(*r) for r in rows], total


def rejected_summary(wh: Warehouse, flt: RejectedFilter) -> list[tuple]:
    """(file, column, reason, rows) of the matching rows."""
    where, params = flt.where()
    return wh.con.execute(
        f"SELECT source_file, column_name, reason, count(*) FROM {TABLE}{where} GROUP BY ALL ORDER BY 1, 2, 3", params
    ).fetchall()
