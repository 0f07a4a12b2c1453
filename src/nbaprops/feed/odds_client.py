"""Polite HTTP to The Odds API (v4) with `requests`.

Like the NBA.com client (client.py): a minimum interval between calls, retries with exponential
backoff on HTTP 429 (rate limit), 5xx, timeouts, a dropped connection and a 200 that is not JSON;
a name that does not resolve fails at once. On top of it, what a paid API needs:

- the key goes only into the `apiKey` query parameter of the request; every request is described
  (messages, manifest) from its parameters without it, and any text from `requests` or from an
  error body is redacted before it reaches a message;
- 401 is the key refused, 422 an invalid parameter (the API's message says which), and the
  plan's credits used up (error_code OUT_OF_USAGE_CREDITS, or x-requests-remaining 0 on a 401 or
  429) is said as such and never retried: a retry would not help and could cost;
- the usage headers (x-requests-remaining, x-requests-used, x-requests-last) of the last
  response are kept for the report.

The session is injectable (tests); the body is returned as the bytes received.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .client import _no_name, _snippet
from .errors import (
    ODDS_RESUME,
    FeedBadResponse,
    FeedError,
    FeedHTTPError,
    FeedUnavailable,
    OddsBadRequest,
    OddsKeyRefused,
    OddsQuotaExhausted,
)
from .odds_key import KEY_ENV, OddsKey, redact
from .pacing import CallStats, Paced

HOST = "api.the-odds-api.com"
BASE_URL = f"https://{HOST}"
DEFAULT_INTERVAL = 1.0  # the API allows 30 calls a second; one a second is plenty for a daily job
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 2.0
DEFAULT_TIMEOUT = 30.0
OUT_OF_CREDITS = "OUT_OF_USAGE_CREDITS"
USAGE_HEADERS = ("x-requests-remaining", "x-requests-used", "x-requests-last")


@dataclass(frozen=True)
class OddsResponse:
    body: bytes  # as received
    received_at: datetime  # UTC, whole seconds: when the lines of a current body were seen
    request: str  # the request without the key, e.g. GET /v4/…/odds?markets=h2h&regions=us
    usage: dict[str, str]  # its x-requests-* headers


@dataclass
class OddsStats(CallStats):
    usage: dict[str, str] = field(default_factory=dict)  # the x-requests-* headers of the last response
    credits_reported: int = 0  # the sum of x-requests-last over this run's responses


def describe(path: str, params: dict[str, Any]) -> str:
    """The request as messages and the manifest show it: never with the key."""
    shown = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k.lower() != "apikey")
    return f"GET {path}" + (f"?{shown}" if shown else "")


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class OddsClient(Paced):
    """Sends The Odds API requests politely. `session` (anything with requests' `get`), `sleep`,
    `clock` and `now` are injectable (tests)."""

    stats: OddsStats  # the pacing counts and the usage headers

    def __init__(
        self,
        key: OddsKey,
        *,
        session: Any = None,
        interval: float = DEFAULT_INTERVAL,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        if interval < 0 or retries < 0 or backoff < 0 or timeout <= 0:
            raise ValueError("interval, retries and backoff must be >= 0 and timeout > 0")
        self.key = key
        self._session = session
        self.interval, self.retries, self.backoff, self.timeout = interval, retries, backoff, timeout
        self.sleep, self.clock, self.now, self.on_retry = sleep, clock, now, on_retry
        self.stats = OddsStats()
        self._last: float | None = None

    @property
    def session(self):
        if self._session is None:
            try:
                import requests
            except ImportError:
                raise FeedError(
                    "The Odds API needs the requests package, which is not installed; install it with "
                    "pip install 'nbaprops[feed]'"
                ) from None
            self._session = requests.Session()
        return self._session

    def current_time(self) -> datetime:
        """UTC now, whole seconds (the module's utc_now unless `now` was given)."""
        return self.now() if self.now else utc_now()

    # -- one call -----------------------------------------------------------------------------
    def get(self, path: str, params: dict[str, Any]) -> OddsResponse:
        """The body of GET `path` with `params` (the key is added here, and only here)."""
        what = describe(path, params)
        session = self.session
        attempt = 0
        connect_failures = 0
        while True:
            self._wait_interval()
            self.stats.calls += 1
            resp, failure, why = self._send(session, path, params)
            # decided outside the except clauses: no error raised here keeps requests' exception
            # (whose text has the URL, and so the key) as its context
            if failure == "timeout":
                if attempt >= self.retries:
                    raise FeedUnavailable(
                        f"{what}: {HOST} did not answer within {self.timeout:g} s, {attempt + 1} times; {ODDS_RESUME}"
                    )
                self._retry(what, f"no answer within {self.timeout:g} s", attempt)
                attempt += 1
                continue
            if failure == "no name":
                raise FeedUnavailable(
                    f"cannot reach {HOST}: its name does not resolve (no network, or no DNS); {ODDS_RESUME}"
                )
            if failure == "connection":
                connect_failures += 1
                if connect_failures > 1 or attempt >= self.retries:
                    raise FeedUnavailable(
                        f"cannot reach {HOST} (no network, or the site is down): {why}; {ODDS_RESUME}"
                    )
                self._retry(what, "connection failed", attempt)
                attempt += 1
                continue
            if failure:
                raise FeedUnavailable(f"{what}: request failed: {why}; {ODDS_RESUME}")
            assert resp is not None
            status = int(resp.status_code)
            body = bytes(resp.content or b"")
            usage = {k: str(resp.headers[k]) for k in USAGE_HEADERS if k in (resp.headers or {})}
            if usage:
                self.stats.usage = usage
                if status == 200 and usage.get("x-requests-last", "").isdigit():
                    self.stats.credits_reported += int(usage["x-requests-last"])
            if status == 200:
                if not _is_json(body):
                    if attempt >= self.retries:
                        raise FeedBadResponse(
                            f"{what}: {HOST} answered {len(body):,} bytes that are not JSON "
                            f"({self._redacted(_snippet(body.decode('utf-8', 'replace')))}), {attempt + 1} times; "
                            f"{ODDS_RESUME}"
                        )
                    self._retry(what, "the answer is not JSON", attempt)
                    attempt += 1
                    continue
                return OddsResponse(body, self.current_time(), what, usage)
            code, message = self._error_of(body)
            if code == OUT_OF_CREDITS or (status in (401, 429) and usage.get("x-requests-remaining") == "0"):
                used = f" (x-requests-used {usage['x-requests-used']})" if "x-requests-used" in usage else ""
                raise OddsQuotaExhausted(
                    f"The Odds API: the plan's credits are used up{used}; no more calls until the plan renews "
                    f"or is upgraded; {ODDS_RESUME}"
                )
            if status == 401:
                raise OddsKeyRefused(
                    f"The Odds API refused the key (HTTP 401{', ' + code if code else ''}): check {KEY_ENV} or "
                    f"the key file; {ODDS_RESUME}"
                )
            if status == 429 or status >= 500:
                if attempt >= self.retries:
                    raise FeedHTTPError(
                        f"{what}: HTTP {status} from {HOST} after {attempt + 1} attempts "
                        f"({'rate limited' if status == 429 else 'server error'}); try again later; {ODDS_RESUME}"
                    )
                self._retry(what, f"HTTP {status}", attempt)
                attempt += 1
                continue
            why = message or "invalid parameter"
            raise OddsBadRequest(
                f"{what}: HTTP {status} from {HOST}: {why}{' (' + code + ')' if code else ''}; {ODDS_RESUME}"
            )

    def _send(self, session, path: str, params: dict[str, Any]) -> tuple[Any, str, str]:
        """(response, failure, why): failure is '' on an answer, else timeout / no name /
        connection / request, with why the redacted text of requests' error."""
        import requests

        try:
            resp = session.get(
                BASE_URL + path,
                params={**params, "apiKey": self.key.value()},
                timeout=self.timeout,
                headers={"Accept": "application/json"},
            )
            return resp, "", ""
        except requests.Timeout:
            return None, "timeout", ""
        except requests.ConnectionError as exc:
            return None, "no name" if _no_name(exc) else "connection", self._short(exc)
        except requests.RequestException as exc:
            return None, "request", self._short(exc)

    # -- text that may carry the key ----------------------------------------------------------
    def _redacted(self, text: str) -> str:
        return redact(text, self.key)

    def _short(self, exc: BaseException) -> str:
        text = self._redacted(" ".join(str(exc).split()))
        return text if len(text) <= 160 else text[:157] + "..."

    def _error_of(self, body: bytes) -> tuple[str, str]:
        """(error_code, message) of an error body {message, error_code, details_url}, redacted."""
        try:
            doc = json.loads(body)
        except ValueError:
            return "", self._redacted(_snippet(body.decode("utf-8", "replace")))
        if not isinstance(doc, dict):
            return "", ""
        code = doc.get("error_code")
        message = doc.get("message")
        code = self._redacted(str(code)) if code else ""
        message = self._redacted(" ".join(str(message).split()).rstrip(".")) if message else ""
        return code, message[:200]
