"""Re-ingesting a folder to fix a few games regenerates only the synthetic prop lines the fix
reaches (a changed player's lines from his earliest changed game on; every line of a game whose
schedule row or real-props cover changed), and the table ends equal to a full regeneration."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from nbaprops.synth import props
from nbaprops.warehouse import Warehouse

CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]
REAL = Path(__file__).resolve().parents[2] / "data" / "real"
BOX = REAL / "player_box_2023_24.parquet"


def cli(wh: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250"}
    env.pop("NBAPROPS_DEBUG", None)
    return subprocess.run([*CLI, "--warehouse", str(wh), *args], capture_output=True, text=True, env=env, timeout=600)


def synthetic_differs_from_full(con: duckdb.DuckDBPyConnection, seed: int = props.DEFAULT_SEED) -> tuple[int, int]:
    """(rows a full regeneration has that the table lacks, rows the table has that it lacks)."""
    cols, full = props.COLUMNS, props.build_sql(seed)
    table = f"SELECT {cols} FROM raw.player_points_props WHERE source = 'synthetic_props'"
    missing = con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM ({full}) EXCEPT ALL {table})").fetchone()[0]
    extra = con.execute(f"SELECT count(*) FROM ({table} EXCEPT ALL SELECT {cols} FROM ({full}))").fetchone()[0]
    return missing, extra


@pytest.fixture()
def correction(tmp_path) -> dict:
    """A corrected 2023-24 player box file: one row gains a made free throw pair (2024-01-15),
    one player row is removed from a game (2024-02-06), and a real props file covers a third
    game (2024-03-04), whose synthetic lines must go."""
    folder = tmp_path / "fix"
    folder.mkdir()
    c = duckdb.connect()
    src = f"read_parquet('{BOX.as_posix()}')"
    changed = c.execute(
        f"SELECT game_id, player_id, player_name FROM {src} WHERE game_date = DATE '2024-01-15' "
        "AND minutes > 20 ORDER BY game_id, player_id LIMIT 1"
    ).fetchone()
    removed = c.execute(
        f"SELECT game_id, player_id, player_name FROM {src} WHERE game_date = DATE '2024-02-06' "
        "AND minutes > 20 ORDER BY game_id, player_id LIMIT 1"
    ).fetchone()
    hit = f"(game_id = '{changed[0]}' AND player_id = {changed[1]})"
    c.execute(f"""COPY (SELECT * REPLACE (CASE WHEN {hit} THEN ftm + 2 ELSE ftm END AS ftm,
                                         CASE WHEN {hit} THEN fta + 2 ELSE fta END AS fta,
                                         CASE WHEN {hit} THEN pts + 2 ELSE pts END AS pts)
                  FROM {src} WHERE NOT (game_id = '{removed[0]}' AND player_id = {removed[1]}))
                  TO '{(folder / BOX.name).as_posix()}' (FORMAT parquet)""")
    real_game, real_player, real_team = c.execute(
        f"SELECT game_id, player_name, team_tricode FROM {src} WHERE game_date = DATE '2024-03-04' "
        "AND minutes > 25 ORDER BY game_id, player_id LIMIT 1"
    ).fetchone()
    c.execute(f"""COPY (SELECT '{real_game}' AS game_id, 'draftkings' AS bookmaker, '{real_player}' AS player_name,
                               '{real_team}' AS team_abbr, TIMESTAMP '2024-03-04 12:00:00' AS snapshot_timestamp,
                               420 AS minutes_before_tipoff, 21.5 AS points_line)
                  TO '{(folder / "player_points_props_fix.parquet").as_posix()}' (FORMAT parquet)""")
    return dict(folder=folder, changed=changed, removed=removed, real_game=real_game)


def test_a_correction_regenerates_only_what_it_reaches_and_equals_a_full_regeneration(real_copy, correction):
    with Warehouse.open(real_copy, read_only=True) as wh:
        total = wh.con.execute("SELECT count(*) FROM raw.player_points_props").fetchone()[0]
        real_game_before = wh.con.execute(
            "SELECT count(*) FROM raw.player_points_props WHERE game_id = ?", [correction["real_game"]]
        ).fetchone()[0]
    assert real_game_before > 0
    proc = cli(real_copy, "ingest", str(correction["folder"]))
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    m = re.search(
        r"synthetic prop snapshots: ([\d,]+) regenerated .*?([\d,]+) players? .*?([\d,]+) games?\), "
        r"([\d,]+) written",
        proc.stdout.replace("\n", " "),
    )
    assert m, proc.stdout
    regenerated, players, games, written = (int(g.replace(",", "")) for g in m.groups())
    assert players == 2 and games == 1
    assert 0 < written <= regenerated < total / 50  # a few players' lines, not 1.8 M
    with Warehouse.open(real_copy, read_only=True) as wh:
        con = wh.con
        assert synthetic_differs_from_full(con) == (0, 0)
        # the real lines replaced the synthetic ones of their game
        assert con.execute(
            "SELECT count(*), bool_and(source = 'props_file') FROM raw.player_points_props WHERE game_id = ?",
            [correction["real_game"]],
        ).fetchone() == (1, True)
        # the rows rewritten are the ones written by this ingest; everything else kept its timestamp
        latest = con.execute("SELECT max(ingested_at) FROM raw.player_points_props").fetchone()[0]
        assert (
            con.execute(
                "SELECT count(*) FROM raw.player_points_props WHERE source = 'synthetic_props' AND ingested_at = ?",
                [latest],
            ).fetchone()[0]
            == written
        )


def test_an_unchanged_reingest_regenerates_nothing(real_copy, correction):
    assert cli(real_copy, "ingest", str(correction["folder"])).returncode == 0
    with Warehouse.open(real_copy, read_only=True) as wh:
        before = wh.con.execute(
            "SELECT count(*), sum(hash(row_hash, ingested_at)) FROM raw.player_points_props"
        ).fetchone()
    proc = cli(real_copy, "ingest", str(correction["folder"]))
    assert proc.returncode == 0, proc.stderr
    assert "synthetic prop snapshots: 0 " in proc.stdout
    with Warehouse.open(real_copy, read_only=True) as wh:
        assert (
            wh.con.execute("SELECT count(*), sum(hash(row_hash, ingested_at)) FROM raw.player_points_props").fetchone()
            == before
        )


@pytest.mark.slow  # regenerates the whole library twice (1M+ lines); the correction test is the fast twin
def test_scope_of_a_change_in_the_library(real_copy):
    """The scope: the changed player from the changed date on; a changed schedule row: its game."""
    with Warehouse.open(real_copy) as wh:
        con = wh.con
        player, d = con.execute(
            "SELECT player_lookup, game_date FROM raw.player_boxscores WHERE minutes > 30 "
            "AND game_date = DATE '2023-12-01' ORDER BY player_lookup LIMIT 1"
        ).fetchone()
        game = con.execute(
            "SELECT game_id FROM raw.schedule WHERE game_date = DATE '2024-01-03' ORDER BY game_id LIMIT 1"
        ).fetchone()[0]
        with wh.transaction():
            props.snapshot_inputs(con)
            con.execute(
                "UPDATE raw.player_boxscores SET minutes = minutes - 20 WHERE player_lookup = ? AND game_date = ?",
                [player, d],
            )
            con.execute("UPDATE raw.schedule SET game_date = game_date + 1 WHERE game_id = ?", [game])
            gen = props.generate(con)
            assert (gen.scope.players, gen.scope.games) == (1, 1)
            assert con.execute("SELECT player_lookup, since FROM _props_players").fetchall() == [(player, d)]
            assert synthetic_differs_from_full(con) == (0, 0)
            props.drop_snapshot(con)
            # without a snapshot (or with another seed) everything is regenerated
            con.execute("UPDATE raw.schedule SET game_date = game_date - 1 WHERE game_id = ?", [game])
            gen = props.generate(con)
            assert gen.scope is None and gen.generated > 1_000_000
            assert synthetic_differs_from_full(con) == (0, 0)
