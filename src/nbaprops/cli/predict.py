"""`nbaprops predict --date D`: the points model scores D's feature-store rows."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import BadInputError
from .common import check_out_file, console, open_warehouse, parse_date
from .coverage import print_coverage
from .render import Col, Format, Listing, emit, format_option, messages, wide_option

COLS = (
    Col("player_lookup", "player", keep=True),
    Col("game_id", "game", wide=True),
    Col("predicted_points", "points", kind="float", digits=1),
    Col("points_line", "line", kind="float", digits=1),
    # table: 'synthetic' or the book and time without the year; csv/json: with it (line_source.py)
    Col("line_source", "line from"),
    # the official injury report's status for D (blank: not on a report, or no report covers the game)
    Col("report_status", "report"),
    Col("p_over", "P(over)", kind="float", digits=2),
    Col("label_played", "played", kind="bool", wide=True),
    Col("label_points", "actual", kind="float", digits=0, wide=True),
)


def predict_cmd(
    on: str = typer.Option(..., "--date", help="The date to predict (YYYY-MM-DD); its feature-store rows must exist."),
    model: Path | None = typer.Option(
        None,
        "--model",
        help="A model file saved by `nbaprops train` (default: the "
        "newest in <warehouse folder>/models trained before D).",
    ),
    fit: bool = typer.Option(
        False, "--fit", help="Fit a model now on every labelled row before D instead of a saved one."
    ),
    min_train_rows: int | None = typer.Option(
        None, "--min-train-rows", help="With --fit (or no saved model): labelled rows needed before D (default 20000)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Also write the predictions to this file: .parquet or .csv (with the line's book, snapshot time "
        "and whether it is synthetic: line_book, line_snapshot_utc, line_synthetic, line_source; and report_status).",
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Refuse (exit 1, nothing written) when a feature group the model learned from real values is "
        "mostly default on D (real on D in under half its training share), instead of warning.",
    ),
    no_write: bool = typer.Option(False, "--no-write", help="Do not write predictions.player_points_predictions."),
    limit: int = typer.Option(30, "--limit", min=1, help="The table shows the top N predictions (csv/json: all)."),
    fmt: Format = format_option(),
    wide: bool = wide_option(),
) -> None:
    """Score D's feature-store rows with the points model — the projection (the median of each
    player's points distribution) and P(over the line) from that one distribution: a model saved
    by `nbaprops train` that was trained before D (it has never seen D), or with --fit (or when
    none is saved) one fitted now on every labelled row before D. D's rows of
    predictions.player_points_predictions are replaced in one transaction.

    The line is the current pre-tip points line of the first book with a pre-tip snapshot in the
    order draftkings, fanduel, then the others alphabetically (that book's latest pre-tip
    snapshot); "line from" says which book and when (UTC), or that it is synthetic. "report" is
    the player's status in the NBA's official injury report (the latest published before 12:00 US
    Eastern on D that covers his game; blank when not listed or no report covers it): a player
    reported Out or Doubtful is named below the table — no bet on a player who will not play.

    D's rows are checked against the model's training coverage: a warning names each feature
    group that was real in training (>= 50 % of the rows) and is mostly default on D (under half
    that share), e.g. game lines not fetched for D; --strict refuses instead."""
    from ..model.estimators import MIN_TRAIN_ROWS
    from ..model.predict import predict_date, write_file

    d = parse_date(on, "--date")
    check_out_file(out, suffixes=(".parquet", ".csv"))  # before any fitting
    if model is not None and not model.is_file():
        raise BadInputError(f"--model {model}: no such file")
    if model is not None and fit:
        raise BadInputError("--model and --fit exclude each other")
    mtr = MIN_TRAIN_ROWS if min_train_rows is None else min_train_rows
    if mtr < 1:
        raise BadInputError(f"--min-train-rows must be 1 or more, got {mtr}")
    say = messages(fmt)
    with open_warehouse(read_only=no_write) as wh:
        with console.status(f"predicting {d}"):
            res = predict_date(wh, d, model_path=model, fit=fit, write=not no_write, min_train_rows=mtr, strict=strict)
    say.print(
        f"model {res.model_version} ({res.model_source}; trained through {res.trained_through}, "
        f"{res.train_rows:,} rows): {len(res.predictions):,} players on {d}, {res.seconds:.1f} s",
        markup=False,
        highlight=False,
    )
    print_coverage(say, res.coverage_known, res.gaps, res.line_note)

    def source(p) -> str | None:
        if p.line is None:
            return None
        return p.line.short if fmt == "table" else p.line.source

    rows = [
        (
            p.player_lookup,
            p.game_id,
            p.predicted_points,
            p.points_line,
            source(p),
            p.status if p.status != "available" else None,
            p.p_over,
            p.label_played,
            p.label_points,
        )
        for p in res.predictions
    ]
    shown = rows if fmt != "table" else rows[:limit]
    emit(Listing(f"predicted points on {d} (highest first)", COLS, shown), fmt, wide=wide)
    if fmt == "table" and len(rows) > limit:
        say.print(f"{len(rows) - limit:,} more: raise --limit, or --format csv / --out")
    out_now = [p.player_lookup for p in res.predictions if p.reported_out]
    if out_now:
        say.print(
            f"{len(out_now)} reported Out or Doubtful for {d} by the official injury report (no bet: he will "
            f"most likely not play): {', '.join(out_now)}",
            markup=False,
            highlight=False,
        )
    if res.rows_written:
        say.print(f"wrote {res.rows_written:,} rows to predictions.player_points_predictions ({d} replaced)")
    if out is not None:
        write_file(res.arrow, out)
        say.print(f"wrote {out}", markup=False, highlight=False)
