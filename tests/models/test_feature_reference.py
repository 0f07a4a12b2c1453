"""Every feature of the registry against the plain per-date reference (tests/models/feature_reference.py):
for every player of the feature store on real sampled dates across seasons — the bootstrap window,
early season under the dynamic minimums, mid-season, a playoff date, a 2021-22 date (no shots, no
full box), a playoff date after scheduled games without box scores (no Phase 4 rows), a date after
the game-line feed stopped, a 2025-26 date outside the injury, shot and full-box feeds — each
feature's value (floats within 2e-6 of the reference rounded to 6 decimals)
and its source tag. The reference reads only raw tables, joined by the NBA player id."""

from __future__ import annotations

from datetime import date

import pytest
from feature_reference import Entering, Raw, expected, load_references

from nbaprops import features
from nbaprops.warehouse import Warehouse

# slow: the four real seasons backfilled, every feature against the plain reference (make test-all)
pytestmark = pytest.mark.slow

LATE = (date(2025, 10, 21), date(2025, 11, 18))
SAMPLES = {
    date(2023, 11, 3): "bootstrap window (day 10 of 2023-24): no Phase 4 rows",
    date(2022, 11, 5): "day 18 of 2022-23: dynamic minimums below the full windows",
    date(2023, 1, 20): "2022-23 mid-season",
    date(2024, 2, 7): "2023-24 mid-season",
    date(2024, 11, 12): "2024-25 early, game lines covered",
    date(2024, 4, 24): "2024 playoffs (game lines for part of the games; Jimmy Butler out)",
    date(2022, 3, 15): "2021-22: no shots, no full box or team box",
    date(2022, 4, 20): "2022 playoffs, a week after the play-in games without box scores: no Phase 4 rows",
    date(2024, 12, 10): "2024-25 after the game-line feed stopped (2024-11-15 + 10 days)",
    date(2025, 11, 18): "2025-26: outside the injury, shot, full-box and game-line feeds",
}
HOLE = date(2022, 4, 20)
TOL = 2e-6


@pytest.fixture(scope="module")
def store(real_slice, full_backfilled):
    # the four seasons (real_slices.FULL: the shared full_backfilled), then LATE, each in one chunk and forced
    path = real_slice("full_late", *LATE, base=full_backfilled, chunk_mode="all", force=True)
    with Warehouse.open(path, read_only=True) as wh:
        yield wh, Raw(wh.con)


def test_every_registry_feature_has_a_reference():
    """A feature added to the registry without a reference fails here (register it in
    tests/models/references_<family>.py with feature_reference.reference: see that module)."""
    refs = load_references()
    missing = [f.name for f in features.FEATURES if f.name not in refs]
    assert missing == [], f"features without a plain reference: {missing}"
    assert set(refs) <= set(features.names()), set(refs) - set(features.names())


@pytest.mark.parametrize("d", sorted(SAMPLES), ids=[str(d) for d in sorted(SAMPLES)])
def test_every_feature_equals_the_plain_reference(store, d):
    wh, raw = store
    refs = load_references()
    assert raw.team_holes(d) == [], d  # (the reference models date-level holes only)
    assert bool(raw.date_holes(d)) == (d == HOLE), (d, raw.date_holes(d))
    names = [f.name for f in features.FEATURES if f.name in refs]
    cols = ", ".join(f'"{n}", "{n}_source"' for n in names)
    rows = wh.con.execute(
        f"""SELECT player_lookup, season_year, team_abbr, opponent_team_abbr, game_id, {cols}
                              FROM predictions.ml_feature_store_v2 WHERE game_date = ? ORDER BY player_lookup""",
        [d],
    ).fetchall()
    assert len(rows) > 40, (d, len(rows))
    by = features.by_name()
    expected_ids: dict[str, list] = {}  # team -> the NBA ids of its players expected on D
    for row in rows:
        expected_ids.setdefault(row[2], []).append(raw.pid[row[0]])
    wrong, sources = [], {}
    for row in rows:
        lookup, season, team, opp, game_id = row[:5]
        pid = raw.pid[lookup]
        p = Entering(raw, d, season, pid, team, opp, game_id, tuple(m for m in expected_ids[team] if m != pid))
        for i, n in enumerate(names):
            value, source = row[5 + 2 * i], row[6 + 2 * i]
            want, want_src = expected(p, by[n])
            sources.setdefault(n, set()).add(source)
            same = (value is None and want is None) or (
                value is not None and want is not None and abs(value - round(want, 6)) <= TOL
            )
            if not same or source != want_src:
                wrong.append((lookup, n, value, source, want, want_src))
    assert wrong == [], f"{d} ({SAMPLES[d]}): {len(wrong)} mismatches, first {wrong[:15]}"


def test_the_sampled_dates_reach_every_source_and_the_feed_defaults(store):
    """The samples are not a lucky subset: across them every feature of a chain takes each source
    its chain gives (phase4 / phase3 / calculated) somewhere, and each feed's features are
    'default' on a sampled date the feed does not cover."""
    wh, raw = store
    refs = load_references()
    seen: dict[str, set] = {}
    names = [f.name for f in features.FEATURES if f.name in refs]
    cols = ", ".join(f'"{n}_source"' for n in names)
    for d in SAMPLES:
        for row in wh.con.execute(
            f"SELECT {cols} FROM predictions.ml_feature_store_v2 WHERE game_date = ?", [d]
        ).fetchall():
            for n, s in zip(names, row):
                seen.setdefault(n, set()).add(s)
    by = features.by_name()
    missing = [(n, src) for n in names for src, _ in by[n].chain if src not in seen.get(n, set())]
    assert missing == [], missing
    for feed in features.FEEDS:
        off = [
            d
            for d in SAMPLES
            if not raw.covers(
                feed,
                d,
                wh.con.execute("SELECT max(season_year) FROM raw.schedule WHERE game_date = ?", [d]).fetchone()[0],
            )
        ]
        assert off, f"no sampled date outside the {feed} feed"


def test_injury_risk_definition_states_the_measured_share(store):
    """injury_risk's definition says how often a row at 3 played (its box score of D has him): the
    numbers it states are those of the four seasons, so the description cannot drift from the data."""
    import re

    wh, _ = store
    text = features.by_name()["injury_risk"].definition
    m = re.search(
        r"\(([\d,]+), (\d{4}-\d\d-\d\d) \.\. (\d{4}-\d\d-\d\d), all set by transactions\), ([\d.]+) % \(([\d,]+)\) "
        r"have a box-score row of D, the player played; ([\d,]+) of these have a 'return' transaction dated D",
        text,
    )
    assert m, text
    rows, first_d, last_d, share, played, returned = m.groups()
    got = wh.con.execute(
        """
        SELECT count(*), min(f.game_date)::VARCHAR, max(f.game_date)::VARCHAR, count(p.player_lookup),
               count(*) FILTER (WHERE p.player_lookup IS NOT NULL AND EXISTS (
                   SELECT 1 FROM raw.injuries i WHERE i.player_lookup = f.player_lookup
                   AND i.transaction_date = f.game_date AND i.event = 'return')),
               count(*) FILTER (WHERE u.report_status IS NOT NULL)
        FROM predictions.ml_feature_store_v2 f
        JOIN analytics.upcoming_player_game_context u ON u.player_lookup = f.player_lookup AND u.game_date = f.game_date
        LEFT JOIN analytics.player_game_summary p ON p.player_lookup = f.player_lookup AND p.game_date = f.game_date
        WHERE f.injury_risk = 3"""
    ).fetchone()
    n, lo, hi, n_played, n_returned, by_report = got
    assert (n, lo, hi, n_played, n_returned, by_report) == (
        int(rows.replace(",", "")),
        first_d,
        last_d,
        int(played.replace(",", "")),
        int(returned.replace(",", "")),
        0,
    ), got
    assert round(100 * n_played / n, 1) == float(share)
