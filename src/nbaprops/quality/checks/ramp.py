"""failure_ramp — Phase 4 failure rate by week of season against the expected ramp (weeks 1-2
90-100 %, 3 60-75 %, 4 40-50 %, later 25-30 %): reported, a warning at most."""

from __future__ import annotations

from datetime import date

from ...catalog import Catalog
from ...warehouse import Warehouse, quote_ident, quote_table
from ..seasons import date_seasons_sql, season_openers_sql
from .base import FAILURES, PASS, SAMPLE, WARN, CheckResult, Context

# Expected Phase 4 failure rate by week of season (seed 004), in percent: (weeks, lo, hi).
EXPECTED_RAMP = ((1, 90.0, 100.0), (2, 90.0, 100.0), (3, 60.0, 75.0), (4, 40.0, 50.0))
EXPECTED_LATER = (25.0, 30.0)
RAMP_TOLERANCE = 20.0  # percentage points outside the band before a week is 'far off'
RAMP_BUCKETS = ("wk 1", "wk 2", "wk 3", "wk 4", "wk 5+")


def expected_band(week: int) -> tuple[float, float]:
    for w, lo, hi in EXPECTED_RAMP:
        if week == w:
            return lo, hi
    return EXPECTED_LATER


def failure_rates(wh: Warehouse, catalog: Catalog, start: date, end: date) -> list[tuple]:
    """(processor, season_year, season_week, entity-dates, failures, rate %) per Phase 4 model."""
    parts: list[str] = []
    params: list[date | str | None] = [start, end]
    for m in catalog.ordered():
        if m.writes_failures and wh.table_exists(m.table):
            params.append(m.failures)
            p = f"${len(params)}"
            tc = quote_ident(m.time_column)
            parts.append(
                f"SELECT {p}::VARCHAR AS p, {tc} AS d, count(*) AS n, 0 AS f FROM {quote_table(m.table)} "
                f"WHERE {tc} BETWEEN $1 AND $2 GROUP BY ALL"
            )
            parts.append(
                f"SELECT processor_name, analysis_date, count(*), count(*) FROM {FAILURES} "
                f"WHERE processor_name = {p} AND entity_id <> 'DATE_LEVEL' "
                "AND analysis_date BETWEEN $1 AND $2 GROUP BY ALL"
            )
    if not parts:
        return []
    return wh.con.execute(
        f"""
        WITH x AS ({" UNION ALL ".join(parts)}),
        ds AS ({date_seasons_sql()}), o AS ({season_openers_sql()})
        SELECT x.p, ds.season_year, (date_diff('day', o.opening_night, x.d) // 7) + 1 AS week,
               sum(x.n)::BIGINT AS n, sum(x.f)::BIGINT AS f, round(100.0 * sum(x.f) / sum(x.n), 1) AS rate
        FROM x JOIN ds ON ds.d = x.d JOIN o ON o.season_year = ds.season_year
        GROUP BY ALL HAVING sum(x.n) > 0 ORDER BY 1, 2, 3""",
        params,
    ).fetchall()


def check_failure_ramp(wh: Warehouse, catalog: Catalog, start: date, end: date) -> CheckResult:
    """Failure rate per processor and season in the seed's buckets (weeks 1, 2, 3, 4, 5 and later),
    against the expected band; a bucket more than RAMP_TOLERANCE points outside it is 'far off'."""
    rates = failure_rates(wh, catalog, start, end)
    agg: dict[tuple[str, int], dict[int, list[int]]] = {}
    for p, season, week, n, f, _ in rates:
        b = min(week, 5)
        agg.setdefault((p, season), {}).setdefault(b, [0, 0])
        agg[(p, season)][b][0] += n
        agg[(p, season)][b][1] += f
    table, far = [], []
    for (p, season), buckets in sorted(agg.items()):
        cells = []
        for b in range(1, 6):
            if b not in buckets:
                cells.append("-")
                continue
            n, f = buckets[b]
            rate = 100.0 * f / n
            lo, hi = expected_band(b)
            off = 0.0 if lo <= rate <= hi else (lo - rate if rate < lo else rate - hi)
            flag = off > RAMP_TOLERANCE
            cells.append(f"{rate:.0f}%" + (" (far off)" if flag else ""))
            if flag:
                far.append(
                    f"{p.replace('Processor', '')} {season} {RAMP_BUCKETS[b - 1]}: {rate:.1f}% "
                    f"(expected {lo:.0f}-{hi:.0f}%)"
                )
        table.append((p.replace("Processor", ""), season, *cells))
    return CheckResult(
        "failure_ramp",
        WARN if far else PASS,
        len(far),
        f"failure rate by week of season vs the expected ramp (weeks 1-2 90-100%, 3 60-75%, "
        f"4 40-50%, later 25-30%); 'far off' = more than {RAMP_TOLERANCE:.0f} points outside; "
        "reported, never a failure",
        far[:SAMPLE],
        ["processor", "season", "wk 1 (90-100%)", "wk 2 (90-100%)", "wk 3 (60-75%)", "wk 4 (40-50%)", "wk 5+ (25-30%)"],
        table,
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_failure_ramp(wh, ctx.catalog, ctx.start, ctx.end)]
