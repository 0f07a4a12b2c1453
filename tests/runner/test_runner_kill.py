"""kill -9 at any moment, then re-run: only the remaining work is done, the end state equals an
uninterrupted run, no duplicates, and the killed run is not reported as alive or successful."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from toys import state_rows, table_rows

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

S, E = "2023-10-24", "2024-01-31"


def cli(wh_path, models, *args, sleep: float | None = None) -> subprocess.Popen:
    env = dict(os.environ, NBAPROPS_MODELS_DIR=str(models), COLUMNS="160")
    env.pop("NBAPROPS_TEST_CHUNK_SLEEP", None)
    if sleep:
        env["NBAPROPS_TEST_CHUNK_SLEEP"] = str(sleep)
    return subprocess.Popen(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(wh_path), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def snapshot(path):
    with Warehouse.open(path, read_only=True) as wh:
        out = {
            t: table_rows(wh.con, t)
            for t in ("analytics.toy_daily_points", "precompute.toy_rolling")
            if wh.table_exists(t)
        }
        out["state"] = state_rows(wh.con)
        dups = sum(
            wh.con.execute(f"SELECT count(*) - count(DISTINCT game_date) FROM {t}").fetchone()[0]
            for t in ("analytics.toy_daily_points", "precompute.toy_rolling")
            if wh.table_exists(t)
        )
        return out, dups


@pytest.mark.slow  # kills the command line mid-backfill and resumes
def test_kill_9_mid_backfill_then_resume(real_copy, toy_models, tmp_path):
    clean = tmp_path / "clean.duckdb"
    shutil.copy(real_copy, clean)
    with Warehouse.open(clean) as wh:
        backfill(wh, date.fromisoformat(S), date.fromisoformat(E), catalog=Catalog.load(toy_models), chunk_mode="date")
    expected, _ = snapshot(clean)
    n_dates = len(expected["state"]) // 2

    args = ("backfill", "--start-date", S, "--end-date", E, "--chunk", "date")
    killed_runs = 0
    progress = []
    for delay in (1.2, 2.0, 2.6, 3.5):
        p = cli(real_copy, toy_models, *args, sleep=0.03)
        time.sleep(delay)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed_runs += 1
        p.communicate()
        snap, dups = snapshot(real_copy)
        assert dups == 0
        # every saved state row describes rows that are really there (same transaction)
        done = {(m, d) for m, d, *_ in snap["state"]}
        for table, model in (
            ("analytics.toy_daily_points", "toy_daily_points"),
            ("precompute.toy_rolling", "toy_rolling"),
        ):
            have = {r[0] for r in snap.get(table, [])}
            assert {d for m, d in done if m == model} >= have
        progress.append(len(snap["state"]))
    assert killed_runs >= 2, "the kills must land mid-run for this test to mean anything"
    assert progress == sorted(progress)

    p = cli(real_copy, toy_models, *args)
    out, _ = p.communicate()
    assert p.returncode == 0, out
    final, dups = snapshot(real_copy)
    assert dups == 0 and final == expected
    assert len(final["state"]) == 2 * n_dates

    with Warehouse.open(real_copy, read_only=True) as wh:
        statuses = [
            r[0]
            for r in wh.con.execute("SELECT status FROM reference.processor_run_history ORDER BY started_at").fetchall()
        ]
        errors = wh.con.execute("SELECT error FROM reference.processor_run_history WHERE status = 'killed'").fetchall()
    assert "running" not in statuses
    assert statuses.count("killed") >= killed_runs  # one per killed run (the model it was in)
    assert all("interrupted" in e[0] for e in errors)
    # a re-run after completion does nothing
    p = cli(real_copy, toy_models, *args)
    out, _ = p.communicate()
    assert p.returncode == 0 and "inputs unchanged" in out
    assert snapshot(real_copy)[0] == expected


def test_cli_failure_exits_1_and_dry_run_exits_0(real_copy, fragile_models):
    with Warehouse.open(real_copy) as wh:
        wh.con.execute("CREATE TABLE main.toy_poison (game_date DATE, val VARCHAR)")
        wh.con.execute("INSERT INTO main.toy_poison VALUES ('2023-03-08', 'boom')")
    p = cli(
        real_copy, fragile_models, "backfill", "--start-date", "2023-03-01", "--end-date", "2023-03-15", "--dry-run"
    )
    out, _ = p.communicate()
    assert p.returncode == 0 and "nothing written" in out and "toy_fragile" in out
    p = cli(real_copy, fragile_models, "backfill", "--start-date", "2023-03-01", "--end-date", "2023-03-15")
    out, _ = p.communicate()
    assert p.returncode == 1 and "boom" in out and "retried by the next run" in out
    p = cli(real_copy, fragile_models, "history")
    out, _ = p.communicate()
    assert p.returncode == 0 and "failed" in out
    p = cli(real_copy, fragile_models, "status")
    out, _ = p.communicate()
    assert p.returncode == 0 and "toy_fragile" in out
    p = cli(
        real_copy,
        fragile_models,
        "backfill",
        "--start-date",
        "2023-03-01",
        "--end-date",
        "2023-03-15",
        "--chunk",
        "weekly",
    )
    out, _ = p.communicate()
    assert p.returncode == 2
