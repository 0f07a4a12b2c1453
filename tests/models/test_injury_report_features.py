"""The official injury report in the features: the player's status for D (UPGC report_status),
the rotation teammates out and what they vacate (precompute.player_availability) and injury_risk
(the feature store), under D's cut-off (12:00 US Eastern on D, nbaprops.calendar).

The report rows are the recorded report of 2024-01-04 12:30 PM (tests/fixtures/injury_report),
ingested as `nbaprops ingest` does. Where a test needs the same report published at another time
(before the cut-off) or a team marked NOT YET SUBMITTED, it restamps or edits the ingested rows and
says so: those are constructed variants of the recorded report."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from nbaprops.calendar import INJURY_REPORT_CUTOFF_HOUR, REPORTED_OUT
from nbaprops.ingest import ingest_folder
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

REPORT_PDF = Path(__file__).resolve().parents[1] / "fixtures" / "injury_report" / "Injury-Report_2024-01-04_12PM.pdf"
PUBLISHED = datetime(2024, 1, 4, 12, 30)  # the report's printed time (US Eastern)
BEFORE_CUTOFF = datetime(2024, 1, 4, 11, 30)  # constructed: the same report an hour earlier
D1, D2 = date(2024, 1, 4), date(2024, 1, 5)  # the report lists games of both dates
SLICE_END = date(2023, 12, 15)  # the early slice ends here (tests/real_slices.EARLY)
TABLES = (
    ("analytics.upcoming_player_game_context", "game_date"),
    ("precompute.player_availability", "game_date"),
    ("predictions.ml_feature_store_v2", "game_date"),
)


def _world(early_backfilled: Path, tmp_path: Path, name: str, *, report_time: datetime | None, edit=None) -> Warehouse:
    """A private copy of the early slice, with the recorded report ingested (restamped to
    `report_time` when it is not the printed time; None: no report) and no injury transactions
    (as from 2025-26 on, so the report is the only injury source), backfilled to D2."""
    path = tmp_path / f"{name}.duckdb"
    shutil.copy(early_backfilled, path)
    wh = Warehouse.open(path)
    wh.con.execute("DELETE FROM raw.injuries")
    if report_time is not None:
        (result,) = ingest_folder(wh, REPORT_PDF).files
        assert result.rows_loaded > 0, result
        if report_time != PUBLISHED:
            wh.con.execute("UPDATE raw.injury_report SET report_time_et = ?", [report_time])
        if edit:
            edit(wh.con)
    backfill(wh, SLICE_END, D2, force=True)
    return wh


@pytest.fixture(scope="module")
def worlds(early_backfilled, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("injury_report_worlds")
    made = {
        "none": _world(early_backfilled, tmp, "none", report_time=None),
        "published": _world(early_backfilled, tmp, "published", report_time=PUBLISHED),
        "early": _world(early_backfilled, tmp, "early", report_time=BEFORE_CUTOFF),
    }
    yield made
    for wh in made.values():
        wh.close()


def _rows(wh: Warehouse, table: str, col: str, d: date) -> list[tuple]:
    cols = [
        r[0]
        for r in wh.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = ? "
            "ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]
    keep = [c for c in cols if c not in ("computed_at", "run_id", "processed_at", "created_at", "updated_at")]
    sql = f"SELECT {', '.join(keep)} FROM {table} WHERE {col} = ? ORDER BY ALL"
    return wh.con.execute(sql, [d]).fetchall()


def test_a_report_published_after_the_cutoff_changes_nothing_for_d(worlds):
    """Point in time: the recorded report, printed 12:30 PM on D1, is after D1's noon cut-off, so
    every row keyed on D1 is what it is without the report. (It lists D2's games too, every team
    of them NOT YET SUBMITTED at 12:30 the day before, so it says nothing of D2 either.) The same
    report an hour earlier (constructed: restamped 11:30) is before the cut-off and changes D1."""
    none, published, early = worlds["none"], worlds["published"], worlds["early"]
    for d in (D1, D2):
        for table, col in TABLES:
            assert _rows(published, table, col, d) == _rows(none, table, col, d), (table, d)
    for table, col in TABLES:
        assert _rows(early, table, col, D1) != _rows(none, table, col, D1), table
    assert _rows(early, TABLES[0][0], "game_date", D2) == _rows(none, TABLES[0][0], "game_date", D2)


def test_the_cutoff_is_noon_eastern_on_d():
    assert INJURY_REPORT_CUTOFF_HOUR == 12 and REPORTED_OUT == ("out", "doubtful")


def _report(wh: Warehouse, d: date) -> dict[tuple[str, str], tuple[str, str]]:
    """(team, player) -> (status, reason) of the ingested report's rows for games of d."""
    rows = wh.con.execute(
        "SELECT team_abbr, player_lookup, status, reason FROM raw.injury_report WHERE game_date = ?", [d]
    ).fetchall()
    return {(t, p): (s, r) for t, p, s, r in rows}


def test_report_status_is_the_listed_status_else_available_where_the_report_covers_the_game(worlds):
    wh = worlds["early"]
    seen = 0
    for d in (D1, D2):
        listed = _report(wh, d)
        games = {
            g
            for (g,) in wh.con.execute(
                "SELECT DISTINCT game_id FROM raw.injury_report WHERE game_date = ?", [d]
            ).fetchall()
        }
        not_submitted = {t for (t, p), (s, _) in listed.items() if s == "not_submitted"}
        rows = wh.con.execute(
            "SELECT game_id, team_abbr, player_lookup, report_status, report_reason, injury_report_time "
            "FROM analytics.upcoming_player_game_context WHERE game_date = ?",
            [d],
        ).fetchall()
        for game, team, player, status, reason, when in rows:
            if game not in games or team in not_submitted:
                assert status is None and when is None, (d, team, player, status)
                continue
            assert when == BEFORE_CUTOFF
            want = listed.get((team, player))
            if want is None:
                assert status == "available" and reason is None, (d, team, player, status)
            else:
                seen += 1
                assert (status, reason) == want, (d, team, player)
    assert seen >= 8


def _last10_minutes(wh: Warehouse, d: date) -> dict[str, float]:
    """Each player's mean minutes over his last 10 played games of D's season before D (plain
    Python over raw.player_boxscores: the rotation's rule restated)."""
    rows = wh.con.execute(
        "SELECT player_lookup, game_date, game_id, coalesce(minutes, 0), coalesce(points, 0), source "
        "FROM raw.player_boxscores WHERE season_year = 2023 AND season_type <> 'Pre Season' AND game_date < ?",
        [d],
    ).fetchall()
    games: dict[str, dict[str, tuple]] = {}
    for player, gd, gid, minutes, points, source in rows:
        if minutes > 0 or points > 0:
            prev = games.setdefault(player, {}).get(gid)
            if prev is None or source == "player_box":
                games[player][gid] = (gd, gid, minutes)
    out = {}
    for player, by_game in games.items():
        last = sorted(by_game.values())[-10:]
        out[player] = sum(round(m, 6) for _, _, m in last) / len(last)
    return out


def _games_since(wh: Warehouse, d: date) -> dict[tuple[str, str], int]:
    """(team, player) -> how many of the team's games (this season, before D, with a box score) came
    after his last game for the team (plain Python over raw.player_boxscores and raw.schedule)."""
    played: dict[str, set] = {}
    for team, gid, player, minutes, points in wh.con.execute(
        "SELECT team_abbr, game_id, player_lookup, coalesce(minutes, 0), coalesce(points, 0) FROM raw.player_boxscores "
        "WHERE season_year = 2023 AND season_type <> 'Pre Season' AND game_date < ?",
        [d],
    ).fetchall():
        if minutes > 0 or points > 0:
            played.setdefault(team, set()).add((gid, player))
    boxed = {(t, g) for t, v in played.items() for g, _ in v}
    since = {}
    for team in played:
        games = [
            g
            for (g,) in wh.con.execute(
                "SELECT game_id FROM raw.schedule WHERE season_year = 2023 AND season_type <> 'Pre Season' "
                "AND game_date < ? AND ? IN (home_team_abbr, away_team_abbr) ORDER BY game_date DESC, game_id DESC",
                [d, team],
            ).fetchall()
            if (team, g) in boxed
        ]
        for i, g in reversed(list(enumerate(games))):
            for gid, player in played[team]:
                if gid == g:
                    since[(team, player)] = i
    return since


def test_rotation_teammates_out_are_the_reported_out_or_doubtful_where_the_report_covers(worlds):
    """An independent count: for every player of a covered team on D, his rotation teammates
    (>= 15 minutes a game over their last 10, and played one of the team's last 10 games) newly out:
    listed Out or Doubtful by the report and absent for at most the team's last 2 games."""
    wh = worlds["early"]
    checked = 0
    for d in (D1, D2):
        listed = _report(wh, d)
        minutes = _last10_minutes(wh, d)
        since = _games_since(wh, d)
        upgc = wh.con.execute(
            "SELECT player_lookup, team_abbr, report_status FROM analytics.upcoming_player_game_context "
            "WHERE game_date = ?",
            [d],
        ).fetchall()
        by_team: dict[str, list[str]] = {}
        for player, team, _ in upgc:
            by_team.setdefault(team, []).append(player)
        pa = {
            p: (n, vm, src)
            for p, n, vm, src in wh.con.execute(
                "SELECT player_lookup, rotation_teammates_out, vacated_minutes, teammates_out_source "
                "FROM precompute.player_availability WHERE game_date = ?",
                [d],
            ).fetchall()
        }
        for player, team, status in upgc:
            if player not in pa:
                continue
            n, vacated, source = pa[player]
            if status is None:
                assert source == "previous_game"
                continue
            assert source == "injury_report"
            out = [
                m
                for m in by_team[team]
                if m != player
                and minutes.get(m, 0) >= 15
                and since.get((team, m), 99) <= 2
                and listed.get((team, m), ("available", ""))[0] in REPORTED_OUT
            ]
            assert n == len(out), (d, player, n, out)
            assert vacated == pytest.approx(sum(minutes[m] for m in out), abs=1e-6), (d, player)
            checked += 1
    assert checked > 20


def test_injury_risk_comes_from_the_report_where_no_transaction_covers_d(worlds):
    """Without injury transactions (the injuries feed does not cover D) a row whose game the report
    covers has injury_risk 3 (Out, Doubtful) or 0, source phase3, and no injuries gap; a row no
    report covers keeps the default and the gap."""
    wh = worlds["early"]
    rows = wh.con.execute(
        """SELECT u.report_status, f.injury_risk, f.injury_risk_source, coalesce(f.feed_gaps, '') LIKE '%injuries (%'
           FROM predictions.ml_feature_store_v2 f
           JOIN analytics.upcoming_player_game_context u USING (player_lookup, game_date)
           WHERE f.game_date IN (?, ?)""",
        [D1, D2],
    ).fetchall()
    covered = [r for r in rows if r[0] is not None]
    assert covered and len(covered) < len(rows)
    for status, risk, source, gap in rows:
        if status is None:
            assert (risk, source, gap) == (0.0, "default", True)
        else:
            assert (risk, source, gap) == (3.0 if status in REPORTED_OUT else 0.0, "phase3", False), status
    assert any(r[1] == 3.0 for r in covered)


LATER = BEFORE_CUTOFF.replace(minute=45)  # constructed: a report 15 minutes later, still before D1's cut-off


def _not_submitted(con) -> None:
    """Constructed: a later report (11:45) in which the home team of a D1 game whose two teams both
    submitted (DEN at GSW; MIL had not submitted for MIL at SAS) is marked NOT YET SUBMITTED, the
    rest of that game's rows as before."""
    game, team = con.execute(
        "SELECT s.game_id, s.home_team_abbr FROM raw.schedule s WHERE s.game_id = "
        "(SELECT min(game_id) FROM (SELECT game_id FROM raw.injury_report WHERE game_date = ? GROUP BY game_id "
        "HAVING count(*) FILTER (WHERE status = 'not_submitted') = 0))",
        [D1],
    ).fetchone()
    con.execute(
        """INSERT INTO raw.injury_report
           SELECT ?, game_date, game_id, team_abbr, player_lookup, player_name, status, reason, player_id,
                  resolved_by, source, 'constructed_not_submitted', row_hash, ingested_at
           FROM raw.injury_report WHERE game_id = ? AND team_abbr <> ?""",
        [LATER, game, team],
    )
    con.execute(
        """INSERT INTO raw.injury_report
           SELECT ?, game_date, game_id, ?, '', '', 'not_submitted', '', NULL, NULL, 'test',
                  'constructed_not_submitted', 'x', now()
           FROM raw.schedule WHERE game_id = ?""",
        [LATER, team, game],
    )


def test_a_team_not_yet_submitted_keeps_its_earlier_report(early_backfilled, tmp_path):
    wh = _world(early_backfilled, tmp_path, "ns", report_time=BEFORE_CUTOFF, edit=_not_submitted)
    try:
        (game, team) = wh.con.execute(
            "SELECT game_id, team_abbr FROM raw.injury_report WHERE report_time_et = ? AND status = 'not_submitted'",
            [LATER],
        ).fetchone()
        times = dict(
            wh.con.execute(
                "SELECT team_abbr, max(injury_report_time) FROM analytics.upcoming_player_game_context "
                "WHERE game_id = ? GROUP BY team_abbr",
                [game],
            ).fetchall()
        )
        assert len(times) == 2
        assert times[team] == BEFORE_CUTOFF  # the team's own list is the earlier report's
        assert all(t == LATER for k, t in times.items() if k != team), times
    finally:
        wh.close()


def test_the_availability_features_equal_the_plain_reference_with_the_report(worlds):
    """The availability group (injury_risk, games missed, teammates out, vacated minutes, points
    and attempts) of both dates against the plain per-date reference
    (tests/models/feature_reference.py), which reads raw.injury_report with the same cut-off. (The
    slice holds Phase 3 rows of this season only, so features over earlier seasons are not
    compared here; tests/models/test_feature_reference.py compares them all on four seasons.)"""
    from feature_reference import Entering, Raw, expected, load_references

    from nbaprops import features

    wh = worlds["early"]
    raw, refs, by = Raw(wh.con), load_references(), features.by_name()
    names = [f.name for f in features.FEATURES if f.name in refs and f.group == "availability"]
    assert "injury_risk" in names and "rotation_teammates_out" in names
    cols = ", ".join(f'"{n}", "{n}_source"' for n in names)
    wrong, covered = [], 0
    for d in (D1, D2):
        rows = wh.con.execute(
            f"SELECT player_lookup, season_year, team_abbr, opponent_team_abbr, game_id, {cols} "
            "FROM predictions.ml_feature_store_v2 WHERE game_date = ?",
            [d],
        ).fetchall()
        mates: dict[str, list] = {}
        for row in rows:
            mates.setdefault(row[2], []).append(raw.pid[row[0]])
        for row in rows:
            lookup, season, team, opp, game_id = row[:5]
            pid = raw.pid[lookup]
            p = Entering(raw, d, season, pid, team, opp, game_id, tuple(m for m in mates[team] if m != pid))
            covered += p.report_status is not None
            for i, n in enumerate(names):
                value, source = row[5 + 2 * i], row[6 + 2 * i]
                want, want_src = expected(p, by[n])
                same = (value is None and want is None) or (
                    value is not None and want is not None and abs(value - round(want, 6)) <= 2e-6
                )
                if not same or source != want_src:
                    wrong.append((d, lookup, n, value, source, want, want_src))
    assert covered > 20
    assert wrong == [], f"{len(wrong)} mismatches, first {wrong[:10]}"


def test_predict_shows_the_reported_status_and_names_who_will_not_play(worlds, tmp_path):
    """predict on D1 (a model fitted now on the rows before it): each player's report status in
    the listing and the --out file, and the players reported Out or Doubtful named below the table."""
    import csv
    import os
    import subprocess
    import sys

    wh = worlds["early"]
    wh.con.execute("CHECKPOINT")
    path = tmp_path / "predict.duckdb"  # a copy: the module's worlds stay open
    shutil.copy(wh.path, path)
    out_file = tmp_path / "p.csv"
    args = ["predict", "--date", str(D1), "--fit", "--min-train-rows", "2000", "--no-write", "--limit", "200"]
    run = subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(path), *args, "--out", str(out_file)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100", "NO_COLOR": "1"},
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    table = list(csv.DictReader(out_file.open()))
    rows = {r["player_lookup"]: r["report_status"] for r in table}
    names = {r["player_lookup"]: r["player_name"] for r in table}
    upgc = dict(
        wh.con.execute(
            "SELECT player_lookup, report_status FROM analytics.upcoming_player_game_context WHERE game_date = ?", [D1]
        ).fetchall()
    )
    assert len(rows) > 40 and rows == {p: (upgc[p] or "") for p in rows}
    listed = {p: s for (_, p), (s, _) in _report(wh, D1).items() if p}
    out = [p for p, s in rows.items() if s in REPORTED_OUT]
    assert out and all(listed[p] in REPORTED_OUT for p in out)
    note = next(ln for ln in run.stdout.splitlines() if "reported Out or Doubtful" in ln)
    assert all(names[p] in note for p in out) and note.startswith(f"{len(out)} reported"), note  # by name
    shown = [ln.split() for ln in run.stdout.splitlines() if ln.startswith(names[out[0]] + " ")]
    assert shown and rows[out[0]] in shown[0], shown  # the listing's report column
