"""Prices and probabilities of a two-way prop (over/under a player's points line).

American odds are the books' prices: -150 risks 150 to win 100, +130 risks 100 to win 130.
Decimal odds are the total return per unit staked (stake included): -150 → 1.6667, +130 → 2.30.
A price's implied probability is 1/decimal; the two sides' implied probabilities sum to more than
1, and the excess is the book's hold. Removing it ("no-vig") gives the market's probability of
each side, which the model's probability is compared with (the edge), or blended with.

Every function takes scalars or numpy arrays (broadcast together) and returns a float for scalar
input, an array otherwise, so a whole board is priced in one call. NaN (or None) stands for a
price or probability that is not there (a book quoting one side only) and gives NaN; anything
else out of range raises BadInputError naming the value.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .errors import BadInputError

FloatOrArray = float | np.ndarray

# Bisection halves the bracket each step: 80 steps take any bracket below float resolution.
_BISECTION_STEPS = 80
# Probabilities are kept this far from 0 and 1 in the log loss, so a confident miss costs a lot
# but not infinity.
_LOG_EPS = 1e-15
# |P(over) − 0.5| is compared at this many decimals, so lines equally far from 0.5 tie exactly
# (and the lower one wins) instead of by the last bit of rounding.
_TIE_DECIMALS = 12


# --- checking the inputs, and the conversions the rest share ---------------------------------


def _floats(x: object, name: str) -> np.ndarray:
    try:
        return np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise BadInputError(f"{name} must be numeric, got {x!r}") from None


def _where(a: np.ndarray, bad: np.ndarray) -> str:
    """The first bad value and, in an array, where it is."""
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    value = f"{a[idx]:g}"
    if a.ndim == 0:
        return value
    at = idx[0] if len(idx) == 1 else idx
    more = int(bad.sum()) - 1
    return f"{value} at index {at}" + (f" (and {more} more)" if more else "")


def _american(x: object, name: str) -> np.ndarray:
    a = _floats(x, name)
    # American odds have no value between -100 and +100: |odds| < 100 would be a price that
    # pays less than even money from the plus side, which is written as a minus price instead.
    bad = np.isinf(a) | (np.abs(a) < 100)
    if bad.any():
        raise BadInputError(f"{name}: American odds are <= -100 or >= +100, got {_where(a, bad)}")
    return a


def _decimal(x: ArrayLike, name: str) -> np.ndarray:
    d = _floats(x, name)
    bad = np.isinf(d) | (d <= 1)
    if bad.any():
        raise BadInputError(f"{name}: decimal odds are > 1 (the stake comes back), got {_where(d, bad)}")
    return d


def _probability(x: ArrayLike, name: str) -> np.ndarray:
    p = _floats(x, name)
    bad = (p < 0) | (p > 1)
    if bad.any():
        raise BadInputError(f"{name}: a probability is between 0 and 1, got {_where(p, bad)}")
    return p


def _unit_weight(x: ArrayLike, name: str) -> np.ndarray:
    w = _floats(x, name)
    bad = np.isnan(w) | (w < 0) | (w > 1)
    if bad.any():
        raise BadInputError(f"{name} is between 0 and 1, got {_where(w, bad)}")
    return w


def _out(a: np.ndarray) -> FloatOrArray:
    return float(a) if a.ndim == 0 else a


def _to_decimal(american: ArrayLike, name: str) -> np.ndarray:
    a = _american(american, name)
    # -100 and +100 are the same price (2.0); NaN stays NaN through either branch.
    return np.where(a > 0, 1 + a / 100, 1 + 100 / np.abs(a))


def _implied(american: ArrayLike, name: str) -> np.ndarray:
    # 1/decimal written out, so -110 gives 110/210 rather than 1/(1 + 100/110).
    a = _american(american, name)
    m = np.abs(a)  # a + 100 would be 0 at -100 in the branch np.where discards
    return np.where(a > 0, 100 / (m + 100), m / (m + 100))


# --- prices -----------------------------------------------------------------------------------


def american_to_decimal(odds: ArrayLike) -> FloatOrArray:
    """Decimal odds (return per unit staked, stake included): +130 → 2.30, -150 → 1 + 100/150."""
    return _out(_to_decimal(odds, "odds"))


def decimal_to_american(decimal: ArrayLike) -> FloatOrArray:
    """American odds of a decimal price: 2.30 → +130, 1.6667 → -150. Even money (2.0) is +100."""
    d = _decimal(decimal, "decimal")
    return _out(np.where(d >= 2, 100 * (d - 1), -100 / (d - 1)))


def implied_probability(american: ArrayLike) -> FloatOrArray:
    """The probability a price implies, hold included: 1/decimal (-110 → 110/210 = 0.5238)."""
    return _out(_implied(american, "american"))


def hold(over_american: ArrayLike, under_american: ArrayLike) -> FloatOrArray:
    """The book's margin on a two-way market: the sides' implied probabilities summed, minus 1
    (-110/-110 → 2·0.5238 − 1 = 0.0476). Negative when the two prices come from different books
    and together pay more than a fair market would."""
    p_over = _implied(over_american, "over_american")
    p_under = _implied(under_american, "under_american")
    return _out(p_over + p_under - 1)


def no_vig(
    over_american: ArrayLike,
    under_american: ArrayLike,
    method: Literal["multiplicative", "power"] = "multiplicative",
) -> tuple[FloatOrArray, FloatOrArray]:
    """The market's probabilities of over and under with the hold removed; they sum to 1.

    From the implied probabilities π_over and π_under (which sum to 1 + hold):

    - ``multiplicative``: each divided by their sum, p = π / (π_over + π_under). The hold is taken
      off both sides in proportion to their size.
    - ``power``: p = π^k with the one k > 0 that makes π_over^k + π_under^k = 1 (found by
      bisection). Raising to k > 1 shrinks the smaller probability proportionally more, so more of
      the hold is charged to the long shot and the favourite keeps a larger share than under the
      multiplicative method (books shade long shots more: the favourite–long-shot bias).

    Both give π unchanged when the book has no hold, and -110/-110 → 0.5/0.5.
    """
    p_over = _implied(over_american, "over_american")
    p_under = _implied(under_american, "under_american")
    p_over, p_under = np.broadcast_arrays(p_over, p_under)
    if method == "multiplicative":
        total = p_over + p_under
        return _out(p_over / total), _out(p_under / total)
    if method == "power":
        k = _power_exponent(p_over, p_under)
        q_over, q_under = p_over**k, p_under**k
        # The bisection leaves the sum 1 to about 1e-16; dividing makes it 1 to rounding.
        total = q_over + q_under
        return _out(q_over / total), _out(q_under / total)
    raise BadInputError(f"no_vig: method is 'multiplicative' or 'power', got {method!r}")


def _power_exponent(p_over: np.ndarray, p_under: np.ndarray) -> np.ndarray:
    """The k > 0 with p_over^k + p_under^k = 1, elementwise; p in (0, 1) (or NaN).

    f(k) = p_over^k + p_under^k − 1 falls strictly from 1 at k = 0 towards −1, so the root is
    unique. It lies between the k that takes the smaller probability to 0.5 (there the larger is
    still ≥ 0.5, so f ≥ 0) and the k that takes the larger to 0.5 (f ≤ 0): a bracket known in
    closed form, so plain bisection on every row at once needs no per-row iteration counts.
    """
    lo = np.log(0.5) / np.log(np.minimum(p_over, p_under))
    hi = np.log(0.5) / np.log(np.maximum(p_over, p_under))
    for _ in range(_BISECTION_STEPS):
        mid = (lo + hi) / 2
        above = p_over**mid + p_under**mid > 1
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    return (lo + hi) / 2


def consensus_line(lines: ArrayLike, axis: int = -1) -> FloatOrArray:
    """The median line across books, ignoring books that quote none (NaN); an even count of
    quotes gives the mean of the middle two, as a median does (24.5 and 25.5 → 25.0). A board is
    a 2-D array, one row per player and one column per book; a row without quotes gives NaN."""
    x = _floats(lines, "lines")
    bad = np.isinf(x) | (x < 0)
    if bad.any():
        raise BadInputError(f"lines: a points line is a finite number >= 0, got {_where(x, bad)}")
    if x.ndim == 0:
        return float(x)
    with warnings.catch_warnings():
        # A player no book quotes is NaN by design, not worth a warning.
        warnings.simplefilter("ignore", RuntimeWarning)
        return _out(np.asarray(np.nanmedian(x, axis=axis)))


@dataclass(frozen=True)
class BestPrice:
    """The book paying the most on each side, and its price; None and NaN where no book quotes
    the side."""

    over_book: str | None
    over_american: float
    under_book: str | None
    under_american: float


def best_price(per_book: Mapping[str, tuple[float | None, float | None]]) -> BestPrice:
    """The best book for the over and for the under, each on its own: the highest decimal payout.
    Books tied on a side are taken in sorted order and the first wins, so the answer does not
    depend on the order the books came in. A side a book does not quote is None or NaN."""
    books = sorted(per_book)
    for book in books:
        quote = per_book[book]
        if not isinstance(quote, tuple | list) or len(quote) != 2:
            raise BadInputError(f"best_price: book {book!r} needs (over_american, under_american), got {quote!r}")
    best: dict[str, tuple[str | None, float]] = {}
    for i, side in enumerate(("over", "under")):
        american = np.array([_american(per_book[b][i], f"best_price: book {b!r}, {side}") for b in books])
        payout = _to_decimal(american, side)
        if np.isnan(payout).all():
            best[side] = (None, float("nan"))
            continue
        j = int(np.argmax(np.where(np.isnan(payout), -np.inf, payout)))  # the first of equal maxima
        best[side] = (books[j], float(american[j]))
    return BestPrice(best["over"][0], best["over"][1], best["under"][0], best["under"][1])


# --- the bet ----------------------------------------------------------------------------------


def _ev(p: np.ndarray, d: np.ndarray) -> np.ndarray:
    # p·(d − 1) − (1 − p), which is p·d − 1: the win pays d − 1, the loss costs the unit.
    return p * d - 1


def expected_value(p_win: ArrayLike, american: ArrayLike) -> FloatOrArray:
    """Expected profit per unit staked at this price: p·(decimal − 1) − (1 − p).
    A 0.55 chance at -110 → 0.55·(10/11) − 0.45 = +0.05."""
    p = _probability(p_win, "p_win")
    d = _to_decimal(american, "american")
    return _out(_ev(p, d))


def kelly_fraction(p_win: ArrayLike, american: ArrayLike, fraction: float = 0.25) -> FloatOrArray:
    """The stake as a share of the bankroll: `fraction` of the Kelly stake (p·d − 1)/(d − 1), and 0
    when the bet has no edge (never negative: a negative stake would be a bet on the other side, at
    a price not on offer). Quarter Kelly by default: the full stake assumes p is exact, and an
    overstated p costs far more at full Kelly than it gains."""
    p = _probability(p_win, "p_win")
    d = _to_decimal(american, "american")
    f = _floats(fraction, "fraction")
    if f.ndim != 0 or not 0 < f <= 1:
        raise BadInputError(f"kelly_fraction: fraction is in (0, 1], got {fraction!r}")
    # From the same p·d − 1 as expected_value, so the stake is 0 exactly where EV <= 0.
    return _out(float(f) * np.maximum(0.0, _ev(p, d) / (d - 1)))


def edge(p_model: ArrayLike, p_no_vig: ArrayLike) -> FloatOrArray:
    """The model's probability minus the market's no-vig probability of the same side."""
    return _out(_probability(p_model, "p_model") - _probability(p_no_vig, "p_no_vig"))


# --- the model's side -------------------------------------------------------------------------


def fair_line(
    p_over_at: Callable[[np.ndarray], ArrayLike] | ArrayLike,
    lo: float = 0.5,
    hi: float = 80.5,
) -> FloatOrArray:
    """The half-point line between lo and hi whose P(over) is closest to 0.5 (points are whole,
    so lines are x.5); of two lines equally close, the lower.

    `p_over_at` is either a function taking the lines (a 1-D array lo, lo + 1, ..., hi) and
    returning P(points > line) for each, or an array CDF over whole points, cdf[n] =
    P(points <= n) for n = 0, 1, ..., so that P(over n + 0.5) = 1 − cdf[n] (a line past the
    array's end reads its last value). The last axis is the lines' (or the points'): a function
    returning (players, lines), or a (players, points) CDF, gives one fair line per player, NaN
    where a player's probabilities are all NaN.
    """
    bounds = _floats([lo, hi], "fair_line bounds")
    bad = ~np.isfinite(bounds) | (bounds % 1 != 0.5) | (bounds < 0.5)
    if bad.any():
        raise BadInputError(f"fair_line: lo and hi are half-point lines >= 0.5, got {_where(bounds, bad)}")
    lo, hi = float(bounds[0]), float(bounds[1])
    if lo > hi:
        raise BadInputError(f"fair_line: lo ({lo:g}) is above hi ({hi:g})")
    lines = np.arange(lo, hi + 0.5, 1.0)
    if callable(p_over_at):
        p = _probability(p_over_at(lines), "fair_line: P(over)")
        if p.ndim == 0 or p.shape[-1] != len(lines):
            raise BadInputError(
                f"fair_line: P(over) has shape {p.shape}, its last axis should be the {len(lines)} lines {lo:g}..{hi:g}"
            )
    else:
        cdf = _probability(p_over_at, "fair_line: cdf")
        if cdf.ndim == 0 or cdf.shape[-1] == 0:
            raise BadInputError(f"fair_line: a CDF is an array over points 0, 1, ..., got shape {cdf.shape}")
        points = np.minimum((lines - 0.5).astype(int), cdf.shape[-1] - 1)
        p = 1 - cdf[..., points]
    gap = np.round(np.abs(p - 0.5), _TIE_DECIMALS)
    none = np.isnan(gap).all(axis=-1)
    best = np.argmin(np.where(np.isnan(gap), np.inf, gap), axis=-1)  # argmin: the first, the lower line
    return _out(np.where(none, np.nan, lines[best]))


def blend(p_model: ArrayLike, p_market: ArrayLike, weight: ArrayLike) -> FloatOrArray:
    """The market-blended probability weight·p_model + (1 − weight)·p_market: the market knows news
    the model does not, the model sees what the line has not priced; weight 1 is the model alone."""
    pm = _probability(p_model, "p_model")
    pk = _probability(p_market, "p_market")
    w = _unit_weight(weight, "weight")
    return _out(w * pm + (1 - w) * pk)


def fit_blend_weight(p_model: ArrayLike, p_market: ArrayLike, outcome: ArrayLike) -> float:
    """The blend weight in [0, 1] with the lowest mean log loss on these rows (meant for the
    walk-forward rows that have a real line, so p_market is that line's no-vig probability).

    A grid of 0, 0.01, ..., 1 (two decimals is finer than the walk-forward can tell apart); equal
    losses go to the lower weight, the market's side. Rows missing any of the three (NaN) are left
    out; outcome is 1 when the side came in and 0 when not.
    """
    pm = _probability(p_model, "p_model")
    pk = _probability(p_market, "p_market")
    y = _floats(outcome, "outcome")
    pm, pk, y = (a.ravel() for a in np.broadcast_arrays(pm, pk, y))
    bad = ~np.isnan(y) & (y != 0) & (y != 1)
    if bad.any():
        raise BadInputError(f"fit_blend_weight: an outcome is 0 or 1, got {_where(y, bad)}")
    keep = ~(np.isnan(pm) | np.isnan(pk) | np.isnan(y))
    if not keep.any():
        raise BadInputError("fit_blend_weight: no rows with a model probability, a market probability and an outcome")
    pm, pk, y = pm[keep], pk[keep], y[keep] == 1
    grid = np.linspace(0.0, 1.0, 101)
    # One pass over the rows per weight keeps memory at the rows' size, not 101 times it.
    losses = np.empty(len(grid))
    for i, w in enumerate(grid):
        q = np.clip(w * pm + (1 - w) * pk, _LOG_EPS, 1 - _LOG_EPS)
        losses[i] = -np.mean(np.where(y, np.log(q), np.log1p(-q)))
    return float(grid[int(np.argmin(losses))])
