"""Phase 5 baseline: walk-forward honesty, the leakage canary, the predictions table.

The pipeline runs once per module on a copy of the ingested real warehouse over the first
months of 2023-24; the backtest predicts December 2023 and 1–15 January 2024 from the rows
before each month (the fits use fewer boosting rounds than the default to stay fast; the real
run and the canary use the same settings)."""

from __future__ import annotations

import json
import math
import shutil
from datetime import date

import numpy as np
import pytest

from nbaprops import features
from nbaprops.errors import BadInputError
from nbaprops.model import backtest as bt
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

# slow: the walk-forward backtest on a real backfilled slice, its canaries and the ablation (make test-all)
pytestmark = pytest.mark.slow

PIPE_START, PIPE_END = date(2023, 10, 24), date(2024, 1, 15)
BT_START, BT_END = date(2023, 12, 1), date(2024, 1, 15)
FAST = dict(
    min_train_rows=2000,
    reg_params={"n_estimators": 120, "learning_rate": 0.1, "warm_trees": 20},
    clf_params={"n_estimators": 80, "learning_rate": 0.1, "warm_trees": 20},
)


@pytest.fixture(scope="module")
def pipeline(real_warehouse_path, tmp_path_factory):
    """A private warehouse with the pipeline run over the first months of 2023-24."""
    path = tmp_path_factory.mktemp("model") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        res = backfill(wh, PIPE_START, PIPE_END)
        assert res.ok, res.errors
    return path


@pytest.fixture(scope="module")
def real_run(pipeline):
    with Warehouse.open(pipeline) as wh:
        res = bt.run_backtest(wh, BT_START, BT_END, **FAST)
        stored = wh.con.execute(
            f"SELECT player_lookup, game_date, predicted_points, trained_through, block_start, run_id "
            f"FROM {bt.PREDICTIONS_TABLE} ORDER BY game_date, player_lookup"
        ).fetchall()
        n_fs = wh.con.execute(
            f"SELECT count(*) FROM {bt.FEATURE_TABLE} WHERE game_date BETWEEN ? AND ?", [BT_START, BT_END]
        ).fetchone()[0]
    return res, stored, n_fs


# -- walk-forward ---------------------------------------------------------------------------
def test_walk_forward_never_trains_on_or_after_the_block(real_run):
    res, _, _ = real_run
    predicted = [b for b in res.blocks if b.status == "predicted"]
    assert [(b.block_start, b.block_end) for b in predicted] == [
        (BT_START, date(2023, 12, 31)),
        (date(2024, 1, 1), BT_END),
    ]
    for b in predicted:
        assert b.train_last < b.block_start and b.train_first >= PIPE_START
        assert b.train_rows >= 2000 and b.evaluated_rows > 0
    assert predicted[1].train_rows > predicted[0].train_rows  # rolls forward: December joins the training set
    P = res.predictions
    assert len(P["game_date"]) > 0
    assert (P["trained_through"] < P["game_date"]).all()
    assert (P["block_start"] <= P["game_date"]).all()
    assert (P["trained_through"] < P["block_start"]).all()


def test_block_predictions_ignore_the_outcomes_of_the_block_and_later(pipeline, real_run):
    """Scramble every label from the first predicted day on: December's predictions (fitted on
    November and before) must not move by a bit; January's (fitted on December too) may."""
    res, _, _ = real_run
    copy = pipeline.parent / "scrambled.duckdb"
    shutil.copy(pipeline, copy)
    with Warehouse.open(copy) as wh:
        wh.con.execute(
            f"UPDATE {bt.FEATURE_TABLE} SET label_points = label_points + 17, "
            "label_over_line = NOT label_over_line WHERE game_date >= ?",
            [BT_START],
        )
        res2 = bt.run_backtest(wh, BT_START, BT_END, write=False, **FAST)
    dec = res.predictions["game_date"] <= np.datetime64("2023-12-31")
    dec2 = res2.predictions["game_date"] <= np.datetime64("2023-12-31")
    assert (res.predictions["player_lookup"][dec] == res2.predictions["player_lookup"][dec2]).all()
    np.testing.assert_array_equal(res.predictions["predicted_points"][dec], res2.predictions["predicted_points"][dec2])
    np.testing.assert_array_equal(res.predictions["p_over"][dec], res2.predictions["p_over"][dec2])
    assert not np.array_equal(res.predictions["predicted_points"][~dec], res2.predictions["predicted_points"][~dec2])


# -- the leakage canary ---------------------------------------------------------------------
def test_leakage_canary_looks_implausibly_good_and_real_features_do_not(pipeline, real_run):
    res, _, _ = real_run
    with Warehouse.open(pipeline) as wh:
        before = wh.con.execute(f"SELECT count(*), max(run_id) FROM {bt.PREDICTIONS_TABLE}").fetchone()
        leak = bt.run_backtest(wh, BT_START, BT_END, leak=True, write=False, **FAST)
        after = wh.con.execute(f"SELECT count(*), max(run_id) FROM {bt.PREDICTIONS_TABLE}").fetchone()
        with pytest.raises(BadInputError):
            bt.run_backtest(wh, BT_START, BT_END, leak=True, write=True, **FAST)
    assert before == after  # the canary writes nothing
    assert leak.overall["n"] == res.overall["n"]  # the same rows, the same blocks
    assert leak.overall["mae_model"] < 1.0, leak.overall
    assert res.overall["mae_model"] > 3.0, res.overall
    assert "LEAK" in leak.model_version


# The availability canary: a feature built from D's own DNP list (teammates listed DNP in D's box
# score, known only after the game) must be caught by the point-in-time check, which re-runs D on
# the world as of its morning; the real availability features (features.GROUPS "availability",
# whatever the registry holds) must pass the same check on the same date.
LEAKY_DNP = features.Feature(
    990,
    "canary_teammates_dnp_on_d",
    "LEAKAGE CANARY: teammates listed DNP in D's own box score",
    "x",
    0.0,
    0,
    30,
    True,
    chain=(
        (
            "phase3",
            "(SELECT count(*) FROM raw.player_boxscores b WHERE b.game_date = u.game_date "
            "AND b.team_abbr = u.team_abbr AND b.dnp_reason IS NOT NULL "
            "AND b.player_lookup <> u.player_lookup)",
        ),
    ),
    group="availability",
)
PIT_DAY = date(2023, 12, 5)


@pytest.mark.parametrize("backfilled_first", [True, False], ids=["backfill-then-validate", "validate-at-once"])
def test_availability_canary_a_feature_from_ds_own_dnp_list_is_caught(
    pipeline, tmp_path, monkeypatch, backfilled_first
):
    from nbaprops.catalog import Catalog
    from nbaprops.quality.checks.base import FAIL
    from nbaprops.quality.checks.point_in_time import check_point_in_time

    real_availability = [f.name for f in features.FEATURES if f.group == "availability"]
    assert real_availability
    copy = tmp_path / "canary.duckdb"
    shutil.copy(pipeline, copy)
    monkeypatch.setattr(features, "FEATURES", (*features.FEATURES, LEAKY_DNP))
    with Warehouse.open(copy) as wh:
        if backfilled_first:
            # as a user would: backfill with the new feature, then validate
            assert backfill(wh, PIT_DAY, PIT_DAY, force=True).ok
            leaked = wh.con.execute(
                f"SELECT max({LEAKY_DNP.name}) FROM {bt.FEATURE_TABLE} WHERE game_date = ?", [PIT_DAY]
            ).fetchone()[0]
            assert leaked and leaked > 0  # D's box score lists DNPs: the leak has something to leak
        # else: validate before any backfill — the stored table has no such column yet; the check's
        # own baseline re-run adds it, and it must be compared too
        res = check_point_in_time(wh, Catalog.load(), PIT_DAY, PIT_DAY, samples=1, workdir=tmp_path)
    changed = " ".join(str(r[-1]) for r in res.rows if r[1] == bt.FEATURE_TABLE)
    assert res.status == FAIL, res.detail
    assert f"{LEAKY_DNP.name} (" in changed, res.rows
    for name in real_availability:
        assert f"{name} (" not in changed, (name, changed)


# -- results and the predictions table ------------------------------------------------------
def test_metrics_compare_against_the_baselines_on_the_same_rows(real_run):
    res, _, _ = real_run
    o = res.overall
    assert o["n"] == sum(b.evaluated_rows for b in res.blocks)
    for k in ("mae_model", "mae_last10", "mae_season_avg", "rmse_model", "rmse_last10", "mae_line"):
        assert 2.0 < o[k] < 10.0, (k, o[k])
    assert 0 < o["n_line"] < o["n"]
    seasons = [m for m in res.metrics if m["scope_kind"] == "season"]
    months = [m for m in res.metrics if m["scope_kind"] == "month"]
    assert [m["scope"] for m in seasons] == ["2023-24"] and [m["scope"] for m in months] == ["2023-12", "2024-01"]
    assert sum(m["n"] for m in months) == o["n"]
    assert "classifier" not in res.calibration  # the separate classifier is a comparison, off by default
    for kind in ("distribution", "regression_residuals"):
        bins = res.calibration[kind]
        assert len(bins) == bt.PROB_BINS and sum(b["n"] for b in bins) == res.probability_scores[kind]["n"] > 0
        for b in bins:
            assert b["n"] == 0 or b["lo"] <= b["mean_predicted"] <= b["hi"]
            assert b["n"] == 0 or 0 <= b["observed_over_rate"] <= 1


def test_results_render_as_markdown_and_json(real_run):
    res, _, _ = real_run
    md = bt.render_markdown(res)
    assert "| scope | games | MAE model | MAE last-10" in md and "2023-24" in md and "2023-12" in md
    assert "synthetic" in md and "Reliability" in md
    rows = bt.results_frame(res)
    assert {r["scope_kind"] for r in rows} == {"overall", "season", "month"}
    d = res.to_dict()
    json.dumps(d)
    assert d["metrics"] == json.loads(json.dumps(res.metrics, default=str))
    assert all(not math.isnan(r["mae_model"]) for r in rows)


def test_predictions_table_written_once_per_key_and_replaced_per_range(pipeline, real_run):
    res, stored, n_fs = real_run
    assert res.rows_written == len(stored) == n_fs  # every row of the universe in the range, once
    keys = [(r[0], r[1]) for r in stored]
    assert len(keys) == len(set(keys))
    assert all(r[3] < r[1] for r in stored)  # trained_through < game_date
    with Warehouse.open(pipeline) as wh:
        again = bt.run_backtest(wh, date(2024, 1, 1), BT_END, **FAST)  # rewrite January only
        rows = wh.con.execute(f"SELECT player_lookup, game_date, run_id FROM {bt.PREDICTIONS_TABLE}").fetchall()
    assert len(rows) == len(stored) and len({(r[0], r[1]) for r in rows}) == len(rows)
    jan = [r for r in rows if r[1] >= date(2024, 1, 1)]
    dec = [r for r in rows if r[1] < date(2024, 1, 1)]
    assert jan and all(r[2] == again.run_id for r in jan)
    assert dec and all(r[2] == res.run_id for r in dec)


def test_train_saves_a_model_and_reports_a_holdout(pipeline, tmp_path, monkeypatch):
    import joblib

    from nbaprops.model import train

    monkeypatch.setattr(train, "REG_PARAMS", {**train.REG_PARAMS, "n_estimators": 60, "learning_rate": 0.15})

    with Warehouse.open(pipeline, read_only=True) as wh:
        tr = bt.train_model(wh, date(2023, 12, 31), holdout_days=14, out_dir=tmp_path, min_train_rows=2000)
    assert tr.trained_through <= date(2023, 12, 31)
    assert tr.holdout_rows > 0 and 2.0 < tr.holdout_mae < 10.0
    saved = joblib.load(tr.path)
    assert saved["trained_through"] == tr.trained_through and saved["feature_names"] == features.names()
    # one distribution around the regressor's mean, its errors from the holdout (out of sample)
    dist = saved["distribution"]
    assert dist.source == "out_of_sample" and dist.n == tr.holdout_rows
    assert "over_classifier" not in saved and saved["blend_weight"] is None  # no real lines to blend with


def test_cli_backtest_bad_input_exits_2(empty_warehouse, monkeypatch, capsys):
    from nbaprops import cli

    for argv in (["backtest", "--start-date", "2024-02-01", "--end-date", "2024-01-01"], ["backtest"], ["train"]):
        monkeypatch.setattr("sys.argv", ["nbaprops", "--warehouse", str(empty_warehouse), *argv])
        with pytest.raises(SystemExit) as exc:
            cli.main()
        assert exc.value.code == 2, argv


# -- the feature-group ablation ---------------------------------------------------------------
def test_ablation_runs_without_each_group_on_the_same_rows(pipeline, real_run):
    from nbaprops.model.ablation import ALL, render_ablation, run_ablation

    res, _, _ = real_run
    with Warehouse.open(pipeline, read_only=True) as wh:
        ab = run_ablation(
            wh,
            BT_START,
            BT_END,
            groups=["scoring", "prop_lines"],
            min_train_rows=2000,
            reg_params=FAST["reg_params"],
            clf_params=FAST["clf_params"],
        )
        with pytest.raises(BadInputError):
            run_ablation(wh, BT_START, BT_END, groups=["no_such_group"])
    assert [r.variant for r in ab.runs] == [ALL, "without scoring", "without prop_lines"]
    n_all = len(features.FEATURES)
    scoring = [f.name for f in features.FEATURES if f.group == "scoring"]
    assert ab.runs[0].n_inputs == n_all and ab.runs[1].n_inputs == n_all - len(scoring)
    assert ab.runs[1].features == scoring
    base = ab.metric(ALL)
    # the same rows as the backtest, and the same model: with every feature it is the backtest
    assert base["n"] == res.overall["n"]
    assert base["mae"] == pytest.approx(res.overall["mae_model"])
    assert base["mae_last10"] == pytest.approx(res.overall["mae_last10"])
    for r in ab.runs:
        o, ol = ab.metric(r.variant), ab.metric(r.variant, population="line")
        assert o["n"] == base["n"] and 0 < ol["n"] < o["n"]
        assert o["ratio"] == pytest.approx(o["mae"] / o["mae_last10"])
        assert 0.1 < ol["brier"] < 0.3 and math.isnan(o["brier"])
        assert [m["scope"] for m in r.metrics if m["population"] == "played"] == ["overall", "2023-24"]
    # leaving a group out changes the model (the columns really are left out)
    assert ab.metric("without scoring")["mae"] != base["mae"]
    assert ab.verdict("scoring") in ("helps", "hurts", "no measurable effect")
    md = render_ablation(ab)
    assert "| without prop_lines |" in md and "2023-24" in md and "**scoring**" in md


def test_cli_backtest_bad_options_exit_2(empty_warehouse, monkeypatch):
    from nbaprops import cli

    for argv in (
        ["backtest", "--learner", "xgboost"],
        ["backtest", "--full-refit-months", "0"],
        ["backtest", "--groups", "scoring"],
        ["backtest", "--ablation", "--canary"],
        ["backtest", "--threads", "0"],
        ["backtest", "--threads", "two"],
    ):
        monkeypatch.setattr("sys.argv", ["nbaprops", "--warehouse", str(empty_warehouse), *argv])
        with pytest.raises(SystemExit) as exc:
            cli.main()
        assert exc.value.code == 2, argv
