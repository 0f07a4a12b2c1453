"""`nbaprops backtest` and `nbaprops train`: the Phase 5 baseline points model."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from ..errors import BadInputError
from .common import check_out_dir, check_out_file, console, open_warehouse, parse_date, parse_date_range
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

METRIC_COLS = (
    Col("scope", keep=True),
    Col("n", "games", kind="int"),
    Col("mae_model", "MAE", kind="float"),
    Col("mae_last10", "last-10", kind="float"),
    Col("mae_season_avg", "season", kind="float"),
    Col("rmse_model", "RMSE", kind="float", wide=True),
    Col("rmse_last10", "RMSE l10", kind="float", wide=True),
    Col("rmse_season_avg", "RMSE season", kind="float", wide=True),
    Col("n_line", "w/ line", kind="int"),
    Col("mae_model_line_rows", "model", kind="float"),
    Col("mae_line", "line", kind="float"),
    Col("rmse_model_line_rows", "RMSE (line rows)", kind="float", wide=True),
    Col("rmse_line", "RMSE line", kind="float", wide=True),
)
PROB_COLS = (
    Col("method", keep=True),
    Col("n", "games", kind="int"),
    Col("brier", "Brier", kind="float", digits=4),
    Col("brier_base_rate", "base", kind="float", digits=4),
    Col("log_loss", "log loss", kind="float", digits=4),
    Col("log_loss_base_rate", "base", kind="float", digits=4, wide=True),
    Col("ece", "ECE", kind="float", digits=3),
    Col("pick_accuracy", "pick", kind="float", digits=3),
    Col("always_under_accuracy", "under", kind="float", digits=3, wide=True),
)
RELIABILITY_COLS = (
    Col("method", keep=True),
    Col("bin", keep=True),
    Col("n", "games", kind="int"),
    Col("mean_predicted", "mean p", kind="float", digits=3),
    Col("observed_over_rate", "observed", kind="float", digits=3),
)


def _metrics(title: str, rows: list[dict], name: str) -> Listing:
    return Listing(
        title + " — MAE of the model, last-10 and season averages; on rows with a line: the model and the line",
        METRIC_COLS,
        [tuple(r[c.name] for c in METRIC_COLS) for r in rows],
        name=name,
    )


def backtest_cmd(
    start_date: str | None = typer.Option(
        None, "--start-date", help="First date to predict (default: the second season's opening night)."
    ),
    end_date: str | None = typer.Option(
        None, "--end-date", help="Last date to predict (default: the last feature-store date)."
    ),
    min_train_rows: int | None = typer.Option(
        None,
        "--min-train-rows",
        help="A monthly block is predicted only with at least this many labelled rows before it (default 20000).",
    ),
    canary: bool = typer.Option(
        False, "--canary", help="Also run the leakage canary (same-day points as an input; must look implausibly good)."
    ),
    months: bool = typer.Option(True, "--months/--no-months", help="Print the per-month table."),
    markdown: Path | None = typer.Option(None, "--markdown", help="Also write the results as Markdown to this file."),
    json_out: Path | None = typer.Option(
        None, "--json", help="Also write the structured results as JSON to this file."
    ),
    no_write: bool = typer.Option(False, "--no-write", help="Do not write predictions.player_points_predictions."),
    learner: str = typer.Option(
        "lightgbm", "--learner", help="lightgbm (default) or hgb (scikit-learn's HistGradientBoosting)."
    ),
    full_refit_months: int | None = typer.Option(
        None,
        "--full-refit-months",
        help="Fit from scratch every N-th month, warm-start the months "
        "between (1: every month from scratch; default 4).",
    ),
    ablation: bool = typer.Option(
        False,
        "--ablation",
        help="Instead: the backtest with every feature and without each feature group "
        "(writes no predictions; --markdown / --json take its table).",
    ),
    groups: str | None = typer.Option(None, "--groups", help="With --ablation: only these groups (comma-separated)."),
    threads: str = typer.Option(
        "auto",
        "--threads",
        help="Threads per fit: a number, or auto (default): the cores not busy with other work "
        "now (sampled for a quarter of a second), at least 1. More threads are faster on an "
        "idle machine and slower beside busy processes (README: Phase 5); the predictions "
        "are the same with any number.",
    ),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """Phase 5: walk-forward backtest of a gradient-boosted points model (LightGBM by default) on
    the feature store (fit on every labelled row before each calendar month, predict the month,
    roll forward), against the last-10, season-average and (synthetic) line baselines, with
    over/under calibration. Writes predictions.player_points_predictions (the range replaced in one
    transaction). --ablation: the same backtest without each feature group, as a table."""
    import json

    from ..model.backtest import FULL_REFIT_MONTHS, LEARNERS, MIN_TRAIN_ROWS, render_markdown, run_backtest

    s, e = parse_date_range(start_date, end_date)
    check_out_file(markdown, "--markdown")
    check_out_file(json_out, "--json")
    mtr = MIN_TRAIN_ROWS if min_train_rows is None else min_train_rows
    if mtr < 1:
        raise BadInputError(f"--min-train-rows must be 1 or more, got {mtr}")
    if learner not in LEARNERS:
        raise BadInputError(f"--learner must be one of {', '.join(LEARNERS)}, got {learner!r}")
    frm = FULL_REFIT_MONTHS if full_refit_months is None else full_refit_months
    if frm < 1:
        raise BadInputError(f"--full-refit-months must be 1 or more, got {frm}")
    n_threads = _threads(threads)
    if groups is not None and not ablation:
        raise BadInputError("--groups goes with --ablation")
    if ablation:
        if canary:
            raise BadInputError("--canary and --ablation are separate runs")
        _ablation(s, e, mtr, learner, frm, groups, markdown, json_out, fmt, n_threads)
        return
    with open_warehouse(read_only=no_write) as wh:
        with console.status("backtest") as st:

            def on_block(b) -> None:
                st.update(
                    f"backtest: {b.block_start:%Y-%m} {b.status} ({b.train_rows:,} training rows, "
                    f"{b.fit_seconds:.1f} s)"
                )

            res = run_backtest(
                wh,
                s,
                e,
                write=not no_write,
                min_train_rows=mtr,
                learner=learner,
                full_refit_months=frm,
                on_block=on_block,
                threads=n_threads,
            )
            leak = None
            if canary:
                st.update("leakage canary")
                leak = run_backtest(
                    wh,
                    res.start,
                    res.end,
                    leak=True,
                    write=False,
                    min_train_rows=mtr,
                    learner=learner,
                    full_refit_months=frm,
                    threads=n_threads,
                )
    t = res.timings
    say = messages(fmt)
    say.print(
        f"model {res.model_version}: {t['blocks_predicted']} monthly blocks ({t['full_fits']} fitted from "
        f"scratch, {t['warm_fits']} warm-started), {t['total_seconds']:.1f} s "
        f"(load {t['load_seconds']:.1f}, fit {t['fit_seconds']:.1f}, predict {t['predict_seconds']:.1f}, "
        f"write {t['write_seconds']:.1f}; CPU {t['cpu_seconds']:.1f})"
    )
    for b in res.blocks:
        if b.status == "skipped":
            say.print(f"[dim]skipped {b.block_start:%Y-%m}: {escape(str(b.note))}[/]")
    listings = [
        _metrics(
            f"walk-forward backtest {res.start} .. {res.end}",
            [m for m in res.metrics if m["scope_kind"] in ("overall", "season")],
            "overall",
        )
    ]
    if months:
        listings.append(_metrics("per month", [m for m in res.metrics if m["scope_kind"] == "month"], "months"))
    listings.append(
        Listing(
            "over/under probabilities (rows with a line; base = the base rate)",
            PROB_COLS,
            [(kind, *(sc[c.name] for c in PROB_COLS[1:])) for kind, sc in res.probability_scores.items()],
            name="probabilities",
        )
    )
    listings.append(
        Listing(
            "reliability: predicted P(over) bin → observed over rate",
            RELIABILITY_COLS,
            [
                (kind, x["bin"], x["n"], x["mean_predicted"], x["observed_over_rate"])
                for kind, bins in res.calibration.items()
                for x in bins
            ],
            name="reliability",
        )
    )
    emit(listings, fmt, wide=wide)
    for note in res.notes:
        say.print(f"[dim]note: {escape(str(note))}[/]")
    if leak is not None:
        lo, ro = leak.overall, res.overall
        ok = lo["mae_model"] < 1.0 and ro["mae_model"] > 3.0
        say.print(
            f"leakage canary (label_points as an input): MAE {lo['mae_model']:.2f} vs real features "
            f"{ro['mae_model']:.2f} — " + ("[green]as expected[/]" if ok else "[red]UNEXPECTED[/]")
        )
    if not no_write:
        say.print(
            f"wrote {res.rows_written:,} rows to predictions.player_points_predictions "
            f"({res.start} .. {res.end} replaced)"
        )
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(
            render_markdown(res, months=months) + ("\n" + render_markdown(leak, months=False) if leak else ""),
            encoding="utf-8",
        )
        say.print(f"wrote {markdown}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"backtest": res.to_dict(), "canary": leak.to_dict() if leak else None}
        json_out.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        say.print(f"wrote {json_out}")
    if leak is not None and not ok:
        raise typer.Exit(1)


def _threads(value: str) -> int:
    """--threads: a whole number of 1 or more, or auto (model.estimators.auto_threads)."""
    from ..model.estimators import auto_threads

    if value.strip().lower() == "auto":
        return auto_threads()
    try:
        n = int(value)
    except ValueError:
        raise BadInputError(f"--threads must be a number of 1 or more, or auto, got {value!r}") from None
    if n < 1:
        raise BadInputError(f"--threads must be 1 or more, or auto, got {value}")
    return n


def _ablation(
    s,
    e,
    mtr: int,
    learner: str,
    frm: int,
    groups: str | None,
    markdown: Path | None,
    json_out: Path | None,
    fmt: Format,
    threads: int,
) -> None:
    """`backtest --ablation`: the backtest with every feature and without each group."""
    import json
    from dataclasses import asdict

    from ..model.ablation import ALL, render_ablation, run_ablation
    from ..model.data import default_range

    wanted = [g.strip() for g in groups.split(",") if g.strip()] if groups is not None else None
    with open_warehouse(read_only=True) as wh:
        if s is None or e is None:
            d_start, d_end = default_range(wh)
            s, e = s or d_start, e or d_end
        if s > e:
            raise BadInputError(f"--start-date {s} is after --end-date {e}")
        with console.status("ablation") as st:

            def on_run(r) -> None:
                o = next(m for m in r.metrics if m["scope"] == "overall" and m["population"] == "played")
                st.update(f"ablation: {r.variant} done (MAE {o['mae']:.3f}, {r.seconds:.0f} s)")

            res = run_ablation(
                wh,
                s,
                e,
                groups=wanted,
                min_train_rows=mtr,
                learner=learner,
                full_refit_months=frm,
                on_run=on_run,
                threads=threads,
            )
    say = messages(fmt)
    rows = []
    for r in res.runs:
        o, ol = res.metric(r.variant), res.metric(r.variant, population="line")
        rows.append(
            (
                r.variant,
                r.n_inputs,
                o["n"],
                o["mae"],
                o["ratio"],
                o["rmse"],
                ol["n"],
                ol["mae"],
                ol["ratio"],
                ol["brier"],
                "" if r.group is None else res.verdict(r.group),
                r.seconds,
            )
        )
    cols = (
        Col("run", keep=True),
        Col("inputs", kind="int"),
        Col("n", "games", kind="int"),
        Col("mae", "MAE", kind="float", digits=3),
        Col("ratio_last10", "x l10", kind="float", digits=3),
        Col("rmse", "RMSE", kind="float", digits=3),
        Col("n_line", "w/ line", kind="int"),
        Col("mae_line", "MAE line", kind="float", digits=3),
        Col("ratio_last10_line", "x l10 line", kind="float", digits=3),
        Col("brier_line", "Brier", kind="float", digits=4),
        Col("verdict"),
        Col("seconds", "s", kind="float", digits=0, wide=True),
    )
    emit(
        [
            Listing(
                f"feature-group ablation {res.start} .. {res.end} ({res.learner}; x l10 = MAE / last-10 MAE)",
                cols,
                rows,
                name="ablation",
            )
        ],
        fmt,
        wide=False,
    )
    say.print(f"{len(res.runs)} runs in {res.seconds:.0f} s; '{ALL}' is the reference")
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(render_ablation(res), encoding="utf-8")
        say.print(f"wrote {markdown}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(json.loads(json.dumps(asdict(res), default=str)), indent=1), encoding="utf-8")
        say.print(f"wrote {json_out}")


def train_cmd(
    end_date: str | None = typer.Option(
        None, "--end-date", help="Train on labelled rows up to this date (default: all)."
    ),
    holdout_days: int = typer.Option(
        30, "--holdout-days", help="Before the final fit, score a model fitted on earlier rows on the last N days."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for the model file (default: <warehouse folder>/models)."
    ),
    min_train_rows: int | None = typer.Option(
        None, "--min-train-rows", help="Labelled rows needed up to --end-date (default 20000)."
    ),
) -> None:
    """Fit the points model (the regressor and the points distribution around it, whose errors
    come from the holdout) on every labelled feature-store row up to --end-date and save it with
    joblib. Reports one honest holdout and the in-sample error
    (optimistic by construction); `nbaprops backtest` is the real evaluation."""
    from ..model.backtest import MIN_TRAIN_ROWS, train_model

    e = parse_date(end_date, "--end-date")
    mtr = MIN_TRAIN_ROWS if min_train_rows is None else min_train_rows
    if mtr < 1:
        raise BadInputError(f"--min-train-rows must be 1 or more, got {mtr}")
    if holdout_days < 1:
        raise BadInputError(f"--holdout-days must be 1 or more, got {holdout_days}")
    if out is not None:
        if out.exists() and not out.is_dir():
            raise BadInputError(f"--out {out} is a file; give a folder")
        check_out_dir(out)  # before the fit, not after it
    with open_warehouse(read_only=True) as wh:
        with console.status("training"):
            tr = train_model(wh, e, holdout_days=holdout_days, out_dir=out, min_train_rows=mtr)
    console.print(
        f"model {tr.model_version}: {tr.train_rows:,} labelled rows through {tr.trained_through} ({tr.seconds:.1f} s)"
    )
    if tr.holdout_start:
        console.print(
            f"holdout {tr.holdout_start} .. {tr.trained_through} (last {holdout_days} days, "
            f"{tr.holdout_rows:,} player-games, model fitted before it): MAE {tr.holdout_mae:.2f} "
            f"vs last-10 average {tr.holdout_mae_last10:.2f}"
        )
    else:
        console.print(f"[yellow]no holdout[/]: too few rows before or inside the last {holdout_days} days")
    console.print(f"in-sample MAE {tr.in_sample_mae:.2f} (optimistic: the model has seen these games)")
    if tr.blend_weight is not None:
        console.print(
            f"market blend: P(over) = {tr.blend_weight:.2f} x the model's + {1 - tr.blend_weight:.2f} x the book's "
            f"no-vig, fitted on {tr.blend_rows:,} real priced lines of the holdout",
            markup=False,
            highlight=False,
        )
    else:
        console.print("no market blend: fewer than 300 real priced lines in the holdout", markup=False)
    if tr.coverage is not None:  # what predict will hold D's rows against (its skew warning)
        shares = ", ".join(f"{g.replace('_', ' ')} {v:.0%}" for g, v in sorted(tr.coverage.groups().items()))
        synthetic = tr.coverage.synthetic_share
        lines = "" if synthetic is None else f"; prop lines {synthetic:.0%} synthetic"
        console.print(
            f"real values in the training rows by feature group: {shares}{lines}", markup=False, highlight=False
        )
    console.print(f"saved {tr.path}")
