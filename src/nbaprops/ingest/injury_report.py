"""The NBA's official injury report (a PDF, https://ak-static.cms.nba.com/referee/injury/): read
into rows that the loader stages and loads like the rows of a file. Recognised by its content:
page 1 is titled "Injury Report: MM/DD/YY HH:MM AM|PM" (the report's time, US Eastern).

The report is a table of seven columns (Game Date, Game Time, Matchup, Team, Player Name,
Current Status, Reason), but its text carries no table structure a PDF library can find (table
detection finds only the header), so words are placed in columns by the x positions of the
header's titles (printed on page 1; a page that repeats the header updates them). Layout:
- date, time, matchup and team are printed on a group's first row only: later rows, also across
  a page break, carry them down;
- a long reason wraps onto lines above and below its row (the row's other cells are centred
  between them): a line with nothing but reason text belongs to the nearest row;
- a team that has not sent its list yet has one row reading "NOT YET SUBMITTED" in Reason;
- each page repeats the title and ends with "Page N of M": neither is a row.

Default text extraction runs words together (the PDF places them without spaces); words split
with x_tolerance=1 keep them apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from ..errors import BadInputError
from .staging import stage_rows

SOURCE = "nba_injury_report"
INSTALL = "pip install 'nbaprops[feed]'"
STATUSES = ("out", "doubtful", "questionable", "probable", "available")
NOT_SUBMITTED = "not_submitted"
NOT_SUBMITTED_TEXT = "NOT YET SUBMITTED"
COLUMNS = ("game_date", "game_time", "matchup", "team", "player", "status", "reason")
_HEADER = {  # column → the words of its title in the header
    "game_date": ("Game", "Date"),
    "game_time": ("Game", "Time"),
    "matchup": ("Matchup",),
    "team": ("Team",),
    "player": ("Player", "Name"),
    "status": ("Current", "Status"),
    "reason": ("Reason",),
}
_TITLE = re.compile(r"Injury Report:\s*(\d{2}/\d{2}/\d{2})\s+(\d{1,2}:\d{2})\s*([AP]M)", re.IGNORECASE)
_FOOTER = re.compile(r"Page \d+ of \d+")
_MATCHUP = re.compile(r"([A-Z]{2,4})@([A-Z]{2,4})")
_LINE_GAP = 2.0  # points: words whose tops differ by less are on one line
_X_SLACK = 3.0  # points: a cell's text starts about 1 pt right of its column title

# The staged columns and their DuckDB types (the loader checks them like a file's).
STAGED_COLUMNS = {
    "report_time_et": "TIMESTAMP",
    "game_date": "DATE",
    "game_time": "VARCHAR",
    "matchup": "VARCHAR",
    "away_tricode": "VARCHAR",
    "home_tricode": "VARCHAR",
    "team_name": "VARCHAR",
    "printed_name": "VARCHAR",
    "player_name": "VARCHAR",  # the display name ("First Last"), what players are resolved by
    "status": "VARCHAR",
    "reason": "VARCHAR",
    "page": "INTEGER",
    "line": "INTEGER",
}


class PdfReaderMissing(BadInputError):
    """pdfplumber (the `feed` extra) is not installed: no PDF can be read."""

    def __init__(self, file: str | None = None) -> None:
        super().__init__(f"reading an injury-report PDF needs pdfplumber, which is not installed: {INSTALL}", file=file)


@dataclass(frozen=True)
class ReportRow:
    page: int  # 1-based
    line: int  # the row's line on its page (1-based, counting every line of text)
    game_date: date
    game_time: str  # as printed: "07:30 (ET)"
    matchup: str  # "MIL@SAS": away@home tricodes
    team: str  # the team's full name as printed: "Milwaukee Bucks"
    player: str  # as printed, "Last, First"; '' on a NOT YET SUBMITTED row
    status: str  # lower case: out … available, not_submitted; another word as printed, lower-cased
    reason: str

    @property
    def display_name(self) -> str:
        return display_name(self.player)


@dataclass(frozen=True)
class ParsedReport:
    file: str
    report_time: datetime  # the header's time, US Eastern wall clock
    pages: int
    rows: tuple[ReportRow, ...]


def display_name(printed: str) -> str:
    """ "Last, First" → "First Last": "Jackson Jr., Jaren" → "Jaren Jackson Jr.", "Payton II, Gary"
    → "Gary Payton II" (the suffix is printed with the last name). A name without a comma is kept."""
    last, sep, first = printed.partition(",")
    if not sep or not first.strip():
        return " ".join(printed.split())
    return " ".join(f"{first} {last}".split())


def _pdfplumber(file: str | None = None) -> Any:
    try:
        import pdfplumber
    except ImportError:
        raise PdfReaderMissing(file) from None
    return pdfplumber


def require_reader() -> None:
    """PdfReaderMissing (one line: what to install) when no PDF can be read here."""
    _pdfplumber()


def _open(path: Path) -> Any:
    pdfplumber = _pdfplumber(path.name)
    pdf = None
    try:
        pdf = pdfplumber.open(path)
        pdf.pages  # noqa: B018 (reads the page tree: a damaged file fails here, not later)
    except Exception as exc:
        if pdf is not None:
            pdf.close()
        raise BadInputError(f"cannot read the file as a PDF ({_short(exc)})", file=path.name) from None
    return pdf


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text and text[0] else type(exc).__name__


def _words(page: Any, path: Path, number: int) -> list[dict[str, Any]]:
    try:
        return page.extract_words(x_tolerance=1, keep_blank_chars=False)
    except Exception as exc:
        raise BadInputError(f"page {number}: cannot read its text ({_short(exc)})", file=path.name) from None


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into lines (top to bottom), each line's words left to right."""
    lines: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (w["top"], w["x0"])):
        if lines and abs(w["top"] - lines[-1][0]["top"]) < _LINE_GAP:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _text(line: list[dict[str, Any]]) -> str:
    return " ".join(w["text"] for w in line)


def _title_time(text: str) -> datetime | None:
    m = _TITLE.search(text)
    if not m:
        return None
    try:
        return datetime.strptime(f"{m[1]} {m[2]} {m[3].upper()}", "%m/%d/%y %I:%M %p")
    except ValueError:
        return None


def _header_columns(line: list[dict[str, Any]]) -> dict[str, float] | None:
    """The left x of each column when `line` is the column header, else None."""
    texts = [w["text"] for w in line]
    starts: dict[str, float] = {}
    for col, title in _HEADER.items():
        for i in range(len(texts) - len(title) + 1):
            if tuple(texts[i : i + len(title)]) == title and i not in starts.values():
                starts[col] = line[i]["x0"]
                break
    return starts if len(starts) == len(_HEADER) else None


def _cells(line: list[dict[str, Any]], starts: dict[str, float]) -> dict[str, str]:
    """A line's text per column: a word belongs to the rightmost column that starts left of it."""
    order = sorted(starts.items(), key=lambda kv: kv[1])
    cells: dict[str, list[str]] = {c: [] for c in COLUMNS}
    for w in line:
        col = order[0][0]
        for name, x in order:
            if w["x0"] + _X_SLACK >= x:
                col = name
        cells[col].append(w["text"])
    return {c: " ".join(v) for c, v in cells.items()}


def report_time(path: Path) -> datetime:
    """The time in page 1's title; BadInputError naming the file when it is no NBA injury report
    (no title on page 1) or cannot be read. Reads page 1 only: how ingest recognises a report."""
    with _open(path) as pdf:
        if not pdf.pages:
            raise BadInputError("the PDF has no pages", file=path.name)
        return _page_one_time(pdf.pages[0], path)


def _page_one_time(page: Any, path: Path) -> datetime:
    for line in _lines(_words(page, path, 1)):
        t = _title_time(_text(line))
        if t is not None:
            return t
    raise BadInputError(
        "not an NBA injury report: page 1 has no title like 'Injury Report: 01/04/24 12:30 PM'; "
        "ingest reads a .pdf file only as the NBA's official injury report",
        file=path.name,
    )


@dataclass
class _Row:
    page: int
    line: int
    top: float
    cells: dict[str, str]
    above: list[tuple[float, str]]  # wrapped reason lines (top, text)


def parse_report(path: str | Path) -> ParsedReport:
    """Every row of the report (see the module's docstring). BadInputError naming the file (and
    the page and line) when it cannot be read, is no injury report, or a row cannot be placed."""
    path = Path(path)
    with _open(path) as pdf:
        if not pdf.pages:
            raise BadInputError("the PDF has no pages", file=path.name)
        when = _page_one_time(pdf.pages[0], path)
        starts: dict[str, float] | None = None
        rows: list[_Row] = []
        for number, page in enumerate(pdf.pages, start=1):
            page_rows: list[_Row] = []
            loose: list[tuple[float, int, str]] = []  # reason-only lines: (top, line, text)
            for i, line in enumerate(_lines(_words(page, path, number)), start=1):
                text = _text(line)
                if _title_time(text) is not None or _FOOTER.fullmatch(text):
                    continue
                header = _header_columns(line)
                if header is not None:
                    starts = header
                    continue
                if starts is None:
                    if number == 1:
                        continue  # above the column header of page 1: no row yet
                    raise BadInputError(
                        f"page {number}, line {i}: text before any column header ({text!r})", file=path.name
                    )
                cells = _cells(line, starts)
                only_reason = not any(cells[c] for c in COLUMNS if c != "reason")
                if only_reason and cells["reason"].upper() != NOT_SUBMITTED_TEXT:
                    loose.append((line[0]["top"], i, cells["reason"]))
                else:
                    page_rows.append(_Row(number, i, line[0]["top"], cells, []))
            for top, i, text in loose:
                if page_rows:  # the nearest row of the page (a wrapped reason is centred on it)
                    min(page_rows, key=lambda r: abs(r.top - top)).above.append((top, text))
                elif rows:  # a page holding only the tail of the last row's reason
                    rows[-1].above.append((float("inf"), text))
                else:
                    raise BadInputError(
                        f"page {number}, line {i}: reason text without a row ({text!r})", file=path.name
                    )
            rows.extend(page_rows)
        if starts is None:
            raise BadInputError(
                "not an NBA injury report: no column header (Game Date, Game Time, Matchup, Team, Player Name, "
                "Current Status, Reason)",
                file=path.name,
            )
        return ParsedReport(path.name, when, len(pdf.pages), tuple(_carry_down(rows, path)))


def _carry_down(rows: list[_Row], path: Path) -> list[ReportRow]:
    """The rows with date, time, matchup and team carried down from the group's first row."""
    out: list[ReportRow] = []
    carried: dict[str, str] = {}
    for r in rows:
        c = r.cells

        def fail(why: str, r: _Row = r) -> BadInputError:
            return BadInputError(f"page {r.page}, line {r.line}: {why}", file=path.name)

        # a new group prints every cell to its right: a new matchup comes with its team, and so on
        # (a new date may leave out a time equal to the last game's)
        group = ("game_date", "game_time", "matchup", "team")
        first = next((i for i, col in enumerate(group) if c[col]), None)
        if first is not None:
            for later in group[first + 1 :]:
                if not c[later] and not (later == "game_time" and group[first] == "game_date"):
                    what = group[first].replace("_", " ")
                    raise fail(f"{what} {c[group[first]]!r} without a {later.replace('_', ' ')}")
            carried.update({col: c[col] for col in group if c[col]})
        missing = [k for k in ("game_date", "game_time", "matchup", "team") if not carried.get(k)]
        if missing:
            raise fail(f"a row before any {missing[0].replace('_', ' ')} ({' '.join(v for v in c.values() if v)!r})")
        try:
            game_date = datetime.strptime(carried["game_date"], "%m/%d/%Y").date()
        except ValueError:
            raise fail(f"game date {carried['game_date']!r} is not like 01/04/2024") from None
        if not _MATCHUP.fullmatch(carried["matchup"]):
            raise fail(f"matchup {carried['matchup']!r} is not like MIL@SAS")
        reason = " ".join(t for _, t in sorted([*r.above, (r.top, c["reason"])]) if t)
        if not c["player"] and not c["status"] and reason.upper() == NOT_SUBMITTED_TEXT:
            player, status = "", NOT_SUBMITTED
        elif not c["player"]:
            raise fail(f"a row without a player name ({' '.join(v for v in c.values() if v)!r})")
        else:
            player, status = c["player"], c["status"].lower()
        out.append(
            ReportRow(
                r.page,
                r.line,
                game_date,
                carried["game_time"],
                carried["matchup"],
                carried["team"],
                player,
                status,
                reason,
            )
        )
    return out


def staged_rows(report: ParsedReport) -> list[dict[str, Any]]:
    """One staged row per report row, numbered 1.. in report order."""
    out = []
    for n, r in enumerate(report.rows, start=1):
        away, home = r.matchup.split("@")
        out.append(
            {
                "_row": n,
                "report_time_et": report.report_time,
                "game_date": r.game_date,
                "game_time": r.game_time,
                "matchup": r.matchup,
                "away_tricode": away,
                "home_tricode": home,
                "team_name": r.team,
                "printed_name": r.player,
                "player_name": r.display_name or None,
                "status": r.status,
                "reason": r.reason,
                "page": r.page,
                "line": r.line,
            }
        )
    return out


def stage(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """The report's rows as temp table _src (typed columns and the row number _row)."""
    stage_rows(con, staged_rows(parse_report(path)), STAGED_COLUMNS)
