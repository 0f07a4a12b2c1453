"""`nbaprops fetch` and the official injury report, through the command line (in this process):
--report-time and --report-only, the default (on when the dates include today), a report not
found (one line; exit 1 only with --report-only), --from-cache without network, --ingest into
raw.injury_report, and usage errors in one line.

The CDN is played by an injected session: `requests.Session.get` is patched to serve the recorded
report tests/fixtures/injury_report/Injury-Report_2024-01-04_12PM.pdf (see its README) for its
URL and a constructed 404 for every other report URL; other hosts go to the NBA.com stub
(stub.py, recorded responses). The 404s are made up here, not recorded."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
import requests

from nbaprops.cli import fetch as fetch_cli
from nbaprops.feed.injury_report import BASE_URL
from nbaprops.warehouse import Warehouse

from .helpers import cli
from .stub import GAME_DATE

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "injury_report" / "Injury-Report_2024-01-04_12PM.pdf"
NAME = RECORDED.name
REPORT_TIME = "2024-01-04T13:00"  # the 1 PM slot has no report (404), the 12 PM one is the recorded report
REPORT_ROWS = 43  # the recorded report's rows (tests/ingest/test_injury_report.py)


class CDNResponse:
    def __init__(self, status_code: int, content: bytes = b"") -> None:
        self.status_code, self.content = status_code, content


class CDN:
    """The report URLs asked for; the recorded PDF for its URL, a constructed 404 for any other."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.serves = True

    def get(self, url: str) -> CDNResponse:
        self.urls.append(url)
        if self.serves and url == BASE_URL + NAME:
            return CDNResponse(200, RECORDED.read_bytes())
        return CDNResponse(404, b"")  # constructed: a slot without a report

    @property
    def names(self) -> list[str]:
        return [u.rsplit("/", 1)[1] for u in self.urls]


@pytest.fixture()
def cdn(monkeypatch, stub) -> CDN:
    c = CDN()

    def get(session, url, **kwargs):
        if url.startswith(BASE_URL):
            return c.get(url)
        return stub.get(session, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", get)
    return c


def report_lines(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("injury report")]


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def fetch(capsys, feed: Path, *args: str) -> tuple[int, str, str]:
    return cli(capsys, "fetch", "--feed-dir", str(feed), "--interval", "0", *args)


def test_report_time_finds_the_latest_report_and_writes_it(tmp_path, cdn, stub, capsys):
    feed = tmp_path / "feed"
    code, out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME)
    assert code == 0, err
    assert cdn.names == ["Injury-Report_2024-01-04_01PM.pdf", NAME]  # newest slot first
    assert (feed / "files" / "injury_report" / NAME).read_bytes() == RECORDED.read_bytes()
    assert (feed / "cache" / "injury_report" / NAME).read_bytes() == RECORDED.read_bytes()
    (line,) = report_lines(out)
    assert line.startswith(f"injury report: {NAME}, published 2024-01-04 12:30 PM ET; 2 requests to ak-static")
    assert sum(stub.calls.values()) == 0  # --report-only: no NBA.com
    manifest = json.loads((feed / "manifest.json").read_text())
    assert manifest["not_ingested"] == [f"injury_report/{NAME}"]
    # again: the report is cached (a report never changes), so no request; the file is unchanged
    code, out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME)
    assert code == 0, err
    assert len(cdn.urls) == 3  # the 1 PM slot asked again, not the cached 12 PM one
    assert "unchanged in" in report_lines(out)[0]


def test_by_default_the_report_comes_when_the_dates_include_today(tmp_path, cdn, stub, capsys, monkeypatch):
    monkeypatch.setattr(fetch_cli, "_eastern_now", lambda: datetime(2024, 1, 4, 13, 0))
    feed = tmp_path / "feed"
    code, out, err = fetch(capsys, feed, "--date", "2024-01-04", "--today", "2024-01-04")
    assert code == 0, err
    assert stub.calls["scoreboardv3"] == 1 and cdn.names[-1] == NAME
    assert len(report_lines(out)) == 1 and (feed / "files" / "injury_report" / NAME).exists()
    # a past date: no report (it is a snapshot of now)
    code, out, err = fetch(capsys, tmp_path / "feed2", "--date", GAME_DATE, "--today", "2024-01-04")
    assert code == 0, err
    assert len(cdn.urls) == 2 and report_lines(out) == []
    code, out, err = fetch(
        capsys, tmp_path / "feed3", "--date", "2024-01-04", "--today", "2024-01-04", "--no-injury-report"
    )
    assert code == 0, err
    assert len(cdn.urls) == 2 and report_lines(out) == []


def test_a_report_not_found_is_one_line_and_the_fetch_stands(tmp_path, cdn, stub, capsys):
    feed = tmp_path / "feed"
    cdn.serves = False  # every slot a constructed 404
    code, out, err = fetch(capsys, feed, "--date", GAME_DATE, "--report-time", REPORT_TIME)
    assert code == 0, err
    assert len(cdn.urls) == 12  # the bounded search
    (line,) = report_lines(out)
    assert "no injury report published in the 12 slots" in line and line.endswith("the rest of the fetch stands")
    assert (feed / "files" / "player_box_2023-01-02.parquet").exists()
    assert not (feed / "files" / "injury_report").exists()
    # the report alone was asked for: the fetch failed, in one line
    code, out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME)
    assert code == 1
    assert "no injury report published in the 12 slots" in one_line(err)


def test_from_cache_rebuilds_the_report_without_network(tmp_path, cdn, stub, capsys):
    feed = tmp_path / "feed"
    code, _out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME, "--from-cache")
    assert code == 1 and "no injury report in the cache" in one_line(err)
    code, _out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME)
    assert code == 0, err
    (feed / "files" / "injury_report" / NAME).unlink()
    asked = len(cdn.urls)
    code, out, err = fetch(capsys, feed, "--report-only", "--report-time", REPORT_TIME, "--from-cache")
    assert code == 0, err
    assert len(cdn.urls) == asked  # no request (and the tests' sockets are closed anyway)
    assert (feed / "files" / "injury_report" / NAME).read_bytes() == RECORDED.read_bytes()
    (line,) = report_lines(out)
    assert line.startswith(f"injury report (from the cache): {NAME}") and "no network used" in line


def test_fetch_ingest_loads_the_box_scores_and_the_report(real_copy, cdn, capsys):
    wh = str(real_copy)
    code, out, err = cli(
        capsys,
        "--warehouse",
        wh,
        "fetch",
        "--date",
        GAME_DATE,
        "--report-time",
        REPORT_TIME,
        "--ingest",
        "--interval",
        "0",
    )
    assert code == 0, err
    feed = real_copy.parent / "feed"
    assert (feed / "files" / "injury_report" / NAME).exists()
    assert "player_box_2023-01-02.parquet" in out and NAME in out
    with Warehouse.open(wh, read_only=True) as w:
        n = w.con.execute("SELECT count(*) FROM raw.injury_report WHERE source_file = ?", [NAME]).fetchone()[0]
    assert n == REPORT_ROWS
    assert json.loads((feed / "manifest.json").read_text())["not_ingested"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--report-only", "--odds-only"), "contradict"),
        (("--report-only", "--no-injury-report"), "contradicts"),
        (("--report-only", "--date", GAME_DATE), "not dates"),
        (("--odds-only", "--injury-report"), "--odds-only fetches The Odds API alone"),
        (("--report-time", "2024-01-04"), "needs a time of day"),
        (("--report-time", "noon"), "must be an ISO time"),
        (("--report-time", "2999-01-01T10:00"), "in the future"),
    ],
)
def test_usage_errors_are_one_line_before_any_request(tmp_path, cdn, stub, capsys, args, words):
    code, _out, err = fetch(capsys, tmp_path / "feed", *args)
    assert code == 2 and words in one_line(err)
    assert cdn.urls == [] and sum(stub.calls.values()) == 0
