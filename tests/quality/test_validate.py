"""`nbaprops validate` on a really backfilled warehouse (a few weeks of 2023-24), and on copies of
it corrupted on purpose: each corruption must be caught and the command must exit 1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nbaprops.quality.validate import FAIL, PASS, validate
from nbaprops.warehouse import Warehouse

from .conftest import END, START


@pytest.fixture()
def corrupt_copy(backfilled, tmp_path) -> Path:
    dst = tmp_path / "corrupt.duckdb"
    shutil.copy(backfilled, dst)
    return dst


def cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def test_validate_passes_on_a_backfilled_real_warehouse(backfilled, tmp_path):
    with Warehouse.open(backfilled, read_only=True) as wh:
        rep = validate(wh, pit_samples=2, workdir=tmp_path)
    failed = [(r.check, r.detail, r.sample) for r in rep.results if r.status == FAIL]
    assert not failed, failed
    assert (rep.start, rep.end) == (START, END)
    # every model's key, universe (Phase 4) and coverage check ran and passed
    checks = {r.check: r for r in rep.results}
    for name in (
        "primary_key:precompute.player_daily_cache",
        "raw_key:raw.player_points_props",
        "raw_key:raw.shots",
        "universe:precompute.player_shot_zone_analysis",
        "universe:precompute.team_defense_zone_analysis",
        "universe:precompute.player_composite_factors",
        "coverage:predictions.ml_feature_store_v2",
        "processing_errors",
        "feature_ranges",
        "availability:missed_games",
        "availability:vacated",
        "schedule:home_team",
    ):
        assert checks[name].status == PASS, (name, checks[name])
    pit = checks["point_in_time"]
    assert pit.status == PASS and pit.rows, pit
    assert any(r[1] == "precompute.player_daily_cache" and r[2] > 0 for r in pit.rows), pit.rows
    assert checks["failure_ramp"].status in (PASS, "warn")  # reported, never a failure
    assert checks["failure_ramp"].rows

    proc = cli(backfilled, "validate", "--pit-samples", "0")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "primary_key:ml_feature_store_v2" in proc.stdout and "passed" in proc.stdout


CORRUPTIONS = {
    # a prop line's key twice: raw.player_points_props has no index on its key (the loader keeps it)
    "duplicate_prop_key": (
        "INSERT INTO raw.player_points_props SELECT * FROM raw.player_points_props "
        "WHERE game_date = DATE '2023-12-01' LIMIT 1",
        "raw_key:raw.player_points_props",
    ),
    # a duplicated primary key (the model tables carry no constraint: the runner dedups on write)
    "duplicate_row": (
        "INSERT INTO precompute.player_daily_cache SELECT * FROM precompute.player_daily_cache "
        "WHERE cache_date = DATE '2023-12-01' LIMIT 1",
        "primary_key:precompute.player_daily_cache",
    ),
    # a Phase 4 row vanishes without a failure row taking its place
    "phase4_row_deleted": (
        "DELETE FROM precompute.player_shot_zone_analysis WHERE (player_lookup, analysis_date) IN "
        "(SELECT (player_lookup, analysis_date) FROM precompute.player_shot_zone_analysis "
        "WHERE analysis_date = DATE '2023-12-01' LIMIT 1)",
        "universe:precompute.player_shot_zone_analysis",
    ),
    # a feature outside its registry range
    "feature_out_of_range": (
        "UPDATE predictions.ml_feature_store_v2 SET fatigue_score = 250 WHERE game_date = DATE '2023-12-01'",
        "feature_ranges",
    ),
    # a missed game the team's box scores cannot account for (a game without one, or one before a trade)
    "missed_game_without_a_team_game": (
        "UPDATE precompute.player_availability SET team_games_missed_7d = 9 WHERE game_date = DATE '2023-12-01'",
        "availability:missed_games",
    ),
    # more minutes vacated than one game holds
    "vacated_more_than_a_game": (
        "UPDATE precompute.player_availability SET vacated_minutes = 300 WHERE game_date = DATE '2023-12-01'",
        "availability:vacated",
    ),
    # a schedule row whose home team is not the one its box score calls home
    "schedule_home_swapped": (
        "UPDATE raw.schedule SET home_team_abbr = away_team_abbr, away_team_abbr = home_team_abbr "
        "WHERE game_id = (SELECT min(game_id) FROM raw.schedule WHERE game_date = DATE '2023-12-01')",
        "schedule:home_team",
    ),
    # a bug recorded as a failure
    "processing_error": (
        "UPDATE processing.precompute_failures SET failure_category = 'PROCESSING_ERROR' "
        "WHERE analysis_date = (SELECT max(analysis_date) FROM processing.precompute_failures)",
        "processing_errors",
    ),
}


@pytest.mark.parametrize("kind", sorted(CORRUPTIONS))
def test_validate_catches_corruption(corrupt_copy, kind):
    sql, check = CORRUPTIONS[kind]
    with Warehouse.open(corrupt_copy) as wh:
        wh.con.execute(sql)
        wh.con.execute("CHECKPOINT")
    with Warehouse.open(corrupt_copy, read_only=True) as wh:
        rep = validate(wh, pit_samples=0)
    assert not rep.ok
    bad = {r.check: r for r in rep.results if r.status == FAIL}
    assert check in bad, [(r.check, r.status) for r in rep.results]
    assert bad[check].count >= 1 and bad[check].sample, bad[check]


def test_validate_cli_exits_1_on_a_corrupted_warehouse(corrupt_copy):
    with Warehouse.open(corrupt_copy) as wh:
        for sql, _ in CORRUPTIONS.values():
            wh.con.execute(sql)
    proc = cli(corrupt_copy, "validate", "--pit-samples", "0")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for name in (
        "primary_key:player_daily_cache",
        "universe:player_shot_zone_analysis",
        "feature_ranges",
        "processing_errors",
    ):
        line = next(ln for ln in proc.stdout.splitlines() if name in ln)
        assert "fail" in line, line
    assert "failed" in proc.stdout.splitlines()[-1]


def test_validate_reports_coverage_gaps(corrupt_copy):
    with Warehouse.open(corrupt_copy) as wh:
        wh.con.execute("DELETE FROM predictions.ml_feature_store_v2 WHERE game_date = DATE '2023-11-20'")
        wh.con.execute(
            "DELETE FROM processing.model_state WHERE model = 'ml_feature_store_v2' AND target_date = DATE '2023-11-20'"
        )
    with Warehouse.open(corrupt_copy, read_only=True) as wh:
        rep = validate(wh, pit_samples=0)
    cov = rep.get("coverage:predictions.ml_feature_store_v2")
    assert cov.status == FAIL and cov.count == 1 and cov.sample == ["2023-11-20"], cov


def test_validate_bad_dates_exit_2(backfilled):
    proc = cli(backfilled, "validate", "--start-date", "2023-13-01")
    assert proc.returncode == 2
    proc = cli(backfilled, "validate", "--start-date", "2023-12-01", "--end-date", "2023-11-01")
    assert proc.returncode == 2
