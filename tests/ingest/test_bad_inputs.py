"""Every class of bad input ends in a clear error (exit code 2, naming file, column and row
where possible) that leaves the warehouse exactly as it was, or in quarantine rows in
processing.rejected_rows (file, row, column, reason) while the good rows of the file load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
import samples

from nbaprops.errors import BadInputError
from nbaprops.ingest import ingest_folder, loader
from nbaprops.warehouse import Warehouse

FOREIGN_2023_24 = 9  # 2023-24 preseason games against clubs outside the NBA (quarantined)
CLI = [sys.executable, "-c", "from nbaprops.cli import main; main()"]


@pytest.fixture()
def wh_path(two_games_warehouse, tmp_path) -> Path:
    return samples.copy_warehouse(two_games_warehouse, tmp_path / "wh.duckdb")


def rows_of(kind: str, games: list[str]) -> list[dict]:
    return samples.sample_table(kind, games).to_pylist()


def write(folder: Path, kind: str, rows: list[dict], fmt: str = "parquet", schema: pa.Schema | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    schema = schema or samples.sample_table(kind, []).schema
    return samples.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"{samples.SAMPLE_FILE[kind]}.{fmt}")


def ingest(path: Path, folder: Path):
    with Warehouse.open(path) as wh:
        return ingest_folder(wh, folder)


def rejected(path: Path, file: str) -> list[tuple]:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            "SELECT row_number, column_name, reason FROM processing.rejected_rows WHERE source_file = ? ORDER BY 1, 2",
            [file],
        ).fetchall()


def cli(path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "80"}
    env.pop("NBAPROPS_DEBUG", None)
    return subprocess.run([*CLI, "--warehouse", str(path), *args], capture_output=True, text=True, env=env, timeout=120)


def assert_clean_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])


# -- file-level errors: exit code 2, nothing changed --------------------------------------------
def _garbage(folder: Path) -> tuple[str, tuple]:
    folder.mkdir(parents=True)
    (folder / "player_box_x.parquet").write_bytes(b"this is not a parquet file at all\n" * 20)
    return "player_box_x.parquet", ()


def _truncated(folder: Path) -> tuple[str, tuple]:
    p = write(folder, "player_box", rows_of("player_box", samples.sample_games()[2:3]))
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    return p.name, ()


def _corrupted_footer(folder: Path) -> tuple[str, tuple]:
    p = write(folder, "shots", rows_of("shots", samples.sample_games()[2:3]))
    data = bytearray(p.read_bytes())
    for i in range(len(data) - 200, len(data) - 8):
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))
    return p.name, ()


def six_games() -> list[str]:
    """Six games (rows enough for several data pages), after the two of the base warehouse."""
    return samples.sample_games(8)[2:]


def _corrupted_data_page(folder: Path) -> tuple[str, tuple]:
    """Bytes flipped in the middle of the file (six games: several data pages): the footer and
    schema read fine, a data page does not, and (Parquet being read lazily) only a later step of
    the load reads it."""
    p = write(folder, "player_game_logs_basic", rows_of("player_game_logs_basic", six_games()))
    data = bytearray(p.read_bytes())
    middle = len(data) // 2
    for i in range(middle, middle + 64):
        data[i] ^= 0xA5
    p.write_bytes(bytes(data))
    return p.name, ("cannot read the file",)


def _empty_csv(folder: Path) -> tuple[str, tuple]:
    folder.mkdir(parents=True)
    (folder / "player_box_x.csv").write_bytes(b"")
    return "player_box_x.csv", ()


def _missing_column(folder: Path) -> tuple[str, tuple]:
    rows = rows_of("player_box", samples.sample_games()[2:3])
    tbl = pa.Table.from_pylist(rows).drop_columns(["pts"])
    folder.mkdir(parents=True)
    p = samples.write_table(tbl, folder / "player_box_x.parquet")
    return p.name, ("column 'pts'", "required column is missing")


def _wrong_type_csv(folder: Path) -> tuple[str, tuple]:
    p = write(folder, "player_box", rows_of("player_box", samples.sample_games()[2:3]), fmt="csv")
    lines = p.read_text().splitlines()
    header = [h.strip('"') for h in lines[0].split(",")]
    col = header.index("fgm")
    cells = lines[7].split(",")  # data row 7
    assert cells[col].isdigit()
    cells[col] = "abc"
    lines[7] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    return p.name, ("row 7", "column 'fgm'", "'abc'")


def _fraction_in_integer_column(folder: Path) -> tuple[str, tuple]:
    p = write(folder, "player_box", rows_of("player_box", samples.sample_games()[2:3]), fmt="csv")
    lines = p.read_text().splitlines()
    header = [h.strip('"') for h in lines[0].split(",")]
    col = header.index("pts")
    cells = lines[3].split(",")
    cells[col] = "12.5"
    lines[3] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    return p.name, ("row 3", "column 'pts'", "'12.5'")


def _overflow_parquet(folder: Path) -> tuple[str, tuple]:
    rows = rows_of("player_box", samples.sample_games()[2:3])
    schema = samples.sample_table("player_box", []).schema
    schema = schema.set(schema.get_field_index("pts"), pa.field("pts", pa.int64()))
    rows[4]["pts"] = 10**15
    p = write(folder, "player_box", rows, schema=schema)
    return p.name, ("row 5", "column 'pts'")


def _bad_date_csv(folder: Path) -> tuple[str, tuple]:
    p = write(folder, "injuries", rows_of("injuries", []), fmt="csv")
    lines = p.read_text().splitlines()
    cells = lines[2].split(",")
    cells[0] = "2023-13-45"
    lines[2] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n")
    return p.name, ("row 2", "column 'date'")


FILE_ERRORS = {
    "garbage": _garbage,
    "truncated_parquet": _truncated,
    "corrupted_parquet": _corrupted_footer,
    "corrupted_data_page": _corrupted_data_page,
    "empty_csv": _empty_csv,
    "missing_column": _missing_column,
    "wrong_type_csv": _wrong_type_csv,
    "fraction_in_integer": _fraction_in_integer_column,
    "overflow_parquet": _overflow_parquet,
    "bad_date_csv": _bad_date_csv,
}


@pytest.mark.parametrize("case", sorted(FILE_ERRORS))
def test_file_level_error_changes_nothing(case, wh_path, tmp_path, sample_dir):
    folder = tmp_path / "in"
    name, needles = FILE_ERRORS[case](folder)
    # a good file in the same folder must not load either: one transaction for the whole folder
    samples.write_table(samples.sample_table("schedule", []), folder / "schedule_extra.parquet")
    before = samples.snapshot(wh_path)
    with pytest.raises(BadInputError) as info:
        ingest(wh_path, folder)
    assert info.value.exit_code == 2
    msg = str(info.value)
    assert "\n" not in msg and f"file {name}" in msg
    for n in needles:
        assert n in msg, (n, msg)
    assert samples.snapshot(wh_path) == before


def test_a_late_read_error_is_the_files_only_when_the_file_alone_cannot_be_read(tmp_path):
    """A DuckDB error while loading a Parquet file is reported as the file's fault only when
    the file cannot be read in full on its own; otherwise it is re-raised as it is."""
    damaged = tmp_path / "damaged"
    _corrupted_data_page(damaged)
    intact = write(tmp_path / "intact", "player_game_logs_basic", rows_of("player_game_logs_basic", six_games()))
    assert loader._unreadable_parquet(damaged / intact.name)
    assert not loader._unreadable_parquet(intact)


@pytest.mark.parametrize("case", ["wrong_type_csv", "truncated_parquet", "missing_column"])
def test_file_level_error_via_cli(case, wh_path, tmp_path):
    folder = tmp_path / "in"
    name, needles = FILE_ERRORS[case](folder)
    before = samples.snapshot(wh_path)
    proc = cli(wh_path, "ingest", str(folder))
    assert_clean_error(proc, 2, name, *needles)
    assert samples.snapshot(wh_path) == before


# -- row-level problems: quarantined, good rows load ------------------------------------------
def _set(rows, i, **kw):
    rows[i] = {**rows[i], **kw}
    return rows


ROW_CASES = {
    # name: (kind, mutate(rows) -> rows, expected (data row, column, reason fragment))
    "negative_count": ("player_box", lambda r: _set(r, 3, reb=-4), (4, "rebounds", "negative count")),
    "minutes_over_70": ("player_box", lambda r: _set(r, 0, minutes=71.5), (1, "minutes", "minutes > 70")),
    "null_minutes": ("player_box", lambda r: _set(r, 5, minutes=None), (6, "minutes", "minutes missing")),
    "unknown_team": ("player_box", lambda r: _set(r, 2, team_tricode="XYZ"), (3, "team_abbr", "unknown team")),
    "points_identity": ("player_box", lambda r: _set(r, 1, pts=r[1]["pts"] + 1), (2, "points", "points != 2*FGM")),
    "date_differs_from_schedule": (
        "player_box",
        lambda r: _set(r, 6, game_date=r[6]["game_date"].replace(year=2030)),
        (7, "game_date", "differs from the schedule"),
    ),
    "basic_log_null_minutes": (
        "player_game_logs_basic",
        lambda r: _set(r, 2, min=None),
        (3, "minutes", "minutes missing"),
    ),
    "basic_log_future_date": (
        "player_game_logs_basic",
        lambda r: _set(r, 0, game_date=r[0]["game_date"].replace(year=2031)),
        (1, "game_date", "differs from the schedule"),
    ),
    "shot_unknown_zone": ("shots", lambda r: _set(r, 9, basic_zone="Moon"), (10, "basic_zone", "unknown basic_zone")),
    "team_box_identity": ("team_box", lambda r: _set(r, 0, pts=r[0]["pts"] - 3), (1, "points", "points != 2*FGM")),
    "lines_unknown_team": (
        "game_lines",
        lambda r: _set(r, 0, home_team="ZZZ", game_id=None),
        (1, "home_team", "unknown team"),
    ),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_row_level_problem_is_quarantined(case, wh_path, tmp_path, sample_games):
    kind, mutate, (row, column, reason) = ROW_CASES[case]
    games = sample_games[2:4]  # games not yet in the warehouse
    rows = mutate(rows_of(kind, games))
    folder = tmp_path / "in"
    p = write(folder, kind, rows)
    if kind == "shots":  # shots resolve to players of the box scores: load the games' box scores first
        ingest(wh_path, write(tmp_path / "box", "player_box", rows_of("player_box", games)).parent)
    before = samples.snapshot(wh_path, skip=("processing.ingest_log", "processing.rejected_rows"))
    base_rows = target_rows(
        wh_path,
        {
            "player_box": "raw.player_boxscores",
            "player_game_logs_basic": "raw.player_boxscores",
            "shots": "raw.shots",
            "team_box": "raw.team_boxscores",
            "game_lines": "raw.game_lines",
        }[kind],
        sample_games[:2],
    )
    assert base_rows[0] > 0
    report = ingest(wh_path, folder)
    (res,) = report.files
    assert res.rows_read == len(rows)
    assert res.rows_rejected == 1
    assert res.rows_loaded == len(rows) - 1  # the good rows of the file load
    assert (
        res.rows_read
        == res.rows_loaded + res.rows_unchanged + res.rows_duplicate + res.rows_superseded + res.rows_rejected
    )
    rej = rejected(wh_path, p.name)
    assert {r[0] for r in rej} == {row}, rej
    assert any(r[1] == column and reason in r[2] for r in rej), rej
    after = samples.snapshot(wh_path, skip=("processing.ingest_log", "processing.rejected_rows"))
    changed = {t for t in before if before[t] != after[t]}
    assert changed <= {res.target, "reference.players", "reference.player_identity", "raw.player_points_props"}
    # the rows that were there before (the first two games) are all still there, unchanged
    assert target_rows(wh_path, res.target, sample_games[:2]) == base_rows


def target_rows(path: Path, target: str, games: list[str]) -> tuple:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            f"SELECT count(*), sum(hash(x)::HUGEINT) FROM {target} x WHERE game_id IN (?, ?)", games
        ).fetchone()


def test_schedule_date_outside_its_season(wh_path, tmp_path):
    rows = rows_of("schedule", [])
    i = next(i for i, r in enumerate(rows) if r["season_type"] == "Regular Season")
    rows[i] = {**rows[i], "game_id": "0022399999", "game_date": rows[i]["game_date"].replace(year=2030)}
    folder = tmp_path / "in"
    p = write(folder, "schedule", rows)
    report = ingest(wh_path, folder)
    assert report.files[0].rows_rejected == FOREIGN_2023_24 + 1  # 9 preseason games against non-NBA clubs
    assert (i + 1, "game_date", "date outside its season") in rejected(wh_path, p.name)
    with Warehouse.open(wh_path, read_only=True) as wh:
        assert wh.con.execute("SELECT count(*) FROM raw.schedule WHERE game_id = '0022399999'").fetchone()[0] == 0


def test_duplicates(wh_path, tmp_path, sample_games):
    rows = rows_of("player_box", sample_games[2:3])
    n = len(rows)
    exact = dict(rows[0])
    conflict = {**rows[1], "plus_minus": (rows[1]["plus_minus"] or 0) + 7}
    rows += [exact, exact, conflict]
    folder = tmp_path / "in"
    p = write(folder, "player_box", rows)
    (res,) = ingest(wh_path, folder).files
    assert res.rows_duplicate == 2  # exact repeats: dropped and counted
    assert res.rows_rejected == 2  # both versions of the conflicting key are quarantined
    assert res.rows_loaded == n - 1
    rej = rejected(wh_path, p.name)
    assert [r[0] for r in rej] == [2, n + 3]
    assert all("conflicting" in r[2] for r in rej)
    with Warehouse.open(wh_path, read_only=True) as wh:
        assert (
            wh.con.execute("SELECT count(*) FROM raw.player_boxscores WHERE game_id = ?", [sample_games[2]]).fetchone()[
                0
            ]
            == n - 1
        )


def test_rows_missing_a_required_value_are_quarantined_not_fatal(wh_path, tmp_path, sample_games):
    """NULLs in columns the raw table needs (is_home, game_id, shot_made …) never crash the ingest."""
    folder = tmp_path / "in"
    box = _set(_set(rows_of("player_box", sample_games[2:3]), 0, is_home=None), 1, game_id=None)
    write(folder, "player_box", box)
    shots = _set(_set(rows_of("shots", sample_games[2:3]), 0, shot_made=None), 1, shot_type=None)
    write(folder, "shots", shots)
    sched = _set(_set(rows_of("schedule", []), 0, season_type=None), 1, game_id=None)
    write(folder, "schedule", sched)
    report = ingest(wh_path, folder)
    # the shots of the two players whose box rows are quarantined find no player either
    unplaced = {box[0]["player_id"], box[1]["player_id"]}
    bad_shots = {i + 1 for i, r in enumerate(shots) if i < 2 or r["player_id"] in unplaced}
    assert len(bad_shots) > 2
    assert [(f.kind, f.rows_rejected) for f in report.files] == [
        ("schedule", FOREIGN_2023_24 + 2),
        ("player_box", 2),
        ("shots", len(bad_shots)),
    ]
    assert {r[0] for r in rejected(wh_path, "schedule_sample.parquet")} >= {1, 2}
    assert {r[0] for r in rejected(wh_path, "shots_sample.parquet")} == bad_shots
    assert {r[0] for r in rejected(wh_path, "player_box_sample.parquet")} == {1, 2}


def test_reingest_of_a_folder_with_bad_rows_changes_nothing(wh_path, tmp_path, sample_games):
    rows = _set(rows_of("player_box", sample_games[2:4]), 3, reb=-1)
    folder = tmp_path / "in"
    write(folder, "player_box", rows)
    ingest(wh_path, folder)
    before = samples.snapshot(wh_path, skip=("processing.ingest_log",))
    (res,) = ingest(wh_path, folder).files
    assert res.rows_loaded == 0 and res.rows_rejected == 1 and res.rows_unchanged == len(rows) - 1
    assert samples.snapshot(wh_path, skip=("processing.ingest_log",)) == before


def test_unrecognised_files_are_skipped_and_reported(wh_path, tmp_path, sample_games):
    folder = tmp_path / "in"
    write(folder, "player_box", rows_of("player_box", sample_games[:1]))
    (folder / "whatever.parquet").write_bytes(b"junk")
    (folder / "player_stats_season_2017_18_to_2025_26.parquet").write_bytes(b"junk")
    ingest(wh_path, folder)
    before = samples.snapshot(wh_path, skip=("processing.ingest_log",))
    report = ingest(wh_path, folder)
    assert report.unrecognised == ["whatever.parquet"]
    assert report.ignored == ["player_stats_season_2017_18_to_2025_26.parquet"]
    assert samples.snapshot(wh_path, skip=("processing.ingest_log",)) == before


def test_missing_folder_is_a_usage_error(wh_path, tmp_path):
    proc = cli(wh_path, "ingest", str(tmp_path / "nope'; DROP TABLE raw.schedule;--"))
    assert_clean_error(proc, 2, "no such file or folder")
