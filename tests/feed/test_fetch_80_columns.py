"""`nbaprops fetch`'s listings as a new user sees them (issue #31): in a real terminal of 80
columns (a pty) and through a pipe. The command runs in a subprocess with --from-cache, so it
needs no network: the cache is filled first in this process from the stand-ins (stub.py and
odds_stub.py: recorded responses; test_fetch_injury_report_cli.py's CDN: the recorded report).
Fails on a line wider than the terminal, a number or title cut, a column missing, trailing
padding in a pipe, a title broken inside a parenthesis."""

from __future__ import annotations

from pathlib import Path

from cli.test_80_columns import Out, assert_columns, assert_pipe, assert_terminal, run_pipe, run_pty
from nbaprops.feed.odds_fetch import fetch_odds

from .helpers import cli, run_fetch
from .stub import GAME_DATE, derived_scoreboard
from .test_fetch_injury_report_cli import REPORT_TIME, cdn  # noqa: F401 (a fixture)
from .test_odds_fetch import DAY, make_client, opts

NBA_COLUMNS = ["date", "status", "games", "final", "fetched", "cached", "pending", "calls", "rows", "note"]
ODDS_COLUMNS = ["date", "mode", "status", "games", "game odds", "props bought", "props cached", "credits", "note"]


def both(wh: Path | None, *args: str) -> tuple[Out, Out]:
    term, pipe = run_pty(wh, *args), run_pipe(wh, *args)
    assert term.code == 0, term.text
    assert pipe.code == 0, pipe.text
    assert_terminal(term)
    assert_pipe(pipe)
    return term, pipe


def words(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (a message wraps at 80)."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """The text without spaces nor line breaks (a path longer than the terminal folds)."""
    return "".join(text.split())


def after_progress(out: Out, first: str) -> Out:
    """The output from the summary's title on (a pty keeps the progress bars' redrawn frames)."""
    k = out.lines.index(first)
    return Out(out.code, "\n".join(out.lines[k:]), out.titles)


def test_the_nba_com_summary_fits_80_columns_and_is_unpadded_in_a_pipe(tmp_path, stub, empty_warehouse):
    feed = tmp_path / "feed"  # the messages name it: longer than 80 with their words
    stub.scoreboards[GAME_DATE] = derived_scoreboard(status=2, status_text="Q3 5:12")  # a note: not final
    run_fetch(feed, "2023-01-01", GAME_DATE, "2023-01-03")
    args = ("fetch", "--from-cache", "--start-date", "2023-01-01", "--end-date", "2023-01-03", "--feed-dir", str(feed))
    for out in both(None, *args):
        out = after_progress(out, "fetch (from the cache)")
        assert_columns(out, NBA_COLUMNS)
        assert "1 game not final: fetched again by the next run" in words(out.text)
        assert squeezed(f"files written to {feed}/files") in squeezed(out.text)

    del stub.scoreboards[GAME_DATE]  # final now: its box score, then --ingest's table
    run_fetch(feed, GAME_DATE)
    for out in both(empty_warehouse, "fetch", "--from-cache", "--date", GAME_DATE, "--feed-dir", str(feed), "--ingest"):
        out = after_progress(out, "fetch (from the cache)")
        assert_columns(out, NBA_COLUMNS)
        assert_columns(out, ["file", "read", "loaded", "unchanged", "rejected"])


def test_the_odds_summary_fits_80_columns_and_is_unpadded_in_a_pipe(tmp_path, odds_stub):
    feed = tmp_path / "feed"  # the messages name it: longer than 80 with their words
    fetch_odds(opts(feed), make_client())
    args = ("fetch", "--from-cache", "--odds-only", "--date", DAY, "--today", DAY, "--feed-dir", str(feed))
    for out in both(None, *args):
        assert_columns(out, ODDS_COLUMNS)
        assert "12 bodies with no book" in out.text
        assert squeezed(f"The Odds API: no network used; 1 file written to {feed}/files/odds") in squeezed(out.text)


def test_the_injury_report_line_fits_80_columns(tmp_path, cdn, capsys):  # noqa: F811
    feed = tmp_path / "feed"  # the messages name it: longer than 80 with their words
    code, _out, err = cli(capsys, "fetch", "--feed-dir", str(feed), "--report-only", "--report-time", REPORT_TIME)
    assert code == 0, err
    args = ("fetch", "--from-cache", "--report-only", "--report-time", REPORT_TIME, "--feed-dir", str(feed))
    for out in both(None, *args):
        assert squeezed(
            "injury report (from the cache): Injury-Report_2024-01-04_12PM.pdf, published 2024-01-04 12:30 PM ET; "
            f"no network used; unchanged in {feed}/files/injury_report"
        ) in squeezed(out.text)
