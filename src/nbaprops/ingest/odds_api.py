"""Saved The Odds API (v4) response bodies: recognised by their content (any file name), checked,
and flattened into rows that the loader stages and loads like the rows of a file.

Shapes, each possibly wrapped in a historical snapshot's envelope
`{timestamp, previous_timestamp, next_timestamp, data}`:
- event odds (`/events/{id}/odds`): one event object with `bookmakers` → `markets` → `outcomes`;
- odds (`/odds`): a list of such event objects;
- events (`/events`) or scores (`/scores`): events without odds, nothing to load.

Rows. A props row is one bookmaker's line for one player: the Over and the Under outcome of one
`player_points` point (a book that lists several points for a player gives a row per point; the
loader keeps the main one). A game row is one event's consensus of its books' pre-tip h2h, spreads
and totals. A row's number is the position (1-based, document order) of the first outcome it is
built from, so the rows of the two kinds of one body never share a number.

Times are UTC, stored without a zone. A line's snapshot time is the historical envelope's
`timestamp` when the body has one (the moment The Odds API observed every line of the snapshot),
else the market's `last_update`, else the bookmaker's (a current response carries no capture time:
its last update is the latest time the body proves the line stood). A line is pre-tip when its
snapshot time is before `commence_time`. The game's date is the US Eastern date of
`commence_time`, as the schedule dates games (tip 2024-02-23T00:00Z is a game of 2024-02-22)."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeGuard
from zoneinfo import ZoneInfo

import duckdb

from ..errors import BadInputError
from .staging import stage_rows

SOURCE = "the_odds_api"
SPORT = "basketball_nba"
PROPS_MARKET = "player_points"
GAME_MARKETS = ("h2h", "spreads", "totals")
EASTERN = ZoneInfo("America/New_York")
EVENT_FIELDS = ("id", "commence_time", "home_team", "away_team")
NOT_A_BODY = (
    "not a response body of The Odds API (v4): an event, or a list of events, with id, commence_time, "
    "home_team and away_team, optionally in a historical snapshot's {timestamp, data} envelope; "
    "ingest reads a .json file only as such a body"
)
# American odds beyond these are no real price (and would not fit the INTEGER columns).
MAX_AMERICAN = 1_000_000

# The staged columns of each kind and their DuckDB types (the loader checks them like a file's).
PROPS_COLUMNS = {
    "event_id": "VARCHAR",
    "commence_time": "TIMESTAMP",
    "us_date": "DATE",
    "home_team": "VARCHAR",
    "away_team": "VARCHAR",
    "bookmaker": "VARCHAR",
    "player_name": "VARCHAR",
    "points_line": "DOUBLE",
    "outcomes": "VARCHAR",
    "over_price": "DOUBLE",
    "under_price": "DOUBLE",
    "odds_format": "VARCHAR",
    "over_price_american": "INTEGER",
    "under_price_american": "INTEGER",
    "snapshot_timestamp": "TIMESTAMP",
    "snapshot_from": "VARCHAR",
    "book_last_update": "TIMESTAMP",
    "minutes_before_tipoff": "INTEGER",
    "path": "VARCHAR",
}
GAME_COLUMNS = {
    "event_id": "VARCHAR",
    "commence_time": "TIMESTAMP",
    "us_date": "DATE",
    "home_team": "VARCHAR",
    "away_team": "VARCHAR",
    "books": "INTEGER",
    "books_pre_tip": "INTEGER",
    "snapshot_timestamp": "TIMESTAMP",
    "odds_format": "VARCHAR",
    "total_line": "DOUBLE",
    "spread_home": "DOUBLE",
    "spread_away": "DOUBLE",
    "ml_home": "DOUBLE",
    "ml_away": "DOUBLE",
    "path": "VARCHAR",
}


@dataclass(frozen=True)
class Body:
    """A recognised body: its events (unwrapped), the envelope's timestamp, the odds format of its
    prices and how many bookmakers list each market."""

    file: str
    what: str  # event odds / odds list / event / events list / scores list / empty list
    events: tuple[dict[str, Any], ...]
    snapshot: datetime | None  # the historical envelope's timestamp
    odds_format: str  # american / decimal
    markets: Counter[str]
    wrapped: bool  # in a historical envelope (the events are under `data`)
    listed: bool  # a list of events rather than one event object

    @property
    def has_props(self) -> bool:
        return self.markets[PROPS_MARKET] > 0

    @property
    def has_game_lines(self) -> bool:
        return any(self.markets[m] for m in GAME_MARKETS)

    @property
    def other_markets(self) -> list[str]:
        return sorted(m for m in self.markets if m != PROPS_MARKET and m not in GAME_MARKETS)

    @property
    def as_of(self) -> datetime | None:
        """When the body was true: the envelope's timestamp, else its latest update (load order)."""
        if self.snapshot:
            return self.snapshot
        times = [
            _parse_time(x.get("last_update"))
            for e in self.events
            for b in e.get("bookmakers") or []
            for x in (b, *b["markets"])
        ]
        return max((t for t in times if t), default=None)

    def describe(self) -> str:
        when = f" (historical snapshot {self.snapshot:%Y-%m-%d %H:%M:%S} UTC)" if self.snapshot else ""
        return f"The Odds API {self.what}{when}"

    def event_path(self, i: int) -> str:
        """The JSON path of event i, for messages and quarantined rows."""
        return ("data" if self.wrapped else "") + (f"[{i}]" if self.listed else "")


def read_body(path: Path) -> Body:
    """Parse and recognise a saved body; BadInputError naming the file when it is not valid JSON,
    not a The Odds API body, not NBA, or not nested as the API nests it."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise BadInputError(f"cannot read the file as JSON ({exc})", file=path.name) from exc
    wrapped = isinstance(doc, dict) and {"timestamp", "data"} <= doc.keys()
    inner = doc["data"] if wrapped else doc
    if isinstance(inner, dict) and _is_event(inner):
        events: list[dict[str, Any]] = [inner]
    elif isinstance(inner, list) and all(isinstance(e, dict) and _is_event(e) for e in inner):
        events = inner
    else:
        raise BadInputError(NOT_A_BODY, file=path.name)
    sports = sorted({str(e["sport_key"]) for e in events if e.get("sport_key") not in (None, SPORT)})
    if sports:
        raise BadInputError(f"odds of {', '.join(sports)}, not {SPORT}: only NBA odds are loaded", file=path.name)
    snapshot = _time(doc["timestamp"], path, "timestamp") if wrapped else None
    body = Body(
        path.name,
        _what(inner, events),
        tuple(events),
        snapshot,
        "american",
        Counter(),
        wrapped,
        isinstance(inner, list),
    )
    _check_shape(body, path)
    markets = Counter(m["key"] for e in events for b in e.get("bookmakers") or [] for m in b["markets"])
    prices = [oc.outcome["price"] for oc in _outcomes(body) if _is_number(oc.outcome.get("price"))]
    return replace(body, markets=markets, odds_format=_odds_format(prices, path))


def _is_event(obj: dict[str, Any]) -> bool:
    return all(k in obj for k in EVENT_FIELDS)


def _what(doc: Any, events: list[dict[str, Any]]) -> str:
    if not events:
        return "empty list"
    single = isinstance(doc, dict)
    if any("bookmakers" in e for e in events):
        return "event odds" if single else "odds list"
    if any("completed" in e or "scores" in e for e in events):
        return "scores list"
    return "event" if single else "events list"


def _check_shape(body: Body, path: Path) -> None:
    """The nesting the API guarantees (lists of objects with their keys, times); the values of an
    outcome are checked row by row later (a bad price or name is a quarantined row, not a bad file)."""

    def need(ok: bool, where: str, what: str) -> None:
        if not ok:
            raise BadInputError(f"{where or 'the body'}: expected {what}", file=path.name)

    def time(value: Any, where: str) -> None:
        if value is not None:
            _time(value, path, where)

    for i, e in enumerate(body.events):
        at = body.event_path(i)
        for f in ("id", "home_team", "away_team"):
            need(isinstance(e[f], str) and bool(e[f].strip()), _join(at, f), "a non-empty string")
        _time(e["commence_time"], path, _join(at, "commence_time"))
        books = e.get("bookmakers")
        need(books is None or isinstance(books, list), _join(at, "bookmakers"), "a list")
        for j, b in enumerate(books or []):
            bat = _join(at, f"bookmakers[{j}]")
            need(isinstance(b, dict), bat, "an object")
            need(isinstance(b.get("key"), str) and bool(b["key"].strip()), _join(bat, "key"), "a non-empty string")
            need(isinstance(b.get("markets"), list), _join(bat, "markets"), "a list")
            time(b.get("last_update"), _join(bat, "last_update"))
            for k, m in enumerate(b["markets"]):
                mat = _join(bat, f"markets[{k}]")
                need(isinstance(m, dict) and isinstance(m.get("key"), str), mat, "an object with a key")
                need(isinstance(m.get("outcomes"), list), _join(mat, "outcomes"), "a list")
                need(all(isinstance(o, dict) for o in m["outcomes"]), _join(mat, "outcomes"), "a list of objects")
                time(m.get("last_update"), _join(mat, "last_update"))


def _join(at: str, key: str) -> str:
    return f"{at}.{key}" if at else key


def _time(value: Any, path: Path, where: str) -> datetime:
    """A time of the body as naive UTC; BadInputError naming where it is when it is none."""
    t = _parse_time(value)
    if t is None:
        raise BadInputError(f"{where}: expected a time like 2024-02-23T00:00:00Z, got {value!r}", file=path.name)
    return t


def _parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time as naive UTC (a time without a zone is taken as UTC); None if it is none."""
    try:
        t = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None
    if t is None or t.tzinfo is None:
        return t
    return t.astimezone(UTC).replace(tzinfo=None)


def us_date(t: datetime) -> date:
    """The US Eastern date of a UTC time: the date the schedule gives the game."""
    return t.replace(tzinfo=UTC).astimezone(EASTERN).date()


def _is_number(v: Any) -> TypeGuard[int | float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _odds_format(prices: list[float], path: Path) -> str:
    """American prices are at most -100 or at least +100; decimal ones are above 1 and almost all
    below 100 (never negative). The request chose one format for the whole body: any price
    between -100 and +100 makes it decimal, and then none may be -100 or less."""
    decimal = any(-100 < p < 100 for p in prices)
    if decimal and any(p <= -100 for p in prices):
        raise BadInputError("prices mix American and decimal odds", file=path.name)
    return "decimal" if decimal else "american"


def _round(x: float) -> int:
    """The nearest whole number, a half away from zero (the same either side of even)."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def american_from_decimal(d: float) -> int | None:
    """Decimal odds as American: 2.5 → +150, 1.91 → -110 (-109.89), 1.87 → -115. The API gives
    decimal odds to two places, so the result can differ from the book's own American price by a
    point or two for heavy favourites (1.33 is -303, the book's -300 rounded)."""
    if not _is_number(d) or d <= 1:
        return None
    x = (d - 1) * 100 if d >= 2 else -100 / (d - 1)
    return _round(x) if abs(x) <= MAX_AMERICAN else None


def decimal_from_american(a: float) -> float | None:
    if not _is_number(a) or -100 < a < 100:
        return None
    return 1 + a / 100 if a > 0 else 1 + 100 / -a


def to_american(price: Any, odds_format: str) -> int | None:
    """A price of the body as American odds; None when it is no valid price."""
    if not _is_number(price):
        return None
    if odds_format == "decimal":
        return american_from_decimal(price)
    if abs(price) < 100 or abs(price) > MAX_AMERICAN:
        return None
    return _round(price)


@dataclass(frozen=True)
class _Outcome:
    number: int  # 1-based, in document order over the whole body
    path: str  # its JSON path
    event_index: int
    market_id: tuple[int, int, int]  # (event, bookmaker, market) indices
    event: dict[str, Any]
    book: dict[str, Any]
    market: dict[str, Any]
    outcome: dict[str, Any]


def _outcomes(body: Body) -> Iterator[_Outcome]:
    n = 0
    for i, e in enumerate(body.events):
        for j, b in enumerate(e.get("bookmakers") or []):
            for k, m in enumerate(b["markets"]):
                for x, o in enumerate(m["outcomes"]):
                    n += 1
                    at = _join(body.event_path(i), f"bookmakers[{j}].markets[{k}].outcomes[{x}]")
                    yield _Outcome(n, at, i, (i, j, k), e, b, m, o)


def snapshot_time(body: Body, market: dict[str, Any], book: dict[str, Any]) -> tuple[datetime | None, str]:
    """When the line was known, and which time of the body says so (see the module's docstring)."""
    if body.snapshot:
        return body.snapshot, "envelope timestamp"
    for t, what in (
        (market.get("last_update"), "market last_update"),
        (book.get("last_update"), "bookmaker last_update"),
    ):
        if t is not None:
            return _parse_time(t), what
    return None, "none"


def book_last_update(market: dict[str, Any], book: dict[str, Any]) -> datetime | None:
    """When the book last changed the line: the market's last_update, else the bookmaker's."""
    return _parse_time(market.get("last_update") or book.get("last_update"))


def minutes_before(commence: datetime, snapshot: datetime | None) -> int | None:
    """Whole minutes from the snapshot to tip-off, rounded down: a snapshot after tip-off is
    negative (in-game), one at or before it is >= 0."""
    if snapshot is None:
        return None
    return math.floor((commence - snapshot).total_seconds() / 60)


def _event_fields(event: dict[str, Any]) -> dict[str, Any]:
    commence = _parse_time(event["commence_time"])
    assert commence is not None  # checked by read_body
    return {
        "event_id": event["id"],
        "commence_time": commence,
        "us_date": us_date(commence),
        "home_team": event["home_team"].strip(),
        "away_team": event["away_team"].strip(),
    }


def _side(name: Any) -> str | None:
    low = name.strip().lower() if isinstance(name, str) else None
    return low if low in ("over", "under") else None


def prop_rows(body: Body) -> list[dict[str, Any]]:
    """One row per bookmaker, player and points line of the player_points markets: its Over and
    Under outcomes together. An outcome that is neither, or a side repeated for the same player
    and point, makes a row of its own (the checks quarantine or count it: nothing is dropped)."""
    rows: list[dict[str, Any]] = []
    open_rows: dict[tuple[Any, ...], list[dict[str, Any]]] = {}  # (market, player, point) → rows
    for oc in _outcomes(body):
        if oc.market["key"] != PROPS_MARKET:
            continue
        o = oc.outcome
        side = _side(o.get("name"))
        point = float(o["point"]) if _is_number(o.get("point")) else None
        name = o.get("description") if isinstance(o.get("description"), str) else None
        group = (*oc.market_id, name, point)
        row = next((r for r in open_rows.get(group, []) if side and side not in r["_sides"]), None)
        if row is None:
            snap, snap_from = snapshot_time(body, oc.market, oc.book)
            row = {
                **_event_fields(oc.event),
                "bookmaker": oc.book["key"].strip().lower(),
                "player_name": name,
                "points_line": point,
                "over_price": None,
                "under_price": None,
                "over_price_american": None,
                "under_price_american": None,
                "odds_format": body.odds_format,
                "snapshot_timestamp": snap,
                "snapshot_from": snap_from,
                "book_last_update": book_last_update(oc.market, oc.book),
                "path": oc.path,
                "_row": oc.number,
                "_sides": [],
                "_names": [],
            }
            row["minutes_before_tipoff"] = minutes_before(row["commence_time"], snap)
            rows.append(row)
            if side:
                open_rows.setdefault(group, []).append(row)
        row["_names"].append(str(o.get("name")))
        if side:
            row["_sides"].append(side)
            row[f"{side}_price"] = float(o["price"]) if _is_number(o.get("price")) else None
            row[f"{side}_price_american"] = to_american(o.get("price"), body.odds_format)
    for r in rows:
        sides, names = set(r.pop("_sides")), r.pop("_names")
        r["outcomes"] = "Over/Under" if sides == {"over", "under"} else "/".join(names)
    return rows


def _american_median(decimals: list[float]) -> float | None:
    """The median of decimal odds as American odds (the median of American odds would straddle
    the gap between -100 and +100)."""
    a = american_from_decimal(statistics.median(decimals)) if decimals else None
    return float(a) if a is not None else None


def game_line_rows(body: Body) -> list[dict[str, Any]]:
    """One row per event with h2h, spreads or totals: the median, over the books whose line was
    known before tip-off, of the total, of each team's spread and of each team's moneyline. A
    book's in-game lines never count; an event with none before tip-off has no values (and is
    quarantined by the checks)."""
    rows: dict[int, dict[str, Any]] = {}
    for oc in _outcomes(body):
        if oc.market["key"] not in GAME_MARKETS:
            continue
        row = rows.get(oc.event_index)
        if row is None:
            row = rows[oc.event_index] = {
                **_event_fields(oc.event),
                "odds_format": body.odds_format,
                "path": body.event_path(oc.event_index) or "(the body)",
                "_row": oc.number,
                "_books": set(),
                "_pre": set(),
                "_times": [],
                **{k: [] for k in ("total", "spread_home", "spread_away", "ml_home", "ml_away")},
            }
        snap, _ = snapshot_time(body, oc.market, oc.book)
        row["_books"].add(oc.book["key"])
        if snap is None or snap >= row["commence_time"]:
            continue  # an in-game (or undated) line is no pre-game line
        row["_pre"].add(oc.book["key"])
        row["_times"].append(snap)
        name, point, key = oc.outcome.get("name"), oc.outcome.get("point"), oc.market["key"]
        team = {row["home_team"]: "home", row["away_team"]: "away"}.get(name.strip() if isinstance(name, str) else "")
        if key == "totals" and _side(name) == "over" and _is_number(point):
            row["total"].append(float(point))
        elif key == "spreads" and team and _is_number(point):
            row[f"spread_{team}"].append(float(point))
        elif key == "h2h" and team:
            american = to_american(oc.outcome.get("price"), body.odds_format)
            decimal = decimal_from_american(american) if american is not None else None
            if decimal is not None:
                row[f"ml_{team}"].append(decimal)
    out = []
    for row in rows.values():
        books, pre, times = row.pop("_books"), row.pop("_pre"), row.pop("_times")
        values = {k: row.pop(k) for k in ("total", "spread_home", "spread_away", "ml_home", "ml_away")}
        out.append(
            {
                **row,
                "books": len(books),
                "books_pre_tip": len(pre),
                "snapshot_timestamp": max(times, default=None),
                "total_line": statistics.median(values["total"]) if values["total"] else None,
                "spread_home": statistics.median(values["spread_home"]) if values["spread_home"] else None,
                "spread_away": statistics.median(values["spread_away"]) if values["spread_away"] else None,
                "ml_home": _american_median(values["ml_home"]),
                "ml_away": _american_median(values["ml_away"]),
            }
        )
    return out


def stage_props(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    stage_rows(con, prop_rows(read_body(path)), PROPS_COLUMNS)


def stage_game_lines(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    stage_rows(con, game_line_rows(read_body(path)), GAME_COLUMNS)
