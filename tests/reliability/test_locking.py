"""One writer at a time, clear failures for everyone else, and read-only warehouses left alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import samples

from nbaprops.errors import WarehouseError
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]

HOLDER = textwrap.dedent("""
    import sys
    from nbaprops.warehouse import Warehouse
    wh = Warehouse.open(sys.argv[1])
    print("READY", flush=True)
    sys.stdin.readline()                      # wait until the test has tried the second writer
    wh.con.execute("CREATE TABLE processing.holder_marker AS SELECT 42 AS answer")
    wh.close()
    print("DONE", flush=True)
""")


@pytest.fixture(scope="module")
def small_wh(tmp_path_factory) -> Path:
    folder = samples.make_folder(
        tmp_path_factory.mktemp("lock_in"), kinds=("schedule", "player_box"), games=samples.sample_games(2)
    )
    path = tmp_path_factory.mktemp("lock") / "base.duckdb"
    subprocess.run(
        [*CLI, "--warehouse", str(path), "ingest", str(folder)], check=True, capture_output=True, timeout=300
    )
    return path


@pytest.fixture()
def wh_path(small_wh, tmp_path) -> Path:
    return samples.copy_warehouse(small_wh, tmp_path / "wh.duckdb")


@pytest.fixture()
def holder(wh_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(wh_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
    yield proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def _cli(wh: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NBAPROPS_DEBUG"}
    return subprocess.run([*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=env, timeout=300)


def _one_line(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout[-1000:], proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


def _finish(holder) -> None:
    out, err = holder.communicate("go\n", timeout=60)
    assert holder.returncode == 0, err
    assert "DONE" in out


def test_second_writer_exits_1_and_first_is_unaffected(wh_path, holder, tmp_path):
    folder = samples.make_folder(tmp_path / "in", kinds=("schedule",))
    line = _one_line(_cli(wh_path, "ingest", str(folder)), 1)
    assert "in use by another nbaprops process" in line and str(wh_path) in line
    _finish(holder)  # the holder still writes and commits after the failed attempt
    with Warehouse.open(wh_path, read_only=True) as wh:
        assert wh.con.execute("SELECT answer FROM processing.holder_marker").fetchall() == [(42,)]
        assert wh.count("raw.schedule") > 0


def test_second_writer_in_python_gets_a_typed_error(wh_path, holder):
    code = f"from nbaprops.warehouse import Warehouse\nWarehouse.open({str(wh_path)!r})"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "WarehouseLockedError" in proc.stderr
    _finish(holder)


@pytest.mark.parametrize("command", [["history"], ["status"]])
def test_readers_fail_clearly_while_a_writer_holds_the_file(wh_path, holder, command):
    line = _one_line(_cli(wh_path, *command), 1)
    assert "in use" in line
    _finish(holder)


def test_readers_work_again_after_the_writer_is_gone(wh_path, holder):
    _finish(holder)
    proc = _cli(wh_path, "history")
    assert proc.returncode == 0, proc.stderr


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_read_only_file_gives_a_clear_error_and_nothing_written(wh_path, tmp_path):
    folder = samples.make_folder(tmp_path / "in", kinds=("schedule", "injuries"))
    digest = _digest(wh_path)
    os.chmod(wh_path, 0o444)
    try:
        line = _one_line(_cli(wh_path, "ingest", str(folder)), 1)
        assert "read-only" in line and str(wh_path) in line
        with pytest.raises(WarehouseError):
            Warehouse.open(wh_path)
        assert _digest(wh_path) == digest
        assert not Path(str(wh_path) + ".wal").exists()
        # reading a read-only warehouse is fine
        assert _cli(wh_path, "history").returncode == 0
        with Warehouse.open(wh_path, read_only=True) as wh:
            assert wh.count("raw.schedule") > 0
    finally:
        os.chmod(wh_path, 0o644)


def test_read_only_folder_gives_a_clear_error_and_nothing_written(wh_path, tmp_path):
    folder = samples.make_folder(tmp_path / "in", kinds=("schedule",))
    ro = tmp_path / "ro"
    ro.mkdir()
    target = ro / "wh.duckdb"
    shutil.copy(wh_path, target)
    digest = _digest(target)
    os.chmod(ro, 0o555)
    try:
        line = _one_line(_cli(target, "ingest", str(folder)), 1)
        assert "read-only" in line
        assert _digest(target) == digest
        assert sorted(p.name for p in ro.iterdir()) == ["wh.duckdb"]
        # a new warehouse cannot be created in a read-only folder either, and none is left behind
        line = _one_line(_cli(ro / "new.duckdb", "ingest", str(folder)), 1)
        assert "read-only" in line
        assert sorted(p.name for p in ro.iterdir()) == ["wh.duckdb"]
    finally:
        os.chmod(ro, 0o755)


def test_not_a_warehouse_file(tmp_path):
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_bytes(b"hello, I am not a database" * 100)
    line = _one_line(_cli(bogus, "ingest"), 2)  # refused before DuckDB opens it: bad input
    assert str(bogus) in line and "not a DuckDB database" in line
    assert bogus.read_bytes() == b"hello, I am not a database" * 100


def test_missing_warehouse_for_a_reader(tmp_path):
    line = _one_line(_cli(tmp_path / "none.duckdb", "history"), 2)  # bad input: exit 2, as everywhere
    assert "nbaprops ingest" in line
    assert not (tmp_path / "none.duckdb").exists()
