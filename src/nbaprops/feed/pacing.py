"""Polite pacing, shared by the feed's HTTP clients (stats.nba.com, The Odds API): a minimum
interval between the starts of two calls, and exponential backoff before a retry, each retry
logged in one line. `sleep` and `clock` are injectable (tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class CallStats:
    calls: int = 0  # requests sent (retries included)
    retries: int = 0
    waited: float = 0.0  # seconds slept for the interval and the backoff
    log: list[str] = field(default_factory=list)  # one line per retry


class Paced:
    """The pacing of a client; the client sets these attributes in its __init__."""

    interval: float
    backoff: float
    sleep: Callable[[float], None]
    clock: Callable[[], float]
    on_retry: Callable[[str], None] | None
    stats: CallStats
    _last: float | None

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self.sleep(seconds)
            self.stats.waited += seconds

    def _wait_interval(self) -> None:
        if self._last is not None:
            self._pause(self.interval - (self.clock() - self._last))
        self._last = self.clock()

    def _retry(self, what: str, why: str, attempt: int) -> None:
        delay = self.backoff * (2**attempt)
        line = f"{what}: {why}; retry {attempt + 1} in {delay:g} s"
        self.stats.retries += 1
        self.stats.log.append(line)
        if self.on_retry:
            self.on_retry(line)
        self._pause(delay)
