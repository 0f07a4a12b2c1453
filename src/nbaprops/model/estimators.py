"""The two estimators of the baseline — a HistGradientBoostingRegressor for points and a
HistGradientBoostingClassifier for over/under — their settings, their version id and how they
are fitted; shared by the walk-forward backtest and `train`."""

from __future__ import annotations

import contextlib
import hashlib
import json
from typing import Iterator

import numpy as np

from .. import features
from .data import usable_columns

MODEL_NAME = "hgb_points"
MIN_TRAIN_ROWS = 20000   # ≈ three quarters of a season of labelled player-games
MIN_CLF_ROWS = 500
# OpenMP threads for the fits. 1 by default: on a small, busy machine libgomp's barrier spinning
# made a 2-thread fit ~10x slower than a 1-thread one (measured on the 2-core CI box).
THREADS = 1

REG_PARAMS = dict(loss="squared_error", learning_rate=0.05, max_iter=250, max_leaf_nodes=31,
                  min_samples_leaf=50, l2_regularization=1.0, early_stopping=False, random_state=0)
CLF_PARAMS = dict(loss="log_loss", learning_rate=0.05, max_iter=200, max_leaf_nodes=31,
                  min_samples_leaf=100, l2_regularization=1.0, early_stopping=False, random_state=0)


def model_version(cols: list[str], reg_params: dict, clf_params: dict) -> str:
    """Changes whenever the inputs, the settings or scikit-learn's minor version change."""
    import sklearn

    blob = json.dumps({"features": cols, "reg": reg_params, "clf": clf_params,
                       "sklearn": sklearn.__version__.split(".")[:2]}, sort_keys=True)
    return f"{MODEL_NAME}-{features.FEATURE_VERSION}-{hashlib.sha1(blob.encode()).hexdigest()[:8]}"


@contextlib.contextmanager
def limited_threads(threads: int | None) -> Iterator[None]:
    """Cap the OpenMP threads of the fits (None: no cap)."""
    import sklearn.ensemble  # noqa: F401  (load libgomp first, so the limit below reaches it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="openmp"):
        yield


def fit_regressor(X: np.ndarray, points: np.ndarray, params: dict):
    """The points regressor on the columns of X that hold a value; returns (model, columns).

    A column with no value at all in the training rows (e.g. usage in a season without full box
    scores) carries nothing; it is left out of the fit, and of every prediction of this model."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    keep = usable_columns(X)
    return HistGradientBoostingRegressor(**params).fit(X[:, keep], points), keep


def fit_over_classifier(X: np.ndarray, over: np.ndarray, params: dict):
    """The over/under classifier on the columns of X that hold a value; returns (model, columns).
    The model is None with fewer than MIN_CLF_ROWS rows or a single class (nothing to learn)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    keep = usable_columns(X)
    if len(over) < MIN_CLF_ROWS or len(np.unique(over)) != 2:
        return None, keep
    return HistGradientBoostingClassifier(**params).fit(X[:, keep], over), keep
