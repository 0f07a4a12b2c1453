"""The learner's settings: how many threads the backtest takes, and that the number of threads
does not change a prediction (so `--threads auto` gives the same model on any machine)."""

from __future__ import annotations

import numpy as np
import pytest

from nbaprops.model.estimators import (
    LGB_CLF_PARAMS,
    LGB_REG_PARAMS,
    auto_threads,
    busy_cores,
    fit_over_classifier,
    fit_regressor,
    limited_threads,
)


@pytest.mark.parametrize(
    "cpus,busy,want",
    [
        (2, 0.0, 2),
        (2, 0.3, 2),
        (2, 0.97, 1),
        (2, 1.0, 1),
        (2, 1.9, 1),
        (2, 7.5, 1),
        (8, 2.4, 6),
        (1, 0.0, 1),
        (4, 0.0, 4),
    ],
)
def test_auto_threads_takes_the_cores_not_busy(cpus, busy, want):
    assert auto_threads(cpus, busy) == want


def test_busy_cores_sees_a_busy_process():
    """A process spinning on one core shows as about one busy core (the sample, not the load average)."""
    import multiprocessing as mp
    import os

    idle = busy_cores(0.3)
    stop = mp.Event()
    p = mp.Process(target=_spin, args=(stop,))
    p.start()
    try:
        busy = busy_cores(0.5)
    finally:
        stop.set()
        p.join()
    assert 0.0 <= idle <= (os.cpu_count() or 1) + 0.01
    assert busy >= idle + 0.5 or busy >= 0.8, (idle, busy)


def _spin(stop) -> None:
    while not stop.is_set():
        pass


def _rows(n: int = 6000, k: int = 12, seed: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    X[rng.random(size=(n, k)) < 0.1] = np.nan  # missing values, as in the store
    y = 12 + 4 * np.nan_to_num(X[:, 0]) - 2 * np.nan_to_num(X[:, 1]) ** 2 + rng.normal(scale=3, size=n)
    return X, y


def test_one_or_two_threads_give_the_same_predictions():
    X, y = _rows()
    over = (y > np.median(y)).astype(int)
    preds = []
    for threads in (1, 2):
        with limited_threads(threads):
            reg, keep = fit_regressor(X, y, LGB_REG_PARAMS, threads=threads)
            warm, _ = fit_regressor(X, y, LGB_REG_PARAMS, warm_from=reg, keep=keep, threads=threads)
            clf, ckeep = fit_over_classifier(X, over, LGB_CLF_PARAMS, threads=threads)
        preds.append((reg.predict(X[:, keep]), warm.predict(X[:, keep]), clf.predict_proba(X[:, ckeep])[:, 1]))
    for a, b in zip(*preds):
        assert np.array_equal(a, b)
