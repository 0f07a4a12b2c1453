"""The board (model/board.py) on constructed quotes (named so: no recorded body here; the recorded
The Odds API props of 2024-02-22 are priced in tests/cli/test_predict_line_source.py): each quote
priced at its own line by the points distribution, the best side and book by expected value,
no bet on a synthetic line unless asked, the line's book's no-vig probability and hold."""

from __future__ import annotations

import numpy as np
import pytest

from nbaprops import pricing
from nbaprops.model.board import KELLY_FRACTION, Quotes, build_board
from nbaprops.model.distribution import PointsDistribution


@pytest.fixture(scope="module")
def dist() -> PointsDistribution:
    rng = np.random.default_rng(0)
    mean = rng.uniform(2, 35, 20_000)
    return PointsDistribution.fit(mean, rng.poisson(mean).astype(float))


def quotes(*rows) -> Quotes:
    """Constructed quotes: (player, book, line, over, under, synthetic)."""
    cols = list(zip(*rows))
    return Quotes(
        np.array(cols[0], dtype=object),
        np.array(cols[1], dtype=object),
        np.array(cols[2], dtype=float),
        np.array(cols[3], dtype=float),
        np.array(cols[4], dtype=float),
        np.array(cols[5], dtype=bool),
    )


def test_the_best_side_and_book_by_expected_value(dist):
    players = np.array(["a", "b"], dtype=object)
    mean = np.array([25.0, 10.0])
    q = quotes(
        ("a", "draftkings", 20.5, -110, -110, False),  # far below a's median: the over pays
        ("a", "fanduel", 20.5, +100, -120, False),  # the same over at a better price
        ("b", "draftkings", 10.5, -110, -110, False),
    )
    board = build_board(players, mean, dist, np.array([20.5, 10.5]), ["draftkings", "draftkings"], q)
    p_a = float(dist.p_over(np.array([25.0]), np.array([20.5]))[0])
    assert board["bet_side"][0] == "over" and board["bet_book"][0] == "fanduel" and board["bet_line"][0] == 20.5
    assert board["bet_p"][0] == pytest.approx(p_a)
    assert board["expected_value"][0] == pytest.approx(p_a * 2.0 - 1)  # +100: decimal 2
    assert board["kelly_stake"][0] == pytest.approx(KELLY_FRACTION * (p_a * 2.0 - 1) / 1.0)
    assert board["edge"][0] == pytest.approx(p_a - 100 / 200 / (100 / 200 + 120 / 220))
    # the line's book (draftkings, -110/-110): no-vig 0.5, hold 1/21
    assert board["p_over_no_vig"][0] == pytest.approx(0.5) and board["hold"][0] == pytest.approx(1 / 21)
    assert board["books"].tolist() == [2, 1] and board["consensus_line"][0] == 20.5
    # b: a line near his median at -110 both ways pays on neither side
    p_b = float(dist.p_over(np.array([10.0]), np.array([10.5]))[0])
    if max(p_b, 1 - p_b) * (21 / 11) - 1 <= 0:
        assert board["bet_side"][1] is None and np.isnan(board["expected_value"][1])


def test_a_synthetic_line_gets_no_bet_unless_asked(dist):
    players = np.array(["a"], dtype=object)
    q = quotes(("a", "draftkings", 15.5, -110, -110, True))
    args = (players, np.array([25.0]), dist, np.array([15.5]), ["draftkings"], q)
    none = build_board(*args)
    assert none["bet_side"][0] is None and np.isnan(none["expected_value"][0]) and np.isnan(none["edge"][0])
    assert none["p_over_no_vig"][0] == pytest.approx(0.5)  # what the (generated) prices imply, still shown
    asked = build_board(*args, include_synthetic=True)
    assert asked["bet_side"][0] == "over" and asked["expected_value"][0] > 0


def test_the_fair_line_is_where_the_distribution_is_even(dist):
    players = np.array(["a", "b", "c"], dtype=object)
    mean = np.array([6.0, 18.0, 31.0])
    empty = quotes(("nobody", "draftkings", 1.5, -110, -110, False))
    board = build_board(players, mean, dist, np.full(3, np.nan), [None] * 3, empty)
    for i, m in enumerate(mean):
        fair = board["fair_line"][i]
        p = dist.p_over(np.array([m, m, m]), np.array([fair - 1, fair, fair + 1]))
        assert abs(p[1] - 0.5) <= min(abs(p[0] - 0.5), abs(p[2] - 0.5)), (m, fair, p)
    assert board["books"].tolist() == [0, 0, 0] and all(s is None for s in board["bet_side"])


def test_an_invalid_price_is_not_bet_on(dist):
    """American odds strictly between -100 and +100 do not exist: such a quote gets no price math."""
    q = quotes(("a", "draftkings", 15.5, -97, -123, False))
    board = build_board(np.array(["a"], dtype=object), np.array([25.0]), dist, np.array([15.5]), ["draftkings"], q)
    assert board["bet_side"][0] is None and np.isnan(board["p_over_no_vig"][0])
    assert pricing.american_to_decimal(-110) == pytest.approx(21 / 11)


def test_the_market_blend_weighs_model_and_book(dist):
    q = quotes(("a", "draftkings", 20.5, -150, +130, False))
    args = (np.array(["a"], dtype=object), np.array([25.0]), dist, np.array([20.5]), ["draftkings"], q)
    p_model = float(dist.p_over(np.array([25.0]), np.array([20.5]))[0])
    p_book = 69 / 119  # -150 / +130: 0.6 and 1/2.3, scaled to sum to 1 (multiplicative)
    blended = build_board(*args, blend_weight=0.3)
    assert blended["p_over_no_vig"][0] == pytest.approx(p_book)
    assert blended["p_over_blended"][0] == pytest.approx(0.3 * p_model + 0.7 * p_book)
    assert np.isnan(build_board(*args)["p_over_blended"][0])  # no weight in the model: no blend
