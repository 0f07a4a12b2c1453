"""Planning a run: which models, over which date chunks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

CHUNK_MODES = ("all", "season", "month", "date")


@dataclass(frozen=True)
class Chunk:
    start: date
    end: date

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"


def game_dates(con: duckdb.DuckDBPyConnection, start: date, end: date) -> list[date]:
    """Dates in [start, end] with at least one non-preseason game in the schedule."""
    return [r[0] for r in con.execute(
        "SELECT DISTINCT game_date FROM raw.schedule WHERE season_type <> 'Pre Season' "
        "AND game_date BETWEEN ? AND ? ORDER BY 1", [start, end]).fetchall()]


def make_chunks(con: duckdb.DuckDBPyConnection, start: date, end: date, mode: str) -> list[Chunk]:
    """Split [start, end] into chunks. Chunks cover only dates with games; results do not
    depend on the chunking (tests hold every model to that)."""
    if mode not in CHUNK_MODES:
        raise ValueError(f"chunk must be one of {', '.join(CHUNK_MODES)}")
    dates = game_dates(con, start, end)
    if not dates:
        return []
    if mode == "all":
        return [Chunk(dates[0], dates[-1])]
    if mode == "date":
        return [Chunk(d, d) for d in dates]
    seasons = dict(con.execute(
        "SELECT game_date, any_value(season_year) FROM raw.schedule WHERE game_date BETWEEN ? AND ? GROUP BY 1",
        [start, end]).fetchall())
    groups: dict[tuple, list[date]] = {}
    for d in dates:
        k = (seasons[d],) if mode == "season" else (d.year, d.month)
        groups.setdefault(k, []).append(d)
    return [Chunk(v[0], v[-1]) for v in groups.values()]
