"""What every command shares: the consoles, the global options, opening the warehouse and
parsing dates."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import overload

from rich.console import Console

from ..errors import BadInputError
from ..warehouse import Warehouse


class _Console(Console):
    """Rich's console; when the output is not a terminal (a pipe, a file, a cron log) a long line
    is written whole instead of wrapped at 80 columns."""

    def print(self, *objects, **kwargs) -> None:
        if not self.is_terminal:
            kwargs.setdefault("soft_wrap", True)
        super().print(*objects, **kwargs)

    def on_broken_pipe(self) -> None:
        """The reader went away (`| head -1`): not an error, exit 0 quietly (Rich exits 1)."""
        quiet_exit()


def quiet_exit() -> None:
    """Exit 0 once stdout's reader is gone, without Python's complaint when it flushes at exit."""
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(0)


console = _Console(highlight=False)
err = _Console(stderr=True, highlight=False)


class _State:
    """The global options (--warehouse, --memory-limit), set by the app's callback."""

    warehouse: Path | None = None
    memory_limit: str | None = None


STATE = _State()

# A model run's status (run summary, history).
STATUS_STYLE = {
    "success": "green",
    "skipped": "dim",
    "failed": "red",
    "killed": "red",
    "interrupted": "red",
    "running": "yellow",
    "pending": "yellow",
}


def open_warehouse(read_only: bool = False, create: bool = True) -> Warehouse:
    return Warehouse.open(STATE.warehouse, read_only=read_only, memory_limit=STATE.memory_limit, create=create)


@overload
def parse_date(value: str, name: str) -> date: ...
@overload
def parse_date(value: None, name: str) -> None: ...
@overload
def parse_date(value: str | None, name: str) -> date | None: ...


def parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(f"{name} must be a date like 2024-01-31, got {value!r}") from None


@overload
def parse_date_range(start_date: str, end_date: str) -> tuple[date, date]: ...
@overload
def parse_date_range(start_date: str | None, end_date: str | None) -> tuple[date | None, date | None]: ...


def parse_date_range(start_date: str | None, end_date: str | None) -> tuple[date | None, date | None]:
    """--start-date and --end-date, either may be absent; a start after the end is an error."""
    s, e = parse_date(start_date, "--start-date"), parse_date(end_date, "--end-date")
    if s and e and s > e:
        raise BadInputError(f"--start-date {s} is after --end-date {e}")
    return s, e


def check_out_file(path: Path | None, name: str = "--out", *, suffixes: tuple[str, ...] = ()) -> Path | None:
    """An output file the command will write: refused up front (exit 2, one line) when it is a
    folder, its suffix is not one of `suffixes`, or its folder is missing or not writable (a
    typo in a path must not become a tree of new folders)."""
    if path is None:
        return None
    if suffixes and path.suffix.lower() not in suffixes:
        raise BadInputError(f"{name} {path}: the file name must end with {' or '.join(suffixes)}")
    if path.is_dir():
        raise BadInputError(f"{name} {path} is a folder; give a file name")
    check_out_dir(path.parent, name, of=path)
    if path.exists() and not os.access(path, os.W_OK):
        raise BadInputError(f"{name} {path} exists and cannot be written")
    return path


def check_out_dir(folder: Path, name: str = "--out", *, of: Path | None = None) -> Path:
    """A folder the command will write into (created later, but only it: its parent must exist):
    refused up front when a file stands in its way, its parent is missing or not writable."""
    what = of if of is not None else folder
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise BadInputError(f"{name} {what}: {probe} is a file, not a folder")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise BadInputError(f"{name} {what}: the folder {probe} is not writable")
    missing = folder.parent if of is None else folder
    if not missing.is_dir():
        raise BadInputError(f"{name} {what}: the folder {missing} does not exist (create it first)")
    return folder


def model_names() -> list[str]:
    """The models' names, from the model files (cheap enough for --help: no catalog load)."""
    return sorted(p.stem for p in _model_files())


def check_models(names: list[str], option: str) -> list[str]:
    """Model names given to an option (`--only`, `--start-from`), in any case, bare or as
    schema.table: the bare names, or one line naming the accepted ones (exit 2)."""
    known, tables = set(model_names()), set(model_tables())
    out = []
    for name in names:
        n = name.strip().lower()
        key = n.split(".")[-1]
        if key in known and "." in n and n not in tables:
            table = next(t for t in tables if t.endswith("." + key))
            raise BadInputError(f"{option}: unknown model {name!r}; {key} is {table}")
        if key not in known:
            raise BadInputError(f"{option}: unknown model {name!r}; the models are {', '.join(model_names())}")
        out.append(key)
    return out


def model_tables() -> list[str]:
    return sorted(f"{p.parent.name}.{p.stem}" for p in _model_files())


def _model_files() -> list[Path]:
    from importlib import resources

    root = Path(str(resources.files("nbaprops") / "models"))
    return sorted(root.glob("*/*.sql"))
