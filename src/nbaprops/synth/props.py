"""Deterministic synthetic player-points prop snapshots, generated set-based in SQL.

No real player-points prop history exists in the bundled data, so every scheduled game gets
snapshots for the players a sportsbook would price, decided from information available before
the game only:

* who: players whose most recent game before D (at most 200 days before: across an off-season)
  was for one of the game's teams, with ≥ 3 games and ≥ 15 minutes a game over their last 10;
* the estimate: 0.6 · last-10 points mean + 0.4 · last-30 points mean (games before D only);
* books: draftkings (98 % of players), fanduel (90 %), betmgm (70 %), each with its own noise;
* snapshots at 1440, 240 and 30 minutes before a 19:00 local tip-off, plus two in-game
  snapshots (−10 and −45 minutes) that a pre-tip filter must exclude;
* the line: floor(estimate + noise) + 0.5 (books hang half-point lines), noise ~ N(0, 1.6) at the
  opening snapshot that shrinks toward later snapshots, larger in-game; prices around −110;
* noise comes from md5 of (seed, game, player, book, snapshot): the same seed gives the same
  rows, and removing later data changes nothing before it.
Every row has is_synthetic = TRUE.

Incremental regeneration. The lines of a game depend only on the schedule (that game's date and
teams, whether a real props file covers it) and on the played games before it. An ingest takes
a snapshot of those inputs before it loads anything (`snapshot_inputs`); afterwards `generate`
compares them with the loaded data and regenerates only what the changes reach: for a player
whose played rows changed, his lines on games on or after the earliest changed game date; for a
game whose schedule row or real-props cover changed, all its lines. The result equals a full
regeneration (tested); a first generation, a new seed or a missing snapshot regenerates all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from ..calendar import PRESEASON
from ..warehouse import one

DEFAULT_SEED = 20211019
BOOKS = (("draftkings", 0.98), ("fanduel", 0.90), ("betmgm", 0.70))
SNAPSHOTS = ((1440, 1.0), (240, 0.6), (30, 0.35), (-10, 1.6), (-45, 2.4))  # (minutes before tip, noise scale)


def _hash(seed: int, *parts: str) -> str:
    """SQL for the md5 hex digest of the parts (stable across engines and runs)."""
    return f"md5(concat_ws('|', '{seed}', {', '.join(parts)}))"


def _uniform(h: str, k: int) -> str:
    """The k-th (0..3) uniform number in (0, 1) carved out of the md5 hex digest h."""
    return f"((('0x' || substr({h}, {1 + 8 * k}, 8))::BIGINT)::DOUBLE + 0.5) / 4294967296.0"


# The inputs the lines read, as generate() compares them before and after an ingest.
PLAYED_SQL = """SELECT player_lookup, team_abbr, game_date, points, minutes FROM raw.player_boxscores
                WHERE coalesce(minutes, 0) > 0 OR coalesce(points, 0) > 0"""
GAMES_SQL = f"""SELECT game_id, game_date, home_team_abbr, away_team_abbr,
                       game_id IN (SELECT game_id FROM raw.player_points_props WHERE source <> 'synthetic_props')
                           AS has_real_props
                FROM raw.schedule WHERE season_type <> '{PRESEASON}'"""
SNAPSHOT_TABLES = ("_props_before_played", "_props_before_games")
SCOPE_TABLES = ("_props_players", "_props_games")


def snapshot_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the inputs of the synthetic lines into temp tables (before an ingest loads files), so
    that generate() can regenerate only what the ingest changed."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SNAPSHOT_TABLES[0]} AS {PLAYED_SQL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {SNAPSHOT_TABLES[1]} AS {GAMES_SQL}")


def drop_snapshot(con: duckdb.DuckDBPyConnection) -> None:
    for t in SNAPSHOT_TABLES + SCOPE_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {t}")


@dataclass
class Scope:
    """What changed since the snapshot: players (each from his earliest changed game date) and games."""

    players: int
    games: int

    @property
    def empty(self) -> bool:
        return not (self.players or self.games)


def _changed_scope(con: duckdb.DuckDBPyConnection) -> Scope:
    """Fill _props_players (player_lookup, since) and _props_games (game_id) from the snapshot."""
    played, games = SNAPSHOT_TABLES
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _props_players AS
        SELECT player_lookup, min(game_date) AS since FROM (
            (SELECT * FROM {played} EXCEPT ALL SELECT * FROM ({PLAYED_SQL}))
            UNION ALL
            (SELECT * FROM ({PLAYED_SQL}) EXCEPT ALL SELECT * FROM {played}))
        GROUP BY player_lookup""")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _props_games AS
        SELECT DISTINCT game_id FROM (
            (SELECT * FROM {games} EXCEPT ALL SELECT * FROM ({GAMES_SQL}))
            UNION ALL
            (SELECT * FROM ({GAMES_SQL}) EXCEPT ALL SELECT * FROM {games}))""")
    return Scope(
        players=one(con.execute("SELECT count(*) FROM _props_players"))[0],
        games=one(con.execute("SELECT count(*) FROM _props_games"))[0],
    )


# A synthetic row in the changed scope (alias `t`), for the scoped SQL and the replacement.
IN_SCOPE = """(t.game_id IN (SELECT game_id FROM _props_games)
               OR EXISTS (SELECT 1 FROM _props_players a
                          WHERE a.player_lookup = t.player_lookup AND t.game_date >= a.since))"""


def build_sql(seed: int, *, scoped: bool = False) -> str:
    """The synthetic snapshots of every scheduled game; scoped=True: only those in the changed
    scope (_props_players / _props_games, see _changed_scope), computed from the same full
    history of the players concerned, hence equal to the same rows of a full generation."""
    # scoped: the form of the changed players only, unless a changed game needs everyone's
    played_scope = (
        ("AND (player_lookup IN (SELECT player_lookup FROM _props_players) OR EXISTS (SELECT 1 FROM _props_games))")
        if scoped
        else ""
    )
    eligible_scope = (
        (
            "WHERE "
            + IN_SCOPE.replace("t.game_id", "s.game_id")
            .replace("t.player_lookup", "f.player_lookup")
            .replace("t.game_date", "s.game_date")
        )
        if scoped
        else ""
    )
    books = " UNION ALL ".join(f"SELECT '{b}' AS bookmaker, {p} AS coverage" for b, p in BOOKS)
    snaps = " UNION ALL ".join(f"SELECT {m} AS minutes_before_tipoff, {s} AS noise_scale" for m, s in SNAPSHOTS)
    pick = _hash(seed, "e.game_id", "e.player_lookup", "b.bookmaker")
    snap = _hash(seed, "p.game_id", "p.player_lookup", "p.bookmaker", "CAST(s.minutes_before_tipoff AS VARCHAR)")
    return f"""
    WITH games AS (
        SELECT game_id, game_date, home_team_abbr, away_team_abbr FROM raw.schedule
        WHERE season_type <> '{PRESEASON}'
          AND game_id NOT IN (SELECT game_id FROM raw.player_points_props WHERE source <> 'synthetic_props')),
    slots AS (
        SELECT game_id, game_date, home_team_abbr AS team_abbr FROM games
        UNION ALL SELECT game_id, game_date, away_team_abbr FROM games),
    played AS (
        SELECT player_lookup, team_abbr, game_date, points, minutes
        FROM raw.player_boxscores WHERE (coalesce(minutes, 0) > 0 OR coalesce(points, 0) > 0) {played_scope}),
    form AS (  -- form after each game over the player's last 10 / 30 games, and the next game's date
        SELECT player_lookup, team_abbr, game_date,
               lead(game_date) OVER (PARTITION BY player_lookup ORDER BY game_date) AS next_date,
               avg(points) OVER w10 AS pts10, avg(points) OVER w30 AS pts30,
               avg(minutes) OVER w10 AS min10, count(*) OVER w10 AS n10
        FROM played
        WINDOW w10 AS (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
               w30 AS (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)),
    spans AS (  -- the days (after a game, up to and including the next one, at most 200) on which
                -- that game is the player's latest game before the day: who a book would price
        SELECT *, game_date + unnest(range(1, least(coalesce(next_date, game_date + 200), game_date + 200)
                                                - game_date + 1))::INTEGER AS day
        FROM form WHERE n10 >= 3 AND min10 >= 15),
    eligible AS (
        SELECT s.game_id, s.game_date, s.team_abbr, f.player_lookup, 0.6 * f.pts10 + 0.4 * f.pts30 AS estimate
        FROM spans f JOIN slots s ON s.team_abbr = f.team_abbr AND s.game_date = f.day
        {eligible_scope}),
    books AS ({books}),
    snaps AS ({snaps}),
    picks AS (  -- one draw per (game, player, book): coverage and the opening noise
        SELECT e.*, b.bookmaker, b.coverage, {pick} AS h FROM eligible e CROSS JOIN books b),
    draws AS (
        SELECT p.game_id, p.game_date, p.team_abbr, p.player_lookup, p.bookmaker, s.minutes_before_tipoff,
               p.estimate, s.noise_scale, p.coverage,
               {_uniform("p.h", 0)} AS cov_draw,
               sqrt(-2 * ln({_uniform("p.h", 1)})) * cos(2 * pi() * {_uniform("p.h", 2)}) * 1.6 AS open_noise,
               {snap} AS hs
        FROM picks p CROSS JOIN snaps s WHERE {_uniform("p.h", 0)} < p.coverage),
    noisy AS (
        SELECT *, sqrt(-2 * ln({_uniform("hs", 0)})) * cos(2 * pi() * {_uniform("hs", 1)}) * noise_scale AS snap_noise,
               {_uniform("hs", 2)} AS price_draw
        FROM draws)
    SELECT game_id, game_date, bookmaker, player_lookup, team_abbr,
           game_date + INTERVAL 19 HOUR - to_minutes(minutes_before_tipoff) AS snapshot_timestamp,
           minutes_before_tipoff::INTEGER AS minutes_before_tipoff,
           greatest(0.5, floor(estimate + CASE WHEN minutes_before_tipoff = 1440 THEN open_noise
                                               ELSE 0.5 * open_noise + 0.6 * snap_noise END) + 0.5) AS points_line,
           {_american("-110 - round((price_draw - 0.5) * 30)")} AS over_price_american,
           {_american("-110 + round((price_draw - 0.5) * 30)")} AS under_price_american,
           TRUE AS is_synthetic
    FROM noisy
    """


def _american(cents: str) -> str:
    """A price drawn as −125 … −95 written as American odds: no price lies strictly between −100 and
    +100, so −95 (a bettor risks 95 to win 100: decimal 2.053) is written +105 (risks 100 to win 105)."""
    return f"(CASE WHEN ({cents}) > -100 THEN round(10000.0 / -({cents})) ELSE ({cents}) END)::INTEGER"


COLUMNS = (
    "game_id, game_date, bookmaker, player_lookup, team_abbr, snapshot_timestamp, minutes_before_tipoff, "
    "points_line, over_price_american, under_price_american, is_synthetic"
)
BOOKKEEPING = "source, source_file, row_hash, ingested_at"


@dataclass
class Generated:
    """What generate() did: rows generated (all, or those of the changed scope), rows inserted
    or replaced, and the scope (None: a full generation)."""

    generated: int
    changed: int
    scope: Scope | None = None


def generate(
    con: duckdb.DuckDBPyConnection, *, seed: int = DEFAULT_SEED, now: datetime | None = None, incremental: bool = True
) -> Generated:
    """(Re)generate synthetic snapshots; only rows whose content changed are rewritten. With a
    snapshot of the inputs (snapshot_inputs) and incremental=True, only the changed scope is
    regenerated; otherwise every row."""
    now = now or datetime.now()
    cols = COLUMNS
    source_file = f"generated:seed={seed}"
    existing, other_seed = one(
        con.execute(
            "SELECT count(*), count(*) FILTER (WHERE source_file <> ?) FROM raw.player_points_props "
            "WHERE source = 'synthetic_props'",
            [source_file],
        )
    )
    if not existing:  # first generation: insert straight away, nothing to compare with
        n = one(
            con.execute(
                f"INSERT INTO raw.player_points_props ({cols}, {BOOKKEEPING}) SELECT {cols}, 'synthetic_props', ?, "
                f"md5(concat_ws('|', {cols})), ? FROM ({build_sql(seed)})",
                [source_file, now],
            )
        )[0]
        return Generated(n, n)
    has_snapshot = one(
        con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [SNAPSHOT_TABLES[1]])
    )[0]
    scope = _changed_scope(con) if incremental and has_snapshot and not other_seed else None
    if scope is not None and scope.empty:
        return Generated(0, 0, scope)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _props AS SELECT *, md5(concat_ws('|', {cols})) AS row_hash "
        f"FROM ({build_sql(seed, scoped=scope is not None)})"
    )
    total = one(con.execute("SELECT count(*) FROM _props"))[0]
    in_scope = f"AND {IN_SCOPE}" if scope is not None else ""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _props_stale AS
                   SELECT game_id, bookmaker, player_lookup, snapshot_timestamp FROM raw.player_points_props t
                   WHERE source = 'synthetic_props' {in_scope} AND row_hash NOT IN (SELECT row_hash FROM _props)""")
    con.execute("""DELETE FROM raw.player_points_props t USING _props_stale s
                   WHERE t.game_id = s.game_id AND t.bookmaker = s.bookmaker AND t.player_lookup = s.player_lookup
                     AND t.snapshot_timestamp = s.snapshot_timestamp""")
    changed = one(
        con.execute(
            f"INSERT INTO raw.player_points_props ({cols}, {BOOKKEEPING}) "
            f"SELECT {cols}, 'synthetic_props', ?, row_hash, ? FROM _props "
            "WHERE row_hash NOT IN (SELECT row_hash FROM raw.player_points_props WHERE source = 'synthetic_props')",
            [source_file, now],
        )
    )[0]
    con.execute("DROP TABLE IF EXISTS _props")
    con.execute("DROP TABLE IF EXISTS _props_stale")
    return Generated(total, changed, scope)
