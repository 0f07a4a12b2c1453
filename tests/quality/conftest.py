"""Fixtures of the quality tests: the real data, backfilled once over a few weeks."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

START, END = date(2023, 10, 24), date(2023, 12, 15)


@pytest.fixture(scope="package")
def backfilled(real_warehouse_path, tmp_path_factory) -> Path:
    """The ingested real data (a copy, as real_copy makes), backfilled over START..END. Do not modify."""
    path = tmp_path_factory.mktemp("quality") / "backfilled.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        res = backfill(wh, START, END)
    assert res.ok, res.errors
    return path
