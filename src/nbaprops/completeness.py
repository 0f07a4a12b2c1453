"""Completeness and dependency checks, defined once as SQL snippets.

Every Phase 4 model (and the feature store) calls them as render-time macros, expanded when
the catalog loads (nbaprops.macros): `@dependency_check(player|team|player_rows)` after the
model's cmp_dates, `@completeness_windows(player|team|player_shared, windows...)` after its
cmp_universe, and `@completeness_columns(alias, windows...)` in its final SELECT. A model's
windows are named once, in those calls; the first is the primary window.

The players' windows are computed once, by precompute.player_completeness (every player with a
game in D's season before D); the player models (PSZA, PCF, PDC, the feature store) read their
windows from it. The team model (TDZA) computes its own.

Definition (entering D; every count is `< D` on both sides, same season as D, non-preseason):

- Expected games of a **team**: its scheduled games (home and away alike: the original's
  home-team-only crediting is gone) in the window.
- Expected games of a **player**: the scheduled games of the team he was on at the time. A
  player is on the team of his latest Phase 3 row (analytics.player_game_summary) on or before
  a game's date: his stint with a team runs from his first row for it up to (not including) his
  next row for another team, so after a trade the old team's games count until his first game
  for the new one, and the new team's games count from then on. Nothing is expected before his
  first row of the season (a debut or a signing is not a hole).
- Actual games: the expected games for which the upstream table holds a row for the entity
  (analytics.team_defense_game_summary for teams; analytics.player_game_summary for players,
  which holds the games a player played: a game he sat out is a game missing from his window,
  as in the original).
- Windows: `lN` = the entity's last N expected games before D (so expected = least(N,
  scheduled games so far) and actual <= expected: capped at the window); `lNd` = the expected
  games with D − N <= game_date < D.
- completeness_pct = 100 · actual / expected (1 dp; NULL when nothing is expected).
  A window is complete when actual >= 90 % of expected (a window expecting nothing is
  complete). is_production_ready = every window of the model complete AND the primary window
  expects at least one game; completeness_reason says which windows fell short (NULL when
  ready).

Inputs the model defines before pasting the snippets: `cmp_universe(entity_id, season_year, d)`
(one row per entity and date to describe) and `cmp_dates(d, season_year)` (the model's dates).
Output: `cmp(entity_id, d, <window>_expected_games / _actual_games for the model's windows)`,
`cmp_out` (those with percentages, is_production_ready, completeness_reason) and
the dependency check of the week before D, counted against the schedule team by team: every
scheduled game (team, date) of D's season in [D − 7, D) should have upstream rows of that team.
`cmp_date_check(d, missing_dates, first_missing_date)`: whole dates missing (no team of a
scheduled date has a row: the model writes one DATE_LEVEL MISSING_DEPENDENCY row for D instead
of computing from the hole); `cmp_team_check(d, team_abbr, missing_games, first_missing_game)`:
a team's games missing on dates the other teams have rows for (the model writes a
MISSING_DEPENDENCY failure row for each of that team's entities on D, a player being counted
with the team he plays for on D (the shot-zone model: the team of his latest game before D),
and computes the rest of the league). A team hole is not a DATE_LEVEL failure on purpose: one
late box score would otherwise withhold every player of the next week.

Set-based: one union of the entities' expected games and the universe per entity and season,
window functions over it in one ordering (no per-entity loop, no per-date query). Only the universe's entities
and seasons are expanded into expected games, so a one-date run counts the ~200 players of
that date, not the whole lookback's league.
"""

from __future__ import annotations

from .macros import macro

# The expected games' calendar: every team's scheduled games.
SCHEDULE = """cmp_sched AS (
    -- completeness: every team's scheduled non-preseason games, home and away alike
    -- (only the model's seasons: every window stays within D's season)
    SELECT home_team_abbr AS team_abbr, season_year, game_date FROM raw.schedule
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
    UNION
    SELECT away_team_abbr, season_year, game_date FROM raw.schedule
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
),"""

# Players: upstream rows = analytics.player_game_summary; expected = the games of the team of
# the player's latest row (his stint), from his first row of the season on.
PLAYER_ROWS = """cmp_rows AS (
    -- completeness: the player's upstream rows (one per date) and the team of each
    SELECT player_lookup AS entity_id, season_year, game_date, min(team_abbr) AS team_abbr
    FROM analytics.player_game_summary
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
    GROUP BY player_lookup, season_year, game_date
),"""
PLAYER_EVENTS = """cmp_keys AS (
    -- completeness: only the universe's entities and seasons are counted (windows never cross
    -- an entity or a season, so the rest of the history cannot change a count)
    SELECT DISTINCT entity_id, season_year FROM cmp_universe
),
cmp_stints AS (
    -- completeness: the player's stints = runs of consecutive rows for one team; a stint lasts
    -- from its first row up to (not including) the first row of the next stint
    SELECT entity_id, season_year, team_abbr, min(game_date) AS stint_start
    FROM (SELECT entity_id, season_year, game_date, team_abbr,
                 sum(new_stint) OVER (PARTITION BY entity_id, season_year ORDER BY game_date
                                      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS stint
          FROM (SELECT r.entity_id, r.season_year, r.game_date, r.team_abbr,
                       CASE WHEN r.team_abbr = lag(r.team_abbr) OVER (PARTITION BY r.entity_id, r.season_year
                                                                      ORDER BY r.game_date)
                            THEN 0 ELSE 1 END AS new_stint
                FROM cmp_rows r
                JOIN cmp_keys k ON k.entity_id = r.entity_id AND k.season_year = r.season_year) x) y
    GROUP BY entity_id, season_year, team_abbr, stint
),
cmp_events AS (
    -- completeness: the player's expected games = his stint team's scheduled games during the
    -- stint; has_row = he has a row on that date
    SELECT st.entity_id, st.season_year, s.game_date, (r.entity_id IS NOT NULL) AS has_row
    FROM (SELECT *, lead(stint_start) OVER (PARTITION BY entity_id, season_year ORDER BY stint_start) AS stint_end
          FROM cmp_stints) st
    JOIN cmp_sched s
      ON s.team_abbr = st.team_abbr AND s.season_year = st.season_year
     AND s.game_date >= st.stint_start AND s.game_date < coalesce(st.stint_end, DATE '9999-12-31')
    LEFT JOIN cmp_rows r ON r.entity_id = st.entity_id AND r.season_year = st.season_year AND r.game_date = s.game_date
),"""

# Teams: upstream rows = analytics.team_defense_game_summary; expected = all the team's games.
TEAM_ROWS = """cmp_rows AS (
    -- completeness: the team's upstream rows (one per date)
    SELECT DISTINCT defending_team_abbr AS entity_id, season_year, game_date
    FROM analytics.team_defense_game_summary
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
),"""
TEAM_EVENTS = """cmp_keys AS (
    -- completeness: only the universe's entities and seasons are counted
    SELECT DISTINCT entity_id, season_year FROM cmp_universe
),
cmp_events AS (
    -- completeness: the team's expected games = its scheduled games; has_row = a row exists
    SELECT s.team_abbr AS entity_id, s.season_year, s.game_date, (r.entity_id IS NOT NULL) AS has_row
    FROM cmp_sched s
    JOIN cmp_keys k ON k.entity_id = s.team_abbr AND k.season_year = s.season_year
    LEFT JOIN cmp_rows r ON r.entity_id = s.team_abbr AND r.season_year = s.season_year AND r.game_date = s.game_date
),"""


# Windows over the expected games, joined to the universe in one ordered pass; each model
# computes only the windows it reports (a window is two running aggregates over every expected
# game of the range, so unused ones would cost a full backfill seconds).
def _size(window: str) -> int:
    return int(window[1:-1] if window.endswith("d") else window[1:])


def windows_sql(windows: tuple[str, ...]) -> str:
    """cmp_games, cmp_stream, cmp_state and cmp for the given windows (lN: last N expected
    games; lNd: expected games in [D - N, D))."""
    games = [w for w in windows if not w.endswith("d")]
    days = [w for w in windows if w.endswith("d")]
    # expected over the last N expected games = least(N, games so far): no window needed
    g_cols = "".join(
        f",\n           least({_size(w)}, row_number() OVER (PARTITION BY entity_id, season_year ORDER BY game_date)) "
        f"AS e{_size(w)}, sum(has_row::INTEGER) OVER cg{_size(w)} AS a{_size(w)}"
        for w in games
    )
    g_wins = ",\n           ".join(
        (
            f"cg{_size(w)} AS (PARTITION BY entity_id, season_year ORDER BY game_date ROWS BETWEEN "
            f"{_size(w) - 1} PRECEDING AND CURRENT ROW)"
        )
        for w in games
    )
    # The stream is ordered by k = 2 * day + ev: a universe row (ev = 0) sorts before the games
    # of its own date, so a running count at it stops before D, and the day window [D - N, D)
    # is the k-range [k - 2N, k - 1]. One ordering, one sort; expected and actual games of a
    # day window are packed into one sum (expected * 1024 + actual; counts stay far below 1024).
    d_cols = "".join(f",\n           sum(ev * 1024 + act) OVER cd{_size(w)} AS p{_size(w)}d" for w in days)
    d_wins = (
        (
            "\n    WINDOW "
            + ",\n           ".join(
                (
                    f"cd{_size(w)} AS (PARTITION BY entity_id, season_year ORDER BY k RANGE BETWEEN "
                    f"{2 * _size(w)} PRECEDING AND 1 PRECEDING)"
                )
                for w in days
            )
        )
        if days
        else ""
    )
    cols = []
    for w in windows:
        if w.endswith("d"):
            packed = f"coalesce(s.p{_size(w)}d, 0)"
            cols.append(
                f"({packed} // 1024)::INTEGER AS {w}_expected_games, ({packed} % 1024)::INTEGER AS {w}_actual_games"
            )
        else:
            cols.append(
                f"coalesce(g.e{_size(w)}, 0)::INTEGER AS {w}_expected_games, "
                f"coalesce(g.a{_size(w)}, 0)::INTEGER AS {w}_actual_games"
            )
    return f"""cmp_games AS (
    -- completeness: after each expected game, expected / actual over the last N expected games
    SELECT entity_id, season_year, game_date, has_row::INTEGER AS act,
           row_number() OVER (PARTITION BY entity_id, season_year ORDER BY game_date) AS seq{g_cols}
    FROM cmp_events{chr(10) + "    WINDOW " + g_wins if games else ""}
),
cmp_stream AS (
    -- completeness: expected games (ev = 1) and the universe (ev = 0) of each entity and season
    SELECT entity_id, season_year, game_date AS d, 2 * date_diff('day', DATE '2000-01-01', game_date) + 1 AS k,
           1 AS ev, act
    FROM cmp_games
    UNION ALL
    SELECT entity_id, season_year, d, 2 * date_diff('day', DATE '2000-01-01', d), 0, 0 FROM cmp_universe
),
cmp_state AS (
    -- every count stops before D (see k)
    SELECT entity_id, season_year, d, ev,
           sum(ev) OVER (PARTITION BY entity_id, season_year ORDER BY k
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS seq_before{d_cols}
    FROM cmp_stream{d_wins}
),
cmp AS (
    -- completeness per entity and D: expected / actual games per window
    SELECT s.entity_id, s.d,
           {("," + chr(10) + "           ").join(cols)}
    FROM cmp_state s
    LEFT JOIN cmp_games g ON g.entity_id = s.entity_id AND g.season_year = s.season_year AND g.seq = s.seq_before
    WHERE s.ev = 0
),"""


PLAYER_SHARED_DEPS = SCHEDULE + "\n" + PLAYER_ROWS


# Players: the windows are the same whatever the model (the player's expected games entering D),
# so precompute.player_completeness computes them once, for every player with a game in D's
# season before D, and each player model takes its windows from it (a player without a row
# there has no game this season before D: nothing is expected).
PLAYER_SHARED_TABLE = "precompute.player_completeness"
PLAYER_SHARED_WINDOWS = ("l5", "l10", "l20", "l7d", "l14d")


def player_shared_block() -> str:
    """Block 2 of precompute.player_completeness: expected games and every player window."""
    return PLAYER_EVENTS + "\n" + windows_sql(PLAYER_SHARED_WINDOWS)


def output_cte(windows: tuple[str, ...], name: str = "cmp_out") -> str:
    """The per-model output CTE: the model's windows (the first is the primary one), the
    per-window percentages, is_production_ready and the reason. Same pattern in every model."""
    prim = windows[0]
    cols = []
    for w in windows:
        cols.append(
            f"{w}_expected_games, {w}_actual_games, "
            f"round(100.0 * {w}_actual_games / nullif({w}_expected_games, 0), 1) AS {w}_completeness_pct"
        )
    ok = " AND ".join(f"{w}_actual_games * 10 >= {w}_expected_games * 9" for w in windows)
    short = ",\n               ".join(
        f"CASE WHEN {w}_actual_games * 10 < {w}_expected_games * 9 THEN '{w}: ' || {w}_actual_games || ' of ' "
        f"|| {w}_expected_games || ' games' END"
        for w in windows
    )
    return f"""{name} AS (
    -- completeness columns of this model (windows {", ".join(windows)}; primary {prim})
    SELECT entity_id, d,
           {("," + chr(10) + "           ").join(cols)},
           {prim}_expected_games AS expected_games, {prim}_actual_games AS actual_games,
           round(100.0 * {prim}_actual_games / nullif({prim}_expected_games, 0), 1) AS completeness_pct,
           ({prim}_expected_games > 0 AND {ok}) AS is_production_ready,
           CASE WHEN {prim}_expected_games = 0 THEN 'no games expected before this date this season'
                WHEN {ok} THEN NULL  -- (cheap integer tests first: most rows need no text)
                ELSE concat_ws('; ',
               {short}) END AS completeness_reason
    FROM cmp
),"""


def output_column_names(windows: tuple[str, ...]) -> list[str]:
    """The completeness columns of a model with these windows, in their order in every model."""
    cols = []
    for w in windows:
        cols += [f"{w}_expected_games", f"{w}_actual_games", f"{w}_completeness_pct"]
    return [*cols, "expected_games", "actual_games", "completeness_pct", "is_production_ready", "completeness_reason"]


def output_columns(windows: tuple[str, ...], alias: str = "c") -> str:
    """The completeness columns as selected from the output CTE."""
    return ", ".join(f"{alias}.{c}" for c in output_column_names(windows))


# Teams: the windows of the team model (TDZA), computed once by precompute.team_completeness for
# every team of D's season; the dependency check of the week before D computed once, for both
# upstream tables, by precompute.dependency_holes.
TEAM_SHARED_TABLE = "precompute.team_completeness"
TEAM_SHARED_WINDOWS = ("l15", "l30d")
HOLES_TABLE = "precompute.dependency_holes"
UPSTREAM = {"player": "analytics.player_game_summary", "team": "analytics.team_defense_game_summary"}


def shared_windows(table: str, key: str, time_column: str, windows: tuple[str, ...]) -> str:
    """Block 2 of a model that reads its windows from a shared completeness table: cmp (from the
    table; no row there: nothing expected) and its output CTE."""
    cols = ",\n           ".join(
        (
            f"coalesce(pc.{w}_expected_games, 0) AS {w}_expected_games, coalesce(pc.{w}_actual_games, "
            f"0) AS {w}_actual_games"
        )
        for w in windows
    )
    return f"""cmp AS (
    -- completeness: the entity's windows entering D, computed once by {table}
    -- (no row there: no game this season before D, nothing expected)
    SELECT u.entity_id, u.d,
           {cols}
    FROM cmp_universe u
    LEFT JOIN {table} pc ON pc.{key} = u.entity_id AND pc.{time_column} = u.d
     AND pc.{time_column} BETWEEN $start_date AND $end_date   -- (the range stated: DuckDB would read every date)
),
""" + output_cte(windows)


def holes_block() -> str:
    """precompute.dependency_holes' CTEs after its cmp_dates: the scheduled games of the week
    before D that each upstream table holds nothing of, as whole dates and per team."""
    return (
        SCHEDULE
        + f"""
cmp_team_dates AS (
    -- dependency: the (team, date) pairs each upstream table holds rows for
    SELECT DISTINCT '{UPSTREAM["player"]}' AS upstream_table, team_abbr, game_date
    FROM {UPSTREAM["player"]}
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
    UNION ALL
    SELECT DISTINCT '{UPSTREAM["team"]}', defending_team_abbr, game_date
    FROM {UPSTREAM["team"]}
    WHERE season_type <> @preseason AND game_date >= $read_start AND game_date < $end_date
      AND season_year IN (SELECT season_year FROM cmp_dates)
),
cmp_upstreams AS (
    SELECT '{UPSTREAM["player"]}' AS upstream_table UNION ALL SELECT '{UPSTREAM["team"]}'
),
cmp_holes AS (
    -- dependency: each scheduled game (team, date) of D's season in [D-7, D) for which the
    -- upstream table holds no row of the team
    SELECT u.upstream_table, d.d, s.team_abbr, s.game_date
    FROM cmp_dates d
    CROSS JOIN cmp_upstreams u
    JOIN cmp_sched s
      ON s.season_year = d.season_year AND s.game_date >= d.d - INTERVAL 7 DAY AND s.game_date < d.d
    LEFT JOIN cmp_team_dates r
      ON r.upstream_table = u.upstream_table AND r.team_abbr = s.team_abbr AND r.game_date = s.game_date
    WHERE r.game_date IS NULL
),
cmp_hole_dates AS (
    -- dependency: is any team's row of the hole's date there (a team hole) or none (a date hole)?
    SELECT h.*, EXISTS (SELECT 1 FROM cmp_team_dates r
                        WHERE r.upstream_table = h.upstream_table AND r.game_date = h.game_date) AS date_has_rows
    FROM cmp_holes h
),"""
    )


def dependency_reads(entity: str) -> str:
    """cmp_date_check and cmp_team_check of a model, read from precompute.dependency_holes."""
    up = UPSTREAM[entity]
    return f"""cmp_date_check AS (
    -- dependency: whole dates missing in {up} (no team of a scheduled date has a row) in the
    -- week before D: D is not computed ({HOLES_TABLE})
    SELECT analysis_date AS d, missing_dates, first_missing_date FROM {HOLES_TABLE}
    WHERE upstream_table = '{up}' AND team_abbr = 'DATE_LEVEL' AND analysis_date BETWEEN $start_date AND $end_date
),
cmp_team_check AS (
    -- dependency: one team's games missing in {up} on dates the other teams have rows for:
    -- that team's entities are not computed for D, the rest of the league is
    SELECT analysis_date AS d, team_abbr, missing_games, first_missing_game FROM {HOLES_TABLE}
    WHERE upstream_table = '{up}' AND team_abbr <> 'DATE_LEVEL' AND analysis_date BETWEEN $start_date AND $end_date
),"""


# -- the macros ------------------------------------------------------------------------------
def _windows(windows: tuple[str, ...]) -> tuple[str, ...]:
    for w in windows:
        if not (w.startswith("l") and (w[1:-1] if w.endswith("d") else w[1:]).isdigit()):
            raise ValueError(f"a window is lN (last N expected games) or lNd (the last N days), got {w!r}")
    return windows


@macro()
def dependency_check(entity: str) -> str:
    """The week-before-D dependency check of a player or team model: cmp_date_check and
    cmp_team_check, from precompute.dependency_holes (computed once for every model)."""
    if entity not in UPSTREAM:
        raise ValueError(f"@dependency_check takes one of {', '.join(UPSTREAM)}, got {entity!r}")
    return dependency_reads(entity)


@macro()
def completeness_inputs(entity: str) -> str:
    """The shared completeness models' inputs: the calendar of expected games (cmp_sched) and
    the upstream rows (cmp_rows) of players or teams."""
    if entity == "player":
        return PLAYER_SHARED_DEPS
    if entity == "team":
        return SCHEDULE + "\n" + TEAM_ROWS
    raise ValueError(f"@completeness_inputs takes player or team, got {entity!r}")


@macro()
def dependency_holes() -> str:
    return holes_block()


@macro()
def completeness_windows(entity: str, *windows: str) -> str:
    """cmp (expected / actual games per window) and cmp_out (the completeness columns) for the
    model's universe, from the shared tables; player_shared / team_shared: the shared models'
    every window, computed."""
    if entity == "player_shared":
        return player_shared_block()
    if entity == "team_shared":
        return TEAM_EVENTS + "\n" + windows_sql(TEAM_SHARED_WINDOWS)
    if entity == "player":
        return shared_windows(PLAYER_SHARED_TABLE, "player_lookup", "analysis_date", _windows(windows))
    if entity == "team":
        if not set(windows) <= set(TEAM_SHARED_WINDOWS):
            raise ValueError(f"team windows come from {TEAM_SHARED_TABLE}: {', '.join(TEAM_SHARED_WINDOWS)}")
        return shared_windows(TEAM_SHARED_TABLE, "team_abbr", "analysis_date", _windows(windows))
    raise ValueError(f"@completeness_windows takes player, team, player_shared or team_shared, got {entity!r}")


@macro()
def completeness_columns(alias: str, *windows: str) -> str:
    """The completeness columns, as selected from the model's cmp_out under `alias`."""
    return output_columns(_windows(windows), alias)
