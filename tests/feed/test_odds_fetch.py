"""`nbaprops fetch` and The Odds API (v4), against the stand-in of odds_stub.py (recorded bodies;
the headers and error bodies are constructed there, as it says): the credit estimate and the
refusal over --max-credits, the key never leaving memory, one-line errors with nothing
half-written, retries, a resume that buys nothing twice, --from-cache, the usage headers, no key,
historical snapshots, and the round trip fetch → ingest → raw.player_points_props.

Expected values are read from the recorded JSON with plain Python, not through the code under test."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from nbaprops.feed import odds_client
from nbaprops.feed.errors import (
    FeedCacheMissing,
    FeedError,
    FeedHTTPError,
    FeedUnavailable,
    OddsBadRequest,
    OddsKeyRefused,
    OddsOverBudget,
    OddsQuotaExhausted,
)
from nbaprops.feed.odds_client import OddsClient
from nbaprops.feed.odds_fetch import OddsOptions, estimate_odds, fetch_odds
from nbaprops.feed.odds_key import KEY_ENV, OddsKey, find_key, redact
from nbaprops.warehouse import Warehouse

from .helpers import cli
from .odds_stub import (
    ATL_AT_GSW,
    CONSTRUCTED_KEY,
    GAME_ODDS_BODY,
    HIST_EVENTS_BODY,
    HIST_H2H_BODY,
    ORL_AT_CLE,
    PROPS_BODY,
    SCORES_BODY,
    recorded,
    recorded_bytes,
)
from .stub import Kill

EASTERN = ZoneInfo("America/New_York")
DAY = "2024-02-22"  # US Eastern date of ORL at CLE (tip 2024-02-23T00:00Z)
NOW = datetime(2024, 2, 22, 23, 56, 10, tzinfo=UTC)  # our fetch time: after every book's last_update, before tip
ORL_AT_CLE_GAME = "0022300792"  # the schedule's game


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def events_on(events: list[dict], day: str) -> list[dict]:
    """The recorded events whose tip-off is on US Eastern date `day`."""
    return [e for e in events if utc(e["commence_time"]).astimezone(EASTERN).date().isoformat() == day]


DAY_EVENTS = events_on(recorded(SCORES_BODY), DAY)


def make_client(**kw) -> OddsClient:
    kw.setdefault("interval", 0)
    kw.setdefault("backoff", 0)
    kw.setdefault("now", lambda: NOW)
    return OddsClient(OddsKey(CONSTRUCTED_KEY), **kw)


def opts(feed: Path, *days: str, today: str = DAY, **kw) -> OddsOptions:
    return OddsOptions(
        feed_dir=feed, dates=[date.fromisoformat(d) for d in days or (DAY,)], today=date.fromisoformat(today), **kw
    )


def odds_files(feed: Path) -> list[str]:
    d = feed / "files" / "odds"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def every_byte_under(folder: Path) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def no_temp_files(feed: Path) -> bool:
    return not list(feed.rglob(".*.tmp"))


@pytest.fixture()
def keyed(monkeypatch):
    """The constructed key in the environment, and `now` at NOW for the CLI's client."""
    monkeypatch.setenv(KEY_ENV, CONSTRUCTED_KEY)
    monkeypatch.setattr(odds_client, "utc_now", lambda: NOW)


# -- credits ------------------------------------------------------------------------------------


def test_the_estimate_follows_the_price_list(tmp_path):
    feed = tmp_path / "feed"
    # current, games unknown (15 assumed): game odds 3 markets × 1 region + 15 events × 1
    assert estimate_odds(opts(feed)).credits == 3 + 15
    # two regions double it; 12 bookmakers count as two regions too
    assert estimate_odds(opts(feed, regions=("us", "uk"))).credits == 2 * (3 + 15)
    books = tuple(f"book{i}" for i in range(12))
    assert estimate_odds(opts(feed, bookmakers=books)).credits == 2 * (3 + 15)
    # historical: events list 1, game odds 10 × 3, each event's props 10
    hist = opts(feed, "2024-01-24", today="2024-02-01", historical=True)
    assert estimate_odds(hist).credits == 1 + 30 + 15 * 10
    # props alone, game odds alone
    assert estimate_odds(opts(feed, markets=("props",))).credits == 15
    assert estimate_odds(opts(feed, markets=("game",))).credits == 3


def test_over_max_credits_refuses_in_one_line_and_calls_nothing(tmp_path, odds_stub, keyed, capsys):
    feed = tmp_path / "feed"
    code, _out, err = cli(
        capsys, "fetch", "--date", DAY, "--today", DAY, "--feed-dir", str(feed), "--max-credits", "10"
    )
    assert code == 2
    line = one_line(err)
    assert "at most 18 credits" in line and "--max-credits 10" in line and "nothing was called" in line
    assert sum(odds_stub.calls.values()) == 0
    assert not feed.exists() or not list((feed / "files").rglob("*.json"))
    with pytest.raises(OddsOverBudget):
        fetch_odds(opts(feed, max_credits=10), make_client())
    assert sum(odds_stub.calls.values()) == 0


def test_the_estimate_knows_the_games_and_the_cached_calls(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    fetch_odds(opts(feed, markets=("game",)), make_client())  # the events list is now cached: 12 games
    # the game odds are cached (not bought again); 12 props calls remain
    assert estimate_odds(opts(feed)).credits == len(DAY_EVENTS) == 12


# -- the key ------------------------------------------------------------------------------------


def test_the_key_never_leaves_memory(tmp_path, odds_stub, keyed, capsys, monkeypatch, real_copy):
    feed = tmp_path / "feed"
    outputs: list[str] = []
    code, out, err = cli(
        capsys,
        "--warehouse",
        str(real_copy),
        "fetch",
        "--odds-only",
        "--date",
        DAY,
        "--today",
        DAY,
        "--feed-dir",
        str(feed),
        "--interval",
        "0",
        "--ingest",
    )
    assert code == 0, err
    outputs += [out, err]
    assert odds_stub.calls["event_odds"] == 12 and all(p for p, _ in odds_stub.requests)
    # failures whose texts carry the URL with the key: a connection error, an error body quoting it
    odds_stub.echo_key_in_errors = True
    for fault in ("bad_date", "connection", "invalid_key"):
        odds_stub.fail("events", fault)
        code, out, err = cli(
            capsys, "fetch", "--odds-only", "--date", DAY, "--today", DAY, "--feed-dir", str(feed), "--retries", "0"
        )
        assert code == 1
        assert "<key hidden>" in err or fault == "invalid_key"
        outputs += [out, err]
    for fault, exc in (("bad_date", OddsBadRequest), ("connection", FeedUnavailable), ("invalid_key", OddsKeyRefused)):
        odds_stub.fail("events", fault)
        with pytest.raises(exc) as info:
            fetch_odds(opts(feed, refetch=True), make_client(retries=0))
        outputs += [str(info.value), repr(info.value), str(info.value.__cause__), str(info.value.__context__)]
    assert all(CONSTRUCTED_KEY not in text for text in outputs)
    for path, data in every_byte_under(feed) + every_byte_under(real_copy.parent):
        assert CONSTRUCTED_KEY.encode() not in data, path
        assert CONSTRUCTED_KEY not in path
    with Warehouse.open(real_copy, read_only=True) as wh:  # the tables an ingest of odds writes (DuckDB compresses)
        for table in ("raw.player_points_props", "raw.game_lines", "processing.ingest_log", "processing.rejected_rows"):
            text = wh.con.execute(f"SELECT string_agg(CAST(t AS VARCHAR), '|') FROM {table} t").fetchone()[0] or ""
            assert CONSTRUCTED_KEY not in text, table
        assert (
            wh.con.execute(
                "SELECT count(*) FROM raw.player_points_props WHERE source_file LIKE 'odds_props_%'"
            ).fetchone()[0]
            > 0
        )
    key = OddsKey(CONSTRUCTED_KEY)
    assert CONSTRUCTED_KEY not in repr(key) + str(key) + f"{key}" + repr([key])
    assert redact(f"GET /v4/x?apiKey={CONSTRUCTED_KEY}&markets=h2h", key) == "GET /v4/x?apiKey=<key hidden>&markets=h2h"


def test_the_key_comes_from_the_environment_or_a_file(tmp_path, monkeypatch):
    from nbaprops.errors import BadInputError
    from nbaprops.feed import odds_key

    assert find_key() is None
    monkeypatch.setenv(KEY_ENV, " envkey ")
    assert find_key().value() == "envkey"
    f = tmp_path / "key"
    f.write_text("filekey\n")
    assert find_key(f).value() == "filekey"  # an explicit file wins over the environment
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setattr(odds_key, "default_key_file", lambda: f)
    assert find_key().value() == "filekey"
    with pytest.raises(BadInputError, match="does not exist"):
        find_key(tmp_path / "missing")
    f.write_text("\n")
    with pytest.raises(BadInputError, match="the key alone") as info:
        find_key(f)
    assert "filekey" not in str(info.value)


# -- no key -------------------------------------------------------------------------------------


def test_without_a_key_nba_com_works_and_one_line_says_what_to_set(tmp_path, odds_stub, capsys):
    from .stub import GAME_DATE

    feed = tmp_path / "feed"
    code, out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(feed), "--interval", "0")
    assert code == 0, err
    lines = [ln for ln in out.splitlines() if "The Odds API" in ln]
    assert len(lines) == 1 and KEY_ENV in lines[0] and "odds_api_key" in lines[0]
    assert "player_box_2023-01-02.parquet" in [p.name for p in (feed / "files").iterdir()]
    assert sum(odds_stub.calls.values()) == 0
    for asked in (["--odds-only"], ["--odds"]):
        code, out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(feed), *asked)
        assert code == 2
        assert KEY_ENV in one_line(err)
    code, out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(feed), "--no-odds")
    assert code == 0 and "The Odds API" not in out


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ("invalid_key", "events", ("refused the key", "HTTP 401", "INVALID_KEY", KEY_ENV)),
        ("bad_date", "event_odds", ("HTTP 422", "Invalid date parameter", "markets=player_points")),
        ("out_of_credits", "odds", ("credits are used up",)),
    ],
)
def test_refusals_are_one_line_exit_1_and_nothing_half_written(tmp_path, odds_stub, keyed, capsys, fault, kind, words):
    feed = tmp_path / "feed"
    odds_stub.fail(kind, fault)
    code, _out, err = cli(capsys, "fetch", "--odds-only", "--date", DAY, "--today", DAY, "--feed-dir", str(feed))
    assert code == 1
    line = one_line(err)
    assert all(w in line for w in words), line
    assert "nothing half-written" in line
    assert odds_stub.calls[kind] == 1  # not retried
    assert no_temp_files(feed)
    for p in (feed / "files").rglob("*.json") if (feed / "files").exists() else []:
        json.loads(p.read_bytes())  # every file written is whole
    manifest = json.loads((feed / "manifest.json").read_text())
    assert manifest["odds"][f"current/{DAY}"]["status"] == "failed"


def test_429_is_retried_then_one_line(tmp_path, odds_stub, keyed, capsys):
    feed = tmp_path / "feed"
    odds_stub.fail("odds", "rate", 503)
    report = fetch_odds(opts(feed), make_client())
    assert report.retries == 2 and odds_stub.calls["odds"] == 3
    assert report.dates[0].status == "complete"
    odds_stub.fail("events", *["rate"] * 5)
    code, _out, err = cli(
        capsys, "fetch", "--odds-only", "--date", DAY, "--today", DAY, "--feed-dir", str(feed), "--retries", "2"
    )
    assert code == 1
    line = one_line(err)
    assert "HTTP 429" in line and "3 attempts" in line and "rate limited" in line


def test_the_quota_at_zero_says_so(tmp_path, odds_stub):
    odds_stub.fail("events", 429)  # a bare 429 with credits left is a rate limit: retried
    fetch_odds(opts(tmp_path / "feed", markets=("game",)), make_client())
    assert odds_stub.calls["events"] == 2
    odds_stub.used = 500  # the constructed plan is used up: x-requests-remaining 0
    odds_stub.fail("events", 429)
    with pytest.raises(OddsQuotaExhausted, match="credits are used up"):
        fetch_odds(opts(tmp_path / "feed"), make_client())
    assert odds_stub.calls["events"] == 3  # not retried


def test_backoff_doubles_and_the_interval_is_kept(odds_stub):
    slept: list[float] = []
    now = [0.0]
    client = make_client(
        interval=1.0,
        backoff=2.0,
        sleep=lambda s: (slept.append(round(s, 3)), now.__setitem__(0, now[0] + s)),
        clock=lambda: now[0],
    )
    odds_stub.fail("events", "rate", 502, "timeout")
    params = {"commenceTimeFrom": "2024-02-22T05:00:00Z", "commenceTimeTo": "2024-02-23T04:59:59Z"}
    client.get("/v4/sports/basketball_nba/events", params)
    client.get("/v4/sports/basketball_nba/events", params)
    assert slept == [2.0, 4.0, 8.0, 1.0]  # three retries (2, 4, 8 s), then the interval before the next call
    assert client.stats.calls == 5 and client.stats.retries == 3
    with pytest.raises(FeedHTTPError):
        odds_stub.fail("events", *[500] * 5)
        make_client(retries=1).get("/v4/sports/basketball_nba/events", params)


# -- the files, resume, the cache ---------------------------------------------------------------


def test_bodies_are_cached_verbatim_and_current_files_carry_our_fetch_time(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    report = fetch_odds(opts(feed), make_client())
    (res,) = report.dates
    assert (res.status, res.events, res.props_fetched, res.started) == ("complete", 12, 12, 0)
    stamp = "20240222T235610Z"
    cached = feed / "cache" / "odds_api" / "current" / DAY / f"props_{ORL_AT_CLE}_{stamp}.json"
    assert cached.read_bytes() == recorded_bytes(PROPS_BODY)  # the bytes as received
    # one file: the only body with books (the game odds of that window are empty; the other events have none)
    name = f"odds_props_{DAY}_{ORL_AT_CLE}_{stamp}.json"
    assert odds_files(feed) == [name]
    data = (feed / "files" / "odds" / name).read_bytes()
    doc = json.loads(data)
    assert doc["timestamp"] == "2024-02-22T23:56:10Z" and doc["previous_timestamp"] is None
    assert doc["data"] == recorded(PROPS_BODY)
    assert recorded_bytes(PROPS_BODY) in data  # inside the envelope, untouched
    assert report.written == [f"odds/{name}"]
    assert report.credits == 12  # 12 events × 1; the empty game-odds answer costs nothing
    assert report.usage == {"x-requests-remaining": "488", "x-requests-used": "12", "x-requests-last": "1"}
    # the requests: the Eastern day's window, american odds, the region
    _, params = next(r for r in odds_stub.requests if r[0].endswith(f"{ORL_AT_CLE}/odds"))
    assert params == {"regions": "us", "oddsFormat": "american", "dateFormat": "iso", "markets": "player_points"}
    _, params = next(r for r in odds_stub.requests if r[0].endswith("/basketball_nba/events"))
    assert (params["commenceTimeFrom"], params["commenceTimeTo"]) == ("2024-02-22T05:00:00Z", "2024-02-23T04:59:59Z")


def test_game_odds_of_a_date_with_games(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    day = "2022-11-22"
    report = fetch_odds(opts(feed, day, today=day, markets=("game",)), make_client(now=lambda: NOW))
    want = events_on(recorded(GAME_ODDS_BODY), day)
    (res,) = report.dates
    assert (res.events, res.game, res.credits) == (len(want), "fetched", 3)
    (name,) = odds_files(feed)
    assert name.startswith(f"odds_game_{day}_")
    assert [e["id"] for e in json.loads((feed / "files" / "odds" / name).read_bytes())["data"]] == [
        e["id"] for e in want
    ]


def test_a_game_under_way_is_not_bought(tmp_path, odds_stub):
    after_tip = datetime(2024, 2, 23, 0, 5, tzinfo=UTC)  # ORL at CLE has started, the 00:10 games have not
    report = fetch_odds(opts(tmp_path / "feed", markets=("props",)), make_client(now=lambda: after_tip))
    (res,) = report.dates
    assert (res.started, res.props_fetched) == (1, 11)
    assert not any(p.endswith(f"{ORL_AT_CLE}/odds") for p, _ in odds_stub.requests)


def test_a_past_date_without_historical_is_skipped(tmp_path, odds_stub):
    report = fetch_odds(opts(tmp_path / "feed", "2024-02-20", today=DAY), make_client())
    assert [(r.status, r.note) for r in report.dates] == [("past", "a past date: --historical buys its snapshots")]
    assert sum(odds_stub.calls.values()) == 0


def test_a_kill_then_a_resume_buys_nothing_twice(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    real_get = odds_stub.get
    n = {"props": 0}

    def killing_get(url, **kw):
        if "/events/" in url:
            n["props"] += 1
            if n["props"] == 5:  # the fifth event's call: killed before its answer
                raise Kill()
        return real_get(url, **kw)

    odds_stub.get = killing_get
    with pytest.raises(Kill):
        fetch_odds(opts(feed), make_client())
    assert no_temp_files(feed)
    bought = list(odds_stub.requests)
    assert sum(1 for p, _ in bought if "/events/" in p) == 4 and odds_stub.calls["odds"] == 1
    odds_stub.get = real_get
    report = fetch_odds(opts(feed), make_client())
    (res,) = report.dates
    assert (res.status, res.props_cached, res.props_fetched, res.game) == ("complete", 4, 8, "cached")
    props_paths = [p for p, _ in odds_stub.requests if "/events/" in p]
    assert len(props_paths) == 12 == len(set(props_paths))  # every event bought once, over both runs
    assert odds_stub.calls["odds"] == 1
    again = fetch_odds(opts(feed), make_client())
    assert again.credits == 0 and again.dates[0].props_cached == 12
    assert odds_stub.calls["event_odds"] == 12  # only the free events list was asked again


def test_from_cache_rebuilds_the_files_without_network(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    fetch_odds(opts(feed), make_client())
    want = {p.name: p.read_bytes() for p in (feed / "files" / "odds").iterdir()}
    for p in (feed / "files" / "odds").iterdir():
        p.unlink()
    calls = sum(odds_stub.calls.values())
    report = fetch_odds(opts(feed, from_cache=True), None)
    assert sum(odds_stub.calls.values()) == calls and report.calls == 0
    assert {p.name: p.read_bytes() for p in (feed / "files" / "odds").iterdir()} == want
    with pytest.raises(FeedCacheMissing, match="2024-02-23"):
        fetch_odds(opts(feed, "2024-02-23", from_cache=True), None)


def test_the_cli_prints_the_estimate_and_the_usage_headers(tmp_path, odds_stub, keyed, capsys):
    code, out, err = cli(
        capsys, "fetch", "--odds-only", "--date", DAY, "--today", DAY, "--feed-dir", str(tmp_path / "feed")
    )
    assert code == 0, err
    assert "The Odds API (current): at most 18 credits" in out
    assert "x-requests-remaining 488, x-requests-used 12" in out
    assert out.index("at most 18 credits") < out.index("x-requests-remaining")


# -- historical ---------------------------------------------------------------------------------


def test_historical_snapshots_before_each_tip(tmp_path, odds_stub):
    feed = tmp_path / "feed"
    day = "2024-01-24"
    report = fetch_odds(opts(feed, day, today="2024-02-01", historical=True), make_client())
    events = events_on(recorded(HIST_EVENTS_BODY)["data"], day)
    (res,) = report.dates
    assert res.events == len(events) == 3
    assert report.credits == 1 + 30 + 10 * len(events)
    reqs = odds_stub.requests
    assert reqs[0] == (
        "/v4/historical/sports/basketball_nba/events",
        {
            "commenceTimeFrom": "2024-01-24T05:00:00Z",
            "commenceTimeTo": "2024-01-25T04:59:59Z",
            "dateFormat": "iso",
            "date": "2024-01-24T15:00:00Z",  # 10:00 US Eastern
        },
    )
    first_tip = min(utc(e["commence_time"]) for e in events)
    assert reqs[1][1]["date"] == (first_tip - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for e in events:
        p = next(p for path, p in reqs if path.endswith(f"/events/{e['id']}/odds"))
        assert p["date"] == (utc(e["commence_time"]) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert p["markets"] == "player_points"
    # a historical body is written as received
    (atl,) = [n for n in odds_files(feed) if ATL_AT_GSW in n]
    assert (feed / "files" / "odds" / atl).read_bytes() == recorded_bytes(HIST_H2H_BODY)
    again = fetch_odds(opts(feed, day, today="2024-02-01", historical=True), make_client())
    assert again.credits == 0 and again.calls == 0  # every snapshot cached, even the events list


def test_historical_refuses_dates_before_the_history_in_one_line(tmp_path, odds_stub, keyed, capsys):
    feed = str(tmp_path / "feed")
    code, _out, err = cli(capsys, "fetch", "--odds-only", "--historical", "--date", "2023-01-10", "--feed-dir", feed)
    assert code == 2 and "player_points starts on 2023-05-03" in one_line(err)
    code, _out, err = cli(
        capsys,
        "fetch",
        "--odds-only",
        "--historical",
        "--date",
        "2020-01-10",
        "--odds-markets",
        "game",
        "--feed-dir",
        feed,
    )
    assert code == 2 and "game odds starts on 2020-06-06" in one_line(err)
    code, _out, err = cli(
        capsys, "fetch", "--odds-only", "--historical", "--date", DAY, "--today", DAY, "--feed-dir", feed
    )
    assert code == 2 and "past dates" in one_line(err)
    assert sum(odds_stub.calls.values()) == 0
    code, _out, err = cli(
        capsys,
        "fetch",
        "--odds-only",
        "--historical",
        "--date",
        "2024-01-24",
        "--snapshot-time",
        "2024-01-25T01:00:00Z",
        "--feed-dir",
        feed,
        "--max-credits",
        "1000",
        "--interval",
        "0",
    )
    assert code == 0, err
    assert {p.get("date") for _, p in odds_stub.requests} == {"2024-01-25T01:00:00Z"}


# -- the round trip -----------------------------------------------------------------------------


def test_fetch_ingest_loads_the_real_props_with_book_and_snapshot_time(real_copy, odds_stub, keyed, capsys):
    wh = str(real_copy)
    code, out, err = cli(
        capsys, "--warehouse", wh, "fetch", "--odds-only", "--date", DAY, "--today", DAY, "--ingest", "--interval", "0"
    )
    assert code == 0, err
    name = f"odds_props_{DAY}_{ORL_AT_CLE}_20240222T235610Z.json"
    assert (real_copy.parent / "feed" / "files" / "odds" / name).exists()
    body = recorded(PROPS_BODY)
    with Warehouse.open(wh, read_only=True) as w:
        rows = w.con.execute(
            "SELECT game_id, bookmaker, snapshot_timestamp, minutes_before_tipoff, is_synthetic "
            "FROM raw.player_points_props WHERE source = 'the_odds_api' AND source_file = ?",
            [name],
        ).fetchall()
    assert rows, out
    assert {r[0] for r in rows} == {ORL_AT_CLE_GAME}
    assert {r[1] for r in rows} == {b["key"] for b in body["bookmakers"]}  # all 10 books
    assert {r[2] for r in rows} == {datetime(2024, 2, 22, 23, 56, 10)}  # our fetch time, from the envelope
    assert {r[3] for r in rows} == {3}  # 3 min 50 s before tip-off
    assert not any(r[4] for r in rows)
    manifest = json.loads((real_copy.parent / "feed" / "manifest.json").read_text())
    assert manifest["not_ingested"] == []


def test_more_games_than_estimated_stop_at_max_credits(tmp_path, odds_stub):
    """The estimate trusts the games the NBA.com part saw; when the API lists more, the fetch stops
    before the call that would go over --max-credits, what it bought kept for the next run."""
    feed = tmp_path / "feed"
    feed.mkdir()
    seen = {"fetched_at": "2024-02-22T14:00:00+00:00", "status": "partial", "games": {"a": {}, "b": {}}}
    (feed / "manifest.json").write_text(json.dumps({"version": 1, "dates": {DAY: seen}, "seasons": {}}))
    assert estimate_odds(opts(feed)).credits == 3 + 2
    with pytest.raises(FeedError, match="over --max-credits 6") as info:
        fetch_odds(opts(feed, max_credits=6), make_client())
    assert "5 spent" not in str(info.value) and "6 spent" in str(info.value)
    assert odds_stub.calls["event_odds"] == 6 and no_temp_files(feed)
    report = fetch_odds(opts(feed, max_credits=6), make_client())  # the rest: 6 more events
    assert report.dates[0].status == "complete" and odds_stub.calls["event_odds"] == 12
