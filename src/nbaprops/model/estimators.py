"""The two estimators of the points model — a gradient-boosted regressor for points and a
gradient-boosted classifier for over/under — their learners, settings, version id and how they
are fitted (from scratch, or warm-started from the previous month's model); shared by the
walk-forward backtest, `train` and `predict`.

Two learners, chosen by measurement (docs/backtest_results.md, "Learner"):

* `lightgbm` (the default): LightGBM's LGBMRegressor / LGBMClassifier, 63 bins per feature.
  A warm start continues the previous booster with WARM_TREES more trees fitted on all the
  rows given (LightGBM's init_model: the old trees' predictions are the new trees' start).
* `hgb`: scikit-learn's HistGradientBoostingRegressor / Classifier (the first baseline); a warm
  start raises max_iter by WARM_TREES with warm_start=True on the new rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator

import numpy as np

from .. import features
from ..errors import BadInputError
from .data import usable_columns

LEARNERS = ("lightgbm", "hgb")
LEARNER = "lightgbm"
MODEL_NAMES = {"lightgbm": "lgbm_points", "hgb": "hgb_points"}
MODEL_NAME = MODEL_NAMES[LEARNER]
MIN_TRAIN_ROWS = 20000  # ≈ three quarters of a season of labelled player-games
MIN_CLF_ROWS = 500
# OpenMP threads for the fits. 1 for the library's functions: on a small, busy machine libgomp's
# barrier spinning made a 2-thread fit ~10x slower than a 1-thread one (measured on the 2-core CI
# box). The backtest command takes auto_threads() by default. The predictions do not depend on it
# (LightGBM deterministic, row-wise histograms: same predictions with 1 and 2 threads, tested).
THREADS = 1


def busy_cores(sample_seconds: float = 0.25) -> float:
    """How many cores other work keeps busy now: the machine's non-idle CPU time over a short
    sample (/proc/stat, Linux), else the 1-minute load average, else 0. The sample, not the load
    average: a load average still counts, for a minute, the work that has just ended (a backfill
    run right before the backtest)."""
    import os
    import time

    def times() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + (v[4] if len(v) > 4 else 0)  # total, idle + iowait

    try:
        t0, i0 = times()
        time.sleep(sample_seconds)
        t1, i1 = times()
        if t1 > t0:
            return (os.cpu_count() or 1) * (1 - (i1 - i0) / (t1 - t0))
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except OSError:  # no load average on this platform: assume nothing else runs
        return 0.0


def auto_threads(cpus: int | None = None, busy: float | None = None) -> int:
    """Threads for the fits on this machine now: its cores not busy with other work (busy_cores,
    rounded), at least 1. On the idle 2-core machine 2 threads ran the whole backtest in 78 s
    instead of 132 s; beside one busy process 2 spinning threads took 186 s (1 thread: 138 s,
    the work of one core, undisturbed)."""
    import os

    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    busy = busy_cores() if busy is None else busy
    return max(1, min(cpus, cpus - round(busy)))


# Warm starts of the walk-forward: a month's model continues the previous month's with
# WARM_TREES trees fitted on every labelled row before the month; every FULL_REFIT_MONTHS-th
# predicted month (and whenever the usable columns change) the model is fitted from scratch.
WARM_TREES = 30
FULL_REFIT_MONTHS = 4

HGB_REG_PARAMS = dict(
    loss="squared_error",
    learning_rate=0.05,
    max_iter=250,
    max_leaf_nodes=31,
    min_samples_leaf=50,
    l2_regularization=1.0,
    early_stopping=False,
    random_state=0,
)
HGB_CLF_PARAMS = dict(
    loss="log_loss",
    learning_rate=0.05,
    max_iter=200,
    max_leaf_nodes=31,
    min_samples_leaf=100,
    l2_regularization=1.0,
    early_stopping=False,
    random_state=0,
)
_LGB_COMMON = dict(
    num_leaves=31,
    max_bin=63,
    reg_lambda=1.0,
    subsample=1.0,
    colsample_bytree=1.0,
    random_state=0,
    deterministic=True,
    force_row_wise=True,
    verbose=-1,
)
# warm_trees: the rounds a warm start adds (not a LightGBM setting; taken out before the fit). The
# classifier learns faster and with fewer rounds than the regressor: it only serves P(over), and
# costs half the time of the regressor's settings at a Brier score 0.0007 worse (measured).
LGB_REG_PARAMS = dict(
    objective="regression",
    learning_rate=0.05,
    n_estimators=250,
    min_child_samples=50,
    warm_trees=WARM_TREES,
    **_LGB_COMMON,
)
LGB_CLF_PARAMS = dict(
    objective="binary", learning_rate=0.1, n_estimators=100, min_child_samples=100, warm_trees=15, **_LGB_COMMON
)
PARAMS: dict[str, tuple[dict, dict]] = {
    "lightgbm": (LGB_REG_PARAMS, LGB_CLF_PARAMS),
    "hgb": (HGB_REG_PARAMS, HGB_CLF_PARAMS),
}
REG_PARAMS, CLF_PARAMS = PARAMS[LEARNER]
# the setting that counts the boosting rounds, per learner
ROUNDS = {"lightgbm": "n_estimators", "hgb": "max_iter"}


def check_learner(learner: str) -> str:
    if learner not in LEARNERS:
        raise BadInputError(f"learner must be one of {', '.join(LEARNERS)}, got {learner!r}")
    return learner


def learner_params(learner: str, reg_params: dict | None = None, clf_params: dict | None = None) -> tuple[dict, dict]:
    """The learner's regressor and classifier settings with the given overrides on top."""
    reg, clf = PARAMS[check_learner(learner)]
    return {**reg, **(reg_params or {})}, {**clf, **(clf_params or {})}


def learner_version(learner: str) -> list[str]:
    """The library version that matters to a model's numbers (major.minor)."""
    if learner == "lightgbm":
        import lightgbm

        version = lightgbm.__version__
    else:
        import sklearn

        version = sklearn.__version__
    return version.split(".")[:2]


def model_version(
    cols: list[str], reg_params: dict, clf_params: dict, learner: str = LEARNER, refit: dict | None = None
) -> str:
    """Changes whenever the inputs, the learner or its settings, the refit schedule or the
    learner library's minor version change."""
    blob = json.dumps(
        {
            "features": cols,
            "reg": reg_params,
            "clf": clf_params,
            "learner": learner,
            "lib": learner_version(learner),
            **({"refit": refit} if refit else {}),
        },
        sort_keys=True,
    )
    return f"{MODEL_NAMES[learner]}-{features.FEATURE_VERSION}-{hashlib.sha1(blob.encode()).hexdigest()[:8]}"


@contextlib.contextmanager
def limited_threads(threads: int | None) -> Iterator[None]:
    """Cap the OpenMP threads of the fits (None: no cap)."""
    import sklearn.ensemble  # noqa: F401  (load libgomp first, so the limit below reaches it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="openmp"):
        yield


def _threads_param(learner: str, params: dict, threads: int | None) -> dict:
    if learner == "lightgbm" and "n_jobs" not in params:
        return {**params, "n_jobs": threads if threads else -1}
    return params


def _fit(kind: str, X: np.ndarray, y: np.ndarray, params: dict, learner: str, warm_from, threads: int | None):
    """A fresh model, or `warm_from` continued with WARM_TREES rounds (or params' warm_trees)."""
    params = dict(params)
    warm_trees = int(params.pop("warm_trees", WARM_TREES))
    if learner == "lightgbm":
        import lightgbm as lgb

        cls = lgb.LGBMRegressor if kind == "reg" else lgb.LGBMClassifier
        p = _threads_param(learner, params, threads)
        if warm_from is None:
            return cls(**p).fit(X, y)
        return cls(**{**p, "n_estimators": warm_trees}).fit(X, y, init_model=warm_from.booster_)
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    if warm_from is None:
        cls = HistGradientBoostingRegressor if kind == "reg" else HistGradientBoostingClassifier
        return cls(**params).fit(X, y)
    warm_from.set_params(warm_start=True, max_iter=warm_from.n_iter_ + warm_trees)
    return warm_from.fit(X, y)


def fit_regressor(
    X: np.ndarray,
    points: np.ndarray,
    params: dict,
    *,
    learner: str = LEARNER,
    warm_from=None,
    keep: np.ndarray | None = None,
    threads: int | None = THREADS,
):
    """The points regressor on the columns of X that hold a value; returns (model, columns).

    A column with no value at all in the training rows (e.g. usage in a season without full box
    scores) carries nothing; it is left out of the fit, and of every prediction of this model.
    warm_from: a model of the same learner fitted on the columns `keep`, continued on these rows
    (the caller checks that `keep` still holds)."""
    keep = usable_columns(X) if keep is None else keep
    return _fit("reg", X[:, keep], points, params, learner, warm_from, threads), keep


def fit_over_classifier(
    X: np.ndarray,
    over: np.ndarray,
    params: dict,
    *,
    learner: str = LEARNER,
    warm_from=None,
    keep: np.ndarray | None = None,
    threads: int | None = THREADS,
):
    """The over/under classifier on the columns of X that hold a value; returns (model, columns).
    The model is None with fewer than MIN_CLF_ROWS rows or a single class (nothing to learn)."""
    keep = usable_columns(X) if keep is None else keep
    if len(over) < MIN_CLF_ROWS or len(np.unique(over)) != 2:
        return None, keep
    return _fit("clf", X[:, keep], over, params, learner, warm_from, threads), keep
