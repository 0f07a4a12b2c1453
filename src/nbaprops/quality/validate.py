"""`nbaprops validate`: run the data checks over a built warehouse.

`validate()` runs every check of quality.checks (one module per concern: keys, universes,
processing errors, critical fields, feature store, coverage, failure ramp, point in time) over a
date range and returns a ValidationReport. Every check returns a CheckResult (status pass / warn /
fail, a count, a sample of offending keys and, for some, a small detail table). Nothing here
prints or exits: the CLI renders the report and exits 1 when any check failed. Warnings (e.g.
the failure ramp far from the expected one) never fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..catalog import Catalog
from ..runner.plan import game_dates
from ..warehouse import Warehouse, quote_ident, quote_table
from .checks import FAIL, FAILURES, FEATURE_TABLE, PASS, WARN, CheckResult, Context, run_checks
from .checks.coverage import computed_dates
from .checks.point_in_time import check_point_in_time
from .checks.ramp import expected_band, failure_rates
from .morning import morning_of
from .seasons import date_seasons_sql, season_openers_sql


@dataclass
class ValidationReport:
    warehouse: str
    start: date | None
    end: date | None
    results: list[CheckResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(r.status == FAIL for r in self.results)

    def counts(self) -> dict[str, int]:
        out = {PASS: 0, WARN: 0, FAIL: 0}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def get(self, check: str) -> CheckResult | None:
        return next((r for r in self.results if r.check == check), None)


def default_range(wh: Warehouse) -> tuple[date | None, date | None]:
    """The span the runner has computed (processing.model_state), else the span of the model
    tables; (None, None) when nothing is built."""
    lo = hi = None
    # the date-keyed models (a `full` model's state holds the dates of its own rows)
    models = [m for m in Catalog.load().ordered() if m.kind != "full"]
    if wh.table_exists("processing.model_state"):
        lo, hi = wh.con.execute(
            "SELECT min(target_date), max(target_date) FROM processing.model_state WHERE list_contains(?, model)",
            [[m.name for m in models]],
        ).fetchall()[0]
    if lo is None:
        spans = []
        for m in models:
            if wh.table_exists(m.table):
                tc = quote_ident(m.time_column)
                spans.append(wh.con.execute(f"SELECT min({tc}), max({tc}) FROM {quote_table(m.table)}").fetchall()[0])
        spans = [s for s in spans if s[0] is not None]
        if spans:
            lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
    return lo, hi


def validate(
    wh: Warehouse,
    start: date | None = None,
    end: date | None = None,
    *,
    catalog: Catalog | None = None,
    pit_samples: int = 3,
    workdir: str | Path | None = None,
) -> ValidationReport:
    """Run every check over [start, end] (default: the span the runner has computed)."""
    catalog = catalog or Catalog.load()
    lo, hi = default_range(wh)
    start = start or lo
    end = end or hi
    report = ValidationReport(str(wh.path), start, end)
    if start is None or end is None:
        report.results.append(
            CheckResult("built", FAIL, 0, "no model has computed any date yet: run `nbaprops backfill`")
        )
        return report
    ctx = Context(catalog, start, end, game_dates(wh.con, start, end), pit_samples, workdir)
    report.results.extend(run_checks(wh, ctx))
    return report


__all__ = [
    "FAIL",
    "FAILURES",
    "FEATURE_TABLE",
    "PASS",
    "WARN",
    "CheckResult",
    "ValidationReport",
    "check_point_in_time",
    "computed_dates",
    "date_seasons_sql",
    "default_range",
    "expected_band",
    "failure_rates",
    "morning_of",
    "season_openers_sql",
    "validate",
]
