"""The daily run's default date: the latest game date of the schedule."""

from __future__ import annotations

from datetime import date

from ..calendar import GAME_DATES_SQL
from ..errors import BadInputError
from ..warehouse import Warehouse


def latest_game_date(wh: Warehouse) -> date:
    """The schedule's last game date (preseason dates are no game dates)."""
    latest = wh.con.execute(f"SELECT max(game_date) FROM ({GAME_DATES_SQL})").fetchone()[0]
    if latest is None:
        raise BadInputError("the schedule is empty: run `nbaprops ingest` first")
    return latest
