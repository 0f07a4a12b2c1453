"""The benchmark's "checks off" models (benchmarks/checks_off.py) must differ from the real ones
only by the checks: otherwise the checks-on vs checks-off cost it measures would be wrong."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

from nbaprops.catalog import Catalog
from nbaprops.completeness import output_column_names
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[1]
START, END = date(2023, 10, 24), date(2023, 11, 21)


def _checks_off(dest: Path) -> tuple[Catalog, dict[str, tuple[str, ...]]]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from checks_off import checked_windows, write_models_without_checks
    finally:
        sys.path.pop(0)
    return Catalog.load(write_models_without_checks(dest)), checked_windows(Catalog.load())


def test_checks_off_changes_only_the_checks(real_warehouse_path, tmp_path):
    off_catalog, MODEL_WINDOWS = _checks_off(tmp_path / "models")
    on_catalog = Catalog.load()
    assert len(MODEL_WINDOWS) == 5  # the four Phase 4 models and the feature store
    assert [m.table for m in off_catalog.ordered()] == [m.table for m in on_catalog.ordered()]
    for name in MODEL_WINDOWS:
        assert "checks off" in off_catalog.get(name).sql and "checks off" not in on_catalog.get(name).sql
        assert "completeness:" not in off_catalog.get(name).sql.split("WITH", 1)[1]

    paths = {}
    for side, catalog in (("on", on_catalog), ("off", off_catalog)):
        paths[side] = tmp_path / f"{side}.duckdb"
        shutil.copy(real_warehouse_path, paths[side])
        with Warehouse.open(paths[side]) as wh:
            res = backfill(wh, START, END, catalog=catalog, preflight=side == "on")
            assert res.ok, [m.error for m in res.models]

    with Warehouse.open(paths["on"], read_only=True) as wh:
        wh.con.execute(f"ATTACH '{paths['off']}' AS off (READ_ONLY)")
        for name, windows in MODEL_WINDOWS.items():
            model = on_catalog.get(name)
            checks = set(output_column_names(windows))
            if name == "ml_feature_store_v2":
                checks.add("quality_tier")  # gold needs the row to pass the checks (features.QUALITY_TIERS)
            cols = [c for c in wh.columns(model.table) if c not in checks and c not in ("processed_at", "run_id")]
            assert set(output_column_names(windows)) <= set(wh.columns(model.table))
            sel = ", ".join(f'"{c}"' for c in cols)
            n = wh.con.execute(f"SELECT count(*) FROM {model.table}").fetchone()[0]
            assert n > 0, name
            diff = wh.con.execute(
                f"SELECT count(*) FROM (SELECT {sel} FROM {model.table} EXCEPT ALL SELECT {sel} FROM off.{model.table})"
            ).fetchone()[0]
            assert diff == 0, f"{name}: {diff} of {n} rows differ beyond the completeness columns"
            filled = wh.con.execute(f"SELECT count(is_production_ready) FROM off.{model.table}").fetchone()[0]
            assert filled == 0, f"{name}: checks off still fills completeness"
