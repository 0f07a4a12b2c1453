"""Shared fixtures. The bundled real data is ingested once per test session into a template
warehouse; tests that change data work on their own copy of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse


@pytest.fixture(scope="session")
def real_warehouse_path(tmp_path_factory) -> Path:
    """A warehouse holding the ingested bundled real data (do not modify: copy it)."""
    path = tmp_path_factory.mktemp("real") / "real.duckdb"
    with Warehouse.open(path) as wh:
        ingest_folder(wh)
    return path


@pytest.fixture()
def real_copy(real_warehouse_path, tmp_path) -> Path:
    """A private, writable copy of the ingested real warehouse."""
    dst = tmp_path / "wh.duckdb"
    shutil.copy(real_warehouse_path, dst)
    return dst


@pytest.fixture()
def empty_warehouse(tmp_path) -> Path:
    path = tmp_path / "empty.duckdb"
    Warehouse.open(path).close()
    return path
