"""Fetching the latest NBA injury report PDF: the URL of a report time, the slots tried back from a
time, and fetch_latest_report against an injected session.

The session serves the recorded report (tests/fixtures/injury_report/, see its README) for its one
URL. Every other answer is constructed here: the 404s (and 403s) of slots without a report, the
503s, the timeouts and the HTML error page are made up by `FakeSession`, and the PDF that is no
report by tests/injury_pdfs.py, not recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from injury_pdfs import pdf_bytes
from nbaprops.feed.errors import FeedBadResponse, FeedUnavailable
from nbaprops.feed.injury_report import (
    BASE_URL,
    ReportNotFound,
    fetch_latest_report,
    report_file_name,
    report_url,
    slots_back,
)

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "injury_report" / "Injury-Report_2024-01-04_12PM.pdf"
RECORDED_URL = BASE_URL + "Injury-Report_2024-01-04_12PM.pdf"


class FakeResponse:
    def __init__(self, status_code: int, content: bytes = b"") -> None:
        self.status_code, self.content = status_code, content
        self.headers = {"Content-Type": "application/pdf" if content.startswith(b"%PDF") else "text/html"}


class FakeSession:
    """Answers `answers[url]` (a list, one per request: a status, bytes for a 200, or an exception
    to raise; the last repeats), and a constructed 404 for any other URL."""

    def __init__(self, answers: dict[str, list]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, dict]] = []

    def get(self, url: str, **kwargs) -> FakeResponse:
        self.calls.append((url, kwargs))
        queue = self.answers.get(url, [404])
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, bytes):
            return FakeResponse(200, answer)
        return FakeResponse(answer, b"<html>Access Denied</html>" if answer == 403 else b"")

    @property
    def urls(self) -> list[str]:
        return [u for u, _ in self.calls]


def names(urls: list[str]) -> list[str]:
    return [u.rsplit("/", 1)[1] for u in urls]


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


# -- names and slots -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ts", "name"),
    [
        (datetime(2024, 1, 4, 12, 30), "Injury-Report_2024-01-04_12PM.pdf"),  # the recorded report
        (datetime(2024, 1, 4, 12, 59), "Injury-Report_2024-01-04_12PM.pdf"),
        (datetime(2024, 1, 4, 0, 30), "Injury-Report_2024-01-04_12AM.pdf"),
        (datetime(2024, 1, 4, 13, 5), "Injury-Report_2024-01-04_01PM.pdf"),
        (datetime(2025, 12, 21, 23, 59), "Injury-Report_2025-12-21_11PM.pdf"),
        # every 15 minutes from 2025-12-22, the minute in the name
        (datetime(2025, 12, 22, 0, 0), "Injury-Report_2025-12-22_12_00AM.pdf"),
        (datetime(2026, 1, 15, 17, 30), "Injury-Report_2026-01-15_05_30PM.pdf"),
        (datetime(2026, 1, 15, 17, 44), "Injury-Report_2026-01-15_05_30PM.pdf"),
        (datetime(2026, 1, 15, 9, 15), "Injury-Report_2026-01-15_09_15AM.pdf"),
        # an aware time is converted to US Eastern (17:30 UTC in January is 12:30 EST)
        (datetime(2024, 1, 4, 17, 30, tzinfo=UTC), "Injury-Report_2024-01-04_12PM.pdf"),
    ],
)
def test_the_file_name_of_a_report_time(ts, name):
    assert report_file_name(ts) == name
    assert report_url(ts) == "https://ak-static.cms.nba.com/referee/injury/" + name


def test_the_slots_go_back_by_the_hour_then_by_the_quarter_hour():
    assert [report_file_name(s) for s in slots_back(datetime(2024, 1, 4, 14, 10), 3)] == [
        "Injury-Report_2024-01-04_02PM.pdf",
        "Injury-Report_2024-01-04_01PM.pdf",
        "Injury-Report_2024-01-04_12PM.pdf",
    ]
    assert [report_file_name(s) for s in slots_back(datetime(2025, 12, 22, 0, 20), 4)] == [
        "Injury-Report_2025-12-22_12_15AM.pdf",
        "Injury-Report_2025-12-22_12_00AM.pdf",
        "Injury-Report_2025-12-21_11PM.pdf",  # before the change: hourly again
        "Injury-Report_2025-12-21_10PM.pdf",
    ]
    assert [report_file_name(s) for s in slots_back(datetime(2024, 1, 1, 0, 30), 2)] == [
        "Injury-Report_2024-01-01_12AM.pdf",
        "Injury-Report_2023-12-31_11PM.pdf",
    ]


# -- fetching --------------------------------------------------------------------------------


def test_the_latest_published_report_is_found_cached_and_written(tmp_path):
    session = FakeSession({RECORDED_URL: [RECORDED.read_bytes()]})
    sleeps = Sleeps()
    got = fetch_latest_report(
        tmp_path, datetime(2024, 1, 4, 14, 10), session, sleep=sleeps, clock=lambda: 0.0, interval=0.5
    )
    assert names(session.urls) == [
        "Injury-Report_2024-01-04_02PM.pdf",  # constructed 404
        "Injury-Report_2024-01-04_01PM.pdf",  # constructed 404
        "Injury-Report_2024-01-04_12PM.pdf",  # the recorded report
    ]
    assert all(kw["timeout"] > 0 and "User-Agent" in kw["headers"] for _, kw in session.calls)
    assert sleeps == [0.5, 0.5]  # the interval between requests, none before the first
    assert got.report_time == datetime(2024, 1, 4, 12, 30)  # from the PDF's header
    assert got.url == RECORDED_URL and got.slot == datetime(2024, 1, 4, 12, 0)
    assert (got.from_cache, got.requests) == (False, 3)
    assert got.path == tmp_path / "files" / "injury_report" / "Injury-Report_2024-01-04_12PM.pdf"
    assert got.path.read_bytes() == RECORDED.read_bytes()
    assert (tmp_path / "cache" / "injury_report" / RECORDED.name).read_bytes() == RECORDED.read_bytes()
    assert not [p for p in (tmp_path / "files" / "injury_report").iterdir() if p.name.startswith(".")]


def test_a_cached_report_is_not_asked_again(tmp_path):
    fetch_latest_report(tmp_path, datetime(2024, 1, 4, 12, 40), FakeSession({RECORDED_URL: [RECORDED.read_bytes()]}))
    (tmp_path / "files" / "injury_report" / RECORDED.name).unlink()
    session = FakeSession({})  # would 404 the recorded URL too
    got = fetch_latest_report(tmp_path, datetime(2024, 1, 4, 13, 10), session, sleep=Sleeps())
    assert names(session.urls) == ["Injury-Report_2024-01-04_01PM.pdf"]  # the newer slot is still asked
    assert (got.from_cache, got.report_time) == (True, datetime(2024, 1, 4, 12, 30))
    assert got.path.read_bytes() == RECORDED.read_bytes()


def test_server_errors_and_timeouts_are_retried_with_backoff(tmp_path):
    session = FakeSession({RECORDED_URL: [503, TimeoutError("read timed out"), 502, RECORDED.read_bytes()]})
    sleeps = Sleeps()
    got = fetch_latest_report(tmp_path, datetime(2024, 1, 4, 12, 45), session, sleep=sleeps, interval=0, backoff=1)
    assert got.report_time == datetime(2024, 1, 4, 12, 30) and got.requests == 4
    assert [s for s in sleeps if s] == [1, 2, 4]  # doubling backoff before each retry


def test_a_source_that_never_answers_fails_in_one_line(tmp_path):
    session = FakeSession({RECORDED_URL: [TimeoutError("read timed out")]})
    with pytest.raises(FeedUnavailable, match="no answer") as err:
        fetch_latest_report(tmp_path, datetime(2024, 1, 4, 12, 45), session, sleep=Sleeps(), retries=2)
    assert len(session.calls) == 3 and "\n" not in str(err.value)
    assert not (tmp_path / "files").exists()


def test_an_html_page_answered_with_200_is_no_report(tmp_path):
    session = FakeSession({RECORDED_URL: [b"<html>maintenance</html>"]})
    with pytest.raises(FeedBadResponse, match="no PDF"):
        fetch_latest_report(tmp_path, datetime(2024, 1, 4, 12, 45), session, sleep=Sleeps(), retries=1)
    assert not (tmp_path / "cache").exists()


def test_403_means_not_published_and_the_tries_are_bounded(tmp_path):
    session = FakeSession({report_url(datetime(2024, 1, 4, 11)): [403]})
    with pytest.raises(ReportNotFound) as err:
        fetch_latest_report(tmp_path, datetime(2024, 1, 4, 11, 40), session, sleep=Sleeps(), tries=4)
    assert names(session.urls) == [
        "Injury-Report_2024-01-04_11AM.pdf",
        "Injury-Report_2024-01-04_10AM.pdf",
        "Injury-Report_2024-01-04_09AM.pdf",
        "Injury-Report_2024-01-04_08AM.pdf",
    ]
    msg = str(err.value)
    assert "4 slots from Injury-Report_2024-01-04_11AM.pdf back to Injury-Report_2024-01-04_08AM.pdf" in msg
    assert "1 answered 403" in msg


def test_a_pdf_that_is_no_injury_report_is_refused(tmp_path):
    session = FakeSession({RECORDED_URL: [pdf_bytes([[(72, 72, "Invoice 2024-001", 14)]])]})  # constructed
    with pytest.raises(FeedBadResponse, match="no injury report"):
        fetch_latest_report(tmp_path, datetime(2024, 1, 4, 12, 45), session, sleep=Sleeps())
