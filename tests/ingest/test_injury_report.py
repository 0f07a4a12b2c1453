"""The NBA's official injury report (.pdf, recognised by its content) through the parser and
`ingest`: every row of the recorded report of 2024-01-04 12:30 PM ET, cross-checked with another
parser's output for it; ingested into a copy of the real warehouse (the bundled 2023-24 schedule
and box scores); a later report kept beside it; files that are no report refused naming them.

The recorded report and the other parser's output are in tests/fixtures/injury_report/ (see its
README). Every other PDF here is constructed (injury_pdfs.py) and written under a name starting
with `constructed_`."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import samples
from clirun import cli, one_line_error

from injury_pdfs import pdf_bytes, report_pdf
from nbaprops.errors import BadInputError
from nbaprops.ingest import ingest_folder, injury_report
from nbaprops.ingest.injury_report import display_name, parse_report
from nbaprops.ingest.loader import scan_input
from nbaprops.warehouse import Warehouse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "injury_report"
REPORT = FIXTURES / "Injury-Report_2024-01-04_12PM.pdf"
OTHER_PARSE = FIXTURES / "Injury-Report_2024-01-04_12PM.parsed_by_nba-stats-scraper.json"
TEAMS_CSV = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "reference" / "teams.csv"
REPORT_TIME = datetime(2024, 1, 4, 12, 30)
LATER_TIME = datetime(2024, 1, 4, 17, 30)


def team_abbr() -> dict[str, str]:
    with TEAMS_CSV.open(newline="", encoding="utf-8") as fh:
        return {r["team_name"]: r["team_abbr"] for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def parsed() -> injury_report.ParsedReport:
    return parse_report(REPORT)


# -- the recorded report, parsed -------------------------------------------------------------


def test_the_header_gives_the_report_time_and_every_page_is_read(parsed):
    assert parsed.report_time == REPORT_TIME  # "Injury Report: 01/04/24 12:30 PM", US Eastern
    assert injury_report.report_time(REPORT) == REPORT_TIME
    assert parsed.pages == 3
    # 14 players of 3 teams, and 29 teams NOT YET SUBMITTED (MIL of 01/04, every team of 01/05)
    assert len(parsed.rows) == 43
    pages = [r.page for r in parsed.rows]
    assert (pages.count(1), pages.count(2), pages.count(3)) == (17, 19, 7)


def test_player_rows_agree_with_the_other_parser(parsed):
    """Same 14 players, teams, statuses, reasons, dates, times and matchups as nba-stats-scraper's
    parse. The differences are in the form only: its status is capitalised (ours is lower case),
    its team an abbreviation (ours the full name as printed, abbreviated at ingest), and it leaves
    the 29 NOT YET SUBMITTED teams out (they are rows of ours)."""
    abbr = team_abbr()
    other = json.loads(OTHER_PARSE.read_text(encoding="utf-8"))["records"]
    ours = [r for r in parsed.rows if r.player]
    assert len(other) == len(ours) == 14
    assert [
        (r.player, abbr[r.team], r.status, r.reason, r.game_date.strftime("%m/%d/%Y"), r.game_time, r.matchup)
        for r in ours
    ] == [
        (o["player"], o["team"], o["status"].lower(), o["reason"], o["date"], o["gametime"], o["matchup"])
        for o in other
    ]


def test_date_time_matchup_and_team_are_carried_down_also_across_pages(parsed):
    rows = parsed.rows
    spurs = [r for r in rows if r.team == "San Antonio Spurs"]
    assert len(spurs) == 8  # printed once, on Barlow's row
    assert {(r.game_date, r.game_time, r.matchup) for r in spurs} == {(date(2024, 1, 4), "07:30 (ET)", "MIL@SAS")}
    warriors = [r for r in rows if r.matchup == "DEN@GSW" and r.team == "Golden State Warriors"]
    assert [r.player for r in warriors] == ["Green, Draymond", "Payton II, Gary"]  # the team changes mid-game
    first_of_page_2 = next(r for r in rows if r.page == 2)
    # page 2 starts with UTA@BOS and its team; date and time come from page 1's ATL@IND row
    assert (first_of_page_2.matchup, first_of_page_2.team) == ("UTA@BOS", "Utah Jazz")
    assert (first_of_page_2.game_date, first_of_page_2.game_time) == (date(2024, 1, 5), "07:00 (ET)")
    first_of_page_3 = next(r for r in rows if r.page == 3)
    # page 3 starts with the home team of page 2's last game
    assert (first_of_page_3.team, first_of_page_3.matchup, first_of_page_3.game_time) == (
        "Denver Nuggets",
        "ORL@DEN",
        "09:00 (ET)",
    )
    assert [r.team for r in rows if r.matchup == "ORL@DEN"] == ["Orlando Magic", "Denver Nuggets"]


def test_a_reason_wrapped_above_and_below_its_row_belongs_to_it(parsed):
    mcdermott = next(r for r in parsed.rows if r.player == "McDermott, Doug")
    assert mcdermott.reason == "Injury/Illness - Right Forearm; Contusion"
    assert mcdermott.status == "out"
    # the rows around it keep their own one-line reasons
    duke, cancar = (next(r for r in parsed.rows if r.player == p) for p in ("Duke Jr., David", "Cancar, Vlatko"))
    assert (duke.reason, cancar.reason) == ("G League - Two-Way", "Injury/Illness - Left Knee; Surgery")


def test_a_team_not_yet_submitted_is_one_row_without_a_player(parsed):
    empty = [r for r in parsed.rows if not r.player]
    assert len(empty) == 29
    assert {(r.status, r.reason) for r in empty} == {("not_submitted", "NOT YET SUBMITTED")}
    assert [r.team for r in empty if r.game_date == date(2024, 1, 4)] == ["Milwaukee Bucks"]
    assert {r.status for r in parsed.rows if r.player} == {"out", "questionable", "doubtful", "probable"}


def test_no_page_title_or_footer_is_a_row(parsed):
    for r in parsed.rows:
        assert "Page" not in r.team and "Injury Report" not in r.team + r.player + r.reason


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("Jackson Jr., Jaren", "Jaren Jackson Jr."),
        ("Payton II, Gary", "Gary Payton II"),
        ("Duke Jr., David", "David Duke Jr."),
        ("McDermott, Doug", "Doug McDermott"),
        ("Melton, De'Anthony", "De'Anthony Melton"),
        ("Nene", "Nene"),
    ],
)
def test_last_first_becomes_the_display_name(printed, shown):
    assert display_name(printed) == shown


# -- files that are no report ----------------------------------------------------------------


def write(tmp: Path, name: str, data: bytes) -> Path:
    assert name.startswith("constructed_")
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / name).write_bytes(data)
    return tmp / name


def test_a_pdf_that_is_no_injury_report_is_refused_naming_it(tmp_path):
    other = write(tmp_path, "constructed_invoice.pdf", pdf_bytes([[(72, 72, "Invoice 2024-001", 14)]]))
    for call in (parse_report, injury_report.report_time, scan_input):
        with pytest.raises(BadInputError, match=r"constructed_invoice\.pdf: not an NBA injury report: page 1 has no"):
            call(other)


def test_a_broken_or_non_pdf_file_is_refused_naming_it(tmp_path):
    truncated = write(tmp_path, "constructed_truncated.pdf", REPORT.read_bytes()[:20_000])
    text = write(tmp_path, "constructed_text.pdf", b"Game Date,Game Time\n01/04/2024,07:30\n")
    for path in (truncated, text):
        with pytest.raises(BadInputError, match=rf"file {path.name}: cannot read the file as a PDF \("):
            parse_report(path)


def test_a_row_that_cannot_be_placed_names_its_page_and_line(tmp_path):
    no_matchup = write(
        tmp_path,
        "constructed_no_matchup.pdf",
        report_pdf(
            "Injury Report: 01/04/24 05:30 PM",
            [{"team": "San Antonio Spurs", "player": "Collins, Zach", "status": "Out", "reason": "Rest"}],
        ),
    )
    with pytest.raises(BadInputError, match=r"constructed_no_matchup.pdf: page 1, line 3: a row before any game date"):
        parse_report(no_matchup)
    no_header = write(
        tmp_path,
        "constructed_no_header.pdf",
        report_pdf("Injury Report: 01/04/24 05:30 PM", [{"player": "Collins, Zach"}], header=False),
    )
    with pytest.raises(BadInputError, match=r"constructed_no_header\.pdf: not an NBA injury report: no column header"):
        parse_report(no_header)


def test_without_pdfplumber_one_line_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pdfplumber", None)  # makes `import pdfplumber` fail
    with pytest.raises(BadInputError) as err:
        scan_input(REPORT)
    assert "\n" not in str(err.value)
    assert "pip install 'nbaprops[feed]'" in str(err.value) and REPORT.name in str(err.value)


# -- into the real warehouse -----------------------------------------------------------------

# A later report of the same day, constructed: a player of the first report again, a suffixed
# name, a known alias ("Herb Jones"), and rows the checks quarantine.
LATER_ROWS: list[dict[str, str]] = [
    {
        "game_date": "01/04/2024",
        "game_time": "07:30 (ET)",
        "matchup": "MIL@SAS",
        "team": "San Antonio Spurs",
        "player": "Barlow, Dominick",
        "status": "Out",
        "reason": "G League - Two-Way",
    },
    {"player": "Nobody, Zed", "status": "Out", "reason": "Rest"},
    {
        "game_date": "01/05/2024",
        "game_time": "08:00 (ET)",
        "matchup": "LAC@NOP",
        "team": "New Orleans Pelicans",
        "player": "Jones, Herb",
        "status": "Probable",
        "reason": "Injury/Illness - Right",
        "reason_below": "Knee; Soreness",
    },
    {
        "game_time": "10:00 (ET)",
        "matchup": "MEM@LAL",
        "team": "Memphis Grizzlies",
        "player": "Jackson Jr., Jaren",
        "status": "Questionable",
        "reason_above": "Injury/Illness - Left",
        "reason": "Ankle;",
        "reason_below": "Sprain",
    },
    {"team": "Seattle SuperSonics", "player": "Davis, Anthony", "status": "Out", "reason": "Rest"},
    {"team": "Boston Celtics", "player": "Tatum, Jayson", "status": "Out", "reason": "Rest"},
    {"team": "Los Angeles Lakers", "player": "James, LeBron", "status": "Maybe", "reason": "Rest"},
    {"team": "Los Angeles Lakers", "reason": "NOT YET SUBMITTED"},
    {"matchup": "MIL@BOS", "team": "Milwaukee Bucks", "player": "Lillard, Damian", "status": "Out", "reason": "Rest"},
]
LATER_NAME = "constructed_later_report.pdf"


def injury_rows(path: Path, where: str = "", params: list[Any] | None = None) -> list[dict[str, Any]]:
    with Warehouse.open(path, read_only=True) as wh:
        cur = wh.con.execute(f"SELECT * FROM raw.injury_report {where} ORDER BY ALL", params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def ingested(real_warehouse_path, tmp_path_factory) -> dict[str, Any]:
    """A copy of the real warehouse with the recorded report ingested by the library, then again
    through the CLI; then the constructed later report."""
    tmp = tmp_path_factory.mktemp("injury_report")
    path = samples.copy_warehouse(real_warehouse_path, tmp / "wh.duckdb")
    first_in = tmp / "first"
    first_in.mkdir()
    shutil.copy(REPORT, first_in / "any name at all.pdf")  # recognised by its content
    with Warehouse.open(path) as wh:
        first = ingest_folder(wh, first_in)
    before = samples.snapshot(path, skip=("processing.ingest_log",))
    again = cli(path, "ingest", str(first_in))
    after = samples.snapshot(path, skip=("processing.ingest_log",))
    first_rows = injury_rows(path)
    later_in = tmp / "later"
    write(later_in, LATER_NAME, report_pdf("Injury Report: 01/04/24 05:30 PM", LATER_ROWS))
    shutil.copy(REPORT, later_in / REPORT.name)
    with Warehouse.open(path) as wh:
        later = ingest_folder(wh, later_in)
    return dict(path=path, first=first, again=again, before=before, after=after, first_rows=first_rows, later=later)


def schedule_game(path: Path, day: str, away: str, home: str) -> str:
    with Warehouse.open(path, read_only=True) as wh:
        return wh.con.execute(
            "SELECT game_id FROM raw.schedule WHERE game_date = ? AND away_team_abbr = ? AND home_team_abbr = ?",
            [day, away, home],
        ).fetchone()[0]


def test_every_row_lands_on_its_schedule_game_and_team(ingested, parsed):
    res = ingested["first"].files[0]
    assert (res.kind, res.rows_read, res.rows_loaded, res.rows_rejected) == ("nba_injury_report", 43, 43, 0)
    rows = ingested["first_rows"]
    assert len(rows) == 43
    assert {r["report_time_et"] for r in rows} == {REPORT_TIME}
    assert {r["source"] for r in rows} == {"nba_injury_report"}
    assert {r["source_file"] for r in rows} == {"any name at all.pdf"}
    abbr = team_abbr()
    path = ingested["path"]
    for p in parsed.rows:
        away, home = p.matchup.split("@")
        game = schedule_game(path, p.game_date.isoformat(), away, home)
        match = [
            r for r in rows if r["game_id"] == game and r["team_abbr"] == abbr[p.team] and r["player_name"] == p.player
        ]
        assert len(match) == 1, p
        assert (match[0]["status"], match[0]["reason"], match[0]["game_date"]) == (p.status, p.reason, p.game_date)
    assert len({r["game_id"] for r in rows}) == 16  # 2 games of 01/04, 14 of 01/05
    clippers = next(r for r in rows if r["team_abbr"] == "LAC")  # printed "LA Clippers"
    assert clippers["game_id"] == schedule_game(path, "2024-01-05", "LAC", "NOP")


def test_every_player_of_the_report_resolves_to_his_box_score_player(ingested):
    res = ingested["first"].files[0]
    # 14 of the report's 14 player rows resolve, all by their spelling ("First Last")
    assert (res.rows_by_name, res.rows_by_alias, res.rows_unresolved, res.rows_by_id) == (14, 0, 0, 0)
    assert ingested["first"].player_resolution["nba_injury_report"]["name"] == 14
    players = [r for r in ingested["first_rows"] if r["player_name"]]
    with Warehouse.open(ingested["path"], read_only=True) as wh:
        box = dict(wh.con.execute("SELECT DISTINCT player_lookup, player_id FROM raw.player_boxscores").fetchall())
        this_season = {
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT player_lookup FROM raw.player_boxscores WHERE season_year = 2023"
            ).fetchall()
        }
    for r in players:
        assert r["resolved_by"] == "name"
        assert box[r["player_lookup"]] == r["player_id"], r
    # Cancar (left knee surgery) missed all of 2023-24: he is found on the nearest season's box scores
    assert {r["player_lookup"] for r in players} - this_season == {"vlatkocancar"}
    lookups = {r["player_name"]: r["player_lookup"] for r in players}
    assert lookups["Duke Jr., David"] == "daviddukejr" and lookups["Payton II, Gary"] == "garypaytonii"


def test_a_team_not_yet_submitted_has_an_empty_player(ingested):
    empty = [r for r in ingested["first_rows"] if r["player_lookup"] == ""]
    assert len(empty) == 29
    assert all(r["player_name"] == "" and r["status"] == "not_submitted" and r["player_id"] is None for r in empty)
    assert [r["team_abbr"] for r in empty if r["game_date"] == date(2024, 1, 4)] == ["MIL"]


def test_reingesting_the_same_report_changes_nothing(ingested):
    assert ingested["again"].returncode == 0, ingested["again"].stderr
    assert ingested["after"] == ingested["before"]


def test_a_later_report_is_kept_beside_the_first(ingested):
    path = ingested["path"]
    res = {f.file: f for f in ingested["later"].files}
    assert res[REPORT.name].rows_unchanged == 43  # the same report under another name: unchanged
    later = res[LATER_NAME]
    assert (later.rows_read, later.rows_loaded, later.rows_rejected) == (9, 4, 5)
    assert (later.rows_by_name, later.rows_by_alias, later.rows_unresolved) == (6, 1, 1)
    first = injury_rows(path, "WHERE report_time_et = ?", [REPORT_TIME])
    assert len(first) == 43  # the first report's rows stay
    rows = {r["player_name"]: r for r in injury_rows(path, "WHERE report_time_et = ?", [LATER_TIME])}
    assert set(rows) == {"Barlow, Dominick", "Jones, Herb", "Jackson Jr., Jaren", ""}
    assert rows["Barlow, Dominick"]["status"] == "out"  # questionable at 12:30, out at 5:30 PM
    assert rows["Jones, Herb"]["player_lookup"] == "herbertjones" and rows["Jones, Herb"]["resolved_by"] == "alias"
    assert rows["Jones, Herb"]["reason"] == "Injury/Illness - Right Knee; Soreness"
    jaren = rows["Jackson Jr., Jaren"]
    assert (jaren["player_lookup"], jaren["team_abbr"], jaren["reason"]) == (
        "jarenjacksonjr",
        "MEM",
        "Injury/Illness - Left Ankle; Sprain",
    )
    assert jaren["game_id"] == schedule_game(path, "2024-01-05", "MEM", "LAL")
    assert (rows[""]["team_abbr"], rows[""]["status"]) == ("LAL", "not_submitted")


def test_rows_of_the_later_report_that_fail_are_quarantined_with_their_reason(ingested):
    with Warehouse.open(ingested["path"], read_only=True) as wh:
        rejected = wh.con.execute(
            "SELECT row_number, column_name, reason, record FROM processing.rejected_rows "
            "WHERE source_file = ? ORDER BY row_number",
            [LATER_NAME],
        ).fetchall()
    got = {(n, col, reason) for n, col, reason, _ in rejected}
    assert got == {
        (2, "player_name", "name matches no player of the box scores or game logs (any season): Nobody, Zed"),
        (5, "team_name", "team name matches no team of reference.teams: Seattle SuperSonics"),
        (6, "team_name", "team is neither team of the matchup: Boston Celtics in MEM@LAL"),
        (7, "status", "unknown status: maybe"),
        (9, "matchup", "no game of this matchup on this date in the schedule: MIL@BOS on 2024-01-05"),
    }
    record = json.loads(next(r for n, *_, r in rejected if n == 2))
    assert (record["printed_name"], record["player_name"], record["page"], record["line"]) == (
        "Nobody, Zed",
        "Zed Nobody",
        1,
        4,
    )


def test_a_pdf_that_is_no_report_stops_the_ingest_naming_it(real_copy, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REPORT, folder / REPORT.name)
    write(folder, "constructed_invoice.pdf", pdf_bytes([[(72, 72, "Invoice 2024-001", 14)]]))
    before = samples.snapshot(real_copy)
    line = one_line_error(cli(real_copy, "ingest", str(folder)))
    assert "constructed_invoice.pdf: not an NBA injury report" in line
    assert samples.snapshot(real_copy) == before  # nothing loaded, not even the real report
