"""The report's coverage map shows game dates only: one column per date with games, side by
side (a categorical axis), so an off-season is neither painted covered nor missing; a line
marks where a new season starts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta

from nbaprops.runner.backfill import backfill
from nbaprops.runner.plan import game_dates
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]
START, END = date(2022, 6, 1), date(2022, 10, 25)  # the 2022 finals, the off-season, opening weeks


def _coverage_figure(html: str) -> tuple[dict, dict]:
    """The coverage heatmap's trace and layout, from the report's Plotly.newPlot call."""
    i = html.index('id="fig-coverage"')
    call = html[html.index("Plotly.newPlot(", i) :]
    rest = call[re.match(r'Plotly\.newPlot\(\s*"fig-coverage",\s*', call).end() :]
    dec = json.JSONDecoder()
    data, n = dec.raw_decode(rest)
    rest = rest[n:].lstrip().lstrip(",").lstrip()
    layout, _ = dec.raw_decode(rest)
    return data[0], layout


def test_coverage_map_shows_only_dates_with_games(real_copy, tmp_path):
    with Warehouse.open(real_copy) as wh:
        assert backfill(wh, START, END, preflight=False).ok
        cal = game_dates(wh.con, START, END)
    out = tmp_path / "report.html"
    env = {**os.environ}
    env.pop("NBAPROPS_DEBUG", None)
    proc = subprocess.run(
        [*CLI, "--warehouse", str(real_copy), "report", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    trace, layout = _coverage_figure(out.read_text(encoding="utf-8"))
    assert trace["x"] == [d.isoformat() for d in cal]
    assert layout["xaxis"]["type"] == "category"
    # nothing of the off-season is on the map, and no two neighbouring columns are months apart
    # unless a season line separates them
    assert "2022-08-01" not in trace["x"]
    gaps = [i for i in range(1, len(cal)) if cal[i] - cal[i - 1] > timedelta(days=30)]
    assert len(gaps) == 1
    lines = [s["x0"] for s in layout.get("shapes", []) if s.get("type") == "line"]
    assert lines == [gaps[0] - 0.5]
    # every column is a computed date: no cell says "not computed"
    assert not any("not computed" in t for row in trace["text"] for t in row)
