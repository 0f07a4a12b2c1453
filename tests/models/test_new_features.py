"""The minutes, availability, form and opportunity features: registry entries, an
independent plain-Python computation of each, their null rules where a season's source lacks a
column, point-in-time safety of precompute.player_availability and a leakage canary showing
that a variant reading D's own DNP list is caught by the point-in-time check.

The reference checks are named test_reference_<feature group>_<...> so that they can be merged
into tests/models/test_feature_reference.py as they are."""

from __future__ import annotations

import re
import shutil
import statistics
from datetime import date, timedelta
from pathlib import Path

import pytest

from nbaprops import features
from nbaprops.catalog import Catalog
from nbaprops.quality.morning import morning_of
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

MODELS = Path(__file__).resolve().parents[2] / "src" / "nbaprops" / "models"
NEW = (
    "minutes_ewm_10d",
    "minutes_ewm_30d",
    "minutes_last_game",
    "minutes_trend",
    "starter_share_last_5",
    "starter_share_last_10",
    "games_since_role_change",
    "team_games_missed_7d",
    "team_games_missed_14d",
    "consecutive_team_games_missed",
    "rotation_teammates_out",
    "rotation_teammates_long_out",
    "vacated_minutes",
    "vacated_points",
    "vacated_fga",
    "ppm_ewm_10d",
    "ppm_ewm_30d",
    "expected_possessions_used",
    "fta_rate_last_10",
    "opponent_points_allowed_last_5",
    "opponent_points_allowed_last_10",
    "opponent_def_rating_last_5",
    "opponent_def_rating_last_10",
)
# features whose season source lacks the column in 2021-22 and 2025-26 (basic logs, no full team box)
FULL_BOX_ONLY = (
    "starter_share_last_5",
    "starter_share_last_10",
    "games_since_role_change",
    "vacated_fga",
    "expected_possessions_used",
    "fta_rate_last_10",
    "opponent_def_rating_last_5",
    "opponent_def_rating_last_10",
)
# (season start, last date): each range computed from its season's opening night
RANGES = (
    (date(2021, 10, 19), date(2021, 12, 1)),
    (date(2023, 10, 24), date(2024, 1, 20)),
    (date(2025, 10, 21), date(2025, 11, 20)),
)
SAMPLES = (date(2021, 11, 29), date(2024, 1, 17), date(2023, 12, 27))
TOL = 2e-6


def run(wh: Warehouse, start: date, end: date, **kw) -> None:
    result = backfill(wh, start, end, force=True, **kw)
    assert result.ok, [m.error for m in result.models if m.error]


@pytest.fixture(scope="module")
def wh(real_warehouse_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("newfeat") / "w.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as w:
        for start, end in RANGES:
            run(w, start, end)
    with Warehouse.open(path, read_only=True) as w:
        yield w


# --- registry --------------------------------------------------------------------------------------
def test_new_features_are_registry_entries_with_definition_range_and_group():
    by = features.by_name()
    assert set(NEW) <= set(by)
    assert len({f.index for f in features.FEATURES}) == len(features.FEATURES)
    for name in NEW:
        f = by[name]
        assert f.definition and f.lo < f.hi and f.chain, name
        assert f.optional and f.default is None, name  # NULL, source default, never a made-up value
        assert f.group in features.GROUPS and f.group != "other", name
        assert features.units(name), name
    for name in FULL_BOX_ONLY:
        assert features.feed_of(name) in ("full_box", "team_box"), name
    # the families are parameterised: each member's window or half-life is in its expression
    assert "/ 10)" in by["minutes_ewm_10d"].history[0][1] and "/ 30)" in by["minutes_ewm_30d"].history[0][1]
    assert "4 PRECEDING" in by["starter_share_last_5"].history[0][1]
    assert "9 PRECEDING" in by["starter_share_last_10"].history[0][1]


def test_every_feature_has_units():
    """The exported training set's Parquet metadata states each feature's units: a feature
    without them is named here, with the map to add it to, before any fixture is built."""
    missing = [f.name for f in features.FEATURES if not features.units(f.name)]
    assert not missing, (
        f"features without units: {', '.join(missing)}; add each to features.UNITS (or a family's "
        "name prefix to features.UNIT_FAMILIES)"
    )


def test_definitions_state_the_null_and_sample_rules():
    """The rules a user cannot see in a value are said where the feature is defined (the README
    table and the exported metadata are rendered from these definitions)."""
    by = features.by_name()
    for name in ("usage_spike_score", "usage_rate_last_5", "expected_possessions_used"):
        assert "NULL above 100 (a seconds-long appearance)" in by[name].definition, name
    assert features.OPPONENT_MIN_GAMES == OPPONENT_MIN
    for kind in ("points_allowed", "def_rating"):
        assert "needs all 5 with" in by[f"opponent_{kind}_last_5"].definition
        assert "needs >= 5 of them with" in by[f"opponent_{kind}_last_10"].definition
        for n in (5, 10):
            f = by[f"opponent_{kind}_last_{n}"]
            assert "else NULL, source default" in f.definition and f.default is None
            assert f">= {min(n, OPPONENT_MIN)} THEN" in f.chain[0][1]
    injury = by["injury_risk"].definition
    assert "'probably out'" in injury and re.search(r"\d+\.\d % \([\d,]+\) have a box-score row of D", injury)


def test_new_features_are_columns_in_range(wh):
    cols = wh.columns("predictions.ml_feature_store_v2")
    bad = []
    for name in NEW:
        f = features.by_name()[name]
        assert name in cols and f"{name}_source" in cols
        n, out, wrong_src = wh.con.execute(
            f'SELECT count("{name}"), count(*) FILTER (WHERE "{name}" < ? OR "{name}" > ? OR isnan("{name}")), '
            f'count(*) FILTER (WHERE ("{name}" IS NULL) <> ("{name}_source" = \'default\')) '
            "FROM predictions.ml_feature_store_v2",
            [f.lo, f.hi],
        ).fetchone()
        if n < 1000 or out or wrong_src:
            bad.append((name, n, out, wrong_src))
    assert bad == []


def test_null_rule_where_the_season_source_lacks_the_column(wh):
    """2021-22 has basic logs only (no starters, no attempts, no full team box): those features are
    NULL with source 'default' and feed_gaps names them; the others are computed."""
    for name in NEW:
        n, values, wrong = wh.con.execute(
            f"""SELECT count(*), count("{name}"),
                       count(*) FILTER (WHERE "{name}_source" = 'default' AND coalesce(feed_gaps, '') NOT LIKE ?)
                FROM predictions.ml_feature_store_v2 WHERE season_year = 2021""",
            [f"%{name}%"],
        ).fetchone()
        assert n > 3000
        if name in FULL_BOX_ONLY:
            assert values == 0 and wrong == 0, (name, values, wrong)
        else:
            assert values > 0.3 * n, (name, values, n)
    # 2025-26: basic player logs (no starters, no attempts); the full team box covers part of it,
    # so the opponent's defensive rating is computed where it exists
    for name in NEW:
        n, values, wrong = wh.con.execute(
            f"""SELECT count(*), count("{name}"),
                       count(*) FILTER (WHERE "{name}_source" = 'default' AND coalesce(feed_gaps, '') NOT LIKE ?)
                FROM predictions.ml_feature_store_v2 WHERE season_year = 2025""",
            [f"%{name}%"],
        ).fetchone()
        assert n > 3000
        if features.feed_of(name) == "full_box":
            assert values == 0 and wrong == 0, (name, values, wrong)
        else:
            assert values > 0.3 * n, (name, values, n)
    # and the same features are computed where the full box covers the season
    for name in FULL_BOX_ONLY:
        assert (
            wh.con.execute(
                f'SELECT count("{name}") FROM predictions.ml_feature_store_v2 WHERE season_year = 2023'
            ).fetchone()[0]
            > 5000
        ), name


# --- the independent plain computation ----------------------------------------------------------------
def _games(wh, player, season, d):
    """The player's played games of the season before D, newest first (raw box scores)."""
    return wh.con.execute(
        """
        SELECT game_id, game_date, minutes, points, starter, fg_attempts, ft_attempts, team_abbr
        FROM raw.player_boxscores
        WHERE player_lookup = ? AND season_year = ? AND game_date < ? AND season_type <> 'Pre Season'
          AND (coalesce(minutes, 0) > 0 OR coalesce(points, 0) > 0)
        ORDER BY game_date DESC""",
        [player, season, d],
    ).fetchall()


def _rows(wh, d, step=5):
    cur = wh.con.execute(
        "SELECT * FROM predictions.ml_feature_store_v2 WHERE game_date = ? ORDER BY player_lookup", [d]
    )
    cols = [c[0] for c in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    assert len(rows) > 50
    return rows[::step]


def _close(value, expect, what, tol=TOL):
    if expect is None:
        assert value is None, what
    else:
        assert value is not None and value == pytest.approx(expect, abs=tol), (what, value, expect)


@pytest.mark.parametrize("d", SAMPLES)
def test_reference_minutes_features(wh, d):
    checked = 0
    for r in _rows(wh, d):
        p, season = r["player_lookup"], r["season_year"]
        g = _games(wh, p, season, d)
        what = (p, d)
        mins = [x[2] for x in g]
        if not g:
            for name in ("minutes_ewm_10d", "minutes_last_game", "starter_share_last_5", "games_since_role_change"):
                assert r[name] is None and r[f"{name}_source"] == "default", (name, what)
            continue
        for hl in (10, 30):
            w = [0.5 ** ((d - x[1]).days / hl) for x in g]
            _close(
                r[f"minutes_ewm_{hl}d"], sum(wi * m for wi, m in zip(w, mins)) / sum(w), (f"minutes_ewm_{hl}d", what)
            )
            ppm = (
                sum(wi * x[3] for wi, x in zip(w, g)) / sum(wi * m for wi, m in zip(w, mins))
                if sum(mins[:10]) >= 10
                else None
            )
            _close(r[f"ppm_ewm_{hl}d"], ppm, (f"ppm_ewm_{hl}d", what))
        _close(r["minutes_last_game"], mins[0], ("minutes_last_game", what))
        _close(
            r["minutes_trend"],
            statistics.mean(mins[:3]) - statistics.mean(mins[:10]) if len(g) >= 5 else None,
            ("minutes_trend", what),
        )
        starters = [x[4] for x in g]
        full_box = season != 2021
        for n in (5, 10):
            share = sum(1 for s in starters[:n] if s) / len(starters[:n]) if full_box else None
            _close(r[f"starter_share_last_{n}"], share, (f"starter_share_last_{n}", what))
        if full_box:
            streak = next((i for i, s in enumerate(starters) if s != starters[0]), len(starters))
            assert r["games_since_role_change"] == streak, what
            fga, fta = sum(x[5] for x in g[:10]), sum(x[6] for x in g[:10])
            _close(r["fta_rate_last_10"], fta / fga if fga >= 10 else None, ("fta_rate_last_10", what))
        else:
            assert r["games_since_role_change"] is None and r["fta_rate_last_10"] is None
        checked += 1
    assert checked >= 20


def _team_games(wh, team, season, d):
    """The team's scheduled games of the season before D that have a box score of the team, newest
    first (a game without one is unknown, not missed)."""
    return wh.con.execute(
        """
        SELECT game_id, game_date FROM raw.schedule s
        WHERE season_year = ? AND season_type <> 'Pre Season' AND game_date < ?
          AND ? IN (home_team_abbr, away_team_abbr)
          AND EXISTS (SELECT 1 FROM raw.player_boxscores b WHERE b.game_id = s.game_id AND b.team_abbr = ?
                      AND (coalesce(b.minutes, 0) > 0 OR coalesce(b.points, 0) > 0))
        ORDER BY game_date DESC, game_id DESC""",
        [season, d, team, team],
    ).fetchall()


def _latest_injury(wh, player, d):
    """(date, is_out) of the player's latest injury transaction day before D; 'out' wins a tie."""
    row = wh.con.execute(
        """
        SELECT transaction_date, bool_or(event = 'out') FROM raw.injuries
        WHERE player_lookup = ? AND transaction_date < ? GROUP BY 1 ORDER BY 1 DESC LIMIT 1""",
        [player, d],
    ).fetchone()
    return row


@pytest.mark.parametrize("d", SAMPLES)
def test_reference_availability_features(wh, d):
    """The player's own absences from the schedule and his played games (his team's games with a box
    score, after his last game for another team); his rotation teammates newly and long out (the other
    expected players of his team on D, UPGC's universe, who played one of the team's last 10 games) from
    their games and the injury transactions before D; what the newly out vacate from their last-10 means."""
    checked = with_out = with_long = 0
    for r in _rows(wh, d, step=4):
        p, season, team = r["player_lookup"], r["season_year"], r["team_abbr"]
        games = _games(wh, p, season, d)
        own = {x[0] for x in games}
        last = max((x[1] for x in games), default=None)
        left = max((x[1] for x in games if x[7] != team), default=None)
        tg = _team_games(wh, team, season, d)
        counted = [(gid, gd) for gid, gd in tg if left is None or gd > left]
        for days in (7, 14):
            assert r[f"team_games_missed_{days}d"] == sum(
                1 for gid, gd in counted if gd >= d - timedelta(days=days) and gid not in own
            ), (p, d, days)
        assert r["consecutive_team_games_missed"] == sum(1 for _, gd in counted if last is None or gd > last), (p, d)
        mates = [
            m
            for (m,) in wh.con.execute(
                "SELECT player_lookup FROM analytics.upcoming_player_game_context WHERE game_date = ? "
                "AND team_abbr = ? "
                "AND player_lookup <> ?",
                [d, team, p],
            ).fetchall()
        ]
        n_out = n_long = 0
        vac_min, vac_pts, vac_fga = 0.0, 0.0, 0.0
        for m in mates:
            mg = _games(wh, m, season, d)
            g = mg[:10]
            if not g or statistics.mean(x[2] for x in g) < 15:
                continue
            for_team = {x[0] for x in mg if x[7] == team}
            since = next((i for i, (gid, _) in enumerate(tg) if gid in for_team), None)
            if since is None or since >= 10:  # played none of the team's last 10 games: not in the rotation
                continue
            injury = _latest_injury(wh, m, d)
            out = since >= 1 or (injury is not None and injury[1] and injury[0] >= g[0][1])
            if out and since > 2:
                n_long += 1
            elif out:
                n_out += 1
                vac_min += round(statistics.mean(x[2] for x in g), 6)
                vac_pts += round(statistics.mean(x[3] for x in g), 6)
                vac_fga = (
                    None if vac_fga is None or g[0][5] is None else vac_fga + round(statistics.mean(x[5] for x in g), 6)
                )
        assert r["rotation_teammates_out"] == n_out, (p, d)
        assert r["rotation_teammates_long_out"] == n_long, (p, d)
        _close(r["vacated_minutes"], vac_min, ("vacated_minutes", p, d), tol=1e-5)
        _close(r["vacated_points"], vac_pts, ("vacated_points", p, d), tol=1e-5)
        _close(r["vacated_fga"], vac_fga if season != 2021 else None, ("vacated_fga", p, d), tol=1e-5)
        checked += 1
        with_out += n_out > 0
        with_long += n_long > 0
    assert checked >= 20 and with_out >= 5 and with_long >= 1, (checked, with_out, with_long)


@pytest.mark.parametrize("d", SAMPLES)
def test_reference_opportunity_features(wh, d):
    """Expected possessions used from the daily cache's last-10 usage, pace and minutes; the
    opponent's recent defence from its game summaries before D (newest first)."""
    checked = 0
    for r in _rows(wh, d, step=3):
        pdc = wh.con.execute(
            "SELECT usage_rate_last_10, team_pace_last_10, minutes_avg_last_10 FROM precompute.player_daily_cache "
            "WHERE player_lookup = ? AND cache_date = ?",
            [r["player_lookup"], d],
        ).fetchone()
        expect = pdc[0] / 100 * pdc[1] * pdc[2] / 48 if pdc and None not in pdc and r["season_year"] != 2021 else None
        _close(r["expected_possessions_used"], expect, ("expected_possessions_used", r["player_lookup"], d))
        for n in (5, 10):
            pts, dr = _opponent_window(wh, r["opponent_team_abbr"], r["season_year"], d, n)
            _close(r[f"opponent_points_allowed_last_{n}"], _opponent_mean(pts, n), ("pa", n, d))
            _close(
                r[f"opponent_def_rating_last_{n}"],
                _opponent_mean(dr, n) if r["season_year"] != 2021 else None,
                ("dr", n, d),
            )
        checked += 1
    assert checked >= 30


# --- the opponent features' minimum sample ----------------------------------------------------------
OPPONENT_MIN = 5  # games with the value an opponent window's mean needs (all of a last-5 window)
# early dates of each range, where the opponents have played 0 to ~10 games
EARLY_DATES = tuple(start + timedelta(days=k) for start, _ in RANGES for k in (3, 6, 9, 12, 15, 20))


def _opponent_window(wh, team, season, d, n):
    """The points allowed and defensive ratings of the team's last n games this season before D
    (its team box scores, newest first; a value is None where the game lacks it)."""
    rows = wh.con.execute(
        """
        SELECT d.points_allowed, d.defensive_rating FROM analytics.team_offense_game_summary o
        LEFT JOIN analytics.team_defense_game_summary d ON d.game_id = o.game_id AND d.defending_team_abbr = o.team_abbr
        WHERE o.team_abbr = ? AND o.season_year = ? AND o.game_date < ?
        ORDER BY o.game_date DESC LIMIT ?""",
        [team, season, d, n],
    ).fetchall()
    return [x[0] for x in rows if x[0] is not None], [x[1] for x in rows if x[1] is not None]


def _opponent_mean(values, n):
    """The plain mean of the window's values, None below the minimum sample."""
    return statistics.mean(values) if len(values) >= min(n, OPPONENT_MIN) else None


def test_opponent_features_need_a_minimum_sample(wh):
    """Early in a season the opponent's windows hold 0-4 games: the four opponent features are
    NULL with source 'default' below 5 games with the value (all of a last-5 window, half of a
    last-10 one), and the plain mean of the window, source 'calculated', at or above it."""
    windows: dict[tuple, tuple[list, list]] = {}
    seen = {}  # (feature, below the minimum with 1-4 games / at or above it) -> rows
    wrong = []
    for d in EARLY_DATES:
        for team, opp, season, *vals in wh.con.execute(
            "SELECT team_abbr, opponent_team_abbr, season_year, opponent_points_allowed_last_5, "
            "opponent_points_allowed_last_5_source, opponent_points_allowed_last_10, "
            "opponent_points_allowed_last_10_source, opponent_def_rating_last_5, opponent_def_rating_last_5_source, "
            "opponent_def_rating_last_10, opponent_def_rating_last_10_source "
            "FROM predictions.ml_feature_store_v2 WHERE game_date = ?",
            [d],
        ).fetchall():
            for i, (kind, n) in enumerate(
                (("points_allowed", 5), ("points_allowed", 10), ("def_rating", 5), ("def_rating", 10))
            ):
                name = f"opponent_{kind}_last_{n}"
                value, source = vals[2 * i], vals[2 * i + 1]
                if (opp, season, d, n) not in windows:
                    windows[(opp, season, d, n)] = _opponent_window(wh, opp, season, d, n)
                sample = windows[(opp, season, d, n)][kind == "def_rating"]
                expect = _opponent_mean(sample, n)
                if expect is None:
                    ok = value is None and source == "default"
                else:
                    ok = value is not None and value == pytest.approx(expect, abs=TOL) and source == "calculated"
                if not ok:
                    wrong.append((name, team, opp, d, value, source, expect, len(sample)))
                if sample:
                    key = (name, len(sample) >= min(n, OPPONENT_MIN))
                    seen[key] = seen.get(key, 0) + 1
    assert wrong == [], f"{len(wrong)} rows, first {wrong[:10]}"
    for name in (
        "opponent_points_allowed_last_5",
        "opponent_points_allowed_last_10",
        "opponent_def_rating_last_5",
        "opponent_def_rating_last_10",
    ):
        # both sides of the minimum occur: rows whose opponent has 1-4 games, and rows at or above it
        assert seen.get((name, False), 0) >= 50 and seen.get((name, True), 0) >= 50, (name, seen)


# --- point in time and the leakage canary -------------------------------------------------------------
PIT_START, PIT_D = date(2023, 10, 24), date(2024, 1, 17)
UPSTREAM = ["player_game_summary", "upcoming_player_game_context", "player_availability"]
OUT_RULE = "ELSE (td.last_seq > f.team_seq OR f.player_status = 'out') END AS is_out"
# the leak: "out" read from D's own box score (players listed DNP on D), not known that morning
DNP_OF_D = (
    "ELSE (f.player_lookup IN (SELECT b.player_lookup FROM raw.player_boxscores b "
    "WHERE b.game_date = f.game_date AND b.dnp_reason IS NOT NULL)) END AS is_out"
)


def availability_rows_of_d(real_warehouse_path: Path, tmp_path: Path, catalog: Catalog, d: date) -> tuple[set, set]:
    """precompute.player_availability's rows for D from the whole data and from the morning of D."""
    out = []
    for world in ("full", "morning"):
        path = tmp_path / f"{world}.duckdb"
        shutil.copy(real_warehouse_path, path)
        with Warehouse.open(path) as wh:
            if world == "morning":
                with wh.transaction() as con:
                    morning_of(con, d)
            run(wh, PIT_START, d, catalog=catalog, only=UPSTREAM, preflight=False)
            out.append(
                set(wh.con.execute("SELECT * FROM precompute.player_availability WHERE game_date = ?", [d]).fetchall())
            )
    return out[0], out[1]


def test_availability_rows_for_d_do_not_change_when_later_data_is_deleted(real_warehouse_path, tmp_path):
    full, morning = availability_rows_of_d(real_warehouse_path, tmp_path, Catalog.load(), PIT_D)
    assert len(full) > 100 and sum(1 for r in full if r[7]) > 50  # rotation teammates out on many rows
    assert full == morning


def test_canary_a_variant_reading_the_dnp_list_of_d_is_caught(real_warehouse_path, tmp_path):
    """The same point-in-time check run on a variant of the model whose teammates-out rule reads
    D's own DNP list (box-score rows of D with a DNP reason): the rows of D differ between the
    whole data and the morning of D, so the check catches the leak."""
    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    path = models / "precompute" / "player_availability.sql"
    text = path.read_text(encoding="utf-8")
    assert text.count(OUT_RULE) == 1, "the teammates-out rule moved: update the canary"
    path.write_text(text.replace(OUT_RULE, DNP_OF_D), encoding="utf-8")
    variant = Catalog.load(models)
    assert "raw.player_boxscores" in variant.get("player_availability").depends_on
    full, morning = availability_rows_of_d(real_warehouse_path, tmp_path, variant, PIT_D)
    assert len(full) > 100
    assert full != morning  # the point-in-time check fails on the leaky variant
    # the leak is where the check looks: teammates out on D per its box score, none that morning
    assert sum(r[7] for r in full) > sum(r[7] for r in morning) == 0


def test_chunking_does_not_change_the_availability_model(real_warehouse_path, tmp_path):
    out = {}
    for mode in ("all", "month"):
        path = tmp_path / f"{mode}.duckdb"
        shutil.copy(real_warehouse_path, path)
        with Warehouse.open(path) as wh:
            run(wh, date(2023, 10, 24), date(2023, 12, 20), chunk_mode=mode, only=UPSTREAM, preflight=False)
            out[mode] = set(wh.con.execute("SELECT * FROM precompute.player_availability").fetchall())
    assert len(out["all"]) > 5000
    assert out["all"] == out["month"]


def test_feature_store_source_names_the_availability_model():
    sql = Catalog.load().get("ml_feature_store_v2")
    assert "precompute.player_availability" in sql.depends_on
    assert re.search(r"LEFT JOIN precompute\.player_availability pa ON", sql.sql)
