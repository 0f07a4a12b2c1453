"""Fixtures of the quality tests: the real data, backfilled once over a few weeks."""

from __future__ import annotations

from pathlib import Path

import pytest

from real_slices import EARLY

START, END = EARLY


@pytest.fixture(scope="package")
def backfilled(early_backfilled) -> Path:
    """The ingested real data backfilled over START..END (the run's shared slice). Do not modify."""
    return early_backfilled
