"""`nbaprops train`: fit the baseline on every labelled row up to a date and save it, after one
honest holdout score (the walk-forward backtest is the real evaluation)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..errors import BadInputError
from ..warehouse import Warehouse
from .coverage import Coverage, training_coverage
from .data import day, default_range, feature_columns, load_feature_rows, to_date
from .estimators import (
    CLF_PARAMS,
    MIN_TRAIN_ROWS,
    REG_PARAMS,
    THREADS,
    fit_over_classifier,
    fit_regressor,
    limited_threads,
    model_version,
)
from .metrics import mae_rmse


@dataclass
class TrainResult:
    model_version: str
    trained_through: date
    train_rows: int
    in_sample_mae: float  # optimistic by construction
    holdout_start: date | None
    holdout_rows: int
    holdout_mae: float
    holdout_mae_last10: float
    path: Path
    seconds: float
    coverage: Coverage | None = None  # the training rows' real shares, as the model file records them


def train_model(
    wh: Warehouse,
    end: date | None = None,
    *,
    holdout_days: int = 30,
    out_dir: Path | None = None,
    threads: int | None = THREADS,
    min_train_rows: int = MIN_TRAIN_ROWS,
) -> TrainResult:
    """See _train_model."""
    with limited_threads(threads):
        return _train_model(wh, end, holdout_days=holdout_days, out_dir=out_dir, min_train_rows=min_train_rows)


def _train_model(
    wh: Warehouse, end: date | None, *, holdout_days: int, out_dir: Path | None, min_train_rows: int = MIN_TRAIN_ROWS
) -> TrainResult:
    """Fit the regressor and the over/under classifier on every labelled row up to `end` and
    save them (joblib) under <warehouse folder>/models/. Before the final fit, one honest
    holdout: fit on the rows before the last `holdout_days` days, score those days."""
    import joblib

    t_all = time.perf_counter()
    if end is None:
        end = default_range(wh)[1]
    cols = feature_columns()
    version = model_version(cols, REG_PARAMS, CLF_PARAMS)
    rows = load_feature_rows(wh, end, cols)
    lab = rows.labelled
    if lab.sum() < min_train_rows:
        raise BadInputError(
            f"only {int(lab.sum())} labelled rows up to {end} (< {min_train_rows}): backfill more dates"
        )
    h_start = end - timedelta(days=holdout_days - 1)
    tr, ho = lab & (rows.game_date < day(h_start)), lab & (rows.game_date >= day(h_start))
    h_mae = h_l10 = float("nan")
    if tr.sum() >= min_train_rows and ho.any():
        m, k = fit_regressor(rows.X[tr], rows.points[tr], REG_PARAMS)
        h_mae = mae_rmse(m.predict(rows.X[ho][:, k]), rows.points[ho])[0]
        h_l10 = mae_rmse(rows.last10[ho], rows.points[ho])[0]
    reg, keep = fit_regressor(rows.X[lab], rows.points[lab], REG_PARAMS)
    ins = mae_rmse(reg.predict(rows.X[lab][:, keep]), rows.points[lab])[0]
    has_over = rows.has_over
    clf, keep_c = fit_over_classifier(rows.X[has_over], rows.over[has_over], CLF_PARAMS)
    if not has_over.any():  # no classifier; the saved file lists the regressor's inputs
        keep_c = keep
    last = to_date(rows.game_date[lab].max())
    out_dir = Path(out_dir) if out_dir else Path(wh.path).parent / "models"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{version}_through_{last}.joblib"
    coverage = training_coverage(wh, through=end)
    joblib.dump(
        {
            "model_version": version,
            "feature_names": cols,
            "trained_through": last,
            "regressor": reg,
            "regressor_inputs": [c for c, k in zip(cols, keep) if k],
            "over_classifier": clf,
            "over_classifier_inputs": [c for c, k in zip(cols, keep_c) if k],
            "train_rows": int(lab.sum()),
            # what share of the training rows had real values per feature (predict checks D against it)
            "coverage": coverage.to_dict(),
            "note": "inputs: the named feature-store columns, as float64 with NaN for NULL, in the listed order",
        },
        path,
    )
    return TrainResult(
        version,
        last,
        int(lab.sum()),
        ins,
        h_start if ho.any() else None,
        int(ho.sum()),
        h_mae,
        h_l10,
        path,
        time.perf_counter() - t_all,
        coverage,
    )
