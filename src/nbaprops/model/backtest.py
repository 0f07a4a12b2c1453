"""Phase 5 baseline: a gradient-boosted points model on the feature store, judged by an honest
walk-forward backtest.

* Inputs are exactly the registry's features (features.FEATURES, as floats, NULL → NaN, which
  HistGradientBoosting handles natively); no label column is ever an input (`feature_columns`
  refuses them). Training rows are the feature-store rows with label_played = true.
* Walk-forward by calendar month: for each month M of the backtest range, fit on every labelled
  row dated before the first day of M, predict all rows of M (every player expected on D; the
  metrics use the ones who played), roll forward. Never a random split. A block whose training
  history is too small is skipped (by default predictions start at the second season's opening
  night, so the first block already has a full season behind it).
* Over/under probabilities, two ways: a HistGradientBoostingClassifier on label_over_line, and
  the regression prediction plus the empirical distribution of the model's own out-of-sample
  residuals from earlier blocks (the first block, with none yet, uses in-sample residuals).
* Baselines on the same rows: last-10 average (points_avg_last_10), season average
  (points_avg_season) and the pre-tip line (vegas_points_line, rows that have one). The lines are
  synthetic (see LINE_NOTE): the line baseline is roughly a smoothed average, not a market.
* The leakage canary (`leak=True`) adds the same-day outcome label_points as an input: the same
  backtest must then look implausibly good; it never writes predictions.

Results: BacktestResult (structured; `results_frame` / `to_dict` for the HTML report,
`render_markdown` for the README). A run writes predictions.player_points_predictions in one
transaction: delete the backtest range, insert the new rows.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable

import numpy as np

from .. import features
from ..errors import BadInputError, ModelError, NbapropsError
from ..warehouse import Warehouse, quote_ident

FEATURE_TABLE = "predictions.ml_feature_store_v2"
PREDICTIONS_TABLE = "predictions.player_points_predictions"
MODEL_NAME = "hgb_points"
LEAK_FEATURE = "label_points"   # the canary's deliberately leaked input: the same-day outcome
MIN_TRAIN_ROWS = 20000   # ≈ three quarters of a season of labelled player-games
# OpenMP threads for the fits. 1 by default: on a small, busy machine libgomp's barrier spinning
# made a 2-thread fit ~10x slower than a 1-thread one (measured on the 2-core CI box).
THREADS = 1
MIN_CLF_ROWS = 500
PROB_BINS = 10

REG_PARAMS = dict(loss="squared_error", learning_rate=0.05, max_iter=250, max_leaf_nodes=31,
                  min_samples_leaf=50, l2_regularization=1.0, early_stopping=False, random_state=0)
CLF_PARAMS = dict(loss="log_loss", learning_rate=0.05, max_iter=200, max_leaf_nodes=31,
                  min_samples_leaf=100, l2_regularization=1.0, early_stopping=False, random_state=0)

LINE_NOTE = ("The points lines are synthetic (no real prop history is bundled): each book's line is "
             "floor(0.6 · last-10 mean + 0.4 · last-30 mean + noise) + 0.5, from games before D only. "
             "The line baseline is therefore roughly a smoothed average, not a market, and over/under "
             "hit rates against it say nothing about beating a sportsbook.")

PREDICTIONS_DDL = f"""
CREATE TABLE IF NOT EXISTS {PREDICTIONS_TABLE} (
    player_lookup     VARCHAR NOT NULL,
    game_date         DATE NOT NULL,
    game_id           VARCHAR,
    season_year       INTEGER,
    predicted_points  DOUBLE,
    p_over            DOUBLE,      -- P(points > points_line), HistGradientBoostingClassifier
    p_over_residual   DOUBLE,      -- P(points > points_line), prediction + out-of-sample residuals
    points_line       DOUBLE,      -- the pre-tip line the probabilities refer to (synthetic)
    model_version     VARCHAR NOT NULL,
    trained_through   DATE,        -- last game_date of the rows the model was fitted on
    block_start       DATE,        -- first day of the walk-forward block predicted
    train_rows        INTEGER,
    label_points      INTEGER,     -- outcomes of D, for evaluation only
    label_played      BOOLEAN,
    label_over_line   BOOLEAN,
    run_id            VARCHAR,
    created_at        TIMESTAMP,
    PRIMARY KEY (player_lookup, game_date)
)"""


# ---------------------------------------------------------------------------------------------
def feature_columns(*, leak: bool = False) -> list[str]:
    """The model's inputs: the registry's features, in registry order. Refuses any label.

    leak=True (the canary only) appends the same-day outcome LEAK_FEATURE on purpose."""
    cols = features.names()
    bad = [c for c in cols if c in features.LABELS or c.startswith("label_") or c.endswith("_source")]
    if bad:
        raise ModelError(f"feature registry contains label/bookkeeping columns used as inputs: {bad}")
    if len(set(cols)) != len(cols):
        raise ModelError("feature registry has duplicate names")
    return cols + [LEAK_FEATURE] if leak else cols


def model_version(cols: list[str], reg_params: dict, clf_params: dict) -> str:
    import sklearn

    blob = json.dumps({"features": cols, "reg": reg_params, "clf": clf_params,
                       "sklearn": sklearn.__version__.split(".")[:2]}, sort_keys=True)
    return f"{MODEL_NAME}-{features.FEATURE_VERSION}-{hashlib.sha1(blob.encode()).hexdigest()[:8]}"


@dataclass
class _Data:
    """The feature store as numpy arrays (rows ordered by game_date, player_lookup)."""
    player_lookup: np.ndarray
    game_id: np.ndarray
    game_date: np.ndarray        # datetime64[D]
    season_year: np.ndarray
    X: np.ndarray                # float64, NaN = NULL
    cols: list[str]
    points: np.ndarray           # float, NaN if not played / unknown
    played: np.ndarray           # bool
    over: np.ndarray             # float 1/0, NaN = no line or did not play
    line: np.ndarray
    last10: np.ndarray
    season_avg: np.ndarray

    @property
    def n(self) -> int:
        return len(self.game_date)


def _np(col) -> np.ndarray:
    """An Arrow column as float64 with NaN for NULL (booleans → 1.0 / 0.0)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def _load(wh: Warehouse, end: date, cols: list[str]) -> _Data:
    if not wh.table_exists(FEATURE_TABLE):
        raise BadInputError(f"{FEATURE_TABLE} has not been built yet: run `nbaprops backfill` first")
    have = set(wh.columns(FEATURE_TABLE))
    need = set(cols) | {"player_lookup", "game_id", "game_date", "season_year", *features.LABELS}
    missing = sorted(need - have)
    if missing:
        raise BadInputError(f"{FEATURE_TABLE} lacks columns {missing}: rebuild it with `nbaprops backfill --force`")
    inputs = ", ".join(quote_ident(c) for c in cols if c != LEAK_FEATURE)
    sql = (f"SELECT player_lookup, game_id, game_date, season_year, label_points, label_played, "
           f"label_over_line, {inputs} FROM {FEATURE_TABLE} WHERE game_date <= ? "
           f"ORDER BY game_date, player_lookup")
    tbl = wh.con.sql(sql, params=[end]).to_arrow_table()
    played = np.nan_to_num(_np(tbl.column("label_played")), nan=0.0) == 1.0
    points = _np(tbl.column("label_points"))
    points[~played] = np.nan
    X = np.empty((tbl.num_rows, len(cols)), dtype=np.float64)
    for j, c in enumerate(cols):
        X[:, j] = points if c == LEAK_FEATURE else _np(tbl.column(c))
    fmap = features.by_name()

    def baseline(name: str) -> np.ndarray:   # a missing value falls back to the registry default
        v = _np(tbl.column(name))
        return np.where(np.isnan(v), fmap[name].default if fmap[name].default is not None else np.nan, v)

    return _Data(
        player_lookup=np.asarray(tbl.column("player_lookup").to_pylist(), dtype=object),
        game_id=np.asarray(tbl.column("game_id").to_pylist(), dtype=object),
        game_date=tbl.column("game_date").to_numpy().astype("datetime64[D]"),
        season_year=_np(tbl.column("season_year")).astype(np.int64),
        X=X, cols=cols, points=points, played=played, over=_np(tbl.column("label_over_line")),
        line=_np(tbl.column("vegas_points_line")), last10=baseline("points_avg_last_10"),
        season_avg=baseline("points_avg_season"))


def month_blocks(start: date, end: date) -> list[tuple[date, date]]:
    """Calendar months covering [start, end], clipped to it."""
    out, cur = [], start
    while cur <= end:
        nxt = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
        out.append((cur, min(end, nxt - timedelta(days=1))))
        cur = nxt
    return out


def _d64(d: date) -> np.datetime64:
    return np.datetime64(d.isoformat(), "D")


def _pydate(d: np.datetime64) -> date:
    return date.fromisoformat(str(d.astype("datetime64[D]")))


def default_range(wh: Warehouse) -> tuple[date, date]:
    """Second season's opening night (a full season of history behind the first block) .. the
    last date of the feature store."""
    if not wh.table_exists(FEATURE_TABLE):
        raise BadInputError(f"{FEATURE_TABLE} has not been built yet: run `nbaprops backfill` first")
    rows = wh.con.execute(f"SELECT season_year, min(game_date), max(game_date) FROM {FEATURE_TABLE} "
                          "GROUP BY 1 ORDER BY 1").fetchall()
    if len(rows) < 2:
        raise BadInputError("the feature store holds fewer than two seasons: give --start-date "
                            "(predictions need history before them)")
    return rows[1][1], rows[-1][2]


# ---------------------------------------------------------------------------------------------
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
class BacktestResult:
    start: date
    end: date
    model_version: str
    leak: bool
    feature_names: list[str]
    blocks: list[BlockInfo]
    metrics: list[dict]           # scope_kind overall|season|month, scope, n, mae_*/rmse_* …
    calibration: dict[str, list[dict]]   # kind → bins
    probability_scores: dict[str, dict]  # kind → brier, log_loss, pick accuracy …
    timings: dict[str, float]
    run_id: str
    rows_written: int = 0
    notes: list[str] = field(default_factory=list)
    predictions: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def overall(self) -> dict:
        return next(m for m in self.metrics if m["scope_kind"] == "overall")

    def to_dict(self) -> dict:
        """Everything but the per-row predictions, JSON-ready (dates as ISO strings)."""
        d = asdict(self)
        d.pop("predictions")
        return json.loads(json.dumps(d, default=str))


def _err(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    if len(y) == 0:
        return float("nan"), float("nan")
    e = pred - y
    return float(np.mean(np.abs(e))), float(np.sqrt(np.mean(e * e)))


def _metric_row(kind: str, scope: str, m: np.ndarray, P: dict[str, np.ndarray]) -> dict:
    y = P["points"][m]
    row: dict = {"scope_kind": kind, "scope": scope, "n": int(m.sum())}
    for name, key in (("model", "pred"), ("last10", "last10"), ("season_avg", "season_avg")):
        row[f"mae_{name}"], row[f"rmse_{name}"] = _err(P[key][m], y)
    ml = m & ~np.isnan(P["line"])
    row["n_line"] = int(ml.sum())
    yl = P["points"][ml]
    row["mae_model_line_rows"], row["rmse_model_line_rows"] = _err(P["pred"][ml], yl)
    row["mae_last10_line_rows"], row["rmse_last10_line_rows"] = _err(P["last10"][ml], yl)
    row["mae_line"], row["rmse_line"] = _err(P["line"][ml], yl)
    return row


def _season_label(y: int) -> str:
    return f"{y}-{(y + 1) % 100:02d}"


def _calibration(p: np.ndarray, y: np.ndarray) -> list[dict]:
    edges = np.linspace(0.0, 1.0, PROB_BINS + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, PROB_BINS - 1)
    out = []
    for b in range(PROB_BINS):
        sel = idx == b
        n = int(sel.sum())
        out.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "lo": float(edges[b]), "hi": float(edges[b + 1]),
                    "n": n, "mean_predicted": float(p[sel].mean()) if n else float("nan"),
                    "observed_over_rate": float(y[sel].mean()) if n else float("nan")})
    return out


def _prob_scores(p: np.ndarray, y: np.ndarray, base: np.ndarray) -> dict:
    pc = np.clip(p, 1e-6, 1 - 1e-6)
    bc = np.clip(base, 1e-6, 1 - 1e-6)
    return {"n": int(len(y)),
            "brier": float(np.mean((p - y) ** 2)),
            "brier_base_rate": float(np.mean((base - y) ** 2)),
            "log_loss": float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))),
            "log_loss_base_rate": float(-np.mean(y * np.log(bc) + (1 - y) * np.log(1 - bc))),
            "pick_accuracy": float(np.mean((p > 0.5) == (y == 1))),
            "always_under_accuracy": float(np.mean(y == 0)),
            "observed_over_rate": float(np.mean(y)),
            "ece": float(sum(b["n"] * abs(b["mean_predicted"] - b["observed_over_rate"])
                             for b in _calibration(p, y) if b["n"]) / max(len(y), 1))}


def _usable(X: np.ndarray) -> np.ndarray:
    """Columns with at least one value (an all-NaN column carries nothing and breaks binning)."""
    return ~np.all(np.isnan(X), axis=0)


def _p_over_from_residuals(pred: np.ndarray, line: np.ndarray, resid_sorted: np.ndarray) -> np.ndarray:
    """P(points > line) = P(residual > line - pred) under the empirical residual distribution."""
    out = np.full(len(pred), np.nan)
    ok = ~np.isnan(line)
    if len(resid_sorted) == 0 or not ok.any():
        return out
    k = np.searchsorted(resid_sorted, line[ok] - pred[ok], side="right")
    out[ok] = 1.0 - k / len(resid_sorted)
    return out


def run_backtest(wh: Warehouse, start: date | None = None, end: date | None = None, *, leak: bool = False,
                 write: bool = True, min_train_rows: int = MIN_TRAIN_ROWS,
                 reg_params: dict | None = None, clf_params: dict | None = None, threads: int | None = THREADS,
                 on_block: Callable[[BlockInfo], None] | None = None) -> BacktestResult:
    """Walk-forward backtest over [start, end] (default: second season's opening .. last date),
    monthly blocks, each fitted on every labelled row before the block. Writes the predictions
    (unless write=False or leak=True) in one transaction."""
    import sklearn.ensemble  # noqa: F401  (load libgomp first, so the limit below reaches it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="openmp"):
        return _run_backtest(wh, start, end, leak=leak, write=write, min_train_rows=min_train_rows,
                             reg_params=reg_params, clf_params=clf_params, on_block=on_block)


def _run_backtest(wh: Warehouse, start: date | None, end: date | None, *, leak: bool, write: bool,
                  min_train_rows: int, reg_params: dict | None, clf_params: dict | None,
                  on_block: Callable[[BlockInfo], None] | None) -> BacktestResult:
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    t_all = time.perf_counter()
    if leak and write:
        raise BadInputError("the leakage canary never writes predictions (use write=False)")
    if write and wh.read_only:
        raise NbapropsError("writing predictions needs the warehouse opened for writing")
    reg_params = {**REG_PARAMS, **(reg_params or {})}
    clf_params = {**CLF_PARAMS, **(clf_params or {})}
    if start is None or end is None:
        d_start, d_end = default_range(wh)
        start, end = start or d_start, end or d_end
    if start > end:
        raise BadInputError(f"--start-date {start} is after --end-date {end}")
    cols = feature_columns(leak=leak)
    version = model_version(cols, reg_params, clf_params) + ("-LEAK-CANARY" if leak else "")
    run_id = datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]

    t0 = time.perf_counter()
    D = _load(wh, end, cols)
    t_load = time.perf_counter() - t0

    n = D.n
    pred = np.full(n, np.nan)
    p_clf = np.full(n, np.nan)
    p_res = np.full(n, np.nan)
    p_base = np.full(n, np.nan)
    trained_through = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    block_of = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    train_rows = np.zeros(n, dtype=np.int64)
    labelled = D.played & ~np.isnan(D.points)
    has_over = ~np.isnan(D.over)
    oos_resid: list[np.ndarray] = []        # out-of-sample residuals (rows with a line) of earlier blocks
    blocks: list[BlockInfo] = []
    t_fit = t_pred = 0.0

    for bs, be in month_blocks(start, end):
        s64, e64 = _d64(bs), _d64(be)
        in_block = (D.game_date >= s64) & (D.game_date <= e64)
        if not in_block.any():
            continue
        tr = labelled & (D.game_date < s64)
        n_tr = int(tr.sum())
        if n_tr < min_train_rows:
            info = BlockInfo(bs, be, "skipped", n_tr, None, None, 0, 0, 0, 0.0,
                             f"only {n_tr} labelled rows before {bs} (< {min_train_rows})")
            blocks.append(info)
            if on_block:
                on_block(info)
            continue
        t0 = time.perf_counter()
        # A column with no value at all before the block (e.g. usage in a season without full
        # box scores) carries nothing; it is left out of this block's fit and prediction.
        keep = _usable(D.X[tr])
        Xk = D.X[:, keep]
        reg = HistGradientBoostingRegressor(**reg_params).fit(Xk[tr], D.points[tr])
        trc = has_over & (D.game_date < s64)
        n_clf = int(trc.sum())
        clf = None
        if n_clf >= MIN_CLF_ROWS and len(np.unique(D.over[trc])) == 2:
            keep_c = _usable(D.X[trc])
            clf = HistGradientBoostingClassifier(**clf_params).fit(D.X[trc][:, keep_c], D.over[trc])
        fit_s = time.perf_counter() - t0
        t_fit += fit_s

        t0 = time.perf_counter()
        idx = np.flatnonzero(in_block)
        pred[idx] = reg.predict(Xk[idx])
        line_b = D.line[idx]
        if clf is not None:
            with_line = idx[~np.isnan(line_b)]
            if len(with_line):
                p_clf[with_line] = clf.predict_proba(D.X[with_line][:, keep_c])[:, 1]
            p_base[idx] = float(D.over[trc].mean())
        if oos_resid:
            resid = np.sort(np.concatenate(oos_resid))
        else:   # first block: nothing out-of-sample yet; in-sample residuals (optimistic)
            tl = tr & ~np.isnan(D.line)
            resid = np.sort(D.points[tl] - reg.predict(Xk[tl]))
        p_res[idx] = _p_over_from_residuals(pred[idx], line_b, resid)
        ev_line = idx[labelled[idx] & ~np.isnan(line_b)]
        oos_resid.append(D.points[ev_line] - pred[ev_line])
        t_pred += time.perf_counter() - t0

        last = D.game_date[tr].max()
        trained_through[idx] = last
        block_of[idx] = s64
        train_rows[idx] = n_tr
        dropped = [c for c, k in zip(cols, keep) if not k]
        info = BlockInfo(bs, be, "predicted", n_tr, _pydate(D.game_date[tr].min()), _pydate(last), n_clf,
                         len(idx), int(labelled[idx].sum()), round(fit_s, 3),
                         f"no values before the block, left out: {', '.join(dropped)}" if dropped else "")
        blocks.append(info)
        if on_block:
            on_block(info)

    predicted = ~np.isnan(pred)
    ev = predicted & labelled
    P = {"points": D.points, "pred": pred, "last10": D.last10, "season_avg": D.season_avg, "line": D.line}
    metrics = [_metric_row("overall", f"{start} .. {end}", ev, P)]
    for sy in sorted(set(D.season_year[ev].tolist())):
        metrics.append(_metric_row("season", _season_label(sy), ev & (D.season_year == sy), P))
    months = D.game_date.astype("datetime64[M]")
    for mo in sorted(set(months[ev].tolist())):
        metrics.append(_metric_row("month", str(np.datetime64(mo, "M")), ev & (months == np.datetime64(mo, "M")), P))

    calibration, scores = {}, {}
    for kind, p in (("classifier", p_clf), ("regression_residuals", p_res)):
        m = ev & has_over & ~np.isnan(p) & ~np.isnan(p_base)
        calibration[kind] = _calibration(p[m], D.over[m])
        scores[kind] = _prob_scores(p[m], D.over[m], p_base[m])

    notes = [LINE_NOTE,
             "Baselines use the feature-store values: a player without history gets the registry "
             "default (10 points), as the model sees it.",
             "regression_residuals: P(points > line) from the prediction plus the empirical "
             "distribution of the model's out-of-sample residuals (rows with a line) in earlier "
             "blocks; the first block uses in-sample residuals."]
    if leak:
        notes.insert(0, f"LEAKAGE CANARY: the same-day outcome {LEAK_FEATURE} is an input. These "
                        "numbers are meant to be implausibly good; they are not a result.")

    result = BacktestResult(
        start=start, end=end, model_version=version, leak=leak, feature_names=cols, blocks=blocks,
        metrics=metrics, calibration=calibration, probability_scores=scores,
        timings={}, run_id=run_id, notes=notes,
        predictions={"player_lookup": D.player_lookup[predicted], "game_id": D.game_id[predicted],
                     "game_date": D.game_date[predicted], "season_year": D.season_year[predicted],
                     "predicted_points": pred[predicted], "p_over": p_clf[predicted],
                     "p_over_residual": p_res[predicted], "points_line": D.line[predicted],
                     "trained_through": trained_through[predicted], "block_start": block_of[predicted],
                     "train_rows": train_rows[predicted], "label_points": D.points[predicted],
                     "label_played": D.played[predicted], "label_over_line": D.over[predicted]})

    t0 = time.perf_counter()
    if write:
        result.rows_written = write_predictions(wh, result)
    t_write = time.perf_counter() - t0
    result.timings = {"load_seconds": round(t_load, 2), "fit_seconds": round(t_fit, 2),
                      "predict_seconds": round(t_pred, 2), "write_seconds": round(t_write, 2),
                      "total_seconds": round(time.perf_counter() - t_all, 2),
                      "blocks_predicted": sum(b.status == "predicted" for b in blocks),
                      "rows_loaded": n}
    return result


def write_predictions(wh: Warehouse, result: BacktestResult) -> int:
    """Replace the backtest range of predictions.player_points_predictions in one transaction."""
    import pyarrow as pa

    if result.leak:
        raise BadInputError("the leakage canary never writes predictions")
    P = result.predictions
    n = len(P.get("game_date", []))

    def f(a):   # float array → nullable double
        return pa.array(a, type=pa.float64(), from_pandas=True)

    def b(a):
        return pa.array([None if math.isnan(x) else bool(x) for x in a], type=pa.bool_())

    tbl = pa.table({
        "player_lookup": pa.array(P["player_lookup"].tolist(), pa.string()) if n else pa.array([], pa.string()),
        "game_date": pa.array(P["game_date"].astype("datetime64[D]")) if n else pa.array([], pa.date32()),
        "game_id": pa.array(P["game_id"].tolist(), pa.string()) if n else pa.array([], pa.string()),
        "season_year": pa.array(P["season_year"], pa.int32()) if n else pa.array([], pa.int32()),
        "predicted_points": f(P["predicted_points"]) if n else pa.array([], pa.float64()),
        "p_over": f(P["p_over"]) if n else pa.array([], pa.float64()),
        "p_over_residual": f(P["p_over_residual"]) if n else pa.array([], pa.float64()),
        "points_line": f(P["points_line"]) if n else pa.array([], pa.float64()),
        "trained_through": pa.array(P["trained_through"].astype("datetime64[D]")) if n else pa.array([], pa.date32()),
        "block_start": pa.array(P["block_start"].astype("datetime64[D]")) if n else pa.array([], pa.date32()),
        "train_rows": pa.array(P["train_rows"], pa.int32()) if n else pa.array([], pa.int32()),
        "label_points": f(P["label_points"]) if n else pa.array([], pa.float64()),
        "label_played": pa.array(P["label_played"].tolist(), pa.bool_()) if n else pa.array([], pa.bool_()),
        "label_over_line": b(P["label_over_line"]) if n else pa.array([], pa.bool_()),
    })
    con = wh.con
    con.execute(PREDICTIONS_DDL)
    name = f"_bt_predictions_{uuid.uuid4().hex[:8]}"
    con.register(name, tbl)
    try:
        with wh.transaction():
            con.execute(f"DELETE FROM {PREDICTIONS_TABLE} WHERE game_date BETWEEN ? AND ?",
                        [result.start, result.end])
            con.execute(f"""
                INSERT INTO {PREDICTIONS_TABLE}
                SELECT player_lookup, game_date, game_id, season_year, predicted_points, p_over,
                       p_over_residual, points_line, ? AS model_version, trained_through, block_start,
                       train_rows, CAST(label_points AS INTEGER), label_played, label_over_line,
                       ? AS run_id, ? AS created_at
                FROM {name}""", [result.model_version, result.run_id, datetime.now()])
    finally:
        con.unregister(name)
    return n


# ---------------------------------------------------------------------------------------------
def results_frame(result: BacktestResult, kinds: tuple[str, ...] = ("overall", "season", "month")) -> list[dict]:
    """The metrics rows (one dict per scope) for the HTML report / a DataFrame."""
    return [dict(m, model_version=result.model_version, leak=result.leak)
            for m in result.metrics if m["scope_kind"] in kinds]


def _f(x: float, nd: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def render_markdown(result: BacktestResult, *, months: bool = True) -> str:
    """The backtest as Markdown: the error table (overall, per season[, per month]) beside the
    baselines, the over/under scores and the reliability tables, with the notes."""
    o = result.overall
    t = result.timings
    out = [f"### Walk-forward backtest {result.start} .. {result.end}"
           + (" — LEAKAGE CANARY (not a result)" if result.leak else ""), "",
           f"Model `{result.model_version}`: HistGradientBoostingRegressor on {len(result.feature_names)} "
           f"feature-store inputs, refitted every calendar month on all labelled rows before it "
           f"({t.get('blocks_predicted', 0)} blocks, {o['n']:,} player-games evaluated; "
           f"{t.get('total_seconds', 0):.0f} s: load {t.get('load_seconds', 0):.0f} s, "
           f"fit {t.get('fit_seconds', 0):.0f} s).", ""]
    head = ("| scope | games | MAE model | MAE last-10 | MAE season avg | RMSE model | RMSE last-10 | "
            "RMSE season avg | games with line | MAE model (line rows) | MAE line | RMSE model (line rows) | RMSE line |")
    sep = "|" + "---|" * 13

    def rows(kind: str) -> list[str]:
        return [f"| {m['scope']} | {m['n']:,} | **{_f(m['mae_model'])}** | {_f(m['mae_last10'])} | "
                f"{_f(m['mae_season_avg'])} | **{_f(m['rmse_model'])}** | {_f(m['rmse_last10'])} | "
                f"{_f(m['rmse_season_avg'])} | {m['n_line']:,} | {_f(m['mae_model_line_rows'])} | "
                f"{_f(m['mae_line'])} | {_f(m['rmse_model_line_rows'])} | {_f(m['rmse_line'])} |"
                for m in result.metrics if m["scope_kind"] == kind]

    out += [head, sep, *rows("overall"), *rows("season")]
    if months:
        out += ["", "Per month:", "", head, sep, *rows("month")]
    out += ["", "Over/under probabilities (rows with a line; base rate = the training rows' over share):", "",
            "| method | games | Brier | Brier base rate | log loss | log loss base rate | ECE | pick accuracy | always-under accuracy |",
            "|---|---|---|---|---|---|---|---|---|"]
    for kind, s in result.probability_scores.items():
        out.append(f"| {kind} | {s['n']:,} | {_f(s['brier'], 4)} | {_f(s['brier_base_rate'], 4)} | "
                   f"{_f(s['log_loss'], 4)} | {_f(s['log_loss_base_rate'], 4)} | {_f(s['ece'], 3)} | "
                   f"{_f(s['pick_accuracy'], 3)} | {_f(s['always_under_accuracy'], 3)} |")
    out += ["", "Reliability (predicted P(over) bin → observed over rate):", "",
            "| bin | " + " | ".join(f"{k}: games | {k}: mean p | {k}: observed" for k in result.calibration) + " |",
            "|---|" + "---|---|---|" * len(result.calibration)]
    kinds = list(result.calibration)
    for i in range(PROB_BINS):
        cells = []
        for k in kinds:
            bb = result.calibration[k][i]
            cells += [f"{bb['n']:,}", _f(bb["mean_predicted"], 3), _f(bb["observed_over_rate"], 3)]
        out.append(f"| {result.calibration[kinds[0]][i]['bin']} | " + " | ".join(cells) + " |")
    out += [""] + [f"- {n}" for n in result.notes]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
@dataclass
class TrainResult:
    model_version: str
    trained_through: date
    train_rows: int
    in_sample_mae: float          # optimistic by construction
    holdout_start: date | None
    holdout_rows: int
    holdout_mae: float
    holdout_mae_last10: float
    path: Path
    seconds: float


def train_model(wh: Warehouse, end: date | None = None, *, holdout_days: int = 30,
                out_dir: Path | None = None, threads: int | None = THREADS) -> TrainResult:
    """See _train_model."""
    import sklearn.ensemble  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="openmp"):
        return _train_model(wh, end, holdout_days=holdout_days, out_dir=out_dir)


def _train_model(wh: Warehouse, end: date | None, *, holdout_days: int, out_dir: Path | None) -> TrainResult:
    """Fit the regressor and the over/under classifier on every labelled row up to `end` and
    save them (joblib) under <warehouse folder>/models/. Before the final fit, one honest
    holdout: fit on the rows before the last `holdout_days` days, score those days."""
    import joblib
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    t_all = time.perf_counter()
    if end is None:
        end = default_range(wh)[1] if wh.table_exists(FEATURE_TABLE) else None
        if end is None:
            raise BadInputError(f"{FEATURE_TABLE} has not been built yet: run `nbaprops backfill` first")
    cols = feature_columns()
    version = model_version(cols, REG_PARAMS, CLF_PARAMS)
    D = _load(wh, end, cols)
    lab = D.played & ~np.isnan(D.points)
    if lab.sum() < MIN_TRAIN_ROWS:
        raise BadInputError(f"only {int(lab.sum())} labelled rows up to {end} (< {MIN_TRAIN_ROWS}): backfill more dates")
    h_start = end - timedelta(days=holdout_days - 1)
    h64 = _d64(h_start)
    tr, ho = lab & (D.game_date < h64), lab & (D.game_date >= h64)
    h_mae = h_l10 = float("nan")
    if tr.sum() >= MIN_TRAIN_ROWS and ho.any():
        k = _usable(D.X[tr])
        m = HistGradientBoostingRegressor(**REG_PARAMS).fit(D.X[tr][:, k], D.points[tr])
        h_mae = _err(m.predict(D.X[ho][:, k]), D.points[ho])[0]
        h_l10 = _err(D.last10[ho], D.points[ho])[0]
    keep = _usable(D.X[lab])
    reg = HistGradientBoostingRegressor(**REG_PARAMS).fit(D.X[lab][:, keep], D.points[lab])
    ins = _err(reg.predict(D.X[lab][:, keep]), D.points[lab])[0]
    has_over = ~np.isnan(D.over)
    clf, keep_c = None, _usable(D.X[has_over]) if has_over.any() else keep
    if has_over.sum() >= MIN_CLF_ROWS and len(np.unique(D.over[has_over])) == 2:
        clf = HistGradientBoostingClassifier(**CLF_PARAMS).fit(D.X[has_over][:, keep_c], D.over[has_over])
    last = _pydate(D.game_date[lab].max())
    out_dir = Path(out_dir) if out_dir else Path(wh.path).parent / "models"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{version}_through_{last}.joblib"
    joblib.dump({"model_version": version, "feature_names": cols, "trained_through": last,
                 "regressor": reg, "regressor_inputs": [c for c, k in zip(cols, keep) if k],
                 "over_classifier": clf, "over_classifier_inputs": [c for c, k in zip(cols, keep_c) if k],
                 "train_rows": int(lab.sum()), "note": "inputs: the named feature-store columns, "
                 "as float64 with NaN for NULL, in the listed order"}, path)
    return TrainResult(version, last, int(lab.sum()), ins, h_start if ho.any() else None, int(ho.sum()),
                       h_mae, h_l10, path, time.perf_counter() - t_all)
