"""The small cache files of derived facts (a query's tables, the warehouse's types), in
$NBAPROPS_CACHE_DIR, else $XDG_CACHE_HOME/nbaprops, else ~/.cache/nbaprops. A cache is only
a shortcut: an unreadable file reads as empty, a read-only home skips the write."""

from __future__ import annotations

import json
import os
from pathlib import Path

CACHE_ENV = "NBAPROPS_CACHE_DIR"


def cache_dir() -> Path:
    root = os.environ.get(CACHE_ENV) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nbaprops"
    )
    return Path(root)


def read_json(name: str) -> dict:
    try:
        data = json.loads((cache_dir() / name).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_json(name: str, data: dict) -> None:
    """Atomically (a temp file renamed), so a reader never sees half a file."""
    try:
        f = cache_dir() / name
        f.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, f)
    except OSError:
        pass  # a read-only home: compute again next time
