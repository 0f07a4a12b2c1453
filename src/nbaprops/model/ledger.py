"""The results ledger: the bets `predict` recorded, scored once their games are played.

A bet is a row of predictions.player_points_predictions with a bet_side (model/board.py chose it
at the books' prices when predict ran). Its outcome is read at results time, not from the row:
predict wrote labels from the feature store, which holds none for a game not yet played. The
player's points come from analytics.player_game_summary by (player_lookup, game_date), else from
the row's own labels (a backtest's rows carry them). A player with no points in a game whose box
score exists did not play: the bet is void, its stake returned. A game with no box score yet
leaves the bet pending (left out of every figure, and counted).

Per bet: won, lost or push (points equal to an integer line), at the recorded American price
with 1 unit staked (profit: decimal − 1 when won, −1 when lost, 0 on a push or void) and again
staked kelly_stake units of a flat bankroll. Hit rate and ROI count decided bets only (won +
lost): a push or a void returns the stake and is no bet at all.

Closing-line value: the bet's book's last pre-tip line in raw.player_points_props against the
bet's line — closing − bet line for an over, bet line − closing for an under (positive: the market
moved the bet's way). None for a synthetic line, which no market moved.

A bet is synthetic when its book's quote in raw.player_points_props is (predict prices synthetic
lines only with --include-synthetic); real and synthetic bets are always reported apart.
Calibration scores P(over) against points > line on every predicted row with a line and an
outcome, bets or not, by the line's kind too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import numpy as np

from .. import line_source, pricing
from ..errors import BadInputError
from ..warehouse import Warehouse, quote_table
from .metrics import probability_scores, reliability_bins, season_label
from .storage import PREDICTIONS_TABLE

BOX_SCORES = "analytics.player_game_summary"
PROPS = "raw.player_points_props"
REAL, SYNTHETIC = "real", "synthetic"
# (label, lower bound): a bet falls in the last bucket whose bound is at most its edge
EDGE_BUCKETS = (("<2%", -math.inf), ("2-5%", 0.02), ("5-10%", 0.05), (">=10%", 0.10))
Period = Literal["week", "season"]


@dataclass
class Bet:
    game_date: date
    season_year: int
    player_lookup: str
    game_id: str | None
    side: str
    book: str | None
    line: float
    price: float  # American odds
    edge: float | None
    expected_value: float | None
    kelly_stake: float
    synthetic: bool
    points: float | None  # None: void or pending
    result: str  # won | lost | push | void | pending
    profit: float  # units, 1 staked (0 on push, void, pending)
    kelly_profit: float  # the same at kelly_stake units
    closing_line: float | None
    clv: float | None

    @property
    def kind(self) -> str:
        return SYNTHETIC if self.synthetic else REAL

    @property
    def decided(self) -> bool:
        return self.result in ("won", "lost")


@dataclass
class Summary:
    """A group of bets' figures; `bets` = decided ones, what hit rate and ROI rest on."""

    label: str
    kind: str
    bets: int
    won: int
    lost: int
    push: int
    void: int
    hit_rate: float | None
    units: float
    roi: float | None
    kelly_staked: float
    kelly_units: float
    kelly_roi: float | None
    clv_bets: int
    clv: float | None  # mean closing-line value, points


@dataclass
class Calibration:
    kind: str  # the line's: real, synthetic, or unknown (a row whose line's source is gone)
    scores: dict  # metrics.probability_scores
    bins: list[dict]  # metrics.reliability_bins


@dataclass
class Ledger:
    start: date | None
    end: date | None
    rows: int  # predicted rows in range
    bets: list[Bet]  # every bet in range, pending ones too (min_edge applied)
    periods: list[Summary] = field(default_factory=list)
    totals: list[Summary] = field(default_factory=list)
    buckets: list[Summary] = field(default_factory=list)
    calibration: list[Calibration] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(b.result == "pending" for b in self.bets)

    @property
    def scored(self) -> list[Bet]:
        return [b for b in self.bets if b.result != "pending"]


def _sql(wh: Warehouse) -> tuple[str, int]:
    """The ledger's query and how many times it takes (start, end). Tables a warehouse lacks
    (no backfill yet: no box scores; no line provenance) are left out, not guessed."""
    box = wh.table_exists(BOX_SCORES)
    src = line_source.available(wh)
    ctes = [
        f"pr AS (SELECT * FROM {quote_table(PREDICTIONS_TABLE)} WHERE game_date BETWEEN ? AND ?)",
        # the bet's book's last pre-tip quote: the closing line, and whether the line is synthetic
        f"""closing AS (
            SELECT game_id, player_lookup, bookmaker, points_line, is_synthetic FROM {quote_table(PROPS)}
            WHERE game_date BETWEEN ? AND ? AND minutes_before_tipoff >= 0
            QUALIFY row_number() OVER (PARTITION BY game_id, player_lookup, bookmaker
                                       ORDER BY snapshot_timestamp DESC) = 1)""",
    ]
    ranges = 2
    if box:
        ctes.append(
            f"box AS (SELECT player_lookup, game_date, game_id, points FROM {quote_table(BOX_SCORES)} "
            "WHERE game_date BETWEEN ? AND ?)"
        )
        ctes.append("games AS (SELECT DISTINCT game_id FROM box)")
        ranges += 1
    if src:
        ctes.append(f"src AS ({line_source.provenance_sql()})")
        ranges += 1
    stored = "CASE WHEN pr.label_played AND pr.label_points IS NOT NULL THEN pr.label_points END"
    points = f"coalesce(b.points, {stored})" if box else stored
    # played: TRUE with points, FALSE when his game's box score exists without him, NULL = pending
    played = (
        f"CASE WHEN {points} IS NOT NULL THEN TRUE WHEN g.game_id IS NOT NULL THEN FALSE END"
        if box
        else f"CASE WHEN {points} IS NOT NULL THEN TRUE END"
    )
    line_kind = "coalesce(pr.line_synthetic, s.line_synthetic)" if src else "pr.line_synthetic"
    joins = [
        "LEFT JOIN closing c ON c.game_id = pr.game_id AND c.player_lookup = pr.player_lookup "
        "AND c.bookmaker = pr.bet_book"
    ]
    if box:
        joins.append("LEFT JOIN box b ON b.player_lookup = pr.player_lookup AND b.game_date = pr.game_date")
        joins.append("LEFT JOIN games g ON g.game_id = pr.game_id")
    if src:
        joins.append("LEFT JOIN src s ON s.player_lookup = pr.player_lookup AND s.game_date = pr.game_date")
    sql = f"""
        WITH {", ".join(ctes)}
        SELECT pr.game_date, pr.season_year, pr.player_lookup, pr.game_id, pr.p_over, pr.points_line,
               {line_kind} AS line_synthetic, {points} AS points, {played} AS played,
               pr.bet_side, pr.bet_book, pr.bet_line, pr.bet_price_american, pr.edge, pr.expected_value,
               pr.kelly_stake,
               -- a bet whose quote is gone counts as synthetic: it cannot be shown to be real
               coalesce(c.is_synthetic, CASE WHEN pr.bet_book = pr.line_book THEN pr.line_synthetic END, TRUE)
                   AS bet_synthetic,
               c.points_line AS closing_line
        FROM pr {" ".join(joins)}
        ORDER BY pr.game_date, pr.player_lookup"""
    return sql, ranges


def settle(side: str, line: float, points: float | None, played: bool | None) -> str:
    """won / lost / push of a bet on `side` of `line`; void when he did not play, pending when
    his game's outcome is not known yet."""
    if played is None:
        return "pending"
    if not played or points is None:
        return "void"
    if points == line:
        return "push"
    return "won" if (points > line) == (side == "over") else "lost"


def profit(result: str, price: float, stake: float = 1.0) -> float:
    """Profit of `stake` units at American `price`: the win pays decimal − 1 per unit."""
    if result == "won":
        return stake * (float(pricing.american_to_decimal(price)) - 1.0)
    if result == "lost":
        return -stake
    return 0.0


def closing_line_value(side: str, line: float, closing: float | None, synthetic: bool) -> float | None:
    if closing is None or synthetic:
        return None
    return closing - line if side == "over" else line - closing


def edge_bucket(edge: float | None) -> str:
    e = -math.inf if edge is None else edge
    return [label for label, lo in EDGE_BUCKETS if e >= lo][-1]


def period_of(d: date, season_year: int, by: Period) -> str:
    """A week is named by its Monday; a season as 2023-24."""
    if by == "season":
        return season_label(season_year)
    return (d - timedelta(days=d.weekday())).isoformat()


def summarize(label: str, kind: str, bets: list[Bet]) -> Summary:
    decided = [b for b in bets if b.decided]
    won = sum(b.result == "won" for b in bets)
    lost = sum(b.result == "lost" for b in bets)
    units = sum(b.profit for b in bets)
    staked = sum(b.kelly_stake for b in decided)
    kelly = sum(b.kelly_profit for b in bets)
    clvs = [b.clv for b in decided if b.clv is not None]
    return Summary(
        label,
        kind,
        len(decided),
        won,
        lost,
        sum(b.result == "push" for b in bets),
        sum(b.result == "void" for b in bets),
        won / len(decided) if decided else None,
        units,
        units / len(decided) if decided else None,
        staked,
        kelly,
        kelly / staked if staked > 0 else None,
        len(clvs),
        sum(clvs) / len(clvs) if clvs else None,
    )


def _num(v) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def build_ledger(
    wh: Warehouse,
    start: date | None = None,
    end: date | None = None,
    *,
    by: Period = "week",
    min_edge: float | None = None,
) -> Ledger:
    """Every bet of [start, end] (all predicted dates by default) scored, summed per period and
    line kind, per edge bucket, and P(over)'s calibration on every row with a line."""
    if by not in ("week", "season"):
        raise BadInputError(f"--by must be week or season, got {by!r}")
    lo, hi = start or date(1900, 1, 1), end or date(9999, 12, 31)
    sql, ranges = _sql(wh)
    rows = wh.con.execute(sql, [lo, hi] * ranges).fetchall()
    bets: list[Bet] = []
    cal: dict[str, tuple[list[float], list[float]]] = {}
    for (
        gd,
        sy,
        lk,
        gid,
        p_over,
        line,
        line_syn,
        pts,
        played,
        side,
        book,
        bline,
        price,
        edge,
        ev,
        kelly,
        bsyn,
        close,
    ) in rows:
        pts, line = _num(pts), _num(line)
        if _num(p_over) is not None and line is not None and pts is not None and played:
            kind = "unknown" if line_syn is None else (SYNTHETIC if line_syn else REAL)
            ps, ys = cal.setdefault(kind, ([], []))
            ps.append(float(p_over))
            ys.append(1.0 if pts > line else 0.0)
        if side is None or _num(bline) is None or _num(price) is None:
            continue
        if min_edge is not None and (_num(edge) is None or edge < min_edge):
            continue
        result = settle(side, bline, pts, played)
        stake = _num(kelly) or 0.0
        bets.append(
            Bet(
                gd,
                int(sy),
                lk,
                gid,
                side,
                book,
                float(bline),
                float(price),
                _num(edge),
                _num(ev),
                stake,
                bool(bsyn),
                pts if result not in ("void", "pending") else None,
                result,
                profit(result, price),
                profit(result, price, stake),
                _num(close),
                closing_line_value(side, bline, _num(close), bool(bsyn)),
            )
        )
    led = Ledger(start, end, len(rows), bets)
    scored = led.scored
    for kind in (REAL, SYNTHETIC):
        mine = [b for b in scored if b.kind == kind]
        if not mine:
            continue
        periods: dict[str, list[Bet]] = {}
        for b in mine:
            periods.setdefault(period_of(b.game_date, b.season_year, by), []).append(b)
        led.periods += [summarize(p, kind, bs) for p, bs in sorted(periods.items())]
        led.totals.append(summarize("all", kind, mine))
        for label, _ in EDGE_BUCKETS:
            inside = [b for b in mine if edge_bucket(b.edge) == label]
            if inside:
                led.buckets.append(summarize(label, kind, inside))
    for kind in (REAL, SYNTHETIC, "unknown"):
        if kind in cal:
            p, y = (np.asarray(v, dtype=float) for v in cal[kind])
            base = np.full(len(y), y.mean())  # the constant forecast of the rows' own over rate
            led.calibration.append(Calibration(kind, probability_scores(p, y, base), reliability_bins(p, y)))
    return led


def cumulative(bets: list[Bet]) -> list[tuple[date, int, float, float]]:
    """(date, decided bets so far, units so far, ROI so far) at each date with a decided bet."""
    out: list[tuple[date, int, float, float]] = []
    n, units = 0, 0.0
    by_day: dict[date, list[Bet]] = {}
    for b in bets:
        if b.decided:
            by_day.setdefault(b.game_date, []).append(b)
    for d in sorted(by_day):
        n += len(by_day[d])
        units += sum(b.profit for b in by_day[d])
        out.append((d, n, units, units / n))
    return out
