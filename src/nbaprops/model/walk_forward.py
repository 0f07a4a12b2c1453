"""The walk-forward protocol: for each calendar month M of the range, fit on every labelled row
dated before the first day of M, predict all rows of M (every player expected on D; the metrics
use the ones who played), roll forward. Never a random split. A block whose training history is
too small is skipped.

Over/under probabilities, two ways: a HistGradientBoostingClassifier on label_over_line, and the
regression prediction plus the empirical distribution of the model's own out-of-sample residuals
from earlier blocks (the first block, with none yet, uses in-sample residuals).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

import numpy as np

from .data import FeatureRows, day, to_date
from .estimators import fit_over_classifier, fit_regressor


@dataclass
class BlockInfo:
    block_start: date
    block_end: date
    status: str                   # predicted | skipped
    train_rows: int
    train_first: date | None
    train_last: date | None       # = trained_through; always < block_start
    clf_rows: int
    predicted_rows: int
    evaluated_rows: int
    fit_seconds: float
    note: str = ""


@dataclass
class WalkForward:
    """The outcome of a walk-forward run, per row of the FeatureRows it ran on (NaN / NaT / 0 on
    rows outside every predicted block)."""
    pred: np.ndarray              # predicted points
    p_clf: np.ndarray             # P(over), classifier (rows with a line)
    p_res: np.ndarray             # P(over), prediction + residual distribution (rows with a line)
    p_base: np.ndarray            # the block's training over rate: the constant forecast to beat
    trained_through: np.ndarray   # datetime64[D]: last game_date of the rows fitted on
    block_start: np.ndarray       # datetime64[D]
    train_rows: np.ndarray
    blocks: list[BlockInfo] = field(default_factory=list)
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0

    @classmethod
    def empty(cls, n: int) -> "WalkForward":
        return cls(pred=np.full(n, np.nan), p_clf=np.full(n, np.nan), p_res=np.full(n, np.nan),
                   p_base=np.full(n, np.nan),
                   trained_through=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
                   block_start=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
                   train_rows=np.zeros(n, dtype=np.int64))

    @property
    def predicted(self) -> np.ndarray:
        return ~np.isnan(self.pred)


def month_blocks(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar months covering [start, end], clipped to it."""
    out, cur = [], start
    while cur <= end:
        nxt = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
        out.append((cur, min(end, nxt - timedelta(days=1))))
        cur = nxt
    return out


def p_over_from_residuals(pred: np.ndarray, line: np.ndarray, resid_sorted: np.ndarray) -> np.ndarray:
    """P(points > line) = P(residual > line - pred) under the empirical residual distribution
    (NaN where there is no line, or no residual to go by)."""
    out = np.full(len(pred), np.nan)
    ok = ~np.isnan(line)
    if len(resid_sorted) == 0 or not ok.any():
        return out
    k = np.searchsorted(resid_sorted, line[ok] - pred[ok], side="right")
    out[ok] = 1.0 - k / len(resid_sorted)
    return out


def walk_forward(rows: FeatureRows, start: date, end: date, *, min_train_rows: int, reg_params: dict,
                 clf_params: dict, on_block: Callable[[BlockInfo], None] | None = None) -> WalkForward:
    """Predict every row of [start, end] month by month, each month from the rows before it."""
    out = WalkForward.empty(rows.n)
    labelled = rows.labelled
    oos_resid: list[np.ndarray] = []    # out-of-sample residuals (rows with a line) of earlier blocks
    for bs, be in month_blocks(start, end):
        in_block = (rows.game_date >= day(bs)) & (rows.game_date <= day(be))
        if not in_block.any():
            continue
        train = labelled & (rows.game_date < day(bs))
        n_train = int(train.sum())
        if n_train < min_train_rows:
            info = BlockInfo(bs, be, "skipped", n_train, None, None, 0, 0, 0, 0.0,
                             f"only {n_train} labelled rows before {bs} (< {min_train_rows})")
        else:
            info = _predict_block(rows, out, bs, be, np.flatnonzero(in_block), train, oos_resid,
                                  reg_params=reg_params, clf_params=clf_params)
        out.blocks.append(info)
        if on_block:
            on_block(info)
    return out


def _predict_block(rows: FeatureRows, out: WalkForward, bs: date, be: date, idx: np.ndarray,
                   train: np.ndarray, oos_resid: list[np.ndarray], *, reg_params: dict,
                   clf_params: dict) -> BlockInfo:
    """Fit on `train`, fill `out` for the block's rows `idx`, add the block's out-of-sample
    residuals to `oos_resid`."""
    t0 = time.perf_counter()
    reg, keep = fit_regressor(rows.X[train], rows.points[train], reg_params)
    train_over = rows.has_over & (rows.game_date < day(bs))
    clf, keep_c = fit_over_classifier(rows.X[train_over], rows.over[train_over], clf_params)
    fit_s = time.perf_counter() - t0
    out.fit_seconds += fit_s

    t0 = time.perf_counter()
    out.pred[idx] = reg.predict(rows.X[idx][:, keep])
    line = rows.line[idx]
    if clf is not None:
        with_line = idx[~np.isnan(line)]
        if len(with_line):
            out.p_clf[with_line] = clf.predict_proba(rows.X[with_line][:, keep_c])[:, 1]
        out.p_base[idx] = float(rows.over[train_over].mean())
    if oos_resid:
        resid = np.sort(np.concatenate(oos_resid))
    else:   # first block: nothing out-of-sample yet; in-sample residuals (optimistic)
        tl = train & ~np.isnan(rows.line)
        resid = np.sort(rows.points[tl] - reg.predict(rows.X[tl][:, keep]))
    out.p_res[idx] = p_over_from_residuals(out.pred[idx], line, resid)
    evaluated_with_line = idx[rows.labelled[idx] & ~np.isnan(line)]
    oos_resid.append(rows.points[evaluated_with_line] - out.pred[evaluated_with_line])
    out.predict_seconds += time.perf_counter() - t0

    last = rows.game_date[train].max()
    out.trained_through[idx] = last
    out.block_start[idx] = day(bs)
    out.train_rows[idx] = int(train.sum())
    dropped = [c for c, k in zip(rows.cols, keep) if not k]
    return BlockInfo(bs, be, "predicted", int(train.sum()), to_date(rows.game_date[train].min()), to_date(last),
                     int(train_over.sum()), len(idx), int(rows.labelled[idx].sum()), round(fit_s, 3),
                     f"no values before the block, left out: {', '.join(dropped)}" if dropped else "")
