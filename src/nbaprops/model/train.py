"""`nbaprops train`: fit the points model on every labelled row up to a date and save it, after one
honest holdout score (the walk-forward backtest is the real evaluation). The model is the
regressor (the mean) and the points distribution around it (model/distribution.py: the
projection and P(over) for any line), whose errors come from the holdout: a model fitted on the
rows before the last `holdout_days` days, scored on those days."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from .. import pricing
from ..errors import BadInputError
from ..warehouse import Warehouse
from .board import MIN_BLEND_ROWS, market_no_vig
from .coverage import Coverage, training_coverage
from .data import FeatureRows, day, feature_columns, last_date, load_feature_rows, to_date
from .distribution import BINS, MIN_PER_BIN, PointsDistribution
from .estimators import MIN_TRAIN_ROWS, REG_PARAMS, THREADS, fit_regressor, limited_threads, model_version
from .metrics import mae_rmse

# what the saved model's version hashes besides the regressor: how its distribution is built
DISTRIBUTION_SETTINGS = {"kind": "binned_out_of_sample_errors", "bins": BINS, "min_per_bin": MIN_PER_BIN}
HOLDOUT_DAYS = 30


@dataclass
class FittedModel:
    """The regressor on the labelled rows given, its distribution, and the holdout's scores."""

    regressor: object
    inputs: np.ndarray  # boolean mask of the columns the regressor uses
    distribution: PointsDistribution
    in_sample_mae: float
    holdout_start: date | None
    holdout_rows: int
    holdout_mae: float
    holdout_mae_last10: float
    blend_weight: float | None = None  # the model's weight against the market (pricing.blend); None: too few real lines
    blend_rows: int = 0


def fit_points_model(
    rows: FeatureRows,
    lab: np.ndarray,
    end: date,
    *,
    holdout_days: int = HOLDOUT_DAYS,
    min_train_rows: int,
    market: np.ndarray | None = None,
) -> FittedModel:
    """Fit on the labelled rows `lab` (all dated up to `end`). First one honest holdout: a model fitted
    on the rows before the last `holdout_days` days, scored on those days; its errors there are the
    distribution's (out of sample). Without a holdout (too few rows before it) the final model's
    in-sample errors stand in (optimistic; the distribution says so). `market`: per row, the no-vig
    P(over) of a real priced line (NaN elsewhere; board.market_no_vig): with MIN_BLEND_ROWS of them
    in the holdout, the blend weight of model and market is fitted there (pricing.fit_blend_weight)."""
    h_start = end - timedelta(days=holdout_days - 1)
    tr, ho = lab & (rows.game_date < day(h_start)), lab & (rows.game_date >= day(h_start))
    h_mae = h_l10 = float("nan")
    dist = None
    blend: tuple[float | None, int] = (None, 0)
    if tr.sum() >= min_train_rows and ho.any():
        m, k = fit_regressor(rows.X[tr], rows.points[tr], REG_PARAMS)
        ho_mean = m.predict(rows.X[ho][:, k])
        h_mae = mae_rmse(ho_mean, rows.points[ho])[0]
        h_l10 = mae_rmse(rows.last10[ho], rows.points[ho])[0]
        dist = PointsDistribution.fit(ho_mean, rows.points[ho])
        if market is not None:
            priced = np.isfinite(market[ho]) & np.isfinite(rows.line[ho]) & np.isfinite(rows.over[ho])
            if priced.sum() >= MIN_BLEND_ROWS:
                p_model = dist.p_over(ho_mean[priced], rows.line[ho][priced])
                weight = pricing.fit_blend_weight(p_model, market[ho][priced], rows.over[ho][priced])
                blend = (weight, int(priced.sum()))
    reg, keep = fit_regressor(rows.X[lab], rows.points[lab], REG_PARAMS)
    in_mean = reg.predict(rows.X[lab][:, keep])
    if dist is None:
        dist = PointsDistribution.fit(in_mean, rows.points[lab], source="in_sample")
    return FittedModel(
        reg,
        keep,
        dist,
        mae_rmse(in_mean, rows.points[lab])[0],
        h_start if ho.any() and not np.isnan(h_mae) else None,
        int(ho.sum()) if not np.isnan(h_mae) else 0,
        h_mae,
        h_l10,
        *blend,
    )


def model_file(fitted: FittedModel, cols: list[str], trained_through: date, train_rows: int) -> dict:
    """What a saved model holds (train writes it, predict --fit builds the same in memory)."""
    return {
        "model_version": model_version(cols, REG_PARAMS, DISTRIBUTION_SETTINGS),
        "feature_names": cols,
        "trained_through": trained_through,
        "regressor": fitted.regressor,
        "regressor_inputs": [c for c, k in zip(cols, fitted.inputs) if k],
        "distribution": fitted.distribution,
        "blend_weight": fitted.blend_weight,
        "blend_rows": fitted.blend_rows,
        "train_rows": train_rows,
    }


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
    blend_weight: float | None = None  # the model's weight against the market; None: too few real lines
    blend_rows: int = 0


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
    """Fit the points model (fit_points_model) on every labelled row up to `end` and save it (joblib)
    under <warehouse folder>/models/."""
    import joblib

    t_all = time.perf_counter()
    if end is None:
        end = last_date(wh)
    cols = feature_columns()
    rows = load_feature_rows(wh, end, cols)
    lab = rows.labelled
    if lab.sum() < min_train_rows:
        raise BadInputError(
            f"only {int(lab.sum())} labelled rows up to {end} (< {min_train_rows}): backfill more dates"
        )
    market = market_no_vig(wh, rows.player_lookup, rows.game_date)
    fitted = fit_points_model(rows, lab, end, holdout_days=holdout_days, min_train_rows=min_train_rows, market=market)
    last = to_date(rows.game_date[lab].max())
    saved = model_file(fitted, cols, last, int(lab.sum()))
    version = saved["model_version"]
    out_dir = Path(out_dir) if out_dir else Path(wh.path).parent / "models"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{version}_through_{last}.joblib"
    coverage = training_coverage(wh, through=end)
    joblib.dump(
        {
            **saved,
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
        fitted.in_sample_mae,
        fitted.holdout_start,
        fitted.holdout_rows,
        fitted.holdout_mae,
        fitted.holdout_mae_last10,
        path,
        time.perf_counter() - t_all,
        coverage,
        fitted.blend_weight,
        fitted.blend_rows,
    )
