"""metrics.py against hand computations on a few rows."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from nbaprops.model import metrics as mt

NAN = float("nan")


def test_mae_rmse_by_hand():
    mae, rmse = mt.mae_rmse(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 5.0]))  # errors -1, 0, -2
    assert mae == pytest.approx(1.0)
    assert rmse == pytest.approx(math.sqrt(5 / 3))
    assert all(math.isnan(x) for x in mt.mae_rmse(np.array([]), np.array([])))


def _scored() -> mt.Scored:
    return mt.Scored(
        points=np.array([10.0, 20.0, 30.0, 40.0]),
        pred=np.array([12.0, 18.0, 30.0, 0.0]),
        last10=np.array([10.0, 25.0, 27.0, 0.0]),
        season_avg=np.array([14.0, 20.0, 30.0, 0.0]),
        line=np.array([10.5, NAN, 29.5, 0.5]),
    )


def test_metric_row_compares_on_the_selected_rows_and_the_line_rows():
    rows = np.array([True, True, True, False])  # the last row is not evaluated
    r = mt.metric_row("overall", "all", rows, _scored())
    assert (r["scope_kind"], r["scope"], r["n"], r["n_line"]) == ("overall", "all", 3, 2)
    assert r["mae_model"] == pytest.approx((2 + 2 + 0) / 3)
    assert r["rmse_model"] == pytest.approx(math.sqrt((4 + 4 + 0) / 3))
    assert r["mae_last10"] == pytest.approx((0 + 5 + 3) / 3)
    assert r["rmse_season_avg"] == pytest.approx(math.sqrt(16 / 3))
    # rows 0 and 2 have a line
    assert r["mae_line"] == pytest.approx((0.5 + 0.5) / 2)
    assert r["mae_model_line_rows"] == pytest.approx((2 + 0) / 2)
    assert r["mae_last10_line_rows"] == pytest.approx((0 + 3) / 2)
    assert r["rmse_model_line_rows"] == pytest.approx(math.sqrt(4 / 2))


def test_metric_row_without_rows_is_nan_not_an_error():
    r = mt.metric_row("month", "2024-01", np.zeros(4, dtype=bool), _scored())
    assert r["n"] == r["n_line"] == 0 and math.isnan(r["mae_model"]) and math.isnan(r["rmse_line"])


def test_scope_metrics_overall_then_seasons_then_months():
    s = _scored()
    evaluated = np.array([True, True, True, False])
    season = np.array([2023, 2023, 2024, 2024])
    days = np.array(["2024-03-30", "2024-04-02", "2024-10-25", "2024-11-01"], dtype="datetime64[D]")
    rows = mt.scope_metrics(evaluated, season, days, s, date(2024, 3, 1), date(2024, 11, 30))
    assert [(r["scope_kind"], r["scope"], r["n"]) for r in rows] == [
        ("overall", "2024-03-01 .. 2024-11-30", 3),
        ("season", "2023-24", 2),
        ("season", "2024-25", 1),
        ("month", "2024-03", 1),
        ("month", "2024-04", 1),
        ("month", "2024-10", 1),
    ]
    assert rows[1]["mae_model"] == pytest.approx(2.0) and rows[2]["mae_model"] == 0.0
    assert mt.season_label(1999) == "1999-00"


def test_reliability_bins_by_hand():
    p = np.array([0.05, 0.15, 0.1, 0.95, 1.0])
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    bins = mt.reliability_bins(p, y)
    assert len(bins) == mt.PROB_BINS
    assert [b["n"] for b in bins] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2]  # 0.1 opens the second bin; 1.0 is in the last
    assert bins[1]["bin"] == "0.1-0.2" and (bins[1]["lo"], bins[1]["hi"]) == pytest.approx((0.1, 0.2))
    assert bins[1]["mean_predicted"] == pytest.approx(0.125) and bins[1]["observed_over_rate"] == 0.5
    assert math.isnan(bins[2]["mean_predicted"]) and math.isnan(bins[2]["observed_over_rate"])


def test_probability_scores_by_hand():
    p, y, base = np.array([0.8, 0.3]), np.array([1.0, 0.0]), np.array([0.5, 0.5])
    s = mt.probability_scores(p, y, base)
    assert s["n"] == 2
    assert s["brier"] == pytest.approx((0.2**2 + 0.3**2) / 2)
    assert s["brier_base_rate"] == pytest.approx(0.25)
    assert s["log_loss"] == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    assert s["log_loss_base_rate"] == pytest.approx(math.log(2))
    assert s["pick_accuracy"] == 1.0 and s["always_under_accuracy"] == 0.5 and s["observed_over_rate"] == 0.5
    assert s["ece"] == pytest.approx((0.2 + 0.3) / 2)  # one row per bin: |0.8 - 1|, |0.3 - 0|
    # a certain miss stays finite (clipped), and costs far more than a hedge
    sure = mt.probability_scores(np.array([0.0]), np.array([1.0]), np.array([0.5]))
    assert math.isfinite(sure["log_loss"]) and sure["log_loss"] > 10


def test_over_under_scores_use_only_rows_with_every_value():
    evaluated = np.array([True, True, True, True, False])
    over = np.array([1.0, 0.0, NAN, 1.0, 1.0])
    base = np.array([0.5, 0.5, 0.5, NAN, 0.5])
    p = np.array([0.8, 0.3, 0.9, 0.9, 0.9])
    bins, scores = mt.over_under_scores(evaluated, over, base, {"a": p, "b": np.array([0.8, NAN, 0.9, 0.9, 0.9])})
    assert scores["a"]["n"] == 2 and scores["a"]["brier"] == pytest.approx((0.04 + 0.09) / 2)
    assert scores["b"]["n"] == 1 and sum(b["n"] for b in bins["b"]) == 1
