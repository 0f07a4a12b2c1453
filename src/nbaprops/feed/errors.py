"""The feed's typed errors: the CLI turns each into one line and an exit code (1: the fetch
failed, nothing half-written, the next run resumes; 2: bad usage)."""

from __future__ import annotations

from ..errors import NbapropsError

RESUME = "nothing half-written; the next `nbaprops fetch` resumes where this one stopped"
INSTALL = "pip install 'nbaprops[feed]' (or: pip install nba_api)"


class FeedError(NbapropsError):
    """A fetch failed: NBA.com unreachable, refused, or answering nonsense. Exit 1."""

    exit_code = 1


class FeedDependencyError(FeedError):
    """nba_api (the optional `feed` extra) is not installed."""

    def __init__(self, why: str = "") -> None:
        super().__init__(
            f"nbaprops fetch needs the nba_api package, which is not installed{': ' + why if why else ''}; "
            f"install it with {INSTALL}"
        )


class FeedUnavailable(FeedError):
    """stats.nba.com could not be reached (no network, DNS, connection refused, timeouts)."""


class FeedBlocked(FeedError):
    """HTTP 403: stats.nba.com refuses this address (it blocks many cloud and data-centre IPs)."""


class FeedHTTPError(FeedError):
    """An HTTP error that retries did not cure (429 or 5xx to the end, or another 4xx)."""


class FeedBadResponse(FeedError):
    """A response that is not JSON, or not the shape the endpoint documents."""


class FeedCacheMissing(FeedError):
    """--from-cache asked for responses that were never fetched."""


class FeedBusy(FeedError):
    """Another fetch holds the feed folder."""


# -- The Odds API -----------------------------------------------------------------------------
ODDS_RESUME = "nothing half-written; calls already paid for are kept and the next run resumes"


class OddsKeyRefused(FeedError):
    """HTTP 401: The Odds API refused the key (missing, invalid or deactivated)."""


class OddsBadRequest(FeedError):
    """HTTP 422 (or another 4xx): a date out of range or an invalid parameter."""


class OddsQuotaExhausted(FeedError):
    """The plan's credits are used up (OUT_OF_USAGE_CREDITS, or x-requests-remaining 0)."""


class OddsOverBudget(FeedError):
    """The credits a fetch may cost exceed --max-credits: refused before any call. Exit 2."""

    exit_code = 2
