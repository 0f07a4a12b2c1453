"""The reliability tests share the ingest tests' sample builder (tests/ingest/samples.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ingest"))
