"""The points distribution (model/distribution.py): the projection and P(over) from one
distribution — monotone in the line, 0.5 at the median, never pointing opposite ways, calibrated
on the errors it is fitted on, and wider for higher means where the errors are."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbaprops.model.distribution import MIN_PER_BIN, PointsDistribution


def heteroscedastic(n: int = 20_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Constructed pairs: means 2..35, points = Poisson(mean) (spread grows with the mean)."""
    rng = np.random.default_rng(seed)
    mean = rng.uniform(2, 35, n)
    return mean, rng.poisson(mean).astype(float)


@pytest.fixture(scope="module")
def dist() -> PointsDistribution:
    return PointsDistribution.fit(*heteroscedastic())


def test_p_over_is_monotone_in_the_line_and_bounded(dist):
    lines = np.arange(0.5, 60.5, 1.0)
    for mean in (3.0, 12.0, 27.5):
        p = dist.p_over(np.full(len(lines), mean), lines)
        assert np.all(np.diff(p) <= 0) and p[0] > 0.5 > p[-1] and np.all((p >= 0) & (p <= 1))


def test_p_over_at_the_median_line_is_one_half(dist):
    for mean in np.linspace(3, 34, 12):
        med = float(dist.median(np.array([mean]))[0])
        # the half-point lines around the median fall on either side of 0.5
        below, above = np.floor(med) - 0.5, np.ceil(med) + 0.5
        p_below, p_above = dist.p_over(np.array([mean, mean]), np.array([below, above]))
        assert p_below >= 0.5 >= p_above, (mean, med, p_below, p_above)
        assert dist.p_over(np.array([mean]), np.array([med]))[0] == pytest.approx(0.5, abs=0.03)


@settings(max_examples=200, deadline=None)
@given(mean=st.floats(0.0, 45.0), line=st.floats(0.5, 60.0))
def test_projection_and_p_over_never_point_opposite_ways(dist, mean, line):
    proj = float(dist.median(np.array([mean]))[0])
    p = float(dist.p_over(np.array([mean]), np.array([line]))[0])
    assert (proj - line) * (p - 0.5) >= 0, (mean, line, proj, p)


def test_calibrated_out_of_sample_and_wider_for_higher_means(dist):
    mean, points = heteroscedastic(seed=1)  # fresh draws of the same process
    line = np.round(mean) + 0.5
    p = dist.p_over(mean, line)
    over = points > line
    for lo in np.arange(0.1, 0.9, 0.1):
        m = (p >= lo) & (p < lo + 0.1)
        if m.sum() > 300:
            assert abs(over[m].mean() - p[m].mean()) < 0.04, (lo, over[m].mean(), p[m].mean())
    spread = [float(dist.quantile(np.array([x]), 0.9)[0] - dist.quantile(np.array([x]), 0.1)[0]) for x in (5.0, 30.0)]
    assert spread[1] > 1.5 * spread[0], spread


def test_bins_need_enough_errors_and_a_missing_line_gives_no_probability():
    mean, points = heteroscedastic(n=3 * MIN_PER_BIN)
    small = PointsDistribution.fit(mean, points)
    assert len(small.errors) == 3 and small.n == len(mean)
    assert np.isnan(small.p_over(np.array([10.0, np.nan]), np.array([np.nan, 10.5]))).all()
    with pytest.raises(ValueError):
        PointsDistribution.fit(np.array([np.nan]), np.array([3.0]))
