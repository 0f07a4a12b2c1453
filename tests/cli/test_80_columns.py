"""Every command's --help and every listing, as a new user sees them: in a real terminal (a pty
whose window is 80 columns, COLUMNS=80) and through a pipe, on the real data backfilled over a
few weeks (issue #31). Fails on an ellipsis cutting text, a line wider than the terminal, a
column the README lists missing, trailing padding in a pipe, a title broken mid-word or inside
a parenthesis, and help prose wrapped before the line is full."""

from __future__ import annotations

import fcntl
import functools
import itertools
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass
from pathlib import Path

import pytest

from nbaprops.cli import app
from nbaprops.cli.common import model_names

from .conftest import ANSI, run_cli

WIDTH = 80
COMMANDS = [c.name for c in app.registered_commands]
# Text cut to fit: an ellipsis right after a word (Rich's '…', click's '...'); the ones the
# help writes itself stand apart ("backoff 2, 4, 8 … s", "<prefix>_analytics, ...").
CUT = re.compile(r"\S…|\w\.\.\.")
ITALIC = re.compile(r"\x1b\[(?:[0-9;]*;)?3(?:;[0-9;]*)?m")  # Rich's table.title style


@dataclass
class Out:
    code: int
    text: str  # without escape sequences, a spinner's redrawn lines reduced to their last state
    titles: list[str]  # the lines printed in the title style (terminal only)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


def run_pty(wh: Path | None, *args: str, columns: int = WIDTH, timeout: float = 600) -> Out:
    """`nbaprops args` with stdout and stderr on a pty whose window is `columns` wide."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR")}
    env.update(COLUMNS=str(columns), TERM="xterm-256color")
    pre = ["--warehouse", str(wh)] if wh is not None else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "nbaprops.cli", *pre, *args], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    raw = b""
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            proc.kill()
            raise TimeoutError(args)
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        raw += chunk
    os.close(master)
    code = proc.wait()
    lines = [ln.split("\r")[-1] for ln in raw.decode("utf-8", "replace").replace("\r\n", "\n").split("\n")]
    titles = [ANSI.sub("", ln) for ln in lines if ITALIC.search(ln)]
    return Out(code, "\n".join(ANSI.sub("", ln) for ln in lines), titles)


def run_pipe(wh: Path | None, *args: str) -> Out:
    r = run_cli(wh, *args)
    return Out(r.returncode, r.stdout + r.stderr, [])


def balanced(line: str) -> bool:
    depth = 0
    for ch in line:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def assert_uncut(out: Out) -> None:
    cut = [ln for ln in out.lines if CUT.search(ln)]
    assert not cut, f"text cut with an ellipsis: {cut[:3]}"


def assert_terminal(out: Out) -> None:
    assert_uncut(out)
    wide = [ln for ln in out.lines if len(ln) > WIDTH]
    assert not wide, f"lines wider than {WIDTH}: {wide[:3]}"
    for a, b in zip(out.titles, [*out.titles[1:], ""]):
        assert balanced(a) or not b, f"a title broken inside a parenthesis: {a!r} / {b!r}"
        assert not (a[-1:].isalnum() and b[:1].isalnum() and len(a) == WIDTH), f"a title broken mid-word: {a!r}"


def assert_pipe(out: Out, *, prose: bool = False) -> None:
    assert_uncut(out)
    assert "\x1b[" not in out.text
    padded = [ln for ln in out.lines if ln != ln.rstrip()]
    assert not padded, f"lines padded with spaces: {[ln[:60] for ln in padded[:3]]}"
    if prose:  # help text wraps at 80 in a pipe too
        return
    broken = [ln for ln in out.lines if not balanced(ln)]  # a listing never wraps in a pipe: every ( closes
    assert not broken, f"lines broken inside a parenthesis: {broken[:3]}"


def header_words(out: Out) -> set[str]:
    """The words of every table header (the lines above a header rule, up to a blank or a title)."""
    lines, words = out.lines, set()
    for k, ln in enumerate(lines):
        if ln.startswith("─"):
            j = k - 1
            while j >= 0 and lines[j].strip() and lines[j] not in out.titles and not lines[j].startswith("─"):
                words |= set(lines[j].split())
                j -= 1
                if not out.titles:  # a pipe: a header is one line, the title above it
                    break
    return words


def assert_columns(out: Out, headers: list[str]) -> None:
    words = header_words(out)
    missing = [h for h in headers if not set(h.split()) <= words]
    assert not missing, f"columns missing: {missing}; headers hold {sorted(words)}\n{out.text}"


# --- 1, 2: every --help re-flowed, nothing cut -----------------------------------------------


def premature_wraps(text: str, width: int = WIDTH - 2) -> list[str]:
    """Prose lines broken before they were full: the next line's first word would have fitted
    (the docstrings' source line breaks kept)."""
    lines, bad = text.splitlines(), []
    for a, b in itertools.pairwise(lines):
        if not a.strip() or not b.strip() or a.lstrip().startswith("-") or b.lstrip().startswith("-"):
            continue
        indent_a, indent_b = len(a) - len(a.lstrip()), len(b) - len(b.lstrip())
        if indent_a != indent_b or indent_a > 4:  # prose only, not the option list's columns
            continue
        if len(a) + 1 + len(b.split()[0]) <= width:
            bad.append(f"{a!r} / {b!r}")
    return bad


@functools.cache
def help_of(command: str | None, where: str, columns: int = WIDTH) -> Out:
    args = ["--help"] if command is None else [command, "--help"]
    out = run_pty(None, *args, columns=columns) if where == "pty" else run_pipe(None, *args)
    assert out.code == 0, out.text
    return out


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_prose_is_reflowed_at_any_width(command):
    """Item 1: a docstring's source line breaks are not kept, in a terminal of 80 or 200 columns
    and in a pipe."""
    for out in (help_of(command, "pty"), help_of(command, "pipe"), help_of(command, "pty", 200)):
        assert not premature_wraps(out.text), premature_wraps(out.text)[:3]


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_never_cut_and_fits_80_columns(command):
    """Item 2: no '…' nor '...' cutting an option's help or a command's line; within 80 columns
    in a terminal, no line padded in a pipe."""
    assert_terminal(help_of(command, "pty"))
    assert_pipe(help_of(command, "pipe"), prose=True)


def test_the_command_list_gives_each_first_sentence_whole():
    out = run_pipe(None, "--help")
    assert "Per model: covered date ranges, gaps against the schedule's game dates, stale dates" in " ".join(
        out.text.split()
    )


# --- 3, 4: every listing at 80 columns and in a pipe ------------------------------------------

# The columns the README's "Command line" section names for each listing (and the header
# each has in the table).
LISTINGS: list[tuple[tuple[str, ...], list[str]]] = [
    (("status",), ["model", "rows", "dates", "last", "gaps", "stale", "fails"]),
    (
        ("status", "--wide"),
        [
            *("model", "table", "built", "rows", "dates", "first", "last", "gaps", "stale", "fails", "covered"),
            *("gap dates", "not yet before", "not yet after", "failures by category"),
        ],
    ),
    (("history", "--limit", "40"), ["model", "status", "dates", "rows"]),
    (("history", "--limit", "40", "--wide"), ["run", "trigger", "model", "status", "dates", "done", "rows", "note"]),
    (("failures",), ["processor", "category", "dates", "failures"]),
    (("failures", "--by-week"), ["processor", "category", "season", "week", "failures"]),
    (("failures", "--list", "--limit", "8"), ["date", "entity", "category", "reason"]),
    (("failures", "--list", "--limit", "8", "--wide"), ["processor", "reason", "retry", "games", "of"]),
    (("rejected", "--limit", "30"), ["file", "row", "column", "reason"]),
    (("rejected", "--limit", "30", "--wide"), ["file", "kind", "row", "column", "reason", "record"]),
    (("rejected", "--summary"), ["file", "column", "reason"]),
    (("features", "LeBron James", "--date", "2023-12-02"), ["feature", "value", "source"]),
    (
        ("validate", "--pit-samples", "0"),
        ["check", "status", "count", "sample of offending keys", "gold", "silver", "bronze", "poor", "unusable"],
    ),
]


@pytest.mark.parametrize("args,headers", LISTINGS, ids=[" ".join(a) for a, _ in LISTINGS])
def test_listings_fit_80_columns_keep_every_column_and_are_unpadded_in_a_pipe(early_backfilled, args, headers):
    term = run_pty(early_backfilled, *args)
    assert term.code in (0, 1), term.text  # validate may find a failing check
    assert_terminal(term)
    assert_columns(term, headers)
    pipe = run_pipe(early_backfilled, *args)
    assert pipe.code == term.code, pipe.text
    assert_pipe(pipe)
    assert_columns(pipe, headers)


def test_ingest_shows_every_count_at_80_columns(real_copy):
    headers = ["file", "read", "loaded", "unchanged", "rejected"]
    term = run_pty(real_copy, "ingest")
    assert term.code == 0, term.text
    assert_terminal(term)
    assert_columns(term, headers)
    pipe = run_pipe(real_copy, "ingest")
    assert pipe.code == 0, pipe.text
    assert_pipe(pipe)
    assert_columns(pipe, headers)


def test_predict_fits_80_columns_and_its_title_is_whole_in_a_pipe(early_backfilled, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(early_backfilled, wh)
    args = ("predict", "--date", "2023-12-15", "--fit", "--min-train-rows", "2000", "--no-write")
    term = run_pty(wh, *args)
    assert term.code == 0, term.text
    assert_terminal(term)
    assert_columns(term, ["player", "game", "min", "report", "proj", "line", "line from", "P(over)", "bet", "EV"])
    pipe = run_pipe(wh, *args)
    assert pipe.code == 0, pipe.text
    assert_pipe(pipe)
    assert "the board of 2023-12-15 (highest expected value first)" in pipe.lines


def test_backfill_tables_fit_80_columns_and_their_titles_are_whole_in_a_pipe(early_backfilled, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(early_backfilled, wh)
    span = ("--start-date", "2023-12-12", "--end-date", "2023-12-15")
    plan = run_pty(wh, "backfill", *span, "--dry-run")
    assert plan.code == 0, plan.text
    assert_terminal(plan)
    assert_columns(plan, ["#", "model", "dates", "to compute (why)", "skip", "chunks", "table", "covered", "%", "ok"])
    for where in (run_pty, run_pipe):
        out = where(wh, "backfill", *span, "--force")
        assert out.code == 0, out.text
        assert_columns(out, ["model", "status", "done", "skip", "rows", "fails", "s"])
        summary = Out(out.code, out.text[out.text.index("\nbackfill ") :], out.titles)  # not the progress lines
        assert_terminal(summary) if where is run_pty else assert_pipe(summary)
        if where is run_pipe:
            assert any(re.fullmatch(r"backfill .*: 2023-12-12 \.\. 2023-12-15 \(.*\)", ln) for ln in out.lines)


def test_backtest_tables_fit_80_columns_and_are_unpadded_in_a_pipe(early_backfilled):
    args = ("backtest", "--start-date", "2023-12-01", "--end-date", "2023-12-15", "--min-train-rows", "2000")
    args += ("--no-write", "--no-months")
    term = run_pty(early_backfilled, *args)
    assert term.code == 0, term.text
    assert_terminal(term)
    pipe = run_pipe(early_backfilled, *args)
    assert pipe.code == 0, pipe.text
    assert_pipe(pipe)


def test_the_daily_run_fits_80_columns_and_its_titles_are_whole_in_a_pipe(early_backfilled, tmp_path):
    """`run --date D` on the day after the slice: every model computes D, some write failures (the
    run's second table); the same again with --force through a pipe."""
    wh = tmp_path / "wh.duckdb"
    shutil.copy(early_backfilled, wh)
    for where, args in ((run_pty, ()), (run_pipe, ("--force",))):
        out = where(wh, "run", "--date", "2023-12-16", *args)
        assert out.code == 0, out.text
        assert_columns(out, ["model", "status", "done", "skip", "rows", "fails", "s"])
        assert_columns(out, ["processor", "category", "rows"])
        summary = Out(out.code, out.text[out.text.index("\nrun ") :], out.titles)  # not the progress lines
        assert_terminal(summary) if where is run_pty else assert_pipe(summary)
        if where is run_pipe:
            title = re.compile(r"run .*: 2023-12-16 \.\. 2023-12-16 \(chunks: auto, .* s\)")
            assert any(title.fullmatch(ln) for ln in out.lines), out.text
            assert "failures written by this run (processing.precompute_failures)" in out.lines
            why = re.compile(r"  \w+: computed 1 forced date; skipped [\d,]+ dates with unchanged inputs")
            assert sum(bool(why.fullmatch(ln)) for ln in out.lines) == len(model_names()), out.text  # one line each


def test_train_fits_80_columns_and_is_unpadded_in_a_pipe(early_backfilled, tmp_path):
    """The real fit on the one season of the slice, up to its last date (no --end-date): fewer
    labelled rows than a full history, hence --min-train-rows."""
    for where in (run_pty, run_pipe):
        models = tmp_path / where.__name__
        out = where(early_backfilled, "train", "--min-train-rows", "2000", "--holdout-days", "14", "--out", str(models))
        assert out.code == 0, out.text
        assert_terminal(out) if where is run_pty else assert_pipe(out)
        (saved,) = models.glob("*_through_2023-12-15.joblib")
        if where is run_pipe:
            assert re.search(r"^model \S+: [\d,]+ labelled rows through 2023-12-15 \(", out.text, re.M), out.text
            assert re.search(r"^holdout 2023-12-02 \.\. 2023-12-15 \(last 14 days, [\d,]+ player-games", out.text, re.M)
            assert f"saved {saved}" in out.lines


def test_generate_lists_its_files_like_every_listing(tmp_path):
    """One synthetic season: the file table fits 80 columns, its title (the league's folder)
    breaks between words and never inside the parenthesis; whole and unpadded in a pipe; and
    --format csv like the other listings."""
    folder = "a-synthetic-league-in-a-folder-whose-name-is-long"
    for where in (run_pty, run_pipe):
        (tmp_path / where.__name__).mkdir()
        out = where(None, "generate", "--seasons", "1", "--out", str(tmp_path / where.__name__ / folder))
        assert out.code == 0, out.text
        assert_terminal(out) if where is run_pty else assert_pipe(out)
        assert_columns(out, ["file", "rows"])
        if where is run_pipe:
            assert f"synthetic league in {tmp_path}/run_pipe/{folder} (1 season, seed 7)" in out.lines
    r = run_cli(None, "generate", "--seasons", "1", "--out", str(tmp_path / "csv"), "--format", "csv")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "file,rows" and re.fullmatch(r"schedule_synthetic_\d{4}_\d{4}\.parquet,\d+", lines[1]), lines


# --- 5: paths and exits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("predict", "--date", "2023-12-15", "--fit", "--no-write", "--out", "{missing}/dir/p.csv"),
        ("export", "raw.schedule", "--out", "{missing}/x.parquet"),
        ("report", "--out", "{missing}/r.html"),
        ("generate", "--out", "{missing}/league"),
    ],
    ids=["predict", "export", "report", "generate"],
)
def test_a_missing_parent_folder_is_refused_not_created(early_backfilled, tmp_path, args):
    missing = tmp_path / "typo"
    r = run_cli(early_backfilled, *[a.format(missing=missing) for a in args])
    assert r.returncode == 2, r.stdout + r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "does not exist" in r.stderr, r.stderr
    assert not missing.exists()


def test_a_reader_that_stops_early_is_not_an_error(early_backfilled):
    """`nbaprops ... | head -1`: exit 0 and nothing on stderr, whether Rich or the CSV writer
    meets the closed pipe (thousands of rows: more than a pipe's buffer holds)."""
    for args in (
        ("failures", "--list", "--limit", "5000"),
        ("failures", "--list", "--limit", "5000", "--format", "csv"),
    ):
        cmd = [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(early_backfilled), *args]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline()
        proc.stdout.close()  # as `head -1` does
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0 and not stderr, (args, proc.returncode, stderr)


def test_status_without_a_warehouse_is_bad_input(tmp_path):
    missing = tmp_path / "none.duckdb"
    for command in ("status", "history", "rejected"):
        r = run_cli(missing, command)
        assert r.returncode == 2, (command, r.stderr)
        assert r.stderr.strip() == f"error: no warehouse at {missing}: run `nbaprops ingest` first"
    assert not missing.exists()


# --- 6: small things ---------------------------------------------------------------------------


def test_train_names_the_holdout_end(early_backfilled, tmp_path, monkeypatch):
    from datetime import date

    from typer.testing import CliRunner

    import nbaprops.model.backtest as backtest
    from nbaprops.model.train import TrainResult

    def fake_train(wh, end, *, holdout_days, out_dir, min_train_rows):  # the fit itself is the model tests' business
        return TrainResult(
            "v1", date(2023, 12, 14), 9000, 4.1, date(2023, 12, 8), 1500, 4.9, 5.2, tmp_path / "m.joblib", 1.0
        )

    monkeypatch.setattr(backtest, "train_model", fake_train)
    r = CliRunner().invoke(app, ["--warehouse", str(early_backfilled), "train", "--holdout-days", "7"])
    assert r.exit_code == 0, r.output
    assert "holdout 2023-12-08 .. 2023-12-14 (last 7 days, 1,500 player-games" in " ".join(r.output.split()), r.output


def test_counts_of_dates_read_as_words():
    from nbaprops.cli.run_tables import dates_why
    from nbaprops.runner.plan import INPUTS_CHANGED, NEW, REQUESTED

    assert dates_why({REQUESTED: 209}) == "209 requested dates"
    assert dates_why({INPUTS_CHANGED: 1, NEW: 1}) == "1 date with inputs changed, 1 new date"
    assert dates_why({INPUTS_CHANGED: 1_200}) == "1,200 dates with inputs changed"


def test_a_first_name_or_the_start_of_a_lookup_finds_the_one_player(early_backfilled):
    for typed in ("lebron", "LeBron", "lebronj"):
        r = run_cli(early_backfilled, "features", typed, "--date", "2023-12-02")
        assert r.returncode == 0 and r.stdout.startswith("LeBron James (lebronjames)"), (typed, r.stdout, r.stderr)
    r = run_cli(early_backfilled, "features", "james", "--date", "2023-12-02")  # many: the suggestions
    assert r.returncode == 2 and "did you mean" in r.stderr and len(r.stderr.splitlines()) == 1, r.stderr


def test_history_shows_an_interrupted_run_as_such_and_what_the_limit_hides(early_backfilled, tmp_path):
    import duckdb

    wh = tmp_path / "wh.duckdb"
    shutil.copy(early_backfilled, wh)
    with duckdb.connect(str(wh)) as con:  # what a run killed mid-way leaves: rows never finished
        run, n = con.execute(
            "SELECT run_id, count(*) FROM reference.processor_run_history GROUP BY 1 ORDER BY 1 DESC LIMIT 1"
        ).fetchone()
        con.execute(
            "UPDATE reference.processor_run_history SET status = CASE WHEN model < 'p' THEN 'running' "
            "ELSE 'pending' END, error = NULL WHERE run_id = ?",
            [run],
        )
    out = run_pipe(wh, "history", "--limit", "1")
    assert out.code == 0, out.text
    assert "pending" not in out.text and "running" not in out.text, out.text
    assert "interrupted" in out.text and f"(backfill, 1 of {n} models)" in out.text, out.text
    assert f"{n - 1:,} more model runs not shown: raise --limit" in out.text, out.text
    data = run_cli(wh, "history", "--format", "json").stdout
    assert '"pending"' not in data and '"running"' not in data and '"interrupted"' in data
