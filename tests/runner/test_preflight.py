"""The pre-flight check before Phase 4: Phase 3 must cover >= 95 % of the schedule's games."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import pytest

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.runner.preflight import check
from nbaprops.warehouse import Warehouse

START, END = date(2023, 12, 1), date(2023, 12, 31)
PHASE3 = [m.name for m in Catalog.load().ordered() if m.table.startswith("analytics.")]
# the team model and the shared checks it reads
TDZA = ["dependency_holes", "team_completeness", "team_defense_zone_analysis"]


@pytest.fixture(scope="module")
def p3_path(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("pre") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        assert backfill(wh, date(2023, 10, 24), END, only=PHASE3).ok
    return path


def _main(path, args):
    """The real CLI in a subprocess (exit codes and output as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), *args], capture_output=True, text=True
    )


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
        res = backfill(wh, START, END, only=TDZA)
        assert not res.ok and "pre-flight" in res.models[0].error
        assert (
            wh.con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'team_defense_zone_analysis'"
            ).fetchone()[0]
            == 0
        )
    dry = _main(path, ["backfill", "--start-date", str(START), "--end-date", str(END), "--dry-run"])
    assert dry.returncode == 0 and "pre-flight" in dry.stdout and "2023-12-05" in dry.stdout
    r = _main(path, ["backfill", "--start-date", str(START), "--end-date", str(END), "--only", ",".join(TDZA)])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "pre-flight" in r.stdout and "2023-12-05" in r.stdout
    r = _main(
        path,
        ["backfill", "--start-date", str(START), "--end-date", str(END), "--only", ",".join(TDZA), "--skip-preflight"],
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_one_team_missing_for_a_week_stops_the_backfill_and_skip_proceeds(p3_path, tmp_path):
    """BOS's Phase 3 rows of 2023-12-01 .. 12-07 are gone: each of its game dates is uncovered
    (the other games of those dates are there), which takes the 30-day span below 95 % of its
    dates; --skip-preflight runs Phase 4 anyway, and BOS's entities are MISSING_DEPENDENCY."""
    path = tmp_path / "team.duckdb"
    shutil.copy(p3_path, path)
    d = date(2023, 12, 8)
    with Warehouse.open(path) as wh:
        for t, col in (
            ("team_defense_game_summary", "defending_team_abbr"),
            ("team_offense_game_summary", "team_abbr"),
            ("player_game_summary", "team_abbr"),
        ):
            wh.con.execute(
                f"DELETE FROM analytics.{t} WHERE {col} = 'BOS' AND game_date BETWEEN '2023-12-01' AND '2023-12-07'"
            )
        bos_dates = [
            r[0]
            for r in wh.con.execute(
                "SELECT game_date FROM raw.schedule WHERE 'BOS' IN (home_team_abbr, away_team_abbr) "
                "AND game_date BETWEEN '2023-12-01' AND '2023-12-07' ORDER BY 1"
            ).fetchall()
        ]
        n_dates = wh.con.execute(
            "SELECT count(DISTINCT game_date) FROM raw.schedule WHERE season_type <> 'Pre Season' "
            "AND game_date >= ? - INTERVAL 30 DAY AND game_date < ?",
            [d, d],
        ).fetchone()[0]
        pf = check(wh.con, d, d)
    assert len(bos_dates) >= 2 and not pf.ok
    for t in pf.tables:  # a plain count: every BOS date is a gap, nothing else is
        assert [g[0] for g in t.gaps] == bos_dates and all(g[2] == g[1] - 1 for g in t.gaps), t
        assert (t.scheduled_dates, t.covered_dates) == (n_dates, n_dates - len(bos_dates))
        assert t.scheduled_games - t.covered_games == len(bos_dates)
        assert t.pct < 95.0
    args = [
        "backfill",
        "--start-date",
        str(d),
        "--end-date",
        str(d),
        "--only",
        ",".join([*TDZA, "player_completeness", "player_shot_zone_analysis", "player_daily_cache"]),
    ]
    r = _main(path, args)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "pre-flight" in r.stdout and str(bos_dates[0]) in r.stdout
    r = _main(path, [*args, "--skip-preflight"])
    assert r.returncode == 0, r.stdout + r.stderr
    with Warehouse.open(path, read_only=True) as wh:
        fails = wh.con.execute(
            "SELECT processor_name, failure_category FROM processing.precompute_failures "
            "WHERE analysis_date = ? AND entity_id IN ('BOS', 'jaysontatum')",
            [d],
        ).fetchall()
        others = wh.con.execute(
            "SELECT count(*) FROM precompute.team_defense_zone_analysis WHERE analysis_date = ?", [d]
        ).fetchone()[0]
    assert sorted(fails) == [
        ("PlayerDailyCacheProcessor", "MISSING_DEPENDENCY"),
        ("PlayerShotZoneAnalysisProcessor", "MISSING_DEPENDENCY"),
        ("TeamDefenseZoneAnalysisProcessor", "MISSING_DEPENDENCY"),
    ]
    assert others == 29


def test_a_rerun_with_nothing_to_compute_skips_the_preflight(p3_path, tmp_path):
    """The pre-flight guards Phase 4 computations: a re-run with unchanged inputs computes none and
    does not ask; a Phase 4 model with a date to compute asks again (and a later one, not the first)."""
    path = tmp_path / "rerun.duckdb"
    shutil.copy(p3_path, path)
    with Warehouse.open(path) as wh:
        first = backfill(wh, START, END)
        assert first.ok and first.preflight is not None and first.preflight.ok
        again = backfill(wh, START, END)
        assert again.ok and again.preflight is None
        assert all(m.status == "skipped" for m in again.models)
        wh.con.execute(
            "DELETE FROM processing.model_state WHERE model = 'player_composite_factors' AND target_date = ?",
            [date(2023, 12, 15)],
        )
        third = backfill(wh, START, END)
        assert third.ok and third.preflight is not None and third.preflight.ok
        done = {m.model: m.dates_computed for m in third.models}
        assert done["player_composite_factors"] >= 1 and done["player_daily_cache"] == 0
