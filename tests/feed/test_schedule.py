"""The season's schedule: fetched when the feed has none or it is stale, so that a date not yet
played has its games in the warehouse. (No scheduleleaguev2 response was recorded: the stub
builds one in the documented shape from the bundled schedule, see tests/fixtures/nba_stats.)"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import duckdb

from nbaprops.runner.daily import games_on
from nbaprops.warehouse import Warehouse

from .helpers import cli, run_fetch
from .stub import BUNDLED, GAME_DATE


def test_schedule_only_fetch_gives_the_universe_of_later_dates(empty_warehouse, tmp_path, stub, capsys):
    wh = str(empty_warehouse)
    code, out, err = cli(
        capsys, "--warehouse", wh, "fetch", "--date", "2025-11-05", "--schedule-only", "--ingest", "--interval", "0"
    )
    assert code == 0, err
    assert "season 2025-26 schedule: fetched" in out
    want = duckdb.execute(
        f"SELECT count(*) FROM '{BUNDLED}/schedule_*.parquet' WHERE season = '2025-26' AND game_date = '2026-01-15'"
    ).fetchall()[0][0]
    with Warehouse.open(wh, read_only=True) as w:
        assert games_on(w, date(2026, 1, 15)) == want > 0  # a date not yet played has its games
        assert games_on(w, date(2025, 11, 5)) == 11
    assert stub.calls["boxscoretraditionalv3"] == 0


def test_a_fresh_schedule_is_not_fetched_again(tmp_path, stub):
    feed = tmp_path / "feed"
    run_fetch(feed, "2025-11-05", schedule_only=True)
    assert stub.calls["scheduleleaguev2"] == 1
    report = run_fetch(feed, "2025-11-06", schedule_only=True)
    assert stub.calls["scheduleleaguev2"] == 1 and report.seasons[0].status == "fresh"
    report = run_fetch(feed, "2025-11-07", schedule_only=True, schedule_max_age_days=0)
    assert stub.calls["scheduleleaguev2"] == 2 and report.seasons[0].status == "fetched"


def test_terminal_progress_and_from_cache_in_a_subprocess(tmp_path, stub):
    """The live progress bars on an 80-column terminal, and --from-cache with no network at all
    (a separate process: no stub there)."""
    feed = tmp_path / "feed"
    run_fetch(feed)
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(TTY_COMPATIBLE="1", COLUMNS="80", NO_COLOR="1")
    for terminal in (True, False):
        if not terminal:
            env.pop("TTY_COMPATIBLE")
        p = subprocess.run(
            [
                sys.executable,
                "-m",
                "nbaprops.cli",
                "fetch",
                "--from-cache",
                "--date",
                GAME_DATE,
                "--feed-dir",
                str(feed),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert p.returncode == 0, p.stderr
        assert "no network used" in p.stdout and "complete" in p.stdout
        assert ("0022200552 CHI @ CLE" in p.stdout) is (not terminal)  # plain lines only in a pipe
