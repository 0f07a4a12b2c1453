"""The results ledger (model/ledger.py) on constructed predictions rows in an empty warehouse:
each bet settled from the box score (or the row's own labels), void when the player sat, pending
without a box score; units at the recorded price, closing-line value from the book's last
pre-tip line; real and synthetic bets apart. Expectations are worked out here in plain Python."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest

from nbaprops.model.ledger import build_ledger, cumulative, edge_bucket, settle
from nbaprops.warehouse import Warehouse

D1 = date(2024, 3, 4)  # a Monday
D2 = date(2024, 3, 12)  # the next week's Tuesday
TIP = datetime(2024, 3, 5, 0, 0)  # D1's tip-off, UTC

# constructed: one bet per player unless said; stored labels as predict wrote them before the
# game (label_played FALSE, no points) except where a row says otherwise
BETS = {
    # player: (date, game, side, line, book, price, edge, kelly, points in the box or None)
    "overwin": (D1, "g1", "over", 20.5, "draftkings", -110, 0.03, 0.02, 25),
    "underlose": (D1, "g1", "under", 18.5, "fanduel", 120, 0.07, 0.015, 22),
    "pushes": (D1, "g1", "over", 15.0, "draftkings", -105, 0.12, 0.01, 15),
    "sat": (D1, "g1", "under", 10.5, "draftkings", -115, 0.01, 0.005, None),  # his game played, he did not
    "later": (D2, "g9", "over", 12.5, "draftkings", 100, 0.04, 0.01, None),  # no box score yet
    "fake": (D2, "g2", "over", 8.5, "betmgm", -110, 0.2, 0.03, 12),  # a synthetic line
}
# the bet's book's pre-tip quotes (minutes before tip-off, line): the last pre-tip one closes
QUOTES = {
    ("overwin", "draftkings"): [(120, 20.5), (10, 21.5), (-5, 23.5)],  # closes at 21.5: CLV +1.0
    ("underlose", "fanduel"): [(60, 18.5), (15, 18.0)],  # an under: 18.5 - 18.0 = +0.5
    ("pushes", "draftkings"): [(30, 15.0)],
    ("sat", "draftkings"): [(30, 10.5)],
    ("later", "draftkings"): [(30, 12.5)],
    ("fake", "betmgm"): [(30, 9.5)],
}
P_OVER = {"overwin": 0.6, "underlose": 0.35, "pushes": 0.7, "sat": 0.4, "later": 0.55, "fake": 0.8}
# a backtest row: no bet, the labels stored, its game absent from the box scores
BACKTEST = ("oldrow", date(2024, 2, 1), "g0", 0.3, 24.5, 30)


def decimal(american: float) -> float:
    return 1 + american / 100 if american > 0 else 1 + 100 / -american


@pytest.fixture()
def constructed(empty_warehouse):
    with Warehouse.open(empty_warehouse) as wh:
        con = wh.con
        for p, (d, g, side, line, book, price, edge, kelly, _) in BETS.items():
            con.execute(
                "INSERT INTO predictions.player_points_predictions (player_lookup, game_date, game_id, "
                "season_year, predicted_points, p_over, points_line, model_version, label_played, line_book, "
                "line_synthetic, bet_side, bet_book, bet_line, bet_price_american, edge, kelly_stake) "
                "VALUES (?, ?, ?, 2023, ?, ?, ?, 'm', FALSE, ?, ?, ?, ?, ?, ?, ?, ?)",
                [p, d, g, line, P_OVER[p], line, book, p == "fake", side, book, line, price, edge, kelly],
            )
            for n, (before, q) in enumerate(QUOTES[(p, book)]):
                con.execute(
                    "INSERT INTO raw.player_points_props (game_id, game_date, bookmaker, player_lookup, "
                    "snapshot_timestamp, minutes_before_tipoff, points_line, over_price_american, "
                    "under_price_american, is_synthetic, source, source_file, row_hash, ingested_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, -110, -110, ?, 'test', 'test', ?, now())",
                    [g, d, book, p, TIP - timedelta(minutes=before), before, q, p == "fake", f"{p}{n}"],
                )
        lk, d, g, p_over, line, pts = BACKTEST
        con.execute(
            "INSERT INTO predictions.player_points_predictions (player_lookup, game_date, game_id, season_year, "
            "p_over, points_line, model_version, label_played, label_points, label_over_line) "
            "VALUES (?, ?, ?, 2023, ?, ?, 'bt', TRUE, ?, ?)",
            [lk, d, g, p_over, line, pts, pts > line],
        )
        # the box scores, read at results time (players who played only)
        con.execute("CREATE SCHEMA IF NOT EXISTS analytics")
        con.execute(
            "CREATE TABLE analytics.player_game_summary (player_lookup VARCHAR, game_date DATE, game_id VARCHAR, "
            "points INTEGER)"
        )
        for p, (d, g, *_, pts) in BETS.items():
            if pts is not None:
                con.execute("INSERT INTO analytics.player_game_summary VALUES (?, ?, ?, ?)", [p, d, g, pts])
    return empty_warehouse


def _ledger(path, **kw):
    with Warehouse.open(path, read_only=True) as wh:
        return build_ledger(wh, **kw)


def test_settle_and_buckets():
    assert settle("over", 20.5, 21, True) == "won" and settle("under", 20.5, 21, True) == "lost"
    assert settle("under", 20.0, 20, True) == "push" and settle("over", 20.5, None, False) == "void"
    assert settle("over", 20.5, None, None) == "pending"
    assert [edge_bucket(e) for e in (None, -0.01, 0.019, 0.02, 0.0499, 0.05, 0.1, 0.3)] == [
        "<2%",
        "<2%",
        "<2%",
        "2-5%",
        "2-5%",
        "5-10%",
        ">=10%",
        ">=10%",
    ]


def test_each_bet_is_settled_from_the_box_score(constructed):
    led = _ledger(constructed)
    by = {b.player_lookup: b for b in led.bets}
    assert set(by) == set(BETS)
    expected = {"overwin": "won", "underlose": "lost", "pushes": "push", "sat": "void", "later": "pending"}
    expected["fake"] = "won"
    assert {p: b.result for p, b in by.items()} == expected
    for p, b in by.items():
        _, _, _, _, _, price, _, kelly, pts = BETS[p]
        unit = {"won": decimal(price) - 1, "lost": -1.0}.get(expected[p], 0.0)
        assert b.profit == pytest.approx(unit), p
        assert b.kelly_profit == pytest.approx(kelly * unit), p
        assert b.points == (pts if expected[p] not in ("void", "pending") else None)
    assert by["fake"].synthetic and not any(by[p].synthetic for p in BETS if p != "fake")
    # closing-line value: over closing - line, under line - closing, none on a synthetic line
    assert by["overwin"].closing_line == 21.5 and by["overwin"].clv == pytest.approx(1.0)
    assert by["underlose"].clv == pytest.approx(0.5)
    assert by["fake"].closing_line == 9.5 and by["fake"].clv is None
    assert led.pending == 1 and len(led.scored) == 5


def test_real_and_synthetic_are_summed_apart(constructed):
    led = _ledger(constructed)
    totals = {s.kind: s for s in led.totals if s.label == "all"}
    real = totals["real"]
    units = (decimal(-110) - 1) - 1.0
    assert (real.bets, real.won, real.lost, real.push, real.void) == (2, 1, 1, 1, 1)
    assert real.hit_rate == 0.5 and real.units == pytest.approx(units) and real.roi == pytest.approx(units / 2)
    staked = 0.02 + 0.015  # decided bets only
    assert real.kelly_staked == pytest.approx(staked)
    assert real.kelly_roi == pytest.approx((0.02 * (decimal(-110) - 1) - 0.015) / staked)
    assert (real.clv_bets, real.clv) == (2, pytest.approx(0.75))
    fake = totals["synthetic"]
    assert (fake.bets, fake.won, fake.clv_bets, fake.clv) == (1, 1, 0, None)
    # weeks are named by their Monday; the pending bet of D2 is in no week
    assert [(s.label, s.kind, s.bets) for s in led.periods] == [
        ("2024-03-04", "real", 2),
        ("2024-03-11", "synthetic", 1),
    ]
    seasons = _ledger(constructed, by="season")
    assert [(s.label, s.kind) for s in seasons.periods] == [("2023-24", "real"), ("2023-24", "synthetic")]
    buckets = {(s.label, s.kind): (s.bets, s.push, s.void) for s in led.buckets}
    assert buckets == {
        ("<2%", "real"): (0, 0, 1),
        ("2-5%", "real"): (1, 0, 0),
        ("5-10%", "real"): (1, 0, 0),
        (">=10%", "real"): (0, 1, 0),
        (">=10%", "synthetic"): (1, 0, 0),
    }
    cum = cumulative([b for b in led.bets if b.kind == "real"])
    assert cum == [(D1, 2, pytest.approx(units), pytest.approx(units / 2))]


def test_min_edge_and_the_date_range(constructed):
    led = _ledger(constructed, min_edge=0.05)
    assert sorted(b.player_lookup for b in led.bets) == ["fake", "pushes", "underlose"]
    led = _ledger(constructed, start=D2, end=D2)
    assert sorted(b.player_lookup for b in led.bets) == ["fake", "later"]
    assert _ledger(constructed, start=date(2020, 1, 1), end=date(2020, 1, 2)).bets == []


def test_calibration_covers_every_row_with_a_line_and_an_outcome(constructed):
    led = _ledger(constructed)
    # rows with an outcome: the played bets (box score) and the backtest row (its own labels)
    rows = {p: (P_OVER[p], BETS[p][3], BETS[p][8]) for p in BETS if BETS[p][8] is not None}
    rows["oldrow"] = (BACKTEST[3], BACKTEST[4], BACKTEST[5])
    by_kind = {c.kind: c for c in led.calibration}
    real = [v for p, v in rows.items() if p != "fake" and p != "oldrow"]
    ys = [1.0 if pts > line else 0.0 for _, line, pts in real]
    brier = sum((p - y) ** 2 for (p, _, _), y in zip(real, ys)) / len(real)
    assert by_kind["real"].scores["n"] == len(real) and by_kind["real"].scores["brier"] == pytest.approx(brier)
    assert by_kind["synthetic"].scores["n"] == 1
    # the backtest row's line kind is not recorded and no provenance table exists
    assert by_kind["unknown"].scores["n"] == 1
    assert sum(b["n"] for b in by_kind["real"].bins) == len(real)


def _cli(path, *args):
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), "results", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_command(constructed):
    r = _cli(constructed, "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"periods", "edges", "calibration", "scores"}
    real = next(x for x in out["periods"] if x["period"] == "all" and x["lines"] == "real")
    assert (real["bets"], real["record"], real["void"], real["clv_bets"]) == (2, "1-1-1", 1, 2)
    assert "1 more bets await" in r.stderr
    r = _cli(constructed, "--bets", "--format", "csv")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1 + 5  # the header, the scored bets
    r = _cli(constructed)
    assert r.returncode == 0 and "bets" in r.stdout and max(len(ln) for ln in r.stdout.splitlines()) <= 100
    r = _cli(constructed, "--start-date", "2020-01-01", "--end-date", "2020-01-31")
    assert r.returncode == 0 and r.stdout.count("\n") == 1 and r.stdout.startswith("no scored bets")
    r = _cli(constructed, "--min-edge", "5")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--min-edge" in r.stderr
    r = _cli(constructed, "--by", "month")
    assert r.returncode == 2
