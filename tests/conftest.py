"""Shared fixtures. The bundled real data is ingested once per test run into a template
warehouse, and the real slices several test files read (a few weeks of 2023-24 backfilled, the
four seasons backfilled) are built once too; tests that change data work on their own copy.

Under pytest-xdist every worker is its own process: a shared build is made by the first worker
that needs it, under a file lock, in the run's common temp folder, and the others wait for it and
read the same file (copied, or opened read-only)."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

# Each xdist worker runs its own fits and DuckDB: one OpenMP thread per fit (a fit that asks for
# more threads says so), and a memory cap per warehouse so that two workers stay inside the machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NBAPROPS_MEMORY_LIMIT", "6GB")

import pytest

from nbaprops.ingest import ingest_folder
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse
from real_slices import EARLY, FULL


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory) -> Path:
    """A folder common to every worker of this run (the run's own temp folder without xdist)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    path = root / "shared"
    path.mkdir(exist_ok=True)
    return path


def shared_build(shared_dir: Path, name: str, make: Callable[[Path], None]) -> Path:
    """`shared_dir/name/name.duckdb`, made once per run by `make(path)` (under a lock, so a second
    worker waits for the first); a build that failed is retried by the next caller."""
    folder = shared_dir / name
    folder.mkdir(exist_ok=True)
    path, done = folder / f"{name}.duckdb", folder / "done"
    with _locked(folder / "lock"):
        if not done.exists():
            for stale in folder.glob(f"{name}.duckdb*"):
                stale.unlink()
            make(path)
            done.touch()
            # Workers read the file side by side: a test that opens it for writing would take a
            # lock the others trip over now and then. Without a writable folder (the WAL's place)
            # the warehouse refuses every writer at once; a copy elsewhere stays writable.
            folder.chmod(0o555)
    return path


@pytest.fixture(scope="session")
def shared_warehouse(shared_dir) -> Callable[[str, Callable[[Path], None]], Path]:
    """`shared_warehouse(name, make)`: shared_build in this run's shared folder (for a package's
    conftest, which cannot import this module by name: several modules are called conftest)."""
    return lambda name, make: shared_build(shared_dir, name, make)


@pytest.fixture(scope="session")
def real_warehouse_path(shared_dir) -> Path:
    """A warehouse holding the ingested bundled real data (do not modify: copy it)."""

    def make(path: Path) -> None:
        with Warehouse.open(path) as wh:
            ingest_folder(wh)

    return shared_build(shared_dir, "real", make)


def backfilled_slice(shared_dir: Path, base: Path, name: str, start: date, end: date, **kwargs) -> Path:
    """A copy of the warehouse `base` backfilled over start..end, built once per run (do not modify)."""

    def make(path: Path) -> None:
        shutil.copy(base, path)
        with Warehouse.open(path) as wh:
            res = backfill(wh, start, end, **kwargs)
        assert res.ok, [m.error for m in res.models if m.error]

    return shared_build(shared_dir, name, make)


@pytest.fixture(scope="session")
def real_slice(shared_dir, real_warehouse_path) -> Callable[..., Path]:
    """`real_slice(name, start, end, base=None, **backfill_options)`: the ingested real data (or the
    warehouse `base`, a slice already built) backfilled over start..end, built once per run under
    that name (do not modify: copy it)."""

    def build(name: str, start: date, end: date, base: Path | None = None, **kwargs) -> Path:
        return backfilled_slice(shared_dir, base or real_warehouse_path, name, start, end, **kwargs)

    return build


@pytest.fixture(scope="session")
def early_backfilled(real_slice) -> Path:
    """The real data backfilled over real_slices.EARLY (do not modify: copy it)."""
    return real_slice("early", *EARLY)


@pytest.fixture(scope="session")
def full_backfilled(real_slice) -> Path:
    """The real data backfilled over the whole bundled history (do not modify: copy it)."""
    return real_slice("full", *FULL, chunk_mode="all", force=True)


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
