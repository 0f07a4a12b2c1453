"""A full disk (a small tmpfs mounted under the test's folder; skipped where mounting is not
permitted), a per-file size limit (RLIMIT_FSIZE, works anywhere) and a read-only mount: the CLI
ends with a clear error (exit 1, no traceback, the cause named), and the warehouse re-opens
holding exactly what it held before — or, for a backfill, only whole chunks with their state —
and a re-run with room to spare ends as a clean run.

(tests/reliability/test_locking.py covers read-only files and folders set by permissions.)"""

from __future__ import annotations

import contextlib
import resource
import shutil
import signal
import subprocess
from pathlib import Path

import crashkit as ck
import pytest

from nbaprops.catalog import Catalog

BACKFILL = ("backfill", "--start-date", ck.START, "--end-date", ck.END)
NO_SPACE = "No space left on device"


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ck.World:
    return ck.world(tmp_path_factory.mktemp("disk_world"))


@contextlib.contextmanager
def tmpfs(path: Path, size: int, *, ro_after: Path | None = None):
    """A tmpfs of `size` bytes at `path` (skip the test when mounting is not permitted)."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    p = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True
    )
    if p.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _mb(path: Path) -> int:
    return path.stat().st_size


def _error_line(proc: subprocess.CompletedProcess, *, one_line: bool) -> str:
    assert proc.returncode in (1, 2), (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines and lines[-1].startswith("error:"), proc.stderr
    if one_line:
        assert len(lines) == 1, proc.stderr
    return lines[-1]


def _copy_out(src: Path, dst: Path) -> Path:
    """The warehouse file and its WAL (committed work not yet checkpointed) to a roomy place."""
    shutil.copy(src, dst)
    wal = Path(str(src) + ".wal")
    if wal.exists():
        shutil.copy(wal, Path(str(dst) + ".wal"))
    return dst


def _fsize_limit(limit: int):
    def pre() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead of a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return pre


def test_ingest_on_a_full_disk(world, tmp_path):
    with tmpfs(tmp_path / "disk", _mb(world.empty) + 10 * 2**20) as disk:
        w = ck.copy(world.empty, disk / "wh.duckdb")
        line = _error_line(ck.run(w, "ingest", str(world.cut)), one_line=True)
        assert NO_SPACE in line, line
        # nothing half-written: every table exactly as before (the one transaction never landed)
        assert ck.differences(w, world.empty, exact=True, skip=frozenset()) == {}
        out = _copy_out(w, tmp_path / "roomy.duckdb")
    # with room to spare the same ingest ends as a clean one
    ck.run_ok(out, "ingest", str(world.cut))
    assert ck.differences(out, world.ingested) == {}


def test_backfill_on_a_full_disk(world, tmp_path):
    catalog = Catalog.load()
    with tmpfs(tmp_path / "disk", _mb(world.ingested) + 2 * 2**20) as disk:
        w = ck.copy(world.ingested, disk / "wh.duckdb")
        proc = ck.run(w, *BACKFILL)
        line = _error_line(proc, one_line=False)
        assert proc.returncode == 1 and NO_SPACE in proc.stderr, line
        out = _copy_out(w, tmp_path / "roomy.duckdb")
    # re-opened: only whole chunks, each with its state; the done dates hold the clean rows
    assert ck.invariants(out, catalog) == []
    assert ck.done_part_matches(out, world.backfilled, catalog) == {}
    assert any(r[2] == "failed" for r in ck.history(out)), ck.history(out)
    ck.run_ok(out, *BACKFILL)
    assert ck.differences(out, world.backfilled) == {}


def test_ingest_over_the_file_size_limit(world, tmp_path):
    """RLIMIT_FSIZE: every write past the limit fails with EFBIG (no root needed)."""
    w = ck.copy(world.empty, tmp_path / "wh.duckdb")
    proc = ck.run(w, "ingest", str(world.cut), preexec_fn=_fsize_limit(_mb(world.empty) + 6 * 2**20))
    line = _error_line(proc, one_line=True)
    assert "File too large" in line, line
    assert ck.differences(w, world.empty, exact=True, skip=frozenset()) == {}
    ck.run_ok(w, "ingest", str(world.cut))
    assert ck.differences(w, world.ingested) == {}


@pytest.fixture(scope="module")
def fsize_backfill(world, tmp_path_factory):
    """A backfill that hits the file size limit part way (run once for the two tests below)."""
    w = ck.copy(world.ingested, tmp_path_factory.mktemp("fsize") / "wh.duckdb")
    proc = ck.run(w, *BACKFILL, preexec_fn=_fsize_limit(_mb(world.ingested) + 2 * 2**20))
    return w, proc


def test_backfill_over_the_file_size_limit_loses_nothing(world, fsize_backfill):
    catalog = Catalog.load()
    w, proc = fsize_backfill
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert ck.invariants(w, catalog) == []
    assert ck.done_part_matches(w, world.backfilled, catalog) == {}
    ck.run_ok(w, *BACKFILL)
    assert ck.differences(w, world.backfilled) == {}
    statuses = [r[2] for r in ck.history(w)]
    assert "running" not in statuses and "success" in statuses


def test_backfill_over_the_file_size_limit_names_the_cause(fsize_backfill):
    _, proc = fsize_backfill
    line = _error_line(proc, one_line=False)
    assert "File too large" in proc.stderr, line


def test_read_only_mount(world, tmp_path):
    with tmpfs(tmp_path / "disk", _mb(world.ingested) + 4 * 2**20) as disk:
        w = ck.copy(world.ingested, disk / "wh.duckdb")
        p = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if p.returncode != 0:
            pytest.skip(f"cannot remount read-only: {p.stderr.strip()}")
        for args in (("ingest", str(world.cut)), BACKFILL):
            line = _error_line(ck.run(w, *args), one_line=True)
            assert "read-only" in line and str(w) in line, line
        assert sorted(x.name for x in disk.iterdir()) == ["wh.duckdb"]
        assert ck.run(w, "history").returncode == 0  # readers still read it
        assert ck.differences(w, world.ingested, exact=True, skip=frozenset()) == {}
