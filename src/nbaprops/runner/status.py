"""What each model covers: done date ranges, gaps against the schedule, stale dates, failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..catalog import SOURCE_TABLES, Catalog
from ..warehouse import Warehouse
from .plan import collapse, game_dates
from .state import DigestCache, fingerprints


@dataclass
class ModelStatus:
    model: str
    table: str
    built: bool
    rows: int = 0
    dates_done: int = 0
    covered: list[tuple[date, date]] = field(default_factory=list)
    gaps: list[tuple[date, date]] = field(default_factory=list)  # inside the covered span
    missing_before: int = 0  # schedule game dates before the first covered date
    missing_after: int = 0  # … after the last covered date
    stale: int = 0  # done, but inputs or SQL changed since
    failures: dict[str, int] = field(default_factory=dict)


def model_status(wh: Warehouse, catalog: Catalog | None = None) -> list[ModelStatus]:
    catalog = catalog or Catalog.load()
    con = wh.con
    calendar = game_dates(con)
    cal_set = set(calendar)
    cache = DigestCache(con, {m.table: m for m in catalog.ordered()})
    cache.prefetch_sources({d for m in catalog.ordered() for d in m.depends_on if d in SOURCE_TABLES})
    fails: dict[str, dict[str, int]] = {}
    for proc, cat, n in con.execute(
        "SELECT processor_name, failure_category, count(*) FROM processing.precompute_failures GROUP BY ALL"
    ).fetchall():
        fails.setdefault(proc, {})[cat] = n
    states = cache.load_state()  # (with the model digests the fingerprints read)
    out = []
    for m in catalog.ordered():
        built = wh.table_exists(m.table)
        st = ModelStatus(
            model=m.name, table=m.table, built=built, failures=fails.get(m.failures, {}) if m.failures else {}
        )
        if built:
            st.rows = wh.count(m.table)
        saved = states.get(m.name, {})
        done = sorted(saved)
        st.dates_done = len(done)
        st.covered = collapse(done, calendar)
        if done:
            lo, hi = done[0], done[-1]
            inside = [d for d in calendar if lo <= d <= hi and d not in saved]
            st.gaps = collapse(inside, calendar)
            st.missing_before = sum(1 for d in calendar if d < lo)
            st.missing_after = sum(1 for d in calendar if d > hi)
            fps = fingerprints(m, done, {dep: cache.get(dep) for dep in m.depends_on})
            st.stale = sum(1 for d in done if saved[d].fingerprint != fps[d] or saved[d].model_hash != m.sql_hash)
        else:
            st.missing_before = len(cal_set)
        out.append(st)
    return out
