"""The market blend of the saved model (train.fit_points_model): its weight is fitted on the
holdout's real, priced lines, leans on the model when the market knows nothing and on the market
when the market knows the truth, and is absent with too few real lines. Constructed rows
(test_model_walk_forward.synthetic_rows: points ≈ 2·x0 + N(0, 3))."""

from __future__ import annotations

from datetime import date
from math import erf, sqrt

import numpy as np
from test_model_walk_forward import synthetic_rows

from nbaprops.model.board import MIN_BLEND_ROWS
from nbaprops.model.train import fit_points_model

END = date(2024, 3, 31)


def _fit(market: np.ndarray | None):
    rows = synthetic_rows()
    return fit_points_model(rows, rows.labelled, END, holdout_days=30, min_train_rows=600, market=market)


def test_the_blend_weight_follows_what_the_market_knows():
    rows = synthetic_rows()
    x0, line = rows.X[:, 0], rows.line
    truth = np.array([0.5 * (1 - erf((li - 2 * x) / (3 * sqrt(2)))) if li == li else np.nan for x, li in zip(x0, line)])
    noise = np.random.default_rng(1).uniform(0.15, 0.85, rows.n)
    blind = _fit(np.where(np.isnan(line), np.nan, noise))  # a market that knows nothing: noise
    wise = _fit(truth)  # a market that knows the true probability
    assert blind.blend_weight is not None and wise.blend_weight is not None
    assert blind.blend_rows >= MIN_BLEND_ROWS
    assert blind.blend_weight >= 0.6 > 0.3 >= wise.blend_weight, (blind.blend_weight, wise.blend_weight)


def test_no_blend_with_too_few_real_lines():
    market = np.full(synthetic_rows().n, np.nan)
    market[: MIN_BLEND_ROWS // 2] = 0.5
    fitted = _fit(market)
    assert fitted.blend_weight is None and fitted.blend_rows == 0
    assert _fit(None).blend_weight is None
