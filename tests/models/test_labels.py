"""The labels of a did-not-play row are consistent: label_played says whether the player played;
label_points, label_minutes and label_over_line exist only for a game he played (a DNP has no
points outcome, not 0 points), over a real backfill, in UPGC and in the feature store."""

from __future__ import annotations

import pytest

from nbaprops.warehouse import Warehouse
from real_slices import EARLY

START, END = EARLY  # the shared slice (early_backfilled)
UPGC, STORE = "analytics.upcoming_player_game_context", "predictions.ml_feature_store_v2"


@pytest.fixture(scope="module")
def built(early_backfilled):
    """The run's shared slice: the real data backfilled over START..END (do not modify)."""
    return early_backfilled


def _counts(wh: Warehouse, table: str, extra: str = "") -> dict[str, int]:
    row = wh.con.execute(f"""
        SELECT count(*) FILTER (WHERE label_played = FALSE),
               count(*) FILTER (WHERE label_played = FALSE
                                  AND (label_points IS NOT NULL OR label_minutes IS NOT NULL{extra})),
               count(*) FILTER (WHERE label_played IS NULL),
               count(*) FILTER (WHERE label_played IS NULL
                                  AND (label_points IS NOT NULL OR label_minutes IS NOT NULL{extra})),
               count(*) FILTER (WHERE label_played),
               count(*) FILTER (WHERE label_played AND (label_points IS NULL OR label_minutes IS NULL))
        FROM {table}""").fetchone()
    return dict(zip(("dnp", "dnp_with_outcome", "unknown", "unknown_with_outcome", "played", "played_without"), row))


@pytest.mark.parametrize("table", [UPGC, STORE])
def test_a_did_not_play_row_has_no_outcome_labels(built, table):
    with Warehouse.open(built, read_only=True) as wh:
        c = _counts(wh, table, " OR label_over_line IS NOT NULL" if table == STORE else "")
    assert c["dnp"] > 1000 and c["played"] > 5000, c  # the range holds both kinds of rows
    assert c["dnp_with_outcome"] == 0, c  # no 0-point did-not-play rows
    assert c["unknown_with_outcome"] == 0, c  # no box score: nothing is known
    assert c["played_without"] == 0, c  # a played game has its points and minutes


def test_played_labels_are_the_box_score(built):
    """label_points of a played row is the player's points in D's box score (a 0-point game played is
    0, not NULL); a row listed DNP in the box score is label_played = FALSE with NULL points."""
    with Warehouse.open(built, read_only=True) as wh:
        rows = wh.con.execute(
            f"""
            WITH box AS (
                SELECT game_id, player_lookup, team_abbr, max(coalesce(points, 0)) AS points,
                       bool_or(coalesce("minutes", 0) > 0 OR coalesce(points, 0) > 0) AS played
                FROM raw.player_boxscores WHERE game_date BETWEEN ? AND ?
                GROUP BY ALL)
            SELECT count(*) FILTER (WHERE b.played AND s.label_points IS DISTINCT FROM b.points),
                   count(*) FILTER (WHERE NOT b.played AND (s.label_played OR s.label_points IS NOT NULL)),
                   count(*) FILTER (WHERE NOT b.played),
                   count(*) FILTER (WHERE b.played AND b.points = 0)
            FROM {STORE} s JOIN box b USING (game_id, player_lookup, team_abbr)""",
            [START, END],
        ).fetchone()
    wrong_points, wrong_dnp, listed_dnp, scoreless = rows
    assert wrong_points == 0 and wrong_dnp == 0
    assert listed_dnp > 500 and scoreless > 50, rows
