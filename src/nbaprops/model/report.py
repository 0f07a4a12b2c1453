"""A backtest's results for people: metric rows for the HTML report, Markdown for the README."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .metrics import PROB_BINS

if TYPE_CHECKING:
    from .backtest import BacktestResult


def results_frame(result: BacktestResult, kinds: tuple[str, ...] = ("overall", "season", "month")) -> list[dict]:
    """The metrics rows (one dict per scope) for the HTML report / a DataFrame."""
    return [
        dict(m, model_version=result.model_version, leak=result.leak)
        for m in result.metrics
        if m["scope_kind"] in kinds
    ]


LEARNER_NAMES = {"lightgbm": "LightGBM (LGBMRegressor)", "hgb": "scikit-learn's HistGradientBoostingRegressor"}


def _refits(result: BacktestResult) -> str:
    t = result.timings
    if result.full_refit_months == 1:
        return "each from scratch"
    return (
        f"from scratch every {result.full_refit_months} months, the months between warm-started from the "
        f"previous month's model: {t.get('full_fits', 0)} full fits, {t.get('warm_fits', 0)} warm"
    )


def _f(x: float, nd: int = 2) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def render_markdown(result: BacktestResult, *, months: bool = True) -> str:
    """The backtest as Markdown: the error table (overall, per season[, per month]) beside the
    baselines, the over/under scores and the reliability tables, with the notes."""
    o = result.overall
    t = result.timings
    out = [
        f"### Walk-forward backtest {result.start} .. {result.end}"
        + (" — LEAKAGE CANARY (not a result)" if result.leak else ""),
        "",
        f"Model `{result.model_version}`: {LEARNER_NAMES.get(result.learner, result.learner)} on "
        f"{len(result.feature_names)} feature-store inputs, refitted every calendar month on all labelled rows "
        f"before it ({_refits(result)}; {t.get('blocks_predicted', 0)} blocks, {o['n']:,} player-games evaluated; "
        f"{t.get('total_seconds', 0):.0f} s: load {t.get('load_seconds', 0):.0f} s, "
        f"fit {t.get('fit_seconds', 0):.0f} s).",
        "",
    ]
    head = (
        "| scope | games | MAE model | MAE last-10 | MAE season avg | RMSE model | RMSE last-10 | "
        "RMSE season avg | games with line | MAE model (line rows) | MAE line | RMSE model (line rows) | RMSE line |"
    )
    sep = "|" + "---|" * 13

    def rows(kind: str) -> list[str]:
        return [
            f"| {m['scope']} | {m['n']:,} | **{_f(m['mae_model'])}** | {_f(m['mae_last10'])} | "
            f"{_f(m['mae_season_avg'])} | **{_f(m['rmse_model'])}** | {_f(m['rmse_last10'])} | "
            f"{_f(m['rmse_season_avg'])} | {m['n_line']:,} | {_f(m['mae_model_line_rows'])} | "
            f"{_f(m['mae_line'])} | {_f(m['rmse_model_line_rows'])} | {_f(m['rmse_line'])} |"
            for m in result.metrics
            if m["scope_kind"] == kind
        ]

    out += [head, sep, *rows("overall"), *rows("season")]
    if months:
        out += ["", "Per month:", "", head, sep, *rows("month")]
    out += [
        "",
        "Over/under probabilities (rows with a line; base rate = the training rows' over share):",
        "",
        (
            "| method | games | Brier | Brier base rate | log loss | log loss base rate | ECE | pick "
            "accuracy | always-under accuracy |"
        ),
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, s in result.probability_scores.items():
        out.append(
            f"| {kind} | {s['n']:,} | {_f(s['brier'], 4)} | {_f(s['brier_base_rate'], 4)} | "
            f"{_f(s['log_loss'], 4)} | {_f(s['log_loss_base_rate'], 4)} | {_f(s['ece'], 3)} | "
            f"{_f(s['pick_accuracy'], 3)} | {_f(s['always_under_accuracy'], 3)} |"
        )
    out += [
        "",
        "Reliability (predicted P(over) bin → observed over rate):",
        "",
        "| bin | " + " | ".join(f"{k}: games | {k}: mean p | {k}: observed" for k in result.calibration) + " |",
        "|---|" + "---|---|---|" * len(result.calibration),
    ]
    kinds = list(result.calibration)
    for i in range(PROB_BINS):
        cells = []
        for k in kinds:
            bb = result.calibration[k][i]
            cells += [f"{bb['n']:,}", _f(bb["mean_predicted"], 3), _f(bb["observed_over_rate"], 3)]
        out.append(f"| {result.calibration[kinds[0]][i]['bin']} | " + " | ".join(cells) + " |")
    out += [""] + [f"- {n}" for n in result.notes]
    return "\n".join(out) + "\n"
