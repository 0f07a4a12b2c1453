"""The DuckDB warehouse: opening it (one writer at a time), migrations, transactions."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from .errors import BadInputError, NoWarehouseError, WarehouseError, WarehouseLockedError

DEFAULT_PATH = Path("warehouse/nbaprops.duckdb")
ENV_VAR = "NBAPROPS_WAREHOUSE"
# Without a cap DuckDB may use 80 % of the machine's memory. With one, large backfills spill to a
# temp folder beside the warehouse instead; not a default, because what cannot spill (a primary-key
# index over 18 M synthetic prop snapshots at ingest) then fails outright.
MEMORY_LIMIT_ENV = "NBAPROPS_MEMORY_LIMIT"


def resolve_path(path: str | os.PathLike | None) -> Path:
    """--warehouse wins, then NBAPROPS_WAREHOUSE, then ./warehouse/nbaprops.duckdb."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else DEFAULT_PATH


def _migrations() -> list[tuple[int, str, str]]:
    out = []
    for entry in resources.files("nbaprops.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            out.append((int(name[:3]), name, entry.read_text(encoding="utf-8")))
    return sorted(out)


def _explain_open_error(path: Path, exc: Exception) -> Exception:
    text = str(exc)
    if "lock" in text.lower():
        return WarehouseLockedError(
            f"warehouse {path} is in use by another nbaprops process (one writer at a time); "
            "wait for it to finish and try again"
        )
    if "read-only" in text.lower() or "permission" in text.lower():
        return WarehouseError(f"warehouse {path} cannot be opened for writing: {text.splitlines()[0]}")
    return WarehouseError(f"warehouse {path} cannot be opened: {text.splitlines()[0]}")


class NotAWarehouseError(WarehouseError):
    """The warehouse path names a file that is not a DuckDB database (a SQLite or Parquet file,
    an empty or foreign file): bad input, refused before DuckDB opens it."""

    exit_code = 2


# A DuckDB database file starts with an 8-byte checksum, then the magic "DUCK".
DUCKDB_MAGIC, DUCKDB_MAGIC_OFFSET = b"DUCK", 8
FOREIGN_MAGIC = ((b"SQLite format 3\0", "a SQLite database"), (b"PAR1", "a Parquet file"))


def check_database_file(path: Path) -> None:
    """Refuse, before DuckDB sees it, an existing file that is not a DuckDB database: DuckDB
    would try to open a SQLite file through an extension it downloads, and a Parquet file
    gives a confusing error. A missing file is fine (a writer creates it)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return
    except IsADirectoryError:
        raise NotAWarehouseError(
            f"warehouse {path} cannot be opened: it is a folder; "
            "--warehouse takes a DuckDB file (e.g. warehouse/nbaprops.duckdb)"
        ) from None
    except OSError:
        return  # unreadable: DuckDB's own error (permission …) says more
    if head[DUCKDB_MAGIC_OFFSET : DUCKDB_MAGIC_OFFSET + len(DUCKDB_MAGIC)] == DUCKDB_MAGIC:
        return
    what = next((name for magic, name in FOREIGN_MAGIC if head.startswith(magic)), None)
    if what is None:
        what = "an empty file" if not head else "not a DuckDB database file"
    else:
        what = f"{what}, not a DuckDB database"
    raise NotAWarehouseError(
        f"warehouse {path} cannot be opened: it is {what}; point --warehouse "
        f"(or {ENV_VAR}) at a DuckDB file, or at a new path to create one"
    )


@functools.cache
def _check_memory_limit(value: str) -> None:
    """A size DuckDB understands (e.g. 1536MB, 2GB, 8 GiB), checked before the file is opened
    (once per value and process: the check opens an in-memory database, ~13 ms)."""
    try:
        duckdb.connect(":memory:", config={"memory_limit": value}).close()
    except duckdb.Error as exc:
        raise BadInputError(
            f"memory limit {value!r} (--memory-limit / {MEMORY_LIMIT_ENV}) is not a size like "
            f"1536MB or 2GB: {str(exc).splitlines()[0]}"
        ) from None


class Warehouse:
    """A handle on the warehouse file. Writers migrate on open; readers never write."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path, read_only: bool):
        self.con = con
        self.path = path
        self.read_only = read_only
        # (table, SQL hash) pairs whose table the runner has checked against the model's shape
        # (runner/execute.py ensure_table); shared with the worker handles of this database
        self.verified_tables: set[tuple[str, str]] = set()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike | None = None,
        *,
        read_only: bool = False,
        threads: int | None = None,
        memory_limit: str | None = None,
        create: bool = True,
    ) -> Warehouse:
        """`create=False`: a missing warehouse is an error also when opened for writing."""
        limit = memory_limit or os.environ.get(MEMORY_LIMIT_ENV)
        if limit:
            _check_memory_limit(limit)
        p = resolve_path(path)
        if (read_only or not create) and not p.exists():
            raise NoWarehouseError(f"no warehouse at {p}: run `nbaprops ingest` first")
        check_database_file(p)
        if not read_only:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise WarehouseError(f"cannot create the folder for warehouse {p}: {exc}") from exc
            # Checked up front (also for root, whom the OS would let write anyway): a read-only
            # file or folder means "do not write here", and DuckDB needs the folder for its WAL.
            if p.exists() and not _writable(p):
                raise WarehouseError(
                    f"warehouse {p} is read-only; open it with a read-only command "
                    "(status, history, export) or make it writable"
                )
            if not _writable(p.parent):
                raise WarehouseError(
                    f"the folder of warehouse {p} is read-only; the warehouse needs a "
                    "writable folder for its write-ahead log"
                )
        config: dict = {"threads": threads} if threads else {}
        if limit:
            config["memory_limit"] = limit
        try:
            con = duckdb.connect(str(p), read_only=read_only, config=config)
        except (duckdb.IOException, duckdb.Error) as exc:
            raise _explain_open_error(p, exc) from exc
        con.execute("SET enable_progress_bar = false")
        wh = cls(con, p, read_only)
        if not read_only:
            wh.migrate()
        return wh

    def worker(self) -> Warehouse:
        """A handle on the same open database through a cursor of its own (its own transactions
        and temp tables), for a worker thread; close it when done."""
        cur = self.con.cursor()
        cur.execute("SET enable_progress_bar = false")
        w = Warehouse(cur, self.path, self.read_only)
        w.verified_tables = self.verified_tables
        return w

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------------
    def applied_migrations(self) -> set[int]:
        if not table_exists(self.con, "reference.schema_migrations"):
            return set()
        return {r[0] for r in self.con.execute("SELECT version FROM reference.schema_migrations").fetchall()}

    def migrate(self) -> list[str]:
        """Apply every migration file not yet applied, each in its own transaction."""
        done = self.applied_migrations()
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            with self.transaction():
                self.con.execute(sql)
                self.con.execute(
                    "INSERT INTO reference.schema_migrations VALUES (?, ?, ?)", [version, name, datetime.now()]
                )
            applied.append(name)
        if applied:
            self._load_reference_teams()
        return applied

    def _load_reference_teams(self) -> None:
        csv = resources.files("nbaprops.reference").joinpath("teams.csv")
        with resources.as_file(csv) as f, self.transaction():
            self.con.execute("DELETE FROM reference.teams")
            self.con.execute("INSERT INTO reference.teams SELECT * FROM read_csv(?, header=true)", [str(f)])

    # -- helpers ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN … COMMIT; any exception rolls everything back and is re-raised."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            with contextlib.suppress(Exception):
                self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")

    def table_exists(self, qualified: str) -> bool:
        return table_exists(self.con, qualified)

    def columns(self, qualified: str) -> list[str]:
        return column_names(self.con, qualified)

    def count(self, qualified: str) -> int:
        return one(self.con.execute(f"SELECT count(*) FROM {quote_table(qualified)}"))[0]


# duckdb_tables()/duckdb_columns() rather than information_schema: the same answer at a fraction
# of the cost (the runner asks once per model and chunk). Functions of a bare connection: the
# runner's pre-flight and state take one.
def table_exists(con: duckdb.DuckDBPyConnection, qualified: str) -> bool:
    """Is schema.name a table or view of the open database?"""
    schema, name = qualified.split(".", 1)
    return bool(
        one(
            con.execute(
                "SELECT count(*) FROM (SELECT schema_name, table_name FROM duckdb_tables() "
                "WHERE database_name = current_database() UNION ALL SELECT schema_name, view_name FROM duckdb_views() "
                "WHERE database_name = current_database()) WHERE schema_name = ? AND table_name = ?",
                [schema, name],
            )
        )[0]
    )


def column_names(con: duckdb.DuckDBPyConnection, qualified: str) -> list[str]:
    """The table's columns in order ([] when there is no such table)."""
    schema, name = qualified.split(".", 1)
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
            "AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, name],
        ).fetchall()
    ]


def one(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always returns one (an aggregate, a count, an INSERT's row count):
    `fetchone()` without the None that only an empty result gives."""
    row = result.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row


def is_interrupt(exc: BaseException) -> bool:
    """DuckDB reports a Ctrl-C that lands inside a query as RuntimeError('Query interrupted')
    (or InterruptException when interrupted through the API)."""
    return isinstance(exc, duckdb.InterruptException) or (
        isinstance(exc, RuntimeError) and str(exc).strip().lower() == "query interrupted"
    )


def _writable(path: Path) -> bool:
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_table(qualified: str) -> str:
    return ".".join(quote_ident(p) for p in qualified.split("."))
