"""The DuckDB runner and the command line start without the SQL parser: binding a model's
parameters (nbaprops.parameters) needs none, and sqlglot costs ~0.15 s of every command's
start-up (it is loaded when a model is translated for Spark or BigQuery, or typed)."""

from __future__ import annotations

import subprocess
import sys


def test_cli_and_runner_do_not_import_sqlglot():
    code = (
        "import sys, nbaprops.cli, nbaprops.runner.backfill, nbaprops.runner.daily; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlglot'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
