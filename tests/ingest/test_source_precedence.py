"""A full box score always wins over the basic-log fallback, whichever arrives first."""

from __future__ import annotations

from pathlib import Path

import samples

from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse


def _ingest(path: Path, folder: Path):
    with Warehouse.open(path) as wh:
        return ingest_folder(wh, folder)


def _game_rows(path: Path, table: str, games: list[str]) -> list[tuple]:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            f"SELECT game_id, source, count(*), count(fg_attempts) FROM {table} WHERE game_id IN "
            f"({', '.join('?' * len(games))}) "
            "GROUP BY ALL ORDER BY 1, 2",
            games,
        ).fetchall()


def _folders(tmp_path: Path, games: list[str]) -> tuple[Path, Path]:
    basic = samples.make_folder(
        tmp_path / "basic", kinds=("schedule", "player_game_logs_basic", "team_game_logs_basic"), games=games
    )
    full = samples.make_folder(tmp_path / "full", kinds=("player_box", "team_box"), games=games)
    return basic, full


def test_full_box_arriving_later_replaces_the_fallback(tmp_path, sample_games):
    games = sample_games[:3]
    basic, full = _folders(tmp_path, games)
    n_box = {
        g: samples.con()
        .execute(f"SELECT count(*) FROM read_parquet('{full}/player_box_sample.parquet') WHERE game_id = ?", [g])
        .fetchone()[0]
        for g in games
    }
    n_basic = {
        g: samples.con()
        .execute(
            f"SELECT count(*) FROM read_parquet('{basic}/player_game_logs_basic_sample.parquet') "
            "WHERE game_id_joined = ?",
            [g],
        )
        .fetchone()[0]
        for g in games
    }
    wh = tmp_path / "wh.duckdb"
    _ingest(wh, basic)
    assert _game_rows(wh, "raw.player_boxscores", games) == [(g, "basic_log", n_basic[g], 0) for g in games]
    assert [r[1] for r in _game_rows(wh, "raw.team_boxscores", games)] == ["basic_log"] * 3
    report = _ingest(wh, full)
    assert {f.kind: f.rows_loaded for f in report.files} == {"player_box": sum(n_box.values()), "team_box": 6}
    # the game's rows are replaced: no basic-log row of these games is left
    assert _game_rows(wh, "raw.player_boxscores", games) == [(g, "player_box", n_box[g], n_box[g]) for g in games]
    assert [r[1:3] for r in _game_rows(wh, "raw.team_boxscores", games)] == [("team_box", 2)] * 3
    # and the basic log arriving again afterwards changes nothing
    before = samples.snapshot(wh, skip=("processing.ingest_log",))
    report = _ingest(wh, basic)
    sup = {f.kind: f.rows_superseded for f in report.files}
    assert sup["player_log_basic"] == sum(n_basic.values()) and sup["team_log_basic"] == 6
    assert samples.snapshot(wh, skip=("processing.ingest_log",)) == before


def test_fallback_arriving_later_leaves_the_full_box(tmp_path, sample_games):
    games = sample_games[:3]
    basic, full = _folders(tmp_path, games)
    samples.make_folder(full, kinds=("schedule",), games=games)
    wh = tmp_path / "wh.duckdb"
    _ingest(wh, full)
    before = samples.snapshot(wh, skip=("processing.ingest_log",))
    rows = _game_rows(wh, "raw.player_boxscores", games)
    assert {r[1] for r in rows} == {"player_box"}
    report = _ingest(wh, basic)
    by = {f.kind: f for f in report.files}
    assert by["player_log_basic"].rows_loaded == 0
    assert by["player_log_basic"].rows_superseded == by["player_log_basic"].rows_read
    assert samples.snapshot(wh, skip=("processing.ingest_log",)) == before


def test_both_in_one_folder_full_box_wins(tmp_path, sample_games):
    games = sample_games[:2]
    folder = samples.make_folder(
        tmp_path / "both", kinds=("schedule", "player_box", "player_game_logs_basic"), games=games
    )
    wh = tmp_path / "wh.duckdb"
    report = _ingest(wh, folder)
    by = {f.kind: f for f in report.files}
    assert by["player_log_basic"].rows_superseded == by["player_log_basic"].rows_read > 0
    assert {r[1] for r in _game_rows(wh, "raw.player_boxscores", games)} == {"player_box"}


def test_corrected_file_updates_just_its_rows(tmp_path, sample_games):
    """Loading is an upsert: a folder with one corrected file changes only those rows, and
    unchanged rows keep their ingested_at."""
    import pyarrow as pa

    games = sample_games[:2]
    folder = samples.make_folder(tmp_path / "a", kinds=("schedule", "player_box"), games=games)
    wh = tmp_path / "wh.duckdb"
    _ingest(wh, folder)
    with Warehouse.open(wh, read_only=True) as w:
        stamps = dict(
            w.con.execute("SELECT game_id || player_lookup, ingested_at FROM raw.player_boxscores").fetchall()
        )
    rows = samples.sample_table("player_box", games).to_pylist()
    i = next(i for i, r in enumerate(rows) if r["game_id"] == games[1])
    rows[i] = {**rows[i], "plus_minus": (rows[i]["plus_minus"] or 0) + 1}
    fix = tmp_path / "fix"
    fix.mkdir()
    samples.write_table(
        pa.Table.from_pylist(rows, schema=samples.sample_table("player_box", []).schema),
        fix / "player_box_sample.parquet",
    )
    (res,) = _ingest(wh, fix).files
    n1 = sum(r["game_id"] == games[1] for r in rows)
    assert res.rows_unchanged == len(rows) - n1 and res.rows_loaded == n1  # the game with the change is rewritten
    with Warehouse.open(wh, read_only=True) as w:
        after = dict(w.con.execute("SELECT game_id || player_lookup, ingested_at FROM raw.player_boxscores").fetchall())
    assert after.keys() == stamps.keys()
    assert {k for k in after if after[k] != stamps[k]} == {k for k in after if k.startswith(games[1])}
