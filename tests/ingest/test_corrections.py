"""A correction never loses what was there. A game (player box, basic log, team box, team log,
shots) is replaced as a whole, so only by a complete, valid new version; a keyed row
(schedule, game lines, injuries, props) only by a valid new row. When a new row of something
already loaded is rejected, the loaded version stays exactly as it was, the new rows go to
quarantine with a reason saying the correction was refused, and the report (and the CLI's
exit code) says so. The other games and keys of the same file load as usual."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import samples

from nbaprops import keys
from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]


PROPS_FILE = "player_points_props_sample.parquet"


def _write(folder: Path, kind: str, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "props":
        return samples.write_table(pa.Table.from_pylist(rows, schema=samples.PROPS_SCHEMA), folder / PROPS_FILE)
    return samples.write_table(
        pa.Table.from_pylist(rows, schema=samples.sample_table(kind, []).schema),
        folder / f"{samples.SAMPLE_FILE[kind]}.parquet",
    )


def _rows(kind: str, games: list[str]) -> list[dict]:
    return (
        samples.constructed_props_rows(games, 2) if kind == "props" else samples.sample_table(kind, games).to_pylist()
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory, sample_games) -> Path:
    """The 2023-24 schedule and the first two sample games of every kind (props included)."""
    folder = samples.make_folder(tmp_path_factory.mktemp("corr_in"), games=sample_games[:2])
    _write(folder, "props", samples.constructed_props_rows(sample_games[:2], 2))
    path = tmp_path_factory.mktemp("corr") / "base.duckdb"
    with Warehouse.open(path) as wh:
        ingest_folder(wh, folder)
    return path


@pytest.fixture()
def wh_path(base, tmp_path) -> Path:
    return samples.copy_warehouse(base, tmp_path / "wh.duckdb")


def _first(rows: list[dict], game: str, column: str = "game_id") -> int:
    return next(i for i, r in enumerate(rows) if r[column] == game)


def _set(rows: list[dict], i: int, **kw) -> list[dict]:
    rows[i] = {**rows[i], **kw}
    return rows


# kind -> (target table, how a row of the first game is spoiled, where the game id is)
GAME_CASES = {
    "player_box": ("raw.player_boxscores", lambda r: {"pts": r["pts"] + 2}, "game_id"),
    "player_game_logs_basic": ("raw.player_boxscores", lambda r: {"min": None}, "game_id_joined"),
    "team_box": ("raw.team_boxscores", lambda r: {"pts": r["pts"] - 3}, "game_id"),
    "team_game_logs_basic": ("raw.team_boxscores", lambda r: {"pts": -1}, "game_id_joined"),
    "shots": ("raw.shots", lambda r: {"basic_zone": "Moon"}, "game_id"),
}


def _game_state(path: Path, table: str, game: str) -> tuple:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            f"SELECT count(*), sum(hash(x)::HUGEINT) FROM {table} x WHERE game_id = ?", [game]
        ).fetchone()


def _quarantine(path: Path, file: str) -> list[tuple]:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            "SELECT row_number, column_name, reason FROM processing.rejected_rows WHERE source_file = ? ORDER BY 1, 2",
            [file],
        ).fetchall()


@pytest.mark.parametrize("kind", sorted(GAME_CASES))
def test_a_game_with_a_rejected_row_keeps_its_previous_version(kind, wh_path, tmp_path, sample_games):
    table, spoil, gcol = GAME_CASES[kind]
    g1, g2 = sample_games[:2]
    if kind.endswith("_basic"):
        # the fallback of a game never replaces its full box: load the fallback alone first
        # (a fresh warehouse with the schedule and the two games' basic logs)
        wh_path = tmp_path / "basic.duckdb"
        folder = samples.make_folder(tmp_path / "basic_in", kinds=("schedule", kind), games=[g1, g2])
        with Warehouse.open(wh_path) as wh:
            ingest_folder(wh, folder)
    before = {g: _game_state(wh_path, table, g) for g in (g1, g2)}
    assert before[g1][0] > 0
    rows = _rows(kind, [g1, g2])
    n1 = sum(r[gcol] == g1 for r in rows)
    i = _first(rows, g1, gcol)
    _set(rows, i, **spoil(rows[i]))
    if kind == "player_box":  # and a valid change to another row of the same game
        j = next(j for j, r in enumerate(rows) if r[gcol] == g1 and j != i)
        _set(rows, j, plus_minus=(rows[j]["plus_minus"] or 0) + 1)
    p = _write(tmp_path / "fix", kind, rows)
    with Warehouse.open(wh_path) as wh:
        (res,) = ingest_folder(wh, p.parent).files
    # the spoiled game is exactly as it was; the other game of the file is unchanged as well
    assert _game_state(wh_path, table, g1) == before[g1]
    assert _game_state(wh_path, table, g2) == before[g2]
    assert res.refused == [g1]
    assert res.rows_refused == n1 and res.rows_rejected == n1
    assert res.rows_loaded == 0 and res.rows_unchanged == len(rows) - n1
    assert (
        res.rows_read
        == res.rows_loaded + res.rows_unchanged + res.rows_duplicate + res.rows_superseded + res.rows_rejected
    )
    q = _quarantine(wh_path, p.name)
    assert {r[0] for r in q} == {k + 1 for k, r in enumerate(rows) if r[gcol] == g1}
    assert all("refused" in r[2] and g1 in r[2] for r in q), q
    with Warehouse.open(wh_path, read_only=True) as wh:
        logged = wh.con.execute(
            "SELECT rows_refused FROM processing.ingest_log WHERE source_file = ? ORDER BY ingested_at DESC LIMIT 1",
            [p.name],
        ).fetchone()[0]
    assert logged == n1


def test_the_valid_correction_of_another_game_still_loads(wh_path, tmp_path, sample_games):
    g1, g2 = sample_games[:2]
    rows = _rows("player_box", [g1, g2])
    i, j = _first(rows, g1), _first(rows, g2)
    _set(rows, i, pts=rows[i]["pts"] + 2)  # refused
    _set(rows, j, plus_minus=(rows[j]["plus_minus"] or 0) + 1)  # a good correction
    before = _game_state(wh_path, "raw.player_boxscores", g1)
    p = _write(tmp_path / "fix", "player_box", rows)
    with Warehouse.open(wh_path) as wh:
        (res,) = ingest_folder(wh, p.parent).files
    assert _game_state(wh_path, "raw.player_boxscores", g1) == before
    assert res.refused == [g1] and res.rows_loaded == sum(r["game_id"] == g2 for r in rows)
    with Warehouse.open(wh_path, read_only=True) as wh:
        pm = wh.con.execute(
            "SELECT plus_minus FROM raw.player_boxscores WHERE game_id = ? AND player_name = ?",
            [g2, rows[j]["player_name"].strip()],
        ).fetchone()[0]
    assert pm == rows[j]["plus_minus"]


# kind -> (target table, key columns of the file row, how a loaded row is spoiled)
KEY_CASES = {
    "schedule": ("raw.schedule", lambda r: {"home_team": "XYZ"}),
    "game_lines": ("raw.game_lines", lambda r: {"total_line": 999.0}),
    "injuries": ("raw.injuries", lambda r: {"team_nickname": "Nowhere"}),
    "props": ("raw.player_points_props", lambda r: {"points_line": 500.0}),
}


def _table_state(path: Path, table: str) -> tuple:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(f"SELECT count(*), sum(hash(x)::HUGEINT) FROM {table} x").fetchone()


@pytest.mark.parametrize("kind", sorted(KEY_CASES))
def test_a_rejected_row_never_touches_the_loaded_row_of_its_key(kind, wh_path, tmp_path, sample_games):
    table, spoil = KEY_CASES[kind]
    rows = _rows(kind, sample_games[:2])
    i = 0 if kind != "schedule" else _first(rows, sample_games[0])
    if kind == "injuries":  # a transaction that loaded: of a player of the sample's box scores
        box = {keys.player_lookup(r["player_name"]) for r in _rows("player_box", sample_games[:2])}
        i = next(j for j, r in enumerate(rows) if keys.player_lookup(r["player_name"]) in box)
    _set(rows, i, **spoil(rows[i]))
    before = _table_state(wh_path, table)
    p = _write(tmp_path / "fix", kind, rows)
    with Warehouse.open(wh_path) as wh:
        (res,) = ingest_folder(wh, p.parent).files
    assert _table_state(wh_path, table) == before
    assert res.rows_refused == 1 and len(res.refused) == 1 and res.rows_loaded == 0
    q = [r for r in _quarantine(wh_path, p.name) if r[0] == i + 1]
    assert q and all("correction refused" in r[2] for r in q), q


def _cli(wh: Path, *args: str, columns: int = 80) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": str(columns)}
    env.pop("NBAPROPS_WAREHOUSE", None)
    return subprocess.run([*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_says_the_correction_was_refused_and_exits_1(wh_path, tmp_path, sample_games):
    g1 = sample_games[0]
    rows = _rows("player_box", sample_games[:2])
    i = _first(rows, g1)
    _set(rows, i, pts=rows[i]["pts"] + 2)
    _write(tmp_path / "fix", "player_box", rows)
    before = _game_state(wh_path, "raw.player_boxscores", g1)
    proc = _cli(wh_path, "ingest", str(tmp_path / "fix"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = " ".join(proc.stdout.split())
    assert "correction refused" in out and g1 in out, proc.stdout
    assert "Traceback" not in proc.stderr
    assert _game_state(wh_path, "raw.player_boxscores", g1) == before
    # fixing the row and ingesting again replaces the game, exit 0
    _set(rows, i, pts=rows[i]["pts"] - 2, plus_minus=(rows[i]["plus_minus"] or 0) + 1)
    _write(tmp_path / "fix", "player_box", rows)
    proc = _cli(wh_path, "ingest", str(tmp_path / "fix"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _game_state(wh_path, "raw.player_boxscores", g1) != before
