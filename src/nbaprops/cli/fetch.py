"""`nbaprops fetch`: pull the games of some dates from stats.nba.com into files `ingest` reads."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from ..errors import BadInputError
from .common import console, open_warehouse, parse_date
from .render import Col, Listing, emit

if TYPE_CHECKING:
    from rich.progress import TaskID

MAX_DATES = 400  # a longer range is a mistake more often than a wish


def fetch_cmd(
    date_: str | None = typer.Option(None, "--date", help="Fetch this one date (YYYY-MM-DD, US Eastern game date)."),
    start_date: str | None = typer.Option(None, "--start-date", help="First date of a range (with --end-date)."),
    end_date: str | None = typer.Option(None, "--end-date", help="Last date of a range (default: today)."),
    today: str | None = typer.Option(
        None,
        "--today",
        envvar="NBAPROPS_TODAY",
        help="Take this date as today for the default dates (default: today in US "
        "Eastern time); for replays and tests.",
    ),
    ingest: bool = typer.Option(
        False,
        "--ingest",
        help="Ingest the files this fetch wrote (and any an earlier fetch wrote but did not ingest), in one "
        "transaction.",
    ),
    from_cache: bool = typer.Option(
        False,
        "--from-cache",
        help="No network: rebuild the dates' files from the cached responses (after a parser fix, or to re-ingest).",
    ),
    refetch: bool = typer.Option(
        False,
        "--refetch",
        help="Fetch complete dates and cached games again (a stat correction); the new "
        "box score replaces the game's rows when ingested.",
    ),
    schedule_only: bool = typer.Option(
        False, "--schedule-only", help="Scoreboards and season schedules only, no box scores or shots."
    ),
    schedule_max_age: float = typer.Option(
        7.0, "--schedule-max-age", min=0, help="Days after which a season's full schedule is fetched again."
    ),
    interval: float = typer.Option(
        0.6, "--interval", min=0.0, help="Minimum seconds between two calls to stats.nba.com (be polite: >= 0.6)."
    ),
    retries: int = typer.Option(
        4,
        "--retries",
        min=0,
        help="Retries of a call after HTTP 429/5xx, a timeout or a malformed answer (backoff 2, 4, 8 … s).",
    ),
    timeout: float = typer.Option(30.0, "--timeout", min=1.0, help="Seconds to wait for one answer."),
    feed_dir: Path | None = typer.Option(
        None, "--feed-dir", help="The feed folder (cache, manifest, files); default: `feed` beside the warehouse."
    ),
) -> None:
    """Fetch each date's games from NBA.com (stats.nba.com, through nba_api) into files laid out like data/real/.

    Per date: the scoreboard (games, teams, status, tip-off) and, for every final game, its box
    score (boxscoretraditionalv3) and, in the regular season, its shots (shotchartdetail); per
    season: the full schedule when the feed has none or it is older than --schedule-max-age days.
    A game that is not final is fetched by a later run. Default dates: yesterday and today (US
    Eastern), reaching back to any date a failed or earlier run left unfinished (up to 30 days).

    Raw responses are cached in <feed>/cache and a manifest records what is done: a killed or
    failed fetch resumes where it stopped, and never leaves half a file. Files go to
    <feed>/files (`nbaprops ingest <feed>/files` loads them all; --ingest loads this run's).

    Exit codes: 0 done (games not final yet are not an error), 1 NBA.com unreachable, refusing
    (HTTP 403) or answering nonsense (nothing half-written; run again later), 2 bad usage."""
    from ..feed import FetchOptions, default_dates, default_feed_dir, fetch
    from ..feed.client import FeedClient, endpoint_classes
    from ..runner.daily import parse_today, today_eastern
    from ..warehouse import resolve_path
    from .common import STATE

    dates = _dates(date_, start_date, end_date)
    endpoint_classes()  # nba_api missing: one line on how to install it, before anything else
    folder = feed_dir or default_feed_dir(resolve_path(STATE.warehouse))
    if dates is None:
        dates = default_dates(folder, parse_today(today) or today_eastern())
    progress = _LiveProgress() if console.is_terminal else _PlainProgress()
    client = None
    if not from_cache:
        client = FeedClient(interval=interval, retries=retries, timeout=timeout, on_retry=progress.retry)
    opts = FetchOptions(
        feed_dir=folder,
        dates=dates,
        from_cache=from_cache,
        refetch=refetch,
        schedule_only=schedule_only,
        schedule_max_age_days=schedule_max_age,
    )
    with progress:
        report = fetch(opts, client, progress)
    _summary(report)
    if ingest:
        _ingest(report)


def _dates(date_: str | None, start: str | None, end: str | None) -> list[date] | None:
    if date_ and (start or end):
        raise BadInputError("give --date, or --start-date/--end-date, not both")
    if date_:
        return [parse_date(date_, "--date")]
    if not start and not end:
        return None
    if not start:
        raise BadInputError("--end-date needs --start-date")
    s = parse_date(start, "--start-date")
    e = parse_date(end, "--end-date") if end else None
    if e is None:
        from ..runner.daily import today_eastern

        e = today_eastern()
    if s > e:
        raise BadInputError(f"--start-date {s} is after --end-date {e}")
    n = (e - s).days + 1
    if n > MAX_DATES:
        raise BadInputError(f"{n} dates is more than {MAX_DATES}: fetch a season at a time")
    return [s + timedelta(days=i) for i in range(n)]


def _summary(report) -> None:
    cols = [
        Col("date", kind="date"),
        Col("status", keep=True),
        Col("games", kind="int"),
        Col("final", kind="int"),
        Col("fetched", kind="int"),
        Col("cached", kind="int"),
        Col("pending", kind="int"),
        Col("calls", kind="int"),
        Col("rows", kind="int"),
        Col("note"),
    ]
    rows = [
        (
            r.day,
            r.status,
            r.games,
            r.final,
            r.fetched,
            r.cached,
            r.pending,
            r.calls,
            sum(n for f, n in r.files.items() if not f.startswith("schedule")),
            r.note,
        )
        for r in report.dates
    ]
    emit(Listing("fetch" + (" (from the cache)" if report.from_cache else ""), cols, rows))
    for s in report.seasons:
        if s.status != "fresh":
            console.print(
                f"season {s.season} schedule: {s.status}" + (f", {s.games:,} games → {s.file}" if s.file else ""),
                highlight=False,
            )
    how = (
        "no network used"
        if report.from_cache
        else f"{report.calls:,} call{'s' if report.calls != 1 else ''} to stats.nba.com"
        + (f" ({report.retries} retried)" if report.retries else "")
    )
    written = len(set(report.written))
    console.print(
        Text(
            f"{how} in {report.seconds:.1f} s; {written} file{'s' if written != 1 else ''} written to "
            f"{report.files_dir}"
        ),
        soft_wrap=True,
    )


def _ingest(report) -> None:
    from ..feed import ingest_written
    from .run_tables import print_ingest

    with open_warehouse() as wh:
        with console.status("ingesting the fetched files"):
            result = ingest_written(wh, report)
    if result is None:
        console.print("nothing new to ingest")
        return
    print_ingest(result)
    refused = [f for f in result.files if f.rows_refused]
    if refused:
        console.print("[red]some corrections were refused[/]: see `nbaprops rejected`; everything else was loaded")
        raise typer.Exit(1)


class _LiveProgress:
    """On a terminal: a bar over the dates and one over the current date's games."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.dates_task: TaskID | None = None
        self.games_task: TaskID | None = None

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def dates_planned(self, dates) -> None:
        self.dates_task = self.progress.add_task("dates", total=len(dates), note="")

    def date_started(self, day, games, to_fetch) -> None:
        if self.games_task is not None:
            self.progress.remove_task(self.games_task)
        self.games_task = self.progress.add_task(f"{day} games", total=max(len(games), 1), note="")

    def game_done(self, day, game, note) -> None:
        assert self.games_task is not None  # date_started came first
        self.progress.update(self.games_task, advance=1, note=f"{game.matchup}: {note}")

    def date_done(self, result) -> None:
        assert self.dates_task is not None  # dates_planned came first
        self.progress.update(self.dates_task, advance=1, note=f"{result.day} {result.status}")

    def note(self, text) -> None:
        self.progress.console.print(Text(f"note: {text}"), soft_wrap=True)

    def retry(self, line) -> None:
        self.progress.console.print(Text(f"retry: {line}"), soft_wrap=True)


class _PlainProgress:
    """Not a terminal (a pipe, a cron log): one plain line per game and per date."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    @staticmethod
    def _line(text: str) -> None:
        console.print(Text(text), soft_wrap=True)

    def dates_planned(self, dates) -> None:
        if dates:
            span = f"{dates[0]}" if len(dates) == 1 else f"{min(dates)} .. {max(dates)}"
            self._line(f"fetch {span} ({len(dates)} date{'s' if len(dates) != 1 else ''})")

    def date_started(self, day, games, to_fetch) -> None:
        self._line(f"{day}: {len(games)} game{'s' if len(games) != 1 else ''}, {to_fetch} final to fetch")

    def game_done(self, day, game, note) -> None:
        self._line(f"  {game.game_id} {game.matchup}: {note}")

    def date_done(self, result) -> None:
        self._line(f"{result.day}: {result.status}" + (f" ({result.note})" if result.note else ""))

    def note(self, text) -> None:
        self._line(f"note: {text}")

    def retry(self, line) -> None:
        self._line(f"retry: {line}")
