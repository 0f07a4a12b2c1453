"""Small input folders cut from the bundled real files, for ingest and reliability tests.

Everything is read straight from data/real/ with plain DuckDB (not through the loader), so the
expected numbers in the tests are independent of the code under test."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nbaprops.warehouse import Warehouse

REAL = Path(__file__).resolve().parents[2] / "data" / "real"
TEAMS_CSV = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "reference" / "teams.csv"

# file stem in a sample folder → bundled file(s) it is cut from
BUNDLED = {
    "schedule": "schedule_2021_22_to_2025_26.parquet",
    "player_box": "player_box_2023_24.parquet",
    "player_game_logs_basic": "player_game_logs_basic_2021_22_to_2025_26.parquet",
    "team_box": "team_box_regular_2022_23_to_2025_26.parquet",
    "team_game_logs_basic": "team_game_logs_basic_2021_22_to_2025_26.parquet",
    "shots": "shots_2023_24.parquet",
    "game_lines": "game_lines_2021_22_to_2024_25.parquet",
    "injuries": "injuries_pst_2021_to_2025.parquet",
}
SAMPLE_FILE = {  # the name each kind gets in a sample folder (must match the loader's patterns)
    "schedule": "schedule_sample",
    "player_box": "player_box_sample",
    "player_game_logs_basic": "player_game_logs_basic_sample",
    "team_box": "team_box_sample",
    "team_game_logs_basic": "team_game_logs_basic_sample",
    "shots": "shots_sample",
    "game_lines": "game_lines_sample",
    "injuries": "injuries_sample",
}

_con: duckdb.DuckDBPyConnection | None = None


def con() -> duckdb.DuckDBPyConnection:
    global _con
    if _con is None:
        _con = duckdb.connect()
        _con.execute("SET enable_progress_bar = false")
    return _con.cursor()  # a fresh cursor: no unfinished result of an earlier call in the way


def real(name: str) -> str:
    return str(REAL / name)


def sample_games(n: int = 4) -> list[str]:
    """The first n regular-season games of 2023-24 (present in every 2023-24 source)."""
    rows = (
        con()
        .execute(
            f"SELECT DISTINCT game_id, game_date FROM read_parquet('{real(BUNDLED['player_box'])}') "
            "WHERE season_type = 'Regular Season' AND game_id IN "
            f"(SELECT game_id FROM read_parquet('{real(BUNDLED['shots'])}')) "
            "ORDER BY game_date, game_id LIMIT ?",
            [n],
        )
        .fetchall()
    )
    return [r[0] for r in rows]


def sample_table(kind: str, games: list[str]) -> pa.Table:
    """Rows of one bundled file for the given games (the schedule: the whole 2023-24 season)."""
    src = f"read_parquet('{real(BUNDLED[kind])}')"
    ids = "(" + ", ".join(f"'{g}'" for g in games) + ")"
    where = {
        "schedule": "season = '2023-24'",
        "player_box": f"game_id IN {ids}",
        "player_game_logs_basic": f"game_id_joined IN {ids}",
        "team_box": f"game_id IN {ids}",
        "team_game_logs_basic": f"game_id_joined IN {ids}",
        "shots": f"game_id IN {ids}",
        "game_lines": f"game_id IN {ids}",
        "injuries": "date BETWEEN DATE '2023-10-20' AND DATE '2023-10-31'",
    }[kind]
    return con().sql(f"SELECT * FROM {src} WHERE {where}").to_arrow_table()


def write_table(tbl: pa.Table, path: Path) -> Path:
    if path.suffix == ".csv":
        pacsv.write_csv(tbl, path)
    else:
        pq.write_table(tbl, path)
    return path


def make_folder(
    dst: Path,
    kinds=(
        "schedule",
        "player_box",
        "player_game_logs_basic",
        "team_box",
        "team_game_logs_basic",
        "shots",
        "game_lines",
        "injuries",
    ),
    games: list[str] | None = None,
    fmt: str = "parquet",
) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    games = games or sample_games()
    for kind in kinds:
        write_table(sample_table(kind, games), dst / f"{SAMPLE_FILE[kind]}.{fmt}")
    return dst


# -- snapshots -------------------------------------------------------------------------------
def table_names(c: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        f"{s}.{t}"
        for s, t in c.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND NOT temporary ORDER BY 1, 2"
        ).fetchall()
    ]


def snapshot(path: Path, *, skip: tuple[str, ...] = ()) -> dict[str, tuple]:
    """Per table: (row count, order-independent content hash), ingested_at included."""
    with Warehouse.open(path, read_only=True) as wh:
        out = {}
        for t in table_names(wh.con):
            if t in skip:
                continue
            out[t] = wh.con.execute(f"SELECT count(*), sum(hash(x)::HUGEINT) FROM {t} x").fetchone()
        return out


def copy_warehouse(src: Path, dst: Path) -> Path:
    """A private copy, opened for writing once so that any migration added since `src` was
    built is applied before a test takes its "before" snapshot."""
    shutil.copy(src, dst)
    Warehouse.open(dst).close()
    return dst


# A props file's columns (the bundled props are synthetic: tests construct their own).
PROPS_SCHEMA = pa.schema(
    [
        ("game_id", pa.string()),
        ("bookmaker", pa.string()),
        ("player_name", pa.string()),
        ("snapshot_timestamp", pa.timestamp("us")),
        ("minutes_before_tipoff", pa.int32()),
        ("points_line", pa.float64()),
    ]
)


def constructed_props_rows(games: list[str], per_game: int) -> list[dict]:
    """Constructed: one draftkings line (12.5, an hour before tip-off) of each of the first
    `per_game` players of each game's box score (real names and games)."""
    box = sample_table("player_box", games).to_pylist()
    out = []
    for g in games:
        for r in [r for r in box if r["game_id"] == g][:per_game]:
            out.append(
                {
                    "game_id": g,
                    "bookmaker": "draftkings",
                    "player_name": r["player_name"],
                    "snapshot_timestamp": datetime.combine(r["game_date"], datetime.min.time()) + timedelta(hours=18),
                    "minutes_before_tipoff": 60,
                    "points_line": 12.5,
                }
            )
    return out
