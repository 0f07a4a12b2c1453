"""Phase 3 box-score models: analytics.player_game_summary, team_offense_game_summary and
team_defense_game_summary, on the bundled real data.

The expected values are computed here in plain Python from simple SELECTs of the raw tables (no
SQL from the models), then compared with what the runner wrote."""

from __future__ import annotations

import math
import shutil
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from analytics_models import AnalyticsModels, fetch

from nbaprops.quality.morning import morning_of_file
from nbaprops.warehouse import Warehouse

PGS, TOGS, TDGS = "player_game_summary", "team_offense_game_summary", "team_defense_game_summary"
NAMES = [PGS, TOGS, TDGS]
KEYS = {PGS: ("game_id", "player_lookup"), TOGS: ("game_id", "team_abbr"), TDGS: ("game_id", "defending_team_abbr")}

FULL_START, FULL_END = date(2021, 10, 19), date(2025, 10, 31)
SAMPLE_DATES = [
    date(2021, 11, 15),  # 2021-22: basic logs only (silver players, bronze teams)
    date(2022, 4, 21),  # 2021-22 playoffs: basic logs, a player with points but 0 minutes
    date(2024, 1, 10),  # 2023-24 regular season: full boxes, team box, shots, three OT games
    date(2023, 4, 11),  # play-in: full player box, no team box (reconstructed), overtime
    date(2023, 4, 23),  # playoffs: full player box, basic team log -> reconstructed, overtime
    date(2025, 10, 22),  # 2025-26: full team box but only basic player logs
]


MODELS = AnalyticsModels(KEYS)
catalog, run, table, same, assert_rows_match = (
    MODELS.catalog,
    MODELS.run,
    MODELS.table,
    MODELS.same,
    MODELS.assert_rows_match,
)


@pytest.fixture(scope="module")
def built(real_warehouse_path, tmp_path_factory) -> Path:
    """A copy of the real warehouse with the three models built over every season, in one chunk."""
    path = tmp_path_factory.mktemp("phase3_box") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    run(path, FULL_START, FULL_END)
    return path


# ---------------------------------------------------------------------------------------------
# Independent expectations, plain Python over raw rows
# ---------------------------------------------------------------------------------------------


def played(r: dict) -> bool:
    return (r["minutes"] or 0) > 0 or (r["points"] or 0) > 0


def ot_from_minutes(total: float | None) -> int | None:
    return None if total is None else max(0, math.floor((total - 240) / 25 + 0.5))


def raw_day(path: Path, d: date) -> dict:
    players = [
        r
        for r in fetch(path, "SELECT * FROM raw.player_boxscores WHERE game_date = ?", [d])
        if r["season_type"] != "Pre Season"
    ]
    teams = [
        r
        for r in fetch(path, "SELECT * FROM raw.team_boxscores WHERE game_date = ?", [d])
        if r["season_type"] != "Pre Season"
    ]
    shots = fetch(
        path,
        "SELECT game_id, team_abbr, player_lookup, zone, shot_type, shot_made FROM raw.shots WHERE game_date = ?",
        [d],
    )
    props = fetch(
        path,
        "SELECT game_id, player_lookup, bookmaker, snapshot_timestamp, minutes_before_tipoff, "
        "points_line FROM raw.player_points_props WHERE game_date = ?",
        [d],
    )
    return {"players": players, "teams": teams, "shots": shots, "props": props}


def zone_of(z: str) -> str:
    return "three_zone" if z in ("three", "backcourt") else z


def expected_team_games(day: dict) -> dict[tuple, dict]:
    """The chosen source per (game_id, team_abbr), with the game's overtime periods."""
    team_rows = {(r["game_id"], r["team_abbr"]): r for r in day["teams"]}
    by_team: dict[tuple, list[dict]] = defaultdict(list)
    for r in day["players"]:
        if played(r):
            by_team[(r["game_id"], r["team_abbr"])].append(r)
    stats = [
        "points",
        "fg_makes",
        "fg_attempts",
        "three_pt_makes",
        "three_pt_attempts",
        "ft_makes",
        "ft_attempts",
        "offensive_rebounds",
        "defensive_rebounds",
        "rebounds",
        "assists",
        "steals",
        "blocks",
        "turnovers",
        "personal_fouls",
    ]

    def summed(rows: list[dict]) -> dict:
        out = {}
        for s in stats:
            vals = [r[s] for r in rows if r[s] is not None]
            out[s] = sum(vals) if vals else None
        out["minutes"] = sum(r["minutes"] for r in rows)
        first = rows[0]
        for k in ("game_id", "game_date", "season_year", "season_type", "team_abbr", "opponent_team_abbr", "home_game"):
            out[k] = first[k]
        return out

    chosen = {}
    for key in set(team_rows) | set(by_team):
        tr = team_rows.get(key)
        prs = by_team.get(key, [])
        full = len(prs) >= 5 and all(r["source"] == "player_box" for r in prs)
        if tr is not None and tr["source"] == "team_box":
            row, src, tier, prio = dict(tr), "team_box", "gold", 1
        elif full:
            row, src, tier, prio = summed(prs), "reconstructed_from_players", "silver", 2
        elif tr is not None:
            row, src, tier, prio = dict(tr), "basic_log", "bronze", 3
        elif len(prs) >= 5:
            row, src, tier, prio = summed(prs), "basic_log", "bronze", 4
        else:
            continue
        minutes = row["minutes"]
        if minutes is None and len(prs) >= 5:
            minutes = sum(r["minutes"] for r in prs)
        row.update(primary_source=src, data_quality_tier=tier, priority=prio, known_minutes=minutes)
        if row["fg_attempts"] is not None:
            row["possessions"] = (
                row["fg_attempts"] + 0.44 * row["ft_attempts"] + row["turnovers"] - row["offensive_rebounds"]
            )
        else:
            row["possessions"] = None
        chosen[key] = row
    game_ot: dict[str, int | None] = {}
    for (gid, _), row in chosen.items():
        ot = ot_from_minutes(row["known_minutes"])
        if ot is not None:
            game_ot[gid] = max(game_ot.get(gid) or 0, ot)
        else:
            game_ot.setdefault(gid, None)
    for (gid, _), row in chosen.items():
        row["overtime_periods"] = game_ot[gid]
    return chosen


def zone_counts(shots: list[dict], key_of) -> tuple[set, dict]:
    games = {s["game_id"] for s in shots}
    counts: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for s in shots:
        c = counts[key_of(s)]
        z = zone_of(s["zone"])
        c[f"{z}_attempts"] += 1
        if s["shot_made"]:
            c[f"{z}_makes"] += 1
            c[f"{z}_points"] += 3 if s["shot_type"].startswith("3PT") else 2
    return games, counts


def expected_togs(day: dict) -> dict[tuple, dict]:
    tg = expected_team_games(day)
    games, zones = zone_counts(day["shots"], lambda s: (s["game_id"], s["team_abbr"]))
    out = {}
    for key, t in tg.items():
        opp = tg.get((key[0], t["opponent_team_abbr"]))
        ot = t["overtime_periods"]
        poss = t["possessions"]
        gm = None if ot is None else 48 + 5 * ot
        z = zones.get(key, {})
        has = key[0] in games

        def zc(name: str, z=z, has=has):
            return z.get(name, 0) if has else None

        ts_den = None if t["fg_attempts"] is None else t["fg_attempts"] + 0.44 * t["ft_attempts"]
        out[key] = {
            "game_date": t["game_date"],
            "season_year": t["season_year"],
            "season_type": t["season_type"],
            "opponent_team_abbr": t["opponent_team_abbr"],
            "home_game": t["home_game"],
            "points_scored": t["points"],
            "fg_attempts": t["fg_attempts"],
            "fg_makes": t["fg_makes"],
            "three_pt_attempts": t["three_pt_attempts"],
            "three_pt_makes": t["three_pt_makes"],
            "ft_attempts": t["ft_attempts"],
            "ft_makes": t["ft_makes"],
            "offensive_rebounds": t["offensive_rebounds"],
            "rebounds": t["rebounds"],
            "assists": t["assists"],
            "turnovers": t["turnovers"],
            "possessions": poss,
            "game_minutes": None if gm is None else float(gm),
            "overtime_periods": ot,
            "pace": None if poss is None or gm is None else poss * 48 / gm,
            "offensive_rating": None if not poss else 100 * t["points"] / poss,
            "ts_pct": None if not ts_den else t["points"] / (2 * ts_den),
            "win_flag": None if opp is None else t["points"] > opp["points"],
            "margin_of_victory": None if opp is None else t["points"] - opp["points"],
            "team_paint_attempts": zc("paint_attempts"),
            "team_paint_makes": zc("paint_makes"),
            "team_mid_range_attempts": zc("mid_range_attempts"),
            "team_mid_range_makes": zc("mid_range_makes"),
            "team_three_zone_attempts": zc("three_zone_attempts"),
            "team_three_zone_makes": zc("three_zone_makes"),
            "shot_zones_available": has,
            "primary_source": t["primary_source"],
            "data_quality_tier": t["data_quality_tier"],
        }
    return out


def expected_tdgs(day: dict) -> dict[tuple, dict]:
    tg = expected_team_games(day)
    games, zones = zone_counts(day["shots"], lambda s: (s["game_id"], s["team_abbr"]))
    out = {}
    for (gid, team), d in tg.items():
        o = tg.get((gid, d["opponent_team_abbr"]))
        assert o is not None, "every sampled game has both teams"
        ot = d["overtime_periods"]
        gm = None if ot is None else 48 + 5 * ot
        poss = o["possessions"]
        z = zones.get((gid, d["opponent_team_abbr"]), {})
        has = gid in games

        def zc(name: str, z=z, has=has):
            return z.get(name, 0) if has else None

        worse = o if o["priority"] > d["priority"] else d
        ts_den = None if o["fg_attempts"] is None else o["fg_attempts"] + 0.44 * o["ft_attempts"]
        out[(gid, team)] = {
            "game_date": d["game_date"],
            "opponent_team_abbr": d["opponent_team_abbr"],
            "home_game": d["home_game"],
            "points_allowed": o["points"],
            "opp_fg_attempts": o["fg_attempts"],
            "opp_fg_makes": o["fg_makes"],
            "opp_three_pt_attempts": o["three_pt_attempts"],
            "opp_three_pt_makes": o["three_pt_makes"],
            "opp_ft_attempts": o["ft_attempts"],
            "opp_ft_makes": o["ft_makes"],
            "opp_rebounds": o["rebounds"],
            "opp_assists": o["assists"],
            "turnovers_forced": o["turnovers"],
            "fouls_committed": d["personal_fouls"],
            "steals": d["steals"],
            "blocks_total": d["blocks"],
            "defensive_rebounds": d["defensive_rebounds"],
            "opp_paint_attempts": zc("paint_attempts"),
            "opp_paint_makes": zc("paint_makes"),
            "opp_mid_range_attempts": zc("mid_range_attempts"),
            "opp_mid_range_makes": zc("mid_range_makes"),
            "opp_three_zone_attempts": zc("three_zone_attempts"),
            "opp_three_zone_makes": zc("three_zone_makes"),
            "points_in_paint_allowed": zc("paint_points"),
            "mid_range_points_allowed": zc("mid_range_points"),
            "three_pt_points_allowed": None if o["three_pt_makes"] is None else 3 * o["three_pt_makes"],
            "opp_possessions": poss,
            "defensive_rating": None if not poss else 100 * o["points"] / poss,
            "opponent_pace": None if poss is None or gm is None else poss * 48 / gm,
            "opponent_ts_pct": None if not ts_den else o["points"] / (2 * ts_den),
            "win_flag": d["points"] > o["points"],
            "margin_of_victory": d["points"] - o["points"],
            "overtime_periods": ot,
            "shot_zones_available": has,
            "primary_source": worse["primary_source"],
            "data_quality_tier": worse["data_quality_tier"],
        }
    return out


BOOK_ORDER = {"draftkings": 0, "fanduel": 1}


def expected_lines(props: list[dict]) -> dict[tuple, tuple]:
    """(game_id, player_lookup) -> (bookmaker, last pre-tip line, first pre-tip line)."""
    snaps: dict[tuple, list[dict]] = defaultdict(list)
    for p in props:
        if p["minutes_before_tipoff"] >= 0:
            snaps[(p["game_id"], p["player_lookup"], p["bookmaker"])].append(p)
    per_player: dict[tuple, list[str]] = defaultdict(list)
    for g, pl, b in snaps:
        per_player[(g, pl)].append(b)
    out = {}
    for (g, pl), books in per_player.items():
        book = min(books, key=lambda b: (BOOK_ORDER.get(b, 2), b))
        s = sorted(snaps[(g, pl, book)], key=lambda p: p["snapshot_timestamp"])
        out[(g, pl)] = (book, s[-1]["points_line"], s[0]["points_line"])
    return out


def expected_pgs(day: dict) -> dict[tuple, dict]:
    teams = {(r["game_id"], r["team_abbr"]): r for r in day["teams"]}
    by_team: dict[tuple, list[dict]] = defaultdict(list)
    for r in day["players"]:
        by_team[(r["game_id"], r["team_abbr"])].append(r)
    games, zones = zone_counts(day["shots"], lambda s: (s["game_id"], s["player_lookup"]))
    lines = expected_lines(day["props"])

    def team_points(key):
        if key in teams:
            return teams[key]["points"]
        if key in by_team:
            return sum(r["points"] or 0 for r in by_team[key])
        return None

    def team_totals(key):
        """(FGA, FTA, TOV, game minutes) or None."""
        tr = teams.get(key)
        if tr is not None and tr["source"] == "team_box":
            return tr["fg_attempts"], tr["ft_attempts"], tr["turnovers"], tr["minutes"] / 5
        full = [r for r in by_team.get(key, []) if r["source"] == "player_box"]
        if sum(1 for r in full if played(r)) >= 5:
            ot = ot_from_minutes(sum(r["minutes"] for r in full))
            return (
                sum(r["fg_attempts"] for r in full),
                sum(r["ft_attempts"] for r in full),
                sum(r["turnovers"] for r in full),
                48 + 5 * ot,
            )
        return None

    out = {}
    for r in day["players"]:
        if not played(r):
            continue
        key = (r["game_id"], r["player_lookup"])
        tkey = (r["game_id"], r["team_abbr"])
        tp, op = team_points(tkey), team_points((r["game_id"], r["opponent_team_abbr"]))
        fga, fta, tov = r["fg_attempts"], r["ft_attempts"], r["turnovers"]
        usage = None
        tt = team_totals(tkey)
        if tt is not None and fga is not None and r["minutes"] > 0:
            den = r["minutes"] * (tt[0] + 0.44 * tt[1] + tt[2])
            if den > 0:
                usage = 100 * (fga + 0.44 * fta + tov) * tt[3] / den
                usage = usage if usage <= 100 else None
        has = r["game_id"] in games
        z = zones.get(key, {})
        line = lines.get(key)
        pts = r["points"]
        exp = {
            k: r[k]
            for k in (
                "game_date",
                "season_year",
                "season_type",
                "player_id",
                "player_name",
                "team_abbr",
                "opponent_team_abbr",
                "home_game",
                "starter",
                "points",
                "fg_makes",
                "fg_attempts",
                "three_pt_makes",
                "three_pt_attempts",
                "ft_makes",
                "ft_attempts",
                "offensive_rebounds",
                "defensive_rebounds",
                "rebounds",
                "assists",
                "steals",
                "blocks",
                "turnovers",
                "personal_fouls",
                "plus_minus",
            )
        }
        exp.update(
            {
                "minutes_played": float(r["minutes"]),
                "efg_pct": (r["fg_makes"] + 0.5 * r["three_pt_makes"]) / fga if fga else None,
                "ts_pct": pts / (2 * (fga + 0.44 * fta)) if fga else None,
                "usage_rate": usage,
                "has_complete_shot_zones": has,
                "win_flag": tp > op,
                "team_margin": tp - op,
                "points_line": line[1] if line else None,
                "points_line_source": line[0] if line else None,
                "opening_line": line[2] if line else None,
                "line_movement": line[1] - line[2] if line else None,
                "over_under_result": None
                if not line
                else ("OVER" if pts > line[1] else "UNDER" if pts < line[1] else "PUSH"),
                "margin_vs_line": pts - line[1] if line else None,
                "primary_source": r["source"],
                "data_quality_tier": "gold" if r["source"] == "player_box" else "silver",
            }
        )
        for zname in ("paint", "mid_range", "three_zone"):
            for kind in ("attempts", "makes"):
                exp[f"{zname}_{kind}"] = z.get(f"{zname}_{kind}", 0) if has else None
        out[key] = exp
    return out


# ---------------------------------------------------------------------------------------------
# 1. Against the independent computation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", SAMPLE_DATES, ids=str)
def test_matches_plain_python(built, d):
    day = raw_day(built, d)
    assert day["players"], f"no player rows on {d}: pick another sample date"
    where = "WHERE game_date = ?"
    assert_rows_match(table(built, PGS, where, [d]), expected_pgs(day), f"PGS {d}")
    assert_rows_match(table(built, TOGS, where, [d]), expected_togs(day), f"TOGS {d}")
    assert_rows_match(table(built, TDGS, where, [d]), expected_tdgs(day), f"TDGS {d}")


def test_sample_dates_cover_the_cases(built):
    """The samples exercise every source tier, shots and no shots, overtime, lines."""
    rows = fetch(
        built,
        "SELECT primary_source, data_quality_tier, shot_zones_available, max(overtime_periods) AS ot "
        f"FROM analytics.{TOGS} WHERE game_date IN ({', '.join('?' for _ in SAMPLE_DATES)}) "
        "GROUP BY ALL",
        SAMPLE_DATES,
    )
    tiers = {r["data_quality_tier"] for r in rows}
    assert tiers == {"gold", "silver", "bronze"}
    assert {r["shot_zones_available"] for r in rows} == {True, False}
    assert any(r["ot"] and r["data_quality_tier"] == "silver" for r in rows)
    assert any(r["ot"] and r["data_quality_tier"] == "gold" for r in rows)
    pgs = fetch(
        built,
        f"SELECT data_quality_tier, count(usage_rate) AS u, count(points_line) AS l, "
        f"count(paint_attempts) AS z FROM analytics.{PGS} "
        f"WHERE game_date IN ({', '.join('?' for _ in SAMPLE_DATES)}) GROUP BY ALL",
        SAMPLE_DATES,
    )
    by = {r["data_quality_tier"]: r for r in pgs}
    assert by["gold"]["u"] > 0 and by["gold"]["z"] > 0 and by["gold"]["l"] > 0
    assert by["silver"]["u"] == 0 and by["silver"]["z"] == 0 and by["silver"]["l"] > 0


def test_real_zeros_stay_zero_and_missing_stays_null(built):
    """A full-box player with FGA 0 gets NULL efg/ts; a player who shot and missed everything
    gets 0, not NULL; basic-log players have NULL attempts and shooting percentages."""
    r = fetch(
        built,
        f"SELECT count(*) FILTER (WHERE fg_attempts > 0 AND fg_makes = 0 AND ft_makes = 0) AS zero_shooters, "
        f"count(*) FILTER (WHERE fg_attempts > 0 AND fg_makes = 0 AND ft_makes = 0 AND efg_pct = 0 "
        f"AND ts_pct = 0) AS zero_pct, "
        f"count(*) FILTER (WHERE fg_attempts = 0 AND (efg_pct IS NOT NULL OR ts_pct IS NOT NULL)) AS bad_nonnull, "
        f"count(*) FILTER (WHERE primary_source = 'basic_log' AND (fg_attempts IS NOT NULL "
        f"OR efg_pct IS NOT NULL OR usage_rate IS NOT NULL OR starter IS NOT NULL)) AS basic_nonnull "
        f"FROM analytics.{PGS}",
    )[0]
    assert r["zero_shooters"] > 0 and r["zero_pct"] == r["zero_shooters"]
    assert r["bad_nonnull"] == 0 and r["basic_nonnull"] == 0


# ---------------------------------------------------------------------------------------------
# 2. Point in time
# ---------------------------------------------------------------------------------------------


def test_point_in_time(built, real_warehouse_path, tmp_path):
    """The world as of the morning of D (quality.morning: no box scores or shots from D on, no
    in-game prop snapshot of any game) gives identical rows for every date before D; D's own rows
    (outcomes) are absent. In-game snapshots exist before D and differ from the pre-tip lines,
    so the points_line comparison is not vacuous."""
    start, cut, end = date(2024, 1, 2), date(2024, 1, 15), date(2024, 1, 20)
    leaky = fetch(
        real_warehouse_path,
        "SELECT count(*) AS n FROM raw.player_points_props a JOIN raw.player_points_props b "
        "USING (game_id, player_lookup, bookmaker) WHERE a.minutes_before_tipoff < 0 "
        "AND b.minutes_before_tipoff >= 0 AND a.points_line <> b.points_line "
        "AND a.game_date BETWEEN ? AND ?",
        [start, cut - timedelta(days=1)],
    )[0]["n"]
    assert leaky > 0
    path = tmp_path / "morning.duckdb"
    shutil.copy(real_warehouse_path, path)
    removed = morning_of_file(path, cut)
    assert removed["raw.player_boxscores"] and removed["raw.shots"] and removed["raw.player_points_props"], removed
    run(path, start, end)
    for name in NAMES:
        before = "WHERE game_date BETWEEN ? AND ?"
        full = table(built, name, before, [start, cut - timedelta(days=1)])
        morning = table(path, name, before, [start, cut - timedelta(days=1)])
        assert full, f"{name}: no rows before {cut}"
        assert_rows_match(morning, full, f"{name} before {cut}")
        assert not table(path, name, "WHERE game_date >= ?", [cut]), f"{name}: rows on/after {cut} without box data"


def test_in_game_snapshots_never_reach_the_line(built, real_warehouse_path, tmp_path):
    """Deleting every in-game prop snapshot changes nothing anywhere in the table."""
    start, end = date(2024, 1, 2), date(2024, 1, 20)
    path = tmp_path / "pretip.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        wh.con.execute(
            "DELETE FROM raw.player_points_props WHERE minutes_before_tipoff < 0 AND game_date BETWEEN ? AND ?",
            [start, end],
        )
    run(path, start, end)
    where = "WHERE game_date BETWEEN ? AND ?"
    assert_rows_match(table(path, PGS, where, [start, end]), table(built, PGS, where, [start, end]), "PGS pre-tip only")


# ---------------------------------------------------------------------------------------------
# 3. Chunking
# ---------------------------------------------------------------------------------------------


def test_chunking_does_not_change_results(real_warehouse_path, tmp_path):
    """One chunk, a month at a time, a date at a time: identical tables (the range crosses a
    month, the end of the regular season, the play-in and the first playoff games)."""
    start, end = date(2023, 3, 28), date(2023, 4, 18)
    results = {}
    for mode in ("all", "month", "date"):
        path = tmp_path / f"{mode}.duckdb"
        shutil.copy(real_warehouse_path, path)
        run(path, start, end, chunk_mode=mode)
        results[mode] = {n: table(path, n) for n in NAMES}
    for n in NAMES:
        assert results["all"][n]
        for mode in ("month", "date"):
            assert_rows_match(results[mode][n], results["all"][n], f"{n} chunk={mode}")


# ---------------------------------------------------------------------------------------------
# 4. Keys and coverage
# ---------------------------------------------------------------------------------------------


def test_one_row_per_key_and_coverage_over_a_season(built):
    season = [date(2023, 10, 1), date(2024, 6, 30)]
    for name in NAMES:
        keys = ", ".join(KEYS[name])
        dup = fetch(
            built,
            f"SELECT {keys}, count(*) AS n FROM analytics.{name} WHERE game_date BETWEEN ? AND ? "
            f"GROUP BY {keys} HAVING count(*) > 1 LIMIT 3",
            season,
        )
        assert not dup, f"{name}: duplicate keys {dup}"
    # every player who played, once
    raw_played = fetch(
        built,
        "SELECT count(*) AS n FROM raw.player_boxscores WHERE game_date BETWEEN ? AND ? "
        "AND season_type <> 'Pre Season' AND (\"minutes\" > 0 OR points > 0)",
        season,
    )[0]["n"]
    pgs = fetch(built, f"SELECT count(*) AS n FROM analytics.{PGS} WHERE game_date BETWEEN ? AND ?", season)[0]["n"]
    assert pgs == raw_played > 25000
    # two rows per game with box data, a winner and a loser
    for name in (TOGS, TDGS):
        per_game = fetch(
            built,
            f"SELECT game_id, count(*) AS n, sum(CASE WHEN win_flag THEN 1 ELSE 0 END) AS w, "
            f"sum(margin_of_victory) AS m FROM analytics.{name} "
            "WHERE game_date BETWEEN ? AND ? GROUP BY game_id",
            season,
        )
        games = fetch(
            built,
            "SELECT count(DISTINCT game_id) AS n FROM raw.player_boxscores WHERE game_date BETWEEN ? AND ? "
            "AND season_type <> 'Pre Season'",
            season,
        )[0]["n"]
        assert len(per_game) == games
        assert all(r["n"] == 2 and r["w"] == 1 and r["m"] == 0 for r in per_game), name
    # no preseason, ever
    for name in NAMES:
        assert not fetch(built, f"SELECT 1 FROM analytics.{name} WHERE season_type = 'Pre Season' LIMIT 1")


# ---------------------------------------------------------------------------------------------
# 5. The column contract (docs/phase3_contract.md) that Phase 4 reads
# ---------------------------------------------------------------------------------------------

CONTRACT = {
    PGS: """game_id, game_date, season_year, season_type, player_lookup, player_id, player_name, team_abbr,
        opponent_team_abbr, home_game, starter, minutes_played, points, fg_makes, fg_attempts, three_pt_makes,
        three_pt_attempts, ft_makes, ft_attempts, offensive_rebounds, defensive_rebounds, rebounds, assists,
        steals, blocks, turnovers, personal_fouls, plus_minus, efg_pct, ts_pct, usage_rate, paint_attempts,
        paint_makes, mid_range_attempts, mid_range_makes, three_zone_attempts, three_zone_makes,
        has_complete_shot_zones, win_flag, team_margin, points_line, points_line_source, opening_line,
        line_movement, over_under_result, margin_vs_line, primary_source, data_quality_tier""",
    TOGS: """game_id, game_date, season_year, season_type, team_abbr, opponent_team_abbr, home_game,
        points_scored, fg_attempts, fg_makes, three_pt_attempts, three_pt_makes, ft_attempts, ft_makes,
        offensive_rebounds, rebounds, assists, turnovers, possessions, game_minutes, overtime_periods, pace,
        offensive_rating, ts_pct, win_flag, margin_of_victory, team_paint_attempts, team_paint_makes,
        team_mid_range_attempts, team_mid_range_makes, team_three_zone_attempts, team_three_zone_makes,
        shot_zones_available, primary_source, data_quality_tier,
        defensive_rebounds, steals, blocks, personal_fouls, points_in_paint_scored""",
    TDGS: """game_id, game_date, season_year, season_type, defending_team_abbr, opponent_team_abbr, home_game,
        points_allowed, opp_fg_attempts, opp_fg_makes, opp_three_pt_attempts, opp_three_pt_makes,
        opp_ft_attempts, opp_ft_makes, opp_rebounds, opp_assists, turnovers_forced, fouls_committed, steals,
        blocks_total, defensive_rebounds, opp_paint_attempts, opp_paint_makes, opp_mid_range_attempts,
        opp_mid_range_makes, opp_three_zone_attempts, opp_three_zone_makes, points_in_paint_allowed,
        mid_range_points_allowed, three_pt_points_allowed, opp_possessions, defensive_rating, opponent_pace,
        opponent_ts_pct, win_flag, margin_of_victory, overtime_periods, shot_zones_available, primary_source,
        data_quality_tier, opp_offensive_rebounds, game_minutes""",
}
TYPES = {
    ("minutes_played", "DOUBLE"),
    ("possessions", "DOUBLE"),
    ("opp_possessions", "DOUBLE"),
    ("usage_rate", "DOUBLE"),
    ("pace", "DOUBLE"),
    ("win_flag", "BOOLEAN"),
    ("has_complete_shot_zones", "BOOLEAN"),
    ("shot_zones_available", "BOOLEAN"),
}


@pytest.mark.parametrize("name", NAMES)
def test_contract_columns(built, name):
    have = {r["column_name"]: r["column_type"] for r in fetch(built, f"DESCRIBE analytics.{name}")}
    want = [c.strip() for c in CONTRACT[name].split(",")]
    assert [c for c in want if c not in have] == []
    for col, typ in TYPES:
        if col in have:
            assert have[col] == typ, f"{name}.{col} is {have[col]}, the contract says {typ}"
    # no HUGEINT leaking out of SUM()
    assert "HUGEINT" not in have.values()
