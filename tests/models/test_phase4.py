"""Phase 4 models (TDZA, PSZA, PCF, PDC) against plain-Python recomputations on real data.

Phase 3 and Phase 4 run once per module over two ranges that start on opening night: 2023-24
(shot zones) up to mid-January and 2021-22 (no shot zones, basic logs) up to mid-December; and
over the end of the 2023-24 regular season and the first weeks of its playoffs (no shot zones).
Each check recomputes a table's rows for a sampled date in Python from simple SELECTs of the
Phase 3 tables and compares every (entity, date)."""

from __future__ import annotations

import math
import shutil
import statistics
from datetime import date, timedelta

import pytest

from nbaprops.catalog import Catalog
from nbaprops.macros import TS_MIN_ATTEMPTS, ZONE_MIN
from nbaprops.quality.morning import morning_of
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

PHASE3 = [m.name for m in Catalog.load().ordered() if m.table.startswith("analytics.")]
PHASE4 = ["team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache"]
# what a Phase 4 run computes: the models above and the shared checks they read (players' and
# teams' completeness, the dependency holes)
RUN4 = [m.name for m in Catalog.load().ordered() if m.table.startswith("precompute.")]
PROCESSORS = {
    "team_defense_zone_analysis": ("TeamDefenseZoneAnalysisProcessor", "team_abbr", "analysis_date"),
    "player_shot_zone_analysis": ("PlayerShotZoneAnalysisProcessor", "player_lookup", "analysis_date"),
    "player_composite_factors": ("PlayerCompositeFactorsProcessor", "player_lookup", "game_date"),
    "player_daily_cache": ("PlayerDailyCacheProcessor", "player_lookup", "cache_date"),
}
OPEN_2023, END_2023 = date(2023, 10, 24), date(2024, 1, 12)
OPEN_2021, END_2021 = date(2021, 10, 19), date(2021, 12, 3)
ZONE_DATE = date(2024, 1, 10)  # 2023-24 mid-season: shot zones exist
NOZONE_DATE = date(2021, 12, 1)  # 2021-22: no shot zones, basic logs only
PIT_DATE = date(2023, 11, 29)  # point-in-time check: zones, past the early-season ramp
RS_END_2023, PO_END_2023 = date(2024, 4, 3), date(2024, 5, 8)  # end of the regular season, playoffs
PLAYOFF_DATE = date(2024, 5, 6)  # two weeks into the playoffs: windows hold few zone games
QUALIFY = "(minutes_played > 0 OR fg_attempts > 0 OR points > 0)"


def run(wh: Warehouse, start: date, end: date, models: list[str], chunk_mode: str = "all"):
    res = backfill(wh, start, end, only=models, chunk_mode=chunk_mode, force=True)
    assert res.ok, [m.error for m in res.models]
    return res


@pytest.fixture(scope="module")
def p4_path(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("p4") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        for start, end in ((OPEN_2023, END_2023), (OPEN_2021, END_2021)):
            run(wh, start, end, PHASE3)
            run(wh, start, end, RUN4)
        run(wh, END_2023 + timedelta(days=1), PO_END_2023, PHASE3)
        run(wh, RS_END_2023, PO_END_2023, RUN4)
    return path


@pytest.fixture(scope="module")
def p4(p4_path):
    with Warehouse.open(p4_path, read_only=True) as wh:
        yield wh


def dicts(wh: Warehouse, sql: str, params=None) -> list[dict]:
    cur = wh.con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def close(a, b, tol=1e-8) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=tol, abs_tol=tol)
    return a == b


def assert_rows_match(actual: dict, expected: dict, key) -> None:
    bad = {k: (actual.get(k), v) for k, v in expected.items() if not close(actual.get(k), v)}
    assert not bad, f"{key}: (model, python) differ: {bad}"


def season_of(wh: Warehouse, d: date) -> tuple[int, date]:
    season = wh.con.execute("SELECT min(season_year) FROM raw.schedule WHERE game_date = ?", [d]).fetchone()[0]
    opening = wh.con.execute(
        "SELECT min(game_date) FROM raw.schedule WHERE season_year = ? AND season_type = 'Regular Season'", [season]
    ).fetchone()[0]
    return season, opening


def div(a, b):
    return None if b in (0, None) or a is None else a / b


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


# ------------------------------------------------------------------ Python references


def expected_tdza(wh: Warehouse, d: date) -> dict[str, dict]:
    season, opening = season_of(wh, d)
    days = (d - opening).days
    tdgs = dicts(
        wh,
        "SELECT * FROM analytics.team_defense_game_summary WHERE season_year = ? AND game_date < ? "
        "AND season_type <> 'Pre Season' ORDER BY game_date, game_id",
        [season, d],
    )

    def has_zones(g):
        return bool(g["shot_zones_available"]) and None not in (
            g["opp_paint_attempts"],
            g["opp_mid_range_attempts"],
            g["opp_three_zone_attempts"],
        )

    # league average: teams with >= 10 zone games in [E-30, E); E = D, in the postseason the day
    # after the regular season's last date
    end = d
    if wh.con.execute(
        "SELECT bool_or(season_type IN ('PlayIn', 'Playoffs')) FROM raw.schedule WHERE game_date = ?", [d]
    ).fetchone()[0]:
        end = wh.con.execute(
            "SELECT max(game_date) FROM raw.schedule WHERE season_year = ? AND season_type "
            "NOT IN ('Pre Season', 'PlayIn', 'Playoffs')",
            [season],
        ).fetchone()[0] + timedelta(days=1)
    tg, ta = ZONE_MIN[("team", "games")], ZONE_MIN[("team", "attempts")]
    pcts = []
    for team in {g["defending_team_abbr"] for g in tdgs}:
        zg = [
            g
            for g in tdgs
            if g["defending_team_abbr"] == team and has_zones(g) and end - timedelta(days=30) <= g["game_date"] < end
        ]
        if len(zg) < tg:
            continue
        p = [
            div(sum(g[f"opp_{z}_makes"] for g in zg), sum(g[f"opp_{z}_attempts"] for g in zg))
            for z in ("paint", "mid_range", "three_zone")
        ]
        if None not in p:
            pcts.append(p)
    league = [mean([p[i] for p in pcts]) for i in range(3)] if len(pcts) >= 10 else [0.580, 0.410, 0.355]

    out = {}
    min_games = min(15, max(5, math.floor(days * 0.4)))
    for team in {
        r[0]
        for r in wh.con.execute(
            "SELECT home_team_abbr FROM raw.schedule WHERE season_year = ? AND season_type <> 'Pre Season' UNION "
            "SELECT away_team_abbr FROM raw.schedule WHERE season_year = ? AND season_type <> 'Pre Season'",
            [season, season],
        ).fetchall()
    }:
        games = [g for g in tdgs if g["defending_team_abbr"] == team][-15:]
        if len(games) < min_games:
            continue
        zg = [g for g in games if has_zones(g)]
        ok = len(zg) >= tg
        row = {
            "games_in_sample": len(games),
            "zone_games_in_sample": len(zg),
            "opponent_points_per_game": div(sum(g["points_allowed"] for g in games), len(games)),
            "defensive_rating_last_15": mean([g["defensive_rating"] for g in games]),
            "opponent_pace": mean([g["opponent_pace"] for g in games]),
            "league_avg_paint_pct": league[0],
            "league_avg_mid_range_pct": league[1],
            "league_avg_three_pt_pct": league[2],
            "league_avg_source": "computed" if len(pcts) >= 10 else "default",
        }
        vs = {}
        for zone, col, li in (("paint", "paint", 0), ("mid_range", "mid_range", 1), ("three_pt", "three_zone", 2)):
            att = sum(g[f"opp_{col}_attempts"] for g in zg)
            pct = sum(g[f"opp_{col}_makes"] for g in zg) / att if ok and att >= ta else None
            row[f"{zone}_pct_allowed_last_15"] = pct
            row[f"{zone}_attempts_allowed_per_game"] = att / len(zg) if ok else None
            vs[zone] = (pct - league[li]) * 100 if pct is not None else None
            row[f"{zone}_defense_vs_league_avg"] = vs[zone]
        row["paint_points_allowed_per_game"] = (sum(g["points_in_paint_allowed"] for g in zg) / len(zg)) if ok else None
        if None not in vs.values():
            named = {"paint": vs["paint"], "mid_range": vs["mid_range"], "perimeter": vs["three_pt"]}
            row["strongest_zone"] = min(named, key=named.get)
            row["weakest_zone"] = max(named, key=named.get)
        else:
            row["strongest_zone"] = row["weakest_zone"] = None
        out[team] = row
    return out


def player_games(wh: Warehouse, season: int, d: date) -> dict[str, list[dict]]:
    rows = dicts(
        wh,
        f"SELECT * FROM analytics.player_game_summary WHERE season_year = ? AND game_date < ? "
        f"AND season_type <> 'Pre Season' AND {QUALIFY} ORDER BY game_date, game_id",
        [season, d],
    )
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["player_lookup"], []).append(r)
    return by


def zone_stats(games: list[dict]) -> dict:
    zg = [
        g
        for g in games
        if g["has_complete_shot_zones"]
        and None not in (g["paint_attempts"], g["mid_range_attempts"], g["three_zone_attempts"])
    ]
    att = {z: sum(g[f"{z}_attempts"] for g in zg) for z in ("paint", "mid_range", "three_zone")}
    mk = {z: sum(g[f"{z}_makes"] for g in zg) for z in ("paint", "mid_range", "three_zone")}
    return {"zg": len(zg), "att": att, "mk": mk, "tot": sum(att.values())}


def expected_psza(wh: Warehouse, d: date) -> dict[str, dict]:
    season, opening = season_of(wh, d)
    min_games = min(10, max(4, math.floor((d - opening).days * 0.3)))
    pg, pa, pza, pg20 = (ZONE_MIN[("player", k)] for k in ("games", "attempts", "zone_attempts", "games_20"))
    out = {}
    for player, games in player_games(wh, season, d).items():
        if len(games) < min_games:
            continue
        s10, s20 = zone_stats(games[-10:]), zone_stats(games[-20:])
        ok10 = s10["zg"] >= pg and s10["tot"] >= pa
        ok20 = s20["zg"] >= pg20 and s20["tot"] >= pa
        rates = {}
        for z, name in (("paint", "paint"), ("mid_range", "mid_range"), ("three_zone", "three_pt")):
            rates[name] = s10["att"][z] * 100.0 / s10["tot"] if ok10 else None
        if rates["paint"] is None:
            primary = None
        elif rates["paint"] >= 40:
            primary = "paint"
        elif rates["three_pt"] >= 40:
            primary = "perimeter"
        elif rates["mid_range"] >= 35:
            primary = "mid_range"
        else:
            primary = "balanced"
        row = {
            "games_in_sample_10": min(10, len(games)),
            "games_in_sample_20": min(20, len(games)),
            "zone_games_10": s10["zg"],
            "zone_games_20": s20["zg"],
            "season_games_before": len(games),
            "primary_scoring_zone": primary,
            "team_abbr": games[-1]["team_abbr"],
            "total_shots_last_10": s10["tot"] if s10["zg"] else None,
            "shot_zone_data_available": ok10,
        }
        for z, name in (("paint", "paint"), ("mid_range", "mid_range"), ("three_zone", "three_pt")):
            row[f"{name}_rate_last_10"] = rates[name]
            row[f"{name}_pct_last_10"] = s10["mk"][z] / s10["att"][z] if ok10 and s10["att"][z] >= pza else None
            row[f"{name}_attempts_per_game"] = s10["att"][z] / s10["zg"] if ok10 else None
            row[f"{name}_rate_last_20"] = s20["att"][z] * 100.0 / s20["tot"] if ok20 else None
            row[f"{name}_pct_last_20"] = s20["mk"][z] / s20["att"][z] if ok20 and s20["att"][z] >= pza else None
        out[player] = row
    return out


def team_pace(wh: Warehouse, season: int, d: date) -> dict[str, dict]:
    rows = dicts(
        wh,
        "SELECT * FROM analytics.team_offense_game_summary WHERE season_year = ? AND game_date < ? "
        "AND season_type <> 'Pre Season' ORDER BY game_date, game_id",
        [season, d],
    )
    by: dict[str, list[dict]] = {}
    for r in rows:
        by.setdefault(r["team_abbr"], []).append(r)
    return {
        t: {
            "n": len(g[-10:]),
            "pace": mean([x["pace"] for x in g[-10:]]),
            "ortg": mean([x["offensive_rating"] for x in g[-10:]]),
        }
        for t, g in by.items()
    }


def expected_pcf(wh: Warehouse, d: date) -> dict[str, dict]:
    season, _ = season_of(wh, d)
    games = player_games(wh, season, d)
    pace = team_pace(wh, season, d)
    psza = {
        r["player_lookup"]: r
        for r in dicts(wh, "SELECT * FROM precompute.player_shot_zone_analysis WHERE analysis_date = ?", [d])
    }
    tdza = {
        r["team_abbr"]: r
        for r in dicts(wh, "SELECT * FROM precompute.team_defense_zone_analysis WHERE analysis_date = ?", [d])
    }
    out = {}
    for u in dicts(wh, "SELECT * FROM analytics.upcoming_player_game_context WHERE game_date = ?", [d]):
        f = 100
        if u["back_to_back"]:
            f -= 15
        elif (u["days_rest"] if u["days_rest"] is not None else 1) >= 3:
            f += 5
        if (u["games_in_last_7_days"] if u["games_in_last_7_days"] is not None else 3) >= 4:
            f -= 10
        if (u["minutes_in_last_7_days"] if u["minutes_in_last_7_days"] is not None else 200) > 240:
            f -= 10
        if (u["avg_minutes_per_game_last_7"] if u["avg_minutes_per_game_last_7"] is not None else 30) > 35:
            f -= 8
        b2b = u["back_to_backs_last_14_days"] or 0
        f -= 12 if b2b >= 2 else 5 if b2b == 1 else 0
        f = max(0, min(100, f))
        z, t = psza.get(u["player_lookup"]), tdza.get(u["opponent_team_abbr"])
        zone = z["primary_scoring_zone"] if z else None
        key = {"mid_range": "mid_range", "perimeter": "three_pt"}.get(zone, "paint")
        usage = z[f"{key}_rate_last_10"] if z else None
        defense = t[f"{key}_defense_vs_league_avg"] if t else None
        sz = None
        if usage is not None and defense is not None:
            w = defense * min(usage / 50, 1)
            sz = max(-10, min(10, w * 1.2 if abs(w) > 5 else w))
        tp, op = pace.get(u["team_abbr"]), pace.get(u["opponent_team_abbr"])
        pdiff = tp["pace"] - op["pace"] if tp and op and None not in (tp["pace"], op["pace"]) else None
        ps = max(-3, min(3, pdiff / 2)) if pdiff is not None else None
        g = games.get(u["player_lookup"], [])
        u3, u7 = mean([x["usage_rate"] for x in g[-3:]]), mean([x["usage_rate"] for x in g[-7:]])
        us = max(-3, min(3, 0.3 * (u3 - u7))) if u3 is not None and u7 is not None else None
        total = (f - 100) / 20 + (sz or 0) + (ps or 0) + (us or 0)
        completeness = 20 * sum(x is not None for x in (u["days_rest"], u3, pdiff, usage, defense))
        out[u["player_lookup"]] = {
            "fatigue_score": f,
            "fatigue_adjustment": (f - 100) / 20,
            "shot_zone_mismatch_score": sz,
            "pace_differential": pdiff,
            "pace_score": ps,
            "projected_usage_rate": u3,
            "avg_usage_rate_last_7_games": u7,
            "usage_spike_score": us,
            "total_composite_adjustment": total,
            "data_completeness_pct": completeness,
            "opponent_team_abbr": u["opponent_team_abbr"],
            "has_warnings": f < 50 or abs(sz or 0) > 8 or abs(total) > 12,
        }
    return out


def true_shooting(games: list[dict]):
    """Points over 2 * (FGA + 0.44 FTA), sums over the games with attempts; NULL below the minimum."""
    full = [x for x in games if x["fg_attempts"] is not None and x["ft_attempts"] is not None]
    fga, fta = sum(x["fg_attempts"] for x in full), sum(x["ft_attempts"] for x in full)
    if not full or fga + fta < TS_MIN_ATTEMPTS:
        return None
    return sum(x["points"] for x in full) / (2 * (fga + 0.44 * fta))


def expected_pdc(wh: Warehouse, d: date) -> dict[str, dict]:
    season, opening = season_of(wh, d)
    min_games = min(5, max(4, math.floor((d - opening).days * 0.3)))
    games = player_games(wh, season, d)
    pace = team_pace(wh, season, d)
    psza = {
        r["player_lookup"]: r
        for r in dicts(wh, "SELECT * FROM precompute.player_shot_zone_analysis WHERE analysis_date = ?", [d])
    }
    out = {}
    for u in dicts(wh, "SELECT * FROM analytics.upcoming_player_game_context WHERE game_date = ?", [d]):
        g = games.get(u["player_lookup"], [])
        if len(g) < min_games:
            continue
        pts10 = [x["points"] for x in g[-10:]]
        tp = pace.get(u["team_abbr"], {"n": 0, "pace": None, "ortg": None})
        z = psza.get(u["player_lookup"])
        out[u["player_lookup"]] = {
            "games_played_season": len(g),
            "points_avg_last_5": mean([x["points"] for x in g[-5:]]),
            "points_avg_last_10": mean(pts10),
            "points_avg_season": mean([x["points"] for x in g]),
            "points_std_last_10": statistics.stdev(pts10) if len(pts10) >= 2 else None,
            "minutes_avg_last_10": mean([x["minutes_played"] for x in g[-10:]]),
            "usage_rate_last_10": mean([x["usage_rate"] for x in g[-10:]]),
            "ts_pct_last_10": true_shooting(g[-10:]),
            "player_usage_rate_season": mean([x["usage_rate"] for x in g]),
            "team_games_last_10": tp["n"],
            "team_pace_last_10": tp["pace"],
            "team_off_rating_last_10": tp["ortg"],
            "days_rest": u["days_rest"],
            "games_in_last_7_days": u["games_in_last_7_days"],
            "minutes_in_last_14_days": u["minutes_in_last_14_days"],
            "back_to_backs_last_14_days": u["back_to_backs_last_14_days"],
            "primary_scoring_zone": z["primary_scoring_zone"] if z else None,
            "paint_rate_last_10": z["paint_rate_last_10"] if z else None,
            "three_pt_rate_last_10": z["three_pt_rate_last_10"] if z else None,
            "shot_zone_data_available": bool(z and z["paint_rate_last_10"] is not None),
        }
    return out


EXPECTED = {
    "team_defense_zone_analysis": expected_tdza,
    "player_shot_zone_analysis": expected_psza,
    "player_composite_factors": expected_pcf,
    "player_daily_cache": expected_pdc,
}


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize(
    "d", [ZONE_DATE, NOZONE_DATE, PLAYOFF_DATE], ids=["zones-2023-24", "nozones-2021-22", "playoffs-2023-24"]
)
@pytest.mark.parametrize("model", PHASE4)
def test_matches_python_reference(p4, model, d):
    _, entity, tcol = PROCESSORS[model]
    actual = {r[entity]: r for r in dicts(p4, f"SELECT * FROM precompute.{model} WHERE {tcol} = ?", [d])}
    expected = EXPECTED[model](p4, d)
    assert set(actual) == set(expected)
    assert len(actual) >= 25
    for key, exp in expected.items():
        assert_rows_match(actual[key], exp, (model, key, d))


def test_zone_fields_null_without_zone_data(p4):
    for model, cols in (
        ("team_defense_zone_analysis", ["paint_pct_allowed_last_15", "weakest_zone"]),
        ("player_shot_zone_analysis", ["paint_rate_last_10", "primary_scoring_zone"]),
        ("player_daily_cache", ["paint_rate_last_10"]),
        ("player_composite_factors", ["shot_zone_mismatch_score"]),
    ):
        _, _, tcol = PROCESSORS[model]
        for col in cols:
            n_2021 = p4.con.execute(
                f"SELECT count({col}) FROM precompute.{model} WHERE {tcol} = ?", [NOZONE_DATE]
            ).fetchone()[0]
            n_2023 = p4.con.execute(
                f"SELECT count({col}) FROM precompute.{model} WHERE {tcol} = ?", [ZONE_DATE]
            ).fetchone()[0]
            assert n_2021 == 0 and n_2023 > 0, (model, col, n_2021, n_2023)


def check_zone_minimum_samples(wh: Warehouse, start: date, end: date) -> None:
    """Zone fields rest on a minimum sample (nbaprops.macros.ZONE_MIN), NULL with a reason below it."""
    tg, ta = ZONE_MIN[("team", "games")], ZONE_MIN[("team", "attempts")]
    pg, pa = ZONE_MIN[("player", "games")], ZONE_MIN[("player", "attempts")]
    small = wh.con.execute(
        "SELECT count(*), count(paint_defense_vs_league_avg) + count(mid_range_defense_vs_league_avg) "
        "+ count(three_pt_defense_vs_league_avg) + count(paint_pct_allowed_last_15), "
        "count(*) FILTER (WHERE calculation_notes LIKE 'zone sample too small: %') "
        "FROM precompute.team_defense_zone_analysis WHERE analysis_date BETWEEN ? AND ? "
        "AND zone_games_in_sample BETWEEN 1 AND ?",
        [start, end, tg - 1],
    ).fetchone()
    assert small[0] > 0, "the range holds no team window with a few zone games"
    assert small[1] == 0 and small[2] == small[0], small
    few_att = wh.con.execute(
        "SELECT count(*) FROM precompute.team_defense_zone_analysis WHERE analysis_date BETWEEN ? AND ? AND "
        "((mid_range_pct_allowed_last_15 IS NOT NULL AND mid_range_attempts_allowed_per_game * "
        "zone_games_in_sample < ?) "
        "OR (paint_pct_allowed_last_15 IS NOT NULL AND paint_attempts_allowed_per_game * zone_games_in_sample < ?))",
        [start, end, ta - 0.5, ta - 0.5],
    ).fetchone()[0]
    assert few_att == 0
    worst = wh.con.execute(
        "SELECT max(greatest(abs(paint_defense_vs_league_avg), abs(mid_range_defense_vs_league_avg), "
        "abs(three_pt_defense_vs_league_avg))) FROM precompute.team_defense_zone_analysis "
        "WHERE analysis_date BETWEEN ? AND ?",
        [start, end],
    ).fetchone()[0]
    assert worst is None or worst < 25, worst  # 59 points with a single zone game
    p = wh.con.execute(
        "SELECT count(*) FILTER (WHERE paint_rate_last_10 IS NOT NULL AND (zone_games_10 < ? OR "
        "total_shots_last_10 < ?)), "
        "count(*) FILTER (WHERE zone_games_10 BETWEEN 1 AND ? - 1), "
        "count(*) FILTER (WHERE paint_rate_last_10 IS NULL AND zone_null_reason IS NULL) "
        "FROM precompute.player_shot_zone_analysis WHERE analysis_date BETWEEN ? AND ?",
        [pg, pa, pg, start, end],
    ).fetchone()
    assert p[0] == 0 and p[1] > 0 and p[2] == 0, p
    # the mismatch never rests on an opponent window below the minimum
    m = wh.con.execute(
        "SELECT count(*), count(p.shot_zone_mismatch_score), max(abs(p.shot_zone_mismatch_score)) "
        "FROM precompute.player_composite_factors p JOIN precompute.team_defense_zone_analysis t "
        "ON t.team_abbr = p.opponent_team_abbr AND t.analysis_date = p.game_date "
        "WHERE p.game_date BETWEEN ? AND ? AND t.zone_games_in_sample < ?",
        [start, end, tg],
    ).fetchone()
    assert m[1] == 0, m


def check_league_average_through_playoffs(wh: Warehouse, start: date, end: date) -> None:
    """In the postseason the league averages are the regular season's last ones, never defaults."""
    rows = wh.con.execute(
        "SELECT DISTINCT league_avg_source, league_avg_paint_pct, league_avg_mid_range_pct, league_avg_three_pt_pct "
        "FROM precompute.team_defense_zone_analysis t JOIN analytics.game_calendar c ON c.game_date = t.analysis_date "
        "WHERE t.analysis_date BETWEEN ? AND ? AND c.game_type IN ('PlayIn', 'Playoffs')",
        [start, end],
    ).fetchall()
    assert len(rows) == 1 and rows[0][0] == "computed", rows
    n_dates = wh.con.execute(
        "SELECT count(DISTINCT game_date) FROM analytics.game_calendar WHERE game_date BETWEEN ? AND ? "
        "AND game_type IN ('PlayIn', 'Playoffs')",
        [start, end],
    ).fetchone()[0]
    assert n_dates >= 15


def test_zone_fields_need_a_minimum_sample(p4):
    check_zone_minimum_samples(p4, RS_END_2023, PO_END_2023)
    check_zone_minimum_samples(p4, OPEN_2023, END_2023)


def check_true_shooting_window(wh: Warehouse, start: date, end: date) -> None:
    """A window's TS% is a ratio of sums over >= TS_MIN_ATTEMPTS attempts, not a mean of per-game TS%
    (which reached 1.5 on one made three)."""
    n, worst = wh.con.execute(
        "SELECT count(ts_pct_last_10), max(ts_pct_last_10) FROM precompute.player_daily_cache "
        "WHERE cache_date BETWEEN ? AND ?",
        [start, end],
    ).fetchone()
    assert n > 1000 and worst <= 1.15, (n, worst)


def test_true_shooting_window_is_a_ratio_of_sums(p4):
    check_true_shooting_window(p4, OPEN_2023, END_2023)
    check_true_shooting_window(p4, RS_END_2023, PO_END_2023)


def test_league_average_is_kept_through_the_playoffs(p4):
    check_league_average_through_playoffs(p4, RS_END_2023, PO_END_2023)


def universe(wh: Warehouse, model: str, d: date) -> set[str]:
    season, _ = season_of(wh, d)
    if model == "team_defense_zone_analysis":
        return {
            r[0]
            for r in wh.con.execute(
                "SELECT home_team_abbr FROM raw.schedule WHERE season_year = ? AND season_type <> 'Pre Season' UNION "
                "SELECT away_team_abbr FROM raw.schedule WHERE season_year = ? AND season_type <> 'Pre Season'",
                [season, season],
            ).fetchall()
        }
    if model == "player_shot_zone_analysis":
        return set(player_games(wh, season, d))
    return {
        r[0]
        for r in wh.con.execute(
            "SELECT player_lookup FROM analytics.upcoming_player_game_context WHERE game_date = ?", [d]
        ).fetchall()
    }


def rows_and_failures(wh: Warehouse, model: str, d: date) -> tuple[set[str], dict[str, str]]:
    proc, entity, tcol = PROCESSORS[model]
    rows = {r[0] for r in wh.con.execute(f"SELECT {entity} FROM precompute.{model} WHERE {tcol} = ?", [d]).fetchall()}
    fails = dict(
        wh.con.execute(
            "SELECT entity_id, failure_category FROM processing.precompute_failures "
            "WHERE processor_name = ? AND analysis_date = ?",
            [proc, d],
        ).fetchall()
    )
    return rows, fails


@pytest.mark.parametrize("model", PHASE4)
def test_every_entity_accounted_for(p4, model):
    dates = [
        r[0]
        for r in p4.con.execute(
            "SELECT DISTINCT game_date FROM raw.schedule WHERE season_type <> 'Pre Season' AND "
            "(game_date BETWEEN ? AND ? OR game_date BETWEEN ? AND ?) ORDER BY 1",
            [OPEN_2023, END_2023, OPEN_2021, END_2021],
        ).fetchall()
    ]
    boundary = [d for d in dates if d >= OPEN_2023 + timedelta(days=12)][:4]  # around the bootstrap end
    for d in sorted({*dates[::4], OPEN_2023, OPEN_2021, *boundary}):
        rows, fails = rows_and_failures(p4, model, d)
        uni = universe(p4, model, d)
        assert not rows & set(fails), (model, d)
        if uni:
            assert rows | set(fails) == uni, (model, d, (rows | set(fails)) ^ uni)
        else:  # an empty universe is one DATE_LEVEL row, never silence
            assert not rows and set(fails) == {"DATE_LEVEL"}, (model, d)
    cats = {
        r[0]
        for r in p4.con.execute(
            "SELECT DISTINCT failure_category FROM processing.precompute_failures WHERE processor_name = ?",
            [PROCESSORS[model][0]],
        ).fetchall()
    }
    assert cats <= {"EXPECTED_INCOMPLETE", "INSUFFICIENT_DATA"}, cats


@pytest.mark.parametrize("opening", [OPEN_2023, OPEN_2021])
@pytest.mark.parametrize("model", PHASE4)
def test_bootstrap_window(p4, model, opening):
    proc, _, tcol = PROCESSORS[model]
    last_boot = opening + timedelta(days=13)
    n = p4.con.execute(
        f"SELECT count(*) FROM precompute.{model} WHERE {tcol} BETWEEN ? AND ?", [opening, last_boot]
    ).fetchone()[0]
    assert n == 0
    cats = dict(
        p4.con.execute(
            "SELECT failure_category, count(*) FROM processing.precompute_failures WHERE processor_name = ? "
            "AND analysis_date BETWEEN ? AND ? GROUP BY 1",
            [proc, opening, last_boot],
        ).fetchall()
    )
    assert set(cats) == {"EXPECTED_INCOMPLETE"}
    assert p4.con.execute(
        "SELECT bool_and(NOT can_retry) FROM processing.precompute_failures WHERE processor_name = ? "
        "AND analysis_date BETWEEN ? AND ?",
        [proc, opening, last_boot],
    ).fetchone()[0]
    # after the window: rows, and failures only for too few games, which can be retried
    first_after = p4.con.execute("SELECT min(game_date) FROM raw.schedule WHERE game_date > ?", [last_boot]).fetchone()[
        0
    ]
    assert p4.con.execute(f"SELECT count(*) FROM precompute.{model} WHERE {tcol} = ?", [first_after]).fetchone()[0] > 0
    after = p4.con.execute(
        "SELECT DISTINCT failure_category, can_retry FROM processing.precompute_failures "
        "WHERE processor_name = ? AND analysis_date BETWEEN ? AND ?",
        [proc, first_after, opening + timedelta(days=40)],
    ).fetchall()
    assert set(after) <= {("INSUFFICIENT_DATA", True)}, after


TABLE_SQL = {m: f"SELECT * FROM precompute.{m} WHERE {PROCESSORS[m][2]} BETWEEN ? AND ? ORDER BY ALL" for m in PHASE4}
FAIL_SQL = (
    "SELECT processor_name, analysis_date, entity_id, failure_category, failure_reason, can_retry "
    "FROM processing.precompute_failures WHERE analysis_date BETWEEN ? AND ? ORDER BY ALL"
)


def snapshot(wh: Warehouse, start: date, end: date) -> dict:
    snap = {m: wh.con.execute(TABLE_SQL[m], [start, end]).fetchall() for m in PHASE4}
    snap["failures"] = wh.con.execute(FAIL_SQL, [start, end]).fetchall()
    return snap


def test_chunking_invariance(p4_path, tmp_path):
    # straddles the end of the bootstrap window (2023-11-07)
    start, end = date(2023, 10, 30), date(2023, 11, 14)
    with Warehouse.open(p4_path, read_only=True) as wh:
        ref = snapshot(wh, start, end)  # computed in one chunk over the whole season range
    path = tmp_path / "chunks.duckdb"
    shutil.copy(p4_path, path)
    with Warehouse.open(path) as wh:
        for m in RUN4:
            wh.con.execute(f"DELETE FROM precompute.{m}")
        wh.con.execute("DELETE FROM processing.precompute_failures")
        wh.con.execute("DELETE FROM processing.model_state")
        run(wh, start, end, RUN4, chunk_mode="date")
        got = snapshot(wh, start, end)
    for k in ref:
        assert got[k] == ref[k], k
    assert sum(len(v) for v in ref.values()) > 1000


def test_point_in_time(real_copy, p4_path):
    """The world as of the morning of D (quality.morning: every raw row with game_date >= D
    removed, schedule kept with its results blanked); Phase 3 + 4 rerun; every Phase 4 row and
    failure keyed on D unchanged."""
    d = PIT_DATE
    with Warehouse.open(p4_path, read_only=True) as wh:
        ref = snapshot(wh, d, d)
    with Warehouse.open(real_copy) as wh:
        with wh.transaction() as con:
            cut = morning_of(con, d)
        assert cut["raw.player_boxscores"] and cut["raw.shots"] and cut["raw.schedule"], cut
        run(wh, OPEN_2023, d, PHASE3)
        run(wh, d - timedelta(days=3), d, RUN4)
        got = snapshot(wh, d, d)
    # floats within 1e-9: UPGC's own sums of decimal minutes are not bit-stable across runs
    # (summation order), and PCF/PDC copy them
    for k in ref:
        assert len(got[k]) == len(ref[k]), k
        for g, r in zip(got[k], ref[k]):
            assert len(g) == len(r) and all(close(a, b, 1e-9) for a, b in zip(g, r)), (k, g, r)
    assert all(ref[m] for m in PHASE4)


def test_missing_upstream_is_a_date_level_failure(p4_path, tmp_path):
    d = date(2023, 12, 1)
    path = tmp_path / "missing.duckdb"
    shutil.copy(p4_path, path)
    with Warehouse.open(path) as wh:
        wh.con.execute("DELETE FROM analytics.upcoming_player_game_context WHERE game_date = ?", [d])
        wh.con.execute("DELETE FROM processing.model_state")
        run(wh, d, d, ["player_composite_factors", "player_daily_cache"])
        for model in ("player_composite_factors", "player_daily_cache"):
            rows, fails = rows_and_failures(wh, model, d)
            assert not rows and fails == {"DATE_LEVEL": "MISSING_DEPENDENCY"}, (model, rows, fails)
