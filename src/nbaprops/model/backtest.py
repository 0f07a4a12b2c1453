"""Phase 5: a gradient-boosted points model on the feature store, judged by an honest
walk-forward backtest. `run_backtest` composes the steps, one module each:

* data.py — the feature-store rows as arrays (inputs: the registry's features, never a label);
* estimators.py — the learner (LightGBM by default, scikit-learn's HistGradientBoosting the
  alternative), its settings and warm starts;
* walk_forward.py — monthly blocks, each fitted on every labelled row before it (from scratch, or
  the previous month's model continued on them), and each row's points distribution
  (distribution.py: the projection, its median, and P(over) from one distribution);
* metrics.py — MAE/RMSE beside the baselines on the same rows (last-10 average, season average,
  the pre-tip line — synthetic, see LINE_NOTE), overall / per season / per month; Brier, log loss
  and reliability of the probabilities;
* storage.py — predictions.player_points_predictions, the range replaced in one transaction;
* report.py — Markdown and report rows; train.py — `nbaprops train`;
  ablation.py — the backtest with and without each feature group.

The leakage canary (`leak=True`) adds the same-day outcome label_points as an input: the same
backtest must then look implausibly good; it never writes predictions.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import numpy as np

from ..errors import BadInputError, NbapropsError
from ..warehouse import Warehouse
from .data import FEATURE_TABLE, LEAK_FEATURE, FeatureRows, default_range, feature_columns, load_feature_rows
from .estimators import (
    CLF_PARAMS,
    FULL_REFIT_MONTHS,
    LEARNER,
    LEARNERS,
    MIN_CLF_ROWS,
    MIN_TRAIN_ROWS,
    MODEL_NAME,
    REG_PARAMS,
    THREADS,
    learner_params,
    limited_threads,
    model_version,
)
from .metrics import PROB_BINS, Scored, over_under_scores, scope_metrics
from .report import render_markdown, results_frame
from .storage import PREDICTIONS_TABLE, write_predictions
from .train import TrainResult, train_model
from .walk_forward import BlockInfo, WalkForward, month_blocks, walk_forward

__all__ = [
    "CLF_PARAMS",
    "FEATURE_TABLE",
    "FULL_REFIT_MONTHS",
    "LEAK_FEATURE",
    "LEARNER",
    "LEARNERS",
    "LINE_NOTE",
    "MIN_CLF_ROWS",
    "MIN_TRAIN_ROWS",
    "MODEL_NAME",
    "PREDICTIONS_TABLE",
    "PROB_BINS",
    "REG_PARAMS",
    "THREADS",
    "BacktestResult",
    "BlockInfo",
    "TrainResult",
    "default_range",
    "feature_columns",
    "model_version",
    "month_blocks",
    "render_markdown",
    "results_frame",
    "run_backtest",
    "train_model",
    "write_predictions",
]

LINE_NOTE = (
    "The points lines are synthetic (no real prop history is bundled): each book's line is "
    "floor(0.6 · last-10 mean + 0.4 · last-30 mean + noise) + 0.5, from games before D only. "
    "The line baseline is therefore roughly a smoothed average, not a market, and over/under "
    "hit rates against it say nothing about beating a sportsbook."
)


@dataclass
class BacktestResult:
    start: date
    end: date
    model_version: str
    leak: bool
    feature_names: list[str]
    blocks: list[BlockInfo]
    metrics: list[dict]  # scope_kind overall|season|month, scope, n, mae_*/rmse_* …
    calibration: dict[str, list[dict]]  # kind → bins
    probability_scores: dict[str, dict]  # kind → brier, log_loss, pick accuracy …
    timings: dict[str, float]
    run_id: str
    rows_written: int = 0
    notes: list[str] = field(default_factory=list)
    predictions: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    learner: str = LEARNER
    full_refit_months: int = FULL_REFIT_MONTHS

    @property
    def overall(self) -> dict:
        return next(m for m in self.metrics if m["scope_kind"] == "overall")

    def to_dict(self) -> dict:
        """Everything but the per-row predictions, JSON-ready (dates as ISO strings)."""
        d = asdict(self)
        d.pop("predictions")
        return json.loads(json.dumps(d, default=str))


def run_backtest(
    wh: Warehouse,
    start: date | None = None,
    end: date | None = None,
    *,
    leak: bool = False,
    write: bool = True,
    min_train_rows: int = MIN_TRAIN_ROWS,
    reg_params: dict | None = None,
    clf_params: dict | None = None,
    threads: int | None = THREADS,
    learner: str = LEARNER,
    full_refit_months: int = FULL_REFIT_MONTHS,
    classifier: bool = False,
    on_block: Callable[[BlockInfo], None] | None = None,
) -> BacktestResult:
    """Walk-forward backtest over [start, end] (default: second season's opening .. last date),
    monthly blocks, each fitted on every labelled row before the block (from scratch every
    `full_refit_months`-th month, warm-started between). Writes the predictions (unless
    write=False or leak=True) in one transaction."""
    with limited_threads(threads):
        return _run_backtest(
            wh,
            start,
            end,
            leak=leak,
            write=write,
            min_train_rows=min_train_rows,
            reg_params=reg_params,
            clf_params=clf_params,
            threads=threads,
            learner=learner,
            full_refit_months=full_refit_months,
            classifier=classifier,
            on_block=on_block,
        )


def _run_backtest(
    wh: Warehouse,
    start: date | None,
    end: date | None,
    *,
    leak: bool,
    write: bool,
    min_train_rows: int,
    reg_params: dict | None,
    clf_params: dict | None,
    threads: int | None,
    learner: str,
    full_refit_months: int,
    classifier: bool,
    on_block: Callable[[BlockInfo], None] | None,
) -> BacktestResult:
    t_all, c_all = time.perf_counter(), time.process_time()
    if leak and write:
        raise BadInputError("the leakage canary never writes predictions (use write=False)")
    if write and wh.read_only:
        raise NbapropsError("writing predictions needs the warehouse opened for writing")
    if full_refit_months < 1:
        raise BadInputError(f"the full refit interval must be 1 month or more, got {full_refit_months}")
    reg_params, clf_params = learner_params(learner, reg_params, clf_params)
    start, end = _resolve_range(wh, start, end)
    cols = feature_columns(leak=leak)
    version = model_version(cols, reg_params, clf_params, learner, {"full_refit_months": full_refit_months}) + (
        "-LEAK-CANARY" if leak else ""
    )
    run_id = datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]

    t0 = time.perf_counter()
    rows = load_feature_rows(wh, end, cols)
    t_load = time.perf_counter() - t0

    wf = walk_forward(
        rows,
        start,
        end,
        min_train_rows=min_train_rows,
        reg_params=reg_params,
        clf_params=clf_params,
        learner=learner,
        full_refit_months=full_refit_months,
        classifier=classifier,
        threads=threads,
        on_block=on_block,
    )
    result = evaluate(rows, wf, start, end, leak=leak, version=version, run_id=run_id)
    result.learner, result.full_refit_months = learner, full_refit_months

    t0 = time.perf_counter()
    if write:
        result.rows_written = write_predictions(wh, result)
    t_write = time.perf_counter() - t0
    result.timings = {
        "load_seconds": round(t_load, 2),
        "fit_seconds": round(wf.fit_seconds, 2),
        "predict_seconds": round(wf.predict_seconds, 2),
        "write_seconds": round(t_write, 2),
        "total_seconds": round(time.perf_counter() - t_all, 2),
        "cpu_seconds": round(time.process_time() - c_all, 2),
        "blocks_predicted": sum(b.status == "predicted" for b in wf.blocks),
        "full_fits": sum(b.refit == "full" for b in wf.blocks),
        "warm_fits": sum(b.refit == "warm" for b in wf.blocks),
        "rows_loaded": rows.n,
    }
    return result


def _resolve_range(wh: Warehouse, start: date | None, end: date | None) -> tuple[date, date]:
    if start is None or end is None:
        d_start, d_end = default_range(wh)
        start, end = start or d_start, end or d_end
    if start > end:
        raise BadInputError(f"--start-date {start} is after --end-date {end}")
    return start, end


def evaluate(
    rows: FeatureRows, wf: WalkForward, start: date, end: date, *, leak: bool, version: str, run_id: str
) -> BacktestResult:
    """The metrics of the predicted rows whose outcome is known, and the per-row predictions."""
    evaluated = wf.predicted & rows.labelled
    scored = Scored(points=rows.points, pred=wf.pred, last10=rows.last10, season_avg=rows.season_avg, line=rows.line)
    metrics = scope_metrics(evaluated, rows.season_year, rows.game_date, scored, start, end)
    calibration, scores = over_under_scores(
        evaluated,
        rows.over,
        wf.p_base,
        {"distribution": wf.p_over, "regression_residuals": wf.p_res}
        | ({"classifier": wf.p_clf} if not np.isnan(wf.p_clf).all() else {}),
    )
    return BacktestResult(
        start=start,
        end=end,
        model_version=version,
        leak=leak,
        feature_names=rows.cols,
        blocks=wf.blocks,
        metrics=metrics,
        calibration=calibration,
        probability_scores=scores,
        timings={},
        run_id=run_id,
        notes=_notes(leak=leak),
        predictions=_prediction_columns(rows, wf),
    )


def _notes(*, leak: bool) -> list[str]:
    notes = [
        LINE_NOTE,
        "Baselines use the feature-store values: a player without history gets the registry "
        "default (10 points), as the model sees it.",
        "predicted_points is the median of the row's points distribution and p_over its P(points > "
        "line): the regressor's mean plus the out-of-sample errors of earlier blocks with a similar "
        "mean (the first block uses in-sample errors); they never point opposite ways. "
        "regression_residuals (a comparison): one spread for every row, the prediction plus all "
        "earlier out-of-sample residuals of rows with a line.",
    ]
    if leak:
        notes.insert(
            0,
            f"LEAKAGE CANARY: the same-day outcome {LEAK_FEATURE} is an input. These "
            "numbers are meant to be implausibly good; they are not a result.",
        )
    return notes


def _prediction_columns(rows: FeatureRows, wf: WalkForward) -> dict[str, np.ndarray]:
    """The predicted rows, column by column (the shape storage.write_predictions writes)."""
    p = wf.predicted
    return {
        "player_lookup": rows.player_lookup[p],
        "game_id": rows.game_id[p],
        "game_date": rows.game_date[p],
        "season_year": rows.season_year[p],
        "predicted_points": wf.pred[p],
        "p_over": wf.p_over[p],
        "p_over_residual": wf.p_res[p],
        "points_line": rows.line[p],
        "trained_through": wf.trained_through[p],
        "block_start": wf.block_start[p],
        "train_rows": wf.train_rows[p],
        "label_points": rows.points[p],
        "label_played": rows.played[p],
        "label_over_line": rows.over[p],
    }
