"""The walk-forward protocol: for each calendar month M of the range, fit on every labelled row
dated before the first day of M, predict all rows of M (every player expected on D; the metrics
use the ones who played), roll forward. Never a random split. A block whose training history is
too small is skipped.

Refits: a month's model is either fitted from scratch on every labelled row before the month
("full") or the previous month's model continued with a few more boosting rounds fitted on every
labelled row before the month ("warm", estimators.WARM_TREES); a full fit every
`full_refit_months`-th predicted month, at the first one, and whenever the set of usable columns
changes. Either way a month's model has seen only rows dated before the month.

The projection and P(over) come from one points distribution per row (model/distribution.py):
the regressor's mean plus the errors of earlier blocks' out-of-sample predictions with a similar
mean (the first block, with none yet, uses in-sample errors). For comparison only: the
one-spread residual method (p_res) and, when asked, a separate over/under classifier (p_clf).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from .data import FeatureRows, day, to_date, usable_columns
from .distribution import PointsDistribution
from .estimators import FULL_REFIT_MONTHS, LEARNER, THREADS, fit_over_classifier, fit_regressor


@dataclass
class BlockInfo:
    block_start: date
    block_end: date
    status: str  # predicted | skipped
    train_rows: int
    train_first: date | None
    train_last: date | None  # = trained_through; always < block_start
    clf_rows: int
    predicted_rows: int
    evaluated_rows: int
    fit_seconds: float
    note: str = ""
    refit: str = ""  # full | warm (predicted blocks)


@dataclass
class WalkForward:
    """The outcome of a walk-forward run, per row of the FeatureRows it ran on (NaN / NaT / 0 on
    rows outside every predicted block)."""

    pred: np.ndarray  # the projection: the points distribution's median (model/distribution.py)
    mean: np.ndarray  # the regressor's predicted mean, the distribution's centre
    p_over: np.ndarray  # P(points > line) from the same distribution (rows with a line)
    p_clf: np.ndarray  # P(over), the separate classifier (classifier=True only, for comparison)
    p_res: np.ndarray  # P(over), prediction + residual distribution (rows with a line)
    p_base: np.ndarray  # the block's training over rate: the constant forecast to beat
    trained_through: np.ndarray  # datetime64[D]: last game_date of the rows fitted on
    block_start: np.ndarray  # datetime64[D]
    train_rows: np.ndarray
    blocks: list[BlockInfo] = field(default_factory=list)
    fit_seconds: float = 0.0
    predict_seconds: float = 0.0

    @classmethod
    def empty(cls, n: int) -> WalkForward:
        return cls(
            pred=np.full(n, np.nan),
            mean=np.full(n, np.nan),
            p_over=np.full(n, np.nan),
            p_clf=np.full(n, np.nan),
            p_res=np.full(n, np.nan),
            p_base=np.full(n, np.nan),
            trained_through=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            block_start=np.full(n, np.datetime64("NaT"), dtype="datetime64[D]"),
            train_rows=np.zeros(n, dtype=np.int64),
        )

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


@dataclass
class _Models:
    """The models of the last predicted block, for the next block's warm start."""

    reg: object = None
    keep: np.ndarray | None = None
    clf: object = None
    keep_c: np.ndarray | None = None
    months_since_full: int = 0


def walk_forward(
    rows: FeatureRows,
    start: date,
    end: date,
    *,
    min_train_rows: int,
    reg_params: dict,
    clf_params: dict,
    learner: str = LEARNER,
    full_refit_months: int = FULL_REFIT_MONTHS,
    classifier: bool = False,
    columns: np.ndarray | None = None,
    threads: int | None = THREADS,
    on_block: Callable[[BlockInfo], None] | None = None,
) -> WalkForward:
    """Predict every row of [start, end] month by month, each month from the rows before it.

    full_refit_months: 1 fits every month from scratch; N > 1 fits from scratch every N-th
    predicted month and warm-starts the months between. Each month's points distribution
    (PointsDistribution: projection and P(over)) rests on the earlier months' out-of-sample errors
    (the first month's on in-sample errors). classifier=True also fits the separate over/under
    classifier (p_clf, a comparison only); p_res, the one-spread residual method, is always
    computed. columns: a boolean mask of rows.cols to use
    (default all) — the ablation's way to leave a feature group out without reloading."""
    if full_refit_months < 1:
        raise ValueError("full_refit_months must be 1 or more")
    out = WalkForward.empty(rows.n)
    X = rows.X if columns is None else rows.X[:, columns]
    cols = rows.cols if columns is None else [c for c, k in zip(rows.cols, columns) if k]
    labelled = rows.labelled
    oos_resid: list[np.ndarray] = []  # out-of-sample residuals (rows with a line) of earlier blocks
    oos_pairs: list[tuple[np.ndarray, np.ndarray]] = []  # (mean, points) of earlier blocks' played rows
    state = _Models()
    fit: dict[str, Any] = dict(
        reg_params=reg_params,
        clf_params=clf_params,
        learner=learner,
        full_refit_months=full_refit_months,
        classifier=classifier,
        threads=threads,
    )
    for bs, be in month_blocks(start, end):
        in_block = (rows.game_date >= day(bs)) & (rows.game_date <= day(be))
        if not in_block.any():
            continue
        train = labelled & (rows.game_date < day(bs))
        n_train = int(train.sum())
        if n_train < min_train_rows:
            info = BlockInfo(
                bs,
                be,
                "skipped",
                n_train,
                None,
                None,
                0,
                0,
                0,
                0.0,
                f"only {n_train} labelled rows before {bs} (< {min_train_rows})",
            )
        else:
            info = _predict_block(
                rows, X, cols, out, bs, be, np.flatnonzero(in_block), train, oos_resid, oos_pairs, state, **fit
            )
        out.blocks.append(info)
        if on_block:
            on_block(info)
    return out


def _predict_block(
    rows: FeatureRows,
    X: np.ndarray,
    cols: list[str],
    out: WalkForward,
    bs: date,
    be: date,
    idx: np.ndarray,
    train: np.ndarray,
    oos_resid: list[np.ndarray],
    oos_pairs: list[tuple[np.ndarray, np.ndarray]],
    state: _Models,
    *,
    reg_params: dict,
    clf_params: dict,
    learner: str,
    full_refit_months: int,
    classifier: bool,
    threads: int | None,
) -> BlockInfo:
    """Fit on `train` (from scratch or warm from `state`), fill `out` for the block's rows `idx`,
    add the block's out-of-sample residuals to `oos_resid` and its (mean, points) to `oos_pairs`."""
    t0 = time.perf_counter()
    Xt = X[train]
    keep = usable_columns(Xt)
    warm = (
        state.reg is not None
        and state.months_since_full + 1 < full_refit_months
        and state.keep is not None
        and np.array_equal(keep, state.keep)
    )
    reg, keep = fit_regressor(
        Xt,
        rows.points[train],
        reg_params,
        learner=learner,
        keep=keep,
        warm_from=state.reg if warm else None,
        threads=threads,
    )
    del Xt
    train_over = rows.has_over & (rows.game_date < day(bs))
    clf, keep_c = None, keep
    if classifier:
        Xo = X[train_over]
        keep_c = usable_columns(Xo)
        warm_c = warm and state.clf is not None and state.keep_c is not None and np.array_equal(keep_c, state.keep_c)
        clf, keep_c = fit_over_classifier(
            Xo,
            rows.over[train_over],
            clf_params,
            learner=learner,
            keep=keep_c,
            warm_from=state.clf if warm_c else None,
            threads=threads,
        )
        del Xo
    state.reg, state.keep, state.clf, state.keep_c = reg, keep, clf, keep_c
    state.months_since_full = state.months_since_full + 1 if warm else 0
    fit_s = time.perf_counter() - t0
    out.fit_seconds += fit_s

    t0 = time.perf_counter()
    Xb = X[idx]
    mean = reg.predict(Xb[:, keep])
    out.mean[idx] = mean
    line = rows.line[idx]
    if clf is not None:
        has_line = ~np.isnan(line)
        if has_line.any():
            out.p_clf[idx[has_line]] = clf.predict_proba(Xb[has_line][:, keep_c])[:, 1]
    if train_over.any():
        out.p_base[idx] = float(rows.over[train_over].mean())
    if oos_resid:
        resid = np.sort(np.concatenate(oos_resid))
    else:  # first block: nothing out-of-sample yet; in-sample residuals (optimistic)
        tl = train & ~np.isnan(rows.line)
        resid = np.sort(rows.points[tl] - reg.predict(X[tl][:, keep]))
    out.p_res[idx] = p_over_from_residuals(mean, line, resid)
    evaluated_with_line = idx[rows.labelled[idx] & ~np.isnan(line)]
    oos_resid.append(rows.points[evaluated_with_line] - out.mean[evaluated_with_line])
    if oos_pairs:
        dist = PointsDistribution.fit(
            np.concatenate([m for m, _ in oos_pairs]), np.concatenate([p for _, p in oos_pairs])
        )
    else:  # first block: nothing out-of-sample yet; in-sample errors (optimistic)
        dist = PointsDistribution.fit(reg.predict(X[train][:, keep]), rows.points[train], source="in_sample")
    out.pred[idx] = dist.median(mean)
    out.p_over[idx] = dist.p_over(mean, line)
    played = idx[rows.labelled[idx]]
    oos_pairs.append((out.mean[played], rows.points[played]))
    out.predict_seconds += time.perf_counter() - t0

    last = rows.game_date[train].max()
    out.trained_through[idx] = last
    out.block_start[idx] = day(bs)
    out.train_rows[idx] = int(train.sum())
    dropped = [c for c, k in zip(cols, keep) if not k]
    return BlockInfo(
        bs,
        be,
        "predicted",
        int(train.sum()),
        to_date(rows.game_date[train].min()),
        to_date(last),
        int(train_over.sum()),
        len(idx),
        int(rows.labelled[idx].sum()),
        round(fit_s, 3),
        f"no values before the block, left out: {', '.join(dropped)}" if dropped else "",
        "warm" if warm else "full",
    )
