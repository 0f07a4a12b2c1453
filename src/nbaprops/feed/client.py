"""Polite HTTP to stats.nba.com through nba_api.

Every request is built and sent by nba_api (its endpoint classes spell the parameters and the
browser-like headers stats.nba.com wants; its HTTP layer sends them with `requests`); this
module adds what a daily job needs around it:

- a minimum interval between calls (default 0.6 s: stats.nba.com throttles and blocks eager
  clients);
- retries with exponential backoff on HTTP 429, 5xx, timeouts, a dropped connection and a body
  that is not JSON (a hiccup of the CDN); a connection that cannot be made at all (no network,
  no DNS) is retried once only, so a machine without network fails fast;
- typed errors with one clear line each: 403 (the address is blocked), unreachable, HTTP error,
  malformed response.

The raw body of each successful call is returned as text; the caller caches it (store.py) and
parses it (parse.py) — a re-parse from the cache runs the same nba_api parsing code.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from .errors import RESUME, FeedBadResponse, FeedBlocked, FeedDependencyError, FeedHTTPError, FeedUnavailable
from .pacing import CallStats, Paced

HOST = "stats.nba.com"
DEFAULT_INTERVAL = 0.6  # seconds between the starts of two calls
DEFAULT_RETRIES = 4  # retries after the first attempt (429, 5xx, timeouts, bad JSON)
DEFAULT_BACKOFF = 2.0  # first wait before a retry; doubles each time
DEFAULT_TIMEOUT = 30.0  # seconds for one request (nba_api's default)
CONNECT_RETRIES = 1  # a connection that cannot be made at all: one retry, then fail

BLOCKED_HINT = (
    f"HTTP 403 from {HOST}: the site refuses this address (it blocks many cloud and data-centre "
    f"IP ranges); run the fetch from a residential or office connection, or through a proxy "
    f"(HTTPS_PROXY), then ingest the files it writes; {RESUME}"
)


def endpoint_classes() -> dict[str, Any]:
    """The nba_api endpoint classes the feed calls, by endpoint name. Raises
    FeedDependencyError when nba_api (the `feed` extra) is missing."""
    try:
        from nba_api.stats.endpoints import BoxScoreTraditionalV3, ScheduleLeagueV2, ScoreboardV3, ShotChartDetail
    except ImportError as exc:
        raise FeedDependencyError(str(exc)) from None
    return {
        "scoreboardv3": ScoreboardV3,
        "boxscoretraditionalv3": BoxScoreTraditionalV3,
        "shotchartdetail": ShotChartDetail,
        "scheduleleaguev2": ScheduleLeagueV2,
    }


def build_endpoint(name: str, **params: Any):
    """An nba_api endpoint object with its parameters, no request sent."""
    cls = endpoint_classes()[name]
    return cls(**params, get_request=False)


class FeedClient(Paced):
    """Sends nba_api requests politely. `sleep` and `clock` are injectable (tests)."""

    def __init__(
        self,
        *,
        interval: float = DEFAULT_INTERVAL,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        if interval < 0 or retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("interval, retries and backoff must be >= 0 and timeout > 0")
        endpoint_classes()  # fail early, with the install hint, when nba_api is missing
        self.interval, self.retries, self.backoff, self.timeout = interval, retries, backoff, timeout
        self.sleep, self.clock, self.on_retry = sleep, clock, on_retry
        self.stats = CallStats()
        self._last: float | None = None

    # -- one call -----------------------------------------------------------------------------
    def call(self, name: str, **params: Any) -> str:
        """The raw JSON text of endpoint `name` with `params` (nba_api's parameter names)."""
        import requests
        from nba_api.stats.library.http import NBAStatsHTTP

        ep = build_endpoint(name, **params)
        what = describe(name, params)
        attempt = 0
        connect_failures = 0
        while True:
            self._wait_interval()
            self.stats.calls += 1
            try:
                resp = NBAStatsHTTP().send_api_request(
                    endpoint=ep.endpoint, parameters=ep.parameters, headers=ep.headers, timeout=self.timeout
                )
            except requests.Timeout:
                if attempt >= self.retries:
                    raise FeedUnavailable(
                        f"{what}: {HOST} did not answer within {self.timeout:g} s, "
                        f"{attempt + 1} times; it may be down or blocking this address; "
                        f"{RESUME}"
                    ) from None
                self._retry(what, f"no answer within {self.timeout:g} s", attempt)
                attempt += 1
                continue
            except requests.ConnectionError as exc:
                connect_failures += 1
                if _no_name(exc):  # no network or no DNS: retrying will not help
                    raise FeedUnavailable(
                        f"cannot reach {HOST}: its name does not resolve (no network, or no DNS); {RESUME}"
                    ) from None
                if connect_failures > CONNECT_RETRIES or attempt >= self.retries:
                    raise FeedUnavailable(
                        f"cannot reach {HOST} (no network, or the site is down): {_short(exc)}; {RESUME}"
                    ) from None
                self._retry(what, "connection failed", attempt)
                attempt += 1
                continue
            except requests.RequestException as exc:
                raise FeedUnavailable(f"{what}: request failed: {_short(exc)}; {RESUME}") from None
            status = getattr(resp, "_status_code", None) or 200
            text = resp.get_response() or ""
            if status == 403:
                raise FeedBlocked(BLOCKED_HINT)
            if status == 429 or status >= 500:
                if attempt >= self.retries:
                    raise FeedHTTPError(
                        f"{what}: HTTP {status} from {HOST} after {attempt + 1} attempts "
                        f"({'rate limited' if status == 429 else 'server error'}); try again "
                        f"later (a larger --interval is gentler); {RESUME}"
                    )
                self._retry(what, f"HTTP {status}", attempt)
                attempt += 1
                continue
            if status >= 400:
                raise FeedHTTPError(f"{what}: HTTP {status} from {HOST}; {RESUME}")
            try:
                json.loads(text)
            except ValueError:
                if attempt >= self.retries:
                    raise FeedBadResponse(
                        f"{what}: {HOST} answered {len(text):,} bytes that are not JSON "
                        f"({_snippet(text)}), {attempt + 1} times; {RESUME}"
                    ) from None
                self._retry(what, "the answer is not JSON", attempt)
                attempt += 1
                continue
            return text


def describe(name: str, params: dict[str, Any]) -> str:
    """`boxscoretraditionalv3 game 0022200552` — a call as messages name it."""
    keys = {"game_date": "date", "game_id": "game", "game_id_nullable": "game", "season": "season"}
    shown = [f"{label} {params[k]}" for k, label in keys.items() if params.get(k)]
    return " ".join([name, *shown])


def _no_name(exc: BaseException) -> bool:
    text = str(exc)
    return any(
        k in text
        for k in (
            "NameResolution",
            "Failed to resolve",
            "Name or service not known",
            "Temporary failure in name resolution",
            "nodename nor servname",
        )
    )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _snippet(text: str) -> str:
    s = " ".join(text.split())[:40]
    return repr(s) if s else "empty"
