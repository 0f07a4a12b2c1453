"""`nbaprops results` and the report's board and results on real recorded props: predict --fit
on 2024-02-22 (ORL at CLE, The Odds API's lines and prices) writes its bets, and the ledger scores
them against the box score's points. Expected results and units are worked out here in plain
Python from the stored rows and pricing.american_to_decimal."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from nbaprops.pricing import american_to_decimal
from nbaprops.warehouse import Warehouse

from .conftest import ODDS_DAY, assert_fits, run_cli


@pytest.fixture(scope="module")
def predicted(odds_wh, tmp_path_factory):
    """A copy of odds_wh with ODDS_DAY's board written by predict (no synthetic bets)."""
    path = tmp_path_factory.mktemp("results") / "wh.duckdb"
    shutil.copy(odds_wh, path)
    r = run_cli(path, "predict", "--date", str(ODDS_DAY), "--fit", "--min-train-rows", "2000", "--format", "csv")
    assert r.returncode == 0, r.stderr
    return path


@pytest.fixture(scope="module")
def expected(predicted):
    """Per bet, from the stored rows: (side, line, price, the box score's points or None)."""
    with Warehouse.open(predicted, read_only=True) as wh:
        rows = wh.con.execute(
            """
            SELECT p.player_lookup, p.bet_side, p.bet_line, p.bet_price_american, b.points,
                   (SELECT bool_or(q.is_synthetic) FROM raw.player_points_props q WHERE q.game_id = p.game_id
                      AND q.player_lookup = p.player_lookup AND q.bookmaker = p.bet_book)
            FROM predictions.player_points_predictions p
            LEFT JOIN analytics.player_game_summary b USING (player_lookup, game_date)
            WHERE p.game_date = ? AND p.bet_side IS NOT NULL""",
            [ODDS_DAY],
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_real_bets_are_scored_against_the_box_score(predicted, expected):
    assert expected, "predict recorded no bet on ODDS_DAY's real lines"
    assert not any(syn for *_, syn in expected.values())  # synthetic lines get no bet unless asked
    r = run_cli(predicted, "results", "--bets", "--format", "json")
    assert r.returncode == 0, r.stderr
    got = {b["player_lookup"]: b for b in json.loads(r.stdout)}
    played = {p: v for p, v in expected.items() if v[3] is not None}
    assert played and set(got) == set(expected)  # every player of the real game has a box score row or sat
    won = units = 0.0
    for p, (side, line, price, pts, _) in expected.items():
        b = got[p]
        assert b["lines"] == "real" and b["price"] == int(price)
        if pts is None:
            assert b["result"] == "void" and b["profit"] == 0
            continue
        result = "push" if pts == line else "won" if (pts > line) == (side == "over") else "lost"
        profit = {"won": american_to_decimal(price) - 1, "lost": -1.0}.get(result, 0.0)
        assert (b["result"], b["points"]) == (result, pts), p
        assert b["profit"] == pytest.approx(profit), p
        assert b["clv"] == pytest.approx(0.0)  # predict priced the last pre-tip quote: it closed there
        won += result == "won"
        units += profit
    r = run_cli(predicted, "results", "--format", "json")
    total = next(x for x in json.loads(r.stdout)["periods"] if x["period"] == "all")
    decided = sum(1 for v in played.values() if v[3] != v[1])
    assert (total["lines"], total["bets"], total["won"]) == ("real", decided, won)
    assert total["units"] == pytest.approx(units)
    assert {x["lines"] for x in json.loads(r.stdout)["calibration"]} >= {"real", "synthetic"}
    r = run_cli(predicted, "results", terminal=True)
    assert r.returncode == 0 and "real" in r.stdout
    assert_fits(r.stdout)


def test_the_report_shows_the_board_and_the_results(predicted, expected, tmp_path):
    out = tmp_path / "r.html"
    r = run_cli(predicted, "report", "--out", str(out), "--start-date", "2024-02-01", "--end-date", str(ODDS_DAY))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    board = text[text.index("<section id='board'>") : text.index("<section id='results'>")]
    with Warehouse.open(predicted, read_only=True) as wh:
        (players,) = wh.con.execute(
            "SELECT count(*) FROM predictions.player_points_predictions WHERE game_date = ?", [ODDS_DAY]
        ).fetchone()
    assert f"The board of <b>{ODDS_DAY}</b>: {players:,} players, {len(expected):,} bets." in board
    assert board.count("<tr>") == players + 1 and "<th>line from</th>" in board
    assert "Paolo Banchero" in board and "draftkings" in board
    results = text[text.index("<section id='results'>") :]
    assert all(f'id="{f}"' in results for f in ("fig-reliability", "fig-roi", "fig-edges"))
    decided = sum(1 for v in expected.values() if v[3] is not None and v[3] != v[1])
    assert re.search(rf"bets \(won \+ lost\) — real: {decided:,}\.", results), results[-2000:]
