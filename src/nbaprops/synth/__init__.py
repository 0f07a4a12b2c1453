"""Synthetic data: sportsbook prop lines (no real history exists) and a synthetic league."""
