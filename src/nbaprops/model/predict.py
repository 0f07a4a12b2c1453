"""`nbaprops predict --date D`: score D's feature-store rows with the saved model of `train`
(the newest one trained strictly before D, so it has never seen D), or with a model fitted now
on every labelled row before D, and write the predictions to
predictions.player_points_predictions (D's rows replaced in one transaction).

Before scoring, D's rows are checked against the model's training coverage (coverage.py): a group
of features the model learned from real values that is mostly default on D is a warning, and
with strict=True a refusal (CoverageError, nothing written).

The line scored against is the feature store's vegas_points_line: the current pre-tip line of
the first book with a pre-tip snapshot in the order draftkings, fanduel, then the others
alphabetically, that book's latest pre-tip snapshot (analytics.upcoming_player_game_context picks
it; line_source.py finds its book, time and whether it is synthetic, shown beside it)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from .. import line_source
from ..calendar import REPORTED_OUT
from ..errors import BadInputError, CoverageError
from ..line_source import LineSource
from ..warehouse import Warehouse
from .board import BOARD_COLUMNS, Quotes, build_board, market_no_vig
from .coverage import Coverage, Gap, compare, day_coverage, line_note, training_coverage
from .data import day, feature_columns, load_feature_rows
from .estimators import MIN_TRAIN_ROWS, THREADS, limited_threads
from .storage import _arrow_table, replace_predictions
from .train import fit_points_model, model_file


@dataclass
class Prediction:
    player_lookup: str
    game_id: str
    predicted_points: float
    points_line: float | None
    p_over: float | None
    label_played: bool
    label_points: float | None
    line: LineSource | None = None  # where points_line comes from (None: no line)
    # the official injury report's status for D (out / doubtful / questionable / probable /
    # available); None when no report covers the game
    status: str | None = None
    person: dict = field(default_factory=dict)  # READABLE: name, team, opponent, home, minutes, status
    board: dict = field(default_factory=dict)  # board.BOARD_COLUMNS of this row

    @property
    def has_bet(self) -> bool:
        return self.board.get("bet_side") is not None

    @property
    def reported_out(self) -> bool:
        """Listed Out or Doubtful: he will most likely not play, so no bet on him."""
        return self.status in REPORTED_OUT


@dataclass
class PredictResult:
    on: date
    model_version: str
    model_source: str  # the saved file, or "fitted now"
    trained_through: date
    train_rows: int
    predictions: list[Prediction]
    rows_written: int
    seconds: float
    arrow: object = None  # the rows as an Arrow table (what was written, and the line columns)
    coverage_known: bool = True  # False: a model file from before training coverage was recorded
    gaps: list[Gap] = field(default_factory=list)  # feature groups mostly default on D (coverage.compare)
    line_note: str | None = None  # D's prop lines of another kind (synthetic / real) than training's


def saved_models(folder: Path) -> list[dict]:
    """The models `train` saved in `folder` (newest training date first), as loaded dicts with a 'path'."""
    import joblib

    out = []
    for p in sorted(Path(folder).glob("*.joblib")) if Path(folder).is_dir() else []:
        try:
            m = joblib.load(p)
        except Exception:  # not one of ours, or unreadable: ignored
            continue
        # (a file saved before the points distribution is not one predict can use)
        if isinstance(m, dict) and "regressor" in m and "trained_through" in m and "distribution" in m:
            out.append({**m, "path": p})
    return sorted(out, key=lambda m: (m["trained_through"], str(m["path"])), reverse=True)


def load_model(path: Path) -> dict:
    import joblib

    try:
        m = joblib.load(path)
    except Exception as exc:
        raise BadInputError(f"--model {path}: not a model saved by `nbaprops train` ({type(exc).__name__})") from None
    if not isinstance(m, dict) or "regressor" not in m:
        raise BadInputError(f"--model {path}: not a model saved by `nbaprops train`")
    if "distribution" not in m:
        raise BadInputError(
            f"--model {path}: saved before the points distribution (projection and P(over) from one "
            "distribution): train again"
        )
    return {**m, "path": Path(path)}


def predict_date(
    wh: Warehouse,
    on: date,
    *,
    model_path: Path | None = None,
    fit: bool = False,
    models_dir: Path | None = None,
    write: bool = True,
    min_train_rows: int = MIN_TRAIN_ROWS,
    threads: int | None = THREADS,
    strict: bool = False,
    include_synthetic: bool = False,
) -> PredictResult:
    """Score D's rows (module doc). strict: refuse (CoverageError) when a feature group the model
    learned from real values is mostly default on D, before fitting or writing anything."""
    t0 = time.perf_counter()
    cols = feature_columns()
    rows = load_feature_rows(wh, on, cols)
    today = rows.game_date == day(on)
    if not today.any():
        raise BadInputError(
            f"the feature store has no rows on {on}: backfill it first "
            f"(`nbaprops backfill --start-date {on} --end-date {on}`)"
        )
    model = None
    if model_path is not None:
        model = load_model(model_path)
    elif not fit:
        folder = Path(models_dir) if models_dir else Path(wh.path).parent / "models"
        model = next((m for m in saved_models(folder) if m["trained_through"] < on), None)
    if model is not None:
        if model["trained_through"] >= on:
            raise BadInputError(
                f"the model {model['path'].name} was trained through {model['trained_through']}, "
                f"on or after {on}: it has seen D's outcomes; use an earlier model or --fit"
            )
        if list(model["feature_names"]) != cols:
            raise BadInputError(
                f"the model {model['path'].name} was trained on other features than the feature "
                "store's: train again, or --fit"
            )
        source = str(model["path"])
        trained = Coverage.from_dict(model.get("coverage"))
    else:
        trained = training_coverage(wh, before=on)
    on_day = day_coverage(wh, on)
    gaps = compare(trained, on_day, on)
    if strict and gaps:
        raise CoverageError(
            f"--strict: {on}'s rows rest on defaults where the model learned from real values: "
            + "; ".join(g.message for g in gaps)
        )
    if model is None:
        with limited_threads(threads):
            model = _fit_before(wh, rows, on, cols, min_train_rows)
        source = "fitted now"
    idx = {c: j for j, c in enumerate(cols)}
    X = rows.X[today]
    reg_cols = [idx[c] for c in model["regressor_inputs"]]
    mean = model["regressor"].predict(X[:, reg_cols])
    line = rows.line[today]
    dist = model["distribution"]
    pred = dist.median(mean)  # the projection and P(over) from one distribution
    p_over = dist.p_over(mean, line)
    n = int(today.sum())
    P = {
        "player_lookup": rows.player_lookup[today],
        "game_date": rows.game_date[today],
        "game_id": rows.game_id[today],
        "season_year": rows.season_year[today],
        "predicted_points": pred,
        "p_over": p_over,
        "p_over_residual": np.full(n, np.nan),
        "points_line": line,
        "trained_through": np.full(n, day(model["trained_through"])),
        "block_start": np.full(n, day(on)),
        "train_rows": np.full(n, int(model.get("train_rows") or 0)),
        "label_points": rows.points[today],
        "label_played": rows.played[today],
        "label_over_line": rows.over[today],
    }
    context = _row_context(wh, on)
    lines = [context.get(lk) if not np.isnan(li) else None for lk, li in zip(P["player_lookup"], line)]
    board = build_board(
        P["player_lookup"],
        mean,
        dist,
        line,
        [src.book if src else None for src in lines],
        Quotes.of_date(wh, on),
        include_synthetic=include_synthetic,
        blend_weight=model.get("blend_weight"),
    )
    people = _players(wh, on)
    tbl = line_source.with_line_columns(_arrow_table(P), lines, after="points_line")
    for name, kind in READABLE:
        tbl = tbl.append_column(name, pa.array([people.get(lk, {}).get(name) for lk in P["player_lookup"]], kind))
    for name in BOARD_COLUMNS:
        v = board[name]
        tbl = tbl.append_column(
            name, pa.array(v.tolist(), from_pandas=True) if v.dtype != object else pa.array(v.tolist(), pa.string())
        )
    written = _write(wh, on, tbl, model["model_version"]) if write else 0
    statuses = {lk: p["report_status"] for lk, p in people.items() if p.get("report_status") is not None}
    tbl = tbl.append_column("report_status", pa.array([statuses.get(lk) for lk in P["player_lookup"]], pa.string()))
    preds = [
        Prediction(
            pl,
            g,
            float(pp),
            None if np.isnan(li) else float(li),
            None if np.isnan(po) else float(po),
            bool(pd_),
            None if np.isnan(pt) else float(pt),
            src,
            statuses.get(pl),
            people.get(pl, {}),
            {c: board[c][i] for c in BOARD_COLUMNS},
        )
        for i, (pl, g, pp, li, po, pd_, pt, src) in enumerate(
            zip(P["player_lookup"], P["game_id"], pred, line, p_over, P["label_played"], P["label_points"], lines)
        )
    ]
    # the board's order: the highest expected value first, then rows without a bet by projection
    preds.sort(
        key=lambda p: (-(p.board.get("expected_value") or -np.inf) if p.has_bet else np.inf, -p.predicted_points)
    )
    return PredictResult(
        on,
        model["model_version"],
        source,
        model["trained_through"],
        int(model.get("train_rows") or 0),
        preds,
        written,
        time.perf_counter() - t0,
        tbl,
        coverage_known=trained is not None,
        gaps=gaps,
        line_note=line_note(trained, on_day, on),
    )


def _row_context(wh: Warehouse, on: date) -> dict[str, LineSource]:
    """What predict shows beside D's rows besides the model's inputs, by player: his line's source."""
    return {lk: src for (lk, _), src in line_source.line_sources(wh, on, on).items()}


# What a reader of the board needs beside the numbers, from UPGC's row of D (Arrow types)
READABLE = (
    ("player_name", pa.string()),
    ("team_abbr", pa.string()),
    ("opponent_team_abbr", pa.string()),
    ("home_game", pa.bool_()),
    ("minutes_avg_last_10", pa.float64()),
    ("player_status", pa.string()),
)


def _players(wh: Warehouse, on: date) -> dict[str, dict]:
    """D's players by lookup, from UPGC's rows of D in one read: READABLE's values (the box scores'
    display name, his team and game, his last-10 minutes, his status per injury transactions before
    D) and report_status (the official injury report's status for his game: the latest report
    before D's cut-off that covers it; NULL when none does)."""
    table = "analytics.upcoming_player_game_context"
    if not wh.table_exists(table):
        return {}
    have = set(wh.columns(table))
    cols = [c for c in (*(c for c, _ in READABLE), "report_status") if c in have]
    cur = wh.con.execute(f"SELECT player_lookup, {', '.join(cols)} FROM {table} WHERE game_date = ?", [on])
    return {r[0]: dict(zip(cols, r[1:])) for r in cur.fetchall()}


@dataclass
class CoverageCheck:
    """D's rows against the newest saved model trained before D (what `features --date D` shows)."""

    model: str | None  # its file name; None: no saved model trained before D (nothing checked)
    known: bool = True
    gaps: list[Gap] = field(default_factory=list)
    line_note: str | None = None


def check_coverage(wh: Warehouse, on: date, models_dir: Path | None = None) -> CoverageCheck:
    """Compare D's rows with the training coverage of the model predict would use by default."""
    folder = Path(models_dir) if models_dir else Path(wh.path).parent / "models"
    model = next((m for m in saved_models(folder) if m["trained_through"] < on), None)
    if model is None:
        return CoverageCheck(None)
    trained = Coverage.from_dict(model.get("coverage"))
    on_day = day_coverage(wh, on)
    return CoverageCheck(
        model["path"].name, trained is not None, compare(trained, on_day, on), line_note(trained, on_day, on)
    )


def _fit_before(wh: Warehouse, rows, on: date, cols: list[str], min_train_rows: int) -> dict:
    """The points model fitted on every labelled row before D, as train saves it."""
    lab = rows.labelled & (rows.game_date < day(on))
    if lab.sum() < min_train_rows:
        raise BadInputError(
            f"only {int(lab.sum())} labelled rows before {on} (< {min_train_rows}) to fit a model: "
            "backfill more dates, or lower --min-train-rows"
        )
    last = rows.game_date[lab].max().astype("datetime64[D]").item()
    market = market_no_vig(wh, rows.player_lookup, rows.game_date)
    fitted = fit_points_model(rows, lab, last, min_train_rows=min_train_rows, market=market)
    return model_file(fitted, cols, min(last, on - timedelta(days=1)), int(lab.sum()))


def _write(wh: Warehouse, on: date, tbl, version: str) -> int:
    """D's predictions replace the rows of D (one transaction)."""
    return replace_predictions(wh, tbl, on, on, version, f"predict-{uuid.uuid4().hex[:8]}")


def write_file(tbl, out: Path) -> None:
    """The predictions as Parquet or CSV, by the file's extension."""
    from ..export import write_arrow

    write_arrow(tbl, out)
