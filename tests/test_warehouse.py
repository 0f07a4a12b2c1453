"""The warehouse handle: path resolution, migrations, transactions, typed open errors."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from nbaprops import warehouse as W
from nbaprops.errors import WarehouseError
from nbaprops.warehouse import Warehouse, quote_ident, quote_table, resolve_path


def test_resolve_path_order(monkeypatch, tmp_path):
    monkeypatch.delenv(W.ENV_VAR, raising=False)
    assert resolve_path(None) == Path("warehouse/nbaprops.duckdb")
    monkeypatch.setenv(W.ENV_VAR, str(tmp_path / "env.duckdb"))
    assert resolve_path(None) == tmp_path / "env.duckdb"
    assert resolve_path(tmp_path / "flag.duckdb") == tmp_path / "flag.duckdb"  # --warehouse wins


def test_open_creates_schemas_tables_and_teams(tmp_path):
    with Warehouse.open(tmp_path / "sub" / "w.duckdb") as wh:
        schemas = {r[0] for r in wh.con.execute("SELECT schema_name FROM information_schema.schemata").fetchall()}
        assert {"raw", "analytics", "precompute", "predictions", "processing", "reference"} <= schemas
        for t in (
            "raw.schedule",
            "raw.player_boxscores",
            "raw.team_boxscores",
            "raw.shots",
            "raw.game_lines",
            "raw.injuries",
            "raw.player_points_props",
            "processing.rejected_rows",
            "processing.ingest_log",
        ):
            assert wh.table_exists(t), t
        assert wh.count("reference.teams") == 30
        applied = wh.applied_migrations()
    assert {1, 2, 3} <= applied


def test_migrations_are_applied_once(tmp_path):
    p = tmp_path / "w.duckdb"
    with Warehouse.open(p) as wh:
        n = wh.count("reference.schema_migrations")
        wh.con.execute("DELETE FROM reference.teams WHERE team_abbr = 'LAL'")
    with Warehouse.open(p) as wh:
        assert wh.migrate() == []
        assert wh.count("reference.schema_migrations") == n
        assert wh.count("reference.teams") == 29  # not reloaded when nothing was migrated


def test_transaction_rolls_back_on_error(tmp_path):
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        with pytest.raises(RuntimeError):
            with wh.transaction():
                wh.con.execute("DELETE FROM reference.teams")
                raise RuntimeError("boom")
        assert wh.count("reference.teams") == 30
        with pytest.raises(duckdb.Error):
            with wh.transaction():
                wh.con.execute("DELETE FROM reference.teams")
                wh.con.execute("SELECT * FROM no_such_table")
        assert wh.count("reference.teams") == 30


def test_read_only_open_of_a_missing_warehouse(tmp_path):
    with pytest.raises(WarehouseError, match="nbaprops ingest"):
        Warehouse.open(tmp_path / "none.duckdb", read_only=True)
    assert not (tmp_path / "none.duckdb").exists()


def test_read_only_handle_cannot_write(tmp_path):
    p = tmp_path / "w.duckdb"
    Warehouse.open(p).close()
    with Warehouse.open(p, read_only=True) as wh:
        with pytest.raises(duckdb.Error):
            wh.con.execute("DELETE FROM reference.teams")
    with Warehouse.open(p, read_only=True) as wh:
        assert wh.count("reference.teams") == 30


def test_not_a_database(tmp_path):
    p = tmp_path / "x.duckdb"
    p.write_text("not a database")
    with pytest.raises(WarehouseError, match="cannot be opened"):
        Warehouse.open(p)
    assert p.read_text() == "not a database"


def test_quoting():
    assert quote_ident('a"b') == '"a""b"'
    assert quote_table("raw.schedule") == '"raw"."schedule"'
    assert quote_table('raw.x"; DROP TABLE y; --') == '"raw"."x""; DROP TABLE y; --"'


def _limit(wh: Warehouse) -> str:
    return wh.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_memory_limit_default_env_and_argument(monkeypatch, tmp_path):
    monkeypatch.delenv(W.MEMORY_LIMIT_ENV, raising=False)
    with Warehouse.open(tmp_path / "a.duckdb") as wh:
        default = _limit(wh)  # DuckDB's own (80 % of RAM)
    with Warehouse.open(tmp_path / "a2.duckdb", memory_limit="1536MB") as wh:
        assert _limit(wh) == "1.4 GiB" != default
    monkeypatch.setenv(W.MEMORY_LIMIT_ENV, "3GB")
    with Warehouse.open(tmp_path / "b.duckdb") as wh:
        assert _limit(wh) == "2.7 GiB"  # DuckDB reports binary units
    with Warehouse.open(tmp_path / "c.duckdb", memory_limit="700MB") as wh:  # the argument wins
        assert _limit(wh) == "667.5 MiB"


def test_a_bad_memory_limit_is_a_usage_error(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbaprops.cli",
            "--warehouse",
            str(tmp_path / "w.duckdb"),
            "--memory-limit",
            "lots",
            "status",
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2
    assert "memory limit 'lots'" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "w.duckdb").exists()


# -- files that are not DuckDB databases are refused before DuckDB opens them ---------------------
CLI = [sys.executable, "-m", "nbaprops.cli"]


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("NBAPROPS_DEBUG", None)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120)


def _sqlite_file(p: Path) -> Path:
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE t (a INTEGER)")
    con.commit()
    con.close()
    return p


def _parquet_file(p: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1, 2]}), p)
    return p


@pytest.mark.parametrize("make, what", [(_sqlite_file, "a SQLite database"), (_parquet_file, "a Parquet file")])
@pytest.mark.parametrize("read_only", [False, True])
def test_foreign_database_files_are_refused(tmp_path, make, what, read_only):
    p = make(tmp_path / "warehouse.db")
    before = p.read_bytes()
    with pytest.raises(W.NotAWarehouseError, match=what) as info:
        Warehouse.open(p, read_only=read_only)
    assert info.value.exit_code == 2
    assert p.read_bytes() == before
    assert not Path(str(p) + ".wal").exists()


def test_empty_file_is_refused(tmp_path):
    p = tmp_path / "empty.duckdb"
    p.touch()
    with pytest.raises(W.NotAWarehouseError, match="empty file"):
        Warehouse.open(p)
    assert p.read_bytes() == b""


def test_a_duckdb_file_passes_the_magic_check(tmp_path):
    p = tmp_path / "w.duckdb"
    Warehouse.open(p).close()
    assert p.read_bytes()[8:12] == b"DUCK"
    W.check_database_file(p)  # no error
    W.check_database_file(tmp_path / "new.duckdb")  # a missing file is fine too


@pytest.mark.parametrize("make, what", [(_sqlite_file, "SQLite"), (_parquet_file, "Parquet")])
@pytest.mark.parametrize("command", [["status"], ["history"], ["run"]])
def test_cli_refuses_sqlite_and_parquet_in_one_line(tmp_path, make, what, command):
    p = make(tmp_path / "wh.file")
    proc = _cli("--warehouse", str(p), *command)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and what in lines[0] and "not a DuckDB database" in lines[0], proc.stderr
    assert "extension" not in proc.stderr.lower() and "in-memory" not in proc.stderr


def test_version_option():
    from nbaprops import __version__

    proc = _cli("--version")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert proc.stdout.strip() == f"nbaprops {__version__}"
    from typer.testing import CliRunner

    from nbaprops.cli import app

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and __version__ in res.output
