from __future__ import annotations

from pathlib import Path

import pytest
from toys import DAILY_POINTS, FRAGILE, FRAGILE_CHILD, ROLLING, write_models


@pytest.fixture()
def toy_models(tmp_path) -> Path:
    return write_models(tmp_path / "models", toy_daily_points=DAILY_POINTS, toy_rolling=ROLLING)


@pytest.fixture()
def fragile_models(tmp_path) -> Path:
    return write_models(tmp_path / "fragile_models", toy_fragile=FRAGILE, toy_fragile_child=FRAGILE_CHILD)
