"""Phase 4 failures as `nbaprops failures` shows them: counts by processor, category and week of
season, or the failure rows themselves with their reasons, narrowed by date, processor,
category and entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from ..catalog import Catalog
from ..errors import BadInputError
from ..warehouse import Warehouse, one
from .seasons import date_seasons_sql, season_openers_sql

TABLE = "processing.precompute_failures"
CATEGORIES = ("EXPECTED_INCOMPLETE", "INSUFFICIENT_DATA", "MISSING_DEPENDENCY", "PROCESSING_ERROR")


@dataclass(frozen=True)
class FailureFilter:
    start: date | None = None
    end: date | None = None
    processor: str | None = None  # a processor name (see resolve_processor)
    category: str | None = None
    entity: str | None = None  # player_lookup, team_abbr or DATE_LEVEL

    @classmethod
    def from_options(
        cls,
        *,
        start: date | None = None,
        end: date | None = None,
        on: date | None = None,
        processor: str | None = None,
        category: str | None = None,
        entity: str | None = None,
        catalog: Catalog | None = None,
    ) -> FailureFilter:
        """The filter of `nbaprops failures`: one date (--date) or a range, a model or processor
        name, a category in any case, an entity."""
        if on is not None and (start is not None or end is not None):
            raise BadInputError("--date cannot be combined with --start-date / --end-date")
        return cls(
            start=on or start,
            end=on or end,
            processor=resolve_processor(processor, catalog or Catalog.load()),
            category=check_category(category),
            entity=entity,
        )

    @property
    def narrowed(self) -> bool:
        return any(vars(self).values())

    def where(self) -> tuple[str, list]:
        """The WHERE clause (bound parameters only) over the failures table aliased f."""
        conds, params = [], []
        for sql, value in (
            ("f.analysis_date >= ?", self.start),
            ("f.analysis_date <= ?", self.end),
            ("f.processor_name = ?", self.processor),
            ("f.failure_category = ?", self.category),
            ("f.entity_id = ?", self.entity),
        ):
            if value is not None:
                conds.append(sql)
                params.append(value)
        return (" WHERE " + " AND ".join(conds)) if conds else "", params


def resolve_processor(name: str | None, catalog: Catalog) -> str | None:
    """A model's name, its table or its processor name -> the processor name its failures carry."""
    if name is None:
        return None
    known = {}
    for m in catalog.ordered():
        if m.failures:
            known.update({m.name: m.failures, m.table: m.failures, m.failures: m.failures})
    if name not in known:
        choices = sorted({m.name for m in catalog.ordered() if m.failures})
        raise BadInputError(
            f"--processor: unknown {name!r}; models with failures: {', '.join(choices)} (or their processor names)"
        )
    return known[name]


def check_category(category: str | None) -> str | None:
    if category is None:
        return None
    up = category.upper()
    if up not in CATEGORIES:
        raise BadInputError(f"--category: unknown {category!r}; one of {', '.join(CATEGORIES)}")
    return up


def summary(con: duckdb.DuckDBPyConnection, flt: FailureFilter) -> list[tuple]:
    """(processor, category, season_year, season week, failures), week 1 = opening night's week."""
    where, params = flt.where()
    return con.execute(
        f"""
        WITH ds AS ({date_seasons_sql()}), o AS ({season_openers_sql()})
        SELECT f.processor_name, f.failure_category, ds.season_year,
               (date_diff('day', o.opening_night, f.analysis_date) // 7) + 1 AS season_week, count(*)
        FROM {TABLE} f
        LEFT JOIN ds ON ds.d = f.analysis_date
        LEFT JOIN o ON o.season_year = ds.season_year
        {where}
        GROUP BY ALL ORDER BY 1, 2, 3, 4""",
        params,
    ).fetchall()


def by_category(con: duckdb.DuckDBPyConnection, flt: FailureFilter) -> list[tuple]:
    """(processor, category, dates, failures, first date, last date): the default summary."""
    where, params = flt.where()
    return con.execute(
        f"""
        SELECT f.processor_name, f.failure_category, count(DISTINCT f.analysis_date), count(*),
               min(f.analysis_date), max(f.analysis_date)
        FROM {TABLE} f{where}
        GROUP BY ALL ORDER BY 1, 2""",
        params,
    ).fetchall()


LISTING_COLUMNS = ("date", "processor", "entity", "category", "reason", "retry", "games (actual / expected)")


def listing(con: duckdb.DuckDBPyConnection, flt: FailureFilter, limit: int) -> tuple[list[tuple], int]:
    """The failure rows (newest date first), at most `limit`, and how many match in all."""
    where, params = flt.where()
    total = one(con.execute(f"SELECT count(*) FROM {TABLE} f{where}", params))[0]
    rows = con.execute(
        f"""
        SELECT f.analysis_date, f.processor_name, f.entity_id, f.failure_category, f.failure_reason, f.can_retry,
               f.actual_games, f.expected_games
        FROM {TABLE} f{where}
        ORDER BY f.analysis_date DESC, f.processor_name, f.entity_id
        LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return rows, total


@dataclass(frozen=True)
class FailuresView:
    """What `nbaprops failures` shows: the counts by season week (total None) or the failure rows."""

    recorded: bool  # False: no failures table yet (nothing backfilled)
    rows: list[tuple]
    total: int | None = None  # listing only: how many rows match in all
    mode: str = "summary"  # summary (by processor and category) | weeks | list

    @property
    def is_listing(self) -> bool:
        return self.total is not None


def failures_view(
    wh: Warehouse, flt: FailureFilter, *, list_rows: bool = False, limit: int = 50, by_week: bool = False
) -> FailuresView:
    """The counts matching `flt` by processor and category (by season week too with `by_week`),
    or the failure rows when asked to list them or narrowed to one entity (one entity's counts
    say little without the reasons)."""
    if not wh.table_exists(TABLE):
        return FailuresView(recorded=False, rows=[])
    if list_rows or flt.entity is not None:
        rows, total = listing(wh.con, flt, limit)
        return FailuresView(recorded=True, rows=rows, total=total, mode="list")
    if by_week:
        return FailuresView(recorded=True, rows=summary(wh.con, flt), mode="weeks")
    return FailuresView(recorded=True, rows=by_category(wh.con, flt))
