"""What `ingest PATH` accepts: a folder laid out like data/real/, or one file with a recognised
name. A missing path, an unrecognised file, an empty folder or one holding only files ingest does
not load ends in exit 2 with one line naming the accepted file names, before the warehouse is
touched (a new warehouse is not even created)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import samples
from clirun import cli, one_line_error

from nbaprops.errors import BadInputError
from nbaprops.ingest.loader import accepted_names, scan_input
from nbaprops.warehouse import Warehouse


def test_accepted_names_lists_every_kind():
    names = accepted_names()
    for pattern in (
        "schedule_*",
        "player_box_*",
        "player_game_logs_basic_*",
        "team_box_*",
        "team_game_logs_basic_*",
        "shots_*",
        "game_lines_*",
        "injuries_*",
        "player_points_props_*",
    ):
        assert pattern in names
    assert ".csv" in names and ".parquet" in names


def test_a_single_file_is_ingested(tmp_path, sample_games):
    folder = samples.make_folder(tmp_path / "in", kinds=("schedule", "player_box"), games=sample_games[:1])
    schedule = next(folder.glob("schedule_*"))
    wh = tmp_path / "wh.duckdb"
    proc = cli(wh, "ingest", str(schedule))
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    assert schedule.name in proc.stdout
    with Warehouse.open(wh, read_only=True) as w:
        assert w.count("raw.schedule") > 0
        assert w.count("raw.player_boxscores") == 0  # only the file named was loaded
    box = next(folder.glob("player_box_*"))
    proc = cli(wh, "ingest", str(box))
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    with Warehouse.open(wh, read_only=True) as w:
        assert w.count("raw.player_boxscores") > 0


def test_an_unrecognised_file_names_the_accepted_names(tmp_path):
    f = tmp_path / "boxscores.parquet"
    f.write_bytes(b"PAR1")
    wh = tmp_path / "wh.duckdb"
    line = one_line_error(cli(wh, "ingest", str(f)))
    assert "not a recognised file name" in line and "schedule_*" in line and "no such" not in line
    assert not wh.exists()


def test_a_season_aggregate_file_says_it_is_not_loaded(tmp_path):
    f = tmp_path / "player_stats_season_2017_18_to_2025_26.parquet"
    f.write_bytes(b"PAR1")
    line = one_line_error(cli(tmp_path / "wh.duckdb", "ingest", str(f)))
    assert "season aggregate" in line


@pytest.mark.parametrize(
    "content", [[], ["notes.parquet", "box.csv"], ["README.md"], ["player_stats_season_2021_22.parquet"]]
)
def test_nothing_to_load_exits_2_and_lists_accepted_names(tmp_path, content):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in content:
        (folder / name).write_bytes(b"junk")
    wh = tmp_path / "wh.duckdb"
    line = one_line_error(cli(wh, "ingest", str(folder)))
    assert f"nothing to load in {folder}" in line
    assert "player_box_*" in line and "game_lines_*" in line
    for name in content:
        if not name.endswith(".md"):
            assert name in line
    assert not wh.exists()  # refused before the warehouse was created


def test_nothing_to_load_leaves_an_existing_warehouse_alone(real_copy, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    before = samples.snapshot(real_copy)
    one_line_error(cli(real_copy, "ingest", str(folder)))
    assert samples.snapshot(real_copy) == before


def test_scan_input_in_the_library(tmp_path):
    with pytest.raises(BadInputError, match="no such file or folder"):
        scan_input(tmp_path / "missing")
    (tmp_path / "in").mkdir()
    with pytest.raises(BadInputError, match="nothing to load"):
        scan_input(tmp_path / "in")
    scan = scan_input()  # the bundled data
    assert next(k.name for k, _ in scan.plan) == "schedule"
    assert len(scan.plan) == 12 and scan.unrecognised == []


# -- the feed's subfolders ----------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PROPS_BODY = FIXTURES / "odds_api" / "event_odds_player_points_2024-02-23_ORL-at-CLE.json"
REPORT = FIXTURES / "injury_report" / "Injury-Report_2024-01-04_12PM.pdf"


def feed_files_folder(root: Path, sample_games: list[str]) -> Path:
    """Laid out like <feed>/files: a Parquet file at the top, a The Odds API body in odds/, the
    injury report in injury_report/; and folders ingest must not read (the cache, a hidden one,
    another subfolder, odds/ deeper down), each holding a .json that is no odds body (it would stop
    the ingest)."""
    folder = samples.make_folder(root, kinds=("schedule",), games=sample_games[:1])
    for sub, src in (("odds", PROPS_BODY), ("injury_report", REPORT)):
        (folder / sub).mkdir()
        shutil.copy(src, folder / sub / src.name)
    for sub in ("cache", ".ingest-1", "archive", "odds/old"):
        (folder / sub).mkdir()
        (folder / sub / "constructed_not_a_body.json").write_text('{"not": "an odds body"}', encoding="utf-8")
    return folder


def test_the_odds_and_injury_report_subfolders_are_read_and_no_other(tmp_path, sample_games):
    folder = feed_files_folder(tmp_path / "files", sample_games)
    scan = scan_input(folder)
    assert sorted((k.name, p.relative_to(folder).as_posix()) for k, p in scan.plan) == sorted(
        [
            ("schedule", next(folder.glob("schedule_*")).name),
            ("odds_api_player_points", f"odds/{PROPS_BODY.name}"),
            ("nba_injury_report", f"injury_report/{REPORT.name}"),
        ]
    )
    assert scan.unrecognised == [] and scan.ignored == []


def test_a_fetch_s_files_folder_ingests_all_three(real_copy, tmp_path, sample_games):
    folder = feed_files_folder(tmp_path / "files", sample_games)
    proc = cli(real_copy, "ingest", str(folder))
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    for name in (next(folder.glob("schedule_*")).name, PROPS_BODY.name, REPORT.name):
        assert name in proc.stdout
    with Warehouse.open(real_copy, read_only=True) as wh:
        reports = wh.con.execute("SELECT count(*) FROM raw.injury_report WHERE source_file = ?", [REPORT.name])
        assert reports.fetchone()[0] == 43  # the recorded report's rows (tests/ingest/test_injury_report.py)
        props = wh.con.execute(
            "SELECT count(*) FROM raw.player_points_props WHERE source = 'the_odds_api' AND source_file = ?",
            [PROPS_BODY.name],
        )
        assert props.fetchone()[0] > 0
