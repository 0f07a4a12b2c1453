"""A backfill stopped by the pre-flight says what to do: a re-run stops the same way until the
missing box scores are ingested (or --skip-preflight) — not that failed chunks are retried."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]


def test_preflight_stop_says_a_rerun_stops_the_same_way(real_warehouse_path, tmp_path):
    path = tmp_path / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    phase3 = [m.name for m in Catalog.load().ordered() if m.table.startswith("analytics.")]
    with Warehouse.open(path) as wh:
        assert backfill(wh, date(2023, 10, 24), date(2023, 12, 31), only=phase3).ok
        for t in ("team_defense_game_summary", "team_offense_game_summary", "player_game_summary"):
            wh.con.execute(f"DELETE FROM analytics.{t} WHERE game_date BETWEEN '2023-12-04' AND '2023-12-10'")
    env = {**os.environ, "COLUMNS": "250"}
    env.pop("NBAPROPS_DEBUG", None)
    for _ in range(2):  # the second run stops exactly like the first
        r = subprocess.run(
            [*CLI, "--warehouse", str(path), "backfill", "--start-date", "2023-12-01", "--end-date", "2023-12-31"],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert r.returncode == 1, r.stdout + r.stderr
        last = [ln for ln in r.stderr.splitlines() if ln.strip()][-1]
        assert "stopped at the pre-flight" in last and "stops the same way" in last, last
        assert "--skip-preflight" in last and "retried" not in last, last
        assert "2023-12-05" in r.stdout  # the gaps table
