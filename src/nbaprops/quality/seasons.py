"""Seasons and weeks of season over raw.schedule, for the quality checks and `nbaprops failures`:
a date's season (GAME_DATES_SQL: the non-preseason game dates) and each season's opening night
(its first Regular Season date). Week 1 of a season is opening night's week."""

from __future__ import annotations

from ..calendar import GAME_DATES_SQL, REGULAR_SEASON, sql_list


def season_openers_sql() -> str:
    """(season_year, opening_night) per season."""
    return (
        "SELECT season_year, min(game_date) AS opening_night FROM raw.schedule "
        f"WHERE season_type IN {sql_list((REGULAR_SEASON,))} GROUP BY season_year"
    )


def date_seasons_sql() -> str:
    """(d, season_year) per game date."""
    return f"SELECT game_date AS d, season_year FROM ({GAME_DATES_SQL})"
