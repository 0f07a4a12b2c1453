"""Fetch dates from stats.nba.com into the feed folder (see store.py for its layout).

Per date: the scoreboard (the date's games, their status and tip-off), then, for every final
game, its box score (regular season, play-in, playoffs, Cup final) and its shots (regular
season), each response cached as it arrives; when every game of the date is either done or not
final yet, the date's files are written (atomically) from the cached responses, and the
manifest says so. Per season of the dates: the full schedule (scheduleleaguev2) when the feed
has none or it is older than `schedule_max_age_days`, so that a date not yet played has its
games in the warehouse.

Resume: a date is done when the manifest says `complete` (every game final and fetched, or
postponed); it is skipped by later runs unless `refetch`. A killed or failed run leaves the
date incomplete; the next run fetches it again, taking the games whose responses are already
in the cache from there (no call). A game that is not final is `pending`: the date stays
`partial` and is fetched again by the next run (the default dates reach back to it).
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import parse
from .client import FeedClient
from .errors import RESUME, FeedCacheMissing, FeedError
from .store import FeedStore, file_name, mark_not_ingested, now_utc, write_parquet

CATCH_UP_DAYS = 30  # how far back the default dates reach for an unfinished date
DEFAULT_SCHEDULE_MAX_AGE = 7.0  # days before a season's schedule is fetched again
FEED_DIR_NAME = "feed"


def default_feed_dir(warehouse: Path) -> Path:
    """The feed folder beside the warehouse: ./warehouse/feed for ./warehouse/nbaprops.duckdb."""
    return Path(warehouse).parent / FEED_DIR_NAME


def default_dates(feed_dir: Path, today: date) -> list[date]:
    """Yesterday and today; reaching back to the oldest unfinished date of the manifest (a
    failed run, a game that was not final) and to the day after the newest finished one (days
    the job did not run), both within CATCH_UP_DAYS."""
    manifest = FeedStore(Path(feed_dir)).load_manifest()
    floor = today - timedelta(days=CATCH_UP_DAYS)
    start = today - timedelta(days=1)
    known = {}
    for k, v in manifest.get("dates", {}).items():
        try:
            known[date.fromisoformat(k)] = v.get("status")
        except (ValueError, AttributeError):
            continue
    recent = {d: s for d, s in known.items() if floor <= d < today}
    unfinished = [d for d, s in recent.items() if s != "complete"]
    if unfinished:
        start = min(start, min(unfinished))
    finished = [d for d, s in recent.items() if s == "complete"]
    if finished and max(finished) + timedelta(days=1) < start:
        start = max(finished) + timedelta(days=1)
    return [start + timedelta(days=i) for i in range((today - start).days + 1)]


@dataclass
class FetchOptions:
    feed_dir: Path
    dates: list[date]
    from_cache: bool = False  # re-parse cached responses, no network
    refetch: bool = False  # fetch complete dates and cached games again (stat corrections)
    schedule_only: bool = False  # scoreboards and season schedules, no box scores or shots
    season_schedule: bool = True
    schedule_max_age_days: float = DEFAULT_SCHEDULE_MAX_AGE


@dataclass
class DateResult:
    day: date
    status: str = ""  # complete | partial | skipped (already complete) | no games | missing
    games: int = 0
    final: int = 0
    fetched: int = 0  # games whose responses came from the network this run
    cached: int = 0  # games re-parsed from the cache
    pending: int = 0  # not final yet: fetched again by a later run
    postponed: int = 0
    calls: int = 0
    files: dict[str, int] = field(default_factory=dict)  # file name -> rows
    note: str = ""


@dataclass
class SeasonResult:
    season: str
    status: str  # fetched | cached | fresh (kept) | not published | missing
    games: int = 0
    file: str | None = None


@dataclass
class FetchReport:
    feed_dir: Path
    dates: list[DateResult] = field(default_factory=list)
    seasons: list[SeasonResult] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # file names (in feed_dir/files) written this run
    calls: int = 0
    retries: int = 0
    waited: float = 0.0
    seconds: float = 0.0
    from_cache: bool = False

    @property
    def files_dir(self) -> Path:
        return self.feed_dir / "files"


class _NoProgress:
    def dates_planned(self, dates):
        pass

    def date_started(self, day, games, to_fetch):
        pass

    def game_done(self, day, game, note):
        pass

    def date_done(self, result):
        pass

    def note(self, text):
        pass


def fetch(opts: FetchOptions, client: FeedClient | None = None, progress: Any = None) -> FetchReport:
    """Fetch (or, with from_cache, re-parse) the dates of `opts`. Raises a FeedError when
    NBA.com cannot be reached or answers nonsense: what was finished before stays written, the
    manifest marks the interrupted date unfinished."""
    if not opts.from_cache and client is None:
        client = FeedClient()
    progress = progress or _NoProgress()
    store = FeedStore(Path(opts.feed_dir))
    report = FetchReport(feed_dir=store.root, from_cache=opts.from_cache)
    t0 = time.monotonic()
    missing: list[str] = []
    with store.lock():
        manifest = store.load_manifest()
        if not opts.from_cache:  # a run that fails before reaching a date still leaves it to the next run
            for d in opts.dates:
                manifest["dates"].setdefault(d.isoformat(), {"status": "planned", "games": {}})
            store.save_manifest(manifest)
        progress.dates_planned(opts.dates)
        try:
            if opts.season_schedule:
                for season in sorted({parse.season_of_date(d) for d in opts.dates}):
                    report.seasons.append(_season(store, manifest, season, opts, client, report, progress, missing))
            for d in sorted(opts.dates):
                calls_before = client.stats.calls if client else 0
                res = _date(store, manifest, d, opts, client, report, progress, missing)
                res.calls = (client.stats.calls if client else 0) - calls_before
                report.dates.append(res)
                progress.date_done(res)
        finally:
            if client:
                report.calls, report.retries, report.waited = (
                    client.stats.calls,
                    client.stats.retries,
                    client.stats.waited,
                )
            report.seconds = time.monotonic() - t0
    if missing:
        shown = ", ".join(missing[:6]) + (f" and {len(missing) - 6} more" if len(missing) > 6 else "")
        raise FeedCacheMissing(
            f"--from-cache: no cached response for {shown} (never fetched); the files of "
            f"everything cached were rewritten"
        )
    return report


def _season(
    store: FeedStore,
    manifest: dict,
    season: str,
    opts: FetchOptions,
    client,
    report: FetchReport,
    progress,
    missing: list[str],
) -> SeasonResult:
    entry = manifest["seasons"].get(season) or {}
    name = file_name("season_schedule", season)
    path = store.files / name
    if opts.from_cache:
        text = store.cached("scheduleleaguev2", season)
        if text is None:
            return SeasonResult(season, "missing")  # never fetched: nothing to rebuild (not an error)
        status = "cached"
    else:
        fetched_at = entry.get("fetched_at")
        age = None
        if fetched_at:
            age = (datetime.now(UTC) - datetime.fromisoformat(fetched_at)).total_seconds() / 86400
        fresh = path.exists() and age is not None and age < opts.schedule_max_age_days and not opts.refetch
        if fresh or (entry.get("games") == 0 and age is not None and age < 1 and not opts.refetch):
            return SeasonResult(season, "fresh", entry.get("games", 0), name if path.exists() else None)
        text = client.call("scheduleleaguev2", season=season)
        store.put("scheduleleaguev2", season, text)
        status = "fetched"
    games = parse.parse_season_schedule(text)
    manifest["seasons"][season] = {
        "fetched_at": entry.get("fetched_at") if opts.from_cache else now_utc(),
        "games": len(games),
        "file": name if games else None,
    }
    if games:
        write_parquet(path, "schedule", parse.schedule_rows(games))
        _written(manifest, report, [name])
    else:
        progress.note(f"{season}: NBA.com has not published this season's schedule yet")
        status = "not published"
    store.save_manifest(manifest)
    return SeasonResult(season, status, len(games), name if games else None)


def _date(
    store: FeedStore,
    manifest: dict,
    d: date,
    opts: FetchOptions,
    client,
    report: FetchReport,
    progress,
    missing: list[str],
) -> DateResult:
    key = d.isoformat()
    old = manifest["dates"].get(key) or {}
    res = DateResult(day=d)
    if not opts.from_cache and not opts.refetch and old.get("status") == "complete":
        res.status, res.games = "skipped", len(old.get("games", {}))
        res.note = "already complete (--refetch fetches it again)"
        return res
    if opts.from_cache:
        text = store.cached("scoreboardv3", key)
        if text is None:
            missing.append(f"the scoreboard of {key}")
            res.status = "missing"
            return res
    else:
        text = client.call("scoreboardv3", game_date=key)
        store.put("scoreboardv3", key, text)
    games = parse.parse_scoreboard(text, d)
    old_games = old.get("games", {})
    entry: dict[str, Any] = {"status": "running", "fetched_at": now_utc(), "games": {}}
    for g in games:
        prev = old_games.get(g.game_id, {})
        entry["games"][g.game_id] = {
            "matchup": g.matchup,
            "status": g.status,
            "status_text": g.status_text,
            "box": prev.get("box"),
            "shots": prev.get("shots"),
        }
    manifest["dates"][key] = entry
    store.save_manifest(manifest)
    res.games = len(games)
    res.final = sum(g.final for g in games)
    work = [g for g in games if g.final and g.wants_box and not opts.schedule_only]
    progress.date_started(d, games, len(work))
    rows: dict[str, list[dict]] = {"player_box": [], "team_box": [], "shots": []}
    try:
        for g in games:
            ge = entry["games"][g.game_id]
            if opts.schedule_only or not g.wants_box:
                progress.game_done(d, g, "schedule only" if opts.schedule_only else f"{g.season_type}: no box score")
                continue
            if g.postponed:
                res.postponed += 1
                progress.game_done(d, g, f"postponed ({g.status_text})")
                continue
            if not g.final:
                res.pending += 1
                progress.game_done(d, g, f"not final ({g.status_text or 'scheduled'}): fetched by a later run")
                continue
            got_network = False
            box_text = _response(
                store, client, opts, "boxscoretraditionalv3", g.game_id, missing, dict(game_id=g.game_id)
            )
            if box_text is None:
                continue
            got_network |= box_text[1]
            if box_text[1]:
                ge["box"] = now_utc()
            players, teams = parse.box_rows(box_text[0], g)
            shots: list[dict] = []
            if g.wants_shots:
                shot_text = _response(
                    store,
                    client,
                    opts,
                    "shotchartdetail",
                    g.game_id,
                    missing,
                    dict(
                        team_id=0,
                        player_id=0,
                        game_id_nullable=g.game_id,
                        context_measure_simple="FGA",
                        season_nullable=g.season,
                        season_type_all_star=g.season_type,
                    ),
                )
                if shot_text is None:
                    continue
                got_network |= shot_text[1]
                if shot_text[1]:
                    ge["shots"] = now_utc()
                shots = parse.shot_rows(shot_text[0], g)
            rows["player_box"] += players
            rows["team_box"] += teams
            rows["shots"] += shots
            if got_network:
                res.fetched += 1
            else:
                res.cached += 1
            store.save_manifest(manifest)
            progress.game_done(
                d, g, f"{len(players)} players, {len(shots)} shots" + ("" if got_network else " (from the cache)")
            )
    except FeedError as exc:
        entry["status"] = "failed"
        entry["error"] = str(exc).split(";")[0]
        store.save_manifest(manifest)
        raise
    # the date's files, from every game done (written only now: never a file with part of a date's games)
    if games:
        name = file_name("schedule", key)
        res.files[name] = write_parquet(store.files / name, "schedule", parse.schedule_rows(games))
        for kind in ("player_box", "team_box", "shots"):
            if rows[kind]:
                name = file_name(kind, key)
                res.files[name] = write_parquet(store.files / name, kind, rows[kind])
        _written(manifest, report, list(res.files))
    unfinished = res.pending + sum(
        1 for g in games if g.final and g.wants_box and not g.postponed and _is_missing(store, g)
    )
    entry["status"] = "partial" if unfinished else "complete"
    entry["files"] = res.files
    store.save_manifest(manifest)
    res.status = "no games" if not games else entry["status"]
    if res.pending:
        res.note = f"{res.pending} game{'s' if res.pending != 1 else ''} not final: fetched again by the next run"
    return res


def _written(manifest: dict, report: FetchReport, names: list[str]) -> None:
    """Files written: this run's, and in the manifest until `--ingest` loads them (a run that
    fails after writing some dates leaves them to the next run's ingest)."""
    report.written.extend(names)
    mark_not_ingested(manifest, names)


def _is_missing(store: FeedStore, g) -> bool:
    """A final game whose box score (or, in the regular season, shots) is not in the cache."""
    return store.cached("boxscoretraditionalv3", g.game_id) is None or (
        g.wants_shots and store.cached("shotchartdetail", g.game_id) is None
    )


def _response(
    store: FeedStore, client, opts: FetchOptions, endpoint: str, game_id: str, missing: list[str], params: dict
) -> tuple[str, bool] | None:
    """(text, came from the network) of one game's response: the cache unless refetching."""
    cached = store.cached(endpoint, game_id)
    if opts.from_cache:
        if cached is None:
            missing.append(f"{endpoint} of game {game_id}")
            return None
        return cached, False
    if cached is not None and not opts.refetch:
        return cached, False
    text = client.call(endpoint, **params)
    store.put(endpoint, game_id, text)
    return text, True


# -- ingest what was written -------------------------------------------------------------------
def ingest_written(wh, report: FetchReport, **kwargs):
    """Ingest the files this fetch wrote, and those earlier fetches wrote that no ingest_written
    loaded yet (a run that failed after some dates), in one transaction through a folder of links
    to them laid out like files/ (odds/ and injury_report/ included, which ingest reads). Returns
    the ingest report; None when there is nothing to load."""
    from ..ingest import ingest_folder

    store = FeedStore(report.feed_dir)
    with store.lock():
        manifest = store.load_manifest()
        names = [
            n for n in dict.fromkeys([*manifest.get("not_ingested", []), *report.written]) if (store.files / n).exists()
        ]
        if not names:
            return None
        stage = report.feed_dir / f".ingest-{os.getpid()}"
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
        try:
            for n in names:
                src, dst = store.files / n, stage / n
                dst.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(src, dst)
                except OSError:
                    shutil.copy2(src, dst)
            result = ingest_folder(wh, stage, **kwargs)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        manifest["not_ingested"] = [n for n in manifest.get("not_ingested", []) if n not in names]
        store.save_manifest(manifest)
    return result


__all__ = [
    "RESUME",
    "DateResult",
    "FetchOptions",
    "FetchReport",
    "SeasonResult",
    "default_dates",
    "default_feed_dir",
    "fetch",
    "ingest_written",
]
