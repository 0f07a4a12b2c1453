"""`nbaprops results`: the bets predict recorded, scored against the box scores (model/ledger.py)."""

from __future__ import annotations

from enum import StrEnum

import typer

from ..errors import BadInputError
from .common import open_warehouse, parse_date_range
from .render import Col, Format, Listing, emit, format_option, messages, wide_option


class By(StrEnum):
    week = "week"
    season = "season"


def _summary_cols(first: str) -> tuple[Col, ...]:
    # the number of bets leads every row, so a figure is never read without it
    return (
        Col("period", first, keep=True),
        Col("lines", "lines"),
        Col("bets", "bets", kind="int"),
        Col("record", "W-L-P"),
        Col("won", "won", kind="int", wide=True),
        Col("lost", "lost", kind="int", wide=True),
        Col("push", "push", kind="int", wide=True),
        Col("void", "void", kind="int", wide=True),
        Col("hit_pct", "hit %", kind="float", digits=1),
        Col("units", "units", kind="float", digits=2),
        Col("roi_pct", "ROI %", kind="float", digits=1),
        Col("kelly_staked", "kelly staked", kind="float", digits=3, wide=True),
        Col("kelly_units", "kelly units", kind="float", digits=3, wide=True),
        Col("kelly_roi_pct", "kelly ROI %", kind="float", digits=1),
        Col("clv_bets", "CLV bets", kind="int"),
        Col("clv", "CLV", kind="float", digits=2),
    )


def _pct(v: float | None) -> float | None:
    return None if v is None else 100.0 * v


def _summary_rows(summaries) -> list[tuple]:
    return [
        (
            s.label,
            s.kind,
            s.bets,
            f"{s.won}-{s.lost}-{s.push}",
            s.won,
            s.lost,
            s.push,
            s.void,
            _pct(s.hit_rate),
            s.units,
            _pct(s.roi),
            s.kelly_staked,
            s.kelly_units,
            _pct(s.kelly_roi),
            s.clv_bets,
            s.clv,
        )
        for s in summaries
    ]


BET_COLS = (
    Col("game_date", "date", kind="date"),
    Col("player_lookup", "player", keep=True),
    Col("game_id", "game id", wide=True),
    Col("side", "side"),
    Col("line", "line", kind="float", digits=1),
    Col("book", "book", keep=True),
    Col("price", "price", kind="int"),
    Col("lines", "lines"),
    Col("edge_pct", "edge %", kind="float", digits=1),
    Col("expected_value", "EV", kind="float", digits=3, wide=True),
    Col("kelly_stake", "stake", kind="float", digits=3, wide=True),
    Col("points", "pts", kind="int"),
    Col("result", "result"),
    Col("profit", "units", kind="float", digits=2),
    Col("kelly_profit", "kelly units", kind="float", digits=3, wide=True),
    Col("closing_line", "close", kind="float", digits=1, wide=True),
    Col("clv", "CLV", kind="float", digits=1),
)

CAL_COLS = (
    Col("lines", "lines"),
    Col("bin", "P(over)"),
    Col("rows", "rows", kind="int"),
    Col("mean_predicted", "mean P", kind="float", digits=3),
    Col("observed_over_rate", "over rate", kind="float", digits=3),
)

SCORE_COLS = (
    Col("lines", "lines"),
    Col("rows", "rows", kind="int"),
    Col("brier", "Brier", kind="float", digits=4),
    Col("brier_base_rate", "Brier base rate", kind="float", digits=4),
    Col("log_loss", "log loss", kind="float", digits=4),
    Col("observed_over_rate", "over rate", kind="float", digits=3),
)


def results_cmd(
    start_date: str | None = typer.Option(None, "--start-date", help="First game date (default: the first predicted)."),
    end_date: str | None = typer.Option(None, "--end-date", help="Last game date (default: the last predicted)."),
    by: By = typer.Option(By.week, "--by", case_sensitive=False, help="Sum by week (named by its Monday) or season."),
    min_edge: float | None = typer.Option(
        None, "--min-edge", help="Only bets whose edge (model minus no-vig probability) is at least this, e.g. 0.03."
    ),
    bets: bool = typer.Option(False, "--bets", help="List every bet (its result, units and CLV) instead of the sums."),
    fmt: Format = format_option(
        "table (for people), csv (the first table: the periods, or the bets with --bets) or json (every "
        "table); csv/json hold every column, raw values, messages on stderr."
    ),
    wide: bool = wide_option(),
) -> None:
    """The results ledger: every bet `predict` recorded (a row of predictions.player_points_predictions
    with a bet), scored against the player's points in the box score once his game is played, at
    the price recorded then: won, lost or push (points equal to the line); void when he did not
    play (stake returned); pending while the box score is missing. Per week or season, then per
    edge bucket: the bets (won + lost), W-L-P, hit rate, units won at 1 unit a bet and ROI, the
    same staked at the recorded quarter-Kelly share of a flat bankroll, and closing-line value
    (CLV: the bet's book's last pre-tip line minus the bet's line for an over, the reverse for an
    under; only on real lines). Bets on synthetic lines (predict --include-synthetic) are always
    reported apart from real ones. Below: P(over)'s calibration on every predicted row with a
    line and an outcome (reliability bins, Brier score beside the rows' base rate)."""
    from ..model.ledger import build_ledger

    s, e = parse_date_range(start_date, end_date)
    if min_edge is not None and not -1 < min_edge < 1:
        raise BadInputError(f"--min-edge is a probability difference between -1 and 1 (0.03 = 3 %), got {min_edge:g}")
    say = messages(fmt)
    with open_warehouse(read_only=True) as wh:
        led = build_ledger(wh, s, e, by=by.value, min_edge=min_edge)
    span = f"from {s} to {e}" if s and e else f"from {s}" if s else f"to {e}" if e else "on every predicted date"
    if not led.scored:
        why = (
            f"{led.pending} bets await their games' box scores"
            if led.pending
            else f"{led.rows:,} predicted rows, none with a bet"
            + (f" of edge >= {min_edge:g}" if min_edge is not None else "")
            + " (predict bets on real lines; on synthetic ones with --include-synthetic)"
        )
        say.print(f"no scored bets {span}: {why}", markup=False, highlight=False, soft_wrap=True)
        return
    if bets:
        rows = [
            (
                b.game_date,
                b.player_lookup,
                b.game_id,
                b.side,
                b.line,
                b.book,
                int(b.price),
                b.kind,
                _pct(b.edge),
                b.expected_value,
                b.kelly_stake,
                None if b.points is None else int(b.points),
                b.result,
                b.profit,
                b.kelly_profit,
                b.closing_line,
                b.clv,
            )
            for b in led.scored
        ]
        emit(Listing(f"{len(rows):,} bets {span}", BET_COLS, rows, name="bets"), fmt, wide=wide)
    else:
        cal_rows = [
            (c.kind, b["bin"], b["n"], b["mean_predicted"], b["observed_over_rate"])
            for c in led.calibration
            for b in c.bins
            if b["n"]
        ]
        score_rows = [
            (
                c.kind,
                c.scores["n"],
                c.scores["brier"],
                c.scores["brier_base_rate"],
                c.scores["log_loss"],
                c.scores["observed_over_rate"],
            )
            for c in led.calibration
        ]
        emit(
            [
                Listing(
                    f"results by {by.value} {span}",
                    _summary_cols(by.value),
                    _summary_rows(led.periods + led.totals),
                    name="periods",
                ),
                Listing(
                    "by edge (model minus no-vig probability)",
                    _summary_cols("edge"),
                    _summary_rows(led.buckets),
                    name="edges",
                ),
                Listing("calibration of P(over), rows with a line", CAL_COLS, cal_rows, name="calibration"),
                Listing("P(over) scores (Brier: lower is better)", SCORE_COLS, score_rows, name="scores"),
            ],
            fmt,
            wide=wide,
        )
    if led.pending:
        say.print(f"{led.pending} more bets await their games' box scores", markup=False, highlight=False)
