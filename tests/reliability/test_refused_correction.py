"""A refused correction under `kill -9`: killed while the correction is being read, the
warehouse is exactly as before; the normal re-run refuses the correction (exit 1), keeps the
game as it was and only adds quarantine rows — the daily tables and features are untouched."""

from __future__ import annotations

from pathlib import Path

import crashkit as ck
import duckdb
import pytest


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> ck.World:
    return ck.world(tmp_path_factory.mktemp("crash_world"))


def _refused_folder(src: Path, dst: Path, day: str = "2023-11-10") -> tuple[Path, str]:
    """The cut's player box with one player's points in one game of `day` raised by 2 (the
    points identity fails: that row is rejected, so the whole game's correction is refused)."""
    dst.mkdir(parents=True, exist_ok=True)
    name = "player_box_2023_24.parquet"
    con = duckdb.connect()
    try:
        gid, who = con.execute(
            "SELECT game_id, player_name FROM read_parquet(?) WHERE game_date = ? AND pts > 10 "
            "ORDER BY game_id, player_name LIMIT 1",
            [str(src / name), day],
        ).fetchone()
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN game_id = $gid AND player_name = $who THEN pts + 2 ELSE pts END "
            f"AS pts) FROM read_parquet($src)) TO '{dst / name}' (FORMAT parquet)",
            {"gid": gid, "who": who, "src": str(src / name)},
        )
    finally:
        con.close()
    return dst, gid


@pytest.mark.slow  # kills the command line during a refused correction
def test_refused_correction_killed_then_rerun(world, tmp_path):
    folder, gid = _refused_folder(world.cut, tmp_path / "bad_fix")
    w = ck.copy(world.daily, tmp_path / "wh.duckdb")
    p = ck.start(w, "ingest", str(folder))
    ck.wait_open(p, str(folder))
    assert p.kill(), "the kill came too late: the ingest had ended"
    assert ck.differences(w, world.daily, exact=True, skip=frozenset()) == {}

    proc = ck.run(w, "ingest", str(folder))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "correction refused" in proc.stdout and gid in proc.stdout
    # only quarantine rows were added: raw tables, models and state as before
    assert list(ck.differences(w, world.daily)) == ["processing.rejected_rows"]
    con = duckdb.connect(str(w), read_only=True)
    try:
        reasons = con.execute(
            "SELECT DISTINCT reason FROM processing.rejected_rows WHERE source_file = ? AND reason LIKE '%refused%'",
            ["player_box_2023_24.parquet"],
        ).fetchall()
        n = con.execute("SELECT count(*) FROM raw.player_boxscores WHERE game_id = ?", [gid]).fetchone()[0]
    finally:
        con.close()
    assert reasons and n > 0
    # the daily run afterwards has nothing to recompute: nothing changed
    assert ck.run_ok(w, "run", "--date", ck.DAILY).returncode == 0
    assert ck.differences(w, world.daily, skip=ck.BOOKKEEPING | {"processing.rejected_rows"}) == {}
