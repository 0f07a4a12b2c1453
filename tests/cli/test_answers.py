"""Answers without opening DuckDB: features of one player on one date, why a player has no row,
the quarantined rows, export of any table (CSV by extension), predict, and the usage errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
from datetime import date

import pyarrow.parquet as pq
import pytest

from nbaprops import features as registry
from nbaprops.errors import BadInputError
from nbaprops.inspect import player_day
from nbaprops.players import find_player, resolve_entity
from nbaprops.warehouse import Warehouse

from .conftest import assert_fits, plain, run_cli

TRADE_DAY = date(2024, 1, 19)  # Pascal Siakam's first game for Indiana (21 points)


@pytest.fixture(scope="module")
def ro(season_wh):
    with Warehouse.open(season_wh, read_only=True) as wh:
        yield wh


def test_player_lookup_by_name_any_case_and_accents(ro):
    assert find_player(ro, "Pascal Siakam").lookup == "pascalsiakam"
    assert find_player(ro, "PASCAL siakam").lookup == "pascalsiakam"
    assert find_player(ro, "Nikola Jokic").lookup == find_player(ro, "Nikola Jokić").lookup == "nikolajokic"
    with pytest.raises(BadInputError, match=r"did you mean Pascal Siakam \(pascalsiakam\)"):
        find_player(ro, "Pascal Siakem")
    assert resolve_entity(ro, "bos") == "BOS" and resolve_entity(ro, "date_level") == "DATE_LEVEL"
    assert resolve_entity(ro, "Pascal Siakam") == "pascalsiakam"


def test_a_name_many_players_bear_suggests_them_before_the_near_spellings(real_warehouse_path):
    """On every bundled player: "james" names LeBron James among the first suggestions (the
    players whose first or last name is James come first, the most games first), and says how
    many more bear it; "davis" is not Davis Bertans alone because his lookup starts with it."""
    import re

    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        names = [r[0] for r in wh.con.execute("SELECT player_name FROM reference.players").fetchall()]
        for typed, star in (("james", "LeBron James (lebronjames)"), ("davis", "Anthony Davis (anthonydavis)")):
            bearing = [n for n in names if typed in n.lower().split()]
            assert len(bearing) > 3, bearing
            with pytest.raises(BadInputError) as exc:
                find_player(wh, typed)
            message = str(exc.value)
            assert star in message, message
            suggested = re.findall(r"([^,;]+?) \(\w+\)", message.split("did you mean ")[1])
            assert len(suggested) == 3 and all(typed in n.lower().split() for n in suggested), message
            assert message.endswith(f" (or {len(bearing) - 3} more players named {typed})?"), message
        with pytest.raises(BadInputError, match=r"did you mean Pascal Siakam \(pascalsiakam\)\?$"):
            find_player(wh, "Pascal Siakem")  # no one bears it: the closest spelling


def test_why_siakam_has_no_row_on_his_first_indiana_game(ro):
    day = player_day(ro, "pascalsiakam", TRADE_DAY)
    assert not day.has_row and day.missing.kind == "not_expected"
    text = " ".join(day.missing.reasons)
    assert "for TOR (2024-01-15)" in text and "TOR has no game on 2024-01-19" in text
    assert "played for IND (21 points" in text and "next feature-store row: 2024-01-21" in text


def test_features_of_a_row(ro):
    day = player_day(ro, "pascalsiakam", date(2024, 1, 21))
    assert day.has_row and day.context["team_abbr"] == "IND"
    assert [f.name for f in day.features] == registry.names()
    assert all(f.source in ("phase4", "phase3", "calculated", "default") for f in day.features)
    assert {w.window for w in day.windows} == {"l10", "l5", "l7d", "l14d"}
    assert day.labels["label_played"] and day.labels["label_points"] == 15


def test_features_command(season_wh):
    r = run_cli(season_wh, "features", "pascal siakam", "--date", "2024-01-21", terminal=True)
    assert r.returncode == 0, r.stderr
    out = plain(r.stdout)
    assert_fits(out)
    assert "IND vs" in out and "points_avg_last_10" in out and "completeness" in out and "points 15" in out
    r = run_cli(season_wh, "features", "Pascal Siakam", "--date", "2024-01-19")
    assert r.returncode == 0, r.stderr
    assert "no feature-store row on 2024-01-19" in r.stdout and "TOR has no game on 2024-01-19" in r.stdout
    why = json.loads(run_cli(season_wh, "features", "Pascal Siakam", "--date", "2024-01-19", "--format", "json").stdout)
    assert why["why"][0]["kind"] == "not_expected"
    r = run_cli(season_wh, "features", "Pascal Siakem", "--date", "2024-01-19")
    assert r.returncode == 2 and "did you mean Pascal Siakam" in r.stderr and len(r.stderr.splitlines()) == 1


def test_failures_entity_by_name_says_why_there_is_no_row(season_wh):
    for entity in ("pascalsiakam", "Pascal Siakam"):
        r = run_cli(season_wh, "failures", "--entity", entity, "--date", "2024-01-19")
        assert r.returncode == 0, r.stderr
        assert "no failures match" in r.stdout
        assert "his most recent played game before 2024-01-19 was for TOR" in r.stdout
    r = run_cli(season_wh, "failures", "--entity", "nobody at all")
    assert r.returncode == 2 and "no player" in r.stderr


def test_rejected_lists_the_quarantine_with_filters(season_wh, ro):
    n = ro.count("processing.rejected_rows")
    r = run_cli(season_wh, "rejected", "--kind", "game_lines", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert r.returncode == 0 and rows and all(x["kind"] == "game_lines" for x in rows)
    r = run_cli(season_wh, "rejected", "--reason", "NOT IN SCHEDULE", "--limit", "1000", "--format", "json")
    data = json.loads(r.stdout)
    assert 0 < len(data) < n and all("not in schedule" in x["reason"] for x in data)
    r = run_cli(season_wh, "rejected", "--summary", "--format", "json")
    assert sum(x["rows"] for x in json.loads(r.stdout)) == n


def test_export_takes_every_table_and_writes_csv_by_extension(season_wh, ro, tmp_path):
    out = tmp_path / "rejected.csv"
    r = run_cli(season_wh, "export", "processing.rejected_rows", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert len(list(csv.DictReader(out.open()))) == ro.count("processing.rejected_rows")
    out = tmp_path / "f.parquet"
    r = run_cli(
        season_wh,
        "export",
        "processing.precompute_failures",
        "--out",
        str(out),
        "--start-date",
        "2024-01-19",
        "--end-date",
        "2024-01-19",
    )
    assert r.returncode == 0, r.stderr
    assert set(pq.read_table(out).column("analysis_date").to_pylist()) == {TRADE_DAY}
    r = run_cli(season_wh, "export", "predictions.player_points_predictions", "--out", str(tmp_path / "p.parquet"))
    assert r.returncode == 0, r.stderr
    for bad, message in (
        (tmp_path / "x.json", "must end with .parquet or .csv"),
        (tmp_path / "x.csv" / "inner.csv", None),
    ):
        if message is None:
            (tmp_path / "x.csv").write_text("a file")
            message = "is a file, not a folder"
        r = run_cli(season_wh, "export", "raw.schedule", "--out", str(bad))
        assert r.returncode == 2 and message in r.stderr and "Error:" not in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    r = run_cli(season_wh, "export", "raw.schedule; DROP TABLE raw.schedule", "--out", str(tmp_path / "y.csv"))
    assert r.returncode == 2 and "unknown table" in r.stderr


def test_export_help_lists_the_tables():
    r = run_cli(None, "export", "--help", columns=200)
    assert "processing.rejected_rows" in r.stdout and "predictions.ml_feature_store_v2" in r.stdout


def test_sql_dialect_any_case():
    r = run_cli(None, "sql", "player_game_summary", "--dialect", "BigQuery")
    assert r.returncode == 0 and "analytics.player_game_summary" in r.stdout


def test_predict_checks_out_first_then_scores_the_date(season_wh, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(season_wh, wh)
    t0 = time.perf_counter()
    r = run_cli(wh, "predict", "--date", "2024-01-19", "--fit", "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and "must end with .parquet or .csv" in r.stderr and time.perf_counter() - t0 < 30
    out = tmp_path / "pred.csv"
    r = run_cli(
        wh, "predict", "--date", "2024-01-19", "--fit", "--min-train-rows", "2000", "--out", str(out), terminal=True
    )
    assert r.returncode == 0, r.stderr
    assert_fits(plain(r.stdout))
    rows = list(csv.DictReader(out.open()))
    with Warehouse.open(wh, read_only=True) as w:
        n_store = w.con.execute(
            "SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE game_date = ?", [TRADE_DAY]
        ).fetchone()[0]
        stored = w.con.execute(
            "SELECT count(*), min(trained_through) FROM predictions.player_points_predictions WHERE game_date = ?",
            [TRADE_DAY],
        ).fetchone()
    assert len(rows) == n_store == stored[0] > 0 and stored[1] < TRADE_DAY
    assert all(float(x["predicted_points"]) >= -1 for x in rows)
    # a saved model trained after D is never used for D; one fitted now is
    r = run_cli(wh, "predict", "--date", "2024-01-19", "--no-write", "--format", "json", "--min-train-rows", "2000")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == n_store
