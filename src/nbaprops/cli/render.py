"""Listings a person can read and a program can parse, in one place for every command.

A command builds `Listing`s (a title, typed columns, raw rows) and hands them to `emit`:

- `--format table` (the default) prints Rich tables. On a terminal a table fits its width:
  numbers never wrap nor get cut (their columns keep their full width), text columns fold,
  headers break between words; a table that cannot fit continues below in blocks, each led by
  its first column (`layout`), so that no column is dropped. Columns marked `wide` show only
  with `--wide`. When stdout is not a terminal (a pipe, a file, a cron log) a table is printed
  at its natural width, its title on one line, its lines unpadded: nothing is cut or folded.
- `--format csv` writes the first listing as CSV, `--format json` every listing as JSON
  (a list of objects; an object of lists keyed by listing name when a command has several).
  Both hold every column with raw values (no thousands separators, dates as YYYY-MM-DD,
  NULL/NaN as empty / null); messages then go to stderr, so stdout stays parseable.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import typer
from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from .common import console, err


class Format(StrEnum):  # str() is the value: what --help shows as the default
    table = "table"
    csv = "csv"
    json = "json"


FORMAT_HELP = (
    "table (for people: fits the terminal, never cut in a pipe), csv or json (every column, raw "
    "values; messages go to stderr)."
)


def format_option(help: str = FORMAT_HELP):
    return typer.Option(Format.table, "--format", case_sensitive=False, help=help)


def wide_option():
    return typer.Option(
        False, "--wide", help="Show every column in the table (it may then be wider than the terminal)."
    )


@dataclass(frozen=True)
class Col:
    """One column: `name` is the CSV header / JSON key, `header` what the table shows."""

    name: str
    header: str | None = None
    kind: str = "text"  # text | int | float | date | bool | year (an int without separators)
    digits: int = 2  # float: decimals shown in the table
    wide: bool = False  # table: only with --wide (csv/json always hold it)
    styles: dict | None = None  # value -> Rich style (e.g. a run status)
    keep: bool = False  # text kept whole (a name a command takes back, e.g. a model)

    @property
    def title(self) -> str:
        return self.header if self.header is not None else self.name

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "float", "year")


YEAR_NAMES = ("season", "season_year", "year")


@dataclass
class Listing:
    title: str
    cols: Sequence[Col]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)
    name: str = "rows"  # key of this listing in a JSON object of several

    @classmethod
    def infer(cls, title: str, names: Sequence[str], rows: Iterable[Sequence[Any]], name: str = "rows") -> Listing:
        """A listing whose column kinds follow the values (int, float, date, else text)."""
        rows = [tuple(r) for r in rows]
        cols = []
        for i, n in enumerate(names):
            vals = [r[i] for r in rows if r[i] is not None]
            kind = "text"
            for k, types in (("int", (int,)), ("float", (int, float)), ("date", (date,))):
                if vals and all(isinstance(v, types) and not isinstance(v, bool) for v in vals):
                    kind = k
                    break
            if kind == "int" and n.lower() in YEAR_NAMES:
                kind = "year"
            # identifiers (no spaces, short) stay whole
            keep = kind == "text" and bool(vals) and all(" " not in str(v) and len(str(v)) <= 40 for v in vals)
            cols.append(Col(n, kind=kind, keep=keep))
        return cls(title, cols, rows, name=name)

    def records(self) -> list[dict]:
        return [{c.name: _raw(v) for c, v in zip(self.cols, r)} for r in self.rows]


def _raw(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, (int, float, bool, str)) or v is None:
        return v
    if hasattr(v, "item"):  # numpy scalars
        return _raw(v.item())
    return str(v)


def cell(v: Any, col: Col) -> Text:
    """A value as the table shows it (Text: brackets in messages are never read as markup)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        s = "-" if col.numeric else ""
    elif isinstance(v, bool):
        s = "yes" if v else "no"
    elif col.kind == "int" and isinstance(v, (int, float)):
        s = f"{int(v):,}"
    elif col.kind == "float" and isinstance(v, (int, float)):
        s = f"{v:,.{col.digits}f}"
    elif isinstance(v, (date, datetime)):
        s = v.isoformat()
    else:
        s = str(v)
    style = (col.styles or {}).get(v, "") if isinstance(v, str) else ""
    return Text(s, style=style)


def visible(cols: Sequence[Col], wide: bool) -> list[int]:
    return [i for i, c in enumerate(cols) if wide or not c.wide]


def compact_table(title: str | None = None) -> Table:
    """A table with a line under the header and two spaces between columns: no borders to pay for."""
    return Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True
    )


SEP = 2  # columns between two columns of a compact table
TEXT_MIN = 20  # a text column is folded no narrower than this (or its longest value)
FOLD_MIN = 12  # a kept name folds no narrower than this


@dataclass(frozen=True)
class _Fit:
    """One column's widths: natural (nothing wraps), need (numbers, dates and kept names whole,
    text wrapped at TEXT_MIN) and fold (kept names folded too); never below what shows its header
    on two lines broken between words, never inside one."""

    natural: int
    need: int
    fold: int


def _fit(listing: Listing, i: int) -> _Fit:
    c = listing.cols[i]
    lines = [ln for r in listing.rows for ln in cell(r[i], c).plain.splitlines()]
    longest = max((len(ln) for ln in lines), default=0)
    word = _header_width(c.title)
    natural = max(longest, len(c.title), 1)
    if c.numeric or c.kind in ("date", "bool"):
        return _Fit(natural, max(longest, word), max(longest, word))
    if c.keep:
        return _Fit(natural, max(longest, word), max(min(longest, FOLD_MIN), word))
    need = max(min(longest, TEXT_MIN), word)
    return _Fit(natural, need, need)


def _header_width(title: str) -> int:
    """The narrowest width that shows a header on two lines at most, broken between words."""
    words = title.split() or [""]
    splits = [max(len(" ".join(words[:k])), len(" ".join(words[k:]))) for k in range(1, len(words))]
    return min(splits, default=len(title))


def _total(widths: Sequence[int]) -> int:
    return sum(widths) + SEP * (len(widths) - 1)


def _spread(low: list[int], high: list[int], width: int) -> list[int]:
    """`low` widened toward `high`, one column at a time (the one furthest from its natural
    width first), until the table is `width` wide."""
    out = list(low)
    spare = width - _total(out)
    while spare > 0:
        short = [j for j in range(len(out)) if out[j] < high[j]]
        if not short:
            break
        j = max(short, key=lambda k: high[k] - out[k])
        out[j] += 1
        spare -= 1
    return out


def layout(listing: Listing, idx: Sequence[int], width: int | None) -> list[tuple[list[int], list[int] | None]]:
    """The listing's columns `idx` as blocks of (columns, widths) that each fit `width`: one block
    when the columns fit (text wrapped, kept names folded if need be), else several, each led by
    the first column, so that no column is dropped nor a number cut. Widths None: natural."""
    fits = {i: _fit(listing, i) for i in idx}
    if width is None or _total([fits[i].natural for i in idx]) <= width:
        return [(list(idx), None)]
    for level in ("need", "fold"):
        low = [getattr(fits[i], level) for i in idx]
        if _total(low) <= width:
            return [(list(idx), _spread(low, [fits[i].natural for i in idx], width))]
    key = idx[0]
    blocks: list[list[int]] = []
    cur: list[int] = []
    for i in idx[1:]:
        if cur and _total([fits[j].need for j in (key, *cur, i)]) > width:
            blocks.append(cur)
            cur = []
        cur.append(i)
    blocks.append(cur)
    out: list[tuple[list[int], list[int] | None]] = []
    for block in blocks:
        cols = [key, *block]
        natural = [fits[j].natural for j in cols]
        low = [fits[j].need for j in cols]
        if _total(low) > width:
            low = [fits[j].fold for j in cols]
        out.append((cols, natural if _total(natural) <= width else _spread(low, natural, width)))
    return out


def rich_tables(listing: Listing, *, wide: bool = False, width: int | None = None) -> list[tuple[str, Table]]:
    """The listing as (title, table) blocks fitting `width` (a terminal's; None: natural width).
    A later block's title says it continues the first."""
    blocks = layout(listing, visible(listing.cols, wide), width)
    out = []
    for n, (cols, widths) in enumerate(blocks):
        title = listing.title if n == 0 else f"{listing.title} (continued)"
        out.append((title, _table(listing, cols, widths)))
    return out


def _table(listing: Listing, cols: Sequence[int], widths: Sequence[int] | None) -> Table:
    t = compact_table()
    for n, i in enumerate(cols):
        c = listing.cols[i]
        # no no_wrap: a width is never below a number's length, and a header must wrap
        width = None if widths is None else widths[n]
        t.add_column(c.title, justify="right" if c.numeric else "left", overflow="fold", width=width)
    for r in listing.rows:
        t.add_row(*[cell(r[i], listing.cols[i]) for i in cols])
    return t


_UNIT = re.compile(r"\S*\([^()]*\)\S*|\S+")  # a word, or a parenthesis with the words around it


def title_lines(title: str, width: int | None) -> list[str]:
    """A title as lines of at most `width` columns (None: one line), broken between words and
    never inside a parenthesis that fits on a line; a word longer than a line (a path) is folded,
    after a '/' where it can be."""
    if width is None or len(title) <= width:
        return [title]
    units: list[str] = []
    for unit in _UNIT.findall(title):
        units.extend([unit] if len(unit) <= width else unit.split())
    lines = [""]
    for unit in units:
        if len(unit) > width:
            pieces = _fold(unit, width)
            if lines[-1]:
                lines.append("")
            lines[-1] = pieces[0]
            lines.extend(pieces[1:])
        elif lines[-1] and len(lines[-1]) + 1 + len(unit) > width:
            lines.append(unit)
        else:
            lines[-1] = f"{lines[-1]} {unit}" if lines[-1] else unit
    return lines


def _fold(word: str, width: int) -> list[str]:
    """A word longer than `width` as pieces of at most `width`, each ending after its last '/'
    where it has one."""
    pieces = []
    while len(word) > width:
        cut = word.rfind("/", 0, width) + 1
        cut = cut if cut > 1 else width
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def print_renderable(renderable, *, to: Console | None = None) -> None:
    """Print a renderable: fitted to the terminal, or at its natural width when not a terminal,
    each line then without the spaces that pad it to the table's width."""
    target = to or console
    if target.is_terminal:
        target.print(renderable)
        return
    natural = Measurement.get(target, target.options.update(max_width=100_000), renderable).maximum
    buf = io.StringIO()
    Console(
        file=buf, width=max(natural, 20), color_system=None, highlight=False, force_terminal=False, soft_wrap=False
    ).print(renderable)
    target.file.write("".join(ln.rstrip() + "\n" for ln in buf.getvalue().splitlines()))
    target.file.flush()


def print_listing(listing: Listing, *, wide: bool = False, empty: str | None = None, to: Console | None = None) -> None:
    target = to or console
    if not listing.rows and empty is not None:
        target.print(empty, soft_wrap=True)
        return
    width = target.width if target.is_terminal else None
    for title, table in rich_tables(listing, wide=wide, width=width):
        for line in title_lines(title, width):
            target.print(Text(line, style="table.title"), soft_wrap=True)
        print_renderable(table, to=target)


def write_csv(listing: Listing, out=None) -> None:
    w = csv.writer(out or sys.stdout, lineterminator="\n")
    w.writerow([c.name for c in listing.cols])
    for rec in listing.records():
        w.writerow(["" if v is None else ("true" if v is True else "false" if v is False else v) for v in rec.values()])


def write_json(listings: Sequence[Listing], out=None) -> None:
    payload: Any = listings[0].records() if len(listings) == 1 else {ls.name: ls.records() for ls in listings}
    (out or sys.stdout).write(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


def emit(
    listings: Listing | Iterable[Listing],
    fmt: Format | str = Format.table,
    *,
    wide: bool = False,
    empty: str | None = None,
) -> None:
    """Print listings in the chosen format (see the module's doc)."""
    items = [listings] if isinstance(listings, Listing) else list(listings)
    fmt = Format(fmt)
    if fmt is Format.csv:
        write_csv(items[0])
    elif fmt is Format.json:
        write_json(items)
    else:
        for ls in items:
            print_listing(ls, wide=wide, empty=empty)


def messages(fmt: Format | str) -> Console:
    """Where a command's notes go: stdout with a table, stderr when stdout carries CSV or JSON."""
    return console if Format(fmt) is Format.table else err
