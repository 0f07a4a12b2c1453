"""The feature registry: every feature of predictions.ml_feature_store_v2, in one place.

Index and name follow the original feature store (0–24 the v1 baseline, 25–59 its later
extensions; a spec index our data cannot support is absent and listed in UNSUPPORTED).

Each feature owns its definition, range, default and its source chain: (source, SQL expression)
pairs tried in order over the feature store's inputs (aliases u = UPGC, pdc, pcf, psza, opp =
the opponent's TDZA, h = the player's history, vs, tm/otm = team histories, bk = book lines),
the registry default last. The feature store's SQL takes its feature columns, sources and
quality score from here through render-time macros (@feature_history_columns, @feature_links,
@feature_value_columns, @feature_columns, @feature_quality_score, @default_feature_count,
@feature_version, @feature_count), and the
README's feature table is rendered by readme_table(); adding a feature is one entry here.
Note: DuckDB's greatest/least ignore NULL arguments, so clamps guard NULL inputs explicitly.

Sources: phase4 (read from a Phase 4 row for the date), phase3 (computed from the UPGC row of the
date alone), calculated (computed in the feature store from earlier games or book lines), default
(nothing available: the registry default); one rule, source_tag(), by the aliases an expression
reads."""

from __future__ import annotations

from dataclasses import dataclass

from .macros import macro

FEATURE_VERSION = "v2_nbaprops"


@dataclass(frozen=True)
class Feature:
    index: int
    name: str
    definition: str
    source: str  # where it comes from first (the chain is in the definition)
    default: float | None
    lo: float
    hi: float
    optional: bool = False
    chain: tuple[tuple[str, str], ...] = ()  # (source, SQL expression), tried in order
    # (column, window expression over the player's season `s`) added to the history CTE h, for
    # chains that need a running quantity of their own
    history: tuple[tuple[str, str], ...] = ()
    # the feature group (GROUPS) the model's ablation adds or removes together; empty: group_of()
    # assigns it by name (GROUP_OF, else GROUP_RULES)
    group: str = ""

    def __post_init__(self) -> None:
        if not self.group:
            object.__setattr__(self, "group", group_of(self.name))


F = Feature

# What one game's minutes hold (five players for 48; overtime aside, which no last-10 mean reaches):
# the most the teammates out can vacate.
GAME_MINUTES = 240

# Feature groups: what the model's ablation (nbaprops backtest --ablation) adds or removes
# together. A feature names its group (group=...) or gets one here: GROUP_OF by name, else the
# first GROUP_RULES pattern its name contains, else "other".
GROUPS: dict[str, str] = {
    "scoring": "points averages and spread over recent windows and the season",
    "form": "trends, streaks and recent deviations from the player's own average",
    "minutes": "minutes played: recent averages, load, changes, volatility",
    "availability": "injuries, absences and games missed",
    "role": "usage, scoring efficiency and shot mix",
    "rest": "rest, schedule density, fatigue, home/away, playoffs",
    "team_context": "team and opponent pace, ratings, record",
    "matchup": "the player's history against the opponent",
    "game_lines": "game total and spread from the game lines",
    "prop_lines": "the player's points lines and his record against them",
    "other": "features no rule places",
}
GROUP_OF: dict[str, str] = {
    **dict.fromkeys(
        ("points_avg_last_5", "points_avg_last_10", "points_avg_season", "points_std_last_10", "points_avg_last_3"),
        "scoring",
    ),
    **dict.fromkeys(
        (
            "recent_trend",
            "pts_slope_10g",
            "pts_vs_season_zscore",
            "breakout_flag",
            "deviation_from_avg_last3",
            "consecutive_games_below_avg",
        ),
        "form",
    ),
    **dict.fromkeys(
        ("minutes_change", "minutes_avg_last_10", "minutes_load_last_7d", "minutes_volatility_last_10"), "minutes"
    ),
    **dict.fromkeys(("injury_risk",), "availability"),
    **dict.fromkeys(
        (
            "usage_spike_score",
            "usage_rate_last_5",
            "ppm_avg_last_10",
            "pct_free_throw",
            "shot_zone_mismatch_score",
            "pct_paint",
            "pct_mid_range",
            "pct_three",
        ),
        "role",
    ),
    **dict.fromkeys(
        (
            "games_in_last_7_days",
            "fatigue_score",
            "rest_advantage",
            "back_to_back",
            "days_rest",
            "home_away",
            "playoff_game",
        ),
        "rest",
    ),
    **dict.fromkeys(
        (
            "pace_score",
            "opponent_def_rating",
            "opponent_pace",
            "team_pace",
            "team_off_rating",
            "team_win_pct",
            "opponent_pace_mismatch",
        ),
        "team_context",
    ),
    **dict.fromkeys(("avg_points_vs_opponent", "games_vs_opponent"), "matchup"),
    **dict.fromkeys(("game_total_line", "spread_magnitude", "implied_team_total"), "game_lines"),
    **dict.fromkeys(
        (
            "vegas_points_line",
            "vegas_opening_line",
            "vegas_line_move",
            "has_vegas_line",
            "multi_book_line_std",
            "prop_over_streak",
            "prop_under_streak",
            "line_vs_season_avg",
            "over_rate_last_10",
            "margin_vs_line_avg_last_5",
        ),
        "prop_lines",
    ),
}
GROUP_RULES: tuple[tuple[str, str], ...] = (
    ("dnp", "availability"),
    ("injur", "availability"),
    ("missed", "availability"),
    ("avail", "availability"),
    ("absen", "availability"),
    ("points_ewm", "scoring"),
    ("minutes", "minutes"),
    ("starter", "role"),
    ("start_", "role"),
    ("usage", "role"),
    ("role", "role"),
    ("share", "role"),
    ("line", "prop_lines"),
    ("ewm", "form"),
    ("trend", "form"),
    ("slope", "form"),
    ("streak", "form"),
    ("form", "form"),
    ("points", "scoring"),
)


def group_of(name: str) -> str:
    """The group of a feature without an explicit one: GROUP_OF, else GROUP_RULES, else 'other'."""
    return GROUP_OF.get(name) or next((g for pat, g in GROUP_RULES if pat in name), "other")


def points_ewm(index: int, half_life_days: int) -> Feature:
    """The family of exponentially weighted points means: every game of the season before D,
    weighted 0.5 ** (days before D / half-life) (recent form weighs most).

    Set-based through the player's history (h: the state after each of his games): running
    sums of points * 2 ** (days since July 1 of the season / half-life) and of the weights; a row
    keyed on D reads them after his last game before D, and the ratio equals the weighting
    relative to D (the common factor cancels). The sums are exact DECIMALs, so the value never
    depends on summation order (chunking, threads)."""
    name = f"points_ewm_{half_life_days}d"
    # (the day count as DOUBLE: Spark would divide by a decimal literal in DECIMAL, to 6 places)
    w = f"pow(2.0, CAST(date_diff('day', make_date(season_year, 7, 1), game_date) AS DOUBLE) / {int(half_life_days)})"
    history = (
        (f"{name}_num", f"sum(CAST(points * {w} AS DECIMAL(38, 9))) OVER s"),
        (f"{name}_den", f"sum(CASE WHEN points IS NOT NULL THEN CAST({w} AS DECIMAL(38, 9)) END) OVER s"),
    )
    return Feature(
        index,
        name,
        f"exponentially weighted mean points of the season's games before D, half-life {half_life_days} days",
        "player_game_summary",
        None,
        0,
        80,
        True,
        chain=(("calculated", f"CAST(h.{name}_num AS DOUBLE) / nullif(CAST(h.{name}_den AS DOUBLE), 0)"),),
        history=history,
    )


# -- minutes, availability, form and opportunity families ----------------------------------------------
def _ewm_weight(half_life_days: int) -> str:
    """2 ** (days since July 1 of the game's season / half-life), the weight of points_ewm."""
    return (
        f"pow(2.0, CAST(date_diff('day', make_date(season_year, 7, 1), game_date) AS DOUBLE) / {int(half_life_days)})"
    )


def minutes_ewm(index: int, half_life_days: int) -> Feature:
    """Exponentially weighted mean minutes, the points_ewm construction on minutes_played."""
    name = f"minutes_ewm_{half_life_days}d"
    w = _ewm_weight(half_life_days)
    history = (
        (f"{name}_num", f"sum(CAST(minutes_played * {w} AS DECIMAL(38, 9))) OVER s"),
        (f"{name}_den", f"sum(CASE WHEN minutes_played IS NOT NULL THEN CAST({w} AS DECIMAL(38, 9)) END) OVER s"),
    )
    return Feature(
        index,
        name,
        f"exponentially weighted mean minutes of the season's games before D, half-life {half_life_days} days "
        "(weights 0.5 ** (days before D / half-life))",
        "player_game_summary",
        None,
        0,
        60,
        True,
        chain=(("calculated", f"CAST(h.{name}_num AS DOUBLE) / nullif(CAST(h.{name}_den AS DOUBLE), 0)"),),
        history=history,
        group="minutes",
    )


def ppm_ewm(index: int, half_life_days: int) -> Feature:
    """Exponentially weighted points per minute: a ratio of the weighted sums of points and of
    minutes (the points_ewm weights), so a long game weighs more than a short one."""
    name = f"ppm_ewm_{half_life_days}d"
    w = _ewm_weight(half_life_days)
    history = (
        (
            f"{name}_pts",
            f"sum(CASE WHEN minutes_played IS NOT NULL THEN CAST(points * {w} AS DECIMAL(38, 9)) END) OVER s",
        ),
        (
            f"{name}_min",
            f"sum(CASE WHEN points IS NOT NULL THEN CAST(minutes_played * {w} AS DECIMAL(38, 9)) END) OVER s",
        ),
    )
    return Feature(
        index,
        name,
        f"exponentially weighted points per minute of the season's games before D, half-life {half_life_days} days: "
        "weighted points / weighted minutes; NULL when his last 10 games hold fewer than 10 minutes",
        "player_game_summary",
        None,
        0,
        5,
        True,
        chain=(
            (
                "calculated",
                f"CASE WHEN h.minutes_last10 >= 10 THEN CAST(h.{name}_pts AS DOUBLE) "
                f"/ nullif(CAST(h.{name}_min AS DOUBLE), 0) END",
            ),
        ),
        history=history,
        group="form",
    )


def starter_share(index: int, games: int) -> Feature:
    """Share of the player's last N games (this season, before D) that he started; NULL when a
    game of the window has no starter flag (basic logs: 2021-22, 2025-26)."""
    name = f"starter_share_last_{games}"
    frame = (
        f"(PARTITION BY player_lookup, season_year ORDER BY game_date "
        f"ROWS BETWEEN {int(games) - 1} PRECEDING AND CURRENT ROW)"
    )
    # (a ratio of integer counts as DOUBLE: Spark's avg of a decimal literal keeps 5 decimals)
    history = (
        (
            name,
            f"CASE WHEN count(starter) OVER {frame} = count(*) OVER {frame} "
            f"THEN sum(CASE WHEN starter THEN 1 ELSE 0 END) OVER {frame} "
            f"/ CAST(count(*) OVER {frame} AS DOUBLE) END",
        ),
    )
    return Feature(
        index,
        name,
        f"share of the last {games} games this season before D that the player started (full box only: "
        "NULL, source default, where the season has no starter flag)",
        "player_game_summary",
        None,
        0,
        1,
        True,
        chain=(("calculated", f"h.{name}"),),
        history=history,
        group="minutes",
    )


def team_games_missed(index: int, days: int) -> Feature:
    """Team games of the last N days before D the player did not play (precompute.player_availability)."""
    name = f"team_games_missed_{days}d"
    return Feature(
        index,
        name,
        f"games of the player's team with D-{days} <= date < D that he did not play (PA; only the team's games "
        "with a box score, after his last game this season for another team)",
        "player_availability",
        None,
        0,
        days,
        True,
        chain=(("phase4", f"pa.{name}"),),
        group="availability",
    )


def vacated(index: int, stat: str, what: str, hi: float) -> Feature:
    """What the rotation teammates who are out leave: the sum of their last-10 means of `stat`."""
    name = f"vacated_{stat}"
    return Feature(
        index,
        name,
        f"sum of the last-10 mean {what} of the player's rotation teammates who are newly out on D "
        "(as rotation_teammates_out); 0 when none is (precompute.player_availability)",
        "player_availability",
        None,
        0,
        hi,
        True,
        chain=(("phase4", f"pa.{name}"),),
        group="availability",
    )


# The usage features' per-game input (analytics.player_game_summary.usage_rate): said in each
# usage feature's definition, so a reader of the registry, README or export meets the NULL rule.
USAGE_RATE_RULE = (
    "a game's usage rate (PGS usage_rate, percent 0-100) is NULL above 100 (a seconds-long "
    "appearance) and without a full box score; the means skip such games"
)


# The opponent's recent-defence features (opponent_points_allowed_last_N, opponent_def_rating_last_N)
# need this many of the opponent's games with the value in their window, like the zone fields'
# minimum sample (macros.ZONE_MIN: 5 zone games of a player's last 10) and the >= 5 games of
# team_win_pct, pct_free_throw and pts_slope_10g: the last-5 windows need all 5 games, the last-10
# windows half of them. Below it (the opponent's first games of a season; for the defensive rating
# also where the full team box stops) the feature is NULL with source default, not a mean of 1-4
# games.
OPPONENT_MIN_GAMES = 5


def _opponent_min(games: int) -> int:
    """The minimum sample of an opponent window of `games` games (OPPONENT_MIN_GAMES, at most the window)."""
    return min(int(games), OPPONENT_MIN_GAMES)


def _opponent_sample_rule(games: int, what: str, below: str) -> str:
    """The minimum-sample clause of an opponent feature's definition."""
    m = _opponent_min(games)
    need = f"all {m}" if m == games else f">= {m} of them"
    return f"needs {need} with {what}, else NULL, source default ({below})"


def opponent_points_allowed(index: int, games: int) -> Feature:
    """The opponent's recent defence: mean points it allowed over its last N games this season,
    NULL below the minimum sample (OPPONENT_MIN_GAMES)."""
    name = f"opponent_points_allowed_last_{games}"
    g, m = int(games), _opponent_min(games)
    return Feature(
        index,
        name,
        f"mean points the opponent allowed over its last {games} games this season before D (TDGS); "
        + _opponent_sample_rule(games, "a box score", "the opponent's first games of a season"),
        "team_defense_game_summary",
        None,
        60,
        160,
        True,
        chain=(
            (
                "calculated",
                f"CASE WHEN otm.points_allowed_games_last_{g} >= {m} THEN otm.points_allowed_last_{g} END",
            ),
        ),
        group="team_context",
    )


def opponent_def_rating(index: int, games: int) -> Feature:
    """The opponent's defensive rating over its last N games (full team box only), NULL below the
    minimum sample (OPPONENT_MIN_GAMES) of rated games."""
    name = f"opponent_def_rating_last_{games}"
    g, m = int(games), _opponent_min(games)
    return Feature(
        index,
        name,
        f"opponent's mean defensive rating over its last {games} games this season before D (TDGS; full team "
        "box only); "
        + _opponent_sample_rule(
            games, "a rating", "the opponent's first games of a season, or games without a full team box"
        ),
        "team_defense_game_summary",
        None,
        70,
        150,
        True,
        chain=(
            (
                "calculated",
                f"CASE WHEN otm.def_rating_games_last_{g} >= {m} THEN otm.def_rating_last_{g} END",
            ),
        ),
        group="team_context",
    )


FEATURES: tuple[Feature, ...] = (
    F(
        0,
        "points_avg_last_5",
        "mean points of the last 5 games this season (PDC, else UPGC); features are rounded to 6 decimals",
        "player_daily_cache",
        10.0,
        0,
        80,
        chain=(
            ("phase4", "pdc.points_avg_last_5"),
            ("phase3", "u.points_avg_last_5"),
        ),
    ),
    F(
        1,
        "points_avg_last_10",
        "mean points of the last 10 games (PDC, else UPGC)",
        "player_daily_cache",
        10.0,
        0,
        80,
        chain=(
            ("phase4", "pdc.points_avg_last_10"),
            ("phase3", "u.points_avg_last_10"),
        ),
    ),
    F(
        2,
        "points_avg_season",
        "mean points this season before D (PDC, else PGS)",
        "player_daily_cache",
        10.0,
        0,
        80,
        chain=(
            ("phase4", "pdc.points_avg_season"),
            ("calculated", "h.season_avg"),
        ),
    ),
    F(
        3,
        "points_std_last_10",
        "sample std of points over the last 10 games (PDC, else PGS: >= 2 games)",
        "player_daily_cache",
        5.0,
        0,
        40,
        chain=(
            ("phase4", "pdc.points_std_last_10"),
            ("calculated", "h.points_std_last_10"),
        ),
        history=(("points_std_last_10", "stddev_samp(points) OVER l10"),),
    ),
    F(
        4,
        "games_in_last_7_days",
        "games played in D-7 <= date < D (PDC, else UPGC)",
        "player_daily_cache",
        3.0,
        0,
        7,
        chain=(
            ("phase4", "pdc.games_in_last_7_days"),
            ("phase3", "u.games_in_last_7_days"),
        ),
    ),
    F(
        5,
        "fatigue_score",
        "0-100 fatigue score, higher = more rested (PCF, else the same formula on UPGC)",
        "player_composite_factors",
        50.0,
        0,
        100,
        chain=(
            ("phase4", "pcf.fatigue_score"),
            ("phase3", "@fatigue_score(u)"),
        ),
    ),
    F(
        6,
        "shot_zone_mismatch_score",
        "player's primary zone vs opponent's zone defence, -10..10 (PCF)",
        "player_composite_factors",
        0.0,
        -10,
        10,
        chain=(("phase4", "pcf.shot_zone_mismatch_score"),),
    ),
    F(
        7,
        "pace_score",
        "team vs opponent last-10 pace differential / 2, clamped ±3 (PCF, else TOGS)",
        "player_composite_factors",
        0.0,
        -3,
        3,
        chain=(
            ("phase4", "pcf.pace_score"),
            (
                "calculated",
                (
                    "CASE WHEN tm.team_pace_last_10 IS NOT NULL AND otm.team_pace_last_10 IS NOT NULL THEN "
                    "greatest(-3.0, least(3.0, (tm.team_pace_last_10 - otm.team_pace_last_10) / 2.0)) END"
                ),
            ),
        ),
    ),
    F(
        8,
        "usage_spike_score",
        "0.3 x (last-3 minus last-7 mean usage rate), clamped ±3 (PCF, else PGS); " + USAGE_RATE_RULE,
        "player_composite_factors",
        0.0,
        -3,
        3,
        chain=(
            ("phase4", "pcf.usage_spike_score"),
            (
                "calculated",
                (
                    "CASE WHEN h.usage_last3 IS NOT NULL AND h.usage_last7 IS NOT NULL THEN greatest(-3.0, "
                    "least(3.0, 0.3 * (h.usage_last3 - h.usage_last7))) END"
                ),
            ),
        ),
        history=(
            ("usage_last3", "avg(usage_rate) OVER l3"),
            (
                "usage_last7",
                (
                    "avg(usage_rate) OVER (PARTITION BY player_lookup, season_year ORDER BY game_date ROWS "
                    "BETWEEN 6 PRECEDING AND CURRENT ROW)"
                ),
            ),
        ),
    ),
    F(
        9,
        "rest_advantage",
        "clamp(days_rest - opponent_days_rest, -2, 2) (UPGC)",
        "upcoming_player_game_context",
        0.0,
        -2,
        2,
        chain=(
            (
                "phase3",
                (
                    "CASE WHEN u.days_rest IS NOT NULL AND u.opponent_days_rest IS NOT NULL THEN "
                    "greatest(-2, least(2, u.days_rest - u.opponent_days_rest)) END"
                ),
            ),
        ),
    ),
    F(
        10,
        "injury_risk",
        (
            "3 if the player is out: listed Out or Doubtful for D's game in the latest official injury "
            "report before D's cut-off (12:00 US Eastern on D) that covers his team's game, else, "
            "without such a report, his latest injury transaction before D is 'out' (an 'out' and a "
            "'return' the same day: 'out') and dated on or after his last game; else 0 (UPGC "
            "report_status, player_status). Read 3 as 'probably out', not 'out': of the feature-store rows "
            "at 3 on the bundled data (22,340, 2021-10-23 .. 2025-06-22, all set by transactions), 15.5 % "
            "(3,464) have a box-score row of D, the player played; 3,197 of these have a 'return' "
            "transaction dated D, which the rule cannot see (it reads transactions dated before D). "
            "The default where neither the injury feed nor a report covers D"
        ),
        "upcoming_player_game_context",
        0.0,
        0,
        3,
        chain=(
            (
                "phase3",
                (
                    "CASE WHEN u.report_status IN @reported_out THEN 3.0 WHEN u.report_status IS NOT NULL THEN 0.0 "
                    "WHEN u.player_status = 'out' THEN 3.0 WHEN u.player_status IS NOT NULL THEN 0.0 END"
                ),
            ),
        ),
    ),
    F(
        11,
        "recent_trend",
        "newest-3 mean minus the 2 before them over the last 5 games, bucketed -2..2",
        "player_game_summary",
        0.0,
        -2,
        2,
        chain=(
            (
                "calculated",
                (
                    "CASE WHEN coalesce(h.n_last5, 0) < 5 THEN NULL WHEN h.avg_newest3 - h.avg_older2 >= 5 "
                    "THEN 2 WHEN h.avg_newest3 - h.avg_older2 >= 2 THEN 1 WHEN h.avg_newest3 - h.avg_older2 "
                    "<= -5 THEN -2 WHEN h.avg_newest3 - h.avg_older2 <= -2 THEN -1 ELSE 0 END"
                ),
            ),
        ),
    ),
    F(
        12,
        "minutes_change",
        "last-10 vs season minutes, relative change bucketed -2..2",
        "player_game_summary",
        0.0,
        -2,
        2,
        chain=(
            (
                "calculated",
                (
                    "CASE WHEN coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) IS NULL OR "
                    "h.minutes_avg_season IS NULL OR h.minutes_avg_season = 0 THEN NULL ELSE CASE WHEN "
                    "(coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) / "
                    "h.minutes_avg_season >= 0.20 THEN 2 WHEN (coalesce(pdc.minutes_avg_last_10, "
                    "h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season >= 0.10 THEN 1 "
                    "WHEN (coalesce(pdc.minutes_avg_last_10, h.minutes_avg_last_10) - h.minutes_avg_season) "
                    "/ h.minutes_avg_season <= -0.20 THEN -2 WHEN (coalesce(pdc.minutes_avg_last_10, "
                    "h.minutes_avg_last_10) - h.minutes_avg_season) / h.minutes_avg_season <= -0.10 THEN -1 "
                    "ELSE 0 END END"
                ),
            ),
        ),
    ),
    F(
        13,
        "opponent_def_rating",
        "opponent's mean defensive rating over its last 15 games (TDZA)",
        "team_defense_zone_analysis",
        112.0,
        70,
        150,
        chain=(("phase4", "opp.defensive_rating_last_15"),),
    ),
    F(
        14,
        "opponent_pace",
        "mean pace of the opponent's last 15 opponents (TDZA)",
        "team_defense_zone_analysis",
        100.0,
        70,
        130,
        chain=(("phase4", "opp.opponent_pace"),),
    ),
    F(
        15,
        "home_away",
        "1 home, 0 away (UPGC)",
        "upcoming_player_game_context",
        0.0,
        0,
        1,
        chain=(("phase3", "CASE WHEN u.home_game THEN 1.0 ELSE 0.0 END"),),
    ),
    F(
        16,
        "back_to_back",
        "1 if the player played yesterday (UPGC)",
        "upcoming_player_game_context",
        0.0,
        0,
        1,
        chain=(("phase3", "CASE WHEN u.back_to_back THEN 1.0 WHEN u.back_to_back IS NOT NULL THEN 0.0 END"),),
    ),
    F(
        17,
        "playoff_game",
        "1 for play-in and playoff games (UPGC)",
        "upcoming_player_game_context",
        0.0,
        0,
        1,
        chain=(("phase3", "CASE WHEN u.season_type IN @postseason THEN 1.0 ELSE 0.0 END"),),
    ),
    F(
        18,
        "pct_paint",
        "share of shots in the paint over the last 10 games, 0-1 (PSZA)",
        "player_shot_zone_analysis",
        0.30,
        0,
        1,
        chain=(("phase4", "psza.paint_rate_last_10 / 100.0"),),
    ),
    F(
        19,
        "pct_mid_range",
        "share of mid-range shots over the last 10 games, 0-1 (PSZA)",
        "player_shot_zone_analysis",
        0.20,
        0,
        1,
        chain=(("phase4", "psza.mid_range_rate_last_10 / 100.0"),),
    ),
    F(
        20,
        "pct_three",
        "share of three-point shots over the last 10 games, 0-1 (PSZA)",
        "player_shot_zone_analysis",
        0.35,
        0,
        1,
        chain=(("phase4", "psza.three_pt_rate_last_10 / 100.0"),),
    ),
    F(
        21,
        "pct_free_throw",
        "free-throw points share of points over the last 10 games (>= 5 games), clamp 0-0.5",
        "player_game_summary",
        0.15,
        0,
        0.5,
        chain=(
            (
                "calculated",
                (
                    "CASE WHEN h.n_ft_last10 >= 5 AND h.pts_ft_last10 > 0 THEN greatest(0, least(0.5, "
                    "h.ftm_last10 / h.pts_ft_last10)) END"
                ),
            ),
        ),
    ),
    F(
        22,
        "team_pace",
        "team's mean pace over its last 10 games (PDC)",
        "player_daily_cache",
        100.0,
        70,
        130,
        chain=(
            ("phase4", "pdc.team_pace_last_10"),
            ("calculated", "tm.team_pace_last_10"),
        ),
    ),
    F(
        23,
        "team_off_rating",
        "team's mean offensive rating over its last 10 games (PDC)",
        "player_daily_cache",
        112.0,
        70,
        150,
        chain=(
            ("phase4", "pdc.team_off_rating_last_10"),
            ("calculated", "tm.team_off_rating_last_10"),
        ),
    ),
    F(
        24,
        "team_win_pct",
        "team's win share this season before D (>= 5 games)",
        "team_offense_game_summary",
        0.5,
        0,
        1,
        chain=(
            ("calculated", "CASE WHEN tm.team_games_season >= 5 THEN tm.team_wins_season / tm.team_games_season END"),
        ),
    ),
    F(
        25,
        "vegas_points_line",
        "current pre-tip points line (UPGC; synthetic lines here)",
        "upcoming_player_game_context",
        None,
        0,
        80,
        True,
        chain=(("phase3", "u.current_points_line"),),
    ),
    F(
        26,
        "vegas_opening_line",
        "opening pre-tip points line (UPGC)",
        "upcoming_player_game_context",
        None,
        0,
        80,
        True,
        chain=(("phase3", "u.opening_points_line"),),
    ),
    F(
        27,
        "vegas_line_move",
        "current minus opening line (UPGC)",
        "upcoming_player_game_context",
        None,
        -30,
        30,
        True,
        chain=(("phase3", "u.current_points_line - u.opening_points_line"),),
    ),
    F(
        28,
        "has_vegas_line",
        "1 if a pre-tip line exists",
        "upcoming_player_game_context",
        0.0,
        0,
        1,
        chain=(("phase3", "CASE WHEN u.current_points_line IS NOT NULL THEN 1.0 ELSE 0.0 END"),),
    ),
    F(
        29,
        "avg_points_vs_opponent",
        "mean points against this opponent over the last 3 seasons before D",
        "player_game_summary",
        None,
        0,
        80,
        True,
        chain=(("calculated", "vs.avg_points_vs_opponent"),),
    ),
    F(
        30,
        "games_vs_opponent",
        "games against this opponent over the last 3 seasons before D",
        "player_game_summary",
        0.0,
        0,
        30,
        chain=(("calculated", "coalesce(vs.games_vs_opponent, 0)"),),
    ),
    F(
        31,
        "minutes_avg_last_10",
        "mean minutes over the last 10 games (PDC, else PGS)",
        "player_daily_cache",
        None,
        0,
        60,
        True,
        chain=(
            ("phase4", "pdc.minutes_avg_last_10"),
            ("calculated", "h.minutes_avg_last_10"),
        ),
    ),
    F(
        32,
        "ppm_avg_last_10",
        "points per minute over the last 10 games",
        "player_game_summary",
        None,
        0,
        5,
        True,
        chain=(("calculated", "h.points_last10 / nullif(h.minutes_last10, 0)"),),
    ),
    F(
        34,
        "pts_slope_10g",
        "least-squares slope of points over the last 10 games (per game; >= 5 games, clamped to ±20)",
        "player_game_summary",
        None,
        -20,
        20,
        True,
        chain=(("calculated", "CASE WHEN h.n_last10 >= 5 THEN greatest(-20, least(20, h.pts_slope_10g)) END"),),
    ),
    F(
        35,
        "pts_vs_season_zscore",
        "(last-5 mean - season mean) / season std",
        "player_game_summary",
        None,
        -10,
        10,
        True,
        chain=(("calculated", "CASE WHEN h.season_std > 0 THEN (h.avg_last5 - h.season_avg) / h.season_std END"),),
    ),
    F(
        36,
        "breakout_flag",
        "1 if the last-5 mean exceeds the season mean by 1.5 season std",
        "player_game_summary",
        0.0,
        0,
        1,
        chain=(
            (
                "calculated",
                (
                    "CASE WHEN h.season_std > 0 THEN CASE WHEN h.avg_last5 > h.season_avg + 1.5 * "
                    "h.season_std THEN 1.0 ELSE 0.0 END END"
                ),
            ),
        ),
    ),
    F(
        38,
        "game_total_line",
        "game total from the game lines (UPGC)",
        "upcoming_player_game_context",
        None,
        150,
        300,
        True,
        chain=(("phase3", "u.game_total"),),
    ),
    F(
        39,
        "days_rest",
        "days since the player's last game this season, capped at 10 (UPGC)",
        "upcoming_player_game_context",
        None,
        0,
        10,
        True,
        chain=(("phase3", "CASE WHEN u.days_rest IS NOT NULL THEN least(u.days_rest, 10) END"),),
    ),
    F(
        40,
        "minutes_load_last_7d",
        "minutes played in D-7 <= date < D (UPGC)",
        "upcoming_player_game_context",
        0.0,
        0,
        300,
        chain=(("phase3", "u.minutes_in_last_7_days"),),
    ),
    F(
        41,
        "spread_magnitude",
        "absolute game spread (UPGC)",
        "upcoming_player_game_context",
        None,
        0,
        40,
        True,
        chain=(("phase3", "abs(u.game_spread)"),),
    ),
    F(
        42,
        "implied_team_total",
        "game_total / 2 - team spread / 2 (UPGC)",
        "upcoming_player_game_context",
        None,
        60,
        170,
        True,
        chain=(("phase3", "u.game_total / 2.0 - u.game_spread / 2.0"),),
    ),
    F(
        43,
        "points_avg_last_3",
        "mean points of the last 3 games",
        "player_game_summary",
        None,
        0,
        80,
        True,
        chain=(("calculated", "h.avg_last3"),),
    ),
    F(
        45,
        "deviation_from_avg_last3",
        "last-3 mean minus season mean",
        "player_game_summary",
        None,
        -60,
        60,
        True,
        chain=(("calculated", "h.avg_last3 - h.season_avg"),),
    ),
    F(
        46,
        "consecutive_games_below_avg",
        "consecutive most recent games in which the player scored below his season mean entering that game",
        "player_game_summary",
        0.0,
        0,
        82,
        chain=(("calculated", "h.below_avg_streak"),),
    ),
    F(
        48,
        "usage_rate_last_5",
        "mean usage rate over the last 5 games (games with a usage rate); " + USAGE_RATE_RULE,
        "player_game_summary",
        None,
        0,
        100,
        True,
        chain=(("calculated", "h.usage_last5"),),
    ),
    F(
        50,
        "multi_book_line_std",
        "std of the books' last pre-tip lines",
        "upcoming_player_game_context",
        None,
        0,
        20,
        True,
        chain=(("calculated", "bk.multi_book_line_std"),),
    ),
    F(
        51,
        "prop_over_streak",
        "consecutive recent games above the current line (UPGC); NULL without a line",
        "upcoming_player_game_context",
        None,
        0,
        82,
        True,
        chain=(("phase3", "u.prop_over_streak"),),
    ),
    F(
        52,
        "prop_under_streak",
        "consecutive recent games below the current line (UPGC); NULL without a line",
        "upcoming_player_game_context",
        None,
        0,
        82,
        True,
        chain=(("phase3", "u.prop_under_streak"),),
    ),
    F(
        53,
        "line_vs_season_avg",
        "current line minus season mean",
        "upcoming_player_game_context",
        None,
        -60,
        60,
        True,
        chain=(("calculated", "u.current_points_line - h.season_avg"),),
    ),
    F(
        55,
        "over_rate_last_10",
        "share of the last 10 games that had a pre-tip line in which the player went over it",
        "player_game_summary",
        None,
        0,
        1,
        True,
        chain=(("calculated", "h.over_rate_last10"),),
    ),
    F(
        56,
        "margin_vs_line_avg_last_5",
        "mean points minus pre-tip line over those of the last 5 games that had a line",
        "player_game_summary",
        None,
        -60,
        60,
        True,
        chain=(("calculated", "h.margin_vs_line_last5"),),
    ),
    F(
        58,
        "minutes_volatility_last_10",
        "sample std of minutes over the last 10 games",
        "player_game_summary",
        None,
        0,
        30,
        True,
        chain=(("calculated", "h.minutes_std_last10"),),
    ),
    F(
        59,
        "opponent_pace_mismatch",
        "team last-10 pace minus opponent last-10 pace (TOGS)",
        "team_offense_game_summary",
        None,
        -30,
        30,
        True,
        chain=(("calculated", "tm.team_pace_last_10 - otm.team_pace_last_10"),),
    ),
    points_ewm(60, 10),
    points_ewm(61, 30),
    minutes_ewm(62, 10),
    minutes_ewm(63, 30),
    F(
        64,
        "minutes_last_game",
        "minutes played in the player's last game this season before D",
        "player_game_summary",
        None,
        0,
        70,
        True,
        chain=(("calculated", "h.minutes_last_game"),),
        history=(("minutes_last_game", "minutes_played"),),
        group="minutes",
    ),
    F(
        65,
        "minutes_trend",
        "mean minutes of the last 3 games minus the mean of the last 10 (this season before D; >= 5 games)",
        "player_game_summary",
        None,
        -50,
        50,
        True,
        chain=(("calculated", "CASE WHEN h.n_last10 >= 5 THEN h.minutes_avg_last3 - h.minutes_avg_last_10 END"),),
        history=(("minutes_avg_last3", "avg(minutes_played) OVER l3"),),
        group="minutes",
    ),
    starter_share(66, 5),
    starter_share(67, 10),
    F(
        68,
        "games_since_role_change",
        (
            "games the player has played in his current role (starter or bench, that of his last "
            "game) since it last changed this season before D; all his games of the season when it "
            "has not (full box only: NULL, source default, without starter flags)"
        ),
        "player_game_summary",
        None,
        1,
        110,
        True,
        chain=(("calculated", "h.games_since_role_change"),),
        history=(
            (
                "games_since_role_change",
                (
                    "CASE WHEN starter IS NOT NULL THEN game_seq + 1 - max(CASE WHEN prev_starter IS NULL OR "
                    "starter <> prev_starter THEN game_seq END) OVER s END"
                ),
            ),
        ),
        group="minutes",
    ),
    team_games_missed(69, 7),
    team_games_missed(70, 14),
    F(
        71,
        "consecutive_team_games_missed",
        (
            "games of the player's team this season before D after his last played game (all of them "
            "when he has none): N means D is his first game back after N missed games, 0 that he "
            "played the team's previous game (PA; only the team's games with a box score, after his last "
            "game this season for another team)"
        ),
        "player_availability",
        None,
        0,
        110,
        True,
        chain=(("phase4", "pa.consecutive_team_games_missed"),),
        group="availability",
    ),
    F(
        72,
        "rotation_teammates_out",
        (
            "rotation teammates newly out: other expected players of his team on D with >= 15 minutes "
            "a game over their last 10 who played one of the team's last 3 games (with a box score), and "
            "are out — listed Out or Doubtful in the official injury report where one covers the team's "
            "game before D's cut-off (12:00 US Eastern on D), else did not play the team's latest game or "
            "out per injury transactions before D (PA; teammates_out_source says which)"
        ),
        "player_availability",
        None,
        0,
        20,
        True,
        chain=(("phase4", "pa.rotation_teammates_out"),),
        group="availability",
    ),
    vacated(73, "minutes", "minutes", GAME_MINUTES),
    vacated(74, "points", "points", 300),
    vacated(75, "fga", "field-goal attempts (NULL, source default, without attempts: basic-log seasons)", 250),
    ppm_ewm(76, 10),
    ppm_ewm(77, 30),
    F(
        78,
        "expected_possessions_used",
        (
            "usage rate x pace x minutes, last 10 games (PDC): usage_rate_last_10 / 100 * "
            "team_pace_last_10 * minutes_avg_last_10 / 48, the possessions the player is expected to "
            "use (full box only); "
        )
        + USAGE_RATE_RULE,
        "player_daily_cache",
        None,
        0,
        60,
        True,
        chain=(("phase4", "pdc.usage_rate_last_10 / 100.0 * pdc.team_pace_last_10 * pdc.minutes_avg_last_10 / 48.0"),),
        group="role",
    ),
    F(
        79,
        "fta_rate_last_10",
        (
            "free-throw attempts per field-goal attempt over the last 10 games this season before D "
            "(>= 10 field-goal attempts; full box only)"
        ),
        "player_game_summary",
        None,
        0,
        5,
        True,
        chain=(
            (
                "calculated",
                "CASE WHEN h.fga_sum_last10 >= 10 THEN CAST(h.fta_sum_last10 AS DOUBLE) / h.fga_sum_last10 END",
            ),
        ),
        history=(("fga_sum_last10", "sum(fg_attempts) OVER l10"), ("fta_sum_last10", "sum(ft_attempts) OVER l10")),
        group="role",
    ),
    opponent_points_allowed(80, 5),
    opponent_points_allowed(81, 10),
    opponent_def_rating(82, 5),
    opponent_def_rating(83, 10),
    F(
        84,
        "rotation_teammates_long_out",
        (
            "rotation teammates long out: as rotation_teammates_out, but out for 3 to 9 of the team's "
            "games in a row before D (a longer absence has left the rotation; the others' recent "
            "averages already carry it) (PA)"
        ),
        "player_availability",
        None,
        0,
        20,
        True,
        chain=(("phase4", "pa.rotation_teammates_long_out"),),
        group="availability",
    ),
)

# Spec indices our data cannot support, with the reason (the README lists them).
UNSUPPORTED: dict[int, tuple[str, str]] = {
    33: ("dnp_rate", "no DNP records for 2021-22 and 2025-26 (the basic log lists only players who played)"),
    37: (
        "star_teammates_out",
        (
            "official pre-game injury reports exist only from the dates a user fetches them, too few to "
            "learn a star-out flag from; rotation_teammates_out and vacated_minutes/points/fga measure "
            "the teammates out continuously (reported Out or Doubtful where a report covers D, else "
            "missed the team's previous game or out per transactions before D)"
        ),
    ),
    44: ("scoring_trend_slope", "the same quantity as pts_slope_10g here"),
    47: ("teammate_usage_available", "dead in the original as well"),
    49: (
        "games_since_structural_change",
        (
            "needs roster events (trades, signings) the data does not have; the starter/bench role "
            "change is games_since_role_change"
        ),
    ),
    54: ("prop_line_delta", "the original's definition is not recoverable from the spec"),
    57: ("blowout_minutes_risk", "needs a minutes-in-blowouts model; not defined by the spec"),
}

SOURCES = ("phase4", "phase3", "calculated", "default")

# Features that rest on one source feed (analytics.feed_coverage says which dates a feed covers,
# as the morning of D knows it). Where the feed does not cover D the feature is not computed from
# the absence: it gets its registry default, source 'default', and the row's feed_gaps names the
# feed and its features (so injury_risk is no real-looking 0 when there is no injury feed).
FEEDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "injuries": (
        "no injury transaction in the 60 days before D and no official injury report of the game",
        ("injury_risk",),
    ),
    "game_lines": (
        "no game line in the 10 days up to D",
        ("game_total_line", "spread_magnitude", "implied_team_total"),
    ),
    "shots": (
        "no shot data this season before D",
        ("shot_zone_mismatch_score", "pct_paint", "pct_mid_range", "pct_three"),
    ),
    "full_box": (
        "no full box score (attempts, free throws, usage) this season before D",
        (
            "usage_spike_score",
            "pct_free_throw",
            "usage_rate_last_5",
            "starter_share_last_5",
            "starter_share_last_10",
            "games_since_role_change",
            "vacated_fga",
            "expected_possessions_used",
            "fta_rate_last_10",
        ),
    ),
    "team_box": (
        "no full team box score (possessions, ratings) this season before D",
        (
            "pace_score",
            "opponent_def_rating",
            "opponent_pace",
            "team_pace",
            "team_off_rating",
            "opponent_def_rating_last_5",
            "opponent_def_rating_last_10",
        ),
    ),
}


# A feed's coverage of a row: analytics.feed_coverage's (cov.<feed>, by date), or, for the
# injuries, an official injury report that covers the player's game (UPGC report_status is set):
# a report says who is out of D's game even where no injury transaction is recent.
ROW_COVERAGE: dict[str, str] = {"injuries": "u.report_status IS NOT NULL"}


def covered(feed: str) -> str:
    """SQL over the feature store's base row: whether `feed` covers the row."""
    also = ROW_COVERAGE.get(feed)
    return f"(cov.{feed} OR {also})" if also else f"cov.{feed}"


def feed_of(name: str) -> str | None:
    """The feed a feature rests on (FEEDS), None when it needs none beyond the box scores."""
    return next((feed for feed, (_, names) in FEEDS.items() if name in names), None)


# The one rule of the source tags: a value's tag names the inputs its expression reads (by alias).
# calculated = the feature store computes it from earlier games or book lines (h, vs, tm, otm, bk;
# also when it mixes them with other inputs); phase4 = read from a Phase 4 row for D (pdc, pcf,
# psza, opp); phase3 = computed from the Phase 3 row of D alone (u: UPGC). So the same fallback
# gets the same tag: a mean over the player's earlier games computed here is 'calculated' whether
# it is points or minutes.
ALIAS_SOURCES = {
    "calculated": ("h", "vs", "tm", "otm", "bk"),
    "phase4": ("pdc", "pcf", "psza", "opp", "pa"),
    "phase3": ("u",),
}


def source_tag(expr: str) -> str:
    """The tag a chain expression must carry, from the aliases it reads (ALIAS_SOURCES, in order)."""
    import re

    from .macros import render

    used = set(re.findall(r"\b([a-z]+)\.[a-z_]", render(f"({expr})")))
    for tag, aliases in ALIAS_SOURCES.items():
        if used & set(aliases):
            return tag
    raise ValueError(f"a feature expression reads none of the feature store's inputs: {expr}")


QUALITY_WEIGHTS = {"phase4": 100.0, "phase3": 100.0, "calculated": 100.0, "default": 40.0}

# quality_tier: the worst that holds of the row, each a thing a user can act on (the feature
# store's SQL spells the conditions; the README and the exported metadata these words).
QUALITY_TIERS: dict[str, str] = {
    "gold": (
        "every required feature computed from data, and the row is production ready (complete "
        "upstream windows, no hole in the week before D): train and predict"
    ),
    "silver": (
        "every required feature computed from data, but the upstream windows are incomplete or "
        "the week before D has a hole (completeness_reason says which): values rest on fewer "
        "games than scheduled"
    ),
    "bronze": (
        "required features at their default only because their source feed does not cover D "
        "(feed_gaps names them): usable by a model that treats them as missing (export --missing "
        "null)"
    ),
    "poor": (
        "a required feature at its registry default because the player's or teams' games before "
        "D do not give it (first games of a season or of a player, zone shares and zone mismatch "
        "below their minimum samples, the postseason once the windows' regular-season games run "
        "out): a guess, not data"
    ),
}
LABELS = ("label_points", "label_minutes", "label_played", "label_over_line")

# Units of each feature's value (the exported training set's Parquet metadata says them); a family
# (points_ewm_*) by its name's prefix. A feature without an entry is exported without units.
UNITS: dict[str, str] = {
    "points_avg_last_5": "points",
    "points_avg_last_10": "points",
    "points_avg_season": "points",
    "points_std_last_10": "points",
    "games_in_last_7_days": "games",
    "fatigue_score": "score 0-100",
    "shot_zone_mismatch_score": "score -10..10",
    "pace_score": "score -3..3",
    "usage_spike_score": "score -3..3",
    "rest_advantage": "days (clamped -2..2)",
    "injury_risk": "score (0 or 3)",
    "recent_trend": "bucket -2..2",
    "minutes_change": "bucket -2..2",
    "opponent_def_rating": "points allowed per 100 possessions",
    "opponent_pace": "possessions per 48 minutes",
    "home_away": "flag 0/1",
    "back_to_back": "flag 0/1",
    "playoff_game": "flag 0/1",
    "pct_paint": "share 0-1",
    "pct_mid_range": "share 0-1",
    "pct_three": "share 0-1",
    "pct_free_throw": "share 0-1",
    "team_pace": "possessions per 48 minutes",
    "team_off_rating": "points per 100 possessions",
    "team_win_pct": "share 0-1",
    "vegas_points_line": "points",
    "vegas_opening_line": "points",
    "vegas_line_move": "points",
    "has_vegas_line": "flag 0/1",
    "avg_points_vs_opponent": "points",
    "games_vs_opponent": "games",
    "minutes_avg_last_10": "minutes",
    "ppm_avg_last_10": "points per minute",
    "pts_slope_10g": "points per game",
    "pts_vs_season_zscore": "season standard deviations",
    "breakout_flag": "flag 0/1",
    "game_total_line": "points",
    "days_rest": "days",
    "minutes_load_last_7d": "minutes",
    "spread_magnitude": "points",
    "implied_team_total": "points",
    "points_avg_last_3": "points",
    "deviation_from_avg_last3": "points",
    "consecutive_games_below_avg": "games",
    "usage_rate_last_5": "percent of team plays used 0-100",
    "multi_book_line_std": "points",
    "prop_over_streak": "games",
    "prop_under_streak": "games",
    "line_vs_season_avg": "points",
    "over_rate_last_10": "share 0-1",
    "margin_vs_line_avg_last_5": "points",
    "minutes_volatility_last_10": "minutes",
    "opponent_pace_mismatch": "possessions per 48 minutes",
}
UNIT_FAMILIES: dict[str, str] = {
    "points_ewm_": "points",
    "minutes_ewm_": "minutes",
    "ppm_ewm_": "points per minute",
    "starter_share_": "share 0-1",
    "team_games_missed_": "games",
    "vacated_minutes": "minutes per game",
    "vacated_points": "points per game",
    "vacated_fga": "field-goal attempts per game",
    "opponent_points_allowed_": "points",
    "opponent_def_rating_last_": "points allowed per 100 possessions",
    "minutes_last_game": "minutes",
    "minutes_trend": "minutes",
    "games_since_role_change": "games",
    "consecutive_team_games_missed": "games",
    "rotation_teammates_out": "players",
    "rotation_teammates_long_out": "players",
    "expected_possessions_used": "possessions per game",
    "fta_rate_last_10": "free-throw attempts per field-goal attempt",
}


def units(name: str) -> str | None:
    """A feature's units (UNITS, else its family's by name prefix), None when not given."""
    return UNITS.get(name) or next((u for pre, u in UNIT_FAMILIES.items() if name.startswith(pre)), None)


def names() -> list[str]:
    return [f.name for f in FEATURES]


def by_name() -> dict[str, Feature]:
    return {f.name: f for f in FEATURES}


# -- the feature store's SQL, rendered from the registry -------------------------------------------
def _default(f: Feature) -> str:
    return "NULL" if f.default is None else repr(float(f.default))


def _links(f: Feature) -> list[tuple[str, str, str]]:
    """A feature's chain as (column, source, gated expression): each link a column of its own."""
    feed = feed_of(f.name)
    return [
        (f"{f.name}__{i}", src, f"CASE WHEN {covered(feed)} THEN ({expr}) END" if feed else f"({expr})")
        for i, (src, expr) in enumerate(f.chain, 1)
    ]


@macro()
def feature_links() -> str:
    """Every feature's chain links, each computed once (its value, and whether it is set, are read
    from the column): a link gated by its feed's coverage (cov) where the feature rests on a feed."""
    return ",\n           ".join(f"{expr} AS {col}" for f in FEATURES for col, _, expr in _links(f))


@macro()
def feature_value_columns() -> str:
    """Every feature's value (the first link set, else the default; rounded to 6 decimals) and
    source tag, from the link columns of @feature_links."""
    values, sources = [], []
    for f in FEATURES:
        links = _links(f)
        values.append(
            f"round(CAST(coalesce({', '.join([col for col, _, _ in links] + [_default(f)])}) AS DOUBLE), 6) AS {f.name}"
        )
        whens = " ".join(f"WHEN {col} IS NOT NULL THEN '{src}'" for col, src, _ in links)
        sources.append(f"CASE {whens} ELSE 'default' END AS {f.name}_source")
    return ",\n           ".join(values + sources)


@macro()
def feature_history_columns() -> str:
    """The features' own running columns of the history CTE h (each after a comma)."""
    return "".join(f",\n           {expr} AS {col}" for f in FEATURES for col, expr in f.history)


@macro()
def feed_covered_columns() -> str:
    """Per feed of FEEDS, whether analytics.feed_coverage (alias p) covers the row's date (cov.<feed>)."""
    return ",\n           ".join(f"coalesce(bool_or(p.feed = '{feed}'), FALSE) AS {feed}" for feed in FEEDS)


@macro()
def feed_gaps() -> str:
    """The feeds that do not cover D, each with why and the features it leaves at their default."""
    parts = [
        f"CASE WHEN NOT {covered(feed)} THEN '{feed} ({why}): {', '.join(names)}' END"
        for feed, (why, names) in FEEDS.items()
    ]
    return f"nullif(concat_ws('; ', {', '.join(parts)}), '')"


@macro()
def feed_flags() -> str:
    """The base row's copy of the coverage flags (cov_<feed>)."""
    return ", ".join(f"{covered(feed)} AS cov_{feed}" for feed in FEEDS)


def _is_default(f: Feature) -> str:
    """Whether the feature falls back to its default: none of its chain's links is set (its
    source tag is then 'default'), read from the link columns of @feature_links."""
    return f"coalesce({', '.join(col for col, _, _ in _links(f))}) IS NULL"


@macro()
def feed_default_count() -> str:
    """How many required features are at their default because their feed does not cover D
    (from the link columns: a boolean test each, where the source tags would be string compares)."""
    return balanced_sum(
        [
            f"CASE WHEN NOT cov_{feed_of(f.name)} AND {_is_default(f)} THEN 1 ELSE 0 END"
            for f in FEATURES
            if not f.optional and feed_of(f.name)
        ]
    )


@macro()
def feature_columns() -> str:
    return ",\n       ".join(f"{f.name}, {f.name}_source" for f in FEATURES)


@macro()
def feature_version() -> str:
    return f"'{FEATURE_VERSION}'"


@macro()
def feature_count() -> str:
    return str(len(FEATURES))


@macro()
def feature_quality_score() -> str:
    """The mean of the features' source weights (QUALITY_WEIGHTS), 2 decimals; each weight from
    the first link set (the source tag's rule), read from the link columns of @feature_links."""

    def weight(f: Feature) -> str:
        whens = " ".join(f"WHEN {col} IS NOT NULL THEN {QUALITY_WEIGHTS[src]}" for col, src, _ in _links(f))
        return f"CASE {whens} ELSE {QUALITY_WEIGHTS['default']} END"

    return f"round({balanced_sum([weight(f) for f in FEATURES])} / {len(FEATURES)}.0, 2)"


@macro()
def default_feature_count() -> str:
    """How many required (not optional) features fell back to their default (from the link columns)."""
    return balanced_sum([f"CASE WHEN {_is_default(f)} THEN 1 ELSE 0 END" for f in FEATURES if not f.optional])


def balanced_sum(terms: list[str]) -> str:
    """The sum of the terms as a balanced tree of additions, ((a + b) + (c + d)) …: the same
    value (exact: integers and DECIMALs), but a left-deep chain of 77 terms costs DuckDB's planner
    ~0.07 s per query (a fifth of the feature store's one-date run), the tree almost nothing."""
    if len(terms) == 1:
        return terms[0]
    half = len(terms) // 2
    return f"({balanced_sum(terms[:half])} +\n           {balanced_sum(terms[half:])})"


# -- the README's feature table --------------------------------------------------------------------
README_START, README_END = "<!-- features:start -->", "<!-- features:end -->"


def readme_table() -> str:
    """The README's feature tables (between the features:start / features:end markers)."""
    rows = ["| # | feature | definition | first source | default | range | optional |", "|---|---|---|---|---|---|---|"]
    for f in FEATURES:
        d = "NULL" if f.default is None else f"{f.default:g}"
        rows.append(
            f"| {f.index} | `{f.name}` | {f.definition} | {f.source} | {d} | {f.lo:g} – {f.hi:g} | "
            f"{'yes' if f.optional else 'no'} |"
        )
    rows += ["", "Left out (spec index, name, why):", "", "| # | feature | why it is left out |", "|---|---|---|"]
    rows += [f"| {i} | `{n}` | {why} |" for i, (n, why) in sorted(UNSUPPORTED.items())]
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    a, b = text.index(README_START) + len(README_START), text.index(README_END)
    return text[:a] + "\n" + readme_table() + "\n" + text[b:]


if __name__ == "__main__":  # python -m nbaprops.features README.md: rewrite the README's table
    import sys
    from pathlib import Path

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(readme_with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote the feature table of {path}")
