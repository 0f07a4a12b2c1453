"""What every check shares: the result type, statuses, the tables checked most and small helpers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ...catalog import Catalog
from ...warehouse import Warehouse

PASS, WARN, FAIL = "pass", "warn", "fail"
SAMPLE = 5
FEATURE_TABLE = "predictions.ml_feature_store_v2"
FAILURES = "processing.precompute_failures"


@dataclass
class CheckResult:
    check: str
    status: str  # pass / warn / fail
    count: int = 0  # offending keys (or the measured quantity for reports)
    detail: str = ""
    sample: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # optional detail table
    rows: list[tuple] = field(default_factory=list)

    @property
    def sample_text(self) -> str:
        return "; ".join(self.sample)


@dataclass(frozen=True)
class Context:
    """What a run of the checks is about: the catalog, the date range and its game dates, and
    the point-in-time check's settings."""

    catalog: Catalog
    start: date
    end: date
    calendar: list[date]  # the schedule's game dates in [start, end]
    pit_samples: int = 3
    workdir: str | Path | None = None


def fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def key(row) -> str:
    return "/".join(fmt(v) for v in row)


def columns_of(wh: Warehouse, table: str) -> list[str]:
    return wh.columns(table) if wh.table_exists(table) else []
