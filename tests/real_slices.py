"""The dates of the real slices the tests share (tests/conftest.py builds each once per run)."""

from __future__ import annotations

from datetime import date

# The 2023-24 season's first weeks: most Phase 3/4, label, export and quality tests.
EARLY = (date(2023, 10, 24), date(2023, 12, 15))
# The whole bundled history, as `make demo` builds it.
FULL = (date(2021, 10, 19), date(2025, 6, 30))
