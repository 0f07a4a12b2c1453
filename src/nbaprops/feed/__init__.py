"""The live league feed: `nbaprops fetch` pulls each day's games from stats.nba.com (through the
optional nba_api package) into files laid out like data/real/, which `nbaprops ingest` loads.

client.py  polite HTTP (interval, retries with backoff, one-line errors)
store.py   the feed folder: raw-response cache, manifest, atomic Parquet files
parse.py   responses → rows in the bundled files' columns and types
fetch.py   the dates: scoreboard, season schedule, box scores and shots of final games, resume
injury_report.py  the latest official injury report PDF (the league's CDN, not stats.nba.com)"""

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
