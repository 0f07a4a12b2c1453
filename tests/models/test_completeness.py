"""Completeness columns and dependency checks of the Phase 4 models (definition:
src/nbaprops/completeness.py), against an independent plain-Python count on real data."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops.catalog import Catalog
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[2]
PHASE3 = [m.name for m in Catalog.load().ordered() if m.table.startswith("analytics.")]
PHASE4 = ["team_defense_zone_analysis", "player_shot_zone_analysis", "player_composite_factors", "player_daily_cache"]
# what a Phase 4 run computes: the models above and the shared checks they read (players' and
# teams' completeness, the dependency holes)
RUN4 = [m.name for m in Catalog.load().ordered() if m.table.startswith("precompute.")]
OPEN, END = date(2023, 10, 24), date(2024, 2, 20)
TCOL = {
    "team_defense_zone_analysis": ("analysis_date", "team_abbr"),
    "player_shot_zone_analysis": ("analysis_date", "player_lookup"),
    "player_composite_factors": ("game_date", "player_lookup"),
    "player_daily_cache": ("cache_date", "player_lookup"),
}
PROC = {
    "team_defense_zone_analysis": "TeamDefenseZoneAnalysisProcessor",
    "player_shot_zone_analysis": "PlayerShotZoneAnalysisProcessor",
    "player_composite_factors": "PlayerCompositeFactorsProcessor",
    "player_daily_cache": "PlayerDailyCacheProcessor",
}


def run(wh, start, end, models):
    res = backfill(wh, start, end, only=models, force=True)
    assert res.ok, [m.error for m in res.models]


@pytest.fixture(scope="module")
def cpath(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("cmp") / "wh.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        run(wh, OPEN, END, PHASE3)
        run(wh, OPEN, END, RUN4)
    return path


@pytest.fixture(scope="module")
def cw(cpath):
    with Warehouse.open(cpath, read_only=True) as wh:
        yield wh


# ---------------------------------------------------------------- plain-Python reference
def team_games(wh, season):
    """team -> sorted scheduled game dates (home and away)."""
    out: dict[str, list[date]] = {}
    for h, a, d in wh.con.execute(
        "SELECT home_team_abbr, away_team_abbr, game_date FROM raw.schedule "
        "WHERE season_year = ? AND season_type <> 'Pre Season'",
        [season],
    ).fetchall():
        out.setdefault(h, []).append(d)
        out.setdefault(a, []).append(d)
    return {t: sorted(set(v)) for t, v in out.items()}


def windows(expected: list[date], have: set[date], d: date) -> dict[str, tuple[int, int]]:
    before = [g for g in expected if g < d]
    out = {}
    for n in (5, 10, 15, 20):
        last = before[-n:]
        out[f"l{n}"] = (len(last), sum(g in have for g in last))
    for n in (7, 14, 30):
        win = [g for g in before if g >= d - timedelta(days=n)]
        out[f"l{n}d"] = (len(win), sum(g in have for g in win))
    return out


def player_expected(wh, player, season, d):
    """The player's expected games before d: his stint team's games, stint by stint."""
    rows = wh.con.execute(
        "SELECT game_date, min(team_abbr) FROM analytics.player_game_summary WHERE player_lookup = ? "
        "AND season_year = ? AND season_type <> 'Pre Season' GROUP BY 1 ORDER BY 1",
        [player, season],
    ).fetchall()
    games = team_games(wh, season)
    stints = []
    for gd, team in rows:
        if not stints or stints[-1][0] != team:
            stints.append([team, gd])
    expected = []
    for i, (team, start) in enumerate(stints):
        stop = stints[i + 1][1] if i + 1 < len(stints) else date(9999, 12, 31)
        expected += [g for g in games.get(team, []) if start <= g < stop]
    return sorted(expected), {r[0] for r in rows}


def check_row(row, exp, wins):
    for w in wins:
        e, a = exp[w]
        assert (row[f"{w}_expected_games"], row[f"{w}_actual_games"]) == (e, a), (w, row, exp)
        assert row[f"{w}_completeness_pct"] == (None if e == 0 else round(100.0 * a / e, 1))
    ready = exp[wins[0]][0] > 0 and all(exp[w][1] * 10 >= exp[w][0] * 9 for w in wins)
    assert row["is_production_ready"] == ready, (row, exp)
    assert (row["completeness_reason"] is None) == ready
    assert (row["expected_games"], row["actual_games"]) == exp[wins[0]]


def rows_for(wh, model, d, entity=None):
    tcol, ecol = TCOL[model]
    sql = f"SELECT * FROM precompute.{model} WHERE {tcol} = ?" + (f" AND {ecol} = ?" if entity else "")
    cur = wh.con.execute(sql, [d, entity] if entity else [d])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def traded_player(wh):
    """A player with rows for two teams in 2023-24 before END (a trade)."""
    return wh.con.execute(
        "SELECT player_lookup, max(game_date) FILTER (WHERE true) FROM analytics.player_game_summary "
        "WHERE season_year = 2023 AND game_date < ? GROUP BY 1 HAVING count(DISTINCT team_abbr) >= 2 "
        "ORDER BY count(*) DESC, 1 LIMIT 1",
        [END],
    ).fetchone()[0]


# ---------------------------------------------------------------- tests
def test_checks_are_the_shared_definition():
    """The checks are computed once, by the shared models (player and team completeness, the
    dependency holes), from the definitions in completeness.py; every Phase 4 model and the
    feature store read them through the macros (no copy of a check in a model file)."""
    from nbaprops import completeness
    from nbaprops.macros import render

    schedule = render(completeness.SCHEDULE)
    cat = Catalog.load()
    for shared in ("player_completeness", "team_completeness", "dependency_holes"):
        assert schedule in cat.get(shared).sql, shared
    for model in [*PHASE4, "ml_feature_store_v2"]:
        m = cat.get(model)
        source = (ROOT / "src/nbaprops/models" / m.path).read_text(encoding="utf-8")
        assert "@dependency_check(" in source and "@completeness_windows(" in source, model
        assert "cmp_holes AS" not in source and "cmp_sched AS" not in source, model
        assert "-- completeness:" not in source, model
        assert "precompute.dependency_holes" in m.depends_on, model
        assert schedule not in m.sql, model  # nothing recomputed per model


@pytest.mark.parametrize(
    "d", [date(2023, 10, 28), date(2023, 11, 8), date(2023, 11, 20), date(2024, 1, 10), date(2024, 2, 14)]
)
def test_team_completeness_matches_python(cw, d):
    season = 2023
    games = team_games(cw, season)
    have: dict[str, set] = {}
    for t, gd in cw.con.execute(
        "SELECT defending_team_abbr, game_date FROM analytics.team_defense_game_summary WHERE season_year = ?", [season]
    ).fetchall():
        have.setdefault(t, set()).add(gd)
    rows = rows_for(cw, "team_defense_zone_analysis", d)
    fails = cw.con.execute(
        "SELECT entity_id, expected_games, actual_games, is_production_ready FROM "
        "processing.precompute_failures WHERE processor_name = ? AND analysis_date = ?",
        [PROC["team_defense_zone_analysis"], d],
    ).fetchall()
    assert len(rows) + len(fails) == 30
    for row in rows:
        check_row(row, windows(games[row["team_abbr"]], have.get(row["team_abbr"], set()), d), ("l15", "l30d"))
    for team, e, a, _ready in fails:
        exp = windows(games[team], have.get(team, set()), d)
        assert (e, a) == exp["l15"]


@pytest.mark.parametrize(
    "model,wins",
    [
        ("player_shot_zone_analysis", ("l10", "l20")),
        ("player_daily_cache", ("l5", "l10", "l7d", "l14d")),
        ("player_composite_factors", ("l10", "l7d", "l14d")),
    ],
)
@pytest.mark.parametrize("d", [date(2023, 11, 8), date(2023, 11, 24), date(2024, 1, 10), date(2024, 2, 14)])
def test_player_completeness_matches_python(cw, model, wins, d):
    rows = rows_for(cw, model, d)
    assert rows
    sample = rows[:: max(1, len(rows) // 25)]
    trade = traded_player(cw)
    sample += rows_for(cw, model, d, trade)
    for row in sample:
        exp_games, have = player_expected(cw, row["player_lookup"], 2023, d)
        check_row(row, windows(exp_games, have, d), wins)


@pytest.mark.parametrize(
    "model,primary",
    [("player_shot_zone_analysis", "l10"), ("player_daily_cache", "l5"), ("player_composite_factors", "l10")],
)
def test_early_season_failure_rows_match_python(cw, model, primary):
    """Day 4 of the season (bootstrap window): every player is a failure row, whose
    completeness is his primary window so far."""
    d = date(2023, 10, 28)
    assert not rows_for(cw, model, d)
    fails = cw.con.execute(
        "SELECT entity_id, failure_category, expected_games, actual_games FROM "
        "processing.precompute_failures WHERE processor_name = ? AND analysis_date = ?",
        [PROC[model], d],
    ).fetchall()
    assert len(fails) > 100 and {f[1] for f in fails} == {"EXPECTED_INCOMPLETE"}
    for player, _, e, a in fails[:: max(1, len(fails) // 25)]:
        exp_games, have = player_expected(cw, player, 2023, d)
        assert (e, a) == windows(exp_games, have, d)[primary], player
        assert e <= 3  # at most the team's games of the season's first four days


def test_traded_player_is_counted_against_both_teams(cw):
    player = traded_player(cw)
    rows = cw.con.execute(
        "SELECT game_date, team_abbr FROM analytics.player_game_summary WHERE player_lookup = ? "
        "AND season_year = 2023 ORDER BY 1",
        [player],
    ).fetchall()
    first_new = next(gd for gd, t in rows if t != rows[0][1])
    d = cw.con.execute(
        "SELECT min(analysis_date) FROM precompute.player_shot_zone_analysis WHERE player_lookup = ? "
        "AND analysis_date > ?",
        [player, first_new + timedelta(days=5)],
    ).fetchone()[0]
    row = rows_for(cw, "player_shot_zone_analysis", d, player)[0]
    exp_games, have = player_expected(cw, player, 2023, d)
    check_row(row, windows(exp_games, have, d), ("l10", "l20"))
    # his window straddles the trade: some expected games belong to each team
    games = team_games(cw, 2023)
    last20 = [g for g in exp_games if g < d][-20:]
    assert any(g in games[rows[0][1]] for g in last20 if g < first_new)


def test_failure_rows_carry_completeness(cw):
    n = cw.con.execute(
        "SELECT count(*), count(expected_games) FROM processing.precompute_failures "
        "WHERE entity_id <> 'DATE_LEVEL' AND failure_category = 'INSUFFICIENT_DATA'"
    ).fetchone()
    assert n[0] > 0 and n[0] == n[1]


def test_feature_store_carries_completeness(cpath, tmp_path):
    path = tmp_path / "mlfs.duckdb"
    shutil.copy(cpath, path)
    d = date(2024, 1, 10)
    with Warehouse.open(path) as wh:
        run(wh, d, d, ["ml_feature_store_v2"])
        cur = wh.con.execute(
            "SELECT m.player_lookup, m.l10_expected_games, m.l10_actual_games, m.l5_expected_games, "
            "m.l5_actual_games, m.l7d_expected_games, m.l14d_actual_games, p.l10_expected_games, "
            "p.l5_actual_games, p.l7d_expected_games, p.l14d_actual_games "
            "FROM predictions.ml_feature_store_v2 m JOIN precompute.player_daily_cache p "
            "ON p.player_lookup = m.player_lookup AND p.cache_date = m.game_date WHERE m.game_date = ?",
            [d],
        ).fetchall()
    assert len(cur) > 100
    for r in cur:  # same definition as the daily cache
        assert (r[1], r[4], r[5], r[6]) == (r[7], r[8], r[9], r[10])


def team_holes(wh, table, col, team, d):
    """Plain count: the team's scheduled games in [d - 7, d) without a row of the team in the
    upstream table, on dates where other teams have rows."""
    games = [g for g in team_games(wh, 2023)[team] if d - timedelta(days=7) <= g < d]
    have = {
        r[0]
        for r in wh.con.execute(f"SELECT DISTINCT game_date FROM analytics.{table} WHERE {col} = ?", [team]).fetchall()
    }
    any_rows = {r[0] for r in wh.con.execute(f"SELECT DISTINCT game_date FROM analytics.{table}").fetchall()}
    return [g for g in games if g not in have and g in any_rows]


def rows_for_mlfs(wh, d):
    return wh.con.execute(
        "SELECT player_lookup FROM predictions.ml_feature_store_v2 WHERE game_date = ?", [d]
    ).fetchall()


def failures_of(wh, model, d, entity=None):
    sql = (
        "SELECT entity_id, failure_category, failure_reason FROM processing.precompute_failures "
        "WHERE processor_name = ? AND analysis_date = ?" + (" AND entity_id = ?" if entity else "")
    )
    return wh.con.execute(sql, [PROC[model], d] + ([entity] if entity else [])).fetchall()


def test_a_team_missing_for_a_week_is_a_dependency_of_its_entities_then_reduces_completeness(cpath, tmp_path):
    """BOS's Phase 3 rows of 2024-01-01 .. 01-07 are gone (its games of 01-02, 01-05, 01-06), and
    every row of 2024-01-17. While BOS's hole is in the week before D, BOS's entities get
    MISSING_DEPENDENCY and the rest of the league is computed; afterwards BOS's rows come back
    with reduced completeness; the whole missing date stops every model for the week after it."""
    path = tmp_path / "holes.duckdb"
    shutil.copy(cpath, path)
    a, b = date(2024, 1, 1), date(2024, 1, 7)
    gone = date(2024, 1, 17)
    with Warehouse.open(path) as wh:
        for t, col in (
            ("team_defense_game_summary", "defending_team_abbr"),
            ("team_offense_game_summary", "team_abbr"),
            ("player_game_summary", "team_abbr"),
        ):
            wh.con.execute(f"DELETE FROM analytics.{t} WHERE {col} = 'BOS' AND game_date BETWEEN ? AND ?", [a, b])
            wh.con.execute(f"DELETE FROM analytics.{t} WHERE game_date = ?", [gone])
        wh.con.execute("DELETE FROM processing.model_state")
        res = backfill(
            wh, date(2024, 1, 8), date(2024, 1, 22), only=[*RUN4, "ml_feature_store_v2"], force=True, preflight=False
        )
        assert res.ok

        # BOS plays on 01-08, 01-10 and 01-13: its games of the week before are partly missing
        for d in (date(2024, 1, 8), date(2024, 1, 10), date(2024, 1, 13)):
            holes = team_holes(wh, "team_defense_game_summary", "defending_team_abbr", "BOS", d)
            assert holes and holes == team_holes(wh, "player_game_summary", "team_abbr", "BOS", d)
            expect = f"for {len(holes)} of its scheduled game(s) in the 7 days before {d} (first {holes[0]})"
            assert not rows_for(wh, "team_defense_zone_analysis", d, "BOS")
            [(_, cat, reason)] = failures_of(wh, "team_defense_zone_analysis", d, "BOS")
            assert cat == "MISSING_DEPENDENCY" and "no row of BOS " + expect in reason, reason
            assert len(rows_for(wh, "team_defense_zone_analysis", d)) == 29  # the rest of the league
            for model in ("player_shot_zone_analysis", "player_composite_factors", "player_daily_cache"):
                assert not rows_for(wh, model, d, "jaysontatum"), (model, d)
                [(_, cat, reason)] = failures_of(wh, model, d, "jaysontatum")
                assert cat == "MISSING_DEPENDENCY" and expect in reason, (model, reason)
                others = rows_for(wh, model, d)
                assert len(others) > 50 and all(r["team_abbr"] != "BOS" for r in others), model
            ((ready, why),) = wh.con.execute(
                "SELECT is_production_ready, completeness_reason FROM predictions.ml_feature_store_v2 "
                "WHERE player_lookup = 'jaysontatum' AND game_date = ?",
                [d],
            ).fetchall()
            assert ready is False and why.startswith("analytics.player_game_summary has no row of BOS " + expect), why

        # 01-15: the hole has left the week, BOS is computed again, its windows show the hole
        d = date(2024, 1, 15)
        bos = rows_for(wh, "team_defense_zone_analysis", d, "BOS")[0]
        assert bos["l15_actual_games"] < bos["l15_expected_games"]
        assert not bos["is_production_ready"] and "l15" in bos["completeness_reason"]
        tatum = rows_for(wh, "player_daily_cache", d, "jaysontatum")
        assert tatum and not tatum[0]["is_production_ready"]

        # the whole date 01-17 missing: every model writes one DATE_LEVEL row for the week after
        for model in PHASE4:
            for d in (date(2024, 1, 18), date(2024, 1, 20)):
                assert not rows_for(wh, model, d), (model, d)
                fails = failures_of(wh, model, d)
                assert [(f[0], f[1]) for f in fails] == [("DATE_LEVEL", "MISSING_DEPENDENCY")], (model, d, fails)
                assert "2024-01-17" in fails[0][2]
        flagged, ready = wh.con.execute(
            "SELECT count(*) FILTER (WHERE completeness_reason LIKE 'analytics.player_game_summary has no rows for 1 "
            "scheduled game date(s) in the 7 days before 2024-01-18 (first 2024-01-17)%'), "
            "count(*) FILTER (WHERE is_production_ready) FROM predictions.ml_feature_store_v2 WHERE game_date = ?",
            [date(2024, 1, 18)],
        ).fetchone()
        n = len(rows_for_mlfs(wh, date(2024, 1, 18)))
        assert n > 50 and flagged == n and ready == 0

    # the same holes computed date by date: every table and failure row the same (the week-before
    # checks read their own lookback, not the chunk)
    by_date = tmp_path / "holes_by_date.duckdb"
    shutil.copy(path, by_date)
    span = (date(2024, 1, 8), date(2024, 1, 19))
    with Warehouse.open(by_date) as wh:
        assert backfill(
            wh, *span, only=[*RUN4, "ml_feature_store_v2"], force=True, preflight=False, chunk_mode="date"
        ).ok
        wh.con.execute(f"ATTACH '{path}' AS whole (READ_ONLY)")
        tables = {f"precompute.{m}": TCOL[m][0] for m in PHASE4} | {
            "predictions.ml_feature_store_v2": "game_date",
            "processing.precompute_failures": "analysis_date",
        }
        for table, tcol in tables.items():
            cols = ", ".join(f'"{c}"' for c in wh.columns(table) if c not in ("processed_at", "run_id", "created_at"))
            for a_, b_ in (("", "whole."), ("whole.", "")):
                diff = wh.con.execute(
                    f"SELECT count(*) FROM (SELECT {cols} FROM {a_}{table} WHERE {tcol} BETWEEN ? AND ? "
                    f"EXCEPT ALL SELECT {cols} FROM {b_}{table} WHERE {tcol} BETWEEN ? AND ?)",
                    [*span, *span],
                ).fetchone()[0]
                assert diff == 0, (table, a_ or "by date", diff)


def test_the_shared_player_windows_are_the_models_windows(cw):
    """precompute.player_completeness is computed once; every player model reports its windows
    from it, unchanged (a universe player without a row there has nothing expected)."""
    d = date(2024, 1, 10)
    for model, tcol, wins in (
        ("player_shot_zone_analysis", "analysis_date", ("l10", "l20")),
        ("player_daily_cache", "cache_date", ("l5", "l10", "l7d", "l14d")),
        ("player_composite_factors", "game_date", ("l10", "l7d", "l14d")),
    ):
        cols = ", ".join(
            f"m.{w}_{k}_games IS NOT DISTINCT FROM coalesce(c.{w}_{k}_games, 0)"
            for w in wins
            for k in ("expected", "actual")
        )
        rows = cw.con.execute(
            f"SELECT m.player_lookup, c.player_lookup IS NOT NULL, {cols} FROM precompute.{model} m "
            f"LEFT JOIN precompute.player_completeness c ON c.player_lookup = m.player_lookup "
            f"AND c.analysis_date = m.{tcol} WHERE m.{tcol} = ?",
            [d],
        ).fetchall()
        assert len(rows) > 100, model
        assert sum(r[1] for r in rows) > 0.9 * len(rows), model  # nearly everyone has played this season
        assert all(all(r[2:]) for r in rows), (model, [r for r in rows if not all(r[2:])][:3])
