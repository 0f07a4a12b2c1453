"""`nbaprops report`: one self-contained HTML file that opens in real headless Chromium with no
console errors and renders every section (plots drawn, player dropdown working)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .chromium import find_chromium, open_page

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("validation", "coverage", "failures", "timings", "features", "players")

PROBE = """(() => {
  const out = {sections: {}, options: 0, title: null, switched: null, links: []};
  for (const s of document.querySelectorAll('section')) {
    out.sections[s.id] = {svgs: s.querySelectorAll('.main-svg').length,
                          plots: s.querySelectorAll('.js-plotly-plot').length,
                          text: s.innerText.length};
  }
  const sel = document.getElementById('player-select');
  const title = () => (document.querySelector('#fig-player .gtitle') || {}).textContent || null;
  out.title = title();
  if (sel) {
    out.options = sel.options.length;
    sel.value = String(sel.options.length - 1);
    sel.dispatchEvent(new Event('change'));
    out.switched = title();
  }
  out.links = Array.from(document.querySelectorAll('script[src], link[href]')).map(e => e.src || e.href);
  return JSON.stringify(out);
})()"""


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = find_chromium()
    if exe is None and os.geteuid() == 0 and shutil.which("apt-get"):
        # CI installs it in .ci/run; this covers a fresh developer machine (root, Debian).
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], capture_output=True, timeout=900)
        exe = find_chromium()
    if exe is None:
        pytest.skip("chromium is not installed and could not be installed with apt-get (apt-get install -y chromium)")
    return exe


@pytest.fixture(scope="module")
def report_file(backfilled, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbaprops.cli",
            "--warehouse",
            str(backfilled),
            "report",
            "--out",
            str(out),
            "--players",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_report_is_self_contained(report_file):
    text = report_file.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # plotly.js inline, nothing fetched from the network
    assert "Plotly" in text and len(text) > 1_000_000
    assert not re.search(r"<script[^>]+src=", text)
    assert not re.search(r"<link[^>]+href=\"?https?:", text)
    for sid in SECTIONS:
        assert f"id='{sid}'" in text
    data = json.loads(
        re.search(r"<script type='application/json' id='player-data'>(.*?)</script>", text, re.S)
        .group(1)
        .replace("<\\/", "</")
    )
    assert 10 <= len(data) <= 30
    p = data[0]
    assert len(p["d"]) == len(p["pts"]) == len(p["l10"]) == len(p["line"]) > 5
    assert any(v is not None for v in p["line"]) and any(v is not None for v in p["pts"])


@pytest.mark.slow  # a real headless Chromium opens the report
def test_report_renders_in_headless_chromium(chromium, report_file, tmp_path):
    res = open_page(report_file.as_uri(), expression=PROBE, chromium=chromium, screenshot=True, settle=2.5)
    assert res.errors == [], res.errors
    info = json.loads(res.value)
    assert set(SECTIONS) <= set(info["sections"]), info
    for sid in SECTIONS:
        assert info["sections"][sid]["text"] > 100, (sid, info["sections"][sid])
    for sid in ("coverage", "failures", "timings", "features", "players"):
        assert info["sections"][sid]["svgs"] >= 1, (sid, info["sections"][sid])  # plotly drew it
    assert info["options"] >= 10
    assert info["title"] and info["switched"] and info["title"] != info["switched"], info
    assert info["links"] == []
    assert res.screenshot and res.screenshot[:8] == b"\x89PNG\r\n\x1a\n" and len(res.screenshot) > 50_000
    (tmp_path / "report.png").write_bytes(res.screenshot)
    if os.environ.get("NBAPROPS_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        (ROOT / "docs" / "report.png").write_bytes(res.screenshot)
