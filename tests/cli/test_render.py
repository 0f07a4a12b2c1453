"""render.py: tables fit the terminal without cutting numbers, keep their natural width when
stdout is not a terminal, and CSV / JSON carry every column with raw values."""

from __future__ import annotations

import io
import json
from datetime import date

from rich.console import Console

from nbaprops.cli import render
from nbaprops.cli.render import Col, Listing

COLS = (
    Col("model", keep=True),
    Col("rows", kind="int"),
    Col("seconds", "s", kind="float"),
    Col("first", kind="date"),
    Col("note"),
    Col("detail", wide=True),
)
ROWS = [
    (
        "upcoming_player_game_context",
        1234567,
        12.3456,
        date(2024, 1, 19),
        "a long note that has to fold somewhere because it does not fit at all " * 2,
        "x",
    ),
    ("player_game_summary", 10313, float("nan"), None, "", None),
]


def _render(listing, *, terminal: bool, width: int = 80, wide: bool = False) -> str:
    buf = io.StringIO()
    con = Console(file=buf, width=width, force_terminal=terminal, color_system=None, highlight=False)
    render.print_listing(listing, wide=wide, to=con)
    return buf.getvalue()


def test_terminal_table_fits_80_columns_and_keeps_numbers_whole():
    out = _render(Listing("t", COLS, ROWS), terminal=True)
    assert max(len(ln) for ln in out.splitlines()) <= 80
    assert "…" not in out
    for whole in ("upcoming_player_game_context", "1,234,567", "12.35", "2024-01-19", "10,313"):
        assert whole in out
    assert "detail" not in out  # a --wide column


def test_wide_shows_every_column():
    assert "detail" in _render(Listing("t", COLS, ROWS), terminal=True, wide=True)


def test_not_a_terminal_prints_the_natural_width_uncut():
    out = _render(Listing("t", COLS, ROWS), terminal=False, width=40)
    assert "…" not in out
    assert "a long note that has to fold somewhere because it does not fit at all a long note" in out
    assert max(len(ln) for ln in out.splitlines()) > 80


def test_csv_and_json_hold_raw_values_and_every_column():
    buf = io.StringIO()
    render.write_csv(Listing("t", COLS, ROWS), buf)
    lines = buf.getvalue().splitlines()
    assert lines[0] == "model,rows,seconds,first,note,detail"
    assert lines[1].startswith("upcoming_player_game_context,1234567,12.3456,2024-01-19,")
    assert lines[2] == "player_game_summary,10313,,,,"
    buf = io.StringIO()
    render.write_json([Listing("t", COLS, ROWS)], buf)
    data = json.loads(buf.getvalue())
    assert data[0]["rows"] == 1234567 and data[1]["seconds"] is None and data[0]["first"] == "2024-01-19"
    buf = io.StringIO()
    render.write_json([Listing("a", COLS, ROWS, name="a"), Listing("b", COLS, [], name="b")], buf)
    assert set(json.loads(buf.getvalue())) == {"a", "b"}


def test_inferred_columns_keep_years_plain():
    ls = Listing.infer("q", ["season", "rows", "mean", "processor"], [(2023, 20449, 85.3, "PlayerDailyCacheProcessor")])
    out = _render(ls, terminal=True)
    assert "2023" in out and "2,023" not in out and "20,449" in out and "PlayerDailyCacheProcessor" in out


def test_a_kept_name_too_long_for_the_terminal_folds_and_the_numbers_stay_whole():
    """A name kept on one line (a file the user named) would push the numbers past 80 columns,
    where the terminal crops them: then the name folds instead."""
    cols = (Col("file", keep=True), Col("read", kind="int"), Col("loaded", kind="int"), Col("rejected", kind="int"))
    name = "event_odds_player_points_2024-02-23_ORL-at-CLE_saved_from_the_api_by_hand.json"
    listing = Listing("ingest", cols, [(name, 241, 128, 1)])
    out = _render(listing, terminal=True)
    assert max(len(ln) for ln in out.splitlines()) <= 80 and "…" not in out, out
    for header in ("read", "loaded", "rejected"):
        assert header in out, out
    assert "".join(ln.split("  ")[0].strip() for ln in out.splitlines()[3:]) == name, out  # folded, whole
    # a name that fits stays on one line; and without a width (not a terminal) nothing folds
    short = Listing("ingest", cols, [("shots_2023_24.parquet", 241, 128, 1)])
    assert any(ln.split()[:2] == ["shots_2023_24.parquet", "241"] for ln in _render(short, terminal=True).splitlines())
    assert any(ln.startswith(name + "  ") for ln in _render(listing, terminal=False).splitlines())


def test_a_table_too_wide_for_the_terminal_continues_below_with_its_first_column():
    """Numbers and names that cannot all fit 80 columns: the table is folded into blocks, each
    led by the first column, rather than a column dropped or squeezed into a cut header."""
    cols = (Col("model", keep=True), *(Col(f"count of kind {k}", kind="int") for k in "abcdefgh"))
    rows = [("upcoming_player_game_context", *range(1_000_000, 1_000_008)), ("x", *range(8))]
    out = _render(Listing("status of a warehouse (rows '-': not built)", cols, rows), terminal=True)
    lines = out.splitlines()
    assert max(len(ln) for ln in lines) <= 80 and "…" not in out, out
    assert "status of a warehouse (rows '-': not built) (continued)" in lines, out
    assert sum(ln.startswith("upcoming_player_game_context ") for ln in lines) >= 2, out
    for n in range(1_000_000, 1_000_008):
        assert f"{n:,}" in out, out
    headers = " ".join(ln for ln in lines if "kind" in ln or "count" in ln)
    assert all(f" {k}" in headers for k in "abcdefgh") and "kin " not in headers + " ", out


def test_a_title_breaks_between_words_and_a_path_longer_than_a_line_after_a_slash():
    folder = "/home/someone/" + "a-folder-whose-name-is-long/" * 3 + "league"
    lines = render.title_lines(f"synthetic league in {folder} (4 seasons, seed 7)", 80)
    assert all(len(ln) <= 80 for ln in lines), lines
    assert lines == [
        "synthetic league in",
        "/home/someone/a-folder-whose-name-is-long/a-folder-whose-name-is-long/",
        "a-folder-whose-name-is-long/league (4 seasons, seed 7)",
    ]
    assert render.title_lines("x" * 90 + " (y)", 80) == ["x" * 80, "x" * 10 + " (y)"]  # no slash: folded at 80
