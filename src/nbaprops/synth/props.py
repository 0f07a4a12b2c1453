"""Deterministic synthetic player-points prop snapshots, generated set-based in SQL.

No real player-points prop history exists in the bundled data, so every scheduled game gets
snapshots for the players a sportsbook would price, decided from information available before
the game only:

* who: players whose most recent game before D was for one of the game's teams, within the
  last 30 days, with ≥ 3 games and ≥ 15 minutes a game over their last 10 games;
* the estimate: 0.6 · last-10 points mean + 0.4 · last-30 points mean (games before D only);
* books: draftkings (98 % of players), fanduel (90 %), betmgm (70 %), each with its own noise;
* snapshots at 1440, 240 and 30 minutes before a 19:00 local tip-off, plus two in-game
  snapshots (−10 and −45 minutes) that a pre-tip filter must exclude;
* the line: floor(estimate + noise) + 0.5 (books hang half-point lines), noise ~ N(0, 1.6) at the
  opening snapshot that shrinks toward later snapshots, larger in-game; prices around −110;
* noise comes from md5 of (seed, game, player, book, snapshot): the same seed gives the same
  rows, and removing later data changes nothing before it.
Every row has is_synthetic = TRUE."""

from __future__ import annotations

from datetime import datetime

import duckdb

DEFAULT_SEED = 20211019
BOOKS = (("draftkings", 0.98), ("fanduel", 0.90), ("betmgm", 0.70))
SNAPSHOTS = ((1440, 1.0), (240, 0.6), (30, 0.35), (-10, 1.6), (-45, 2.4))  # (minutes before tip, noise scale)


def _uniform(seed: int, *parts: str) -> str:
    """SQL for a uniform [0, 1) number from md5 of the parts (stable across engines and runs)."""
    joined = ", ".join(parts)
    return f"((md5_number(concat_ws('|', '{seed}', {joined})) % 1000003)::DOUBLE + 0.5) / 1000003.0"


def build_sql(seed: int) -> str:
    books = " UNION ALL ".join(f"SELECT '{b}' AS bookmaker, {p} AS coverage" for b, p in BOOKS)
    snaps = " UNION ALL ".join(f"SELECT {m} AS minutes_before_tipoff, {s} AS noise_scale" for m, s in SNAPSHOTS)
    u1 = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "'n1'")
    u2 = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "'n2'")
    u3 = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "CAST(s.minutes_before_tipoff AS VARCHAR)", "'s1'")
    u4 = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "CAST(s.minutes_before_tipoff AS VARCHAR)", "'s2'")
    ucov = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "'cov'")
    uprice = _uniform(seed, "e.game_id", "e.player_lookup", "b.bookmaker", "CAST(s.minutes_before_tipoff AS VARCHAR)", "'px'")
    return f"""
    WITH games AS (
        SELECT game_id, game_date, home_team_abbr, away_team_abbr FROM raw.schedule
        WHERE season_type <> 'Pre Season'
          AND game_id NOT IN (SELECT game_id FROM raw.player_points_props WHERE NOT is_synthetic)),
    slots AS (
        SELECT game_id, game_date, home_team_abbr AS team_abbr FROM games
        UNION ALL SELECT game_id, game_date, away_team_abbr FROM games),
    played AS (
        SELECT player_lookup, team_abbr, game_date, points, minutes
        FROM raw.player_boxscores WHERE coalesce(minutes, 0) > 0 OR coalesce(points, 0) > 0),
    form AS (  -- form after each game, over the player's last 10 / 30 games including it
        SELECT player_lookup, team_abbr, game_date,
               avg(points) OVER w10 AS pts10, avg(points) OVER w30 AS pts30,
               avg(minutes) OVER w10 AS min10, count(*) OVER w10 AS n10
        FROM played
        WINDOW w10 AS (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 9 PRECEDING AND CURRENT ROW),
               w30 AS (PARTITION BY player_lookup ORDER BY game_date ROWS BETWEEN 29 PRECEDING AND CURRENT ROW)),
    candidates AS (  -- played for the team in the 30 days before the game
        SELECT DISTINCT s.game_id, s.game_date, s.team_abbr, p.player_lookup
        FROM slots s JOIN played p
          ON p.team_abbr = s.team_abbr AND p.game_date < s.game_date AND p.game_date >= s.game_date - 30),
    eligible AS (  -- the player's latest game before the game day was for this team
        SELECT c.game_id, c.game_date, c.team_abbr, c.player_lookup,
               0.6 * f.pts10 + 0.4 * f.pts30 AS estimate
        FROM candidates c ASOF JOIN form f ON f.player_lookup = c.player_lookup AND f.game_date < c.game_date
        WHERE f.team_abbr = c.team_abbr AND f.n10 >= 3 AND f.min10 >= 15),
    books AS ({books}),
    snaps AS ({snaps}),
    draws AS (
        SELECT e.game_id, e.game_date, e.team_abbr, e.player_lookup, b.bookmaker, s.minutes_before_tipoff,
               e.estimate,
               sqrt(-2 * ln({u1})) * cos(2 * pi() * {u2}) * 1.6 AS open_noise,
               sqrt(-2 * ln({u3})) * cos(2 * pi() * {u4}) * s.noise_scale AS snap_noise,
               s.noise_scale, {ucov} AS cov_draw, b.coverage, {uprice} AS price_draw
        FROM eligible e CROSS JOIN books b CROSS JOIN snaps s)
    SELECT game_id, game_date, bookmaker, player_lookup, team_abbr,
           game_date + INTERVAL 19 HOUR - to_minutes(minutes_before_tipoff) AS snapshot_timestamp,
           minutes_before_tipoff::INTEGER AS minutes_before_tipoff,
           greatest(0.5, floor(estimate + CASE WHEN minutes_before_tipoff = 1440 THEN open_noise
                                               ELSE 0.5 * open_noise + 0.6 * snap_noise END) + 0.5) AS points_line,
           (-110 - round((price_draw - 0.5) * 30))::INTEGER AS over_price_american,
           (-110 + round((price_draw - 0.5) * 30))::INTEGER AS under_price_american,
           TRUE AS is_synthetic
    FROM draws WHERE cov_draw < coverage
    """


def generate(con: duckdb.DuckDBPyConnection, *, seed: int = DEFAULT_SEED, now: datetime | None = None) -> tuple[int, int]:
    """(Re)generate synthetic snapshots; only rows whose content changed are rewritten.
    Returns (rows generated, rows inserted or replaced)."""
    now = now or datetime.now()
    cols = ("game_id, game_date, bookmaker, player_lookup, team_abbr, snapshot_timestamp, minutes_before_tipoff, "
            "points_line, over_price_american, under_price_american, is_synthetic")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _props AS SELECT *, md5(concat_ws('|', {cols})) AS row_hash "
                f"FROM ({build_sql(seed)})")
    total = con.execute("SELECT count(*) FROM _props").fetchone()[0]
    con.execute("""CREATE OR REPLACE TEMP TABLE _props_stale AS
                   SELECT game_id, bookmaker, player_lookup, snapshot_timestamp FROM raw.player_points_props
                   WHERE is_synthetic AND row_hash NOT IN (SELECT row_hash FROM _props)""")
    con.execute("""DELETE FROM raw.player_points_props t USING _props_stale s
                   WHERE t.game_id = s.game_id AND t.bookmaker = s.bookmaker AND t.player_lookup = s.player_lookup
                     AND t.snapshot_timestamp = s.snapshot_timestamp""")
    changed = con.execute(
        f"INSERT INTO raw.player_points_props SELECT {cols}, 'synthetic_props', 'generated:seed={seed}', row_hash, ? "
        f"FROM _props WHERE row_hash NOT IN (SELECT row_hash FROM raw.player_points_props WHERE is_synthetic)",
        [now]).fetchone()[0]
    con.execute("DROP TABLE IF EXISTS _props")
    con.execute("DROP TABLE IF EXISTS _props_stale")
    return total, changed
