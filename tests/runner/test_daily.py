"""The daily run's dates (`nbaprops run`): without --date, every scheduled game date up to today
(US Eastern, or --today / NBAPROPS_TODAY) that was never computed, then today; a day without
games says so; a schedule that ends before today says so and what to do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.runner.daily import TODAY_ENV, latest_game_date, plan_daily, today_eastern
from nbaprops.runner.plan import game_dates
from nbaprops.runner.state import METADATA_COLUMNS
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]
OPENING = date(2021, 10, 19)  # the first game date of the bundled data


def cli(wh: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "COLUMNS": "250", **(env or {})}
    e.pop("NBAPROPS_DEBUG", None)
    if env is None:
        e.pop(TODAY_ENV, None)
    return subprocess.run([*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=e, timeout=600)


def ok(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    return " ".join(proc.stdout.split())


def content(wh: Warehouse, table: str) -> list[tuple]:
    cols = ", ".join(f'"{c}"' for c in wh.columns(table) if c not in METADATA_COLUMNS)
    return wh.con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()


def done_dates(wh: Warehouse) -> dict[str, list[date]]:
    """The dates each date-keyed model holds as done (a `full` model's state also holds the
    dates of its table's rows: it is computed whole)."""
    by_date = {m.name for m in Catalog.load().ordered() if m.kind != "full"}
    rows = wh.con.execute(
        "SELECT model, list(target_date ORDER BY target_date) FROM processing.model_state GROUP BY model"
    ).fetchall()
    return {m: d for m, d in rows if m in by_date}


@pytest.fixture(scope="module")
def through_nov_5(real_warehouse_path, tmp_path_factory) -> Path:
    """The ingested real data, backfilled from opening night 2021 through 2021-11-05."""
    path = tmp_path_factory.mktemp("daily") / "nov5.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        assert backfill(wh, OPENING, date(2021, 11, 5)).ok
    return path


def test_today_is_taken_in_us_eastern_time():
    # 03:00 UTC on Jan 1 is still Dec 31 in New York; 12:00 UTC is Jan 1
    assert today_eastern(datetime(2024, 1, 1, 3, 0, tzinfo=UTC)) == date(2023, 12, 31)
    assert today_eastern(datetime(2024, 1, 1, 12, 0, tzinfo=UTC)) == date(2024, 1, 1)
    # summer time: UTC-4
    assert today_eastern(datetime(2024, 7, 1, 3, 59, tzinfo=UTC)) == date(2024, 6, 30)
    assert today_eastern(datetime(2024, 7, 1, 4, 0, tzinfo=UTC)) == date(2024, 7, 1)


def test_the_plan(through_nov_5, monkeypatch):
    models = {m.name for m in Catalog.load().ordered() if m.kind != "full"}
    with Warehouse.open(through_nov_5, read_only=True) as wh:
        assert set(done_dates(wh)) == models
        games = game_dates(wh.con)
        # catch up every game date after the last computed one, through today
        p = plan_daily(wh, today=date(2021, 11, 15))
        assert p.missing == [d for d in games if date(2021, 11, 5) < d <= date(2021, 11, 15)]
        assert (p.start, p.end, p.explicit, p.schedule_ended) == (date(2021, 11, 6), date(2021, 11, 15), False, False)
        assert p.games_today > 0 and p.no_games_note() is None and p.parallel is False
        # the env var fixes today when no --today is given
        monkeypatch.setenv(TODAY_ENV, "2021-11-06")
        p = plan_daily(wh)
        assert (p.today, p.missing, p.parallel) == (date(2021, 11, 6), [date(2021, 11, 6)], True)
        monkeypatch.delenv(TODAY_ENV)
        # a day without games (Thanksgiving)
        p = plan_daily(wh, today=date(2021, 11, 25))
        assert p.games_today == 0 and "no games scheduled on today (2021-11-25" in p.no_games_note()
        # the schedule ends before today: everything up to its end is missing, and it says so
        end = latest_game_date(wh)
        p = plan_daily(wh, today=end.replace(year=end.year + 1))
        assert p.schedule_ended and p.missing[-1] == end and str(end) in p.schedule_note()
        assert "ingest" in p.schedule_note() and p.no_games_note() is None
        # --date D: D only, and a count of the dates before it never computed
        p = plan_daily(wh, on=date(2021, 11, 20))
        assert (p.start, p.end, p.missing) == (date(2021, 11, 20), date(2021, 11, 20), [])
        assert p.missing_before == len([d for d in games if date(2021, 11, 5) < d < date(2021, 11, 20)])
        assert any("never computed" in n for n in p.notes())
        p = plan_daily(wh, on=date(2030, 1, 1))
        assert p.no_games_note() == f"no games scheduled on 2030-01-01 (the schedule ends on {end})"
        assert p.notes() == []  # nothing computed: no warning about earlier dates


def test_run_brings_the_warehouse_up_to_date(through_nov_5, tmp_path):
    wh_path = tmp_path / "daily.duckdb"
    shutil.copy(through_nov_5, wh_path)
    # 1. today 2021-11-15: the dates after Nov 5 are caught up, oldest first, then today
    out = ok(cli(wh_path, "run", "--today", "2021-11-15"))
    assert "catching up 9 scheduled game dates never computed (2021-11-06 .. 2021-11-14)" in out
    # 2. Thanksgiving, through the env var: Nov 16 .. 24 caught up, and no games today
    out = ok(cli(wh_path, "run", env={TODAY_ENV: "2021-11-25"}))
    assert "catching up" in out and "no games scheduled on today (2021-11-25, as given)" in out
    with Warehouse.open(wh_path, read_only=True) as wh:
        games = [d for d in game_dates(wh.con) if d <= date(2021, 11, 25)]
        assert all(v == games for v in done_dates(wh).values())
        # no date was computed before the dates before it: no missing-dependency failures
        assert (
            wh.con.execute(
                "SELECT count(*) FROM processing.precompute_failures WHERE failure_category = 'MISSING_DEPENDENCY'"
            ).fetchone()[0]
            == 0
        )
        daily = {
            t: content(wh, t) for t in [m.table for m in Catalog.load().ordered()] + ["processing.precompute_failures"]
        }
    # the same tables as one backfill over the same dates
    ref = tmp_path / "ref.duckdb"
    shutil.copy(through_nov_5, ref)
    with Warehouse.open(ref) as wh:
        assert backfill(wh, OPENING, date(2021, 11, 25)).ok
        for table, rows in daily.items():
            assert content(wh, table) == rows, table
    # 3. the same day again: nothing to compute, said without a table of skipped models
    out = ok(cli(wh_path, "run", "--today", "2021-11-25"))
    assert "no games scheduled on today (2021-11-25, as given)" in out and "inputs unchanged" not in out
    assert "catching up" not in out
    # 4. a date without games: "no games scheduled", not "skipped — inputs unchanged"
    for d in ("2030-01-01", "2022-08-01"):
        out = ok(cli(wh_path, "run", "--date", d))
        assert f"no games scheduled on {d}" in out and "inputs unchanged" not in out, out
    out = ok(cli(wh_path, "run", "--date", "2030-01-01", "--dry-run"))
    assert "no games scheduled on 2030-01-01" in out
    # 5. the schedule ends before today: what there is gets computed, then the run says so
    with Warehouse.open(wh_path) as wh:
        wh.con.execute("DELETE FROM raw.schedule WHERE game_date > DATE '2021-11-30'")
    out = ok(cli(wh_path, "run", "--today", "2021-12-05"))
    assert "scheduled game dates never computed (2021-11-26 .. 2021-11-30)" in out
    assert (
        "the schedule ends on 2021-11-30, before today (2021-12-05, as given): there are no newer games to compute"
    ) in out and "ingest" in out
    # 6. --date D with earlier dates never computed: computed alone, with a note
    with Warehouse.open(wh_path) as wh:
        wh.con.execute("DELETE FROM processing.model_state WHERE target_date = DATE '2021-11-29'")
    out = ok(cli(wh_path, "run", "--date", "2021-11-30"))
    assert "1 game date before 2021-11-30 was never computed" in out


def test_run_help_documents_the_rule():
    out = ok(cli(Path("unused.duckdb"), "run", "--help"))
    assert "US Eastern" in out and "never computed" in out and "--today" in out and TODAY_ENV in out
    assert "no games scheduled" in out and "schedule ends before today" in out
