"""One predictive distribution of a player's points per player-game, from which the projection and
P(points > line) both follow, for any line.

The regressor gives a mean; around it, the points are distributed as the model's out-of-sample
errors were for player-games with a similar mean (the spread of a 30-point scorer's night is not
a bench player's): the rows are cut into bins by the predicted mean (equal-count bins, at least
MIN_PER_BIN errors each), and within a bin the points are the mean plus an error drawn from the
bin's empirical errors. So

- P(points > line) = the share of the bin's errors e with mean + e > line;
- the projection is the distribution's median: mean + the bin's median error.

P(over) and the projection never point opposite ways: for a line below the median, at least half
of the errors land above it (P(over) >= 0.5), and for a line above it at most half do. Empirical
errors are calibrated by construction on the rows they come from; the walk-forward fits each
month's distribution on the earlier months' out-of-sample errors only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BINS = 5  # measured: 5 and 10 bins score alike (Brier 0.2402), one bin worse (0.2419)
MIN_PER_BIN = 500


@dataclass(frozen=True)
class PointsDistribution:
    edges: np.ndarray  # inner edges of the bins of the predicted mean (ascending)
    errors: tuple[np.ndarray, ...]  # per bin: the sorted errors (points - mean)
    source: str = "out_of_sample"  # or "in_sample" (optimistic: no out-of-sample errors yet)

    @classmethod
    def fit(
        cls, mean: np.ndarray, points: np.ndarray, *, bins: int = BINS, source: str = "out_of_sample"
    ) -> PointsDistribution:
        """The bins and their errors from pairs of predicted mean and actual points."""
        mean, points = np.asarray(mean, dtype=float), np.asarray(points, dtype=float)
        ok = np.isfinite(mean) & np.isfinite(points)
        mean, err = mean[ok], points[ok] - mean[ok]
        if len(err) == 0:
            raise ValueError("a points distribution needs at least one predicted and played game")
        k = max(1, min(bins, len(err) // MIN_PER_BIN))
        edges = np.unique(np.quantile(mean, np.arange(1, k) / k)) if k > 1 else np.empty(0)
        which = np.searchsorted(edges, mean, side="right")
        return cls(edges, tuple(np.sort(err[which == b]) for b in range(len(edges) + 1)), source)

    @property
    def n(self) -> int:
        return sum(len(e) for e in self.errors)

    def _bins(self, mean: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.edges, mean, side="right")

    def p_over(self, mean: np.ndarray, line: np.ndarray) -> np.ndarray:
        """P(points > line) per row (NaN where the line or the mean is missing)."""
        mean, line = np.broadcast_arrays(np.asarray(mean, dtype=float), np.asarray(line, dtype=float))
        out = np.full(mean.shape, np.nan)
        ok = np.isfinite(mean) & np.isfinite(line)
        which = self._bins(mean)
        for b, err in enumerate(self.errors):
            m = ok & (which == b)
            if m.any():
                # errors e with mean + e > line: those above line - mean
                out[m] = 1.0 - np.searchsorted(err, line[m] - mean[m], side="right") / len(err)
        return out

    def quantile(self, mean: np.ndarray, q: float) -> np.ndarray:
        """The q-quantile of the points per row (never below 0)."""
        mean = np.asarray(mean, dtype=float)
        out = np.full(mean.shape, np.nan)
        which = self._bins(mean)
        for b, err in enumerate(self.errors):
            m = np.isfinite(mean) & (which == b)
            if m.any():
                out[m] = mean[m] + np.quantile(err, q)
        return np.maximum(out, 0.0)

    def median(self, mean: np.ndarray) -> np.ndarray:
        """The projection: the distribution's median."""
        return self.quantile(mean, 0.5)
