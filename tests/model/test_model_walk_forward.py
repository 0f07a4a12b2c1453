"""walk_forward.py: month blocks, the residual probability, and the protocol on synthetic rows."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from nbaprops.model.data import FeatureRows
from nbaprops.model.estimators import learner_params
from nbaprops.model.walk_forward import month_blocks, p_over_from_residuals, walk_forward


def tiny(learner: str = "lightgbm", **kw) -> dict:
    """Few, fast boosting rounds (and warm starts of 5 rounds) for the learner."""
    rounds = {"lightgbm": "n_estimators", "hgb": "max_iter"}[learner]
    reg, clf = learner_params(
        learner,
        {rounds: 15, "learning_rate": 0.3, "warm_trees": 5},
        {rounds: 10, "learning_rate": 0.3, "warm_trees": 5},
    )
    return dict(reg_params=reg, clf_params=clf, learner=learner, **kw)


TINY = tiny()


def test_month_blocks_cover_the_range_without_overlap():
    blocks = month_blocks(date(2023, 12, 15), date(2024, 2, 10))
    assert blocks == [
        (date(2023, 12, 15), date(2023, 12, 31)),
        (date(2024, 1, 1), date(2024, 1, 31)),
        (date(2024, 2, 1), date(2024, 2, 10)),
    ]
    assert month_blocks(date(2024, 2, 10), date(2024, 2, 10)) == [(date(2024, 2, 10), date(2024, 2, 10))]


def test_p_over_from_residuals_is_the_share_of_residuals_above_line_minus_prediction():
    resid = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    p = p_over_from_residuals(np.array([10.0, 10.0, 10.0, 10.0]), np.array([10.5, 8.0, 12.0, np.nan]), resid)
    # P(r > 0.5) = 2/5; P(r > -2) = 4/5; P(r > 2) = 0; no line → NaN
    np.testing.assert_allclose(p[:3], [0.4, 0.8, 0.0])
    assert np.isnan(p[3])
    assert np.isnan(p_over_from_residuals(np.array([1.0]), np.array([1.5]), np.array([]))).all()


def synthetic_rows(days: int = 92, per_day: int = 80, seed: int = 0) -> FeatureRows:
    """Three months from 2024-01-01: points ≈ 2·x0 + noise, x1 empty in January, a line on 2 rows
    in 3, a tenth of the players did not play."""
    rng = np.random.default_rng(seed)
    n = days * per_day
    game_date = np.repeat(np.arange(np.datetime64("2024-01-01"), np.datetime64("2024-01-01") + days), per_day)
    x0 = rng.uniform(0, 15, n)
    x1 = rng.uniform(0, 1, n)
    x1[game_date < np.datetime64("2024-02-01")] = np.nan
    played = rng.uniform(size=n) > 0.1
    points = np.where(played, np.round(2 * x0 + rng.normal(0, 3, n)), np.nan)
    line = np.where(np.arange(n) % 3 != 0, np.floor(2 * x0) + 0.5, np.nan)
    over = np.where(played & ~np.isnan(line), (points > line).astype(float), np.nan)
    return FeatureRows(
        player_lookup=np.array([f"p{i % per_day}" for i in range(n)], dtype=object),
        game_id=np.array([f"g{i // 10}" for i in range(n)], dtype=object),
        game_date=game_date,
        season_year=np.full(n, 2023),
        X=np.column_stack([x0, x1]),
        cols=["x0", "x1"],
        points=points,
        played=played,
        over=over,
        line=line,
        last10=2 * x0,
        season_avg=np.full(n, 15.0),
    )


@pytest.mark.parametrize("learner", ["lightgbm", "hgb"])
def test_blocks_train_only_on_earlier_rows_and_skip_short_histories(learner):
    rows = synthetic_rows()
    seen = []
    wf = walk_forward(
        rows, date(2024, 1, 15), date(2024, 3, 31), min_train_rows=600, on_block=seen.append, **tiny(learner)
    )
    assert seen == wf.blocks
    assert [(b.block_start, b.status) for b in wf.blocks] == [
        (date(2024, 1, 15), "predicted"),
        (date(2024, 2, 1), "predicted"),
        (date(2024, 3, 1), "predicted"),
    ]
    first = wf.blocks[0]
    assert first.train_rows == int(rows.labelled[rows.game_date < np.datetime64("2024-01-15")].sum())
    assert first.train_last == date(2024, 1, 14) and first.train_first == date(2024, 1, 1)
    assert "x1" in first.note and wf.blocks[2].note == ""  # x1 has no value before February
    p = wf.predicted
    assert (rows.game_date[p] >= np.datetime64("2024-01-15")).all()
    assert (wf.trained_through[p] < wf.block_start[p]).all() and (wf.block_start[p] <= rows.game_date[p]).all()
    assert not np.isnan(wf.p_res[p & ~np.isnan(rows.line)]).any()
    assert np.isnan(wf.p_res[p & np.isnan(rows.line)]).all() and np.isnan(wf.p_clf[p & np.isnan(rows.line)]).all()
    # the projection and P(over) come from one distribution: never opposite ways, P(over) on every lined row
    lined = p & ~np.isnan(rows.line)
    assert not np.isnan(wf.p_over[lined]).any() and np.isnan(wf.p_over[p & np.isnan(rows.line)]).all()
    assert not np.any((wf.pred[lined] - rows.line[lined]) * (wf.p_over[lined] - 0.5) < 0)
    assert np.isnan(wf.p_clf[p]).all()  # no separate classifier unless asked
    # the constant forecast to beat: the training rows' over rate
    jan = rows.has_over & (rows.game_date < np.datetime64("2024-01-15"))
    assert wf.p_base[p][0] == pytest.approx(rows.over[jan].mean())
    # a model of 2·x0 + noise beats the season average handily
    ev = p & rows.labelled
    assert np.abs(wf.pred[ev] - rows.points[ev]).mean() < 0.5 * np.abs(15.0 - rows.points[ev]).mean()

    short = walk_forward(rows, date(2024, 1, 15), date(2024, 2, 29), min_train_rows=2000, **TINY)
    assert [b.status for b in short.blocks] == ["skipped", "predicted"]
    assert np.isnan(short.pred[rows.game_date < np.datetime64("2024-02-01")]).all()
    assert short.blocks[0].train_first is None and "< 2000" in short.blocks[0].note


@pytest.mark.parametrize("learner", ["lightgbm", "hgb"])
def test_a_block_ignores_the_outcomes_of_its_own_and_later_months(learner):
    rows = synthetic_rows()
    wf = walk_forward(rows, date(2024, 2, 1), date(2024, 3, 31), min_train_rows=600, **tiny(learner))
    later = rows.game_date >= np.datetime64("2024-02-01")
    rows.points[later] += 17
    rows.over[later] = 1 - rows.over[later]
    again = walk_forward(rows, date(2024, 2, 1), date(2024, 3, 31), min_train_rows=600, **tiny(learner))
    feb = rows.game_date < np.datetime64("2024-03-01")
    np.testing.assert_array_equal(wf.pred[feb], again.pred[feb])
    np.testing.assert_array_equal(wf.p_over[feb], again.p_over[feb])
    assert not np.array_equal(wf.pred[~feb & later], again.pred[~feb & later])  # March learns from February


def test_months_without_rows_make_no_block():
    rows = synthetic_rows(days=31)
    wf = walk_forward(rows, date(2024, 2, 1), date(2024, 3, 31), min_train_rows=10, **TINY)
    assert wf.blocks == [] and not wf.predicted.any()


@pytest.mark.parametrize("learner", ["lightgbm", "hgb"])
def test_warm_starts_continue_the_previous_model_and_full_refits_follow_the_schedule(learner):
    rows = synthetic_rows(days=152)  # January .. May
    full = walk_forward(
        rows, date(2024, 3, 1), date(2024, 5, 31), min_train_rows=600, **tiny(learner, full_refit_months=1)
    )
    warm = walk_forward(
        rows, date(2024, 3, 1), date(2024, 5, 31), min_train_rows=600, **tiny(learner, full_refit_months=2)
    )
    assert [b.refit for b in full.blocks] == ["full"] * 3
    assert [b.refit for b in warm.blocks] == ["full", "warm", "full"]
    mar = rows.game_date < np.datetime64("2024-04-01")
    apr = ~mar & (rows.game_date < np.datetime64("2024-05-01"))
    may = rows.game_date >= np.datetime64("2024-05-01")
    # the regressors' means (the projection also carries each month's distribution of earlier errors)
    np.testing.assert_array_equal(full.mean[mar], warm.mean[mar])  # both fitted from scratch
    np.testing.assert_array_equal(full.mean[may], warm.mean[may])
    assert not np.array_equal(full.mean[apr], warm.mean[apr])  # April: 5 rounds more, not a new model
    # April's warm model has trained on March's outcomes: scrambling them moves April
    scrambled = synthetic_rows(days=152)
    in_march = (scrambled.game_date >= np.datetime64("2024-03-01")) & mar
    scrambled.points[in_march] += 17
    again = walk_forward(
        scrambled, date(2024, 3, 1), date(2024, 5, 31), min_train_rows=600, **tiny(learner, full_refit_months=2)
    )
    np.testing.assert_array_equal(warm.mean[mar], again.mean[mar])
    assert np.nanmean(again.mean[apr]) > np.nanmean(warm.mean[apr]) + 1
    ev = warm.predicted & rows.labelled
    assert np.abs(warm.pred[ev] - rows.points[ev]).mean() < 0.5 * np.abs(15.0 - rows.points[ev]).mean()


def test_a_column_that_gains_values_forces_a_full_refit():
    """x1 is empty in January: February's model continues January's (same inputs); March's has x1
    as well, so it starts afresh."""
    rows = synthetic_rows()
    wf = walk_forward(rows, date(2024, 1, 15), date(2024, 3, 31), min_train_rows=600, **tiny(full_refit_months=4))
    assert [b.refit for b in wf.blocks] == ["full", "warm", "full"]
    assert "x1" in wf.blocks[0].note and "x1" in wf.blocks[1].note and wf.blocks[2].note == ""


def test_a_column_mask_leaves_features_out():
    rows = synthetic_rows()
    only_x1 = walk_forward(
        rows, date(2024, 3, 1), date(2024, 3, 31), min_train_rows=600, columns=np.array([False, True]), **TINY
    )
    both = walk_forward(rows, date(2024, 3, 1), date(2024, 3, 31), min_train_rows=600, **TINY)
    ev = both.predicted & rows.labelled
    # x1 is noise: without x0 the model cannot follow 2·x0
    assert np.abs(only_x1.pred[ev] - rows.points[ev]).mean() > 2 * np.abs(both.pred[ev] - rows.points[ev]).mean()
