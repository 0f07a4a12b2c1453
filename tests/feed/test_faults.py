"""Faults: 429, timeouts, 403, malformed JSON, no network, an empty date, a kill and a resume, a
game not final yet, --from-cache; messages in one line, exit codes as the README says, nothing
half-written."""

from __future__ import annotations

import json
import os
from datetime import date

import pytest

from nbaprops.feed import default_dates
from nbaprops.feed.client import FeedClient
from nbaprops.feed.errors import FeedBadResponse, FeedCacheMissing, FeedUnavailable

from .helpers import cli, run_fetch
from .stub import GAME, GAME_DATE, Kill, derived_scoreboard

BOX = "boxscoretraditionalv3"


def files_of(feed) -> list[str]:
    d = feed / "files"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def manifest(feed) -> dict:
    return json.loads((feed / "manifest.json").read_text())


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_429_then_success(tmp_path, stub):
    stub.fail(BOX, 429, 503)
    report = run_fetch(tmp_path / "feed")
    assert report.dates[0].status == "complete"
    assert stub.calls[BOX] == 3 and report.retries == 2
    assert "player_box_2023-01-02.parquet" in files_of(tmp_path / "feed")


def test_backoff_doubles_and_the_interval_is_kept(stub):
    slept: list[float] = []
    now = [0.0]
    client = FeedClient(
        interval=0.6,
        backoff=2.0,
        sleep=lambda s: (slept.append(round(s, 3)), now.__setitem__(0, now[0] + s)),
        clock=lambda: now[0],
    )
    stub.fail(BOX, 429, 429)
    client.call(BOX, game_id=GAME)
    client.call(BOX, game_id=GAME)
    # attempt 1, backoff 2 s, attempt 2 (interval already over), backoff 4 s, attempt 3; then the next
    # call waits the interval: 0.6 s
    assert slept == [2.0, 4.0, 0.6]
    assert client.stats.calls == 4 and client.stats.retries == 2


def test_429_to_the_end_fails_in_one_line(tmp_path, stub, capsys):
    stub.fail(BOX, *[429] * 10)
    code, _out, err = cli(
        capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(tmp_path / "feed"), "--retries", "2", "--interval", "0"
    )
    assert code == 1
    line = one_line(err)
    assert "HTTP 429" in line and "3 attempts" in line and "nothing half-written" in line


def test_a_timeout_is_retried(tmp_path, stub):
    stub.fail(BOX, "timeout")
    report = run_fetch(tmp_path / "feed")
    assert report.dates[0].status == "complete" and report.retries == 1


def test_timeouts_to_the_end(tmp_path, stub):
    stub.fail(BOX, *["timeout"] * 5)
    with pytest.raises(FeedUnavailable, match="did not answer"):
        run_fetch(tmp_path / "feed", client=FeedClient(interval=0, backoff=0, retries=2))
    m = manifest(tmp_path / "feed")
    assert m["dates"][GAME_DATE]["status"] == "failed"
    assert "player_box_2023-01-02.parquet" not in files_of(tmp_path / "feed")


def test_403_says_the_address_is_blocked(tmp_path, stub, capsys):
    stub.fail("scheduleleaguev2", 403)
    code, _out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(tmp_path / "feed"))
    assert code == 1
    line = one_line(err)
    assert "403" in line and "blocks many cloud" in line and "proxy" in line
    assert stub.calls["scheduleleaguev2"] == 1  # a 403 is not retried
    assert files_of(tmp_path / "feed") == []


def test_malformed_json(tmp_path, stub):
    stub.fail(BOX, "malformed")
    assert run_fetch(tmp_path / "feed").dates[0].status == "complete"  # once: a hiccup, retried
    stub.fail(BOX, *["malformed"] * 5)
    with pytest.raises(FeedBadResponse, match="not JSON"):
        run_fetch(tmp_path / "feed2", client=FeedClient(interval=0, backoff=0, retries=2))


def test_json_of_the_wrong_shape(tmp_path, stub):
    stub.box_override[GAME] = json.dumps({"meta": {}, "boxScoreTraditional": {"gameId": GAME}})
    with pytest.raises(FeedBadResponse, match="boxscoretraditionalv3"):
        run_fetch(tmp_path / "feed")
    assert "player_box_2023-01-02.parquet" not in files_of(tmp_path / "feed")


def test_no_network(tmp_path, capsys):
    """No stub: the real nba_api and requests, and every socket refused (tests/feed/conftest.py)."""
    code, _out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(tmp_path / "feed"))
    assert code == 1
    assert "cannot reach stats.nba.com" in one_line(err)
    assert files_of(tmp_path / "feed") == []


def test_off_season_date(tmp_path, stub, capsys):
    code, out, err = cli(capsys, "fetch", "--date", "2025-07-15", "--feed-dir", str(tmp_path / "feed"))
    assert code == 0, err
    assert "2025-07-15: no games" in out
    assert not [f for f in files_of(tmp_path / "feed") if "2025-07-15" in f]
    assert manifest(tmp_path / "feed")["dates"]["2025-07-15"]["status"] == "complete"
    assert stub.calls[BOX] == 0


def test_a_kill_in_the_middle_of_a_date_then_a_resume(tmp_path, stub):
    feed = tmp_path / "feed"
    stub.fail("shotchartdetail", Kill())  # after the box score, before the shots
    with pytest.raises(Kill):
        run_fetch(feed)
    assert not [f for f in files_of(feed) if GAME_DATE in f]  # no file of the date, no temp file
    assert not list(feed.rglob(".*.tmp"))
    assert manifest(feed)["dates"][GAME_DATE]["status"] == "running"
    assert default_dates(feed, date(2023, 1, 10))[0] == date(2023, 1, 2)  # the next run goes back for it
    report = run_fetch(feed)
    res = report.dates[0]
    assert res.status == "complete" and res.fetched == 1
    assert stub.calls[BOX] == 1  # the box score came from the cache
    assert stub.calls["shotchartdetail"] == 2
    assert {"player_box_2023-01-02.parquet", "team_box_2023-01-02.parquet"} <= set(files_of(feed))
    again = run_fetch(feed)  # complete: nothing fetched again
    assert again.dates[0].status == "skipped" and again.calls == 0


def test_a_kill_while_a_file_is_written_leaves_the_old_file(tmp_path, stub, monkeypatch):
    feed = tmp_path / "feed"
    run_fetch(feed)
    target = feed / "files" / "player_box_2023-01-02.parquet"
    before = target.read_bytes()
    real_replace = os.replace

    def killed(src, dst):
        if str(dst).endswith("player_box_2023-01-02.parquet"):
            raise Kill()
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", killed)
    with pytest.raises(Kill):
        run_fetch(feed, refetch=True)
    assert target.read_bytes() == before
    assert not list(feed.rglob(".*.tmp"))


def test_a_game_not_final_is_fetched_by_a_later_run(tmp_path, stub):
    feed = tmp_path / "feed"
    stub.scoreboards[GAME_DATE] = derived_scoreboard(status=2, status_text="Q3 5:12")
    report = run_fetch(feed)
    res = report.dates[0]
    assert (res.status, res.pending) == ("partial", 1)
    assert stub.calls[BOX] == 0
    assert "schedule_day_2023-01-02.parquet" in files_of(feed)
    assert "player_box_2023-01-02.parquet" not in files_of(feed)
    assert default_dates(feed, date(2023, 1, 5))[0] == date(2023, 1, 2)
    del stub.scoreboards[GAME_DATE]  # final now
    res = run_fetch(feed).dates[0]
    assert (res.status, res.fetched) == ("complete", 1)
    assert "player_box_2023-01-02.parquet" in files_of(feed)


def test_default_dates(tmp_path, stub):
    feed = tmp_path / "feed"
    assert default_dates(feed, date(2025, 11, 6)) == [date(2025, 11, 5), date(2025, 11, 6)]
    run_fetch(feed, "2025-11-01", schedule_only=True, season_schedule=False)
    # the days the job did not run are fetched (the day after the newest finished one on)
    assert default_dates(feed, date(2025, 11, 6))[0] == date(2025, 11, 2)
    # a date older than 30 days is left alone
    assert default_dates(feed, date(2025, 12, 20)) == [date(2025, 12, 19), date(2025, 12, 20)]


def test_from_cache_rebuilds_the_files_without_network(tmp_path, stub, monkeypatch):
    import duckdb

    feed = tmp_path / "feed"
    run_fetch(feed)
    want = {n: duckdb.execute(f"SELECT * FROM '{feed / 'files' / n}'").fetchall() for n in files_of(feed)}
    for p in (feed / "files").iterdir():
        p.unlink()
    calls = sum(stub.calls.values())
    report = run_fetch(feed, from_cache=True)
    assert sum(stub.calls.values()) == calls and report.calls == 0
    assert {n: duckdb.execute(f"SELECT * FROM '{feed / 'files' / n}'").fetchall() for n in files_of(feed)} == want
    with pytest.raises(FeedCacheMissing, match="scoreboard of 2023-01-03"):
        run_fetch(feed, "2023-01-03", from_cache=True)


def test_nba_api_missing(tmp_path, monkeypatch, capsys):
    import sys

    for mod in [m for m in sys.modules if m == "nba_api" or m.startswith("nba_api.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setitem(sys.modules, "nba_api", None)
    code, _out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(tmp_path / "feed"))
    assert code == 1
    assert "pip install 'nbaprops[feed]'" in one_line(err)


def test_bad_dates_are_usage_errors(tmp_path, capsys):
    code, _, err = cli(
        capsys, "fetch", "--start-date", "2024-01-05", "--end-date", "2024-01-01", "--feed-dir", str(tmp_path / "feed")
    )
    assert code == 2 and "after" in err
    code, _, err = cli(capsys, "fetch", "--date", "2024-13-01", "--feed-dir", str(tmp_path / "feed"))
    assert code == 2


def test_progress_lines_in_a_pipe(tmp_path, stub, capsys):
    code, out, err = cli(capsys, "fetch", "--date", GAME_DATE, "--feed-dir", str(tmp_path / "feed"), "--interval", "0")
    assert code == 0, err
    assert "2023-01-02: 1 game, 1 final to fetch" in out
    assert f"{GAME} CHI @ CLE: 23 players, 0 shots" in out
    assert "2023-01-02: complete" in out
    assert "4 calls to stats.nba.com" in out


def test_files_of_a_failed_run_are_ingested_by_the_next(empty_warehouse, tmp_path, stub, capsys):
    wh, feed = str(empty_warehouse), str(tmp_path / "feed")
    # 2023-01-02 is fetched and written, then the run is killed at 2023-01-03's scoreboard
    first = {"n": 0}
    real_body = stub.body

    def body(endpoint, p):
        if endpoint == "scoreboardv3" and p["GameDate"] == "2023-01-03":
            first["n"] += 1
            if first["n"] == 1:
                raise Kill()
        return real_body(endpoint, p)

    stub.body = body
    with pytest.raises(Kill):
        cli(
            capsys,
            "--warehouse",
            wh,
            "fetch",
            "--start-date",
            GAME_DATE,
            "--end-date",
            "2023-01-03",
            "--ingest",
            "--feed-dir",
            feed,
            "--interval",
            "0",
        )
    assert "player_box_2023-01-02.parquet" in files_of(tmp_path / "feed")  # written, not ingested
    code, out, err = cli(
        capsys,
        "--warehouse",
        wh,
        "fetch",
        "--start-date",
        GAME_DATE,
        "--end-date",
        "2023-01-03",
        "--ingest",
        "--feed-dir",
        feed,
        "--interval",
        "0",
    )
    assert code == 0, err
    assert "2023-01-02" in out and "skipped" in out
    assert "player_box_2023-01-02.parquet" in out  # ingested now
    from nbaprops.warehouse import Warehouse

    with Warehouse.open(wh, read_only=True) as w:
        assert w.con.execute("SELECT count(*) FROM raw.player_boxscores WHERE game_id = ?", [GAME]).fetchall() == [
            (23,)
        ]
    assert manifest(tmp_path / "feed")["not_ingested"] == []
