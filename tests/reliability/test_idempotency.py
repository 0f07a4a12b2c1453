"""Idempotency: doing the same thing twice changes nothing. Ingest twice, backfill twice, the
daily update twice → every raw, reference, model, state and failure table identical to the row
and to the timestamp (ingested_at, processed_at, run_id, created_at included: unchanged rows are
not rewritten). Only bookkeeping that records the runs themselves (run history, ingest log,
migrations) may grow. Recomputing on purpose (--force, another chunking) rewrites the same
content (timestamps aside)."""

from __future__ import annotations

import crashkit as ck
import pytest

from nbaprops.catalog import Catalog

BACKFILL = ("backfill", "--start-date", ck.START, "--end-date", ck.END)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ck.World:
    return ck.world(tmp_path_factory.mktemp("idem_world"))


def test_ingest_twice(world, tmp_path):
    w = ck.copy(world.ingested, tmp_path / "wh.duckdb")
    ck.run_ok(w, "ingest", str(world.cut))
    assert ck.differences(w, world.ingested, exact=True) == {}
    # the second ingest is logged (bookkeeping) and loaded nothing
    log = ck.diff(w, world.ingested, exact=True, skip=frozenset(), only=["processing.ingest_log"])
    assert "processing.ingest_log" in log


def test_pipeline_twice(world, tmp_path):
    """ingest, backfill and the daily run again on a warehouse where they all ran once."""
    w = ck.copy(world.daily, tmp_path / "wh.duckdb")
    before = ck.run_ids(w)
    ck.run_ok(w, "ingest", str(world.cut))
    out = ck.run_ok(w, *BACKFILL).stdout
    assert "inputs unchanged" in out
    ck.run_ok(w, "run", "--date", ck.DAILY)
    assert ck.differences(w, world.daily, exact=True) == {}
    assert ck.invariants(w) == []
    # the runs are recorded, and they skipped every model
    new = [r for r in ck.history(w) if r[0] not in before]
    assert new and {r[2] for r in new} == {"skipped"}, new


def test_daily_run_twice(world, tmp_path):
    w = ck.copy(world.backfilled, tmp_path / "wh.duckdb")
    ck.run_ok(w, "run", "--date", ck.DAILY)
    once = ck.copy(w, tmp_path / "once.duckdb")
    ck.run_ok(w, "run", "--date", ck.DAILY)
    assert ck.differences(w, once, exact=True) == {}
    assert ck.differences(w, world.daily) == {}


def test_correction_ingested_twice(world, tmp_path):
    w = ck.copy(world.ingested, tmp_path / "wh.duckdb")
    ck.run_ok(w, "ingest", str(world.fix))
    once = ck.copy(w, tmp_path / "once.duckdb")
    ck.run_ok(w, "ingest", str(world.fix))
    assert ck.differences(w, once, exact=True) == {}


def test_recompute_gives_the_same_content(world, tmp_path):
    """--force with another chunking (Phase 4 and the feature store, a month per chunk) rewrites
    the rows (new run ids and times), never new content."""
    catalog = Catalog.load()
    w = ck.copy(world.backfilled, tmp_path / "wh.duckdb")
    ck.run_ok(w, *BACKFILL, "--force", "--chunk", "month", "--start-from", "player_shot_zone_analysis")
    assert ck.differences(w, world.backfilled) == {}
    assert ck.differences(w, world.backfilled, exact=True) != {}  # it really rewrote them
    assert ck.invariants(w, catalog) == []
