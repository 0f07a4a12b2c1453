"""Saved The Odds API (v4) bodies (.json, recognised by their content) through `ingest`: real
player-points lines into raw.player_points_props, game odds into raw.game_lines, events and scores
lists noted as nothing to load, any other .json file refused with one line naming it.

The recorded bodies are replayed from tests/fixtures/odds_api/ (see its README). Every other body
here is built in this file from a recorded one and written under a name starting with
`constructed_`. Expected numbers are derived from the recorded JSON with plain Python, not through
the code under test."""

from __future__ import annotations

import copy
import json
import math
import shutil
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import samples
from clirun import cli, one_line_error

from nbaprops import keys
from nbaprops.errors import BadInputError
from nbaprops.ingest import ingest_folder, odds_api
from nbaprops.ingest.loader import scan_input
from nbaprops.synth import props as synth_props
from nbaprops.warehouse import Warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "odds_api"
NBA_STATS = Path(__file__).resolve().parents[1] / "fixtures" / "nba_stats" / "scoreboardv3_2025-11-05.json"
PROPS_BODY = "event_odds_player_points_2024-02-23_ORL-at-CLE.json"
GAME_ODDS_BODY = "odds_h2h_spreads_totals_2022-11-23.json"
SCORES_BODY = "scores_2024-02-23.json"
EVENTS_BODY = "historical_events_2024-01-25T0355Z.json"
ATL_GSW_BODIES = (
    "historical_event_odds_h2h_2024-01-25_ATL-at-GSW.json",
    "historical_event_odds_spreads_totals_2024-01-25_ATL-at-GSW.json",
)
ORL_AT_CLE = "0022300792"  # the schedule's game of 2024-02-22 (tip 2024-02-23T00:00Z)


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)


def folder_with(tmp: Path, *names: str, constructed: dict[str, Any] | None = None) -> Path:
    """A folder holding recorded bodies (copied) and constructed ones (written from their JSON)."""
    tmp.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(FIXTURES / name, tmp / name)
    for name, body in (constructed or {}).items():
        assert name.startswith("constructed_")
        (tmp / name).write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return tmp


def lines_of(body: dict[str, Any]) -> dict[tuple[str, str, float], dict[str, Any]]:
    """(book, player as spelled, point) → {over, under, last_update} of a recorded props body."""
    out: dict[tuple[str, str, float], dict[str, Any]] = defaultdict(dict)
    for b in body["bookmakers"]:
        for m in b["markets"]:
            for o in m["outcomes"]:
                line = out[(b["key"], o["description"], o["point"])]
                line[o["name"].lower()] = o["price"]
                line["last_update"] = m["last_update"]
    return out


def implied(american: float) -> float:
    return -american / (100 - american) if american < 0 else 100 / (american + 100)


# -- bodies without a warehouse --------------------------------------------------------------


def test_every_recorded_body_is_recognised_by_its_content():
    seen = {p.name: odds_api.read_body(p) for p in sorted(FIXTURES.glob("*.json"))}
    props, games = seen[PROPS_BODY], seen[GAME_ODDS_BODY]
    assert (props.what, props.has_props, props.has_game_lines, props.snapshot) == ("event odds", True, False, None)
    assert props.odds_format == "american" and props.markets["player_points"] == 10
    assert (games.what, games.has_props, games.has_game_lines) == ("odds list", False, True)
    assert games.other_markets == ["h2h_lay"]  # reported, not loaded
    assert (seen[SCORES_BODY].what, seen[SCORES_BODY].has_game_lines, seen[SCORES_BODY].has_props) == (
        "scores list",
        False,
        False,
    )
    events = seen[EVENTS_BODY]
    assert events.what == "events list" and events.snapshot == datetime(2024, 1, 25, 3, 55, 40)
    for name in ATL_GSW_BODIES:
        b = seen[name]
        assert (b.what, b.odds_format, b.snapshot, b.has_game_lines) == (
            "event odds",
            "decimal",
            datetime(2024, 1, 25, 3, 55, 40),
            True,
        )


def test_the_game_date_is_the_us_eastern_date_and_minutes_round_down():
    assert odds_api.us_date(datetime(2024, 2, 23, 0, 0)) == datetime(2024, 2, 22).date()
    assert odds_api.us_date(datetime(2024, 2, 23, 4, 59)) == datetime(2024, 2, 22).date()
    assert odds_api.us_date(datetime(2024, 2, 23, 5, 0)) == datetime(2024, 2, 23).date()
    tip = datetime(2024, 2, 23)
    assert odds_api.minutes_before(tip, datetime(2024, 2, 22, 23, 55, 7)) == 4
    assert odds_api.minutes_before(tip, tip) == 0
    assert odds_api.minutes_before(tip, tip + timedelta(seconds=1)) == -1  # after tip-off: in-game


@pytest.mark.parametrize(
    ("decimal", "american"),
    [
        (2.5, 150),
        (1.91, -110),
        (1.87, -115),
        (2.0, 100),
        (1.5, -200),
        (3.3, 230),
        (1.26, -385),
        (1.0, None),
        (0.5, None),
    ],
)
def test_decimal_odds_become_american(decimal, american):
    assert odds_api.american_from_decimal(decimal) == american


def test_a_decimal_body_gives_the_same_lines_with_american_prices_within_rounding(tmp_path):
    """A decimal-odds variant of the recorded body, constructed here (each American price as
    decimal odds to two places, as the API gives them): the same lines, prices back within the
    rounding of two decimal places (underdogs exactly; favourites within a few points)."""
    body = recorded(PROPS_BODY)
    variant = copy.deepcopy(body)
    for b in variant["bookmakers"]:
        for m in b["markets"]:
            for o in m["outcomes"]:
                a = o["price"]
                o["price"] = round(1 + a / 100 if a > 0 else 1 + 100 / -a, 2)
    path = folder_with(tmp_path, constructed={"constructed_decimal_variant_ORL-at-CLE.json": variant})
    parsed = odds_api.read_body(path / "constructed_decimal_variant_ORL-at-CLE.json")
    assert parsed.odds_format == "decimal"
    rows = {(r["bookmaker"], r["player_name"], r["points_line"]): r for r in odds_api.prop_rows(parsed)}
    expected = lines_of(body)
    assert rows.keys() == expected.keys()
    exact = 0
    for k, line in expected.items():
        for side in ("over", "under"):
            got, want = rows[k][f"{side}_price_american"], line[side]
            assert abs(implied(got) - implied(want)) < 0.003, (k, side, got, want)
            assert want < 0 or got == want, (k, side, got, want)
            exact += got == want
    assert exact >= 0.75 * 2 * len(expected)


def test_a_json_file_that_is_no_odds_api_body_is_refused_naming_it(tmp_path):
    nba = tmp_path / "scoreboard.json"
    shutil.copy(NBA_STATS, nba)  # a real recorded body of another API
    with pytest.raises(BadInputError, match=r"file scoreboard\.json: not a response body of The Odds API"):
        odds_api.read_body(nba)
    broken = folder_with(tmp_path / "b", constructed={"constructed_broken.json": '{"id": "x", '})
    with pytest.raises(BadInputError, match=r"file constructed_broken\.json: cannot read the file as JSON"):
        odds_api.read_body(broken / "constructed_broken.json")
    other = copy.deepcopy(recorded(PROPS_BODY))
    other["sport_key"] = "americanfootball_nfl"
    nfl = folder_with(tmp_path / "c", constructed={"constructed_nfl.json": other})
    with pytest.raises(BadInputError, match="only NBA odds are loaded"):
        odds_api.read_body(nfl / "constructed_nfl.json")


def test_bodies_load_in_the_order_of_their_time_not_of_their_name(tmp_path):
    """Game lines keep one row per game: of several bodies of one ingest the latest loads last."""
    later = recorded(GAME_ODDS_BODY)
    for e in later:
        for b in e["bookmakers"]:
            b["last_update"] = "2022-11-23T02:05:31Z"
    folder = folder_with(
        tmp_path, SCORES_BODY, GAME_ODDS_BODY, constructed={"constructed_a_later_snapshot.json": later}
    )
    scan = scan_input(folder)
    assert [(k.name, p.name) for k, p in scan.plan] == [
        ("odds_api_game_lines", GAME_ODDS_BODY),
        ("odds_api_game_lines", "constructed_a_later_snapshot.json"),
    ]
    notes = dict(scan.notes)
    assert notes[GAME_ODDS_BODY] == notes["constructed_a_later_snapshot.json"] == "markets not loaded: h2h_lay"
    assert notes[SCORES_BODY].endswith("nothing to load")


# -- the recorded props body into the real warehouse -----------------------------------------


@pytest.fixture(scope="module")
def props_ingest(real_warehouse_path, tmp_path_factory) -> dict[str, Any]:
    """A copy of the real warehouse with the recorded ORL-at-CLE props body (and a scores list)
    ingested once by the library, then again through the CLI."""
    tmp = tmp_path_factory.mktemp("odds_props")
    path = samples.copy_warehouse(real_warehouse_path, tmp / "wh.duckdb")
    with Warehouse.open(path, read_only=True) as wh:
        synthetic_before = dict(
            wh.con.execute(
                "SELECT game_id = ?, count(*) FROM raw.player_points_props WHERE source = 'synthetic_props' GROUP BY 1",
                [ORL_AT_CLE],
            ).fetchall()
        )
    folder = folder_with(tmp / "in", PROPS_BODY, SCORES_BODY)
    with Warehouse.open(path) as wh:
        first = ingest_folder(wh, folder)
    before = samples.snapshot(path, skip=("processing.ingest_log",))
    again = cli(path, "ingest", str(folder))
    after = samples.snapshot(path, skip=("processing.ingest_log",))
    return dict(path=path, first=first, again=again, before=before, after=after, synthetic_before=synthetic_before)


def loaded_rows(path: Path, source_file: str = PROPS_BODY) -> list[dict[str, Any]]:
    with Warehouse.open(path, read_only=True) as wh:
        cur = wh.con.execute(
            "SELECT * FROM raw.player_points_props WHERE source = 'the_odds_api' AND source_file = ?", [source_file]
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_props_rows_land_on_the_schedule_game_with_the_books_times(props_ingest):
    body = recorded(PROPS_BODY)
    rows = loaded_rows(props_ingest["path"])
    assert {r["game_id"] for r in rows} == {ORL_AT_CLE}
    assert {str(r["game_date"]) for r in rows} == {"2024-02-22"}  # tip 2024-02-23T00:00Z
    assert len({r["bookmaker"] for r in rows}) == 10 == len(body["bookmakers"])
    assert not any(r["is_synthetic"] for r in rows)
    last_update = {b["key"]: utc(b["markets"][0]["last_update"]) for b in body["bookmakers"]}
    tip = utc(body["commence_time"])
    for r in rows:  # no envelope: the market's last_update is the time the line was known
        assert r["snapshot_timestamp"] == last_update[r["bookmaker"]] == r["book_last_update"]
        assert r["minutes_before_tipoff"] == math.floor((tip - last_update[r["bookmaker"]]).total_seconds() / 60)
        assert r["minutes_before_tipoff"] in (4, 5)


def test_one_main_line_per_book_player_and_snapshot_and_every_row_counted(props_ingest):
    """unibet_us and betrivers list several points per player: the main line (over and under
    closest to even) is loaded, the others are counted as alternates (superseded)."""
    lines = lines_of(recorded(PROPS_BODY))
    points: dict[tuple[str, str], list[float]] = defaultdict(list)
    for book, player, point in lines:
        points[(book, player)].append(point)
    alternates = sum(len(p) - 1 for p in points.values())
    (res,) = props_ingest["first"].files
    assert res.kind == "odds_api_player_points" and res.target == "raw.player_points_props"
    assert res.rows_read == len(lines) == 241  # 482 outcomes, an Over and an Under each
    assert res.rows_alternate == res.rows_superseded == alternates == 112
    assert res.rows_rejected == 0  # J. Isaac too reaches his player (below)
    assert res.rows_loaded == 241 - 112 and res.rows_duplicate == res.rows_unchanged == 0
    assert res.rows_read == (
        res.rows_loaded + res.rows_unchanged + res.rows_duplicate + res.rows_superseded + res.rows_rejected
    )
    loaded = {(r["bookmaker"], r["player_lookup"]): r for r in loaded_rows(props_ingest["path"])}
    resolved = {"wendellcarter": "wendellcarterjr", "jisaac": "jonathanisaac"}  # the suffix and initial rules
    for (book, player), pts in points.items():

        def distance(p: float, book: str = book, player: str = player) -> float:
            line = lines[(book, player, p)]
            return abs(implied(line["over"]) - implied(line["under"]))

        main = min(pts, key=lambda p, distance=distance: (distance(p), p))  # a tie: the lower line
        lookup = keys.player_lookup(player) or ""
        row = loaded[(book, resolved.get(lookup, lookup))]
        assert row["points_line"] == main, (book, player)
        line = lines[(book, player, main)]
        assert (row["over_price_american"], row["under_price_american"]) == (line["over"], line["under"])
    # the tie in the body: Max Strus at 10.5 (-136 / +102) and 11.5 (+102 / -136)
    assert loaded[("unibet_us", "maxstrus")]["points_line"] == loaded[("betrivers", "maxstrus")]["points_line"] == 10.5


def test_every_outcome_name_is_resolved_or_quarantined_with_its_spelling(props_ingest):
    lines = lines_of(recorded(PROPS_BODY))
    outcomes_by_spelling: dict[str, int] = defaultdict(int)
    for (_, player, _), line in lines.items():
        outcomes_by_spelling[player] += ("over" in line) + ("under" in line)
    (res,) = props_ingest["first"].files
    # lines: 239 by the box scores' own spelling, 1 by the suffix rule, 1 by the first name's initial
    assert (res.rows_by_id, res.rows_by_name, res.rows_by_alias, res.rows_by_reference, res.rows_unresolved) == (
        0,
        239,
        2,
        0,
        0,
    )
    assert sum(outcomes_by_spelling.values()) == 482
    assert outcomes_by_spelling["Wendell Carter"] == 2 and outcomes_by_spelling["J. Isaac"] == 2  # 478 by name
    assert props_ingest["first"].player_resolution["the_odds_api"]["unresolved"] == 0
    with Warehouse.open(props_ingest["path"], read_only=True) as wh:
        rejected = wh.con.execute(
            "SELECT count(*) FROM processing.rejected_rows WHERE source_file = ?", [PROPS_BODY]
        ).fetchone()[0]
        isaac = wh.con.execute(
            "SELECT DISTINCT bookmaker FROM raw.player_points_props WHERE player_lookup = 'jonathanisaac'"
        ).fetchall()
    assert rejected == 0
    # betmgm prints him "J. Isaac", the other books "Jonathan Isaac": one player
    assert ("betmgm",) in isaac and len(isaac) > 1


def test_one_player_spelled_differently_by_books_reaches_one_player_lookup(props_ingest):
    lines = lines_of(recorded(PROPS_BODY))
    spelled = defaultdict(set)
    for book, player, _ in lines:
        if player.startswith("Wendell Carter"):
            spelled[player].add(book)
    assert set(spelled) == {"Wendell Carter", "Wendell Carter Jr."}
    rows = [r for r in loaded_rows(props_ingest["path"]) if r["player_lookup"] == "wendellcarterjr"]
    assert {r["bookmaker"] for r in rows} == spelled["Wendell Carter"] | spelled["Wendell Carter Jr."]
    assert not any(r["player_lookup"] == "wendellcarter" for r in loaded_rows(props_ingest["path"]))


def test_a_game_with_real_props_gets_no_synthetic_props(props_ingest):
    before = props_ingest["synthetic_before"]
    assert before[True] > 0  # the synthetic lines the game had
    with Warehouse.open(props_ingest["path"], read_only=True) as wh:
        con = wh.con
        after = dict(
            con.execute(
                "SELECT game_id = ?, count(*) FROM raw.player_points_props WHERE source = 'synthetic_props' GROUP BY 1",
                [ORL_AT_CLE],
            ).fetchall()
        )
        covered = con.execute(
            f"SELECT has_real_props FROM ({synth_props.GAMES_SQL}) WHERE game_id = ?", [ORL_AT_CLE]
        ).fetchone()
    assert True not in after and after[False] == before[False]  # only that game's lines went
    assert covered == (True,)
    assert props_ingest["first"].props_scope == (0, 1)  # the generator, as the ingest runs it: one game


def test_the_scores_list_is_nothing_to_load(props_ingest):
    notes = dict(props_ingest["first"].notes)
    assert "nothing to load" in notes[SCORES_BODY] and "scores list" in notes[SCORES_BODY]
    assert [f.file for f in props_ingest["first"].files] == [PROPS_BODY]


def test_reingesting_the_same_body_changes_nothing(props_ingest):
    proc = props_ingest["again"]
    assert proc.returncode == 0, proc.stderr
    assert props_ingest["after"] == props_ingest["before"]
    with Warehouse.open(props_ingest["path"], read_only=True) as wh:
        log = wh.con.execute(
            """SELECT rows_read, rows_loaded, rows_unchanged, rows_duplicate, rows_superseded, rows_rejected
               FROM processing.ingest_log WHERE source_file = ? ORDER BY ingested_at DESC LIMIT 1""",
            [PROPS_BODY],
        ).fetchone()
    assert log == (241, 0, 129, 0, 112, 0)
    out = " ".join(proc.stdout.split())
    assert f"alternate lines in {PROPS_BODY}: 112 not loaded" in out
    assert "players of the_odds_api rows: 0 by id, 239 by name, 2 by alias" in out
    assert f"note {SCORES_BODY}: The Odds API scores list" in out
    assert "synthetic prop snapshots: 0 " in out


def test_the_historical_envelope_gives_the_same_lines_at_its_timestamp(props_ingest, real_copy, tmp_path):
    """The recorded body wrapped as a historical snapshot would be (constructed here: no recorded
    historical props body exists): the same lines, each at the envelope's timestamp."""
    stamp = "2024-02-22T23:56:10Z"  # after every book's last_update, before tip-off
    wrapped = {
        "timestamp": stamp,
        "previous_timestamp": "2024-02-22T23:51:10Z",
        "next_timestamp": "2024-02-23T00:01:10Z",
        "data": recorded(PROPS_BODY),
    }
    name = "constructed_historical_envelope_ORL-at-CLE.json"
    with Warehouse.open(real_copy) as wh:
        (res,) = ingest_folder(wh, folder_with(tmp_path / "in", constructed={name: wrapped})).files
    assert (res.rows_read, res.rows_loaded, res.rows_alternate, res.rows_rejected) == (241, 129, 112, 0)
    got = loaded_rows(real_copy, name)
    assert {r["snapshot_timestamp"] for r in got} == {utc(stamp)}
    last_update = {b["key"]: utc(b["markets"][0]["last_update"]) for b in recorded(PROPS_BODY)["bookmakers"]}
    assert all(r["book_last_update"] == last_update[r["bookmaker"]] for r in got)  # the book's own time kept
    assert {r["minutes_before_tipoff"] for r in got} == {3}  # 3 min 50 s before tip-off
    same = ("game_id", "game_date", "bookmaker", "player_lookup", "points_line", "over_price_american")
    assert sorted(tuple(r[c] for c in same) for r in got) == sorted(
        tuple(r[c] for c in same) for r in loaded_rows(props_ingest["path"])
    )


# -- game odds --------------------------------------------------------------------------------


def clippers_at_home(body: list[dict[str, Any]]) -> dict[str, Any]:
    """Lakers at Suns of the recorded body renamed Warriors at Clippers with the Clippers at home
    (constructed): The Odds API's name "Los Angeles Clippers" (reference: "LA Clippers"), and home
    and away the other way round from the schedule's game of 2022-11-23 (GSW at home)."""
    event = copy.deepcopy(next(e for e in body if e["home_team"] == "Phoenix Suns"))
    names = {"Phoenix Suns": "Los Angeles Clippers", "Los Angeles Lakers": "Golden State Warriors"}
    event.update(id="constructed", home_team=names["Phoenix Suns"], away_team=names["Los Angeles Lakers"])
    event["commence_time"] = "2022-11-24T03:00:00Z"
    for b in event["bookmakers"]:
        b["last_update"] = "2022-11-23T01:05:31Z"
        for m in b["markets"]:
            for o in m["outcomes"]:
                o["name"] = names.get(o["name"], o["name"])
    return event


def test_game_odds_become_game_lines_of_the_schedule_games(real_copy, tmp_path):
    body = recorded(GAME_ODDS_BODY)
    folder = folder_with(
        tmp_path / "in",
        GAME_ODDS_BODY,
        EVENTS_BODY,
        *ATL_GSW_BODIES,
        constructed={"constructed_clippers_at_home.json": [clippers_at_home(body)]},
    )
    kept_sql = "SELECT game_id, source, row_hash, ingested_at FROM raw.game_lines"
    with Warehouse.open(real_copy, read_only=True) as wh:
        before = {r[0]: r[1:] for r in wh.con.execute(kept_sql).fetchall()}
        atl_gsw = wh.con.execute(
            "SELECT game_id FROM raw.schedule WHERE game_date = DATE '2024-01-24' AND home_team_abbr = 'GSW'"
        ).fetchone()[0]
    with Warehouse.open(real_copy) as wh:
        report = ingest_folder(wh, folder)
        rows = {
            r[0]: r[1:]
            for r in wh.con.execute(
                """SELECT game_id, game_date, home_team_abbr, away_team_abbr, total_line, home_spread, ml_home,
                          ml_away, total_points, source FROM raw.game_lines"""
            ).fetchall()
        }
        after = {r[0]: r[1:] for r in wh.con.execute(kept_sql).fetchall()}
        again = ingest_folder(wh, folder)
    by_file = {f.file: f for f in report.files}
    res = by_file[GAME_ODDS_BODY]
    assert res.kind == "odds_api_game_lines" and res.rows_read == len(body) == 14
    assert (res.rows_loaded, res.rows_rejected, res.rows_refused) == (13, 1, 0)
    loaded = {g for g, r in rows.items() if r[-1] == "the_odds_api"}
    recorded_games = {f"00222002{n}" for n in (57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 69, 70)}
    assert loaded == recorded_games | {"0022200271"}  # and the constructed Warriors at Clippers
    # tips of 2022-11-23 UTC evening are games of 2022-11-23 US Eastern; 00:32Z .. 03:00Z of 11-23 are 11-22's
    assert {g: str(rows[g][0]) for g in recorded_games} == {
        g: "2022-11-22" if g <= "0022200259" else "2022-11-23" for g in recorded_games
    }
    # Lakers at Suns: the median of 21 books, all updated before tip-off (03:00Z); the final score
    # of the row it replaced is kept (odds have none)
    assert rows["0022200259"][1:7] == ("PHX", "LAL", 227.0, -9.5, -450.0, 345.0)
    assert rows["0022200259"][7] == 220
    # Nets at 76ers had tipped off (00:32Z) before every book's update: in-game only, quarantined
    # (no refused correction); the game keeps its line from the bundled data
    assert after["0022200256"] == before["0022200256"] and before["0022200256"][0] == "sportsbookreview"
    # the two ATL at GSW snapshots were taken during the game (decimal odds): quarantined alike
    for name in ATL_GSW_BODIES:
        assert (by_file[name].rows_read, by_file[name].rows_rejected, by_file[name].rows_refused) == (1, 1, 0)
    assert after[atl_gsw] == before[atl_gsw]
    # the constructed Warriors at Clippers: the schedule's game (GSW at home), the spread and
    # moneylines of the Warriors (the body's away team) as the home team's
    assert rows["0022200271"][1:7] == ("GSW", "LAC", 227.0, 9.5, 345.0, -450.0)
    assert rows["0022200271"][-1] == "the_odds_api"
    assert any(f == EVENTS_BODY and "nothing to load" in n for f, n in report.notes)
    with Warehouse.open(real_copy, read_only=True) as wh:
        reasons = dict(
            wh.con.execute(
                "SELECT source_file, reason FROM processing.rejected_rows WHERE file_kind = 'odds_api_game_lines'"
            ).fetchall()
        )
    assert reasons[GAME_ODDS_BODY].startswith("only in-game lines: every book's line was taken after tip-off: 15 books")
    assert set(reasons) == {GAME_ODDS_BODY, *ATL_GSW_BODIES}
    res2 = {f.file: f for f in again.files}[GAME_ODDS_BODY]
    assert (res2.rows_loaded, res2.rows_unchanged, res2.rows_rejected) == (0, 13, 1)


def test_odd_outcomes_unknown_teams_and_dates_without_a_game_are_quarantined(real_copy, tmp_path):
    """Bodies constructed from the recorded one: a line with a non-Over/Under outcome and one with
    a price that is no number; an event of an unknown team; an event (player points and totals
    together) on a date without that game. Both kinds of one body quarantine side by side."""
    base = recorded(PROPS_BODY)
    dk = copy.deepcopy(base)
    dk["bookmakers"] = [b for b in dk["bookmakers"] if b["key"] == "draftkings"]
    outcomes = dk["bookmakers"][0]["markets"][0]["outcomes"]  # 32: 16 lines
    outcomes[0]["name"] = "Yes"  # Caris LeVert's Over: a row of its own (his Under another)
    outcomes[3]["price"] = "-110"  # Cole Anthony's Under: text, not a number
    unknown = copy.deepcopy(dk)
    unknown["id"], unknown["home_team"] = "constructed-1", "Springfield Isotopes"
    no_game = copy.deepcopy(dk)
    no_game["id"], no_game["commence_time"] = "constructed-2", "2024-02-26T00:00:00Z"  # ORL at CLE not on 02-25
    no_game["bookmakers"][0]["markets"].append(
        {
            "key": "totals",
            "last_update": "2024-02-25T20:00:00Z",
            "outcomes": [
                {"name": "Over", "price": -110, "point": 215.5},
                {"name": "Under", "price": -110, "point": 215.5},
            ],
        }
    )
    name = "constructed_odd_outcomes.json"
    with Warehouse.open(real_copy) as wh:
        report = ingest_folder(wh, folder_with(tmp_path / "in", constructed={name: [dk, unknown, no_game]}))
        rejected = wh.con.execute(
            "SELECT file_kind, column_name, reason, count(*) FROM processing.rejected_rows WHERE source_file = ? "
            "GROUP BY ALL ORDER BY ALL",
            [name],
        ).fetchall()
    files = {f.kind: f for f in report.files}
    props, games = files["odds_api_player_points"], files["odds_api_game_lines"]
    assert props.rows_read == 3 * 17  # 16 lines per event, Caris LeVert's split in two
    # loaded: the first event's 14 other lines and Caris LeVert's Under alone
    assert (props.rows_loaded, props.rows_rejected) == (15, 2 + 17 + 17)
    assert games.rows_read == 1 and games.rows_rejected == 1
    for f in (props, games):
        assert f.rows_read == f.rows_loaded + f.rows_unchanged + f.rows_duplicate + f.rows_superseded + f.rows_rejected
    reasons = {(k, c, r.split(":")[0]): n for k, c, r, n in rejected}
    assert reasons[("odds_api_player_points", "outcomes", "outcomes are not an Over and an Under")] == 3
    assert reasons[("odds_api_player_points", "over_price_american", "price missing or not valid odds")] == 3
    assert reasons[("odds_api_player_points", "home_team", "team name matches no team of reference.teams")] == 17
    no_game = "no game of these teams on this US Eastern date in the schedule"
    assert reasons[("odds_api_player_points", "commence_time", no_game)] == 17
    assert reasons[("odds_api_game_lines", "commence_time", no_game)] == 1
    assert any("Springfield Isotopes" in r for *_, r, _ in rejected)
    assert any("Orlando Magic at Cleveland Cavaliers on 2024-02-25" in r for *_, r, _ in rejected)


# -- refusals through the CLI -----------------------------------------------------------------


def test_a_json_file_that_is_no_odds_api_body_stops_the_ingest_naming_it(real_copy, tmp_path):
    before = samples.snapshot(real_copy)
    single = tmp_path / "scoreboard.json"
    shutil.copy(NBA_STATS, single)  # a real recorded body of stats.nba.com
    line = one_line_error(cli(real_copy, "ingest", str(single)))
    assert "scoreboard.json" in line and "not a response body of The Odds API" in line
    folder = folder_with(tmp_path / "in", PROPS_BODY, constructed={"constructed_broken.json": '{"id": "x", '})
    line = one_line_error(cli(real_copy, "ingest", str(folder)))
    assert "constructed_broken.json" in line and "cannot read the file as JSON" in line
    assert samples.snapshot(real_copy) == before  # nothing loaded, not even the good body


def test_an_events_list_alone_is_nothing_to_load_not_an_error(empty_warehouse, tmp_path):
    proc = cli(empty_warehouse, "ingest", str(FIXTURES / EVENTS_BODY))
    assert proc.returncode == 0, proc.stderr
    assert "The Odds API events list (historical snapshot 2024-01-25 03:55:40 UTC)" in proc.stdout
    assert "nothing to load" in proc.stdout


def test_a_first_name_cut_to_its_initial_resolves_only_when_one_player_fits(real_copy, tmp_path):
    """Constructed from the recorded body: draftkings' "Caris LeVert" printed "C. LeVert" (one
    player fits: resolved) and its "Jarrett Allen" printed "J. Green" (Jalen, Jeff, Josh Green …
    fit: quarantined as ambiguous, with the spelling)."""
    body = recorded(PROPS_BODY)
    book = next(b for b in body["bookmakers"] if b["key"] == "draftkings")
    for o in book["markets"][0]["outcomes"]:
        o["description"] = {"Caris LeVert": "C. LeVert", "Jarrett Allen": "J. Green"}.get(
            o["description"], o["description"]
        )
    name = "constructed_initials_ORL-at-CLE.json"
    with Warehouse.open(real_copy) as wh:
        ingest_folder(wh, folder_with(tmp_path / "in", constructed={name: body}))
        levert = wh.con.execute(
            "SELECT count(*) FROM raw.player_points_props WHERE bookmaker = 'draftkings' "
            "AND player_lookup = 'carislevert' AND source_file LIKE ?",
            [f"%{name}"],
        ).fetchone()[0]
        reasons = [
            r[0]
            for r in wh.con.execute(
                "SELECT reason FROM processing.rejected_rows WHERE source_file LIKE ?", [f"%{name}"]
            ).fetchall()
        ]
    assert levert == 1
    assert reasons == ["name matches several players of the box scores or game logs: J. Green"], reasons
