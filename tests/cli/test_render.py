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
    render.print_renderable(render.rich_table(listing, wide=wide), to=con)
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
