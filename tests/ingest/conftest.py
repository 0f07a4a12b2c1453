"""Fixtures for the ingest tests: small sample folders cut from the bundled files."""

from __future__ import annotations

import pytest
import samples


@pytest.fixture(scope="session")
def sample_games() -> list[str]:
    return samples.sample_games()


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory, sample_games):
    """A folder with every kind of file, cut down to a few 2023-24 games (Parquet)."""
    return samples.make_folder(tmp_path_factory.mktemp("sample"), games=sample_games)
