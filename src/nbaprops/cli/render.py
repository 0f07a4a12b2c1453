"""Listings a person can read and a program can parse, in one place for every command.

A command builds `Listing`s (a title, typed columns, raw rows) and hands them to `emit`:

- `--format table` (the default) prints Rich tables. On a terminal a table fits its width:
  numbers never wrap nor get cut (their columns keep their full width), text columns fold.
  Columns marked `wide` show only with `--wide`. When stdout is not a terminal (a pipe, a file,
  a cron log) a table is printed at its natural width: nothing is cut or folded.
- `--format csv` writes the first listing as CSV, `--format json` every listing as JSON
  (a list of objects; an object of lists keyed by listing name when a command has several).
  Both hold every column with raw values (no thousands separators, dates as YYYY-MM-DD,
  NULL/NaN as empty / null); messages then go to stderr, so stdout stays parseable.
"""

from __future__ import annotations

import csv
import json
import math
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


def rich_table(listing: Listing, *, wide: bool = False, width: int | None = None) -> Table:
    """The listing as a table. Kept text (a name to copy back) stays on one line; when the table
    would be wider than `width` (a terminal's) that way, kept text folds instead, so that the
    terminal never crops the numbers to its right."""
    table = _table(listing, wide, fold_kept=False)
    if width is not None and Measurement.get(console, console.options.update(max_width=100_000), table).minimum > width:
        table = _table(listing, wide, fold_kept=True)
    return table


def _table(listing: Listing, wide: bool, *, fold_kept: bool) -> Table:
    idx = visible(listing.cols, wide)
    t = compact_table(listing.title)
    for i in idx:
        c = listing.cols[i]
        cells = [cell(r[i], c) for r in listing.rows]
        if c.numeric or c.kind in ("date", "bool") or (c.keep and not fold_kept):
            longest = max([len(x.plain) for x in cells] + [len(c.title) if c.numeric else 0])
            t.add_column(
                c.title, justify="right" if c.numeric else "left", no_wrap=True, min_width=longest, overflow="fold"
            )
        else:
            t.add_column(c.title, overflow="fold")
    for r in listing.rows:
        t.add_row(*[cell(r[i], listing.cols[i]) for i in idx])
    return t


def print_renderable(renderable, *, to: Console | None = None) -> None:
    """Print a table: fitted to the terminal, or at its natural width when not a terminal."""
    target = to or console
    if target.is_terminal:
        target.print(renderable)
        return
    natural = Measurement.get(target, target.options.update(max_width=100_000), renderable).maximum
    Console(
        file=target.file,
        width=max(natural, 20),
        color_system=None,
        highlight=False,
        force_terminal=False,
        soft_wrap=False,
    ).print(renderable)


def print_listing(listing: Listing, *, wide: bool = False, empty: str | None = None) -> None:
    if not listing.rows and empty is not None:
        console.print(empty, soft_wrap=True)
        return
    print_renderable(rich_table(listing, wide=wide, width=console.width if console.is_terminal else None))


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
