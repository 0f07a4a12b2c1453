"""Crash safety: `kill -9` of the real CLI at many moments, then a normal re-run, must end with
the tables of a clean run — nothing lost, nothing duplicated — and a run history that tells
the truth (the killed run is never a success).

Real models (Catalog.load()) over a short real range (2023-10-24 .. 2023-11-30) on a small
real input folder (the bundled files cut to 2023-09-15 .. 2023-12-10). The moments are found
by watching the process, not by guessing delays: the warehouse being opened (right after
start), an input file being read (during ingest), CPU time standing still while the chunk
sleeps inside its transaction (NBAPROPS_TEST_CHUNK_SLEEP: mid-chunk), CPU time resuming after
that sleep (during the COMMIT's write), the WAL written twice after a model's last chunk
(between models). After every kill: no duplicate keys, every table row and failure row backed
by saved state (same transaction), and the dates recorded as done hold exactly the clean run's
rows. (tests/runner/test_runner_kill.py does the same with toy models; this is the real thing.)
"""

from __future__ import annotations

from pathlib import Path

import crashkit as ck
import pytest

from nbaprops.catalog import Catalog
from nbaprops.runner.execute import SLEEP_MODEL_ENV

# slow: kills the real command line at many moments and re-runs it after each (make test-all)
pytestmark = pytest.mark.slow

BACKFILL = ("backfill", "--start-date", ck.START, "--end-date", ck.END)
SLEEP = 0.3  # seconds each chunk sleeps inside its transaction (well above the idle detection)
LONG_SLEEP = 60.0  # one model's chunk, killed as soon as the process is idle (never slept in full)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ck.World:
    return ck.world(tmp_path_factory.mktemp("crash_world"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def _killed(p: ck.Proc, moment: str) -> None:
    assert p.kill(), (
        f"the kill {moment} came too late: the process had ended "
        f"({p.popen.returncode})\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    )


def _after_kill(w: Path, ref: Path, catalog: Catalog) -> None:
    problems = ck.invariants(w, catalog)
    assert not problems, problems
    partial = ck.done_part_matches(w, ref, catalog)
    assert not partial, f"dates recorded as done differ from the clean run: {partial}"


def _new_run(w: Path, before: set[str]) -> str | None:
    new = ck.run_ids(w) - before
    assert len(new) <= 1, new
    return next(iter(new), None)


def test_ingest_killed_leaves_the_warehouse_as_it_was(world, catalog, tmp_path):
    """Killed while reading the input files: the one transaction never commits."""
    # 1. a fresh warehouse, killed while the largest file is being read
    w = ck.copy(world.empty, tmp_path / "fresh.duckdb")
    p = ck.start(w, "ingest", str(world.cut))
    ck.wait_open(p, "shots_2023_24")
    _killed(p, "during ingest")
    assert ck.differences(w, world.empty, exact=True, skip=frozenset()) == {}
    # the normal re-run loads everything, as a clean ingest does
    ck.run_ok(w, "ingest", str(world.cut))
    assert ck.differences(w, world.ingested) == {}
    assert ck.invariants(w, catalog) == []

    # 2. a computed warehouse, killed while it loads a correction: raw, models, state, history,
    #    ingest log — every table exactly as before, to the timestamp
    w = ck.copy(world.daily, tmp_path / "full.duckdb")
    p = ck.start(w, "ingest", str(world.fix))
    ck.wait_open(p, str(world.fix))
    _killed(p, "during the correction's ingest")
    assert ck.differences(w, world.daily, exact=True, skip=frozenset()) == {}
    # re-run: exactly the corrected player's row changes
    ck.run_ok(w, "ingest", str(world.fix))
    d = ck.diff(w, world.daily, only=["raw.player_boxscores"])
    assert list(d) == ["raw.player_boxscores"] and "1 only in a, 1 only in b" in d["raw.player_boxscores"], d


def test_backfill_killed_five_times_then_resumed_equals_a_clean_run(world, catalog, tmp_path):
    """One backfill killed at five different moments in a row (each restart resumes what the
    last one left), then a normal run: the tables equal an uninterrupted backfill."""
    ref, n_models = world.backfilled, len(catalog.ordered())
    w = ck.copy(world.ingested, tmp_path / "wh.duckdb")
    wal = Path(str(w) + ".wal")
    killed: list[tuple[str, str | None]] = []

    def attempt(moment: str, sleep: float | None, chunk: str, wait, env: dict | None = None) -> None:
        before = ck.run_ids(w)
        p = ck.start(w, *BACKFILL, "--chunk", chunk, sleep=sleep, env=env)
        wait(p)
        _killed(p, moment)
        _after_kill(w, ref, catalog)
        killed.append((moment, _new_run(w, before)))

    # right after start: the warehouse has just been opened
    attempt("right after start", None, "all", lambda p: ck.wait_open(p, w.name))
    # mid-chunk: the first model's first chunk sleeps inside its transaction (rows written, no commit)
    attempt("mid-chunk", SLEEP, "month", lambda p: ck.wait_sleeps(p, 1))
    assert ck.done_dates(w) == {}, "a chunk killed before its COMMIT left rows or state behind"
    # during a write: the second chunk's sleep is over, its COMMIT is being written
    attempt("during the commit", SLEEP, "month", lambda p: (ck.wait_sleeps(p, 2), ck.wait_busy(p)))
    # between models: right after the first pending model's last chunk committed (the WAL was
    # written twice since its sleep ended: the kill lands after its 'success' row or just as the
    # next model starts)
    attempt(
        "between models",
        SLEEP,
        "month",
        lambda p: (ck.wait_sleeps(p, 1), ck.wait_busy(p), ck.wait_file_changes(p, wal, 2)),
    )
    # mid-chunk deep in the run: a Phase 4 model with failure rows. Models run side by side, so
    # only it sleeps (long): the process goes idle once the models beside it are done or wait for it
    done = set(ck.done_dates(w))
    pending = [m for m in catalog.ordered() if m.name not in done]
    target = next(m for i, m in enumerate(pending, 1) if m.failures and i >= 2)
    attempt(
        f"mid-chunk of {target.name}",
        LONG_SLEEP,
        "all",
        lambda p: ck.wait_sleeps(p, 1),
        env={SLEEP_MODEL_ENV: target.name},
    )
    assert target.name not in ck.done_dates(w), "the killed chunk left state behind"
    assert len(killed) == 5

    ck.run_ok(w, *BACKFILL)
    assert ck.differences(w, ref) == {}
    assert ck.invariants(w, catalog) == []
    # the history tells the truth about every killed run
    for moment, run_id in killed:
        if run_id is not None:
            assert ck.history_problems(w, run_id, n_models) == [], moment
    statuses = [r[2] for r in ck.history(w)]
    assert "running" not in statuses and statuses.count("killed") >= 3, statuses
    # and nothing is left to do
    again = ck.run_ok(w, *BACKFILL)
    assert "inputs unchanged" in again.stdout
    assert ck.differences(w, ref) == {}


def test_daily_run_killed_mid_chunk_then_rerun(world, catalog, tmp_path):
    w = ck.copy(world.backfilled, tmp_path / "wh.duckdb")
    before = ck.run_ids(w)
    p = ck.start(w, "run", "--date", ck.DAILY, sleep=SLEEP)
    ck.wait_sleeps(p, 6)  # the 6th model's chunk of the date: Phase 4
    _killed(p, "mid-chunk of the daily run")
    _after_kill(w, world.daily, catalog)
    run_id = _new_run(w, before)
    ck.run_ok(w, "run", "--date", ck.DAILY)
    assert ck.differences(w, world.daily) == {}
    assert ck.history_problems(w, run_id, len(catalog.ordered())) == []
    statuses = [r[2] for r in ck.history(w) if r[0] == run_id]
    # the model that was running and the ones it never reached are all 'killed', none 'pending'
    assert statuses.count("killed") >= 1 and "pending" not in statuses and "running" not in statuses, statuses


def test_forced_recompute_killed_keeps_the_old_rows(world, catalog, tmp_path):
    """--force rewrites dates that are done: killed mid-chunk, the chunk's old rows stay."""
    w = ck.copy(world.backfilled, tmp_path / "wh.duckdb")
    p = ck.start(w, *BACKFILL, "--force", "--chunk", "month", sleep=SLEEP)
    ck.wait_sleeps(p, 3)
    _killed(p, "mid-chunk of a forced recompute")
    _after_kill(w, world.backfilled, catalog)
    assert ck.differences(w, world.backfilled) == {}  # the forced chunks so far rewrote the same rows
    ck.run_ok(w, *BACKFILL)
    assert ck.differences(w, world.backfilled) == {}
