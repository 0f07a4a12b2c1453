"""Models side by side (the daily run and the backfill): a model starts only after its upstream
models finished, independent models overlap, a failure stops new starts, and a run's results,
state and history are those of running the models one by one."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from toys import DAILY_POINTS, FRAGILE, FRAGILE_CHILD, ROLLING, state_rows, write_models

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.runner.parallel import run_parallel
from nbaprops.runner.state import METADATA_COLUMNS
from nbaprops.warehouse import Warehouse


class FakeWarehouse:
    def worker(self):
        return contextlib.nullcontext(self)


def fake_catalog(upstream: dict[str, set[str]]):
    models = [SimpleNamespace(name=n) for n in upstream]
    return models, SimpleNamespace(upstream=upstream)


# a -> c, b -> c, c -> d; e alone
GRAPH = {"a": set(), "b": set(), "e": set(), "c": {"a", "b"}, "d": {"a", "b", "c"}}


def test_models_start_after_their_upstream_models_and_independent_ones_overlap():
    models, cat = fake_catalog(GRAPH)
    events, lock = [], threading.Lock()

    def fn(model, w):
        with lock:
            events.append(("start", model.name, time.perf_counter()))
        time.sleep(0.05)
        with lock:
            events.append(("end", model.name, time.perf_counter()))

    run_parallel(FakeWarehouse(), models, cat, fn, max_workers=2)
    start = {n: t for kind, n, t in events if kind == "start"}
    end = {n: t for kind, n, t in events if kind == "end"}
    assert set(start) == set(end) == set(GRAPH)
    for name, ups in GRAPH.items():
        assert all(end[u] <= start[name] for u in ups), name
    # a and b have no upstream: both start before either ends
    assert max(start["a"], start["b"]) < min(end["a"], end["b"])


def test_a_failure_stops_new_starts_and_is_raised():
    models, cat = fake_catalog(GRAPH)
    started = []

    def fn(model, w):
        started.append(model.name)
        if model.name == "a":
            raise ValueError("boom")
        time.sleep(0.02)

    with pytest.raises(ValueError, match="boom"):
        run_parallel(FakeWarehouse(), models, cat, fn, max_workers=2)
    assert "c" not in started and "d" not in started


def test_only_selected_upstream_models_are_waited_for():
    models, cat = fake_catalog(GRAPH)
    seen = []
    run_parallel(
        FakeWarehouse(),
        [m for m in models if m.name in ("c", "d")],
        cat,
        lambda m, w: seen.append(m.name),
        max_workers=2,
    )
    assert seen == ["c", "d"]


def test_a_model_also_waits_for_the_models_it_is_told_to_wait_for():
    """waits_for: e (no upstream) waits for c as well; the others keep their graph."""
    models, cat = fake_catalog(GRAPH)
    events, lock = [], threading.Lock()

    def fn(model, w):
        with lock:
            events.append(("start", model.name))
        time.sleep(0.02)
        with lock:
            events.append(("end", model.name))

    run_parallel(FakeWarehouse(), models, cat, fn, max_workers=2, waits_for={"e": {"c"}})
    assert events.index(("end", "c")) < events.index(("start", "e"))


def content(wh: Warehouse, table: str) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in wh.columns(table) if c not in METADATA_COLUMNS)
    return wh.con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()


def both_ways(first: Path, tmp_path: Path, start: date, end: date, **kw) -> dict[bool, tuple]:
    """Run the real models over [start, end] side by side on `first` and one by one on a copy of
    it; per way: every model ran once in catalog order, and the tables, state and history counts
    it left."""
    other = tmp_path / "one_by_one.duckdb"
    shutil.copy(first, other)
    results = {}
    for path, parallel in ((first, True), (other, False)):
        with Warehouse.open(path) as wh:
            res = backfill(wh, start, end, parallel=parallel, **kw)
            assert res.ok, res.errors
            assert [m.model for m in res.models] == [m.name for m in Catalog.load().ordered()]
            assert [p.model.name for p in res.plans] == [m.model for m in res.models]
            tables = {m.table: content(wh, m.table) for m in Catalog.load().ordered()}
            hist = sorted(
                wh.con.execute(
                    "SELECT model, status, rows_written, failures_written, dates_computed, dates_skipped "
                    "FROM reference.processor_run_history WHERE run_id = ?",
                    [res.run_id],
                ).fetchall()
            )
            results[parallel] = tables, state_rows(wh.con), hist, res
    return results


def test_daily_run_side_by_side_equals_one_by_one(real_copy, tmp_path):
    """The real models: a daily run on a backfilled week, once in parallel and once one by one."""
    s, e, d = date(2024, 1, 2), date(2024, 1, 9), date(2024, 1, 10)
    with Warehouse.open(real_copy) as wh:
        assert backfill(wh, s, e, preflight=False).ok  # (Phase 3 covers the week only)
    results = both_ways(real_copy, tmp_path, d, d, daily=True)
    for *_, res in results.values():
        assert {m.status for m in res.models} == {"success"} and all(m.dates_computed == 1 for m in res.models)
    assert results[True][:3] == results[False][:3]


def test_backfill_side_by_side_equals_one_by_one(real_copy, tmp_path):
    """The real models over a month, side by side and one by one: the same tables, state and
    history counts."""
    results = both_ways(real_copy, tmp_path, date(2023, 11, 1), date(2023, 11, 30), preflight=False)
    assert results[True][:3] == results[False][:3]
    assert any(rows for rows in results[True][0].values())


def test_daily_run_side_by_side_with_a_failing_model(real_copy, tmp_path):
    """A failing model in a parallel daily run: its dependant is blocked, the independent models
    run, the history says so, and the next run retries."""
    cat = Catalog.load(
        write_models(
            tmp_path / "models",
            toy_fragile=FRAGILE,
            toy_fragile_child=FRAGILE_CHILD,
            toy_daily_points=DAILY_POINTS,
            toy_rolling=ROLLING,
        )
    )
    s, d = date(2023, 3, 1), date(2023, 3, 8)
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_poison (game_date DATE, val VARCHAR)")
        assert backfill(wh, s, date(2023, 3, 7), catalog=cat).ok
        wh.con.execute("INSERT INTO main.toy_poison VALUES (?, 'boom')", [d])
        res = backfill(wh, d, d, catalog=cat, daily=True)
        assert not res.ok
        status = {m.model: m.status for m in res.models}
        assert status == {
            "toy_fragile": "failed",
            "toy_fragile_child": "failed",
            "toy_daily_points": "success",
            "toy_rolling": "success",
        }
        hist = dict(
            wh.con.execute(
                "SELECT model, status FROM reference.processor_run_history WHERE run_id = ?", [res.run_id]
            ).fetchall()
        )
        assert hist == status
        wh.con.execute("UPDATE main.toy_poison SET val = '3'")
        again = backfill(wh, d, d, catalog=cat, daily=True)
        assert again.ok
        assert {m.model: m.dates_computed for m in again.models} == {
            "toy_fragile": 1,
            "toy_fragile_child": 1,
            "toy_daily_points": 0,
            "toy_rolling": 0,
        }


def test_the_longest_chain_starts_first():
    """One worker: a ready model on a longer chain of dependants starts before a ready model
    nobody waits for (ties keep the catalog order)."""
    models, cat = fake_catalog({"x": set(), "a": set(), "b": {"a"}, "c": {"b"}})
    order = []
    run_parallel(FakeWarehouse(), models, cat, lambda m, w: order.append(m.name), max_workers=1)
    assert order == ["a", "b", "x", "c"]
