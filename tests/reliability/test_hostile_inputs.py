"""Hostile-input corpus: a deterministic set of small CSV/Parquet files derived from real rows,
each damaged in one way, plus a hypothesis fuzz of CSV cells.

Every case must end in exactly one of:
  * error    — BadInputError (exit code 2), a one-line message naming the file, and every table
               of the warehouse exactly as before;
  * rejected — the ingest succeeds and the bad rows are in processing.rejected_rows with row,
               column and reason;
  * loaded / duplicate — nothing wrong with the rows (extra columns, SQL-looking names …) or
               exact repeats that are dropped and counted.
Never a silent drop: rows read = loaded + unchanged + duplicate + superseded + rejected.
The counts by outcome are printed (pytest -s) and asserted."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import samples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nbaprops.errors import BadInputError
from nbaprops.ingest import ingest_folder
from nbaprops.ingest.sources import ALL_KINDS
from nbaprops.warehouse import Warehouse

KIND_OF = {
    "schedule": "schedule",
    "player_box": "player_box",
    "player_game_logs_basic": "player_log_basic",
    "team_box": "team_box",
    "team_game_logs_basic": "team_log_basic",
    "shots": "shots",
    "game_lines": "game_lines",
    "injuries": "injuries",
}
REQUIRED = {k.name: list(k.required) for k in ALL_KINDS}
# per sample kind: (date column, team column + unknown value, name column, an integer column,
# minutes column, count column)
COLS = {
    "schedule": dict(
        date="game_date", team=("home_team", "XYZ"), name="home_team_name", int=None, minutes=None, count=None
    ),
    "player_box": dict(
        date="game_date", team=("team_tricode", "XYZ"), name="player_name", int="fgm", minutes="minutes", count="reb"
    ),
    "player_game_logs_basic": dict(
        date="game_date", team=("team_abbreviation", "XYZ"), name="player_name", int="pts", minutes="min", count="reb"
    ),
    "team_box": dict(
        date="game_date", team=("matchup", "XYZ vs. BOS"), name=None, int="fga", minutes=None, count="reb"
    ),
    "team_game_logs_basic": dict(
        date="game_date", team=("team_abbreviation", "XYZ"), name="team_name", int="pts", minutes=None, count="reb"
    ),
    "shots": dict(
        date="game_date",
        team=("team_name", "Nowhere Nomads"),
        name="player_name",
        int="quarter",
        minutes=None,
        count="shot_distance",
    ),
    "game_lines": dict(
        date="game_date", team=("home_team", "XYZ"), name="home_team_name", int="total_points", minutes=None, count=None
    ),
    "injuries": dict(
        date="date", team=("team_nickname", "Nowhere"), name="player_name", int=None, minutes=None, count=None
    ),
}
SQL_NAME = "Robert'); DROP TABLE raw.schedule;--"


# -- the base warehouse -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_games():
    return samples.sample_games(8)


@pytest.fixture(scope="module")
def base(tmp_path_factory, corpus_games) -> Path:
    """The 2023-24 schedule and two games of every kind; cases add rows of a third game."""
    folder = samples.make_folder(tmp_path_factory.mktemp("hostile_base_in"), games=corpus_games[:2])
    path = tmp_path_factory.mktemp("hostile_base") / "base.duckdb"
    with Warehouse.open(path) as wh:
        ingest_folder(wh, folder)
    return path


@pytest.fixture(scope="module")
def roster_base(base, tmp_path_factory) -> Path:
    """The base plus the 2023-24 basic game logs: the rosters that shots and injury
    transactions resolve their players against (their cases' players are on them)."""
    folder = tmp_path_factory.mktemp("hostile_rosters_in")
    logs = (
        samples.con()
        .sql(
            f"SELECT * FROM read_parquet('{samples.real(samples.BUNDLED['player_game_logs_basic'])}') "
            "WHERE season = '2023-24'"
        )
        .to_arrow_table()
    )
    samples.write_table(logs, folder / "player_game_logs_basic_2023_24.parquet")
    path = tmp_path_factory.mktemp("hostile_rosters") / "base.duckdb"
    samples.copy_warehouse(base, path)
    with Warehouse.open(path) as wh:
        ingest_folder(wh, folder)
    return path


RESOLVING = {"shots", "injuries"}  # kinds whose rows resolve to a player of the box scores / game logs


@pytest.fixture(scope="module")
def source_rows(corpus_games):
    out = {}
    for kind in KIND_OF:
        tbl = samples.sample_table(kind, corpus_games[2:])
        if kind == "schedule":  # keep it small: 40 regular-season games (all against NBA teams)
            import pyarrow.compute as pc

            tbl = tbl.filter(pc.equal(tbl["season_type"], "Regular Season")).slice(0, 40)
        if kind == "injuries":  # transactions of players of the 2023-24 game logs (the roster base)
            import pyarrow.compute as pc

            from nbaprops import keys

            logs = samples.real(samples.BUNDLED["player_game_logs_basic"])
            names = {
                keys.player_lookup(n)
                for (n,) in samples.con()
                .execute(f"SELECT DISTINCT player_name FROM read_parquet('{logs}') WHERE season = '2023-24'")
                .fetchall()
            }
            tbl = tbl.filter(pa.array([keys.player_lookup(n) in names for n in tbl["player_name"].to_pylist()]))
        out[kind] = (tbl.to_pylist()[:60], tbl.schema)
    return out


# -- writing files ------------------------------------------------------------------------------
def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    return str(v)


def write_csv(rows: list[dict], path: Path, columns: list[str] | None = None, encoding: str = "utf-8") -> Path:
    columns = columns or list(rows[0])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    path.write_bytes(buf.getvalue().encode(encoding, errors="strict"))
    return path


def write_parquet(rows: list[dict], schema: pa.Schema, path: Path) -> Path:
    # columns that now hold text where the schema says otherwise become text columns
    fields = []
    for f in schema:
        vals = [r.get(f.name) for r in rows]
        if any(isinstance(v, str) for v in vals) and not pa.types.is_string(f.type):
            fields.append(pa.field(f.name, pa.string()))
        elif any(isinstance(v, float) for v in vals) and pa.types.is_integer(f.type):
            fields.append(pa.field(f.name, pa.float64()))
        elif any(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**31 for v in vals
        ) and pa.types.is_integer(f.type):
            fields.append(pa.field(f.name, pa.int64()))
        else:
            fields.append(f)
    extra = [c for c in (rows[0] if rows else {}) if c not in schema.names]
    fields += [pa.field(c, pa.string()) for c in extra]
    sch = pa.schema(fields)
    data = {
        f.name: [
            (
                _cell(r.get(f.name))
                if pa.types.is_string(f.type) and r.get(f.name) is not None and not isinstance(r.get(f.name), str)
                else r.get(f.name)
            )
            for r in rows
        ]
        for f in sch
    }
    pq.write_table(pa.table(data, schema=sch), path)
    return path


# -- the corpus ---------------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    kind: str
    fmt: str
    build: Callable[[list[dict], pa.Schema, Path], Path]  # writes the file into the folder, returns it
    expect: frozenset


def _rows_case(mutate: Callable[[list[dict]], list[dict]]):
    def build(rows, schema, path):
        rows = mutate([dict(r) for r in rows])
        return write_csv(rows, path) if path.suffix == ".csv" else write_parquet(rows, schema, path)

    return build


def _bytes_case(damage: Callable[[bytes], bytes]):
    def build(rows, schema, path):
        good = _rows_case(lambda r: r)(rows, schema, path)
        good.write_bytes(damage(good.read_bytes()))
        return good

    return build


def _drop_column(col):
    def build(rows, schema, path):
        rows = [{k: v for k, v in r.items() if k != col} for r in rows]
        if path.suffix == ".csv":
            return write_csv(rows, path)
        return write_parquet(rows, pa.schema([f for f in schema if f.name != col]), path)

    return build


def _set(i, **kw):
    def mutate(rows):
        j = i % len(rows)
        for k, v in kw.items():
            rows[j][k] = v(rows[j]) if callable(v) else v
        return rows

    return mutate


def _flip(start_frac: float, n: int):
    def damage(b: bytes) -> bytes:
        b = bytearray(b)
        s = int(len(b) * start_frac)
        for i in range(s, min(s + n, len(b))):
            b[i] ^= 0xA5
        return bytes(b)

    return damage


def _latin1(rows, schema, path):
    """A CSV whose first name is written in latin-1 bytes (not UTF-8)."""
    name_col = next(c for c in ("player_name", "home_team_name", "team_name") if c in rows[0])
    rows = [dict(r) for r in rows]
    rows[0][name_col] = "Nikola Jokić Ærø"
    p = write_csv(rows, path.with_suffix(".tmp"))
    data = p.read_bytes().replace("Nikola Jokić Ærø".encode(), "Nikola Jokic Ærø".encode("latin-1"))
    p.unlink()
    path.write_bytes(data)
    return path


def _no_rows(rows, schema, path):
    if path.suffix == ".csv":
        path.write_text(",".join(rows[0]) + "\n")
        return path
    return write_parquet([], schema, path)


E, R, L, D = "error", "rejected", "loaded", "duplicate"


def build_corpus() -> list[Case]:
    cases: list[Case] = []
    for kind, cols in COLS.items():
        kname = KIND_OF[kind]
        for fmt in ("parquet", "csv"):

            def add(name, build, *expect, kind=kind, fmt=fmt):
                cases.append(Case(f"{kind}-{fmt}-{name}", kind, fmt, build, frozenset(expect)))

            # damaged files
            add("truncated-half", _bytes_case(lambda b: b[: len(b) // 2]), E)
            add("truncated-tail", _bytes_case(lambda b: b[: len(b) - 7]), E, R, L)  # CSV: a cut last line
            add("truncated-header", _bytes_case(lambda b: b[:5]), E)
            add("empty-file", _bytes_case(lambda b: b""), E)
            add("garbage", _bytes_case(lambda b: bytes(range(256)) * 8), E)
            add("corrupt-middle", _bytes_case(_flip(0.5, 64)), E, R, L)
            add("corrupt-footer", _bytes_case(_flip(0.97, 200)), E, R, L)
            if fmt == "parquet":
                add("bad-magic", _bytes_case(lambda b: b"XXXX" + b[4:]), E, L)  # DuckDB reads the footer's magic
            # columns
            for col in REQUIRED[kname][: (None if fmt == "parquet" else 2)]:
                add(f"missing-{col}", _drop_column(col), E)
            add(
                "extra-columns", _rows_case(lambda r: [{**x, "zz_extra": "x", "_row": 99, "Zeta Ω": 1.5} for x in r]), L
            )
            add("no-rows", _no_rows, L)
            # values
            date_col = cols["date"]
            add("wrong-type-date", _rows_case(_set(3, **{date_col: "not a date"})), E)
            add("impossible-date", _rows_case(_set(3, **{date_col: "2023-02-30"})), E)
            add("future-date", _rows_case(_set(1, **{date_col: lambda r, c=date_col: r[c].replace(year=2040)})), R)
            add("null-date", _rows_case(_set(1, **{date_col: None})), R)
            team_col, bad_team = cols["team"]
            extra = {"team_id": 1} if kind == "shots" else {}  # shots know their team by id first, then name
            add("unknown-team", _rows_case(_set(2, **{team_col: bad_team}, **extra)), R)
            if cols["int"]:
                c = cols["int"]
                add("wrong-type-int", _rows_case(_set(4, **{c: "abc"})), E)
                add("fraction-in-int", _rows_case(_set(4, **{c: "7.5"})), E)
                add("enormous-int", _rows_case(_set(4, **{c: 10**25 if fmt == "csv" else "1" + "0" * 25})), E)
                add("int64-overflow-int32", _rows_case(_set(4, **{c: 2**40})), E)
            if cols["count"]:
                add("negative-count", _rows_case(_set(5, **{cols["count"]: -3})), R)
            if cols["minutes"]:
                m = cols["minutes"]
                add("null-minutes", _rows_case(_set(0, **{m: None})), R)
                add("minutes-over-70", _rows_case(_set(0, **{m: 95})), R)
                add("negative-minutes", _rows_case(_set(0, **{m: -1})), R)
                add("enormous-minutes", _rows_case(_set(0, **{m: 1e300})), R)
                add("text-minutes", _rows_case(_set(0, **{m: "36:15"})), E)
                add("nan-minutes", _rows_case(_set(0, **{m: "NaN" if fmt == "csv" else float("nan")})), E, R)
            if kind == "player_box":
                add("points-identity", _rows_case(_set(1, pts=lambda r: r["pts"] + 2)), R)
                add(
                    "makes-over-attempts",
                    _rows_case(
                        _set(1, fgm=lambda r: r["fga"] + 1, pts=lambda r: 2 * (r["fga"] + 1) + r["fg3m"] + r["ftm"])
                    ),
                    R,
                )
                add("null-is-home", _rows_case(_set(1, is_home=None)), R)
                add("team-not-in-game", _rows_case(_set(1, team_tricode="PHX")), R)  # the game is ATL at CHA
            if "game_id" in REQUIRED[kname] or kind in ("player_game_logs_basic", "team_game_logs_basic", "game_lines"):
                gid = "game_id_joined" if "basic" in kind else "game_id"
                add("game-id-overlong", _rows_case(_set(0, **{gid: lambda r, g=gid: (r[g] or "0022300001") + "9"})), R)
                if kind != "schedule":  # a new id in the schedule is simply a new game
                    add("game-id-unknown", _rows_case(_set(0, **{gid: "0029999999"})), R)
                add("game-id-sql", _rows_case(_set(0, **{gid: "0'; DROP TABLE raw.schedule;--"})), R)
            if cols["name"]:
                n = cols["name"]
                # an injury transaction names a player of the box scores: this name is nobody's
                add("sql-name", _rows_case(_set(0, **{n: SQL_NAME})), R if kind == "injuries" else L)
                add("long-name", _rows_case(_set(0, **{n: "A" * 5000})), L, R)
                add("markup-name", _rows_case(_set(0, **{n: "[red]X[/red] [/] \x1b[31m"})), L, R)
                add("empty-name", _rows_case(_set(0, **{n: "  ... "})), R, L)
                if fmt == "csv":
                    add("latin1-name", _latin1, E)
            # shots: a shot's key is its place in the game, so two identical lines are two shots
            add("duplicate-exact", _rows_case(lambda r: [*r, dict(r[0]), dict(r[0])]), L if kind == "shots" else D)
            conflict_col = {
                "schedule": "home_wl",
                "player_box": "plus_minus",
                "player_game_logs_basic": "plus_minus",
                "team_box": "wl",
                "team_game_logs_basic": "plus_minus",
                "shots": "action_type",
                "game_lines": "ml_home",
                "injuries": "notes",
            }[kind]
            if kind == "shots":
                pass  # a shot's key is its position in the game: two identical shots are two shots
            elif kind == "injuries":
                add("duplicate-conflict", _rows_case(lambda r: [*r, {**r[0], "est_days_out_scraper": 99.0}]), R)
            else:
                add("duplicate-conflict", _rows_case(lambda r, c=conflict_col: [*r, {**r[0], c: _other(r[0][c])}]), R)
            add(
                "whitespace-and-case",
                _rows_case(
                    lambda r, t=team_col: [
                        {**x, t: f"  {x[t].lower()} "} if isinstance(x[t], str) and len(x[t]) <= 4 else x for x in r
                    ]
                ),
                L,
                D,
            )
    return cases


def _other(v):
    if isinstance(v, bool):
        return not v
    if isinstance(v, (int, float)):
        return v + 1
    if v is None:
        return "X"
    return v + "X"


CORPUS = build_corpus()
RESULTS: dict[str, str] = {}


def fast_suite_ids(corpus: list[Case]) -> set[str]:
    """The fast suite's third of the corpus: each damage on half of the kinds that have it
    (alternating, so every kind meets about half of the damages; a damage of one kind always
    runs), each (kind, damage) pair in one format (the kinds alternate between Parquet and CSV; a
    damage made in one format only runs in it). The whole corpus runs with the slow tests (make
    test-all)."""
    kinds, damages = list(COLS), list(dict.fromkeys(_damage(c) for c in corpus))
    having: dict[str, list[str]] = {}  # damage -> the kinds with it
    formats: dict[tuple[str, str], set[str]] = {}  # (kind, damage) -> its formats
    for c in corpus:
        with_it = having.setdefault(_damage(c), [])
        if c.kind not in with_it:
            with_it.append(c.kind)
        formats.setdefault((c.kind, _damage(c)), set()).add(c.fmt)

    def runs(c: Case) -> bool:
        d, with_it = _damage(c), having[_damage(c)]
        if len(with_it) > 1 and (with_it.index(c.kind) + damages.index(d)) % 2:
            return False
        return len(formats[c.kind, d]) == 1 or c.fmt == ("parquet", "csv")[kinds.index(c.kind) % 2]

    return {c.id for c in corpus if runs(c)}


def _damage(case: Case) -> str:
    return case.id[len(f"{case.kind}-{case.fmt}-") :]


FAST = fast_suite_ids(CORPUS)


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 200
    assert len({c.id for c in CORPUS}) == len(CORPUS)
    fast = [c for c in CORPUS if c.id in FAST]
    # the fast third still meets every damage, every kind and both formats
    assert {_damage(c) for c in fast} == {_damage(c) for c in CORPUS}
    assert {c.kind for c in fast} == {c.kind for c in CORPUS} and {c.fmt for c in fast} == {"parquet", "csv"}
    assert len(fast) < 0.35 * len(CORPUS)


def _file_tables_other_than(target: str, snap: dict) -> dict:
    return {
        t: v
        for t, v in snap.items()
        if t
        not in (
            target,
            "reference.players",
            "reference.player_identity",
            "raw.player_points_props",
            "processing.rejected_rows",
            "processing.ingest_log",
        )
    }


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=c.id, marks=() if c.id in FAST else pytest.mark.slow) for c in CORPUS]
)
def test_hostile_case(case: Case, base, roster_base, source_rows, tmp_path):
    wh_path = tmp_path / "wh.duckdb"
    samples.copy_warehouse(roster_base if case.kind in RESOLVING else base, wh_path)
    folder = tmp_path / "in"
    folder.mkdir()
    rows, schema = source_rows[case.kind]
    path = case.build(rows, schema, folder / f"{samples.SAMPLE_FILE[case.kind]}_hostile.{case.fmt}")
    before = samples.snapshot(wh_path)
    try:
        with Warehouse.open(wh_path) as wh:
            report = ingest_folder(wh, folder)
    except BadInputError as exc:
        outcome = E
        msg = str(exc)
        assert exc.exit_code == 2
        assert "\n" not in msg and f"file {path.name}" in msg, msg
        assert samples.snapshot(wh_path) == before  # nothing half-written
    else:
        (res,) = report.files
        assert res.rows_read == (
            res.rows_loaded + res.rows_unchanged + res.rows_duplicate + res.rows_superseded + res.rows_rejected
        ), res
        with Warehouse.open(wh_path, read_only=True) as wh:
            rej = wh.con.execute(
                "SELECT row_number, column_name, reason FROM processing.rejected_rows WHERE source_file = ?",
                [path.name],
            ).fetchall()
            assert wh.con.execute("SELECT count(*) FROM raw.schedule").fetchone()[0] >= before["raw.schedule"][0]
        assert len({r[0] for r in rej}) == res.rows_rejected
        assert all(1 <= r[0] <= res.rows_read and r[1] and r[2] for r in rej), rej
        after = samples.snapshot(wh_path)
        assert _file_tables_other_than(res.target, after) == _file_tables_other_than(res.target, before)
        outcome = R if res.rows_rejected else D if res.rows_duplicate else L
    RESULTS[case.id] = outcome
    assert outcome in case.expect, (outcome, sorted(case.expect))


def test_outcome_counts():
    """Runs after the corpus: print and check the counts by outcome."""
    if len(RESULTS) < len(CORPUS):
        pytest.skip("run the whole corpus to see the counts")
    counts = collections.Counter(RESULTS.values())
    print("\nhostile corpus outcomes:", dict(sorted(counts.items())), "total", sum(counts.values()))
    assert sum(counts.values()) == len(CORPUS) >= 200
    assert counts[E] >= 80 and counts[R] >= 60 and counts[L] >= 15 and counts[D] >= 8


# -- fuzz: any text in any cell of a CSV ---------------------------------------------------------
@pytest.fixture(scope="module")
def fuzz_state(base, source_rows, tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    return {"base": base, "dir": d, "n": 0}


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    col=st.sampled_from(["game_id", "game_date", "team_tricode", "player_name", "minutes", "pts", "fgm", "is_home"]),
    row=st.integers(0, 5),
    value=st.text(max_size=30),
)
def test_fuzz_csv_cell(fuzz_state, source_rows, col, row, value):
    fuzz_state["n"] += 1
    d = fuzz_state["dir"] / str(fuzz_state["n"])
    d.mkdir()
    wh_path = d / "wh.duckdb"
    samples.copy_warehouse(fuzz_state["base"], wh_path)
    rows = [dict(r) for r in source_rows["player_box"][0]]
    rows[row][col] = value
    try:
        path = write_csv(rows, d / "player_box_fuzz.csv")
    except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8
        return
    before = samples.snapshot(wh_path)
    try:
        with Warehouse.open(wh_path) as wh:
            report = ingest_folder(wh, d)
    except BadInputError as exc:
        assert "\n" not in str(exc) and path.name in str(exc)
        assert samples.snapshot(wh_path) == before
    else:
        (res,) = report.files
        assert res.rows_read == (
            res.rows_loaded + res.rows_unchanged + res.rows_duplicate + res.rows_superseded + res.rows_rejected
        )
    finally:
        shutil.rmtree(d, ignore_errors=True)


# -- a handful through the real command line ------------------------------------------------------
CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]


def _cli(wh: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "NBAPROPS_DEBUG"}
    return subprocess.run([*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=env, timeout=180)


def _one_line_error(proc, code):
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.mark.parametrize(
    "case_id",
    [
        "player_box-parquet-truncated-half",
        "player_game_logs_basic-csv-latin1-name",
        "shots-csv-wrong-type-date",
        "injuries-parquet-missing-player_name",
    ],
)
def test_cli_hostile_files(case_id, base, source_rows, tmp_path):
    case = next(c for c in CORPUS if c.id == case_id)
    wh_path = tmp_path / "wh.duckdb"
    samples.copy_warehouse(base, wh_path)
    folder = tmp_path / "in"
    folder.mkdir()
    rows, schema = source_rows[case.kind]
    path = case.build(rows, schema, folder / f"{samples.SAMPLE_FILE[case.kind]}_hostile.{case.fmt}")
    before = samples.snapshot(wh_path)
    line = _one_line_error(_cli(wh_path, "ingest", str(folder)), 2)
    assert path.name in line
    assert samples.snapshot(wh_path) == before


def test_cli_sql_name_loads_as_data(base, source_rows, tmp_path):
    wh_path = tmp_path / "wh.duckdb"
    samples.copy_warehouse(base, wh_path)
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [dict(r) for r in source_rows["player_box"][0]]
    rows[0]["player_name"] = SQL_NAME
    write_csv(rows, folder / "player_box_sql.csv")
    proc = _cli(wh_path, "ingest", str(folder))
    assert proc.returncode == 0, proc.stderr
    with Warehouse.open(wh_path, read_only=True) as wh:
        assert wh.count("raw.schedule") > 0
        assert wh.con.execute(
            "SELECT player_lookup FROM raw.player_boxscores WHERE player_name = ?", [SQL_NAME]
        ).fetchall() == [("robertdroptablerawschedule",)]


@pytest.mark.parametrize(
    "args",
    [
        ["backfill", "--start-date", "2024-01-01'; DROP TABLE raw.schedule;--", "--end-date", "2024-01-02"],
        ["backfill", "--start-date", "2024-01-01", "--end-date", "2024-13-01"],
        ["run", "--date", "'; DROP TABLE raw.schedule;--"],
        ["export", "raw.schedule; DROP TABLE raw.schedule", "--out", "x.parquet"],
        ["ingest", "/nonexistent/'; DROP TABLE raw.schedule;--"],
    ],
)
def test_cli_hostile_arguments(args, base, tmp_path):
    wh_path = tmp_path / "wh.duckdb"
    samples.copy_warehouse(base, wh_path)
    before = samples.snapshot(wh_path)
    args = [a.replace("x.parquet", str(tmp_path / "x.parquet")) for a in args]
    _one_line_error(_cli(wh_path, *args), 2)
    assert samples.snapshot(wh_path) == before
