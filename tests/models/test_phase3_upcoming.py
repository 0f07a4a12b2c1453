"""Phase 3 pre-game context models: analytics.upcoming_player_game_context (UPGC) and
analytics.upcoming_team_game_context (UTGC), on the bundled real data (+ synthetic props).

Expected values are computed here in plain Python loops over rows fetched with simple SELECTs
of the raw tables (no SQL from the models), then compared with what the runner wrote. Also:
the "morning of D" point-in-time test, chunking invariance, and key uniqueness."""

from __future__ import annotations

import math
import shutil
from collections import defaultdict
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from analytics_models import AnalyticsModels, fetch

from nbaprops.quality.morning import morning_of_file

UPGC, UTGC = "upcoming_player_game_context", "upcoming_team_game_context"
NAMES = [UTGC, UPGC]
KEYS = {UPGC: ("player_lookup", "game_date"), UTGC: ("game_id", "team_abbr")}

SEASON_2023 = (date(2023, 10, 24), date(2024, 6, 17))  # 2023-24 opening night .. finals
SAMPLE_DATES = [
    date(2023, 10, 25),  # 2023-24 night 2: several teams' first game (last season's roster)
    date(2024, 1, 15),  # 2023-24 mid-season (full box scores, game lines, props)
    date(2024, 5, 1),  # 2023-24 playoffs
    date(2022, 1, 10),  # 2021-22: basic player logs only
]
BOOK_ORDER = {"draftkings": 0, "fanduel": 1}


MODELS = AnalyticsModels(KEYS, abs_tol=1e-6, force=True)
catalog, run, table, same, assert_rows_match = (
    MODELS.catalog,
    MODELS.run,
    MODELS.table,
    MODELS.same,
    MODELS.assert_rows_match,
)


@pytest.fixture(scope="module")
def built(real_warehouse_path, tmp_path_factory) -> Path:
    """A copy of the real warehouse with both models built over the 2023-24 season (one chunk)
    and over the 2021-22 sample date."""
    path = tmp_path_factory.mktemp("phase3_upcoming") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    run(path, *SEASON_2023)
    run(path, date(2022, 1, 10), date(2022, 1, 10))
    return path


# ---------------------------------------------------------------------------------------------
# Independent expectations: plain Python over raw rows
# ---------------------------------------------------------------------------------------------


class Raw:
    """The raw rows a date needs, fetched with simple SELECTs."""

    def __init__(self, path: Path, d: date):
        lo = d - timedelta(days=400)
        self.d = d
        self.schedule = [
            r
            for r in fetch(
                path, "SELECT * FROM raw.schedule WHERE game_date BETWEEN ? AND ? ORDER BY game_date, game_id", [lo, d]
            )
            if r["season_type"] != "Pre Season"
        ]
        self.box = [
            r
            for r in fetch(path, "SELECT * FROM raw.player_boxscores WHERE game_date BETWEEN ? AND ?", [lo, d])
            if r["season_type"] != "Pre Season"
        ]
        self.team_box = fetch(
            path, "SELECT game_id, team_abbr, points FROM raw.team_boxscores WHERE game_date BETWEEN ? AND ?", [lo, d]
        )
        self.props = fetch(path, "SELECT * FROM raw.player_points_props WHERE game_date = ?", [d])
        self.lines = {r["game_id"]: r for r in fetch(path, "SELECT * FROM raw.game_lines WHERE game_date = ?", [d])}
        self.injuries = fetch(path, "SELECT * FROM raw.injuries WHERE transaction_date BETWEEN ? AND ?", [lo, d])
        self.teams = {r["team_abbr"]: r for r in fetch(path, "SELECT * FROM reference.teams")}


def team_schedule(raw: Raw) -> dict[tuple, list[dict]]:
    """(team, season) -> the team's games in date order, each as the team's view."""
    out: dict[tuple, list[dict]] = defaultdict(list)
    for g in raw.schedule:
        for team, opp, home in (
            (g["home_team_abbr"], g["away_team_abbr"], True),
            (g["away_team_abbr"], g["home_team_abbr"], False),
        ):
            out[(team, g["season_year"])].append({**g, "team": team, "opp": opp, "home": home})
    return out


def rest(games: list[dict], d: date) -> int | None:
    before = [g["game_date"] for g in games if g["game_date"] < d]
    return (d - before[-1]).days if before else None


def expected_teams(raw: Raw) -> dict[tuple, dict]:
    d = raw.d
    sched = team_schedule(raw)
    pts: dict[tuple, int] = {}
    for r in raw.box:
        pts[(r["game_id"], r["team_abbr"])] = pts.get((r["game_id"], r["team_abbr"]), 0) + r["points"]
    for r in raw.team_box:
        if r["points"] is not None:
            pts[(r["game_id"], r["team_abbr"])] = r["points"]

    def result(g: dict) -> tuple[str | None, int | None]:
        a, b = pts.get((g["game_id"], g["team"])), pts.get((g["game_id"], g["opp"]))
        if a is not None and b is not None and a != b:
            return ("W" if a > b else "L"), a - b
        wl = g["home_wl"] if g["home"] else {"W": "L", "L": "W"}.get(g["home_wl"])
        return (wl if wl in ("W", "L") else None), (a - b if a is not None and b is not None else None)

    def haversine(a: str, b: str) -> float:
        la1, lo1 = math.radians(raw.teams[a]["latitude"]), math.radians(raw.teams[a]["longitude"])
        la2, lo2 = math.radians(raw.teams[b]["latitude"]), math.radians(raw.teams[b]["longitude"])
        h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
        return 2 * 3958.8 * math.asin(math.sqrt(h))

    out = {}
    for (team, season), games in sched.items():
        for i, g in enumerate(games):
            if g["game_date"] != d:
                continue
            prior = games[:i]
            opp_games = sched[(g["opp"], season)]
            win = loss = 0
            for p in reversed(prior):  # streaks: unknown results neither count nor break
                r, _ = result(p)
                if r == "W" and loss == 0:
                    win += 1
                elif r == "L" and win == 0:
                    loss += 1
                elif r is not None:
                    break
            last_r, last_m = result(prior[-1]) if prior else (None, None)
            origin = prior[-1]["home_team_abbr"] if prior else team
            dr = rest(games, d)
            line = raw.lines.get(g["game_id"])
            spread = (
                None
                if line is None or line["home_spread"] is None
                else (line["home_spread"] if g["home"] else -line["home_spread"])
            )
            lw, _ = result(g)
            out[(g["game_id"], team)] = {
                "game_date": d,
                "season_year": season,
                "season_type": g["season_type"],
                "opponent_team_abbr": g["opp"],
                "home_game": g["home"],
                "days_rest": dr,
                "back_to_back": dr == 1,
                "games_in_last_7_days": sum(1 for p in prior if p["game_date"] >= d - timedelta(days=7)),
                "games_in_last_14_days": sum(1 for p in prior if p["game_date"] >= d - timedelta(days=14)),
                "game_number_in_season": i + 1,
                "game_spread": spread,
                "game_total": line["total_line"] if line else None,
                "win_streak_entering": win,
                "loss_streak_entering": loss,
                "last_game_margin": last_m,
                "last_game_result": last_r,
                "travel_miles": 0.0 if g["home"] else haversine(origin, g["home_team_abbr"]),
                "opponent_days_rest": rest(opp_games, d),
                "label_win": None if lw is None else lw == "W",
            }
    return out


def expected_players(raw: Raw) -> dict[tuple, dict]:
    d = raw.d
    sched = team_schedule(raw)
    games_of: dict[str, list[dict]] = defaultdict(list)  # played games per player
    seen = set()
    for r in sorted(raw.box, key=lambda r: (r["game_date"], r["game_id"])):
        if ((r["minutes"] or 0) > 0 or (r["points"] or 0) > 0) and (r["player_lookup"], r["game_id"]) not in seen:
            seen.add((r["player_lookup"], r["game_id"]))
            games_of[r["player_lookup"]].append(r)
    box_today = {(r["game_id"], r["player_lookup"], r["team_abbr"]): r for r in raw.box if r["game_date"] == d}
    teams_today = {(r["game_id"], r["team_abbr"]) for r in raw.box if r["game_date"] == d}
    pretip = [p for p in raw.props if p["minutes_before_tipoff"] >= 0]
    priced = {(p["game_id"], p["player_lookup"]) for p in pretip}

    # who is expected: last game for T within T's last 10 games (or last season's last 10)
    today: dict[tuple, dict] = {}  # (game_id, team) -> team-game view
    window: dict[tuple, set] = {}
    for (team, season), games in sched.items():
        for i, g in enumerate(games):
            if g["game_date"] == d:
                today[(g["game_id"], team)] = g
                if i > 0:
                    window[(g["game_id"], team)] = {p["game_id"] for p in games[max(0, i - 10) : i]}
                else:
                    window[(g["game_id"], team)] = {p["game_id"] for p in sched.get((team, season - 1), [])[-10:]}
    universe = {}
    for player, games in games_of.items():
        before = [g for g in games if g["game_date"] < d]
        if not before:
            continue
        last = before[-1]
        for key, g in today.items():
            if last["team_abbr"] != key[1]:
                continue
            if last["game_id"] in window[key] or (
                (g["game_id"], player) in priced and (d - last["game_date"]).days <= 365
            ):
                universe[player] = (g, last)

    out = {}
    for player, (g, last) in universe.items():
        season = g["season_year"]
        hist = [x for x in games_of[player] if x["game_date"] < d and x["season_year"] == season]
        dr = (d - hist[-1]["game_date"]).days if hist else None
        w7 = [x for x in hist if x["game_date"] >= d - timedelta(days=7)]
        w14 = [x for x in hist if x["game_date"] >= d - timedelta(days=14)]
        pairs = sum(1 for a, b in pairwise(w14) if (b["game_date"] - a["game_date"]).days == 1)
        l5, l10 = hist[-5:], hist[-10:]
        mine = [p for p in pretip if p["game_id"] == g["game_id"] and p["player_lookup"] == player]
        cur = opening = None
        over = under = None
        if mine:
            book = min({p["bookmaker"] for p in mine}, key=lambda b: (BOOK_ORDER.get(b, 2), b))
            snaps = sorted((p for p in mine if p["bookmaker"] == book), key=lambda p: p["snapshot_timestamp"])
            cur, opening = snaps[-1]["points_line"], snaps[0]["points_line"]
            over = under = 0
            for x in reversed(hist):
                if x["points"] > cur and under == 0:
                    over += 1
                elif x["points"] < cur and over == 0:
                    under += 1
                elif x["points"] != cur:
                    break
        status = "available"
        inj = sorted(
            (i for i in raw.injuries if i["player_lookup"] == player and i["transaction_date"] < d),
            key=lambda i: (i["transaction_date"], i["event"] == "out"),
        )
        if inj and inj[-1]["event"] == "out" and inj[-1]["transaction_date"] >= last["game_date"]:
            status = "out"
        line = raw.lines.get(g["game_id"])
        spread = (
            None
            if line is None or line["home_spread"] is None
            else (line["home_spread"] if g["home"] else -line["home_spread"])
        )
        lb = box_today.get((g["game_id"], player, g["team"]))
        played_today = lb is not None and ((lb["minutes"] or 0) > 0 or (lb["points"] or 0) > 0)
        out[(player, d)] = {
            "game_id": g["game_id"],
            "team_abbr": g["team"],
            "opponent_team_abbr": g["opp"],
            "home_game": g["home"],
            "season_year": season,
            "season_type": g["season_type"],
            "days_rest": dr,
            "back_to_back": dr == 1,
            "games_in_last_7_days": len(w7),
            "games_in_last_14_days": len(w14),
            "minutes_in_last_7_days": float(sum(x["minutes"] for x in w7)),
            "minutes_in_last_14_days": float(sum(x["minutes"] for x in w14)),
            "avg_minutes_per_game_last_7": sum(x["minutes"] for x in w7) / len(w7) if w7 else None,
            "back_to_backs_last_14_days": pairs,
            "points_avg_last_5": sum(x["points"] for x in l5) / len(l5) if l5 else None,
            "points_avg_last_10": sum(x["points"] for x in l10) / len(l10) if l10 else None,
            "l5_games_used": len(l5),
            "l10_games_used": len(l10),
            "current_points_line": cur,
            "opening_points_line": opening,
            "line_movement": None if cur is None else cur - opening,
            "has_prop_line": cur is not None,
            "prop_over_streak": over,
            "prop_under_streak": under,
            "game_spread": spread,
            "game_total": line["total_line"] if line else None,
            "opponent_days_rest": rest(sched[(g["opp"], season)], d),
            "player_status": status,
            "label_played": None if (g["game_id"], g["team"]) not in teams_today else played_today,
            # the outcome labels exist only for a game he played (a DNP has no points, not 0)
            "label_points": (lb["points"] or 0) if played_today else None,
            "label_minutes": float(lb["minutes"] or 0) if played_today else None,
        }
    return out


# ---------------------------------------------------------------------------------------------
# 1. The tables match the independent reference on sampled dates
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", SAMPLE_DATES, ids=str)
def test_matches_python_reference(built, d):
    raw = Raw(built, d)
    exp_t = expected_teams(raw)
    assert exp_t, f"no games on {d}"
    assert_rows_match(table(built, UTGC, "WHERE game_date = ?", [d]), exp_t, f"UTGC {d}")
    exp_p = expected_players(raw)
    act_p = table(built, UPGC, "WHERE game_date = ?", [d])
    assert len(exp_p) > 30
    assert_rows_match(act_p, exp_p, f"UPGC {d}")
    # the sample dates exercise the interesting branches
    if d == date(2023, 10, 25):
        assert any(r["roster_basis"] == "previous_season" for r in act_p.values())
        assert any(r["days_rest"] is None for r in act_p.values())
    if d == date(2024, 5, 1):
        assert {r["season_phase"] for r in act_p.values()} == {"playoffs"}


def test_reference_sees_features(built):
    """Guard against a vacuous reference: a mid-season date has lines, streaks, B2Bs and outs."""
    rows = table(built, UPGC, "WHERE game_date = ?", [date(2024, 1, 15)]).values()
    assert sum(r["has_prop_line"] for r in rows) > 50
    assert any((r["prop_over_streak"] or 0) >= 2 for r in rows)
    assert any(r["player_status"] == "out" for r in rows)
    assert all(r["season_phase"] == "mid" for r in rows)
    assert any(r["line_movement"] not in (None, 0) for r in rows)


# ---------------------------------------------------------------------------------------------
# 2. Point in time: the world as of the morning of D gives the same rows for D
# ---------------------------------------------------------------------------------------------


def without_labels(rows: dict[tuple, dict]) -> dict[tuple, dict]:
    return {k: {c: v for c, v in r.items() if not c.startswith("label_")} for k, r in rows.items()}


@pytest.mark.parametrize("d", [date(2024, 1, 15), date(2023, 10, 25)], ids=str)
def test_point_in_time(real_copy, d):
    run(real_copy, d, d)
    before = {n: table(real_copy, n, "WHERE game_date = ?", [d]) for n in NAMES}
    cut = morning_of_file(real_copy, d)
    assert cut["raw.player_boxscores"] and cut["raw.schedule"], cut  # D's results really went
    run(real_copy, d, d)
    after = {n: table(real_copy, n, "WHERE game_date = ?", [d]) for n in NAMES}
    for n in NAMES:
        assert before[n], n
        assert without_labels(after[n]) == without_labels(before[n]), n
    # the labels really were D's outcomes (and are gone in the morning world)
    assert any(r["label_played"] for r in before[UPGC].values())
    assert all(r["label_played"] is None for r in after[UPGC].values())
    assert all(r["label_win"] is None for r in after[UTGC].values())


# ---------------------------------------------------------------------------------------------
# 3. Chunking does not change results
# ---------------------------------------------------------------------------------------------


def test_chunking_invariance(real_copy, tmp_path):
    start, end = date(2023, 10, 20), date(2023, 11, 10)  # opening night and a month boundary
    results = {}
    for mode in ("all", "month", "date"):
        path = tmp_path / f"{mode}.duckdb"
        shutil.copy(real_copy, path)
        run(path, start, end, chunk_mode=mode)
        results[mode] = {n: table(path, n, "WHERE game_date BETWEEN ? AND ?", [start, end]) for n in NAMES}
    for n in NAMES:
        assert results["all"][n]
        assert results["month"][n] == results["all"][n], n
        assert results["date"][n] == results["all"][n], n


# ---------------------------------------------------------------------------------------------
# 4. Keys are unique over a season; back-to-backs exist
# ---------------------------------------------------------------------------------------------


def test_season_keys_and_back_to_backs(built):
    start, end = SEASON_2023
    for n in NAMES:
        keys = ", ".join(KEYS[n])
        dup = fetch(
            built,
            f"SELECT {keys}, count(*) AS c FROM analytics.{n} WHERE game_date BETWEEN ? AND ? "
            f"GROUP BY ALL HAVING count(*) > 1 LIMIT 1",
            [start, end],
        )
        assert not dup, (n, dup)
        b2b = fetch(
            built,
            f"SELECT count(*) FILTER (WHERE back_to_back) AS b, count(*) AS n FROM analytics.{n} "
            "WHERE game_date BETWEEN ? AND ?",
            [start, end],
        )[0]
        assert 0 < b2b["b"] < b2b["n"], (n, b2b)
    # two rows per scheduled game, every game
    games = fetch(
        built,
        "SELECT count(*) AS c FROM raw.schedule WHERE season_type <> 'Pre Season' AND game_date BETWEEN ? AND ?",
        [start, end],
    )[0]["c"]
    rows = fetch(
        built,
        "SELECT count(*) AS c FROM analytics.upcoming_team_game_context WHERE game_date BETWEEN ? AND ?",
        [start, end],
    )[0]["c"]
    assert rows == 2 * games
    # a player is expected for at most one team-game a day, and almost everyone who played was expected
    cover = fetch(
        built,
        """
        SELECT count(*) AS played, count(u.player_lookup) AS expected
        FROM raw.player_boxscores b
        LEFT JOIN analytics.upcoming_player_game_context u
          ON u.player_lookup = b.player_lookup AND u.game_date = b.game_date AND u.team_abbr = b.team_abbr
        WHERE (b.minutes > 0 OR b.points > 0) AND b.game_date BETWEEN ? AND ?""",
        [start, end],
    )[0]
    assert cover["expected"] / cover["played"] > 0.95, cover
