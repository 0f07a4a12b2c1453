"""raw.player_points_props and raw.shots have no PRIMARY KEY index (migrations 013, 014): the
loader keeps their key unique itself. A key listed twice in a file is a duplicate (an exact
repeat, dropped and counted) or a conflict (every row of it quarantined), as on a table with the
index; a loaded key is replaced or left unchanged, never added twice; shot_seq numbers a game's
shots in file order, also when the file interleaves games; a bad file late in a folder still
rolls the whole ingest back; and the migration keeps every row.

The inputs are the bundled real files cut to a few games (samples.py); the props files and the
interleaved shots file are constructed from them (named so below)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest
import samples

from nbaprops.errors import BadInputError
from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse

PROPS_KEY = "game_id, bookmaker, player_lookup, snapshot_timestamp"


def write_props(folder: Path, rows: list[dict], name: str = "player_points_props_constructed.parquet") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return samples.write_table(pa.Table.from_pylist(rows, schema=samples.PROPS_SCHEMA), folder / name)


@pytest.fixture()
def wh_path(two_games_warehouse, tmp_path) -> Path:
    return samples.copy_warehouse(two_games_warehouse, tmp_path / "wh.duckdb")


def _duplicated_keys(path: Path, table: str, key: str) -> int:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]


def test_the_props_and_shots_tables_have_no_key_index(wh_path):
    with Warehouse.open(wh_path, read_only=True) as wh:
        pks = wh.con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE schema_name = 'raw' AND constraint_type = 'PRIMARY KEY'"
        ).fetchall()
    names = {r[0] for r in pks}
    assert "player_points_props" not in names and "shots" not in names
    assert {"schedule", "player_boxscores", "team_boxscores"} <= names  # the others keep theirs


def test_props_duplicates_in_a_file_are_handled_as_with_the_index(wh_path, tmp_path, sample_games):
    rows = samples.constructed_props_rows(sample_games[:2], 3)
    n = len(rows)
    exact = dict(rows[0])
    conflict = {**rows[1], "points_line": rows[1]["points_line"] + 3}
    rows += [exact, exact, conflict]
    folder = tmp_path / "in"
    p = write_props(folder, rows)
    with Warehouse.open(wh_path) as wh:
        (res,) = [f for f in ingest_folder(wh, folder).files if f.file == p.name]
        rej = wh.con.execute(
            "SELECT row_number, reason FROM processing.rejected_rows WHERE source_file = ? ORDER BY 1", [p.name]
        ).fetchall()
        loaded = wh.con.execute("SELECT count(*) FROM raw.player_points_props WHERE source = 'props_file'").fetchone()[
            0
        ]
    assert res.rows_duplicate == 2  # exact repeats: dropped and counted
    assert res.rows_rejected == 2  # both versions of the conflicting key are quarantined
    assert res.rows_loaded == loaded == n - 1
    assert [r[0] for r in rej] == [2, n + 3]
    assert all("duplicate key with conflicting values" in r[1] for r in rej)
    assert _duplicated_keys(wh_path, "raw.player_points_props", PROPS_KEY) == 0


def test_a_loaded_props_key_is_replaced_or_unchanged_never_added_twice(wh_path, tmp_path, sample_games):
    rows = samples.constructed_props_rows(sample_games[:2], 3)
    write_props(tmp_path / "a", rows)
    with Warehouse.open(wh_path) as wh:
        (first,) = [f for f in ingest_folder(wh, tmp_path / "a").files if f.kind == "player_points_props"]
    assert first.rows_loaded == len(rows)
    # the same file again: every row unchanged
    with Warehouse.open(wh_path) as wh:
        (again,) = [f for f in ingest_folder(wh, tmp_path / "a").files if f.kind == "player_points_props"]
    assert (again.rows_loaded, again.rows_unchanged) == (0, len(rows))
    # one line moved: that key's row is replaced, the others unchanged
    moved = [dict(r) for r in rows]
    moved[0]["points_line"] = 20.5
    write_props(tmp_path / "b", moved)
    with Warehouse.open(wh_path) as wh:
        (corr,) = [f for f in ingest_folder(wh, tmp_path / "b").files if f.kind == "player_points_props"]
        lines = wh.con.execute(
            "SELECT points_line FROM raw.player_points_props WHERE source = 'props_file' AND game_id = ? "
            "AND player_lookup = (SELECT player_lookup FROM raw.player_boxscores WHERE player_name = ? LIMIT 1)",
            [moved[0]["game_id"], moved[0]["player_name"]],
        ).fetchall()
        total = wh.con.execute("SELECT count(*) FROM raw.player_points_props WHERE source = 'props_file'").fetchone()[0]
    assert (corr.rows_loaded, corr.rows_unchanged) == (1, len(rows) - 1)
    assert lines == [(20.5,)]
    assert total == len(rows)
    assert _duplicated_keys(wh_path, "raw.player_points_props", PROPS_KEY) == 0


def test_shot_seq_numbers_a_games_shots_in_file_order_when_games_are_interleaved(tmp_path, sample_games):
    games = sample_games[:2]
    shots = samples.sample_table("shots", games).to_pylist()
    a = [r for r in shots if r["game_id"] == games[0]]
    b = [r for r in shots if r["game_id"] == games[1]]
    # constructed: the two games' shots alternate in runs of three (each game in several runs)
    mixed: list[dict] = []
    for i in range(0, max(len(a), len(b)), 3):
        mixed += a[i : i + 3] + b[i : i + 3]
    folder = samples.make_folder(tmp_path / "in", kinds=("schedule", "player_box"), games=games)
    samples.write_table(
        pa.Table.from_pylist(mixed, schema=samples.sample_table("shots", []).schema),
        folder / f"{samples.SAMPLE_FILE['shots']}.parquet",
    )
    path = tmp_path / "wh.duckdb"
    with Warehouse.open(path) as wh:
        ingest_folder(wh, folder)
        got = wh.con.execute(
            "SELECT game_id, shot_seq, loc_x, loc_y, quarter, mins_left, secs_left FROM raw.shots"
        ).fetchall()
    seen: dict[str, int] = {}
    want = []
    for r in mixed:
        seen[r["game_id"]] = seen.get(r["game_id"], 0) + 1
        want.append(
            (r["game_id"], seen[r["game_id"]], r["loc_x"], r["loc_y"], r["quarter"], r["mins_left"], r["secs_left"])
        )
    assert sorted(got, key=lambda t: (t[0], t[1])) == sorted(want, key=lambda t: (t[0], t[1]))
    assert _duplicated_keys(path, "raw.shots", "game_id, shot_seq") == 0


def test_a_bad_file_late_in_the_folder_rolls_back_the_whole_ingest(wh_path, tmp_path, sample_games):
    before = samples.snapshot(wh_path)
    folder = samples.make_folder(tmp_path / "in", games=sample_games[2:4])  # new games of every kind
    bad = [
        {k: v for k, v in r.items() if k != "points_line"} for r in samples.constructed_props_rows(sample_games[2:4], 3)
    ]
    schema = pa.schema([f for f in samples.PROPS_SCHEMA if f.name != "points_line"])
    samples.write_table(pa.Table.from_pylist(bad, schema=schema), folder / "player_points_props_constructed.parquet")
    with Warehouse.open(wh_path) as wh, pytest.raises(BadInputError, match="points_line"):
        ingest_folder(wh, folder)  # the props file loads last but one kind (after shots, lines, injuries)
    assert samples.snapshot(wh_path) == before


def test_the_migration_keeps_every_row(wh_path, tmp_path, sample_games):
    """Constructed: the warehouse as it was before migrations 013 and 014 (raw.player_points_props
    and raw.shots rebuilt with their PRIMARY KEY, the two migrations unrecorded); opening it
    applies them again."""
    write_props(tmp_path / "in", samples.constructed_props_rows(sample_games[:2], 3))
    with Warehouse.open(wh_path) as wh:
        ingest_folder(wh, tmp_path / "in")
    before = samples.snapshot(wh_path, skip=("reference.schema_migrations",))
    assert before["raw.player_points_props"][0] > 0 and before["raw.shots"][0] > 0
    with Warehouse.open(wh_path) as wh:
        for table, key in (
            ("raw.player_points_props", PROPS_KEY),
            ("raw.shots", "game_id, shot_seq"),
        ):
            wh.con.execute(f"CREATE TABLE {table}_old AS SELECT * FROM {table}")
            ddl = wh.con.execute(
                "SELECT sql FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name = ?", [table.split(".")[1]]
            ).fetchone()[0]
            wh.con.execute(f"DROP TABLE {table}")
            wh.con.execute(ddl.rstrip().rstrip(";").rstrip(")") + f", PRIMARY KEY ({key}))")
            wh.con.execute(f"INSERT INTO {table} SELECT * FROM {table}_old")
            wh.con.execute(f"DROP TABLE {table}_old")
        wh.con.execute("DELETE FROM reference.schema_migrations WHERE version IN (13, 14)")
        pks = wh.con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'raw' AND constraint_type = 'PRIMARY KEY' "
            "AND table_name IN ('player_points_props', 'shots')"
        ).fetchone()[0]
    assert pks == 2
    with Warehouse.open(wh_path) as wh:  # migrates
        assert {13, 14} <= wh.applied_migrations()
        pks = wh.con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE schema_name = 'raw' AND constraint_type = 'PRIMARY KEY' "
            "AND table_name IN ('player_points_props', 'shots')"
        ).fetchone()[0]
    assert pks == 0
    assert samples.snapshot(wh_path, skip=("reference.schema_migrations",)) == before
