"""The pre-flight check before Phase 4: Phase 3 must cover >= 95 % of the schedule's games."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

from nbaprops.runner.backfill import backfill
from nbaprops.runner.preflight import check
from nbaprops.warehouse import Warehouse

START, END = date(2023, 12, 1), date(2023, 12, 31)
PHASE3 = ["player_game_summary", "team_offense_game_summary", "team_defense_game_summary",
          "upcoming_player_game_context", "upcoming_team_game_context"]


@pytest.fixture(scope="module")
def p3_path(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("pre") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        assert backfill(wh, date(2023, 10, 24), END, only=PHASE3).ok
    return path


def _main(path, args):
    """The real CLI in a subprocess (exit codes and output as a user sees them)."""
    return subprocess.run([sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), *args],
                          capture_output=True, text=True)


def test_full_coverage_passes(p3_path):
    with Warehouse.open(p3_path, read_only=True) as wh:
        pf = check(wh.con, START, END)
    assert pf.ok and all(t.pct == 100.0 for t in pf.tables)


def test_a_week_of_missing_dates_stops_the_backfill(p3_path, tmp_path):
    path = tmp_path / "gaps.duckdb"
    shutil.copy(p3_path, path)
    with Warehouse.open(path) as wh:
        for t in ("team_defense_game_summary", "team_offense_game_summary", "player_game_summary"):
            wh.con.execute(f"DELETE FROM analytics.{t} WHERE game_date BETWEEN '2023-12-04' AND '2023-12-10'")
        pf = check(wh.con, START, END)
        assert not pf.ok
        gaps = {d for t in pf.tables for d, *_ in t.gaps}
        assert date(2023, 12, 5) in gaps
        res = backfill(wh, START, END, only=["team_defense_zone_analysis"])
        assert not res.ok and "pre-flight" in res.models[0].error
        assert wh.con.execute("SELECT count(*) FROM information_schema.tables "
                              "WHERE table_name = 'team_defense_zone_analysis'").fetchone()[0] == 0
    dry = _main(path, ["backfill", "--start-date", str(START), "--end-date", str(END), "--dry-run"])
    assert dry.returncode == 0 and "pre-flight" in dry.stdout and "2023-12-05" in dry.stdout
    r = _main(path, ["backfill", "--start-date", str(START), "--end-date", str(END),
                     "--only", "team_defense_zone_analysis"])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "pre-flight" in r.stdout and "2023-12-05" in r.stdout
    r = _main(path, ["backfill", "--start-date", str(START), "--end-date", str(END),
                     "--only", "team_defense_zone_analysis", "--skip-preflight"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_one_team_missing_for_a_week_is_below_the_threshold_on_a_short_range(p3_path, tmp_path):
    path = tmp_path / "team.duckdb"
    shutil.copy(p3_path, path)
    with Warehouse.open(path) as wh:
        for t, col in (("team_defense_game_summary", "defending_team_abbr"), ("team_offense_game_summary", "team_abbr"),
                       ("player_game_summary", "team_abbr")):
            wh.con.execute(f"DELETE FROM analytics.{t} WHERE {col} = 'BOS' AND game_date BETWEEN '2023-12-01' AND '2023-12-07'")
        pf = check(wh.con, date(2023, 12, 8), date(2023, 12, 8))
    bad = {t.table: t for t in pf.tables}
    assert all(t.covered_games < t.scheduled_games for t in bad.values())
    assert any(d == date(2023, 12, 2) or d.month == 12 for t in bad.values() for d, *_ in t.gaps)
