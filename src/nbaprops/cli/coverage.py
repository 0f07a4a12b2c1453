"""The training-coverage warnings predict and features print (nbaprops.model.coverage decides them)."""

from __future__ import annotations

from rich.console import Console


def print_coverage(say: Console, known: bool, gaps: list, line_note: str | None = None) -> None:
    """One plain line per feature group mostly default on D, a note for unknown coverage or a
    change of prop-line kind."""
    from ..model.coverage import UNKNOWN

    if not known:
        say.print(f"note: {UNKNOWN}", markup=False, highlight=False)
    for g in gaps:
        say.print(f"warning: {g.message}", markup=False, highlight=False, style="yellow")
    if line_note:
        say.print(f"note: {line_note}", markup=False, highlight=False)
