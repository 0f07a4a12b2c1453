"""Shared kit of the crash-safety, idempotency and disk-full tests and of `make soak`.

* a small real input folder (the bundled files cut to a few weeks of 2023-24),
* the CLI as a subprocess (`python -m nbaprops.cli`), with the hidden test hooks,
* watchers that find a moment to SIGKILL it (warehouse opened, an input file being read,
  the N-th chunk sleeping inside its transaction, the commit right after that sleep),
* exact comparisons of two warehouses (every table, EXCEPT ALL both ways, optionally without
  the columns that only say when/by which run a row was written), duplicate keys by grain,
  and the consistency of processing.model_state with the model tables.

Everything here reads the warehouses with plain DuckDB (ATTACH … READ_ONLY), not with the
code under test, except Catalog.load() for the models' tables and grains."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "data" / "real"
_VENV_PY = REPO / ".venv" / "bin" / "python"
PYTHON = str(_VENV_PY) if _VENV_PY.exists() else sys.executable

# the short real range the tests run over (2023-24 opening night .. end of November)
START, END = "2023-10-24", "2023-11-30"
DAILY = "2023-12-01"  # the daily update after the backfill
CUT = ("2023-09-15", "2023-12-10")  # the slice of the bundled files that is ingested

# bundled file -> its date column (the cut keeps the original names: the loader's patterns)
CUT_FILES = {
    "schedule_2021_22_to_2025_26.parquet": "game_date",
    "player_box_2023_24.parquet": "game_date",
    "player_game_logs_basic_2021_22_to_2025_26.parquet": "game_date",
    "team_box_regular_2022_23_to_2025_26.parquet": "game_date",
    "team_game_logs_basic_2021_22_to_2025_26.parquet": "game_date",
    "shots_2023_24.parquet": "game_date",
    "game_lines_2021_22_to_2024_25.parquet": "game_date",
    "injuries_pst_2021_to_2025.parquet": "date",
}

# Tables that record when/how things ran, not what the data says: left out of content
# comparisons (checked on their own where it matters).
BOOKKEEPING = frozenset({"reference.processor_run_history", "processing.ingest_log", "reference.schema_migrations"})
# Columns that say when or by which run a row was written.
TIME_COLUMNS = frozenset(
    {"ingested_at", "processed_at", "created_at", "updated_at", "computed_at", "run_id", "done_at", "rejected_at"}
)


# -- inputs ----------------------------------------------------------------------------------
def make_cut_folder(dst: Path, lo: str = CUT[0], hi: str = CUT[1]) -> Path:
    """The bundled real files cut to [lo, hi] (same file names, Parquet)."""
    dst.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        for name, col in CUT_FILES.items():
            con.execute(
                f"COPY (SELECT * FROM read_parquet(?) WHERE {col} BETWEEN ? AND ?) TO '{dst / name}' (FORMAT parquet)",
                [str(REAL / name), lo, hi],
            )
    finally:
        con.close()
    return dst


def make_corrected_folder(src: Path, dst: Path, day: str = "2023-11-10") -> Path:
    """`src` plus nothing else but one corrected file: one player's points in one game of `day`
    are 1 higher, with one more free throw made (a late box-score correction)."""
    dst.mkdir(parents=True, exist_ok=True)
    name = "player_box_2023_24.parquet"
    con = duckdb.connect()
    try:
        gid, who = con.execute(
            "SELECT game_id, player_name FROM read_parquet(?) WHERE game_date = ? AND pts > 10 "
            "ORDER BY game_id, player_name LIMIT 1",
            [str(src / name), day],
        ).fetchone()
        hit = "game_id = $gid AND player_name = $who"
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN {hit} THEN pts + 1 ELSE pts END AS pts, "
            f"CASE WHEN {hit} THEN ftm + 1 ELSE ftm END AS ftm, CASE WHEN {hit} THEN fta + 1 ELSE fta END AS fta) "
            f"FROM read_parquet($src)) TO '{dst / name}' (FORMAT parquet)",
            {"gid": gid, "who": who, "src": str(src / name)},
        )
    finally:
        con.close()
    return dst


# -- the CLI as a subprocess ----------------------------------------------------------------
def cli_env(sleep: float | None = None, extra: dict | None = None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "NBAPROPS_TEST_CHUNK_SLEEP",
            "NBAPROPS_TEST_CHUNK_SLEEP_MODEL",
            "NBAPROPS_MODELS_DIR",
            "NBAPROPS_DEBUG",
            "NBAPROPS_WAREHOUSE",
        )
    }
    env["COLUMNS"] = "200"
    if sleep:
        env["NBAPROPS_TEST_CHUNK_SLEEP"] = str(sleep)
    env.update(extra or {})
    return env


@dataclass
class Proc:
    popen: subprocess.Popen
    out_path: Path
    err_path: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> bool:
        """SIGKILL if still running; True when the signal landed on a live process."""
        if self.popen.poll() is not None:
            return False
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait()
        return self.popen.returncode == -signal.SIGKILL

    def wait(self, timeout: float = 300) -> int:
        return self.popen.wait(timeout=timeout)

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")


def start(
    wh: Path,
    *args: str,
    sleep: float | None = None,
    env: dict | None = None,
    logdir: Path | None = None,
    preexec_fn=None,
) -> Proc:
    logdir = logdir or wh.parent
    stamp = f"{time.monotonic_ns()}"
    out, err = logdir / f".out-{stamp}", logdir / f".err-{stamp}"

    def child_setup() -> None:
        # A pytest-xdist worker ignores SIGINT, and an ignored signal stays ignored across exec:
        # the CLI must get Ctrl-C as a user's shell delivers it.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if preexec_fn is not None:
            preexec_fn()

    with open(out, "w") as o, open(err, "w") as e:
        p = subprocess.Popen(
            [PYTHON, "-m", "nbaprops.cli", "--warehouse", str(wh), *args],
            env=cli_env(sleep, env),
            stdout=o,
            stderr=e,
            cwd=str(wh.parent),
            preexec_fn=child_setup,
        )
    return Proc(p, out, err)


def run(
    wh: Path, *args: str, sleep: float | None = None, env: dict | None = None, timeout: float = 300, preexec_fn=None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "nbaprops.cli", "--warehouse", str(wh), *args],
        env=cli_env(sleep, env),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(wh.parent),
        preexec_fn=preexec_fn,
    )


def run_ok(wh: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    p = run(wh, *args, **kw)
    assert p.returncode == 0, f"{' '.join(args)} exited {p.returncode}:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


# -- watching a process for the moment to kill it --------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of the whole process (all threads), in clock ticks; None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])
    except (OSError, IndexError, ValueError):
        return None


def open_files(pid: int) -> list[str]:
    out = []
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                out.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
            except OSError:
                pass
    except OSError:
        pass
    return out


class Missed(Exception):
    """The process ended before the awaited moment."""


def wait_open(p: Proc, needle: str, timeout: float = 60, poll: float = 0.001) -> float:
    """Until the process holds a file whose path contains `needle` open; returns the seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if not p.alive():
            raise Missed(f"ended before opening {needle}")
        if any(needle in f for f in open_files(p.pid)):
            return time.monotonic() - t0
        time.sleep(poll)
    raise TimeoutError(f"never opened {needle}")


def wait_cpu(p: Proc, seconds: float, timeout: float = 60) -> None:
    """Until the process has used `seconds` of CPU time."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        t = cpu_ticks(p.pid)
        if t is None or not p.alive():
            raise Missed("ended before using enough CPU")
        if t / _TICK >= seconds:
            return
        time.sleep(0.002)
    raise TimeoutError("CPU time never reached")


def wait_sleeps(p: Proc, n: int, idle: float = 0.12, timeout: float = 120) -> None:
    """Until the process sits in its n-th chunk sleep (NBAPROPS_TEST_CHUNK_SLEEP, inside the
    chunk's transaction, after its writes and before its COMMIT): CPU time stops advancing for
    `idle` seconds. Each idle period counts once. The sleep must be well above `idle`."""
    t0 = time.monotonic()
    seen = 0
    last, since, in_idle = cpu_ticks(p.pid), time.monotonic(), False
    while time.monotonic() - t0 < timeout:
        time.sleep(0.005)
        t = cpu_ticks(p.pid)
        if t is None or not p.alive():
            raise Missed(f"ended after {seen} of {n} chunk sleeps")
        now = time.monotonic()
        if t != last:
            last, since, in_idle = t, now, False
        elif not in_idle and now - since >= idle:
            in_idle = True
            seen += 1
            if seen >= n:
                return
    raise TimeoutError(f"saw {seen} of {n} chunk sleeps")


def wait_busy(p: Proc, timeout: float = 60) -> None:
    """Until the (idle) process uses CPU again: the sleep is over, the COMMIT is running."""
    t0 = time.monotonic()
    last = cpu_ticks(p.pid)
    while time.monotonic() - t0 < timeout:
        time.sleep(0.001)
        t = cpu_ticks(p.pid)
        if t is None or not p.alive():
            raise Missed("ended while waiting for it to resume")
        if t != last:
            return
    raise TimeoutError("never resumed")


def wait_file_changes(p: Proc, path: Path, n: int = 1, timeout: float = 60) -> None:
    """Until `path` (e.g. the WAL) changed size or mtime n times."""

    def sig():
        try:
            st = path.stat()
            return st.st_size, st.st_mtime_ns
        except OSError:
            return None

    t0, last, seen = time.monotonic(), sig(), 0
    while time.monotonic() - t0 < timeout:
        if not p.alive():
            raise Missed(f"ended after {seen} of {n} changes of {path.name}")
        s = sig()
        if s != last:
            last, seen = s, seen + 1
            if seen >= n:
                return
        time.sleep(0.0005)
    raise TimeoutError(f"{path.name} changed {seen} of {n} times")


# -- comparing warehouses --------------------------------------------------------------------
def _attach(*paths: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    for i, p in enumerate(paths):
        con.execute(f"ATTACH '{p}' AS w{i} (READ_ONLY)")
    return con


def tables(con: duckdb.DuckDBPyConnection, db: str) -> list[str]:
    return [
        f"{s}.{t}"
        for s, t in con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ? AND NOT temporary "
            "ORDER BY 1, 2",
            [db],
        ).fetchall()
    ]


def columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[str]:
    s, t = table.split(".")
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ? "
            "ORDER BY column_index",
            [db, s, t],
        ).fetchall()
    ]


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def diff(
    a: Path,
    b: Path,
    *,
    exact: bool = False,
    skip: frozenset[str] | set[str] = BOOKKEEPING,
    only: list[str] | None = None,
    where: dict[str, str] | None = None,
    sample: int = 3,
) -> dict[str, str]:
    """Tables whose content differs between warehouses a and b: {table: description}.

    Every table of either warehouse is compared row for row (EXCEPT ALL both ways, so a
    duplicated row counts). exact=False leaves out the columns in TIME_COLUMNS. `where`
    restricts a table's rows on both sides (an SQL condition)."""
    con = _attach(a, b)
    try:
        ta, tb = set(tables(con, "w0")), set(tables(con, "w1"))
        out: dict[str, str] = {}
        for t in sorted((ta | tb) - set(skip)):
            if only is not None and t not in only:
                continue
            if t not in ta or t not in tb:
                out[t] = f"only in {'a' if t in ta else 'b'}"
                continue
            ca, cb = columns(con, "w0", t), columns(con, "w1", t)
            if ca != cb:
                out[t] = f"columns differ: {ca} vs {cb}"
                continue
            cols = [c for c in ca if exact or c not in TIME_COLUMNS] or ca
            sel = ", ".join(q(c) for c in cols)
            w = f" WHERE {where[t]}" if where and t in where else ""
            s, n = t.split(".")
            qa, qb = f"w0.{q(s)}.{q(n)}", f"w1.{q(s)}.{q(n)}"
            only_a = con.execute(
                f"SELECT count(*) FROM (SELECT {sel} FROM {qa}{w} EXCEPT ALL SELECT {sel} FROM {qb}{w})"
            ).fetchone()[0]
            only_b = con.execute(
                f"SELECT count(*) FROM (SELECT {sel} FROM {qb}{w} EXCEPT ALL SELECT {sel} FROM {qa}{w})"
            ).fetchone()[0]
            if only_a or only_b:
                ex = con.execute(
                    f"SELECT {sel} FROM {qa}{w} EXCEPT ALL SELECT {sel} FROM {qb}{w} LIMIT {sample}"
                ).fetchall()
                na = con.execute(f"SELECT count(*) FROM {qa}{w}").fetchone()[0]
                nb = con.execute(f"SELECT count(*) FROM {qb}{w}").fetchone()[0]
                out[t] = f"{na} vs {nb} rows; {only_a} only in a, {only_b} only in b; e.g. {ex!r:.400}"
        return out
    finally:
        con.close()


def duplicate_keys(path: Path, catalog=None) -> dict[str, int]:
    """Per model table (grain from the catalog) and per table with a primary key: how many
    key values occur more than once. {} when there are none."""
    from nbaprops.catalog import Catalog

    catalog = catalog or Catalog.load()
    con = _attach(path)
    try:
        have = set(tables(con, "w0"))
        keys: dict[str, list[str]] = {}
        for m in catalog.ordered():
            if m.table in have:
                keys[m.table] = list(m.grain)
        for schema, table, cols in con.execute(
            "SELECT schema_name, table_name, constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = 'w0' AND constraint_type = 'PRIMARY KEY'"
        ).fetchall():
            keys.setdefault(f"{schema}.{table}", list(cols))
        out = {}
        for t, k in keys.items():
            s, n = t.split(".")
            g = ", ".join(q(c) for c in k)
            dups = con.execute(
                f"SELECT count(*) FROM (SELECT {g} FROM w0.{q(s)}.{q(n)} GROUP BY ALL HAVING count(*) > 1)"
            ).fetchone()[0]
            if dups:
                out[t] = dups
        return out
    finally:
        con.close()


def state_problems(path: Path, catalog=None) -> list[str]:
    """Rows and saved state must agree (they commit together): every date a model table holds
    is recorded as done in processing.model_state, with the number of rows the table holds."""
    from nbaprops.catalog import Catalog

    catalog = catalog or Catalog.load()
    con = _attach(path)
    problems = []
    try:
        have = set(tables(con, "w0"))
        for m in catalog.ordered():
            if m.table not in have:
                continue
            s, n = m.table.split(".")
            tc = q(m.time_column)
            bad = con.execute(
                f"""
                WITH t AS (SELECT {tc} AS d, count(*) AS n FROM w0.{q(s)}.{q(n)} GROUP BY 1),
                     st AS (SELECT target_date AS d, rows_written AS n FROM w0.processing.model_state WHERE model = ?)
                SELECT t.d, t.n, st.n FROM t FULL JOIN st USING (d)
                WHERE t.n IS DISTINCT FROM st.n AND NOT (t.n IS NULL AND st.n = 0) ORDER BY 1 LIMIT 3""",
                [m.name],
            ).fetchall()
            if bad:
                problems.append(f"{m.table}: (date, rows in table, rows per state) {bad}")
        return problems
    finally:
        con.close()


def done_dates(path: Path) -> dict[str, list]:
    con = _attach(path)
    try:
        out: dict[str, list] = {}
        for m, d in con.execute("SELECT model, target_date FROM w0.processing.model_state ORDER BY 1, 2").fetchall():
            out.setdefault(m, []).append(d)
        return out
    finally:
        con.close()


def done_part_matches(path: Path, reference: Path, catalog=None) -> dict[str, str]:
    """The dates a (killed) warehouse records as done hold exactly the reference's rows."""
    from nbaprops.catalog import Catalog

    catalog = catalog or Catalog.load()
    done = done_dates(path)
    where = {}
    for m in catalog.ordered():
        ds = done.get(m.name)
        if ds:
            where[m.table] = f"{q(m.time_column)} IN ({', '.join(repr(str(d)) for d in ds)})"
    if not where:
        return {}
    return diff(path, reference, only=list(where), where=where)


def history(path: Path) -> list[tuple]:
    con = _attach(path)
    try:
        return con.execute(
            "SELECT run_id, model, status, trigger, error FROM w0.reference.processor_run_history "
            "ORDER BY started_at, model"
        ).fetchall()
    finally:
        con.close()


def run_ids(path: Path) -> set[str]:
    return {r[0] for r in history(path)}


def copy(src: Path, dst: Path) -> Path:
    """A copy of a closed warehouse (file only: a closed warehouse has no WAL)."""
    assert not Path(str(src) + ".wal").exists(), f"{src} has a WAL: not closed cleanly"
    shutil.copy(src, dst)
    return dst


def snapshot(src: Path, dst: Path) -> Path:
    """A copy of a warehouse whose last writer may have been killed: the file and, when the kill
    left one, its WAL (together they are what the next open recovers). Remove with drop()."""
    shutil.copy(src, dst)
    wal, dst_wal = Path(f"{src}.wal"), Path(f"{dst}.wal")
    if wal.exists():
        shutil.copy(wal, dst_wal)
    else:
        dst_wal.unlink(missing_ok=True)
    return dst


def drop(path: Path) -> None:
    """Remove a warehouse file and its WAL, if any."""
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)


_SUMMARIES: dict[tuple, dict[str, tuple]] = {}


def summary(path: Path, *, exact: bool = False, skip: frozenset[str] | set[str] = BOOKKEEPING) -> dict[str, tuple]:
    """Per table: (rows, order-free content hash) — a cheap first comparison; diff() says what differs.
    Remembered per file version (path, size, mtime), so the references are summarised once."""
    st = path.stat()
    wal = Path(str(path) + ".wal")
    key = (str(path), st.st_size, st.st_mtime_ns, wal.exists(), exact, frozenset(skip))
    if key not in _SUMMARIES or wal.exists():
        _SUMMARIES[key] = _summary(path, exact=exact, skip=skip)
    return _SUMMARIES[key]


def _summary(path: Path, *, exact: bool, skip: frozenset[str] | set[str]) -> dict[str, tuple]:
    con = _attach(path)
    try:
        out = {}
        for t in tables(con, "w0"):
            if t in skip:
                continue
            cols = [c for c in columns(con, "w0", t) if exact or c not in TIME_COLUMNS] or columns(con, "w0", t)
            s, n = t.split(".")
            out[t] = (
                *tuple(
                    con.execute(
                        f"SELECT count(*), coalesce(sum(hash({', '.join(q(c) for c in cols)})::HUGEINT), 0) "
                        f"FROM w0.{q(s)}.{q(n)}"
                    ).fetchone()
                ),
                tuple(cols),
            )
        return out
    finally:
        con.close()


def differences(
    a: Path, b: Path, *, exact: bool = False, skip: frozenset[str] | set[str] = BOOKKEEPING
) -> dict[str, str]:
    """{} when every table (but `skip`) holds the same rows in a and b; else what differs."""
    if summary(a, exact=exact, skip=skip) == summary(b, exact=exact, skip=skip):
        return {}
    return diff(a, b, exact=exact, skip=skip) or {"?": "summaries differ but no row does (hash collision?)"}


def failure_problems(path: Path, catalog=None) -> list[str]:
    """processing.precompute_failures agrees with the saved state (written in the same transaction)."""
    from nbaprops.catalog import Catalog

    catalog = catalog or Catalog.load()
    con = _attach(path)
    problems = []
    try:
        for m in catalog.ordered():
            if not m.failures:
                continue
            bad = con.execute(
                """
                WITH f AS (SELECT analysis_date AS d, count(*) AS n FROM w0.processing.precompute_failures
                           WHERE processor_name = ? GROUP BY 1),
                     st AS (SELECT target_date AS d, failures_written AS n FROM w0.processing.model_state
                            WHERE model = ?)
                SELECT f.d, f.n, st.n FROM f FULL JOIN st USING (d)
                WHERE f.n IS DISTINCT FROM st.n AND NOT (f.n IS NULL AND st.n = 0) ORDER BY 1 LIMIT 3""",
                [m.failures, m.name],
            ).fetchall()
            if bad:
                problems.append(f"{m.failures}: (date, failure rows, failures per state) {bad}")
        return problems
    finally:
        con.close()


def invariants(path: Path, catalog=None) -> list[str]:
    """What must hold in a warehouse at any moment, killed or not: no duplicate keys, rows and
    failures agree with the saved state."""
    out = [f"duplicate keys: {d}" for d in [duplicate_keys(path, catalog)] if d]
    return out + state_problems(path, catalog) + failure_problems(path, catalog)


def history_problems(path: Path, killed_run: str, n_models: int | None = None) -> list[str]:
    """After a later writer ran: the killed run is told as it was. None of its rows is still
    'running'; every 'killed' row says it was interrupted; and the run is not reported as a
    success (some row is killed/failed, or not every model has a row)."""
    rows = [r for r in history(path) if r[0] == killed_run]
    out = []
    if any(r[2] == "running" for r in rows):
        out.append(f"killed run {killed_run} still 'running': {rows}")
    if any(r[2] == "killed" and "interrupted" not in (r[4] or "") for r in rows):
        out.append(f"killed row without the reason: {rows}")
    ok = [r for r in rows if r[2] in ("success", "skipped")]
    if n_models is not None and len(ok) >= n_models:
        out.append(f"killed run {killed_run} reads as a complete success: {rows}")
    return out


@dataclass
class World:
    """Inputs and clean references, built once per test session (or soak run)."""

    root: Path
    cut: Path  # the small real input folder
    fix: Path  # one corrected file
    empty: Path  # a migrated, empty warehouse
    ingested: Path  # empty + ingest cut
    backfilled: Path  # ingested + backfill START..END
    daily: Path  # backfilled + run --date DAILY
    seconds: dict[str, float] = field(default_factory=dict)


_WORLD: World | None = None


def world(root: Path) -> World:
    """Build (once per process) the inputs and the clean reference warehouses under root."""
    global _WORLD
    if _WORLD is not None and _WORLD.root.exists():
        return _WORLD
    from nbaprops.warehouse import Warehouse

    root.mkdir(parents=True, exist_ok=True)
    secs = {}
    t = time.perf_counter()
    cut = make_cut_folder(root / "cut")
    fix = make_corrected_folder(cut, root / "fix")
    empty = root / "empty.duckdb"
    Warehouse.open(empty).close()
    secs["inputs"] = time.perf_counter() - t
    ingested = copy(empty, root / "ingested.duckdb")
    t = time.perf_counter()
    run_ok(ingested, "ingest", str(cut))
    secs["ingest"] = time.perf_counter() - t
    backfilled = copy(ingested, root / "backfilled.duckdb")
    t = time.perf_counter()
    run_ok(backfilled, "backfill", "--start-date", START, "--end-date", END)
    secs["backfill"] = time.perf_counter() - t
    daily = copy(backfilled, root / "daily.duckdb")
    t = time.perf_counter()
    run_ok(daily, "run", "--date", DAILY)
    secs["run"] = time.perf_counter() - t
    _WORLD = World(root, cut, fix, empty, ingested, backfilled, daily, secs)
    return _WORLD
