"""A The Odds API stand-in for the odds fetch tests: `requests.Session.get` to api.the-odds-api.com
answers from the recorded bodies of tests/fixtures/odds_api (see its README); any other host goes
to the NBA.com stub.

Recorded, replayed as they are (bytes) or filtered to the requested window (a list's events kept
as recorded):
- the events list: the recorded scores list of 2024-02-23 stands in (the same fields plus
  `completed`, `scores`, `last_update`), with the events of the recorded 2022-11-23 odds list
  (their bookmakers dropped) for that date;
- the game odds list: the recorded 2022-11-23 odds list;
- event odds: the recorded ORL-at-CLE player_points body (event f54c4a22…);
- historical events: the recorded 2024-01-25T03:55:40Z snapshot; historical event odds of
  ATL-at-GSW: the recorded h2h body.

Constructed here (no such body or header was recorded), each named `constructed_…`:
- an event no book has lines for: the event's fields and `bookmakers: []`;
- the historical odds list: the recorded ATL-at-GSW spreads/totals snapshot with its event in a list;
- the x-requests-* headers (a 500-credit plan, charged by the documented price list);
- the error bodies ({message, error_code, details_url}, the shape the API documents)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "odds_api"
PROPS_BODY = "event_odds_player_points_2024-02-23_ORL-at-CLE.json"
GAME_ODDS_BODY = "odds_h2h_spreads_totals_2022-11-23.json"
SCORES_BODY = "scores_2024-02-23.json"
HIST_EVENTS_BODY = "historical_events_2024-01-25T0355Z.json"
HIST_H2H_BODY = "historical_event_odds_h2h_2024-01-25_ATL-at-GSW.json"
HIST_SPREADS_BODY = "historical_event_odds_spreads_totals_2024-01-25_ATL-at-GSW.json"
ORL_AT_CLE = "f54c4a22568ce9dc33fb410d1b0e75e9"
ATL_AT_GSW = "cd0bc7d0c238f4446ce1c03d0cea7ec4"
# A distinctive fake key (constructed): the tests grep every file and message for it.
CONSTRUCTED_KEY = "constructedKEYzq7w9x3v5b1n8m2k4j6h0"
CONSTRUCTED_PLAN = 500  # credits of the constructed plan


def recorded_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def recorded(name: str) -> Any:
    return json.loads(recorded_bytes(name))


def constructed_event_without_books(event: dict) -> bytes:
    """An event's odds when no book has a line for the market (constructed)."""
    keep = ("id", "sport_key", "sport_title", "commence_time", "home_team", "away_team")
    return json.dumps({**{k: event[k] for k in keep if k in event}, "bookmakers": []}).encode()


def constructed_historical_odds_list() -> bytes:
    """The historical odds list: the recorded ATL-at-GSW spreads/totals snapshot, its event in a
    list as /historical/…/odds returns it (constructed)."""
    env = recorded(HIST_SPREADS_BODY)
    return json.dumps({**env, "data": [env["data"]]}).encode()


def constructed_error(status: int, code: str, message: str) -> bytes:
    return json.dumps(
        {
            "message": message,
            "error_code": code,
            "details_url": f"https://the-odds-api.com/liveapi/guides/v4/api-error-codes.html#{code.lower()}",
        }
    ).encode()


CONSTRUCTED_ERRORS = {
    "invalid_key": (401, "INVALID_KEY", "API key is not valid or is not associated with a subscription"),
    "out_of_credits": (401, "OUT_OF_USAGE_CREDITS", "Usage quota has been reached"),
    "bad_date": (422, "INVALID_HISTORICAL_TIMESTAMP", "Invalid date parameter"),
    "rate": (429, "EXCEEDED_FREQ_LIMIT", "Requests are being sent too frequently"),
}


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _in_window(events: list[dict], p: dict) -> list[dict]:
    lo = _time(p["commenceTimeFrom"]) if p.get("commenceTimeFrom") else None
    hi = _time(p["commenceTimeTo"]) if p.get("commenceTimeTo") else None
    return [
        e
        for e in events
        if (lo is None or _time(e["commence_time"]) >= lo) and (hi is None or _time(e["commence_time"]) <= hi)
    ]


class OddsResponse:
    def __init__(self, status: int, content: bytes, headers: dict[str, str]) -> None:
        self.status_code, self.content = status, content
        self.headers = CaseInsensitiveDict(headers)


class OddsStub:
    """Serves the recorded bodies; `fail(kind, *faults)` queues faults for the next calls of a kind
    (events, odds, event_odds, hist_events, hist_odds, hist_event_odds): a name of
    CONSTRUCTED_ERRORS, an HTTP status (int, empty body), 'timeout', 'connection', or a
    BaseException instance to raise (a Kill)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.requests: list[tuple[str, dict]] = []
        self.urls: list[str] = []
        self.faults: dict[str, list] = defaultdict(list)
        self.used = 0
        self.echo_key_in_errors = False  # a constructed error message that quotes the request URL

    def fail(self, kind: str, *faults) -> None:
        self.faults[kind].extend(faults)

    @staticmethod
    def kind(path: str) -> str:
        hist = path.startswith("/v4/historical/")
        tail = path.split("/basketball_nba/", 1)[1]
        k = "event_odds" if tail.startswith("events/") else tail
        return f"hist_{k}" if hist else k

    def cost(self, kind: str, p: dict) -> int:
        """The documented price list (for the constructed headers)."""
        if kind == "events":
            return 0
        if kind == "hist_events":
            return 1
        units = len(p["regions"].split(",")) if p.get("regions") else -(-len(p["bookmakers"].split(",")) // 10)
        return (10 if kind.startswith("hist_") else 1) * len(p["markets"].split(",")) * units

    def get(self, url: str, params=None, timeout=None, headers=None, **kw) -> OddsResponse:
        path = url.split("the-odds-api.com", 1)[1]
        p = dict(params or {})
        assert p.get("apiKey"), "the key is sent as apiKey"
        kind = self.kind(path)
        self.calls[kind] += 1
        self.requests.append((path, {k: v for k, v in p.items() if k != "apiKey"}))
        if self.faults[kind]:
            f = self.faults[kind].pop(0)
            if isinstance(f, BaseException):
                raise f
            if f == "timeout":
                raise requests.ReadTimeout("read timed out (stub)")
            if f == "connection":
                # as urllib3 words it, with the URL and its query string (and so the key)
                raise requests.ConnectionError(
                    f"HTTPSConnectionPool(host='api.the-odds-api.com', port=443): Max retries exceeded with url: "
                    f"{path}?apiKey={p['apiKey']} (Caused by NewConnectionError('connection refused'))"
                )
            if isinstance(f, int):
                return OddsResponse(f, b"", self.constructed_headers(0))
            status, code, message = CONSTRUCTED_ERRORS[f]
            if self.echo_key_in_errors:
                message += f" (request {path}?apiKey={p['apiKey']})"
            remaining = {"out_of_credits": {"x-requests-remaining": "0"}}.get(f, {})
            return OddsResponse(
                status, constructed_error(status, code, message), {**self.constructed_headers(0), **remaining}
            )
        body = self.body(kind, path, p)
        cost = self.cost(kind, p) if body.strip() not in (b"[]",) else 0  # no event, no charge
        self.used += cost
        return OddsResponse(200, body, self.constructed_headers(cost))

    def constructed_headers(self, cost: int) -> dict[str, str]:
        return {
            "x-requests-remaining": str(CONSTRUCTED_PLAN - self.used),
            "x-requests-used": str(self.used),
            "x-requests-last": str(cost),
        }

    def current_events(self) -> list[dict]:
        extra = [{k: v for k, v in e.items() if k != "bookmakers"} for e in recorded(GAME_ODDS_BODY)]
        return recorded(SCORES_BODY) + extra

    def body(self, kind: str, path: str, p: dict) -> bytes:
        if kind == "events":
            return json.dumps(_in_window(self.current_events(), p)).encode()
        if kind == "odds":
            return json.dumps(_in_window(recorded(GAME_ODDS_BODY), p)).encode()
        if kind == "event_odds":
            event_id = path.split("/events/", 1)[1].split("/", 1)[0]
            if event_id == ORL_AT_CLE:
                return recorded_bytes(PROPS_BODY)
            event = next(e for e in self.current_events() if e["id"] == event_id)
            return constructed_event_without_books(event)
        if kind == "hist_events":
            return recorded_bytes(HIST_EVENTS_BODY)
        if kind == "hist_odds":
            return constructed_historical_odds_list()
        if kind == "hist_event_odds":
            event_id = path.split("/events/", 1)[1].split("/", 1)[0]
            if event_id == ATL_AT_GSW:
                return recorded_bytes(HIST_H2H_BODY)
            env = recorded(HIST_EVENTS_BODY)
            event = next(e for e in env["data"] if e["id"] == event_id)
            return json.dumps({**env, "data": json.loads(constructed_event_without_books(event))}).encode()
        raise AssertionError(f"unexpected call {path}")
