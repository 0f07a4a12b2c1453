"""Typed errors. Nothing below the CLI prints or exits: it raises these, and the CLI turns them
into one clear message and an exit code (2 = bad input or usage, 1 = a run or check failed)."""

from __future__ import annotations


class NbapropsError(Exception):
    """Base class. `exit_code` is what the CLI exits with."""

    exit_code = 1


class BadInputError(NbapropsError):
    """Input the user gave us is unusable (a file, a column, a value, an argument)."""

    exit_code = 2

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None, row: int | None = None):
        parts = [message]
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column {column!r}")
        if where:
            parts.insert(0, ", ".join(where) + ":")
        super().__init__(" ".join(parts))
        self.file, self.column, self.row = file, column, row


class WarehouseLockedError(NbapropsError):
    """Another process holds the warehouse file."""

    exit_code = 1


class WarehouseError(NbapropsError):
    """The warehouse cannot be opened or written (missing, read-only, disk full)."""

    exit_code = 1


class NoWarehouseError(WarehouseError):
    """No warehouse at the path given: bad input, as a missing input file is."""

    exit_code = 2


class ModelError(NbapropsError):
    """A model definition is wrong (bad header, unknown dependency, cycle)."""

    exit_code = 2


class CoverageError(NbapropsError):
    """predict --strict: D's rows rest on defaults where the model learned from real values."""

    exit_code = 1


class RunFailedError(NbapropsError):
    """A model run failed; the table was left as it was before the failing chunk."""

    exit_code = 1
