"""`nbaprops failures`: counts and failure rows, narrowed by date, processor, category, entity,
against a plain-Python count of processing.precompute_failures (real data, backfilled)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from nbaprops.catalog import Catalog
from nbaprops.errors import BadInputError
from nbaprops.quality.failures import FailureFilter, check_category, listing, resolve_processor, summary
from nbaprops.warehouse import Warehouse

D = date(2023, 11, 10)


def cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), "failures", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture(scope="module")
def fw(backfilled):
    with Warehouse.open(backfilled, read_only=True) as wh:
        yield wh


def all_failures(wh) -> list[tuple]:
    return wh.con.execute(
        "SELECT analysis_date, processor_name, entity_id, failure_category, failure_reason "
        "FROM processing.precompute_failures"
    ).fetchall()


def opening_nights(wh) -> dict[int, date]:
    out: dict[int, date] = {}
    for season, d in wh.con.execute(
        "SELECT season_year, game_date FROM raw.schedule WHERE season_type = 'Regular Season'"
    ).fetchall():
        out[season] = min(out.get(season, d), d)
    return out


def test_summary_counts_every_failure_by_processor_category_and_week(fw):
    rows = all_failures(fw)
    assert len(rows) > 1000
    opener = opening_nights(fw)[2023]
    expected = Counter((p, c, 2023, (d - opener).days // 7 + 1) for d, p, _, c, _ in rows)
    got = {(p, c, s, w): n for p, c, s, w, n in summary(fw.con, FailureFilter())}
    assert got == dict(expected)
    assert {c for _, c, *_ in got} >= {"EXPECTED_INCOMPLETE", "INSUFFICIENT_DATA"}


def test_filters_narrow_the_rows(fw):
    rows = all_failures(fw)
    flt = FailureFilter(start=D, end=D, processor="PlayerDailyCacheProcessor", category="INSUFFICIENT_DATA")
    want = sorted(
        (r for r in rows if r[0] == D and r[1] == flt.processor and r[3] == flt.category), key=lambda r: (r[1], r[2])
    )
    got, total = listing(fw.con, flt, limit=1000)
    assert total == len(want) > 0
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in got] == want
    few, total = listing(fw.con, flt, limit=3)
    assert len(few) == 3 and total == len(want)
    player = want[0][2]
    mine, n = listing(fw.con, FailureFilter(entity=player), limit=1000)
    assert n == sum(r[2] == player for r in rows) and {r[2] for r in mine} == {player}
    assert [r[0] for r in mine] == sorted((r[0] for r in mine), reverse=True)  # newest first


def test_processor_and_category_names_are_checked():
    cat = Catalog.load()
    for name in ("player_daily_cache", "precompute.player_daily_cache", "PlayerDailyCacheProcessor"):
        assert resolve_processor(name, cat) == "PlayerDailyCacheProcessor"
    with pytest.raises(BadInputError, match="player_shot_zone_analysis"):
        resolve_processor("player_game_summary", cat)  # a model without failures
    assert check_category("missing_dependency") == "MISSING_DEPENDENCY"
    with pytest.raises(BadInputError, match="INSUFFICIENT_DATA"):
        check_category("MISSING")


def test_cli_lists_an_entitys_failures_with_reasons(backfilled, fw):
    player, reason = fw.con.execute(
        "SELECT entity_id, failure_reason FROM processing.precompute_failures WHERE analysis_date = ? "
        "AND processor_name = 'PlayerDailyCacheProcessor' AND failure_category = 'INSUFFICIENT_DATA' "
        "ORDER BY entity_id LIMIT 1",
        [D],
    ).fetchone()
    r = cli(backfilled, "--entity", player, "--date", str(D), "--processor", "player_daily_cache")
    assert r.returncode == 0, r.stderr
    assert player in r.stdout and reason in r.stdout and "INSUFFICIENT_DATA" in r.stdout
    assert "(1 of 1, newest first)" in r.stdout
    r = cli(backfilled, "--start-date", str(D), "--end-date", str(D))
    assert r.returncode == 0 and "PlayerShotZoneAnalysisProcessor" in r.stdout and "category" in r.stdout
    r = cli(backfilled, "--start-date", str(D), "--end-date", str(D), "--by-week")
    assert r.returncode == 0 and "PlayerShotZoneAnalysisProcessor" in r.stdout and "week" in r.stdout
    r = cli(backfilled, "--list", "--limit", "2")
    assert r.returncode == 0 and "2 of" in r.stdout and "more: narrow with" in r.stdout
    r = cli(backfilled, "--entity", "BOS", "--category", "MISSING_DEPENDENCY")
    assert r.returncode == 0 and "no failures match" in r.stdout
    r = cli(backfilled, "--entity", "nobody")
    assert r.returncode == 2 and "no player 'nobody'" in r.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (("--processor", "nope"), "--processor: unknown 'nope'"),
        (("--category", "LATE"), "--category: unknown 'LATE'"),
        (("--date", "2023-11-10", "--start-date", "2023-11-01"), "--date cannot be combined"),
        (("--date", "10/11/2023"), "--date must be a date"),
        (
            ("--start-date", "2023-12-01", "--end-date", "2023-11-01"),
            "--start-date 2023-12-01 is after --end-date 2023-11-01",
        ),
    ],
)
def test_cli_bad_options_are_one_line_exit_2(backfilled, args, message):
    r = cli(backfilled, *args)
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr + r.stdout, r.stderr
