"""Every listing command through the real command line: at 80 columns on a terminal the tables
fit and no number is cut; through a pipe nothing is cut; --format csv / json parse."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pytest

from nbaprops.warehouse import Warehouse

from .conftest import assert_fits, assert_uncut, plain, run_cli


def _ok(r):
    assert r.returncode == 0, r.stderr
    return r


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("history", "--limit", "20"),
        ("failures",),
        ("failures", "--by-week"),
        ("failures", "--list", "--limit", "5"),
        ("rejected", "--limit", "20"),
        ("rejected", "--summary"),
        ("features", "Pascal Siakam", "--date", "2024-01-21"),
        ("validate", "--pit-samples", "0", "--start-date", "2024-01-01"),
    ],
)
def test_tables_fit_80_columns_and_are_uncut_in_a_pipe(season_wh, args):
    r = run_cli(season_wh, *args, terminal=True)
    assert r.returncode in (0, 1), r.stderr  # validate may find a failing check
    assert_fits(r.stdout)
    piped = run_cli(season_wh, *args)
    assert piped.returncode == r.returncode, piped.stderr
    assert_uncut(piped.stdout)
    assert "\x1b[" not in piped.stdout


def test_status_numbers_are_whole_at_80_columns(season_wh):
    with Warehouse.open(season_wh, read_only=True) as wh:
        n = wh.count("precompute.player_shot_zone_analysis")
    out = plain(_ok(run_cli(season_wh, "status", terminal=True)).stdout)
    line = next(ln for ln in out.splitlines() if ln.startswith("player_shot_zone_analysis "))
    assert f"{n:,}" in line.split()


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("history",),
        ("failures",),
        ("failures", "--list"),
        ("rejected",),
        ("rejected", "--summary"),
        ("features", "pascalsiakam", "--date", "2024-01-21"),
    ],
)
def test_csv_and_json_parse(season_wh, command):
    rows = list(csv.DictReader(io.StringIO(_ok(run_cli(season_wh, *command, "--format", "csv")).stdout)))
    assert rows
    data = json.loads(_ok(run_cli(season_wh, *command, "--format", "JSON")).stdout)
    assert data


def test_csv_has_raw_numbers(season_wh):
    with Warehouse.open(season_wh, read_only=True) as wh:
        n = wh.count("processing.rejected_rows")
        want = wh.count("predictions.ml_feature_store_v2")
    rows = list(
        csv.DictReader(io.StringIO(_ok(run_cli(season_wh, "rejected", "--limit", "100000", "--format", "csv")).stdout))
    )
    assert len(rows) == n and {"file", "row", "column", "reason", "record"} <= set(rows[0])
    status = {
        r["model"]: r for r in csv.DictReader(io.StringIO(_ok(run_cli(season_wh, "status", "--format", "csv")).stdout))
    }
    assert int(status["ml_feature_store_v2"]["rows"]) == want


def test_failures_default_is_a_short_summary(season_wh):
    out = plain(_ok(run_cli(season_wh, "failures", terminal=True)).stdout)
    body = [ln for ln in out.splitlines() if "Processor" in ln]
    assert 0 < len(body) <= 20
    weeks = plain(_ok(run_cli(season_wh, "failures", "--by-week")).stdout)
    assert "week" in weeks and len(weeks.splitlines()) > len(out.splitlines())


def test_history_limit_must_be_positive(season_wh):
    r = run_cli(season_wh, "history", "--limit", "-1")
    assert r.returncode == 2 and "--limit" in r.stderr and "Traceback" not in r.stderr and "Binder" not in r.stderr


def test_backfill_summary_fits_80_columns(season_wh, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(season_wh, wh)
    r = run_cli(wh, "backfill", "--start-date", "2024-01-20", "--end-date", "2024-01-25", "--force")
    assert r.returncode == 0, r.stderr
    summary = r.stdout[r.stdout.index("\nbackfill ") :]  # the summary (the progress lines are the runner's)
    assert_uncut(summary)
    line = next(ln for ln in summary.splitlines() if ln.startswith("player_game_summary "))
    assert line.split()[1] == "success" and line.split()[2] == "6"  # 6 dates computed, in one cell
    r = run_cli(wh, "backfill", "--start-date", "2024-01-20", "--end-date", "2024-01-25", terminal=True)
    assert r.returncode == 0, r.stderr
    out = plain(r.stdout)
    assert_fits(out[out.index("\nbackfill ") :])


def test_backtest_table_fits_80_columns_and_is_uncut_in_a_log(season_wh):
    args = (
        "backtest",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-01-25",
        "--min-train-rows",
        "2000",
        "--no-write",
        "--no-months",
    )
    r = run_cli(season_wh, *args, terminal=True)
    assert r.returncode == 0, r.stderr
    assert_fits(r.stdout)
    data = json.loads(_ok(run_cli(season_wh, *args, "--format", "json")).stdout)
    assert data["overall"][0]["scope"] and data["probabilities"]


def test_ingest_table_fits_80_columns(real_warehouse_path, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(real_warehouse_path, wh)
    r = run_cli(wh, "ingest", terminal=True)
    assert r.returncode == 0, r.stderr
    out = plain(r.stdout)
    assert_fits(out[out.index("ingest ") :])
    assert "schedule_2021_22_to_2025_26.parquet" in out and "nbaprops rejected" in out
