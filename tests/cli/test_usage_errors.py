"""Usage errors through the real command line: one line `nbaprops: error: ...` (with the --help
hint), exit 2, on an 80-column terminal and through a pipe; `backfill`'s model names, --chunk
and --engine are checked up front, in any case, and a wrong one is named in one line with the
accepted values."""

from __future__ import annotations

import pytest

from nbaprops.cli.common import model_names

from .conftest import plain, run_cli

USAGE = [
    (("history", "--limit", "-1"), "Invalid value for '--limit'", "nbaprops history --help"),
    (("status", "--bogus"), "No such option: --bogus", "nbaprops status --help"),
    (("--bogus",), "No such option: --bogus", "nbaprops --help"),
    (("nocmd",), "No such command 'nocmd'", "nbaprops --help"),
    (("backfill", "--end-date", "2024-01-01"), "Missing option '--start-date'", "nbaprops backfill --help"),
    (("history", "--limit"), "Option '--limit' requires an argument", "nbaprops history --help"),
    (("status", "--format", "xml"), "Invalid value for '--format'", "nbaprops status --help"),
]


def _one_error_line(proc, code: int = 2) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in plain(proc.stderr).splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert proc.stdout == "", proc.stdout
    assert "…" not in lines[0]
    return lines[0]


@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal80"])
@pytest.mark.parametrize("args,what,hint", USAGE, ids=[" ".join(a) for a, _, _ in USAGE])
def test_a_usage_error_is_one_line_exit_2(tmp_path, args, what, hint, terminal):
    line = _one_error_line(run_cli(tmp_path / "none.duckdb", *args, terminal=terminal))
    assert line.startswith("nbaprops: error: "), line
    assert what in line and hint in line, line
    for noise in ("Usage:", "Try '", "Error:"):
        assert noise not in line


def test_no_arguments_still_prints_the_help(tmp_path):
    proc = run_cli(None)
    assert proc.returncode == 2
    assert "Usage: nbaprops" in plain(proc.stdout + proc.stderr)


def test_version_and_help_exit_0():
    assert run_cli(None, "--version").returncode == 0
    proc = run_cli(None, "history", "--help")
    assert proc.returncode == 0 and "nbaprops history" in plain(proc.stdout)


def test_backfill_help_lists_the_models():
    proc = run_cli(None, "backfill", "--help")
    assert proc.returncode == 0, proc.stderr
    text = plain(proc.stdout)
    for name in model_names():
        assert name in text, name


@pytest.mark.parametrize("option", ["--only", "--start-from"])
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal80"])
def test_an_unknown_model_is_one_line_naming_the_models(tmp_path, option, terminal):
    # checked before the warehouse is opened: the missing warehouse is not what is reported
    proc = run_cli(
        tmp_path / "none.duckdb",
        "backfill",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-01-02",
        option,
        "player_game_summry",
        terminal=terminal,
    )
    line = _one_error_line(proc)
    assert f"{option}: unknown model 'player_game_summry'" in line
    for name in model_names():
        assert name in line


def test_a_model_under_the_wrong_schema_names_its_table(tmp_path):
    proc = run_cli(
        tmp_path / "none.duckdb",
        "backfill",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-01-02",
        "--only",
        "analytics.player_daily_cache",
    )
    assert "player_daily_cache is precompute.player_daily_cache" in _one_error_line(proc)


@pytest.mark.parametrize(
    "option,value,accepted",
    [
        ("--chunk", "weekly", "auto, all, season, month, date"),
        ("--engine", "postgres", "duckdb, spark, bigquery"),
    ],
)
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal80"])
def test_a_wrong_choice_is_one_line_naming_the_choices(tmp_path, option, value, accepted, terminal):
    proc = run_cli(
        tmp_path / "none.duckdb",
        "backfill",
        "--start-date",
        "2024-01-01",
        "--end-date",
        "2024-01-02",
        option,
        value,
        terminal=terminal,
    )
    line = _one_error_line(proc)
    assert f"{option} must be one of {accepted}, got '{value}'" in line


def test_choices_and_model_names_take_any_case(real_warehouse_path):
    proc = run_cli(
        real_warehouse_path,
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-11-10",
        "--chunk",
        "MONTH",
        "--engine",
        "DuckDB",
        "--only",
        "Player_Game_Summary,ANALYTICS.game_calendar",
        "--dry-run",
    )
    assert proc.returncode == 0, proc.stderr
    planned = {ln.split()[1] for ln in plain(proc.stdout).splitlines() if ln.split()[:1] and ln.split()[0].isdigit()}
    assert {"player_game_summary", "game_calendar"} <= planned and "ml_feature_store_v2" not in planned
    proc = run_cli(
        real_warehouse_path,
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-11-10",
        "--start-from",
        "ML_FEATURE_STORE_V2",
        "--chunk",
        "Date",
        "--dry-run",
    )
    assert proc.returncode == 0, proc.stderr
    planned = {ln.split()[1] for ln in plain(proc.stdout).splitlines() if ln.split()[:1] and ln.split()[0].isdigit()}
    assert "ml_feature_store_v2" in planned and "player_game_summary" not in planned


@pytest.mark.parametrize(
    "args",
    [("run", "--date", "2024-01-10"), ("run", "--date", "2024-01-10", "--dry-run"), ("run",)],
    ids=["run", "dry-run", "today"],
)
def test_run_without_a_warehouse_says_so_and_creates_none(tmp_path, args):
    missing = tmp_path / "none.duckdb"
    proc = run_cli(missing, *args)
    assert proc.returncode != 0
    text = plain(proc.stderr)
    assert f"no warehouse at {missing}" in text.replace("\n", "") and "nbaprops ingest" in text, text
    assert "Traceback" not in text
    assert not missing.exists() and not list(tmp_path.iterdir())
