"""`nbaprops backfill`'s progress through the real command line: through a pipe (a log file, a
cron job) one plain line per finished chunk — model, dates, rows, seconds — nothing cut; on an
80-column terminal the live bars, fitted to the width."""

from __future__ import annotations

import io
import re
from datetime import date
from types import SimpleNamespace

from rich.console import Console

from nbaprops.cli import backfill as cli_backfill
from nbaprops.cli.common import model_names
from nbaprops.runner.plan import Chunk

from .conftest import assert_fits, assert_uncut, plain, run_cli

RANGE = ("--start-date", "2023-10-24", "--end-date", "2023-11-10")
LINE = re.compile(
    r"^(?P<model>\w+)  (?P<dates>\d{4}-\d\d-\d\d(\.\.\d{4}-\d\d-\d\d)?)  (?P<n>\d+) dates?  "
    r"(chunk (?P<k>\d+)/(?P<of>\d+)  )?(?P<rows>[\d,]+) rows  (?P<s>\d+\.\d) s$"
)


def test_through_a_pipe_one_plain_line_per_chunk(real_copy):
    proc = run_cli(real_copy, "backfill", *RANGE, "--chunk", "month")
    assert proc.returncode == 0, proc.stderr
    assert_uncut(proc.stdout)
    assert "\x1b" not in proc.stdout and "━" not in proc.stdout  # no live bar, no cursor moves
    lines = [m.groupdict() for ln in proc.stdout.splitlines() if (m := LINE.match(ln))]
    by_model = {}
    for d in lines:
        by_model.setdefault(d["model"], []).append((d["k"], d["dates"]))
    assert set(by_model) == set(model_names())  # every model, each chunk on its line
    for name in ("game_calendar", "player_game_summary", "player_daily_cache", "ml_feature_store_v2"):
        assert by_model[name] == [("1", "2023-10-24..2023-10-31"), ("2", "2023-11-01..2023-11-10")]
    assert len(lines) == len(
        [ln for ln in proc.stdout.splitlines() if ln.split()[:1] and ln.split()[0] in by_model and " rows  " in ln]
    )
    pgs = [d for d in lines if d["model"] == "player_game_summary"]
    assert all(int(d["rows"].replace(",", "")) > 0 for d in pgs)
    # then the summary table, whole
    assert "backfill " in proc.stdout and "ml_feature_store_v2" in proc.stdout.split("backfill ", 1)[1]

    # a re-run: one line per model with nothing to compute
    proc = run_cli(real_copy, "backfill", *RANGE, "--only", "player_game_summary,game_calendar")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert "player_game_summary  skipped: all 17 dates unchanged" in out, proc.stdout
    assert "game_calendar  skipped: all 17 dates unchanged" in out


def test_a_model_not_run_says_why_in_one_line(real_copy):
    proc = run_cli(real_copy, "backfill", *RANGE, "--only", "player_daily_cache", "--skip-preflight")
    assert proc.returncode == 1
    first = proc.stdout.splitlines()[0]
    assert first.startswith("player_daily_cache  not run: ") and "not built yet" in first, proc.stdout
    assert_uncut(proc.stdout)
    assert "computed" not in proc.stdout  # the summary does not claim what it did not do


def test_on_an_80_column_terminal_the_live_bars_fit(real_copy):
    proc = run_cli(real_copy, "backfill", *RANGE, "--chunk", "MONTH", terminal=True)
    assert proc.returncode == 0, proc.stderr
    assert "━" in proc.stdout  # the live bars
    assert_fits(proc.stdout)
    text = plain(proc.stdout)
    assert "ml_feature_store_v2" in text and "2023-11-10" in text


def test_live_bar_cells_fit_80_columns_with_big_numbers(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(cli_backfill, "console", Console(file=buf, width=80, force_terminal=True, color_system=None))
    live = cli_backfill._LiveProgress(transient=False)
    chunk = Chunk(date(2020, 10, 1), date(2024, 6, 30))
    plan = SimpleNamespace(
        chunks=[chunk] * 12, pending=dict.fromkeys(range(1234)), skipped=4321, dates=list(range(5555)), blocked=None
    )
    live.started(SimpleNamespace(name="upcoming_player_game_context"), plan)
    live.started(SimpleNamespace(name="ml_feature_store_v2"), plan)
    live.advanced("upcoming_player_game_context", chunk, SimpleNamespace(rows=1_234_567), None)
    live.advanced("ml_feature_store_v2", chunk, None, "boom")
    buf2 = io.StringIO()
    Console(file=buf2, width=80, force_terminal=True, color_system=None).print(live.progress.get_renderable())
    out = buf2.getvalue()
    assert_fits(out)
    assert "1/12 2024-06-30 1,234,567 rows" in out
    assert "2024-06-30 failed" in out


def test_the_daily_run_prints_no_progress_in_a_pipe_and_fits_on_a_terminal(real_copy):
    assert run_cli(real_copy, "backfill", *RANGE).returncode == 0
    proc = run_cli(real_copy, "run", "--date", "2023-11-11")
    assert proc.returncode == 0, proc.stderr
    assert_uncut(proc.stdout)
    assert "━" not in proc.stdout and "\x1b" not in proc.stdout
    assert not any(LINE.match(ln) for ln in proc.stdout.splitlines())  # its summary table says it all
    proc = run_cli(real_copy, "run", "--date", "2023-11-12", terminal=True)
    assert proc.returncode == 0, proc.stderr
    assert_fits(proc.stdout)
    assert "ml_feature_store_v2" in plain(proc.stdout)


def test_plain_lines_for_a_failed_chunk_and_a_one_chunk_model(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(cli_backfill, "console", Console(file=buf, width=80, color_system=None))
    progress = cli_backfill._PlainProgress(quiet=False)
    one = Chunk(date(2024, 1, 2), date(2024, 1, 2), (date(2024, 1, 2),))
    two = Chunk(date(2024, 1, 3), date(2024, 1, 4), (date(2024, 1, 3), date(2024, 1, 4)))
    progress.started(
        SimpleNamespace(name="player_game_summary"),
        SimpleNamespace(chunks=[one], pending={}, skipped=0, dates=[], blocked=None),
    )
    progress.advanced("player_game_summary", one, SimpleNamespace(rows=1234), None)
    progress.started(
        SimpleNamespace(name="team_completeness"),
        SimpleNamespace(chunks=[one, two], pending={}, skipped=0, dates=[], blocked=None),
    )
    progress.advanced("team_completeness", one, SimpleNamespace(rows=30), None)
    progress.advanced("team_completeness", two, None, "Binder Error: a very long message " * 5)
    lines = buf.getvalue().splitlines()
    assert re.fullmatch(r"player_game_summary  2024-01-02  1 date  1,234 rows  \d+\.\d s", lines[0]), lines
    assert re.fullmatch(r"team_completeness  2024-01-02  1 date  chunk 1/2  30 rows  \d+\.\d s", lines[1]), lines
    assert re.fullmatch(
        r"team_completeness  2024-01-03\.\.2024-01-04  2 dates  chunk 2/2  failed, rolled back  "
        r"\d+\.\d s",
        lines[2],
    ), lines
    quiet = cli_backfill._PlainProgress(quiet=True)
    quiet.started(SimpleNamespace(name="x"), SimpleNamespace(chunks=[], pending={}, skipped=0, dates=[1], blocked=None))
    assert len(buf.getvalue().splitlines()) == 3
