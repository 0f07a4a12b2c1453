"""Shared helpers of the Phase 3 model tests (test_phase3_box, test_phase3_upcoming): build a
few analytics models alone over the real data, read their rows back by key, and compare them
with the plain-Python expectations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from nbaprops.catalog import Catalog, parse_model
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

MODELS_DIR = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "models" / "analytics"


def fetch(path: Path, sql: str, params: list | None = None) -> list[dict]:
    with Warehouse.open(path, read_only=True) as wh:
        cur = wh.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


@dataclass(frozen=True)
class AnalyticsModels:
    """keys: model name -> its key columns. abs_tol: how far two floats may differ. force: every
    run recomputes its dates (a test that builds the same date twice)."""

    keys: dict[str, tuple[str, ...]]
    abs_tol: float = 1e-9
    force: bool = False

    def catalog(self) -> Catalog:
        """Just these models (they read only raw tables), so other models in progress in the
        package cannot break these tests."""
        return Catalog(
            [
                parse_model((MODELS_DIR / f"{n}.sql").read_text(encoding="utf-8"), f"analytics/{n}.sql")
                for n in self.keys
            ]
        )

    def run(self, path: Path, start: date, end: date, chunk_mode: str = "all") -> None:
        with Warehouse.open(path) as wh:
            result = backfill(
                wh, start, end, catalog=self.catalog(), only=list(self.keys), chunk_mode=chunk_mode, force=self.force
            )
            assert result.ok, [(m.model, m.status, m.error) for m in result.models]

    def table(self, path: Path, name: str, where: str = "", params: list | None = None) -> dict[tuple, dict]:
        rows = fetch(path, f"SELECT * FROM analytics.{name} {where}", params)
        out = {tuple(r[k] for k in self.keys[name]): r for r in rows}
        assert len(out) == len(rows), f"duplicate keys in analytics.{name}"
        return out

    def same(self, a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        if isinstance(a, float) or isinstance(b, float):
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=self.abs_tol)
        return a == b

    def assert_rows_match(self, actual: dict[tuple, dict], expected: dict[tuple, dict], what: str) -> None:
        assert set(actual) == set(expected), (
            f"{what}: keys differ; missing {sorted(set(expected) - set(actual))[:5]}, "
            f"extra {sorted(set(actual) - set(expected))[:5]}"
        )
        for key, exp in expected.items():
            act = actual[key]
            for col, val in exp.items():
                assert col in act, f"{what}: column {col} missing"
                assert self.same(act[col], val), f"{what} {key} {col}: table has {act[col]!r}, expected {val!r}"
