"""The bundled real data: exact row counts per raw table, derived independently from the
bundled Parquet files with plain SQL and the documented rules (not from the loader)."""

from __future__ import annotations

import duckdb
import pytest
import samples
from test_player_identity import ALIASES

from nbaprops import keys, players
from nbaprops.ingest import ingest_folder
from nbaprops.warehouse import Warehouse

R = samples.real
TEAMS = f"read_csv('{samples.TEAMS_CSV}', header = true)"
SCHED = R("schedule_2021_22_to_2025_26.parquet")
BOX = [R(f"player_box_{s}.parquet") for s in ("2022_23", "2023_24", "2024_25")]
BASIC = R("player_game_logs_basic_2021_22_to_2025_26.parquet")
TEAM_BOX = R("team_box_regular_2022_23_to_2025_26.parquet")
TEAM_BASIC = R("team_game_logs_basic_2021_22_to_2025_26.parquet")
SHOTS = [R(f"shots_{s}.parquet") for s in ("2022_23", "2023_24", "2024_25")]
LINES = R("game_lines_2021_22_to_2024_25.parquet")
INJ = R("injuries_pst_2021_to_2025.parquet")


@pytest.fixture(scope="module")
def expected() -> dict[str, int]:
    """Expected rows per raw table from the documented rules:
    schedule: both teams are NBA teams, the date lies in its season (Jul 1 .. Oct 31), plus the
    games of the full box scores that it lacks (derived: the two NBA Cup finals);
    player/team rows: the game is in the (valid or derived) schedule; the full box wins, the
    basic log fills only games with no full box; shots: game in the schedule; lines: game
    resolvable, total 150..300; injuries: a name of a box-score or game-log player (or a known
    alias of one), an out/return event, a known team, and keys with conflicting duplicates
    dropped entirely (exact repeats count once)."""
    c = duckdb.connect()
    c.execute(f"CREATE TABLE teams AS SELECT * FROM {TEAMS}")
    c.execute(f"""CREATE TABLE sched AS SELECT * FROM read_parquet('{SCHED}')
                  WHERE home_team IN (SELECT team_abbr FROM teams) AND away_team IN (SELECT team_abbr FROM teams)
                    AND home_team <> away_team
                    AND game_date BETWEEN make_date(left(season, 4)::INT, 7, 1)
                                      AND make_date(left(season, 4)::INT + 1, 10, 31)""")
    c.execute(f"""INSERT INTO sched (game_id, season, season_type, game_date, home_team, away_team)
                  SELECT DISTINCT game_id, season, season_type, game_date, team_tricode, opponent_tricode
                  FROM read_parquet({BOX!r}) WHERE is_home AND game_id NOT IN (SELECT game_id FROM sched)""")
    c.execute(f"""CREATE TABLE box AS SELECT * FROM read_parquet({BOX!r})
                  WHERE game_id IN (SELECT game_id FROM sched) AND minutes BETWEEN 0 AND 70
                    AND pts = 2 * fgm + fg3m + ftm""")
    c.execute(f"""CREATE TABLE basic AS SELECT * FROM read_parquet('{BASIC}')
                  WHERE game_id_joined IN (SELECT game_id FROM sched)
                    AND game_id_joined NOT IN (SELECT game_id FROM box) AND min BETWEEN 0 AND 70""")
    c.execute(f"""CREATE TABLE tbox AS SELECT * FROM read_parquet('{TEAM_BOX}')
                  WHERE game_id IN (SELECT game_id FROM sched)""")
    c.execute(f"""CREATE TABLE tbasic AS SELECT * FROM read_parquet('{TEAM_BASIC}')
                  WHERE game_id_joined IN (SELECT game_id FROM sched)
                    AND game_id_joined NOT IN (SELECT game_id FROM tbox)""")
    out = {"raw.schedule": c.execute("SELECT count(*) FROM sched").fetchone()[0]}
    out["raw.player_boxscores"] = c.execute(
        "SELECT (SELECT count(*) FROM box) + (SELECT count(*) FROM basic)"
    ).fetchone()[0]
    out["raw.team_boxscores"] = c.execute(
        "SELECT (SELECT count(*) FROM tbox) + (SELECT count(*) FROM tbasic)"
    ).fetchone()[0]
    out["raw.shots"] = c.execute(
        f"SELECT count(*) FROM read_parquet({SHOTS!r}) WHERE game_id IN (SELECT game_id FROM sched)"
    ).fetchone()[0]
    out["raw.game_lines"] = c.execute(f"""
        SELECT count(*) FROM read_parquet('{LINES}') l
        WHERE coalesce(l.game_id, (SELECT s.game_id FROM sched s WHERE s.game_date = l.game_date
                                   AND s.home_team = l.home_team AND s.away_team = l.away_team))
              IN (SELECT game_id FROM sched)
          AND total_line BETWEEN 150 AND 300 AND coalesce(abs(home_spread), 0) <= 40""").fetchone()[0]
    names = c.execute(
        f"SELECT DISTINCT player_name FROM read_parquet({BOX!r}) UNION "
        f"SELECT DISTINCT player_name FROM read_parquet('{BASIC}')"
    ).fetchall()
    # every roster spelling, the aliases, and the players without a game of reference/players_without_games.csv
    known = sorted(
        {keys.player_lookup(n) for (n,) in names}
        | set(ALIASES)
        | {keys.player_lookup(p.player_name) for p in players.players_without_games()}
    )
    out["raw.injuries"] = c.execute(
        f"""
        WITH ok AS (
            SELECT date, lower(regexp_replace(strip_accents(player_name), '[^A-Za-z0-9]', '', 'g')) AS k,
                   event, coalesce(trim(notes), '') AS notes, t.* EXCLUDE (date, event, notes)
            FROM read_parquet('{INJ}') t
            WHERE player_name IS NOT NULL AND event IN ('out', 'return')
              AND lower(regexp_replace(strip_accents(player_name), '[^A-Za-z0-9]', '', 'g')) IN (SELECT unnest(?))
              AND lower(team_nickname) IN (SELECT lower(nickname) FROM teams)),
             grp AS (SELECT date, k, event, notes,
                            count(DISTINCT (team_nickname, player_name, est_days_out_scraper)) AS variants
                     FROM ok GROUP BY ALL)
        SELECT count(*) FROM grp WHERE variants = 1""",
        [known],
    ).fetchone()[0]
    out["_box_by_season"] = dict(c.execute("SELECT left(season, 4)::INT, count(*) FROM box GROUP BY 1").fetchall())
    out["_basic_by_season"] = dict(c.execute("SELECT left(season, 4)::INT, count(*) FROM basic GROUP BY 1").fetchall())
    return out


def test_exact_row_counts_per_raw_table(real_warehouse_path, expected):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        for table in (
            "raw.schedule",
            "raw.player_boxscores",
            "raw.team_boxscores",
            "raw.shots",
            "raw.game_lines",
            "raw.injuries",
        ):
            assert wh.count(table) == expected[table], table


def test_counts_match_literals_checked_by_hand(real_warehouse_path, expected):
    # 6,955 schedule rows less 24 preseason games against non-NBA clubs (Adelaide, Real Madrid …)
    # plus the 2023 and 2024 NBA Cup finals, derived from the box scores; 3 full-box seasons
    # (103,981 rows, the 55 rows of the two Cup finals included) + the basic log's 2021-22
    # (27,931) and 2025-26 (28,491).
    literal = {
        "raw.schedule": 6931 + 2,
        "raw.player_boxscores": 103981 + 27931 + 28491,
        "raw.team_boxscores": 13136,
        "raw.shots": 217220 + 218701 + 219527,
    }
    for table, n in literal.items():
        assert expected[table] == n, table
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        for table, n in literal.items():
            assert wh.count(table) == n, table


def test_seasons_and_sources_of_player_rows(real_warehouse_path, expected):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute("""
            SELECT season_year, source, count(*), count(fg_attempts), count(three_pt_attempts), count(ft_attempts)
            FROM raw.player_boxscores GROUP BY ALL ORDER BY 1, 2""").fetchall()
        sched = [r[0] for r in wh.con.execute("SELECT DISTINCT season FROM raw.schedule ORDER BY 1").fetchall()]
    assert sched == ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    by = {(r[0], r[1]): r[2:] for r in rows}
    assert sorted({r[0] for r in rows}) == [2021, 2022, 2023, 2024, 2025]
    assert len(rows) == 5, rows  # one source per season: never a mix
    for season in (2021, 2025):
        n, *attempts = by[(season, "basic_log")]
        assert n == expected["_basic_by_season"][season]
        assert attempts == [0, 0, 0]  # the basic log has no attempts: all NULL
    for season in (2022, 2023, 2024):
        n, *attempts = by[(season, "player_box")]
        assert n == expected["_box_by_season"][season]
        assert attempts == [n, n, n]


def test_every_game_has_one_source(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        mixed = wh.con.execute("""SELECT count(*) FROM (SELECT game_id FROM raw.player_boxscores
                                  GROUP BY game_id HAVING count(DISTINCT source) > 1)""").fetchone()[0]
        mixed_team = wh.con.execute("""SELECT count(*) FROM (SELECT game_id FROM raw.team_boxscores
                                       GROUP BY game_id HAVING count(DISTINCT source) > 1)""").fetchone()[0]
    assert mixed == 0 and mixed_team == 0


def test_ingest_log_accounts_for_every_row(real_warehouse_path):
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute("""SELECT source_file, rows_read, rows_loaded + rows_unchanged + rows_duplicate
                                        + rows_superseded + rows_rejected FROM processing.ingest_log""").fetchall()
        files = {r[0] for r in rows}
    assert len(files) == 12
    for name, read, accounted in rows:
        assert read == accounted, name


def test_reingest_changes_nothing(real_copy):
    Warehouse.open(real_copy).close()  # apply any migration added since the session fixture was built
    before = samples.snapshot(real_copy, skip=("processing.ingest_log",))
    with Warehouse.open(real_copy) as wh:
        log_before = wh.count("processing.ingest_log")
        report = ingest_folder(wh)
        log_after = wh.count("processing.ingest_log")
    assert sum(f.rows_loaded for f in report.files) == 0
    assert report.props_changed == 0
    assert samples.snapshot(real_copy, skip=("processing.ingest_log",)) == before
    assert log_after == log_before + 12


def test_every_shot_belongs_to_a_box_score_player_of_its_game(real_warehouse_path):
    """The shot chart spells some names differently (Jimmy Butler / Jimmy Butler III); shots take
    the box score's player_lookup, matched by game and player id."""
    from nbaprops.warehouse import Warehouse

    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        orphans = wh.con.execute("""
            SELECT count(*) FROM raw.shots s WHERE NOT EXISTS (
                SELECT 1 FROM raw.player_boxscores b WHERE b.game_id = s.game_id AND b.player_lookup = s.player_lookup)
        """).fetchone()[0]
        butler = wh.con.execute("SELECT count(*) FROM raw.shots WHERE player_lookup = 'jimmybutleriii'").fetchone()[0]
    assert orphans == 0
    assert butler > 1000
