"""Running the feed in the tests: the library with a no-wait client, and the command line in
this process (so that the stubbed HTTP layer answers it)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import duckdb

from nbaprops.feed import FetchOptions, fetch
from nbaprops.feed.client import FeedClient

from .stub import GAME_DATE


def run_fetch(feed: Path, *days: str, client: FeedClient | None = None, **kw):
    days = days or (GAME_DATE,)
    return fetch(
        FetchOptions(feed_dir=feed, dates=[date.fromisoformat(d) for d in days], **kw),
        None if kw.get("from_cache") else (client or FeedClient(interval=0, backoff=0)),
    )


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`nbaprops *args` in this process: (exit code, stdout, stderr)."""
    from nbaprops.cli import main

    old = sys.argv
    sys.argv = ["nbaprops", *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(path: Path | str, order: str, where: str = "true") -> list[tuple]:
    return duckdb.execute(f"SELECT * FROM '{path}' WHERE {where} ORDER BY {order}").fetchall()


def columns(path: Path | str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in duckdb.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
