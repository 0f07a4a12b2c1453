"""Fetch the NBA's latest official injury report (a PDF on the league's CDN, not stats.nba.com).

Where and when. https://ak-static.cms.nba.com/referee/injury/Injury-Report_<date>_<time>.pdf, the
date and time US Eastern wall clock:
- until 2025-12-21 one report an hour, published at about half past (its header says e.g.
  "12:30 PM") and named by the hour: `Injury-Report_2024-01-04_12PM.pdf`;
- from 2025-12-22 (00:00 Eastern) one every 15 minutes, named by hour and minute:
  `Injury-Report_2026-01-15_05_30PM.pdf`.
Neither is documented by the league. The hourly pattern is the recorded report's; the 15-minute
one and its start are what other public scrapers report after the change (reports filed on
2025-12-22 already carry minutes); the league may change the name again without notice.

Not every slot has a report (none overnight, none before the season): the CDN answers 404, or
403 for dates it never had. So the latest report is found by trying the slots back from a time,
newest first, a bounded number of them: 403/404 → the previous slot; 429, 5xx, a timeout or a
dropped connection → retried with backoff; a 200 that is no PDF → retried (a CDN error page).
A report never changes once published (its name is its time), so a slot whose PDF is in the
cache is not asked again.

Files (feed folder, see store.py):
    cache/injury_report/<file name>   every PDF fetched, as sent
    files/injury_report/<file name>   the report found, for `nbaprops ingest` (by its content)"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BadInputError
from ..ingest import injury_report
from .errors import FeedBadResponse, FeedDependencyError, FeedError, FeedHTTPError, FeedUnavailable
from .pacing import CallStats, Paced
from .store import FeedStore, atomic_write_bytes, mark_not_ingested

BASE_URL = "https://ak-static.cms.nba.com/referee/injury/"
HOST = "ak-static.cms.nba.com"
EASTERN = ZoneInfo("America/New_York")
QUARTER_HOURS_FROM = datetime(2025, 12, 22, 0, 0)  # Eastern: from here on, a report every 15 minutes
ENDPOINT = "injury_report"  # the cache's and the files' folder
DEFAULT_TRIES = 12  # slots tried back from `at`: half a day of hourly reports, 3 hours of 15-minute ones
DEFAULT_INTERVAL = 1.0  # seconds between two requests
DEFAULT_RETRIES = 3  # retries of one slot after 429, 5xx, a timeout, an answer that is no PDF
DEFAULT_BACKOFF = 2.0  # first wait before a retry; doubles each time
DEFAULT_TIMEOUT = 30.0
HEADERS = {"User-Agent": "nbaprops (injury report fetch)", "Accept": "application/pdf,*/*"}
_PDF_MAGIC = b"%PDF-"


class ReportNotFound(FeedError):
    """No slot tried answered with a report."""


@dataclass(frozen=True)
class FetchedReport:
    path: Path  # the file written under <feed>/files/injury_report/
    report_time: datetime  # the header's time, US Eastern wall clock
    url: str
    slot: datetime  # the slot whose file it is (Eastern)
    from_cache: bool  # read from <feed>/cache/, no request sent
    requests: int  # requests sent (retries included)
    changed: bool = True  # the file under files/ was absent or different before


def eastern(ts: datetime) -> datetime:
    """`ts` as naive US Eastern wall clock (a naive time is taken as Eastern already)."""
    return ts.astimezone(EASTERN).replace(tzinfo=None) if ts.tzinfo else ts


def quarter_hourly(slot: datetime) -> bool:
    return eastern(slot) >= QUARTER_HOURS_FROM


def slot_of(ts: datetime) -> datetime:
    """The slot whose report `ts` falls in (Eastern): its hour, or its quarter hour from 2025-12-22."""
    t = eastern(ts).replace(second=0, microsecond=0)
    return t.replace(minute=t.minute - t.minute % 15) if quarter_hourly(t) else t.replace(minute=0)


def report_file_name(ts: datetime) -> str:
    """`Injury-Report_2024-01-04_12PM.pdf` (hourly) / `Injury-Report_2026-01-15_05_30PM.pdf` (15 minutes)
    for the slot of `ts`. Spelled out by hand: %I and %p follow the process locale."""
    slot = slot_of(ts)
    hour = f"{slot.hour % 12 or 12:02d}"
    when = f"{hour}_{slot.minute:02d}" if quarter_hourly(slot) else hour
    return f"Injury-Report_{slot:%Y-%m-%d}_{when}{'AM' if slot.hour < 12 else 'PM'}.pdf"


def report_url(ts: datetime) -> str:
    """The URL of the report of the slot `ts` falls in (naive: US Eastern; aware: converted)."""
    return BASE_URL + report_file_name(ts)


def slots_back(at: datetime, tries: int) -> Iterator[datetime]:
    """The `tries` slots from the one `at` falls in back, newest first (the step is an hour before
    2025-12-22, 15 minutes after)."""
    slot = slot_of(at)
    for _ in range(tries):
        yield slot
        slot = slot_of(slot - timedelta(minutes=15 if quarter_hourly(slot) else 60))


def _default_session() -> Any:
    try:
        import requests
    except ImportError as exc:
        raise FeedDependencyError(str(exc)) from None
    return requests.Session()


class _Fetcher(Paced):
    """One slot's PDF through `session.get`, politely (pacing.py: an interval between requests,
    backoff before a retry): retries on 429, 5xx, timeouts, dropped connections and answers that
    are no PDF."""

    def __init__(
        self,
        session: Any,
        *,
        interval: float,
        retries: int,
        backoff: float,
        timeout: float,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
    ) -> None:
        self.session, self.retries, self.timeout = session, retries, timeout
        self.interval, self.backoff, self.sleep, self.clock, self.on_retry = interval, backoff, sleep, clock, None
        self.stats = CallStats()
        self._last: float | None = None
        self.not_found: list[tuple[str, int]] = []  # (file, status) of the slots without a report

    @property
    def requests(self) -> int:
        return self.stats.calls

    def get(self, url: str) -> bytes | None:
        """The PDF at `url`; None when it is not published (403/404)."""
        attempt = 0
        while True:
            self._wait_interval()
            self.stats.calls += 1
            try:
                resp = self.session.get(url, headers=HEADERS, timeout=self.timeout)
            except OSError as exc:  # requests' errors (timeouts, connection) are OSErrors too
                why = f"no answer ({type(exc).__name__}: {exc})"
                if attempt >= self.retries:
                    raise FeedUnavailable(f"{url}: {why}, {attempt + 1} times; {HOST} may be down") from None
            else:
                status = int(resp.status_code)
                body = resp.content or b""
                if status in (403, 404):
                    self.not_found.append((url.rsplit("/", 1)[1], status))
                    return None
                if status == 200 and body.startswith(_PDF_MAGIC):
                    return body
                if status == 200:
                    why = f"HTTP 200 with {len(body):,} bytes that are no PDF"
                    if attempt >= self.retries:
                        raise FeedBadResponse(f"{url}: {why}, {attempt + 1} times")
                elif status == 429 or status >= 500:
                    why = f"HTTP {status}"
                    if attempt >= self.retries:
                        raise FeedHTTPError(f"{url}: HTTP {status} from {HOST} after {attempt + 1} attempts")
                else:
                    raise FeedHTTPError(f"{url}: HTTP {status} from {HOST}")
            self._retry(url, why, attempt)
            attempt += 1


def fetch_latest_report(
    feed_dir: str | Path,
    at: datetime,
    session: Any = None,
    *,
    tries: int = DEFAULT_TRIES,
    interval: float = DEFAULT_INTERVAL,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    timeout: float = DEFAULT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    cache_only: bool = False,
) -> FetchedReport:
    """The latest report published at or before `at` (naive: US Eastern; aware: converted),
    found by trying at most `tries` slots back from it; written (atomically) to
    <feed>/files/injury_report/ under the NBA's file name, every PDF fetched kept in
    <feed>/cache/injury_report/. `session` is a requests-like session (its `get(url, headers=,
    timeout=)` answers with `status_code` and `content`); default: a new requests.Session.
    With `cache_only` no request is sent: a slot whose PDF is not in the cache counts as not
    published (`nbaprops fetch --from-cache`).
    Raises ReportNotFound when no slot has a report, FeedUnavailable / FeedHTTPError /
    FeedBadResponse when the CDN does not answer sensibly after the retries."""
    if tries < 1 or interval < 0 or retries < 0 or backoff < 0 or timeout <= 0:
        raise ValueError("tries must be >= 1, interval, retries and backoff >= 0, timeout > 0")
    injury_report.require_reader()  # the report's time is read from the PDF: fail before any request
    feed = Path(feed_dir)
    cache, files = feed / "cache" / ENDPOINT, feed / "files" / ENDPOINT
    fetcher: _Fetcher | None = None
    for slot in slots_back(at, tries):
        name = report_file_name(slot)
        cached = cache / name
        from_cache = cached.is_file()
        body = cached.read_bytes() if from_cache else None
        if body is None:
            if cache_only:
                continue
            if fetcher is None:
                fetcher = _Fetcher(
                    session if session is not None else _default_session(),
                    interval=interval,
                    retries=retries,
                    backoff=backoff,
                    timeout=timeout,
                    sleep=sleep,
                    clock=clock,
                )
            body = fetcher.get(BASE_URL + name)
            if body is None:
                continue
            atomic_write_bytes(cached, body)
        try:
            when = injury_report.report_time(cached)
        except BadInputError as exc:
            raise FeedBadResponse(f"{BASE_URL + name}: the PDF is no injury report ({exc})") from None
        out = files / name
        changed = not out.is_file() or out.read_bytes() != body
        if changed:
            atomic_write_bytes(out, body)
        sent = fetcher.requests if fetcher else 0
        return FetchedReport(out, when, BASE_URL + name, slot, from_cache=from_cache, requests=sent, changed=changed)
    first, last = report_file_name(at), report_file_name(slot)
    if cache_only:
        raise ReportNotFound(
            f"no injury report in the cache for the {tries} slots from {first} back to {last} (--from-cache sends "
            "no request)"
        )
    tried = fetcher.not_found if fetcher else []
    blocked = sum(1 for _, status in tried if status == 403)
    hint = (
        f" ({blocked} answered 403: a long run of them can also mean the CDN refuses this address)" if blocked else ""
    )
    raise ReportNotFound(f"no injury report published in the {tries} slots from {first} back to {last}{hint}")


def fetch_into_feed(feed_dir: str | Path, at: datetime, session: Any = None, **kwargs: Any) -> FetchedReport:
    """fetch_latest_report for `nbaprops fetch`: under the feed's lock (one fetch at a time), the
    report's file (injury_report/<name>) left in the manifest's `not_ingested` for `--ingest` when
    it is new or changed, or rebuilt from the cache. Same arguments and errors."""
    store = FeedStore(Path(feed_dir))
    with store.lock():
        got = fetch_latest_report(store.root, at, session, **kwargs)
        if got.changed or kwargs.get("cache_only"):
            manifest = store.load_manifest()
            mark_not_ingested(manifest, [written_name(got)])
            store.save_manifest(manifest)
    return got


def written_name(got: FetchedReport) -> str:
    """The report's file as fetch reports name files: relative to <feed>/files."""
    return f"{ENDPOINT}/{got.path.name}"
