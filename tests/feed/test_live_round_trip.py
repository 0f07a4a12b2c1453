"""The round trip of a morning with real lines: `fetch` buys the player_points lines of ORL at CLE
(2024-02-22) from The Odds API (the stand-in of odds_stub.py serves the recorded body), `--ingest`
loads them, `backfill` computes the season up to the day and `predict` scores it: the game's lines
are the books' real ones with book and snapshot time, none synthetic, while every other game of the
day keeps its synthetic lines, marked as such. Expected values are read from the recorded body."""

from __future__ import annotations

import csv
import json

import pytest

from nbaprops.feed import odds_client
from nbaprops.feed.odds_key import KEY_ENV
from nbaprops.warehouse import Warehouse

from .helpers import cli
from .odds_stub import CONSTRUCTED_KEY, PROPS_BODY, recorded
from .test_odds_fetch import DAY, NOW, ORL_AT_CLE_GAME

pytestmark = pytest.mark.slow  # a season backfilled to the day, then a model fitted (make test-all)


def test_fetch_ingest_backfill_predict_shows_real_lines_with_book_and_time(real_copy, odds_stub, monkeypatch, capsys):
    monkeypatch.setenv(KEY_ENV, CONSTRUCTED_KEY)
    monkeypatch.setattr(odds_client, "utc_now", lambda: NOW)
    wh = str(real_copy)
    fetch = ["fetch", "--odds-only", "--date", DAY, "--today", DAY, "--ingest", "--interval", "0"]
    code, out, err = cli(capsys, "--warehouse", wh, *fetch)
    assert code == 0, err
    code, out, err = cli(capsys, "--warehouse", wh, "backfill", "--start-date", "2023-10-24", "--end-date", DAY)
    assert code == 0, err
    out_file = real_copy.parent / "predictions.csv"
    predict = ["predict", "--date", DAY, "--fit", "--min-train-rows", "2000", "--no-write", "--out", str(out_file)]
    code, out, err = cli(capsys, "--warehouse", wh, *predict)
    assert code == 0, err
    rows = list(csv.DictReader(out_file.open(encoding="utf-8")))
    assert "draftkings 02-22 23:56Z" in out and "synthetic" in out  # the listing's "line from"
    with Warehouse.open(wh, read_only=True) as w:
        game_of = dict(
            w.con.execute(
                "SELECT player_lookup, game_id FROM analytics.upcoming_player_game_context WHERE game_date = ?", [DAY]
            ).fetchall()
        )
        name_of = dict(w.con.execute("SELECT player_lookup, player_name FROM reference.players").fetchall())
        resolved = w.con.execute(
            "SELECT count(DISTINCT player_lookup) FROM raw.player_points_props WHERE source = 'the_odds_api'"
        ).fetchone()[0]
        rejected = w.con.execute(
            "SELECT reason FROM processing.rejected_rows WHERE file_kind = 'odds_api_player_points'"
        ).fetchall()
    body = recorded(PROPS_BODY)
    draftkings = next(b for b in body["bookmakers"] if b["key"] == "draftkings")["markets"][0]
    dk_lines = {o["description"]: o["point"] for o in draftkings["outcomes"]}
    names = {o["description"] for b in body["bookmakers"] for m in b["markets"] for o in m["outcomes"]}
    # the books' 20 spellings reach 18 players: "Wendell Carter" and "Wendell Carter Jr." are one, and
    # so are "J. Isaac" (as betmgm prints him) and "Jonathan Isaac"
    assert len(names) == 20 and resolved == 18, (len(names), resolved)
    real = [r for r in rows if game_of.get(r["player_lookup"]) == ORL_AT_CLE_GAME and r["points_line"]]
    other = [r for r in rows if game_of.get(r["player_lookup"]) != ORL_AT_CLE_GAME and r["points_line"]]
    assert len(real) >= 15 and other
    assert not rejected, rejected  # every spelling resolved
    for r in real:  # the game's lines: a book's, with its snapshot time (our fetch time), never synthetic
        assert r["line_source"] == f"{r['line_book']} 2024-02-22 23:56Z", r
        assert r["line_synthetic"].lower() == "false"
        if r["line_book"] == "draftkings":
            assert float(r["points_line"]) == dk_lines[name_of[r["player_lookup"]]]
    assert {r["line_source"] for r in other} == {"synthetic"}
    assert sum(r["line_book"] == "draftkings" for r in real) >= 10
    print(json.dumps({"real_lines": len(real), "players_resolved": resolved, "names_in_body": len(names)}))
