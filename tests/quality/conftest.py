"""Fixtures of the quality tests: the real data, backfilled once over a few weeks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

# the dates of the shared slice (tests/conftest.py: EARLY_START, EARLY_END)
START, END = date(2023, 10, 24), date(2023, 12, 15)


@pytest.fixture(scope="package")
def backfilled(early_backfilled) -> Path:
    """The ingested real data backfilled over START..END (the run's shared slice). Do not modify."""
    return early_backfilled
