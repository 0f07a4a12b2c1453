"""The ML feature store: registry ↔ table ↔ README, ranges on all real seasons, point-in-time
safety and chunking invariance (every feature against a plain per-date reference:
test_feature_reference.py)."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from nbaprops import features
from nbaprops.catalog import Catalog
from nbaprops.macros import render
from nbaprops.quality.morning import morning_of
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[2]


def run_all(wh: Warehouse, start: date, end: date, chunk_mode: str = "all") -> None:
    result = backfill(wh, start, end, chunk_mode=chunk_mode, force=True)
    assert result.ok, [m.error for m in result.models if m.error]


@pytest.fixture(scope="module")
def full_path(full_backfilled) -> Path:
    """The four seasons backfilled (real_slices.FULL, one chunk, forced): the run's shared slice."""
    return full_backfilled


@pytest.fixture(scope="module")
def full(full_path):
    with Warehouse.open(full_path, read_only=True) as wh:
        yield wh


# --- registry, table, README and generated SQL agree -----------------------------------------
@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_table_columns_follow_the_registry(full):
    cols = full.columns("predictions.ml_feature_store_v2")
    feat_cols = [c for c in cols if c in set(features.names())]
    assert feat_cols == features.names()
    for f in features.FEATURES:
        assert f"{f.name}_source" in cols
    for extra in (
        "feature_version",
        "feature_count",
        "feature_quality_score",
        "quality_tier",
        "default_feature_count",
        "is_training_ready",
        *features.LABELS,
    ):
        assert extra in cols
    assert full.con.execute("SELECT DISTINCT feature_count FROM predictions.ml_feature_store_v2").fetchall() == [
        (len(features.FEATURES),)
    ]


def test_readme_feature_table_matches_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- features:start -->") : text.index("<!-- features:end -->")]
    rows = re.findall(r"^\| (\d+) \| `([a-z0-9_]+)` \| .*\| (yes|no) \|$", block, flags=re.M)
    assert [(int(i), n) for i, n, _ in rows] == [(f.index, f.name) for f in features.FEATURES]
    assert [o == "yes" for *_, o in rows] == [f.optional for f in features.FEATURES]
    for i, (name, _) in features.UNSUPPORTED.items():
        assert f"| {i} | `{name}` |" in block


def test_readme_feature_table_is_rendered_from_the_registry():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert features.readme_with_table(text) == text, "run python -m nbaprops.features README.md"


def test_the_model_takes_every_feature_from_the_registry():
    """The feature store's SQL spells no feature: its columns come from the registry's macros,
    and every chain expression of the registry is in the rendered query."""
    source = (ROOT / "src/nbaprops/models/predictions/ml_feature_store_v2.sql").read_text(encoding="utf-8")
    for call in ("@feature_value_columns", "@feature_columns", "@feature_quality_score", "@default_feature_count"):
        assert call in source
    assert "round(CAST(coalesce(" not in source  # the shape of a feature's value column
    for f in features.FEATURES:
        assert f"{f.name}_source" not in source, f.name
    sql = Catalog.load().get("ml_feature_store_v2").sql
    for f in features.FEATURES:
        assert f.chain, f.name
        for _, expr in f.chain:
            assert render(f"({expr})") in sql, (f.name, expr)  # (an expression may call macros)


def test_no_feature_reads_a_label():
    for f in features.FEATURES:
        assert {src for src, _ in f.chain} <= set(features.SOURCES) - {"default"}, f.name
        for _, expr in f.chain:
            assert "label" not in expr.lower(), f.name
            assert "minutes_before_tipoff < 0" not in expr


def test_source_tags_follow_one_rule():
    """A value's source tag names the inputs its expression reads (features.ALIAS_SOURCES): the same
    kind of fallback gets the same tag (points_avg_season's and minutes_avg_last_10's means over the
    player's earlier games are both 'calculated')."""
    wrong = [
        (f.name, tag, features.source_tag(expr))
        for f in features.FEATURES
        for tag, expr in f.chain
        if tag != features.source_tag(expr)
    ]
    assert wrong == []
    by = features.by_name()
    assert by["points_avg_season"].chain[1][0] == by["minutes_avg_last_10"].chain[1][0] == "calculated"


# --- values -----------------------------------------------------------------------------------
@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_every_value_inside_its_registry_range_on_all_real_seasons(full):
    bad = []
    for f in features.FEATURES:
        n = full.con.execute(
            f'SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE isnan("{f.name}") '
            f'OR "{f.name}" < ? OR "{f.name}" > ?',
            [f.lo, f.hi],
        ).fetchone()[0]
        if n:
            bad.append((f.name, n))
        if not f.optional:
            nulls = full.con.execute(
                f'SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE "{f.name}" IS NULL'
            ).fetchone()[0]
            if nulls:
                bad.append((f.name, f"{nulls} NULL"))
    assert bad == []
    seasons = full.con.execute("SELECT DISTINCT season_year FROM predictions.ml_feature_store_v2 ORDER BY 1").fetchall()
    assert [s[0] for s in seasons] == [2021, 2022, 2023, 2024]


@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_training_ready_means_no_required_default(full):
    required = [f.name for f in features.FEATURES if not f.optional]
    cond = " + ".join(f"CASE WHEN {n}_source = 'default' THEN 1 ELSE 0 END" for n in required)
    wrong = full.con.execute(f"""SELECT count(*) FROM predictions.ml_feature_store_v2
                                 WHERE default_feature_count <> ({cond})
                                    OR is_training_ready <> (default_feature_count = 0)""").fetchone()[0]
    assert wrong == 0
    assert (
        full.con.execute("SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE is_training_ready").fetchone()[0]
        > 10000
    )


@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_readiness_does_not_require_a_prop_line(full):
    """No required feature depends on the prop line (the line is optional: a third of the rows have
    none), so a row without a line is training ready as often as the player's history allows."""
    for f in features.FEATURES:
        if not f.optional:
            for _, expr in f.chain:
                assert (
                    not re.search(r"\bu\.(current_points_line|opening_points_line|prop_\w+)", expr)
                    or f.name == "has_vegas_line"
                ), f.name
    no_line, ready_no_line, with_line, ready_with_line = full.con.execute("""
        SELECT count(*) FILTER (WHERE has_vegas_line = 0),
               count(*) FILTER (WHERE has_vegas_line = 0 AND is_training_ready),
               count(*) FILTER (WHERE has_vegas_line = 1),
               count(*) FILTER (WHERE has_vegas_line = 1 AND is_training_ready)
        FROM predictions.ml_feature_store_v2""").fetchone()
    assert no_line > 10000 and ready_no_line > 0.3 * no_line, (no_line, ready_no_line)
    assert ready_with_line > 0.3 * with_line, (with_line, ready_with_line)


@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_every_quality_tier_is_reachable_and_means_what_it_says(full):
    """quality_tier (features.QUALITY_TIERS): poor = a required default the games before D explain;
    bronze = required defaults only from feeds that do not cover D; gold / silver = no required
    default, production ready or not. Each occurs on the bundled seasons; the score reaches 100."""
    required = [f for f in features.FEATURES if not f.optional]
    history_default = " OR ".join(
        f"({f.name}_source = 'default'"
        + (
            f" AND coalesce(feed_gaps, '') NOT LIKE '%{features.feed_of(f.name)} (%'"
            if features.feed_of(f.name)
            else ""
        )
        + ")"
        for f in required
    )
    rows = {
        t: (n, bad)
        for t, n, bad in full.con.execute(f"""
        SELECT quality_tier, count(*), count(*) FILTER (WHERE NOT CASE quality_tier
            WHEN 'poor' THEN ({history_default})
            WHEN 'bronze' THEN default_feature_count > 0 AND NOT ({history_default})
            WHEN 'gold' THEN default_feature_count = 0 AND is_production_ready
            WHEN 'silver' THEN default_feature_count = 0 AND NOT is_production_ready END)
        FROM predictions.ml_feature_store_v2 GROUP BY ALL""").fetchall()
    }
    assert set(rows) == set(features.QUALITY_TIERS), rows
    assert all(n > 1000 and bad == 0 for n, bad in rows.values()), rows
    assert (
        full.con.execute("SELECT max(feature_quality_score) FROM predictions.ml_feature_store_v2").fetchone()[0] == 100
    )


@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_bootstrap_window_computes_what_the_games_allow(full):
    """The first 14 days of a season have no Phase 4 rows: the values the games before D give are
    computed from Phase 3 (source 'calculated'), the registry default only where they give none."""
    boot = """FROM predictions.ml_feature_store_v2 f JOIN analytics.game_calendar c USING (game_date)
              JOIN analytics.upcoming_player_game_context u USING (player_lookup, game_date)
              WHERE c.is_bootstrap AND f.season_year BETWEEN 2022 AND 2024"""
    n, fatigue_default, std_wrong, pace_default = full.con.execute(f"""
        SELECT count(*), count(*) FILTER (WHERE f.fatigue_score_source = 'default'),
               count(*) FILTER (WHERE (f.points_std_last_10_source = 'default') <>
                   ((SELECT count(*) FROM analytics.player_game_summary g WHERE g.player_lookup = f.player_lookup
                     AND g.season_year = f.season_year AND g.game_date < f.game_date) < 2)),
               count(*) FILTER (WHERE f.pace_score_source = 'default' AND f.game_date > c.opening_night + 3)
        {boot}""").fetchone()
    assert n > 3000 and fatigue_default == 0 and std_wrong == 0 and pace_default == 0, (
        n,
        fatigue_default,
        std_wrong,
        pace_default,
    )
    # the fatigue fallback is the composite-factors formula on the UPGC fields (spec defaults for NULLs)
    rows = full.con.execute(f"""
        SELECT f.fatigue_score, u.back_to_back, u.days_rest, u.games_in_last_7_days, u.minutes_in_last_7_days,
               u.avg_minutes_per_game_last_7, u.back_to_backs_last_14_days {boot}""").fetchall()
    for score, b2b, rest, g7, m7, a7, b14 in rows:
        f = 100 + (-15 if b2b else 5 if (1 if rest is None else rest) >= 3 else 0)
        f += -10 if (3 if g7 is None else g7) >= 4 else 0
        f += -10 if (200 if m7 is None else m7) > 240 else 0
        f += -8 if (30 if a7 is None else a7) > 35 else 0
        f += -12 if (b14 or 0) >= 2 else -5 if (b14 or 0) == 1 else 0
        assert score == max(0, min(100, f))
    assert len({r[0] for r in rows}) > 3


# --- feeds: a feature whose feed does not cover D says so ----------------------------------------
COVERS = (
    """SELECT f.feed, bool_or(p.feed IS NOT NULL) FROM (SELECT unnest("""
    + repr(list(features.FEEDS))
    + """) AS feed) f
            LEFT JOIN cov p ON p.feed = f.feed AND p.covers_from <= $d
             AND (p.covers_until IS NULL OR $d <= p.covers_until) AND (p.season_year IS NULL OR p.season_year = $s)
            GROUP BY f.feed ORDER BY f.feed"""
)


@pytest.mark.parametrize(
    "d, season",
    [
        (date(2024, 11, 20), 2024),
        (date(2024, 11, 26), 2024),
        (date(2025, 10, 21), 2025),
        (date(2023, 5, 10), 2022),
        (date(2022, 10, 18), 2022),
        (date(2022, 10, 19), 2022),
    ],
)
def test_feed_coverage_of_d_is_what_the_morning_of_d_knows(real_warehouse_path, tmp_path, d, season):
    """analytics.feed_coverage's rule gives the same answer for D from the whole data and from the
    world as of the morning of D (the feed's later rows, or their absence, do not count)."""
    sql = Catalog.load().get("feed_coverage").sql
    morning = tmp_path / "m.duckdb"
    shutil.copy(real_warehouse_path, morning)
    answers = []
    for path in (real_warehouse_path, morning):
        with Warehouse.open(path, read_only=path != morning) as wh:  # (the shared warehouse: read only)
            if path == morning:
                with wh.transaction() as con:
                    morning_of(con, d)
            wh.con.execute(f"CREATE TEMP TABLE cov AS {sql}")
            answers.append(wh.con.execute(COVERS.replace("$d", f"DATE '{d}'").replace("$s", str(season))).fetchall())
    assert answers[0] == answers[1], (d, answers)


def test_feed_coverage_on_the_bundled_data(real_warehouse_path):
    sql = Catalog.load().get("feed_coverage").sql
    with Warehouse.open(real_warehouse_path, read_only=True) as wh:
        rows = wh.con.execute(
            f"SELECT feed, season_year, span_start, span_end, covers_until FROM ({sql}) ORDER BY feed, span_start"
        ).fetchall()
    by = {}
    for feed, season, a, b, until in rows:
        by.setdefault(feed, []).append((season, a, b, until))
    assert by["injuries"] == [(None, date(2021, 7, 1), date(2025, 7, 14), date(2025, 9, 12))]
    assert by["game_lines"][-1] == (2024, date(2024, 10, 22), date(2024, 11, 15), date(2024, 11, 25))
    assert by["game_lines"][-2][2] == date(2024, 4, 28)  # 2023-24: 30 of the 82 playoff games
    assert [r[0] for r in by["shots"]] == [2022, 2023, 2024]
    assert [r[0] for r in by["full_box"]] == [2022, 2023, 2024]
    assert [r[0] for r in by["team_box"]] == [2022, 2023, 2024, 2025]


@pytest.mark.slow  # the four real seasons (full_backfilled)
def test_a_feature_whose_feed_does_not_cover_d_is_a_default_with_a_reason(full, real_warehouse_path, tmp_path):
    """No real-looking value from an absent feed: the feature is its registry default, source
    'default', and feed_gaps names the feed and the feature."""
    checks = full.con.execute("""
        SELECT count(*) FILTER (WHERE season_year = 2021),
               count(*) FILTER (WHERE season_year = 2021 AND (pct_paint_source <> 'default'
                    OR feed_gaps NOT LIKE '%shots (%pct_paint%' OR feed_gaps NOT LIKE '%full_box (%pct_free_throw%')),
               count(*) FILTER (WHERE game_date > DATE '2024-11-25'),
               count(*) FILTER (WHERE game_date > DATE '2024-11-25' AND (game_total_line IS NOT NULL
                    OR game_total_line_source <> 'default' OR feed_gaps NOT LIKE '%game_lines (%game_total_line%')),
               count(*) FILTER (WHERE feed_gaps LIKE '%injuries%'),
               count(*) FILTER (WHERE feed_gaps IS NULL AND season_year = 2023)
        FROM predictions.ml_feature_store_v2""").fetchone()
    assert checks[0] > 30000 and checks[1] == 0 and checks[2] > 30000 and checks[3] == 0, checks
    assert checks[4] == 0 and checks[5] > 30000, checks
    # 2025-26: the injury feed ended on 2025-07-14, so injury_risk is no real-looking 0
    path = tmp_path / "w.duckdb"
    shutil.copy(real_warehouse_path, path)
    with Warehouse.open(path) as wh:
        run_all(wh, date(2025, 10, 21), date(2025, 11, 3))
        n, wrong = wh.con.execute("""
            SELECT count(*), count(*) FILTER (WHERE injury_risk_source <> 'default' OR injury_risk <> 0
                   OR feed_gaps NOT LIKE '%injuries (no injury transaction in the 60 days before D%): injury_risk%')
            FROM predictions.ml_feature_store_v2""").fetchone()
    assert n > 1000 and wrong == 0, (n, wrong)


# --- point in time and chunking -----------------------------------------------------------------
def test_rows_for_d_do_not_change_when_later_data_is_deleted(real_warehouse_path, tmp_path):
    d = date(2024, 1, 17)
    start = date(2023, 10, 24)
    labels = set(features.LABELS)

    def rows(path):
        with Warehouse.open(path) as wh:
            run_all(wh, start, d)
            cols = [c for c in wh.columns("predictions.ml_feature_store_v2") if c not in labels]
            sel = ", ".join(f'"{c}"' for c in cols)
            return set(
                wh.con.execute(f"SELECT {sel} FROM predictions.ml_feature_store_v2 WHERE game_date = ?", [d]).fetchall()
            )

    full_world, morning = tmp_path / "full.duckdb", tmp_path / "morning.duckdb"
    shutil.copy(real_warehouse_path, full_world)
    shutil.copy(real_warehouse_path, morning)
    with Warehouse.open(morning) as wh:
        with wh.transaction() as con:
            cut = morning_of(con, d)
    assert cut["raw.player_boxscores"] and cut["raw.player_points_props"], cut
    a, b = rows(full_world), rows(morning)
    assert len(a) > 100
    assert a == b


def test_chunking_does_not_change_the_feature_store(real_warehouse_path, tmp_path):
    start, end = date(2023, 10, 24), date(2023, 12, 10)
    out = {}
    for mode in ("all", "month"):
        path = tmp_path / f"{mode}.duckdb"
        shutil.copy(real_warehouse_path, path)
        with Warehouse.open(path) as wh:
            run_all(wh, start, end, chunk_mode=mode)
            out[mode] = set(
                wh.con.execute("SELECT * EXCLUDE (feature_version) FROM predictions.ml_feature_store_v2").fetchall()
            )
    assert len(out["all"]) > 1000
    assert out["all"] == out["month"]


@pytest.mark.slow  # the four real seasons (full_backfilled)
@pytest.mark.parametrize("half_life", [10, 30])
def test_points_ewm_equals_a_plain_computation(full, half_life):
    """points_ewm_<half-life>d (the family features.points_ewm) against a plain per-row
    computation from the player's games before D in D's season."""
    name = f"points_ewm_{half_life}d"
    rows = full.con.execute(
        f"SELECT player_lookup, game_date, season_year, {name}, {name}_source "
        "FROM predictions.ml_feature_store_v2 USING SAMPLE 300 ROWS (reservoir, 7)"
    ).fetchall()
    games: dict[tuple, list] = {}
    for lk, d, sy, pts in full.con.execute(
        "SELECT player_lookup, game_date, season_year, points FROM analytics.player_game_summary "
        "WHERE player_lookup IN (SELECT unnest(?::VARCHAR[]))",
        [[r[0] for r in rows]],
    ).fetchall():
        games.setdefault((lk, sy), []).append((d, pts))
    checked = 0
    for lk, d, sy, value, source in rows:
        before = [(gd, p) for gd, p in games.get((lk, sy), []) if gd < d and p is not None]
        if not before:
            assert value is None and source == "default", (lk, d)
            continue
        w = [0.5 ** ((d - gd).days / half_life) for gd, _ in before]
        expect = sum(wi * p for wi, (_, p) in zip(w, before)) / sum(w)
        assert source == "calculated" and value == pytest.approx(expect, abs=2e-6), (lk, d, value, expect)
        checked += 1
    assert checked > 200


def test_balanced_sums_equal_the_chained_sum_and_stay_shallow():
    """The quality score and default counts add their terms as a balanced tree: the same exact
    value (DECIMAL weights, integer counts) as the left-deep chain, nested only log2(n) deep."""
    import duckdb
    import sqlglot

    for terms in ([f"{i % 7}.5" for i in range(77)], [str(i % 3) for i in range(40)], ["7"]):
        tree = features.balanced_sum(terms)
        chain, balanced = duckdb.connect().execute(f"SELECT ({' + '.join(terms)}) / 77.0, {tree} / 77.0").fetchone()
        assert chain == balanced
        assert _add_depth(sqlglot.parse_one(tree)) <= len(terms).bit_length()
    assert _add_depth(sqlglot.parse_one(" + ".join(str(i) for i in range(77)))) == 76  # (the chain's)
    for macro in (features.feature_quality_score, features.default_feature_count, features.feed_default_count):
        assert _add_depth(sqlglot.parse_one(macro())) <= len(features.FEATURES).bit_length(), macro.__name__


def _add_depth(node) -> int:
    """How many additions deep the expression nests."""
    import sqlglot

    below = max((_add_depth(c) for c in node.iter_expressions()), default=0)
    return below + isinstance(node, sqlglot.exp.Add)
