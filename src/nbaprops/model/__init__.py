"""Phase 5: a baseline points model on the feature store, judged by an honest walk-forward
backtest (see backtest.py)."""

from .backtest import (
    BacktestResult,
    TrainResult,
    feature_columns,
    render_markdown,
    results_frame,
    run_backtest,
    train_model,
)

__all__ = [
    "BacktestResult",
    "TrainResult",
    "feature_columns",
    "render_markdown",
    "results_frame",
    "run_backtest",
    "train_model",
]
