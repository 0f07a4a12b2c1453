"""Feature-group ablation: the walk-forward backtest with every feature, then once without each
feature group (features.GROUPS; a feature's group is features.Feature.group), on the same rows,
the same blocks and the same learner. The feature store is read once; each run leaves a group's
columns out of the design matrix.

For each run: MAE, its ratio to the last-10 average on the same rows, RMSE and the over/under
Brier score, overall and per season, on every player who played and on the players with a line.
MAE is the projection's (the points distribution's median) and Brier its P(over) (walk_forward's
pred and p_over: one distribution per row, no second model per run).

A group helps when leaving it out raises the overall MAE by at least HELPS_MAE points; it hurts
when leaving it out lowers the MAE by at least that much; otherwise its effect is below what the
backtest can tell apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from .. import features
from ..errors import BadInputError
from ..warehouse import Warehouse
from .data import FeatureRows, feature_columns, load_feature_rows
from .estimators import FULL_REFIT_MONTHS, LEARNER, MIN_TRAIN_ROWS, THREADS, learner_params, limited_threads
from .metrics import mae_rmse, season_label
from .walk_forward import walk_forward

HELPS_MAE = 0.005
ALL = "all features"


@dataclass
class AblationRun:
    variant: str  # ALL, or the group left out
    group: str | None
    features: list[str]  # the group's features (empty for ALL)
    n_inputs: int
    seconds: float
    metrics: list[dict]  # per scope (overall, seasons) × population (played, line)


@dataclass
class AblationResult:
    start: date
    end: date
    learner: str
    full_refit_months: int
    runs: list[AblationRun]
    seconds: float
    notes: list[str] = field(default_factory=list)

    def metric(self, variant: str, scope: str = "overall", population: str = "played") -> dict:
        run = next(r for r in self.runs if r.variant == variant)
        return next(m for m in run.metrics if m["scope"] == scope and m["population"] == population)

    def verdict(self, group: str) -> str:
        d = self.metric(f"without {group}")["mae"] - self.metric(ALL)["mae"]
        return "helps" if d >= HELPS_MAE else "hurts" if d <= -HELPS_MAE else "no measurable effect"


def groups_of(cols: list[str]) -> dict[str, list[str]]:
    """Group → its features among `cols`, in GROUPS order (groups without a feature left out)."""
    fmap = features.by_name()
    out = {g: [c for c in cols if c in fmap and fmap[c].group == g] for g in features.GROUPS}
    return {g: names for g, names in out.items() if names}


def scoped_metrics(rows: FeatureRows, pred: np.ndarray, p_over: np.ndarray, evaluated: np.ndarray) -> list[dict]:
    """MAE, last-10 MAE and their ratio, RMSE (model and last-10) and Brier (rows with a line),
    overall and per season, on the evaluated rows (played) and on those with a line."""
    out = []
    scopes = [("overall", evaluated)] + [
        (season_label(int(sy)), evaluated & (rows.season_year == sy))
        for sy in sorted(set(rows.season_year[evaluated].tolist()))
    ]
    for scope, sel in scopes:
        for population, m in (("played", sel), ("line", sel & ~np.isnan(rows.line))):
            y = rows.points[m]
            mae, rmse = mae_rmse(pred[m], y)
            mae10, rmse10 = mae_rmse(rows.last10[m], y)
            ob = m & ~np.isnan(rows.over) & ~np.isnan(p_over)
            brier = float(np.mean((p_over[ob] - rows.over[ob]) ** 2)) if ob.any() else float("nan")
            out.append(
                {
                    "scope": scope,
                    "population": population,
                    "n": int(m.sum()),
                    "mae": mae,
                    "mae_last10": mae10,
                    "ratio": mae / mae10 if mae10 else float("nan"),
                    "rmse": rmse,
                    "rmse_last10": rmse10,
                    "brier": brier if population == "line" else float("nan"),
                }
            )
    return out


def run_ablation(
    wh: Warehouse,
    start: date,
    end: date,
    *,
    groups: list[str] | None = None,
    min_train_rows: int = MIN_TRAIN_ROWS,
    learner: str = LEARNER,
    full_refit_months: int = FULL_REFIT_MONTHS,
    reg_params: dict | None = None,
    clf_params: dict | None = None,
    threads: int | None = THREADS,
    on_run: Callable[[AblationRun], None] | None = None,
) -> AblationResult:
    """The backtest over [start, end] with every feature and without each group (`groups`:
    a subset of features.GROUPS, default every group with a feature)."""
    t_all = time.perf_counter()
    reg_params, clf_params = learner_params(learner, reg_params, clf_params)
    cols = feature_columns()
    by_group = groups_of(cols)
    if groups is not None:
        unknown = [g for g in groups if g not in features.GROUPS]
        if unknown:
            raise BadInputError(f"unknown feature group(s) {', '.join(unknown)}; groups: {', '.join(features.GROUPS)}")
        by_group = {g: names for g, names in by_group.items() if g in groups}
    rows = load_feature_rows(wh, end, cols)
    runs = []
    variants: list[tuple[str, str | None, list[str]]] = [(ALL, None, [])] + [
        (f"without {g}", g, names) for g, names in by_group.items()
    ]
    with limited_threads(threads):
        for variant, group, names in variants:
            t0 = time.perf_counter()
            mask = np.array([c not in names for c in cols])
            wf = walk_forward(
                rows,
                start,
                end,
                min_train_rows=min_train_rows,
                reg_params=reg_params,
                clf_params=clf_params,
                learner=learner,
                full_refit_months=full_refit_months,
                classifier=False,
                columns=mask,
                threads=threads,
            )
            evaluated = wf.predicted & rows.labelled
            run = AblationRun(
                variant,
                group,
                names,
                int(mask.sum()),
                round(time.perf_counter() - t0, 1),
                scoped_metrics(rows, wf.pred, wf.p_over, evaluated),
            )
            runs.append(run)
            if on_run:
                on_run(run)
    if not runs[0].metrics[0]["n"]:
        raise BadInputError(f"no block of {start} .. {end} was predicted (too few labelled rows before it)")
    return AblationResult(
        start,
        end,
        learner,
        full_refit_months,
        runs,
        round(time.perf_counter() - t_all, 1),
        notes=[
            f"A group helps when the backtest without it has an overall MAE at least "
            f"{HELPS_MAE} points higher; hurts when at least that much lower.",
            "Brier: P(over) from the prediction plus the model's out-of-sample residuals (rows with a line).",
        ],
    )


def _f(x: float, nd: int = 3) -> str:
    return "–" if x is None or np.isnan(x) else f"{x:.{nd}f}"


def render_ablation(res: AblationResult) -> str:
    """The ablation as Markdown: a summary (overall, both populations, one line per run) and the
    per-season table."""
    base = res.metric(ALL)
    base_line = res.metric(ALL, population="line")
    seasons = [m["scope"] for m in res.runs[0].metrics if m["scope"] != "overall" and m["population"] == "played"]
    out = [
        f"### Feature-group ablation {res.start} .. {res.end}",
        "",
        f"Walk-forward with every feature, then without each group ({res.learner}, full refit every "
        f"{res.full_refit_months} months, warm starts between; {len(res.runs)} runs, {res.seconds:.0f} s). "
        f"Ratio = model MAE / last-10-average MAE on the same rows; Δ = MAE without the group − MAE with every "
        f"feature (positive: the group helps).",
        "",
        "| run | inputs | MAE played | × last-10 | Δ MAE | worst season × last-10 | RMSE | MAE with line | "
        "× last-10 (line) | Brier (line) | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res.runs:
        o, ol = res.metric(r.variant), res.metric(r.variant, population="line")
        worst = max(
            (
                m["ratio"]
                for m in r.metrics
                if m["scope"] != "overall" and m["population"] == "played" and m["n"] >= 1000
            ),
            default=float("nan"),
        )
        delta = "" if r.group is None else f"{o['mae'] - base['mae']:+.3f}"
        verdict = "" if r.group is None else res.verdict(r.group)
        out.append(
            f"| {r.variant} | {r.n_inputs} | {_f(o['mae'])} | {_f(o['ratio'])} | {delta} | {_f(worst)} | "
            f"{_f(o['rmse'])} | {_f(ol['mae'])} | {_f(ol['ratio'])} | {_f(ol['brier'], 4)} | {verdict} |"
        )
    out += [
        "",
        f"Every feature: {base['n']:,} player-games who played, {base_line['n']:,} with a line. "
        "Per season (MAE × last-10 average; played / with a line):",
        "",
        "| run | " + " | ".join(seasons) + " |",
        "|---|" + "---|" * len(seasons),
    ]
    for r in res.runs:
        cells = []
        for s in seasons:
            p, ln = res.metric(r.variant, s), res.metric(r.variant, s, "line")
            cells.append(f"{_f(p['ratio'])} / {_f(ln['ratio'])}")
        out.append(f"| {r.variant} | " + " | ".join(cells) + " |")
    out += ["", "Groups (features.GROUPS; each feature's group is features.Feature.group):", ""]
    out += [f"- **{r.group}** ({features.GROUPS[r.group]}): {', '.join(r.features)}" for r in res.runs if r.group]
    out += [""] + [f"- {n}" for n in res.notes]
    return "\n".join(out) + "\n"
