"""The command line only parses, calls the library and renders: no module of nbaprops.cli runs
SQL or touches a connection; queries live in the library next to their concept."""

from __future__ import annotations

import re
from pathlib import Path

import nbaprops.cli

CLI_DIR = Path(nbaprops.cli.__file__).parent

# SQL keywords as queries spell them (upper case, a space after), statement execution, and
# reaching through a Warehouse to its DuckDB connection.
FORBIDDEN = re.compile(
    r"\b(SELECT|FROM|WHERE|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|MERGE) |"
    r"\.execute(many)?\(|\.sql\(|\.con\b|\bduckdb\.connect\("
)


def _offences(text: str) -> list[str]:
    return [f"{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if FORBIDDEN.search(line)]


def test_no_cli_module_holds_sql():
    modules = sorted(CLI_DIR.glob("*.py"))
    assert len(modules) > 5, modules  # the package, not a stray single module
    found = {m.name: hits for m in modules if (hits := _offences(m.read_text(encoding="utf-8")))}
    assert found == {}, f"SQL in the CLI package (move it into the library): {found}"


def test_the_check_finds_sql():
    assert _offences('rows = wh.con.execute("SELECT max(game_date) FROM raw.schedule").fetchone()')
    assert _offences('sql = f"DELETE FROM {table}"')
    assert not _offences('help="Recent model runs from reference.processor_run_history"')
