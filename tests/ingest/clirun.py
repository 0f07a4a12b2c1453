"""The real command line in a subprocess, for the ingest tests: its run and its one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]


def cli(wh: Path, *args: str, columns: int = 250, timeout: int = 600) -> subprocess.CompletedProcess:
    """`nbaprops --warehouse wh args` on a terminal of `columns` (wide: messages stay on one line)."""
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("NBAPROPS_DEBUG", None)
    return subprocess.run(
        [*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def one_line_error(proc: subprocess.CompletedProcess, code: int = 2) -> str:
    """The one line a refused command prints on stderr (exit `code`, no traceback)."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]
