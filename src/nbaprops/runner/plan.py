"""Planning a run: which models, which dates are pending (and why), grouped into chunks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import duckdb

from ..calendar import NOT_PRESEASON_SQL
from ..catalog import Catalog, Model
from ..errors import BadInputError

CHUNK_MODES = ("auto", "all", "season", "month", "date")
# auto: one query per run of pending dates, split every SEASONS_PER_CHUNK seasons. Set-based SQL
# is fastest in big chunks (the four real seasons are one chunk), but one query over decades of
# history outgrows memory and temp disk; a few seasons at a time keeps each chunk bounded.
DEFAULT_CHUNK = "auto"
SEASONS_PER_CHUNK = 4

# Why a date is pending / skipped.
NEW = "new"  # never computed (or saved state ignored)
INPUTS_CHANGED = "inputs changed"  # a dependency's data over [D - lookback, D] changed
SQL_CHANGED = "model SQL changed"
FORCED = "forced"
NO_RESUME = "no-resume"
UPSTREAM = "upstream pending"  # dry run: an upstream model recomputes a date in the window
REQUESTED = "requested date"
UNCHANGED = "inputs unchanged"


def check_chunk_mode(mode: str) -> None:
    if mode not in CHUNK_MODES:
        raise BadInputError(f"--chunk must be one of {', '.join(CHUNK_MODES)}, got {mode!r}")


def select_models(catalog: Catalog, only: list[str] | None = None, start_from: str | None = None) -> list[Model]:
    """The models a run computes, in run order, on every engine: `only` those named, or
    `start_from` M: M and every model after it in the run order (its dependants, and the models
    ordered after it that do not depend on it: what a run stopped at M left undone), or all."""
    order = catalog.ordered()
    if only and start_from:
        raise BadInputError("use either --only or --start-from, not both")
    if only:
        wanted = {catalog.get(n).name for n in only}
        return [m for m in order if m.name in wanted]
    if start_from:
        names = [m.name for m in order]
        return order[names.index(catalog.get(start_from).name) :]
    return order


def full_chunk(pending: list[date]) -> list[Chunk]:
    """A `full` model is computed whole: one chunk whenever any of its dates is pending."""
    ds = sorted(pending)
    return [Chunk(ds[0], ds[-1], tuple(ds))] if ds else []


@dataclass(frozen=True)
class Chunk:
    start: date
    end: date
    dates: tuple[date, ...] = ()

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"


@dataclass
class ModelPlan:
    model: Model
    dates: list[date]  # game dates considered
    pending: dict[date, str] = field(default_factory=dict)  # date -> reason
    chunks: list[Chunk] = field(default_factory=list)
    fingerprints: dict[date, str] = field(default_factory=dict)
    blocked: str | None = None  # not run: why

    @property
    def skipped(self) -> int:
        return len(self.dates) - len(self.pending)

    def reasons(self) -> Counter:
        return Counter(self.pending.values())


def game_dates(con: duckdb.DuckDBPyConnection, start: date | None = None, end: date | None = None) -> list[date]:
    """The schedule's non-preseason game dates (from start / up to end when given)."""
    where, params = [NOT_PRESEASON_SQL], []
    if start is not None:
        where.append("game_date >= ?")
        params.append(start)
    if end is not None:
        where.append("game_date <= ?")
        params.append(end)
    return [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT game_date FROM raw.schedule WHERE {' AND '.join(where)} ORDER BY 1", params
        ).fetchall()
    ]


def season_of(con: duckdb.DuckDBPyConnection) -> dict[date, int]:
    return dict(con.execute("SELECT game_date, max(season_year) FROM raw.schedule GROUP BY 1").fetchall())


def group_chunks(
    pending: list[date], calendar: list[date], mode: str, seasons: dict[date, int] | None = None
) -> list[Chunk]:
    """Group pending dates into chunks: maximal runs of dates that are consecutive in `calendar`
    (the schedule's game dates), split further by season, month or date per `mode`. A chunk
    never spans a date that is not pending, so nothing done is recomputed."""
    check_chunk_mode(mode)
    pos = {d: i for i, d in enumerate(calendar)}
    chunks: list[Chunk] = []
    run: list[date] = []
    first_season = min(((seasons or {}).get(d, d.year) for d in pending), default=0)

    def key(d: date):
        if mode == "season":
            return (seasons or {}).get(d, d.year)
        if mode == "auto":
            return ((seasons or {}).get(d, d.year) - first_season) // SEASONS_PER_CHUNK
        if mode == "month":
            return (d.year, d.month)
        if mode == "date":
            return d
        return None

    for d in sorted(pending):
        if run and (pos.get(d, -10) != pos.get(run[-1], -20) + 1 or key(d) != key(run[-1])):
            chunks.append(Chunk(run[0], run[-1], tuple(run)))
            run = []
        run.append(d)
    if run:
        chunks.append(Chunk(run[0], run[-1], tuple(run)))
    return chunks


def collapse(dates: list[date], calendar: list[date]) -> list[tuple[date, date]]:
    """Collapse dates into ranges of dates consecutive in `calendar`."""
    pos = {d: i for i, d in enumerate(calendar)}
    out: list[list[date]] = []
    for d in sorted(dates):
        if out and d in pos and out[-1][1] in pos and pos[d] == pos[out[-1][1]] + 1:
            out[-1][1] = d
        else:
            out.append([d, d])
    return [(a, b) for a, b in out]


def fmt_ranges(ranges: list[tuple[date, date]], limit: int = 6) -> str:
    parts = [str(a) if a == b else f"{a}..{b}" for a, b in ranges]
    if len(parts) > limit:
        parts = [*parts[: limit - 1], f"… {len(parts) - limit + 1} more"]
    return ", ".join(parts) if parts else "-"
