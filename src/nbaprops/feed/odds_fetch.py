"""Fetch game odds and player_points lines of dates from The Odds API (v4) into the feed folder.

Current mode (a date of today or later, US Eastern): the events list of the date (free), the
game odds of its games (h2h, spreads, totals: one call) and, per game not started yet, its
player_points odds (one call per event: props exist only on the event endpoint). A game that
has started is skipped: its lines would be in-game ones.

Historical mode (a past date): the events list at 10:00 US Eastern of the date, the game odds at
the snapshot before the date's first tip-off, and each game's player_points at its own snapshot;
a snapshot is `--snapshot-time` when given, else tip-off minus SNAPSHOT_LEAD (the API answers
with its newest snapshot at or before that time: it keeps one every 5 minutes).

Every body is cached as received (cache/odds_api/<mode>/<date>/<what>_<stamp>.json; stamp: our
fetch time in current mode, the requested snapshot in historical mode). The files `ingest` reads
go to files/odds/: a historical body as it is; a current body inside the envelope the historical
endpoints use, {"timestamp": <our fetch time>, "previous_timestamp": null, "next_timestamp":
null, "data": <the body's bytes>}, because a current body carries no capture time and ingest
takes the envelope's timestamp as the time each line was seen (and decides pre-tip or in-game
by it). Only bodies with at least one bookmaker become files.

Resume: the cache is the record of what was bought. A call whose body is cached is not made
again (credits are money) unless --refetch (current mode: a newer snapshot); --from-cache
rebuilds the files from the cache with no network.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BadInputError
from .errors import ODDS_RESUME, FeedCacheMissing, FeedError, OddsOverBudget
from .odds_client import OddsClient
from .odds_credits import (
    GAME_MARKETS,
    MAX_GAMES_PER_DATE,
    PROPS_MARKET,
    Estimate,
    events_cost,
    game_odds_cost,
    props_cost,
    region_units,
)
from .store import FeedStore, atomic_write_bytes, mark_not_ingested, now_utc

EASTERN = ZoneInfo("America/New_York")
SPORT = "/v4/sports/basketball_nba"
HISTORICAL = "/v4/historical/sports/basketball_nba"
GAME_HISTORY_FROM = date(2020, 6, 6)  # the API's history of game odds
PROPS_HISTORY_FROM = date(2023, 5, 3)  # … and of player props
SNAPSHOT_LEAD = timedelta(minutes=10)
EVENTS_HOUR_ET = 10  # the historical events list: every game of the date is still upcoming then
ODDS_DIR = "odds"  # under files/
CACHE_DIR = "odds_api"  # under cache/
MARKET_CHOICES = ("game", "props")
_EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # ids go into file names
_STAMP = re.compile(r"\d{8}T\d{6}Z")


def stamp(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_stamp(s: str) -> datetime:
    return datetime.strptime(s, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def parse_snapshot_time(text: str) -> datetime:
    """An ISO time (UTC when it has no zone) as an aware UTC time, whole seconds."""
    try:
        t = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadInputError(f"--snapshot-time must be a UTC time like 2024-02-22T23:50:00Z, got {text!r}") from None
    t = t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)
    return t.replace(microsecond=0)


def day_window(d: date) -> tuple[datetime, datetime]:
    """The UTC span of US Eastern date d (where the schedule dates games)."""
    start = datetime(d.year, d.month, d.day, tzinfo=EASTERN)
    nxt = d + timedelta(days=1)
    end = datetime(nxt.year, nxt.month, nxt.day, tzinfo=EASTERN) - timedelta(seconds=1)
    return start.astimezone(UTC), end.astimezone(UTC)


@dataclass
class OddsOptions:
    feed_dir: Path
    dates: list[date]
    today: date  # US Eastern: current mode fetches no date before it
    historical: bool = False
    markets: tuple[str, ...] = MARKET_CHOICES  # game, props
    regions: tuple[str, ...] = ("us",)
    bookmakers: tuple[str, ...] = ()  # replaces regions (10 bookmakers count as one region)
    snapshot_time: datetime | None = None  # historical: one snapshot for every call
    max_credits: int = 500
    from_cache: bool = False
    refetch: bool = False

    @property
    def mode(self) -> str:
        return "historical" if self.historical else "current"

    @property
    def units(self) -> int:
        return region_units(self.regions, self.bookmakers)

    def book_params(self) -> dict[str, str]:
        if self.bookmakers:
            return {"bookmakers": ",".join(self.bookmakers), "oddsFormat": "american", "dateFormat": "iso"}
        return {"regions": ",".join(self.regions), "oddsFormat": "american", "dateFormat": "iso"}


@dataclass
class OddsDateResult:
    day: date
    mode: str
    status: str = ""  # complete | partial | no games | past | missing | failed
    events: int = 0
    game: str = ""  # fetched | cached | none
    props_fetched: int = 0
    props_cached: int = 0
    started: int = 0  # current mode: games under way, whose props are not bought
    without_books: int = 0  # bodies no book had lines in: no file
    credits: int = 0  # by the API's price list
    files: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class OddsReport:
    feed_dir: Path
    historical: bool = False
    from_cache: bool = False
    dates: list[OddsDateResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # names under files/ (odds/…)
    calls: int = 0
    retries: int = 0
    credits: int = 0  # this run's calls by the price list
    usage: dict[str, str] = field(default_factory=dict)  # x-requests-* of the last response
    seconds: float = 0.0

    @property
    def files_dir(self) -> Path:
        return self.feed_dir / "files" / ODDS_DIR


# -- dates and the estimate --------------------------------------------------------------------
def odds_dates(opts: OddsOptions) -> tuple[list[date], list[date]]:
    """(dates to fetch, past dates skipped in current mode). BadInputError for a date the mode
    cannot serve (historical: today or later, or before the API's history)."""
    dates = sorted(set(opts.dates))
    if not opts.historical:
        return [d for d in dates if d >= opts.today], [d for d in dates if d < opts.today]
    for d in dates:
        if d >= opts.today:
            raise BadInputError(f"--historical is for past dates: {d} is not before today ({opts.today})")
        if "game" in opts.markets and d < GAME_HISTORY_FROM:
            raise BadInputError(f"The Odds API's history of game odds starts on {GAME_HISTORY_FROM}: {d} is earlier")
        if "props" in opts.markets and d < PROPS_HISTORY_FROM:
            raise BadInputError(
                f"The Odds API's history of player_points starts on {PROPS_HISTORY_FROM}: {d} is earlier "
                f"(--odds-markets game fetches the game odds alone)"
            )
    return dates, []


def estimate_odds(opts: OddsOptions) -> Estimate:
    """At most how many credits fetching opts' dates costs: calls whose body is cached cost
    nothing; a date whose games are not known yet (no events list cached, no scoreboard in the
    feed's manifest) counts MAX_GAMES_PER_DATE games."""
    est = Estimate()
    if opts.from_cache:
        return est
    store = FeedStore(Path(opts.feed_dir))
    manifest = store.load_manifest()
    cache = _Cache(store, opts.mode)
    dates, _ = odds_dates(opts)
    units, hist = opts.units, opts.historical
    for d in dates:
        events = _known_events(cache, opts, d)
        if events is None:
            if hist:
                est.events_lists += 1
                est.credits += events_cost(True)
            n = _games_in_manifest(manifest, d)
            if n is None:
                n = MAX_GAMES_PER_DATE
                est.guessed_dates.append(d.isoformat())
            if n and "game" in opts.markets:
                est.game_calls += 1
            if "props" in opts.markets:
                est.props_calls += n
            continue
        if not events:
            continue
        if "game" in opts.markets and not _cached_game(cache, opts, d, events):
            est.game_calls += 1
        if "props" in opts.markets:
            est.props_calls += sum(1 for e in events if not _cached_props(cache, opts, d, e))
    est.credits += est.game_calls * game_odds_cost(hist, units) + est.props_calls * props_cost(hist, units)
    return est


def over_budget(est: Estimate, opts: OddsOptions) -> OddsOverBudget:
    return OddsOverBudget(
        f"{est.describe(opts.historical, opts.units, opts.max_credits)}: over the limit, nothing was called "
        f"(raise --max-credits, or fetch fewer dates or markets)"
    )


def _games_in_manifest(manifest: dict, d: date) -> int | None:
    """The games of date d by the scoreboard an NBA.com fetch saw, if one did."""
    entry = (manifest.get("dates") or {}).get(d.isoformat()) or {}
    if entry.get("fetched_at") and isinstance(entry.get("games"), dict):
        return len(entry["games"])
    return None


# -- the cache ---------------------------------------------------------------------------------
class _Cache:
    """cache/odds_api/<mode>/<date>/<name>_<stamp>.json, bodies as received."""

    def __init__(self, store: FeedStore, mode: str) -> None:
        self.root = store.cache_dir / CACHE_DIR / mode

    def path(self, d: date, name: str, st: str) -> Path:
        return self.root / d.isoformat() / f"{name}_{st}.json"

    def find(self, d: date, name: str, st: str | None = None) -> Path | None:
        """The body of `name` at stamp st, or (st None) its newest."""
        if st is not None:
            p = self.path(d, name, st)
            return p if p.exists() else None
        folder = self.root / d.isoformat()
        if not folder.is_dir():
            return None
        found = sorted(
            p
            for p in folder.glob(f"{name}_*.json")
            if _STAMP.fullmatch(p.stem[len(name) + 1 :]) and not p.name.startswith(".")
        )
        return found[-1] if found else None

    def put(self, d: date, name: str, st: str, body: bytes) -> Path:
        p = self.path(d, name, st)
        atomic_write_bytes(p, body)
        return p


def _events_stamp(opts: OddsOptions, d: date) -> str:
    if opts.snapshot_time:
        return stamp(opts.snapshot_time)
    return stamp(datetime(d.year, d.month, d.day, EVENTS_HOUR_ET, tzinfo=EASTERN))


def _known_events(cache: _Cache, opts: OddsOptions, d: date) -> list[dict] | None:
    p = cache.find(d, "events", _events_stamp(opts, d) if opts.historical else None)
    return _events_of(p.read_bytes(), d) if p else None


def _game_stamp(opts: OddsOptions, events: list[dict]) -> str:
    if opts.snapshot_time:
        return stamp(opts.snapshot_time)
    return stamp(min(_commence(e) for e in events) - SNAPSHOT_LEAD)


def _props_stamp(opts: OddsOptions, event: dict) -> str:
    return stamp(opts.snapshot_time) if opts.snapshot_time else stamp(_commence(event) - SNAPSHOT_LEAD)


def _cached_game(cache: _Cache, opts: OddsOptions, d: date, events: list[dict]) -> Path | None:
    if opts.refetch and not opts.historical:
        return None
    return cache.find(d, "game", _game_stamp(opts, events) if opts.historical else None)


def _cached_props(cache: _Cache, opts: OddsOptions, d: date, event: dict) -> Path | None:
    if opts.refetch and not opts.historical:
        return None
    return cache.find(d, f"props_{event['id']}", _props_stamp(opts, event) if opts.historical else None)


# -- bodies ------------------------------------------------------------------------------------
def _commence(event: dict) -> datetime:
    return datetime.fromisoformat(str(event["commence_time"]).replace("Z", "+00:00")).astimezone(UTC)


def _unwrap(doc: Any) -> Any:
    return doc["data"] if isinstance(doc, dict) and {"timestamp", "data"} <= doc.keys() else doc


def _events_of(body: bytes, d: date) -> list[dict]:
    """The events of an events list (either mode) whose tip-off is on US Eastern date d."""
    try:
        doc = _unwrap(json.loads(body))
    except ValueError:
        raise FeedError(f"a cached events list of {d} is not JSON; delete it and fetch again") from None
    if not isinstance(doc, list):
        raise FeedError(f"The Odds API's events list of {d} is not a list of events; {ODDS_RESUME}")
    start, end = day_window(d)
    out = []
    for e in doc:
        try:
            ok = isinstance(e, dict) and start <= _commence(e) <= end and bool(_EVENT_ID.fullmatch(str(e["id"])))
        except (KeyError, ValueError, TypeError):
            ok = False
        if ok:
            out.append(e)
    return sorted(out, key=lambda e: (_commence(e), str(e["id"])))


def _has_books(body: bytes) -> bool:
    """Whether a body has a line to load: an event, or a list of them, with a bookmaker."""
    try:
        doc = _unwrap(json.loads(body))
    except ValueError:
        return False
    events = doc if isinstance(doc, list) else [doc]
    return any(isinstance(e, dict) and e.get("bookmakers") for e in events)


def _no_event(body: bytes) -> bool:
    try:
        doc = _unwrap(json.loads(body))
    except ValueError:
        return False
    return doc == [] or doc is None


def envelope(body: bytes, seen_at: datetime) -> bytes:
    """A current body inside the historical endpoints' envelope, its bytes untouched."""
    head = (
        '{"timestamp": "' + iso(seen_at) + '", "previous_timestamp": null, "next_timestamp": null, "data": '
    ).encode()
    return head + body + b"}\n"


# -- the fetch ---------------------------------------------------------------------------------
@dataclass
class _Run:
    opts: OddsOptions
    store: FeedStore
    cache: _Cache
    client: OddsClient | None
    report: OddsReport
    manifest: dict
    progress: Any
    missing: list[str] = field(default_factory=list)


def fetch_odds(opts: OddsOptions, client: OddsClient | None = None, progress: Any = None) -> OddsReport:
    """Fetch (or, with from_cache, rebuild) the odds of opts' dates. Raises OddsOverBudget
    (nothing called) when the estimate is over opts.max_credits, a FeedError when the API refuses
    or fails: what was bought before is cached and its files written."""
    if not opts.from_cache and client is None:
        raise ValueError("a fetch from the network needs an OddsClient")
    store = FeedStore(Path(opts.feed_dir))
    report = OddsReport(feed_dir=store.root, historical=opts.historical, from_cache=opts.from_cache)
    t0 = time.monotonic()
    dates, past = odds_dates(opts)
    est = estimate_odds(opts)
    if est.credits > opts.max_credits:
        raise over_budget(est, opts)
    with store.lock():
        manifest = store.load_manifest()
        run = _Run(opts, store, _Cache(store, opts.mode), client, report, manifest, progress)
        for d in past:
            report.dates.append(
                OddsDateResult(d, "current", status="past", note="a past date: --historical buys its snapshots")
            )
        try:
            for d in dates:
                res = OddsDateResult(d, opts.mode)
                report.dates.append(res)
                entry = manifest.setdefault("odds", {}).setdefault(f"{opts.mode}/{d}", {})
                entry.update(status="running", started_at=now_utc())
                store.save_manifest(manifest)
                try:
                    _date(run, res)
                except FeedError as exc:
                    res.status = "failed"
                    entry.update(status="failed", error=str(exc).split(";")[0])
                    raise
                finally:
                    if res.status != "failed":
                        entry.pop("error", None)
                    entry.update(status=res.status or "running", events=res.events)
                    entry["credits"] = entry.get("credits", 0) + res.credits
                    entry["files"] = sorted(set(entry.get("files", [])) | set(res.files))
                    _written(manifest, report, res.files)
                    store.save_manifest(manifest)
        finally:
            if client is not None:
                stats = client.stats
                report.calls, report.retries, report.usage = stats.calls, stats.retries, stats.usage
            report.seconds = time.monotonic() - t0
    if run.missing:
        shown = ", ".join(run.missing[:6]) + (f" and {len(run.missing) - 6} more" if len(run.missing) > 6 else "")
        raise FeedCacheMissing(f"--from-cache: no cached odds for {shown} (never fetched); the rest was rewritten")
    return report


def _written(manifest: dict, report: OddsReport, names: list[str]) -> None:
    """This run's files (each once), and in the manifest until `--ingest` loads them."""
    report.written.extend(n for n in names if n not in report.written)
    mark_not_ingested(manifest, names)


def _date(run: _Run, res: OddsDateResult) -> None:
    opts, d = run.opts, res.day
    start, end = day_window(d)
    window = {"commenceTimeFrom": iso(start), "commenceTimeTo": iso(end)}
    base = SPORT if not opts.historical else HISTORICAL
    events_at = _events_stamp(opts, d) if opts.historical else None
    params = {**window, "dateFormat": "iso"}
    if events_at:
        params["date"] = iso(from_stamp(events_at))
    got = _obtain(
        run, res, "events", events_at, f"{base}/events", params, events_cost(opts.historical), "the events list"
    )
    if got is None:
        res.status = "missing"
        return
    events = _events_of(got[0], d)
    res.events = len(events)
    if not events:
        res.status = "no games"
        return
    unfinished = 0
    if "game" in opts.markets:
        at = _game_stamp(opts, events) if opts.historical else None
        params = {**window, **opts.book_params(), "markets": ",".join(GAME_MARKETS)}
        if at:
            params["date"] = iso(from_stamp(at))
        got = _obtain(
            run,
            res,
            "game",
            at,
            f"{base}/odds",
            params,
            game_odds_cost(opts.historical, opts.units),
            "the game odds",
            refetch=opts.refetch,
        )
        res.game = "none" if got is None else got[2]
        if got is None:
            unfinished += 1
        else:
            _file(run, res, f"odds_game_{d}", got)
    if "props" in opts.markets:
        now = run.client.current_time() if run.client else None
        for e in events:
            name = f"props_{e['id']}"
            at = _props_stamp(opts, e) if opts.historical else None
            cached = _cached_props(run.cache, opts, d, e)
            if cached is None and not opts.historical and not opts.from_cache and now and _commence(e) <= now:
                res.started += 1  # in-game lines are not what we buy
                continue
            params = {**opts.book_params(), "markets": PROPS_MARKET}
            if at:
                params["date"] = iso(from_stamp(at))
            got = _obtain(
                run,
                res,
                name,
                at,
                f"{base}/events/{e['id']}/odds",
                params,
                props_cost(opts.historical, opts.units),
                f"the player_points of {e.get('away_team')} at {e.get('home_team')}",
                refetch=opts.refetch,
            )
            if got is None:
                unfinished += 1
                continue
            if got[2] == "fetched":
                res.props_fetched += 1
            else:
                res.props_cached += 1
            _file(run, res, f"odds_props_{d}_{e['id']}", got)
    res.status = "partial" if unfinished else "complete"
    if res.started:
        res.note = f"{res.started} game{'s' if res.started != 1 else ''} under way: props not bought"
    if res.without_books:
        res.note = "; ".join(
            x
            for x in (res.note, f"{res.without_books} bod{'ies' if res.without_books != 1 else 'y'} with no book")
            if x
        )


def _obtain(
    run: _Run,
    res: OddsDateResult,
    name: str,
    at: str | None,
    path: str,
    params: dict[str, str],
    cost: int,
    what: str,
    *,
    refetch: bool = False,
) -> tuple[bytes, str, str] | None:
    """(body, stamp, fetched | cached) of one call: its cached body unless refetching (current
    mode) or absent; else the call, within the credits left under --max-credits."""
    opts, d = run.opts, res.day
    historical = opts.historical
    cached = run.cache.find(d, name, at if historical else None)
    if opts.from_cache:
        if cached is None:
            run.missing.append(f"{what} of {d}")
            return None
        return cached.read_bytes(), cached.stem[len(name) + 1 :], "cached"
    # the events list of current mode is free: always fresh; any other cached body is not bought again
    free_and_current = name == "events" and not historical
    if cached is not None and not free_and_current and not (refetch and not historical):
        return cached.read_bytes(), cached.stem[len(name) + 1 :], "cached"
    if run.report.credits + cost > opts.max_credits:
        raise FeedError(
            f"stopped before {what} of {d}: it would take this run over --max-credits {opts.max_credits} "
            f"({run.report.credits} spent); {ODDS_RESUME}"
        )
    assert run.client is not None
    resp = run.client.get(path, params)
    st = at if historical and at else stamp(resp.received_at)
    run.cache.put(d, name, st, resp.body)
    if _no_event(resp.body):
        cost = 0  # the API charges nothing for an answer without an event
    run.report.credits += cost
    res.credits += cost
    return resp.body, st, "fetched"


def _file(run: _Run, res: OddsDateResult, prefix: str, got: tuple[bytes, str, str]) -> None:
    """The ingestable file of a body (current: in the envelope), written when it has a book and
    differs from the file there (or --from-cache rebuilds it)."""
    body, st, _src = got
    if not _has_books(body):
        res.without_books += 1
        return
    data = body if run.opts.historical else envelope(body, from_stamp(st))
    name = f"{ODDS_DIR}/{prefix}_{st}.json"
    path = run.store.files / name
    if run.opts.from_cache or not path.exists() or path.read_bytes() != data:
        atomic_write_bytes(path, data)
        res.files.append(name)
