"""`nbaprops fetch`: pull the games of some dates from stats.nba.com (and the odds, and the injury
report) into files `ingest` reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from ..errors import BadInputError
from ..feed.odds_key import KEY_ENV
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
        help="No network: rebuild the dates' files from the cached responses (the odds' too with --odds, and "
        "the injury report's).",
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
        0.6,
        "--interval",
        min=0.0,
        help="Minimum seconds between two calls to stats.nba.com, or to the injury reports' CDN (be polite: >= 0.6).",
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
    odds: bool | None = typer.Option(
        None, "--odds/--no-odds", help="Fetch odds from The Odds API too (default: when a key is set)."
    ),
    odds_only: bool = typer.Option(False, "--odds-only", help="Fetch The Odds API only, not NBA.com."),
    odds_markets: str = typer.Option(
        "game,props", "--odds-markets", help="Which odds: game (h2h, spreads, totals), props (player_points), or both."
    ),
    regions: str = typer.Option("us", "--regions", help="The Odds API regions, comma-separated (each one costs)."),
    bookmakers: str | None = typer.Option(
        None, "--bookmakers", help="Bookmaker keys, comma-separated, instead of --regions (10 cost as one region)."
    ),
    max_credits: int = typer.Option(
        500, "--max-credits", min=0, help="Refuse, calling nothing, when the odds could cost more credits than this."
    ),
    historical: bool = typer.Option(
        False, "--historical", help="Odds of past dates from the historical snapshots (10× the credits; paid plans)."
    ),
    snapshot_time: str | None = typer.Option(
        None,
        "--snapshot-time",
        help="With --historical: one UTC time (2024-02-22T23:50:00Z) for every snapshot; default: each game's "
        "tip-off minus 10 minutes.",
    ),
    odds_key_file: Path | None = typer.Option(
        None,
        "--odds-key-file",
        help=f"A file holding The Odds API key alone (default: {KEY_ENV}, else ~/.config/nbaprops/odds_api_key).",
    ),
    injury_report_: bool | None = typer.Option(
        None,
        "--injury-report/--no-injury-report",
        help="Fetch the latest official injury report too (default: when the dates include today).",
    ),
    report_time: str | None = typer.Option(
        None,
        "--report-time",
        help="The latest injury report published at or before this US Eastern time (2024-01-04T11:00) instead "
        "of now: for replays and backfills.",
    ),
    report_only: bool = typer.Option(
        False, "--report-only", help="Fetch the injury report only, not NBA.com or The Odds API."
    ),
) -> None:
    """Fetch each date's games from NBA.com (stats.nba.com, through nba_api) into files laid out like data/real/.

    Per date: the scoreboard (games, teams, status, tip-off) and, for every final game, its box
    score (boxscoretraditionalv3) and, in the regular season, its shots (shotchartdetail); per
    season: the full schedule when the feed has none or it is older than --schedule-max-age days.
    A game that is not final is fetched by a later run. Default dates: yesterday and today (US
    Eastern), reaching back to any date a failed or earlier run left unfinished (up to 30 days).
    --odds-only skips NBA.com (and the injury report); --report-only fetches the report alone.

    Raw responses are cached in <feed>/cache and a manifest records what is done: a killed or
    failed fetch resumes where it stopped, and never leaves half a file. Files go to
    <feed>/files (`nbaprops ingest <feed>/files` loads them all, odds/ and injury_report/
    included; --ingest loads this run's).

    The Odds API (v4), when a key is set (NBAPROPS_ODDS_API_KEY, or --odds-key-file): per date, the events
    list, the game odds (h2h, spreads, totals) and each game's player_points, into <feed>/files/odds.
    Without --historical: today and later dates (default:
    today), props of games not started yet. With --historical: past dates, each game's snapshot
    at tip-off minus 10 minutes (or --snapshot-time); game odds from 2020-06-06, props from
    2023-05-03. The key is sent as the apiKey parameter and never printed or stored.

    Credits (the API's quota; the free plan has 500 a month, historical needs a paid plan):
    current odds cost 1 per region × market per call (the events list is free; game odds 3 per
    region), each event's player_points 1 per region; historical calls 10 per region × market
    (the historical events list 1). The estimate is printed before calling; over --max-credits
    the fetch refuses and calls nothing. A call whose body is cached is never bought again.
    After the calls: x-requests-remaining / x-requests-used of the last response.

    The injury report: the league's official PDF from its CDN (ak-static.cms.nba.com, not
    stats.nba.com), published hourly at about half past, every 15 minutes since 2025-12-22. It is
    a snapshot of now, so by default it is fetched when the dates include today (--today sets
    today for replays): the latest report published at or before now, or at or before
    --report-time; the slots back from that time are tried (12 at most) and the first published
    one lands in <feed>/files/injury_report (every PDF fetched is cached; --from-cache takes it
    from there). None found is one line, not a failure (exit 1 with --report-only). In the
    features a row keyed on date D uses the latest report published before 12:00 US Eastern on D
    (nbaprops.calendar.INJURY_REPORT_CUTOFF_HOUR): fetch it in the morning.

    Exit codes: 0 done (games not final yet, or no injury report found, are not an error), 1
    NBA.com, The Odds API or the CDN unreachable, refusing (HTTP 403, a refused key, credits used
    up) or answering nonsense (nothing half-written; run again later), or --report-only finding
    no report, 2 bad usage (or the odds over --max-credits)."""
    from ..feed import FetchOptions, default_dates, default_feed_dir, fetch
    from ..feed.client import FeedClient, endpoint_classes
    from ..feed.fetch import FetchReport
    from ..feed.odds_fetch import estimate_odds, fetch_odds, over_budget
    from ..runner.daily import parse_today, today_eastern
    from ..warehouse import resolve_path
    from .common import STATE

    given = _dates(date_, start_date, end_date)
    _report_conflicts(injury_report_, report_time, report_only, odds, odds_only, given)
    report_at = _parse_report_time(report_time) if report_time else None
    key, odds_opts_on = (None, False) if report_only else _odds_wanted(odds, odds_only, odds_key_file, from_cache)
    nba = not odds_only and not report_only
    if nba:
        endpoint_classes()  # nba_api missing: one line on how to install it, before anything else
    folder = feed_dir or default_feed_dir(resolve_path(STATE.warehouse))
    today_d = parse_today(today) or today_eastern()
    nba_dates = given if given is not None else default_dates(folder, today_d)
    explicit = bool(injury_report_) or report_at is not None or report_only
    wanted = explicit or (injury_report_ is None and nba and today_d in nba_dates)  # a snapshot of now
    report_at = (report_at or _report_now(today_d)) if wanted and _report_reader(explicit) else None
    odds_opts = None
    if odds_opts_on:
        odds_opts = _odds_options(
            folder, given, today_d, historical, odds_markets, regions, bookmakers, snapshot_time, max_credits
        )
        odds_opts.from_cache, odds_opts.refetch = from_cache, refetch
        estimate = estimate_odds(odds_opts)  # a date the mode cannot serve: one line, before any call
        if estimate.credits > max_credits:
            raise over_budget(estimate, odds_opts)
    progress = _LiveProgress() if console.is_terminal else _PlainProgress()
    written: list[str] = []
    if nba:
        client = None
        if not from_cache:
            client = FeedClient(interval=interval, retries=retries, timeout=timeout, on_retry=progress.retry)
        opts = FetchOptions(
            feed_dir=folder,
            dates=nba_dates,
            from_cache=from_cache,
            refetch=refetch,
            schedule_only=schedule_only,
            schedule_max_age_days=schedule_max_age,
        )
        with progress:
            report = fetch(opts, client, progress)
        _summary(report)
        written += report.written
    if odds_opts is not None:
        odds_client = None
        if not from_cache:
            from ..feed.odds_client import OddsClient

            assert key is not None  # _odds_wanted refused a network fetch without one
            estimate = estimate_odds(odds_opts)  # the NBA.com part may have told how many games there are
            console.print(Text(estimate.describe(odds_opts.historical, odds_opts.units, max_credits)))
            odds_client = OddsClient(key, interval=interval, retries=retries, timeout=timeout, on_retry=progress.retry)
        odds_report = fetch_odds(odds_opts, odds_client)
        _odds_summary(odds_report)
        written += odds_report.written
    if report_at:
        written += _injury_report(folder, report_at, from_cache, report_only, interval, retries, timeout)
    if ingest:
        _ingest(FetchReport(feed_dir=folder, written=written))


def _odds_wanted(odds: bool | None, odds_only: bool, key_file: Path | None, from_cache: bool):
    """(the key, whether to fetch odds). Asked for explicitly without a key: exit 2; not asked for
    (the default) without a key: one line saying what to set, and NBA.com alone."""
    from ..feed.odds_key import find_key, no_key_hint

    if odds_only and odds is False:
        raise BadInputError("--odds-only and --no-odds contradict each other")
    if odds is False:
        return None, False
    explicit = bool(odds) or odds_only
    if from_cache:  # rebuilding needs no key; the odds only when asked for (their cache may be empty)
        return None, explicit
    key = find_key(key_file)
    if key is None:
        if explicit:
            raise BadInputError(f"The Odds API needs a key: {no_key_hint()}")
        console.print(Text(f"The Odds API: no key, odds not fetched ({no_key_hint()})"))
        return None, False
    return key, True


def _report_conflicts(
    flag: bool | None,
    report_time: str | None,
    report_only: bool,
    odds: bool | None,
    odds_only: bool,
    given: list[date] | None,
) -> None:
    if report_only and odds_only:
        raise BadInputError("--report-only and --odds-only contradict each other")
    if flag is False and (report_only or report_time):
        raise BadInputError("--no-injury-report contradicts --report-only and --report-time")
    if odds_only and (flag or report_time):
        raise BadInputError("--odds-only fetches The Odds API alone: drop --injury-report/--report-time or --odds-only")
    if report_only and odds:
        raise BadInputError("--report-only and --odds contradict each other")
    if report_only and given is not None:
        raise BadInputError("--report-only takes --report-time (the report is a snapshot of a time), not dates")


def _parse_report_time(text: str) -> datetime:
    """A --report-time as naive US Eastern wall clock (an offset or Z is converted)."""
    from ..feed.injury_report import eastern

    try:
        ts = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(
            f"--report-time must be an ISO time like 2024-01-04T11:00 (US Eastern), got {text!r}"
        ) from None
    if "T" not in text and " " not in text.strip():
        raise BadInputError(f"--report-time needs a time of day too (2024-01-04T11:00, US Eastern), got {text!r}")
    ts = eastern(ts)
    if ts > _eastern_now():
        raise BadInputError(f"--report-time {ts:%Y-%m-%dT%H:%M} is in the future (US Eastern): no report is out yet")
    return ts


def _eastern_now() -> datetime:
    from ..feed.injury_report import EASTERN

    return datetime.now(EASTERN).replace(tzinfo=None)


def _report_now(today_d: date) -> datetime:
    """Now, US Eastern; with --today another day, that day at the current time (a replay's now)."""
    now = _eastern_now()
    return now if today_d == now.date() else datetime.combine(today_d, now.time())


def _report_reader(explicit: bool) -> bool:
    """Whether PDFs can be read here (the report's time is in it). Asked for: one line and exit 2
    when not; by default: one line, and the fetch goes on without the report."""
    from ..ingest.injury_report import PdfReaderMissing, require_reader

    try:
        require_reader()
    except PdfReaderMissing as exc:
        if explicit:
            raise
        console.print(Text(f"injury report: not fetched ({exc})"))
        return False
    return True


def _injury_report(
    folder: Path, at: datetime, from_cache: bool, report_only: bool, interval: float, retries: int, timeout: float
) -> list[str]:
    """Fetch the latest report at or before `at`; one summary line. None published is one line
    (exit 0), unless the report is all that was asked for: then the error (exit 1)."""
    from ..feed.injury_report import HOST, ReportNotFound, fetch_into_feed, written_name

    try:
        with console.status("fetching the injury report"):
            got = fetch_into_feed(
                folder, at, cache_only=from_cache, interval=interval, retries=retries, timeout=timeout
            )
    except ReportNotFound as exc:
        if report_only:
            raise
        console.print(Text(f"injury report: {exc}; the rest of the fetch stands"))
        return []
    t = got.report_time
    when = f"{t:%Y-%m-%d} {t.hour % 12 or 12}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'} ET"  # not %p: locale
    if from_cache:
        how = "no network used"
    elif got.requests:
        how = f"{got.requests} request{'s' if got.requests != 1 else ''} to {HOST}"
    else:
        how = "from the cache, no request"
    where = f"{'written to' if got.changed else 'unchanged in'} {got.path.parent}"
    title = "injury report" + (" (from the cache)" if from_cache else "")
    console.print(Text(f"{title}: {got.path.name}, published {when}; {how}; {where}"))
    return [written_name(got)] if got.changed or from_cache else []


def _odds_options(
    folder: Path,
    given: list[date] | None,
    today_d: date,
    historical: bool,
    markets: str,
    regions: str,
    bookmakers: str | None,
    snapshot_time: str | None,
    max_credits: int,
):
    from ..feed.odds_fetch import MARKET_CHOICES, OddsOptions, parse_snapshot_time

    chosen = tuple(m.strip().lower() for m in markets.split(",") if m.strip())
    wrong = [m for m in chosen if m not in MARKET_CHOICES]
    if wrong or not chosen:
        raise BadInputError(f"--odds-markets takes game, props or both, got {markets!r}")
    if snapshot_time and not historical:
        raise BadInputError("--snapshot-time needs --historical (current odds are taken now)")
    if historical and given is None:
        raise BadInputError("--historical needs --date or --start-date (past dates)")
    region_list = tuple(r.strip().lower() for r in regions.split(",") if r.strip())
    books = tuple(b.strip().lower() for b in (bookmakers or "").split(",") if b.strip())
    if not region_list and not books:
        raise BadInputError("--regions needs at least one region (us, us2, uk, eu, au)")
    return OddsOptions(
        feed_dir=folder,
        dates=given if given is not None else [today_d],
        today=today_d,
        historical=historical,
        markets=tuple(m for m in MARKET_CHOICES if m in chosen),
        regions=region_list,
        bookmakers=books,
        snapshot_time=parse_snapshot_time(snapshot_time) if snapshot_time else None,
        max_credits=max_credits,
    )


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
    )


def _odds_summary(report) -> None:
    cols = [
        Col("date", kind="date"),
        Col("mode", keep=True),
        Col("status", keep=True),
        Col("games", kind="int"),
        Col("game odds", keep=True),
        Col("props bought", kind="int"),
        Col("props cached", kind="int"),
        Col("credits", kind="int"),
        Col("note"),
    ]
    rows = [
        (r.day, r.mode, r.status, r.events, r.game, r.props_fetched, r.props_cached, r.credits, r.note)
        for r in report.dates
    ]
    emit(Listing("The Odds API" + (" (from the cache)" if report.from_cache else ""), cols, rows))
    written = len(set(report.written))
    files = f"{written} file{'s' if written != 1 else ''} written to {report.files_dir}"
    if report.from_cache:
        console.print(Text(f"The Odds API: no network used; {files}"))
        return
    calls = f"{report.calls:,} call{'s' if report.calls != 1 else ''}" + (
        f" ({report.retries} retried)" if report.retries else ""
    )
    usage = report.usage
    if usage:
        quota = (
            f"x-requests-remaining {usage.get('x-requests-remaining', '?')}, "
            f"x-requests-used {usage.get('x-requests-used', '?')} (the last response's headers)"
        )
    else:
        quota = "no usage headers in the answers"
    console.print(
        Text(f"The Odds API: {calls}, {report.credits:,} credits by the price list; {quota}; {files}"),
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
        from rich.table import Column

        self.progress = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True)),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}", table_column=Column(overflow="fold")),  # may wrap, never cut
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
        self.progress.console.print(Text(f"note: {text}"))

    def retry(self, line) -> None:
        self.progress.console.print(Text(f"retry: {line}"))


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
