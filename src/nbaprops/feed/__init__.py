"""The live league feed: `nbaprops fetch` pulls each day's games from stats.nba.com (through the
optional nba_api package) into files laid out like data/real/, which `nbaprops ingest` loads.

pacing.py  the pacing every client shares: a minimum interval between calls, backoff before a retry
client.py  polite HTTP (interval, retries with backoff, one-line errors)
store.py   the feed folder: raw-response cache, manifest, atomic Parquet files
parse.py   responses → rows in the bundled files' columns and types
fetch.py   the dates: scoreboard, season schedule, box scores and shots of final games, resume
injury_report.py  the latest official injury report PDF (the league's CDN, not stats.nba.com)

The Odds API (v4), lines and props into files/odds/:
odds_key.py      the key: environment or key file, kept in memory, redacted from every text
odds_client.py   polite HTTP with requests: retries, 401/422/429 and used-up credits in one line
odds_credits.py  the price list in credits and the estimate of a fetch
odds_fetch.py    current and historical dates: events, game odds, each game's player_points"""

from .fetch import (
    DateResult,
    FetchOptions,
    FetchReport,
    SeasonResult,
    default_dates,
    default_feed_dir,
    fetch,
    ingest_written,
)

__all__ = [
    "DateResult",
    "FetchOptions",
    "FetchReport",
    "SeasonResult",
    "default_dates",
    "default_feed_dir",
    "fetch",
    "ingest_written",
]
