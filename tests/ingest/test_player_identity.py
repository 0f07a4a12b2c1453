"""Player identity: every source's rows resolve to the NBA player of the box scores and game logs
(by NBA id, by the same spelling, by an alias), else to a real player without a game in the data
(reference/players_without_games.csv); a name that matches no player is quarantined.
The expected spellings are read straight from the bundled files (plain DuckDB)."""

from __future__ import annotations

import csv
from datetime import date

import duckdb
import pytest
import samples

from nbaprops import keys, players
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

INJ = samples.real("injuries_pst_2021_to_2025.parquet")
BOX = [samples.real(f"player_box_{s}.parquet") for s in ("2022_23", "2023_24", "2024_25")]
BASIC = samples.real("player_game_logs_basic_2021_22_to_2025_26.parquet")

# ProSportsTransactions spelling → the NBA's (box score / game log) player_lookup. Suffix rule
# (keys.base_lookup) for the first five, reference/player_aliases.csv for the others.
ALIASES = {
    "jimmybutler": "jimmybutleriii",
    "marcusmorris": "marcusmorrissr",
    "mikeconleyjr": "mikeconley",
    "reggiebullock": "reggiebullockjr",
    "wayneseldenjr": "wayneselden",
    "wesmatthewsjr": "wesleymatthews",
    "herbjones": "herbertjones",
    "bjbostonjr": "brandonboston",
    "rjnembhardjr": "rubennembhardjr",
    "moeharkless": "mauriceharkless",
    "moewagner": "moritzwagner",
    "vasamicic": "vasilijemicic",
    "iggybrazdeikis": "ignasbrazdeikis",
    "juanhernangomez": "juanchohernangomez",
    "djaugustine": "djaugustin",
    "eneskanter": "enesfreedom",
}
# Injury "names" that are no player at all (a team, a word, an injury description).
GARBAGE = {"Heat", "Yes", "illness", "fractured rib", "sore lower back", "torn ACL in left knee"}
# Real people with transactions but no NBA game in the bundled seasons (no box score, no game log):
# resolved through reference/players_without_games.csv (their NBA id where the NBA publishes one),
# with their transactions of the file.
NO_GAME = {
    "Chris Clemons": (1629598, 2),
    "Chris Smith": (None, 6),
    "Daulton Hommes": (None, 2),
    "E'Twaun Moore": (202734, 2),
    "Ersan Ilyasova": (101141, 2),
    "Grant Riller": (1630203, 4),
    "Malik Ellison": (None, 2),
}


def _nba_lookups() -> set[str]:
    c = duckdb.connect()
    names = c.execute(
        f"SELECT DISTINCT player_name FROM read_parquet({BOX!r}) UNION "
        f"SELECT DISTINCT player_name FROM read_parquet('{BASIC}')"
    ).fetchall()
    return {keys.player_lookup(n) for (n,) in names}


def test_alias_file_lists_only_aliases_seen_in_the_bundled_data():
    """Each alias of reference/player_aliases.csv: its player id has the NBA spelling in the box
    scores or game logs, and its alias spelling is an injury transaction's name, of a team the
    player played for in that season."""
    c = duckdb.connect()
    aliases = keys.player_aliases()
    assert len(aliases) == 11
    for a in aliases:
        nba = c.execute(
            f"""SELECT DISTINCT player_name FROM (
                              SELECT player_id, player_name FROM read_parquet({BOX!r})
                              UNION ALL SELECT player_id, player_name FROM read_parquet('{BASIC}'))
                            WHERE player_id = ?""",
            [a.player_id],
        ).fetchall()
        assert (a.player_name,) in nba and {keys.player_lookup(n) for (n,) in nba} == {
            keys.player_lookup(a.player_name)
        }, a
        seen = c.execute(
            f"SELECT count(*) FROM read_parquet('{INJ}') WHERE player_name = ?", [a.alias_name]
        ).fetchone()[0]
        assert seen > 0, a
        assert ALIASES[keys.player_lookup(a.alias_name)] == keys.player_lookup(a.player_name)
    with keys.ALIASES_CSV.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == len(aliases)


def test_every_injury_transaction_belongs_to_a_box_score_player_or_a_listed_one(real_warehouse_path):
    """Every loaded transaction is a box-score player's, with his NBA id, except those of the
    players of reference/players_without_games.csv (resolved_by 'reference'; no id only for the
    three the NBA publishes none for)."""
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        orphans = wh.con.execute("""SELECT player_name, player_id, count(*) FROM raw.injuries WHERE player_lookup NOT IN
                                    (SELECT player_lookup FROM raw.player_boxscores) GROUP BY ALL""").fetchall()
        not_reference = wh.con.execute("""SELECT count(*) FROM raw.injuries WHERE player_lookup NOT IN
                                          (SELECT player_lookup FROM raw.player_boxscores)
                                          AND resolved_by IS DISTINCT FROM 'reference'""").fetchone()[0]
        resolved = dict(
            wh.con.execute("""SELECT DISTINCT
                                     lower(regexp_replace(strip_accents(player_name), '[^A-Za-z0-9]', '', 'g')),
                                     player_lookup
                              FROM raw.injuries WHERE resolved_by = 'alias'""").fetchall()
        )
        no_id = {
            r[0]
            for r in wh.con.execute("SELECT DISTINCT player_name FROM raw.injuries WHERE player_id IS NULL").fetchall()
        }
    assert {n: (i, c) for n, i, c in orphans} == NO_GAME
    assert not_reference == 0
    assert no_id == {n for n, (i, _) in NO_GAME.items() if i is None}
    assert resolved == ALIASES


def test_players_without_games_are_real_and_have_no_game():
    """Each player of reference/players_without_games.csv is named by injury transactions of his
    listed team and season, and has no box-score or game-log row (under his name or his id): the
    list holds no one a roster already resolves."""
    c = duckdb.connect()
    listed = players.players_without_games()
    assert {p.player_name for p in listed} == set(NO_GAME)
    assert [p.player_id for p in sorted(listed, key=lambda p: p.player_name)] == [
        NO_GAME[n][0] for n in sorted(NO_GAME)
    ]
    nba = _nba_lookups()
    ids = {
        r[0]
        for r in c.execute(
            f"SELECT DISTINCT player_id FROM read_parquet({BOX!r}) UNION "
            f"SELECT DISTINCT player_id FROM read_parquet('{BASIC}')"
        ).fetchall()
    }
    nick = {k.lower(): k for k in ("76ers", "Pistons", "Pelicans", "Magic", "Hawks", "Bulls")}
    team_of = {"76ers": "PHI", "Pistons": "DET", "Pelicans": "NOP", "Magic": "ORL", "Hawks": "ATL", "Bulls": "CHI"}
    for p in listed:
        assert keys.player_lookup(p.player_name) not in nba and keys.base_lookup(p.player_name) not in nba, p
        assert p.player_id is None or p.player_id not in ids, p
        teams = {
            team_of[nick[t.lower()]]
            for (t,) in c.execute(
                f"SELECT DISTINCT team_nickname FROM read_parquet('{INJ}') WHERE player_name = ?", [p.player_name]
            ).fetchall()
        }
        assert teams == {p.team_abbr}, p
        n = c.execute(
            f"""SELECT count(*) FROM read_parquet('{INJ}') WHERE player_name = ? AND event IN ('out', 'return')
                          AND date BETWEEN make_date(?, 7, 1) AND make_date(? + 1, 6, 30)""",
            [p.player_name, p.season_year, p.season_year],
        ).fetchone()[0]
        assert n == NO_GAME[p.player_name][1], p


def test_every_alias_transaction_of_the_file_is_loaded(real_warehouse_path):
    """The 262 transactions (since 2021-10) whose spelling differs from the box score's are all
    in raw.injuries, keyed on the box score's player."""
    c = duckdb.connect()
    nba = _nba_lookups()
    rows = c.execute(
        f"SELECT player_name FROM read_parquet('{INJ}') WHERE player_name IS NOT NULL AND event IN ('out', 'return')"
    ).fetchall()
    expected = sum(1 for (n,) in rows if keys.player_lookup(n) in ALIASES and keys.player_lookup(n) not in nba)
    assert expected == 262
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        assert wh.con.execute("SELECT count(*) FROM raw.injuries WHERE resolved_by = 'alias'").fetchone()[0] == expected
        butler = wh.con.execute("""SELECT player_lookup, player_id, notes FROM raw.injuries
                                   WHERE transaction_date = DATE '2024-04-18'
                                     AND player_name = 'Jimmy Butler'""").fetchall()
    assert butler == [("jimmybutleriii", 202710, "MCL injury in right knee (out for season)")]


def test_names_that_are_no_player_are_quarantined(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute("""SELECT record->>'player_name', reason FROM processing.rejected_rows
                                 WHERE file_kind = 'injuries' AND column_name = 'player_name'
                                   AND reason LIKE 'name matches no player%'""").fetchall()
        loaded = wh.con.execute(
            "SELECT count(*) FROM raw.injuries WHERE player_name IN (SELECT unnest(?))", [sorted(GARBAGE)]
        ).fetchone()[0]
        reasons = {r[1] for r in rows}
    assert {r[0] for r in rows} == GARBAGE  # only names that are no player at all
    assert len(rows) == 6 and reasons == {"name matches no player of the box scores or game logs (any season)"}
    assert loaded == 0


def test_the_transactions_of_players_without_games_resolve_not_quarantine(real_warehouse_path):
    """The 20 transactions of the 7 real players without a game are loaded, resolved by the
    reference list (not quarantined): zero unresolved rows but the garbage."""
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute(
            """SELECT player_name, min(player_id), count(*), min(resolved_by), max(resolved_by)
                                 FROM raw.injuries WHERE player_name IN (SELECT unnest(?)) GROUP BY 1""",
            [sorted(NO_GAME)],
        ).fetchall()
        quarantined = wh.con.execute(
            """SELECT count(*) FROM processing.rejected_rows
               WHERE file_kind = 'injuries' AND record->>'player_name' IN (SELECT unnest(?))""",
            [sorted(NO_GAME)],
        ).fetchone()[0]
        identity = wh.con.execute("""SELECT spelling, player_id, rows FROM reference.player_identity
                                     WHERE resolved_by = 'reference'""").fetchall()
    assert {n: (i, c) for n, i, c, *_ in rows} == NO_GAME
    assert {(a, b) for *_, a, b in rows} == {("reference", "reference")}
    assert quarantined == 0
    assert {s: (i, c) for s, i, c in identity} == NO_GAME


def test_ingest_reports_how_each_source_resolved_its_players(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute("""SELECT file_kind, sum(rows_by_id), sum(rows_by_name), sum(rows_by_alias),
                                        sum(rows_unresolved), sum(rows_by_reference)
                                 FROM processing.ingest_log WHERE rows_by_id IS NOT NULL GROUP BY 1""").fetchall()
        box_rows = wh.count("raw.player_boxscores")
        shot_rows = wh.count("raw.shots")
    by = {r[0]: tuple(r[1:]) for r in rows}
    assert set(by) == {"player_box", "player_log_basic", "shots", "injuries"}
    assert by["player_box"][1:] == (0, 0, 0, 0) and by["player_log_basic"][1:] == (0, 0, 0, 0)
    assert by["shots"] == (shot_rows, 0, 0, 0, 0)
    # 262 by alias, 6 unresolved (the names that are no player), 20 by the list of players without a game
    assert by["injuries"][0] == 0 and by["injuries"][2:] == (262, 6, 20)
    assert box_rows > 0


def test_identity_table_holds_every_spelling_of_a_player(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        butler = wh.con.execute("""SELECT source, spelling, resolved_by FROM reference.player_identity
                                   WHERE player_id = 202710 ORDER BY 1, 2""").fetchall()
        ids_per_lookup = wh.con.execute("""SELECT count(*) FROM (SELECT player_lookup FROM reference.player_identity
                                           GROUP BY 1 HAVING count(DISTINCT player_id) > 1)""").fetchone()[0]
        no_id = wh.con.execute("SELECT count(*) FROM reference.player_identity WHERE player_id IS NULL").fetchone()[0]
        lookups = {
            r[0]
            for r in wh.con.execute(
                "SELECT DISTINCT player_lookup FROM reference.player_identity WHERE player_id = 202710"
            ).fetchall()
        }
    assert ("prosportstransactions", "Jimmy Butler", "alias") in butler
    assert ("player_box", "Jimmy Butler III", "id") in butler
    assert any(s == "shotchartdetail" and how == "id" for s, _, how in butler)
    assert lookups == {"jimmybutleriii"}
    assert ids_per_lookup == 0
    assert no_id == sum(1 for i, _ in NO_GAME.values() if i is None)  # the listed players the NBA gives no id


@pytest.fixture(scope="module")
def butler_playoffs(real_warehouse_path, tmp_path_factory):
    """The feature store over Miami's 2024 playoffs (Jimmy Butler out from 2024-04-18)."""
    path = tmp_path_factory.mktemp("butler") / "wh.duckdb"
    samples.copy_warehouse(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        result = backfill(wh, date(2024, 4, 14), date(2024, 5, 1), force=True, preflight=False)
        assert result.ok, [m.error for m in result.models if m.error]
        yield wh


def test_injury_risk_of_a_player_out_under_another_spelling(butler_playoffs):
    rows = butler_playoffs.con.execute("""
        SELECT f.game_date, f.injury_risk, u.player_status, u.injury_notes
        FROM predictions.ml_feature_store_v2 f
        JOIN analytics.upcoming_player_game_context u USING (player_lookup, game_date)
        WHERE f.player_lookup = 'jimmybutleriii' AND f.game_date > DATE '2024-04-18' ORDER BY 1""").fetchall()
    dates = [r[0] for r in rows]
    assert dates == [
        date(2024, 4, 19),
        date(2024, 4, 21),
        date(2024, 4, 24),
        date(2024, 4, 27),
        date(2024, 4, 29),
        date(2024, 5, 1),
    ]
    assert {(r[1], r[2], r[3]) for r in rows} == {(3, "out", "MCL injury in right knee (out for season)")}
