"""predict against the model's training coverage: a model trained on 2023-24 rows with real game
lines scores ODDS_DAY without a warning; the same warehouse with ODDS_DAY's raw.game_lines rows
deleted (and the day recomputed) warns that game lines are 0 % real, --strict refuses and writes
nothing, `features` says it too; a model file from before coverage was recorded keeps working."""

from __future__ import annotations

import shutil
from datetime import date

import joblib
import pytest

from nbaprops.model.predict import predict_date
from nbaprops.model.train import train_model
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

from .conftest import ODDS_DAY, assert_fits, plain, run_cli

WARNING = (
    "warning: game lines: 0 % real on 2024-02-22, 100 % in training — fetch them (nbaprops fetch --odds), "
    "or scores rest on defaults"
)


@pytest.fixture(scope="module")
def trained(odds_wh, tmp_path_factory):
    """A model trained on the labelled rows up to the day before ODDS_DAY (2023-24: real game lines)."""
    with Warehouse.open(odds_wh, read_only=True) as wh:
        return train_model(wh, date(2024, 2, 21), min_train_rows=2000, out_dir=tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def model_file(trained):
    return trained.path


def test_train_reports_the_coverage_it_records(trained):
    """What `train` prints (its coverage line) is what the model file keeps."""
    assert trained.coverage is not None
    assert trained.coverage.to_dict() == joblib.load(trained.path)["coverage"]


@pytest.fixture(scope="module")
def no_lines(odds_wh, model_file, tmp_path_factory):
    """odds_wh without ODDS_DAY's game lines, the day recomputed, the model beside it (models/)."""
    folder = tmp_path_factory.mktemp("no_lines")
    path = folder / "wh.duckdb"
    shutil.copy(odds_wh, path)
    with Warehouse.open(path) as wh:
        wh.con.execute("DELETE FROM raw.game_lines WHERE game_date = ?", [ODDS_DAY])
        assert backfill(wh, ODDS_DAY, ODDS_DAY).ok
    (folder / "models").mkdir()
    shutil.copy(model_file, folder / "models" / model_file.name)
    return path


def test_the_model_file_records_its_training_coverage(odds_wh, model_file):
    m = joblib.load(model_file)
    cov = m["coverage"]
    assert cov["rows"] == m["train_rows"]
    with Warehouse.open(odds_wh, read_only=True) as wh:  # a plain count over the training rows
        rows = wh.con.execute(
            "SELECT game_total_line_source, injury_risk_source, vegas_points_line FROM "
            "predictions.ml_feature_store_v2 WHERE game_date <= '2024-02-21' AND label_played "
            "AND label_points IS NOT NULL"
        ).fetchall()
    assert len(rows) == cov["rows"]
    assert cov["features"]["game_total_line"] == pytest.approx(sum(r[0] != "default" for r in rows) / len(rows))
    assert cov["features"]["injury_risk"] == pytest.approx(sum(r[1] != "default" for r in rows) / len(rows))
    assert cov["groups"]["game_lines"] > 0.9
    # every training line is synthetic: the recorded real lines are of ODDS_DAY only
    assert cov["lines"] == sum(r[2] is not None for r in rows) == cov["synthetic_lines"] and cov["real_lines"] == 0


def test_a_date_with_its_game_lines_does_not_warn(odds_wh, model_file):
    r = run_cli(odds_wh, "predict", "--date", str(ODDS_DAY), "--model", str(model_file), "--no-write", "--strict")
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stdout + r.stderr


def test_a_date_without_game_lines_warns_and_still_scores(no_lines, model_file, tmp_path):
    wh = tmp_path / "wh.duckdb"
    shutil.copy(no_lines, wh)
    r = run_cli(wh, "predict", "--date", str(ODDS_DAY), "--model", str(model_file), terminal=True)
    assert r.returncode == 0, r.stderr
    assert_fits(r.stdout)
    assert WARNING in " ".join(plain(r.stdout).split())  # (folded at 80 columns)
    assert [ln for ln in plain(r.stdout).splitlines() if ln.startswith("warning:")] and "prop lines" not in r.stdout
    with Warehouse.open(wh, read_only=True) as w:
        assert w.count("predictions.player_points_predictions") > 0


def test_strict_refuses_with_the_message_and_writes_nothing(no_lines, model_file, tmp_path):
    wh, out = tmp_path / "wh.duckdb", tmp_path / "p.csv"
    shutil.copy(no_lines, wh)
    r = run_cli(wh, "predict", "--date", str(ODDS_DAY), "--model", str(model_file), "--strict", "--out", str(out))
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "error: --strict: 2024-02-22's rows rest on defaults where the model learned from real values: "
        + WARNING.removeprefix("warning: ")
    ]
    assert not out.exists()
    with Warehouse.open(wh, read_only=True) as w:
        assert w.count("predictions.player_points_predictions") == 0


def test_a_model_fitted_now_is_checked_against_the_rows_it_learned_from(no_lines):
    with Warehouse.open(no_lines, read_only=True) as wh:
        res = predict_date(wh, ODDS_DAY, fit=True, write=False, min_train_rows=2000)
    assert [g.group for g in res.gaps] == ["game_lines"] and res.gaps[0].day_share == 0


def test_features_warns_against_the_model_predict_would_use(no_lines):
    r = run_cli(no_lines, "features", "Paolo Banchero", "--date", str(ODDS_DAY))
    assert r.returncode == 0, r.stderr
    assert WARNING in r.stdout


def test_an_old_model_file_keeps_working_with_coverage_unknown(no_lines, model_file, tmp_path):
    old = joblib.load(model_file)
    del old["coverage"]
    path = tmp_path / "old.joblib"
    joblib.dump(old, path)
    r = run_cli(no_lines, "predict", "--date", str(ODDS_DAY), "--model", str(path), "--no-write", "--strict")
    assert r.returncode == 0, r.stderr
    assert "note: training coverage unknown" in r.stdout and "warning" not in r.stdout
