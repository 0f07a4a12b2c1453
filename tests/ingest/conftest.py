"""Fixtures for the ingest tests: small sample folders cut from the bundled files."""

from __future__ import annotations

from pathlib import Path

import pytest
import samples

from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse


@pytest.fixture(scope="session")
def sample_games() -> list[str]:
    return samples.sample_games()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, sample_games):
    """A folder with every kind of file, cut down to a few 2023-24 games (Parquet)."""
    return samples.make_folder(tmp_path_factory.mktemp("sample"), games=sample_games)


@pytest.fixture(scope="session")
def two_games_warehouse(tmp_path_factory, sample_games) -> Path:
    """A warehouse holding the 2023-24 schedule and the first two sample games of every kind
    (read-only: tests copy it, `wh_path`)."""
    folder = samples.make_folder(tmp_path_factory.mktemp("two_games_in"), games=sample_games[:2])
    path = tmp_path_factory.mktemp("two_games") / "base.duckdb"
    with Warehouse.open(path) as wh:
        ingest_folder(wh, folder)
    return path
