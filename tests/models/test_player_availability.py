"""precompute.player_availability means "out" as a bettor does, on the whole real history: a team
game without a box score is unknown (not a game the rotation missed), a traded player is not
charged with his new team's games played while he was with his old one, and the rotation leaves
out players gone longer than the team's last 10 games, with newly-out and long-out teammates
counted apart. Each class is recomputed here in plain Python from the raw box scores and the
schedule (tests/models/test_new_features.py checks every column on sampled dates)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, timedelta

import pytest

from nbaprops.warehouse import Warehouse

PRESEASON = "Pre Season"


class History:
    """Plain reads of the raw tables: played games per player, each team's games with and
    without a box score, per season."""

    def __init__(self, con):
        self.games: dict[str, list[tuple]] = defaultdict(list)  # player -> (date, game, team, minutes), oldest first
        self.boxed: set[tuple] = set()  # (game, team) with a played row of the team
        for d, g, team, player, minutes in con.execute(
            f"""
            SELECT game_date, game_id, team_abbr, player_lookup, coalesce("minutes", 0)
            FROM raw.player_boxscores
            WHERE season_type <> '{PRESEASON}' AND (coalesce("minutes", 0) > 0 OR coalesce(points, 0) > 0)
            ORDER BY game_date, game_id"""
        ).fetchall():
            self.games[player].append((d, g, team, float(minutes)))
            self.boxed.add((g, team))
        self.season_of: dict[str, int] = {}
        self.schedule: dict[tuple, list[tuple]] = defaultdict(list)  # (team, season) -> (date, game), oldest first
        for g, d, s, h, a in con.execute(
            f"""SELECT game_id, game_date, season_year, home_team_abbr, away_team_abbr FROM raw.schedule
                WHERE season_type <> '{PRESEASON}' ORDER BY game_date, game_id"""
        ).fetchall():
            self.season_of[g] = s
            for t in (h, a):
                self.schedule[(t, s)].append((d, g))

    def team_games(self, team: str, season: int, d: date) -> list[tuple]:
        """The team's games of the season before D that have a box score of the team, oldest first."""
        return [(gd, g) for gd, g in self.schedule[(team, season)] if gd < d and (g, team) in self.boxed]

    def played(self, player: str, season: int, d: date) -> list[tuple]:
        return [x for x in self.games[player] if x[0] < d and self.season_of.get(x[1]) == season]


@pytest.fixture(scope="module")
def store(full_backfilled):
    with Warehouse.open(full_backfilled, read_only=True) as wh:
        yield wh.con, History(wh.con)


def _rows(con, where: str, params=()) -> list[dict]:
    cur = con.execute(f"SELECT * FROM precompute.player_availability WHERE {where}", list(params))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_a_team_game_without_a_box_score_is_unknown_not_missed(store):
    """Rows whose team's latest scheduled game before D has no box score (the 2022 play-in hole):
    players who played the team's latest game with a box score have no absence, and the rotation
    is not "out" because of the hole."""
    con, h = store
    hole_rows = []
    for r in _rows(con, "game_date BETWEEN '2021-10-19' AND '2025-06-30'"):
        sched = [x for x in h.schedule[(r["team_abbr"], r["season_year"])] if x[0] < r["game_date"]]
        if sched and (sched[-1][1], r["team_abbr"]) not in h.boxed:
            hole_rows.append(r)
    assert len(hole_rows) > 50, len(hole_rows)
    checked = 0
    for r in hole_rows:
        boxed = h.team_games(r["team_abbr"], r["season_year"], r["game_date"])
        mine = {x[1] for x in h.played(r["player_lookup"], r["season_year"], r["game_date"])}
        if boxed and boxed[-1][1] in mine:  # he played the team's latest known game
            assert r["consecutive_team_games_missed"] == 0, r
            checked += 1
    assert checked > 30, checked
    # before, the hole put the whole rotation out (11.4 teammates on average, up to 381 minutes)
    assert statistics.mean(r["rotation_teammates_out"] for r in hole_rows) < 4
    assert max(r["vacated_minutes"] for r in hole_rows) <= 240


def test_a_traded_player_is_not_charged_with_games_before_he_left(store):
    """A player's first games for a new team: only the new team's games after his last game for his
    old one count as missed (the 2024 deadline moved Buddy Hield from IND to PHI)."""
    con, h = store
    checked = 0
    for r in _rows(con, "game_date BETWEEN '2021-10-19' AND '2025-06-30'"):
        played = h.played(r["player_lookup"], r["season_year"], r["game_date"])
        elsewhere = [x[0] for x in played if x[2] != r["team_abbr"]]
        if not elsewhere or r["game_date"] - max(elsewhere) > timedelta(days=14):
            continue
        left = max(elsewhere)
        mine = {x[1] for x in played}
        counted = [(gd, g) for gd, g in h.team_games(r["team_abbr"], r["season_year"], r["game_date"]) if gd > left]
        for days in (7, 14):
            expect = sum(1 for gd, g in counted if gd >= r["game_date"] - timedelta(days=days) and g not in mine)
            assert r[f"team_games_missed_{days}d"] == expect, (r, days, expect)
        checked += 1
    assert checked > 300, checked
    hield = _rows(con, "player_lookup = 'buddyhield' AND game_date = DATE '2024-02-10'")
    assert hield and hield[0]["team_abbr"] == "PHI" and hield[0]["team_games_missed_14d"] <= 1, hield


def test_the_rotation_leaves_out_long_absences_and_splits_new_from_long(store):
    """Every row of a month: the rotation teammates newly out (missed at most the team's last 2
    games with a box score) and long out (3 to 9), by the previous-game rule and the injury
    transactions; a teammate who played none of the team's last 10 games is in neither."""
    con, h = store
    start, end = date(2024, 1, 1), date(2024, 1, 31)
    rows = _rows(con, "game_date BETWEEN ? AND ?", (start, end))
    ctx = {
        (p, d): (t, s, st)
        for p, d, t, s, st in con.execute(
            "SELECT player_lookup, game_date, team_abbr, season_year, player_status "
            "FROM analytics.upcoming_player_game_context WHERE game_date BETWEEN ? AND ?",
            [start, end],
        ).fetchall()
    }
    by_team_day: dict[tuple, list[str]] = defaultdict(list)
    for (p, d), (t, _, _) in ctx.items():
        by_team_day[(t, d)].append(p)

    def out_since(p: str, d: date) -> int | None:
        """For how many of his team's latest games he has been out (0: out for D only), None when
        he is no rotation player out."""
        team, season, status = ctx[(p, d)]
        played = h.played(p, season, d)
        last10 = played[-10:]
        if not last10 or statistics.mean(x[3] for x in last10) < 15:
            return None
        team_games = [g for _, g in reversed(h.team_games(team, season, d))]
        for_team = {x[1] for x in played if x[2] == team}
        since = next((i for i, g in enumerate(team_games) if g in for_team), None)
        if since is None or since >= 10:
            return None
        return since if since >= 1 or status == "out" else None

    new_total = long_total = 0
    for r in rows:
        mates = [m for m in by_team_day[(r["team_abbr"], r["game_date"])] if m != r["player_lookup"]]
        since = [s for s in (out_since(m, r["game_date"]) for m in mates) if s is not None]
        assert r["teammates_out_source"] == "previous_game"
        assert r["rotation_teammates_out"] == sum(1 for s in since if s <= 2), r
        assert r["rotation_teammates_long_out"] == sum(1 for s in since if s > 2), r
        new_total += r["rotation_teammates_out"]
        long_total += r["rotation_teammates_long_out"]
    assert len(rows) > 3000 and new_total > 500 and long_total > 100, (len(rows), new_total, long_total)
