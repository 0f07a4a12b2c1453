"""Ctrl-C (SIGINT) of the real CLI: a short message and exit code 130, never a traceback,
whether it lands in Python code or inside a DuckDB query (DuckDB then raises
RuntimeError('Query interrupted')); the chunk it cut short is rolled back and the next run
finishes the work. And inside the runner an interrupt stops the run: it is not a failed chunk
to record and move past."""

from __future__ import annotations

import signal
import threading
import time
from datetime import date

import crashkit as ck
import pytest

from nbaprops.catalog import Catalog
from nbaprops.runner.execute import run_chunk
from nbaprops.runner.plan import Chunk
from nbaprops.warehouse import Warehouse

# slow: Ctrl-C sent to the real command line at watched moments of a backfill and a daily run (make test-all)
pytestmark = pytest.mark.slow

BACKFILL = ("backfill", "--start-date", ck.START, "--end-date", ck.END)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ck.World:
    return ck.world(tmp_path_factory.mktemp("interrupt_world"))


def _interrupt(p: ck.Proc) -> int:
    p.popen.send_signal(signal.SIGINT)
    return p.wait(timeout=120)


@pytest.mark.parametrize("moment", ["in a chunk's transaction", "inside a query"])
def test_ctrl_c_during_a_backfill(world, tmp_path, moment):
    w = ck.copy(world.ingested, tmp_path / "wh.duckdb")
    if moment == "in a chunk's transaction":
        p = ck.start(w, *BACKFILL, "--chunk", "month", sleep=0.5)
        ck.wait_sleeps(p, 2)  # the second chunk sleeps: rows written, not committed
    else:
        p = ck.start(w, *BACKFILL, "--chunk", "date")
        ck.wait_cpu(p, 1.5)  # well into the run: most of its time is spent in queries
    code = _interrupt(p)
    assert code == 130, (code, p.stderr[-2000:])
    assert "interrupted" in p.stderr and "Traceback" not in p.stderr, p.stderr[-2000:]
    assert ck.invariants(w, Catalog.load()) == []
    ck.run_ok(w, *BACKFILL)
    assert ck.differences(w, world.backfilled) == {}
    statuses = [r[2] for r in ck.history(w)]
    assert "running" not in statuses and "pending" not in statuses and "killed" in statuses, statuses


def test_ctrl_c_during_a_daily_run(world, tmp_path):
    """The daily run's models run on worker threads; the interrupt reaches the main thread,
    which lets the running models finish their chunk and stops."""
    w = ck.copy(world.backfilled, tmp_path / "wh.duckdb")
    p = ck.start(w, "run", "--date", ck.DAILY, sleep=0.5)
    ck.wait_sleeps(p, 1)
    code = _interrupt(p)
    assert code == 130 and "interrupted" in p.stderr and "Traceback" not in p.stderr, (code, p.stderr[-2000:])
    # the models it never started are still 'pending' until the next writer: history shows them
    # as interrupted (no writer is alive when history can read), and an error text with brackets
    # is printed as it is (not read as markup)
    with Warehouse.open(w) as wh:
        wh.con.execute(
            "UPDATE reference.processor_run_history SET error = '[/] not [red]markup' WHERE status = 'pending'"
        )
    hist = ck.run(w, "history", "--limit", "100", "--wide")  # (--wide: the error column)
    assert hist.returncode == 0 and "interrupted" in hist.stdout and "[/] not [red]markup" in hist.stdout, (
        hist.stdout + hist.stderr
    )
    ck.run_ok(w, "run", "--date", ck.DAILY)
    assert ck.differences(w, world.daily) == {}


SLOW = """\
-- table: analytics.toy_slow
-- kind: by_date
-- grain: game_date
-- time_column: game_date
-- depends_on: raw.schedule
-- lookback_days: 0
SELECT s.game_date, (SELECT count(*) FROM range(3000000000) r WHERE r.range % 7 = 3) AS n
FROM raw.schedule s WHERE s.game_date BETWEEN $start_date AND $end_date GROUP BY s.game_date
"""


def test_an_interrupted_query_stops_the_run(world, tmp_path):
    """DuckDB's interrupt inside run_chunk becomes KeyboardInterrupt, and the chunk rolls back."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "toy_slow.sql").write_text(SLOW)
    model = Catalog.load(tmp_path / "models").get("toy_slow")
    w = ck.copy(world.ingested, tmp_path / "wh.duckdb")
    day = date.fromisoformat(ck.START)
    with Warehouse.open(w) as wh:
        timer = threading.Timer(0.5, wh.con.interrupt)
        timer.start()
        t0 = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            run_chunk(wh, model, Chunk(day, day, (day,)), "run-1", {day: "fp"})
        timer.join()
        assert time.monotonic() - t0 < 60
        assert wh.con.execute("SELECT count(*) FROM analytics.toy_slow").fetchone()[0] == 0
        assert wh.con.execute("SELECT count(*) FROM processing.model_state WHERE model = 'toy_slow'").fetchone()[0] == 0
