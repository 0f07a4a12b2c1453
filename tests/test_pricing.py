"""Prices and probabilities of a two-way prop (nbaprops.pricing): worked examples done by hand in
the comments, properties over generated prices, and bad inputs named in the error."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nbaprops import pricing
from nbaprops.errors import BadInputError

# Real prices are whole numbers; floats and extreme long shots are covered too.
whole_prices = st.one_of(st.integers(-5000, -100), st.integers(100, 5000))
american = st.one_of(whole_prices, st.floats(-1e5, -100), st.floats(100, 1e5)).map(float)
probability = st.floats(0.01, 0.99)


# --- American and decimal odds -------------------------------------------------------------------


@pytest.mark.parametrize(
    "odds, decimal",
    [
        (-110, 21 / 11),  # 1 + 100/110 = 1 + 10/11 = 21/11 = 1.9091
        (-150, 5 / 3),  # 1 + 100/150 = 1.6667
        (-200, 1.5),  # 1 + 100/200
        (-100, 2.0),  # even money from the minus side
        (100, 2.0),  # and from the plus side: the same price
        (130, 2.3),  # 1 + 130/100
        (250, 3.5),  # 1 + 250/100
    ],
)
def test_american_to_decimal(odds, decimal):
    assert pricing.american_to_decimal(odds) == pytest.approx(decimal, rel=1e-12)
    assert pricing.decimal_to_american(decimal) == pytest.approx(abs(odds) if odds == -100 else odds, rel=1e-12)


def test_conversions_take_a_board_and_return_float_for_a_scalar():
    assert isinstance(pricing.american_to_decimal(-110), float)
    out = pricing.american_to_decimal(np.array([[-150, 130], [np.nan, 100]]))
    # 5/3 and 2.3 as above; a side not quoted (NaN) stays NaN.
    np.testing.assert_allclose(out, [[5 / 3, 2.3], [np.nan, 2.0]])
    np.testing.assert_allclose(pricing.decimal_to_american([2.5, 1.5, 2.0]), [150, -200, 100])


@pytest.mark.parametrize("bad, shown", [(0, "got 0"), (50, "got 50"), (-99.5, "got -99.5"), (99, "got 99")])
def test_american_odds_between_minus_and_plus_100_are_refused(bad, shown):
    with pytest.raises(BadInputError, match=shown):
        pricing.american_to_decimal(bad)


def test_bad_value_in_an_array_is_named_with_its_place():
    with pytest.raises(BadInputError, match=r"got 50 at index 2 \(and 1 more\)"):
        pricing.american_to_decimal([-110, 120, 50, 0])
    with pytest.raises(BadInputError, match="got inf"):
        pricing.american_to_decimal(float("inf"))
    with pytest.raises(BadInputError, match=r"numeric.*'minus ten'"):
        pricing.american_to_decimal("minus ten")


@pytest.mark.parametrize("bad", [1.0, 0.5, -2.0, float("inf")])
def test_decimal_odds_at_or_below_1_are_refused(bad):
    with pytest.raises(BadInputError, match=f"got {bad:g}"):
        pricing.decimal_to_american(bad)


@given(st.one_of(st.integers(-100_000, -101), st.integers(100, 100_000)))
def test_american_round_trip(odds):
    assert pricing.decimal_to_american(pricing.american_to_decimal(odds)) == pytest.approx(odds, rel=1e-9)


@given(st.floats(1.0001, 1000))
def test_decimal_round_trip(decimal):
    assert pricing.american_to_decimal(pricing.decimal_to_american(decimal)) == pytest.approx(decimal, rel=1e-9)


# --- implied probability and hold ----------------------------------------------------------------


@pytest.mark.parametrize(
    "odds, p",
    [
        (-110, 110 / 210),  # 1 / (21/11) = 11/21 = 0.5238
        (-150, 0.6),  # 150 / 250
        (130, 100 / 230),  # 1 / 2.3 = 0.4348
        (100, 0.5),
        (-100, 0.5),
    ],
)
def test_implied_probability(odds, p):
    assert pricing.implied_probability(odds) == pytest.approx(p, rel=1e-12)


@pytest.mark.parametrize(
    "over, under, h",
    [
        (-110, -110, 1 / 21),  # 2·(110/210) − 1 = 10/210 = 0.0476: the standard 4.76 %
        (-105, -105, 1 / 41),  # 2·(105/205) − 1 = 5/205 = 0.0244
        (-150, 130, 4 / 115),  # 3/5 + 10/23 − 1 = (69 + 50)/115 − 1 = 4/115 = 0.0348
        (105, 105, -1 / 41),  # 2·(100/205) − 1 = −5/205: two books' best prices can pay more than fair
    ],
)
def test_hold(over, under, h):
    assert pricing.hold(over, under) == pytest.approx(h, rel=1e-12)


def test_hold_names_the_bad_side():
    with pytest.raises(BadInputError, match=r"under_american.*got 80"):
        pricing.hold(-110, 80)


# --- no-vig probabilities ------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["multiplicative", "power"])
def test_no_vig_of_an_even_market_is_one_half(method):
    # Both sides imply 110/210; equal shares of the hold come off → 0.5 / 0.5 by either method.
    p_over, p_under = pricing.no_vig(-110, -110, method=method)
    assert p_over == pytest.approx(0.5, abs=1e-12)
    assert p_under == pytest.approx(0.5, abs=1e-12)


def test_no_vig_multiplicative_worked_example():
    # -150/+130: π_over = 150/250 = 3/5, π_under = 100/230 = 10/23, sum 119/115.
    # p_over = (3/5)/(119/115) = 345/595 = 69/119 = 0.579832; p_under = (10/23)/(119/115) = 50/119 = 0.420168.
    p_over, p_under = pricing.no_vig(-150, 130)
    assert p_over == pytest.approx(69 / 119, rel=1e-12)
    assert p_under == pytest.approx(50 / 119, rel=1e-12)


def test_no_vig_power_worked_example():
    # -150/+130: find k with 0.6^k + (10/23)^k = 1, f(k) = 0.6^k + 0.434783^k − 1, by Newton from k = 1:
    #   f(1) = 0.034783, f'(1) = 0.6·ln 0.6 + 0.434783·ln 0.434783 = −0.306495 − 0.362134 = −0.668630
    #   k1 = 1 + 0.034783/0.668630 = 1.052021; f(k1) = 0.584266 + 0.416346 − 1 = 0.000612, f'(k1) = −0.645237
    #   k2 = 1.052021 + 0.000612/0.645237 = 1.052970 (the next step moves it by < 1e-6)
    # p_over = 0.6^1.05297 = exp(1.05297 · −0.510826) = 0.583983, p_under = 1 − p_over = 0.416017.
    p_over, p_under = pricing.no_vig(-150, 130, method="power")
    assert p_over == pytest.approx(0.583983, abs=2e-6)
    assert p_under == pytest.approx(0.416017, abs=2e-6)
    assert p_over + p_under == pytest.approx(1, abs=1e-12)
    # Against the multiplicative 69/119 = 0.579832: the power method leaves the favourite more,
    # and the difference (0.0042) is far from rounding.
    assert p_over - 69 / 119 > 0.004
    assert p_over > p_under


def test_no_vig_over_a_board_with_a_one_sided_quote():
    # Rows: -110/-110 → 0.5; -150/+130 → 69/119; an over quoted without its under → NaN.
    p_over, p_under = pricing.no_vig([-110, -150, -120], [-110, 130, np.nan], method="power")
    assert p_over[0] == pytest.approx(0.5)
    assert p_over[1] == pytest.approx(0.583983, abs=2e-6)
    assert np.isnan(p_over[2]) and np.isnan(p_under[2])


def test_no_vig_unknown_method_is_named():
    with pytest.raises(BadInputError, match="'shin'"):
        pricing.no_vig(-110, -110, method="shin")  # type: ignore[arg-type]


@given(american, american, st.sampled_from(["multiplicative", "power"]))
def test_no_vig_sums_to_one_and_keeps_the_order(over, under, method):
    p_over, p_under = pricing.no_vig(over, under, method=method)
    assert p_over + p_under == pytest.approx(1, abs=1e-12)
    assert 0 < p_over < 1 and 0 < p_under < 1
    # The side the book prices as likelier stays likelier.
    pi_over, pi_under = pricing.implied_probability(over), pricing.implied_probability(under)
    if pi_over > pi_under + 1e-12:
        assert p_over > p_under
    elif pi_under > pi_over + 1e-12:
        assert p_under > p_over


@given(american, american)
def test_power_gives_the_favourite_at_least_the_multiplicative_share_when_the_book_holds(over, under):
    # With a hold k > 1, and p^k shrinks the smaller p proportionally more.
    if pricing.hold(over, under) <= 0:
        return
    mult, _ = pricing.no_vig(over, under)
    power, _ = pricing.no_vig(over, under, method="power")
    if mult > 0.5:
        assert power >= mult - 1e-12
    else:
        assert power <= mult + 1e-12


@given(probability)
def test_power_and_multiplicative_agree_when_the_book_has_no_hold(p):
    # Fair prices on both sides: decimal 1/p and 1/(1 − p), so the implied probabilities sum to 1.
    over = pricing.decimal_to_american(1 / p)
    under = pricing.decimal_to_american(1 / (1 - p))
    for method in ("multiplicative", "power"):
        p_over, p_under = pricing.no_vig(over, under, method=method)
        assert p_over == pytest.approx(p, abs=1e-9)
        assert p_under == pytest.approx(1 - p, abs=1e-9)


@given(st.lists(st.tuples(american, american), min_size=1, max_size=20))
def test_a_board_at_once_equals_row_by_row(rows):
    over, under = np.array(rows).T
    board_over, _ = pricing.no_vig(over, under, method="power")
    one_by_one = [pricing.no_vig(o, u, method="power")[0] for o, u in rows]
    np.testing.assert_allclose(board_over, one_by_one, rtol=0, atol=1e-12)


# --- the consensus line --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines, median",
    [
        ([25.5, 24.5, 26.5], 25.5),  # sorted 24.5, 25.5, 26.5: the middle one
        ([24.5, 25.5], 25.0),  # even count: (24.5 + 25.5)/2
        ([24.5, np.nan, 26.5, 25.5], 25.5),  # the book without a line is left out: 3 lines
        ([23.5, 24.5, 25.5, 27.5], 25.0),  # (24.5 + 25.5)/2
        (19.5, 19.5),
    ],
)
def test_consensus_line(lines, median):
    assert pricing.consensus_line(lines) == median


def test_consensus_line_over_a_board():
    board = np.array(
        [
            [24.5, 25.5, np.nan, 26.5],  # 25.5
            [np.nan, np.nan, np.nan, np.nan],  # no book: NaN
            [30.5, 31.5, np.nan, np.nan],  # (30.5 + 31.5)/2 = 31.0
        ]
    )
    np.testing.assert_array_equal(pricing.consensus_line(board), [25.5, np.nan, 31.0])


@pytest.mark.parametrize("bad, shown", [([24.5, -1.5], "got -1.5 at index 1"), ([np.inf], "got inf")])
def test_consensus_line_refuses_impossible_lines(bad, shown):
    with pytest.raises(BadInputError, match=shown):
        pricing.consensus_line(bad)


# --- expected value, Kelly, edge -----------------------------------------------------------------


@pytest.mark.parametrize(
    "p, odds, ev",
    [
        (0.55, -110, 0.05),  # 0.55·(10/11) − 0.45 = 0.50 − 0.45
        (0.45, 130, 0.035),  # 0.45·1.30 − 0.55 = 0.585 − 0.55
        (0.5, -110, -1 / 22),  # 0.5·(10/11) − 0.5 = −0.5/11: the hold, −h/(1 + h) with h = 1/21
        (0.6, -150, 0.0),  # 0.6·(2/3) − 0.4: the fair price of a 0.6 chance
        (0.0, 200, -1.0),  # a sure loss loses the unit
    ],
)
def test_expected_value(p, odds, ev):
    assert pricing.expected_value(p, odds) == pytest.approx(ev, abs=1e-12)


@pytest.mark.parametrize(
    "p, odds, fraction, stake",
    [
        (0.55, -110, 1.0, 0.055),  # full Kelly (p·b − q)/b, b = 10/11: 0.05/(10/11) = 0.055
        (0.55, -110, 0.25, 0.01375),  # a quarter of it
        (0.45, 130, 0.25, 0.035 / 1.3 / 4),  # (0.585 − 0.55)/1.3 = 0.026923, quartered 0.006731
        (0.5, -110, 1.0, 0.0),  # EV −1/22: no bet, not a negative one
        (0.6, -150, 1.0, 0.0),  # EV 0: no edge, no bet
    ],
)
def test_kelly_fraction(p, odds, fraction, stake):
    assert pricing.kelly_fraction(p, odds, fraction=fraction) == pytest.approx(stake, abs=1e-12)


@pytest.mark.parametrize("fraction", [0, -0.25, 1.5, float("nan")])
def test_kelly_fraction_outside_0_1_is_named(fraction):
    with pytest.raises(BadInputError, match=f"got {fraction!r}"):
        pricing.kelly_fraction(0.55, -110, fraction=fraction)


@given(probability, american, st.floats(0.01, 1))
def test_kelly_is_zero_exactly_when_ev_is_not_positive(p, odds, fraction):
    stake = pricing.kelly_fraction(p, odds, fraction=fraction)
    assert 0 <= stake <= fraction
    assert (stake == 0) == (pricing.expected_value(p, odds) <= 0)


@given(american, american, st.sampled_from(["multiplicative", "power"]))
def test_ev_is_zero_at_the_no_vig_fair_price_and_negative_at_the_books(over, under, method):
    p_over, p_under = pricing.no_vig(over, under, method=method)
    for p, book_price in ((p_over, over), (p_under, under)):
        fair = pricing.decimal_to_american(1 / p)
        assert pricing.expected_value(p, fair) == pytest.approx(0, abs=1e-9)
        # Paying the hold costs: at the book's own price the market's probability loses money.
        if pricing.hold(over, under) > 1e-9:
            assert pricing.expected_value(p, book_price) < 0


def test_edge():
    # 0.56 − 0.50 = +0.06; 0.40 − 69/119 = 0.40 − 0.579832 = −0.179832.
    assert pricing.edge(0.56, 0.5) == pytest.approx(0.06)
    np.testing.assert_allclose(pricing.edge([0.56, 0.40], [0.5, 69 / 119]), [0.06, -0.179832], atol=1e-6)


@pytest.mark.parametrize(
    "call, shown",
    [
        (lambda: pricing.edge(1.2, 0.5), "p_model.*got 1.2"),
        (lambda: pricing.edge(0.5, -0.1), "p_no_vig.*got -0.1"),
        (lambda: pricing.expected_value(57, -110), "p_win.*got 57"),
        (lambda: pricing.expected_value(0.5, 99), "american.*got 99"),
        (lambda: pricing.kelly_fraction([0.5, 1.5], -110), "p_win.*got 1.5 at index 1"),
    ],
)
def test_bad_probabilities_and_prices_are_named(call, shown):
    with pytest.raises(BadInputError, match=shown):
        call()


# --- the best book per side ----------------------------------------------------------------------


def test_best_price_per_side():
    # Over: -115 → 1.8696, -110 → 1.9091, +100 → 2.0 → betmgm.
    # Under: -105 → 1.9524, -110 → 1.9091, -125 → 1.8 → fanduel.
    best = pricing.best_price({"fanduel": (-115, -105), "draftkings": (-110, -110), "betmgm": (100, -125)})
    assert best == pricing.BestPrice("betmgm", 100.0, "fanduel", -105.0)


def test_best_price_ties_go_to_the_first_book_in_sorted_order():
    # Equal prices on both sides, given in reverse order: alpha wins both.
    best = pricing.best_price({"zeta": (-110, -110), "alpha": (-110, -110)})
    assert (best.over_book, best.under_book) == ("alpha", "alpha")
    # -100 and +100 are the same payout (2.0): a tie, so "a" wins, whichever it writes.
    assert pricing.best_price({"b": (100, -110), "a": (-100, -110)}).over_book == "a"


def test_best_price_with_a_side_no_book_quotes():
    best = pricing.best_price({"b": (-120, None), "a": (-110, np.nan)})
    assert (best.over_book, best.over_american) == ("a", -110.0)
    assert best.under_book is None and math.isnan(best.under_american)
    empty = pricing.best_price({})
    assert empty.over_book is None and empty.under_book is None


def test_best_price_names_the_book_with_a_bad_quote():
    with pytest.raises(BadInputError, match=r"'caesars'.*got 50"):
        pricing.best_price({"fanduel": (-110, -110), "caesars": (50, -110)})
    with pytest.raises(BadInputError, match="'caesars'"):
        pricing.best_price({"caesars": (-110, -110, -110)})  # type: ignore[dict-item]


# --- the fair line -------------------------------------------------------------------------------


def test_fair_line_of_a_function():
    # P(over L) = exp(−L/20) is 0.5 at L = 20·ln 2 = 13.86. At the half-points either side:
    # exp(−13.5/20) = exp(−0.675) = 0.5092 (0.0092 off), exp(−14.5/20) = exp(−0.725) = 0.4843 (0.0157 off) → 13.5.
    assert pricing.fair_line(lambda lines: np.exp(-lines / 20)) == 13.5


def test_fair_line_of_a_cdf():
    # Points uniform on 0..9: cdf[n] = (n + 1)/10, P(over n + 0.5) = (9 − n)/10, which is 0.5 at n = 4.
    assert pricing.fair_line(np.arange(1, 11) / 10) == 4.5
    # Uniform on 0..10: P(over 4.5) = 6/11 and P(over 5.5) = 5/11, both 1/22 from 0.5 → the lower line.
    assert pricing.fair_line(np.arange(1, 12) / 11) == 4.5
    # Uniform on 0..2: P(over 0.5) = 2/3 and P(over 1.5) = 1/3, both 1/6 from 0.5 on paper; in
    # floats 1 − 1/3 − 0.5 and 0.5 − (1 − 2/3) differ in the last bit, which must not decide it.
    assert pricing.fair_line(np.array([1, 2, 3]) / 3) == 0.5


def test_fair_line_per_player():
    # Player 2 uniform on 10..19: cdf = 0 below 10, (n − 9)/10 from 10 to 19; P(over n + 0.5) =
    # (19 − n)/10 is 0.5 at n = 14. Player 1 is the uniform 0..9 above (4.5), padded with 1s.
    cdf = np.ones((2, 25))
    cdf[0, :10] = np.arange(1, 11) / 10
    cdf[1, :20] = np.clip((np.arange(20) - 9) / 10, 0, 1)
    np.testing.assert_array_equal(pricing.fair_line(cdf), [4.5, 14.5])
    # exp(−L/10) is 0.5 at 6.93: exp(−0.65) = 0.5220 (0.0220 off), exp(−0.75) = 0.4724 (0.0276 off) → 6.5.
    two = pricing.fair_line(lambda lines: np.stack([np.exp(-lines / 20), np.exp(-lines / 10)]))
    np.testing.assert_array_equal(two, [13.5, 6.5])
    # Lines a player's probabilities leave out (NaN) are skipped, not taken for the closest.
    partial = pricing.fair_line(lambda lines: np.where(lines < 5, np.nan, np.exp(-lines / 20)))
    assert partial == 13.5
    # A player without a distribution (all NaN) has no fair line.
    none = pricing.fair_line(lambda lines: np.stack([np.exp(-lines / 20), np.full(len(lines), np.nan)]))
    np.testing.assert_array_equal(none, [13.5, np.nan])


def test_fair_line_stays_in_its_range():
    # exp(−L/20) is below 0.5 from 13.86 on: from 20.5 up the closest is 20.5 itself.
    assert pricing.fair_line(lambda lines: np.exp(-lines / 20), lo=20.5, hi=30.5) == 20.5


@pytest.mark.parametrize(
    "kwargs, shown",
    [
        (dict(lo=1.0), "got 1 at index 0"),
        (dict(hi=30), "got 30 at index 1"),
        (dict(lo=-0.5), "got -0.5"),
        (dict(lo=30.5, hi=20.5), r"lo \(30.5\) is above hi \(20.5\)"),
    ],
)
def test_fair_line_bounds_are_half_points(kwargs, shown):
    with pytest.raises(BadInputError, match=shown):
        pricing.fair_line(lambda lines: np.exp(-lines / 20), **kwargs)


def test_fair_line_refuses_a_function_that_is_not_a_probability_per_line():
    with pytest.raises(BadInputError, match="shape"):
        pricing.fair_line(lambda lines: np.exp(-lines[:-1] / 20))
    with pytest.raises(BadInputError, match="got 2"):
        pricing.fair_line(lambda lines: np.full(len(lines), 2.0))


# --- the market blend ----------------------------------------------------------------------------


def test_blend():
    # 0.3·0.6 + 0.7·0.5 = 0.18 + 0.35 = 0.53
    assert pricing.blend(0.6, 0.5, 0.3) == pytest.approx(0.53)
    assert pricing.blend(0.6, 0.5, 1.0) == pytest.approx(0.6)  # the model alone
    assert pricing.blend(0.6, 0.5, 0.0) == pytest.approx(0.5)  # the market alone
    np.testing.assert_allclose(pricing.blend([0.6, 0.2], [0.5, 0.4], 0.5), [0.55, 0.3])


@pytest.mark.parametrize("weight", [1.2, -0.1, float("nan")])
def test_blend_weight_outside_0_1_is_named(weight):
    with pytest.raises(BadInputError, match=f"weight.*got {weight:g}"):
        pricing.blend(0.6, 0.5, weight)


def test_fit_blend_weight_worked_example():
    # Every row has p_model = 0.9 and p_market = 0.4, so the blend is the same q = 0.4 + 0.5·w on
    # each; the mean log loss −(5 ln q + 3 ln(1 − q))/8 is least at q = the over rate 5/8, so
    # 0.4 + 0.5·w = 0.625 and w = 0.45 (on the 0.01 grid, not on a 0.1 one). A ninth row, a miss
    # without a market probability (no real line), is left out: counted, the rate would be 5/9
    # and w = (5/9 − 0.4)/0.5 = 0.31.
    y = [1, 1, 1, 1, 1, 0, 0, 0, 0]
    p_market = [0.4] * 8 + [np.nan]
    assert pricing.fit_blend_weight(np.full(9, 0.9), p_market, y) == pytest.approx(0.45)


def test_fit_blend_weight_ends():
    # A model right on every row beside a flat market: the loss falls all the way to w = 1.
    assert pricing.fit_blend_weight([0.9, 0.1, 0.9, 0.1], [0.5] * 4, [1, 0, 1, 0]) == 1.0
    # A model wrong on every row beside a market that is right: w = 0 (the market alone).
    assert pricing.fit_blend_weight([0.9, 0.1], [0.3, 0.7], [0, 1]) == 0.0


@given(st.lists(st.tuples(probability, probability, st.booleans()), min_size=1, max_size=50))
def test_fitted_weight_does_no_worse_than_model_or_market_alone(rows):
    p_model, p_market, y = (np.array(c, dtype=float) for c in zip(*rows))
    w = pricing.fit_blend_weight(p_model, p_market, y)
    assert 0 <= w <= 1

    def log_loss(weight):
        q = np.asarray(pricing.blend(p_model, p_market, weight))
        return -np.mean(np.where(y == 1, np.log(q), np.log(1 - q)))

    assert log_loss(w) <= min(log_loss(0.0), log_loss(1.0)) + 1e-12


@pytest.mark.parametrize(
    "y, shown",
    [([1, 0.5], "outcome is 0 or 1, got 0.5 at index 1"), ([2, 0], "got 2 at index 0")],
)
def test_fit_blend_weight_outcome_is_0_or_1(y, shown):
    with pytest.raises(BadInputError, match=shown):
        pricing.fit_blend_weight([0.6, 0.4], [0.5, 0.5], y)


def test_fit_blend_weight_needs_a_complete_row():
    with pytest.raises(BadInputError, match="no rows"):
        pricing.fit_blend_weight([0.6, np.nan], [np.nan, 0.5], [1, 0])
