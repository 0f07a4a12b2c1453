"""What every command shares: the consoles, the global options, opening the warehouse and
parsing dates."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Optional

from rich.console import Console

from ..errors import BadInputError
from ..warehouse import Warehouse

console = Console()
err = Console(stderr=True)


class _State:
    """The global options (--warehouse, --memory-limit), set by the app's callback."""

    warehouse: Optional[Path] = None
    memory_limit: Optional[str] = None


STATE = _State()

# A model run's status (run summary, history).
STATUS_STYLE = {"success": "green", "skipped": "dim", "failed": "red", "killed": "red", "running": "yellow",
                "pending": "yellow"}


def open_warehouse(read_only: bool = False) -> Warehouse:
    return Warehouse.open(STATE.warehouse, read_only=read_only, memory_limit=STATE.memory_limit)


def parse_date(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(f"{name} must be a date like 2024-01-31, got {value!r}") from None


def parse_date_range(start_date: Optional[str], end_date: Optional[str]) -> tuple[Optional[date], Optional[date]]:
    """--start-date and --end-date, either may be absent; a start after the end is an error."""
    s, e = parse_date(start_date, "--start-date"), parse_date(end_date, "--end-date")
    if s and e and s > e:
        raise BadInputError(f"--start-date {s} is after --end-date {e}")
    return s, e
