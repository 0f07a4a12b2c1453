"""How predictions are judged: MAE/RMSE of the model beside the baselines on the same rows
(overall, per season, per month), and the over/under probabilities' Brier score, log loss,
accuracy and reliability bins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

PROB_BINS = 10


@dataclass
class Scored:
    """Per row: the outcome, the model's prediction and the baselines it is compared with
    (NaN where absent)."""

    points: np.ndarray
    pred: np.ndarray
    last10: np.ndarray
    season_avg: np.ndarray
    line: np.ndarray


def mae_rmse(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(MAE, RMSE) of pred against y; NaN for no rows."""
    if len(y) == 0:
        return float("nan"), float("nan")
    e = pred - y
    return float(np.mean(np.abs(e))), float(np.sqrt(np.mean(e * e)))


def metric_row(kind: str, scope: str, rows: np.ndarray, s: Scored) -> dict:
    """Errors of the model and of each baseline over the selected rows; the line baseline (and the
    model and last-10 again, for a fair comparison) over the selected rows that have a line."""
    y = s.points[rows]
    row: dict = {"scope_kind": kind, "scope": scope, "n": int(rows.sum())}
    for name, pred in (("model", s.pred), ("last10", s.last10), ("season_avg", s.season_avg)):
        row[f"mae_{name}"], row[f"rmse_{name}"] = mae_rmse(pred[rows], y)
    with_line = rows & ~np.isnan(s.line)
    row["n_line"] = int(with_line.sum())
    yl = s.points[with_line]
    row["mae_model_line_rows"], row["rmse_model_line_rows"] = mae_rmse(s.pred[with_line], yl)
    row["mae_last10_line_rows"], row["rmse_last10_line_rows"] = mae_rmse(s.last10[with_line], yl)
    row["mae_line"], row["rmse_line"] = mae_rmse(s.line[with_line], yl)
    return row


def season_label(season_year: int) -> str:
    return f"{season_year}-{(season_year + 1) % 100:02d}"


def scope_metrics(
    evaluated: np.ndarray, season_year: np.ndarray, game_date: np.ndarray, s: Scored, start: date, end: date
) -> list[dict]:
    """One metric row for the whole range, then one per season, then one per calendar month
    (each in order), over the evaluated rows."""
    rows = [metric_row("overall", f"{start} .. {end}", evaluated, s)]
    for sy in sorted(set(season_year[evaluated].tolist())):
        rows.append(metric_row("season", season_label(sy), evaluated & (season_year == sy), s))
    months = game_date.astype("datetime64[M]")
    for mo in sorted(set(months[evaluated].tolist())):
        month = np.datetime64(mo, "M")
        rows.append(metric_row("month", str(month), evaluated & (months == month), s))
    return rows


def reliability_bins(p: np.ndarray, y: np.ndarray) -> list[dict]:
    """PROB_BINS equal-width bins of the predicted probability: rows, mean prediction and the
    observed over rate in each (NaN for an empty bin)."""
    edges = np.linspace(0.0, 1.0, PROB_BINS + 1)
    idx = np.clip(np.digitize(p, edges[1:-1]), 0, PROB_BINS - 1)
    out = []
    for b in range(PROB_BINS):
        sel = idx == b
        n = int(sel.sum())
        out.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "lo": float(edges[b]),
                "hi": float(edges[b + 1]),
                "n": n,
                "mean_predicted": float(p[sel].mean()) if n else float("nan"),
                "observed_over_rate": float(y[sel].mean()) if n else float("nan"),
            }
        )
    return out


def probability_scores(p: np.ndarray, y: np.ndarray, base: np.ndarray) -> dict:
    """Scores of P(over) p against outcomes y (1/0), beside the constant base-rate forecast."""
    # log loss is unbounded at 0 and 1: clip so that one confident miss cannot make it infinite
    pc = np.clip(p, 1e-6, 1 - 1e-6)
    bc = np.clip(base, 1e-6, 1 - 1e-6)
    return {
        "n": len(y),
        "brier": float(np.mean((p - y) ** 2)),
        "brier_base_rate": float(np.mean((base - y) ** 2)),
        "log_loss": float(-np.mean(y * np.log(pc) + (1 - y) * np.log(1 - pc))),
        "log_loss_base_rate": float(-np.mean(y * np.log(bc) + (1 - y) * np.log(1 - bc))),
        "pick_accuracy": float(np.mean((p > 0.5) == (y == 1))),
        "always_under_accuracy": float(np.mean(y == 0)),
        "observed_over_rate": float(np.mean(y)),
        "ece": float(
            sum(b["n"] * abs(b["mean_predicted"] - b["observed_over_rate"]) for b in reliability_bins(p, y) if b["n"])
            / max(len(y), 1)
        ),
    }


def over_under_scores(
    evaluated: np.ndarray, over: np.ndarray, base: np.ndarray, probabilities: dict[str, np.ndarray]
) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """Reliability bins and scores of each way of computing P(over), each over the evaluated rows
    where it, the outcome and the base rate all exist: (kind → bins, kind → scores)."""
    bins, scores = {}, {}
    for kind, p in probabilities.items():
        m = evaluated & ~np.isnan(over) & ~np.isnan(p) & ~np.isnan(base)
        bins[kind] = reliability_bins(p[m], over[m])
        scores[kind] = probability_scores(p[m], over[m], base[m])
    return bins, scores
