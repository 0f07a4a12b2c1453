"""Render-time macros (nbaprops.macros): expanded when the catalog loads, never inside comments
or string literals; unknown macros and bad arguments are clear model errors."""

from __future__ import annotations

import pytest

from nbaprops import calendar, completeness
from nbaprops.catalog import parse_model
from nbaprops.errors import ModelError
from nbaprops.macros import render, strip_comments

HEAD = "-- table: precompute.m\n-- kind: by_date\n-- grain: game_date\n-- time_column: game_date\n-- lookback_days: 0\n"


def test_constants_come_from_the_calendar():
    assert render("WHERE season_type <> @preseason AND t IN @postseason AND d < @bootstrap_days") == (
        f"WHERE season_type <> '{calendar.PRESEASON}' AND t IN ('PlayIn', 'Playoffs') AND d < {calendar.BOOTSTRAP_DAYS}"
    )


def test_calls_in_comments_and_strings_are_left_alone():
    sql = "SELECT '@preseason' AS a, x -- @preseason\nFROM t WHERE y = @preseason"
    assert render(sql) == "SELECT '@preseason' AS a, x -- @preseason\nFROM t WHERE y = 'Pre Season'"


def test_arguments_reach_the_macro():
    assert render("@completeness_columns(c, l10, l7d)") == completeness.output_columns(("l10", "l7d"), "c")
    assert (
        render("@min_games_required(d.days, 3, 0.3, 5)")
        == "least(5, greatest(3, CAST(floor(d.days * 0.3) AS INTEGER)))"
    )


@pytest.mark.parametrize(
    "sql, message",
    [
        ("SELECT @nope", "unknown macro @nope"),
        ("SELECT @completeness_columns(c, x10)", "window"),
        ("SELECT @dependency_check(league)", "player, team"),
        ("SELECT @bootstrap_days(3)", "bootstrap_days"),
    ],
)
def test_bad_calls_are_model_errors(sql, message):
    with pytest.raises((ModelError, ValueError), match=message):
        parse_model(HEAD + sql + " FROM raw.schedule\n", "precompute/m.sql")


def test_the_state_hash_ignores_comments_and_layout():
    a = parse_model(HEAD + "SELECT game_date FROM raw.schedule\n", "a.sql")
    b = parse_model(
        HEAD.replace("-- lookback_days: 0\n", "-- lookback_days: 0\n-- fixed a typo in the prose\n")
        + "SELECT game_date  -- why\n  FROM raw.schedule\n",
        "b.sql",
    )
    c = parse_model(HEAD + "SELECT game_date FROM raw.schedule WHERE 1 = 1\n", "c.sql")
    assert a.sql_hash == b.sql_hash != c.sql_hash


def test_strip_comments_keeps_strings():
    assert strip_comments("SELECT '--x' AS a -- note\n, b") == "SELECT '--x' AS a , b"
