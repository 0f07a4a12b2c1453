"""The feature registry: every feature of predictions.ml_feature_store_v2, in one place.

Index and name follow the original feature store (0–24 the v1 baseline, 25–59 its later
extensions; a spec index our data cannot support is absent and listed in UNSUPPORTED). The SQL
model and the README's feature table follow this list; tests hold all three to it.

Sources: phase4 (a Phase 4 row for the date), phase3 (Phase 3 tables), calculated (computed in
the feature store from earlier games), default (nothing available: the registry default)."""

from __future__ import annotations

from dataclasses import dataclass

FEATURE_VERSION = "v2_nbaprops"


@dataclass(frozen=True)
class Feature:
    index: int
    name: str
    definition: str
    source: str          # where it comes from first (the chain is in the definition)
    default: float | None
    lo: float
    hi: float
    optional: bool = False


F = Feature
FEATURES: tuple[Feature, ...] = (
    F(0, "points_avg_last_5", "mean points of the last 5 games this season (PDC, else UPGC); features are rounded to 6 decimals", "player_daily_cache", 10.0, 0, 80),
    F(1, "points_avg_last_10", "mean points of the last 10 games (PDC, else UPGC)", "player_daily_cache", 10.0, 0, 80),
    F(2, "points_avg_season", "mean points this season before D (PDC, else PGS)", "player_daily_cache", 10.0, 0, 80),
    F(3, "points_std_last_10", "sample std of points over the last 10 games (PDC)", "player_daily_cache", 5.0, 0, 40),
    F(4, "games_in_last_7_days", "games played in D-7 <= date < D (PDC, else UPGC)", "player_daily_cache", 3.0, 0, 7),
    F(5, "fatigue_score", "0-100 fatigue score, higher = more rested (PCF)", "player_composite_factors", 50.0, 0, 100),
    F(6, "shot_zone_mismatch_score", "player's primary zone vs opponent's zone defence, -10..10 (PCF)", "player_composite_factors", 0.0, -10, 10),
    F(7, "pace_score", "team vs opponent last-10 pace differential / 2, clamped ±3 (PCF)", "player_composite_factors", 0.0, -3, 3),
    F(8, "usage_spike_score", "recent vs baseline usage rate, clamped ±3 (PCF)", "player_composite_factors", 0.0, -3, 3),
    F(9, "rest_advantage", "clamp(days_rest - opponent_days_rest, -2, 2) (UPGC)", "upcoming_player_game_context", 0.0, -2, 2),
    F(10, "injury_risk", "3 if an injury transaction before D has the player out, else 0 (UPGC)", "upcoming_player_game_context", 0.0, 0, 3),
    F(11, "recent_trend", "newest-3 mean minus the 2 before them over the last 5 games, bucketed -2..2", "player_game_summary", 0.0, -2, 2),
    F(12, "minutes_change", "last-10 vs season minutes, relative change bucketed -2..2", "player_game_summary", 0.0, -2, 2),
    F(13, "opponent_def_rating", "opponent's mean defensive rating over its last 15 games (TDZA)", "team_defense_zone_analysis", 112.0, 70, 150),
    F(14, "opponent_pace", "mean pace of the opponent's last 15 opponents (TDZA)", "team_defense_zone_analysis", 100.0, 70, 130),
    F(15, "home_away", "1 home, 0 away (UPGC)", "upcoming_player_game_context", 0.0, 0, 1),
    F(16, "back_to_back", "1 if the player played yesterday (UPGC)", "upcoming_player_game_context", 0.0, 0, 1),
    F(17, "playoff_game", "1 for play-in and playoff games (UPGC)", "upcoming_player_game_context", 0.0, 0, 1),
    F(18, "pct_paint", "share of shots in the paint over the last 10 games, 0-1 (PSZA)", "player_shot_zone_analysis", 0.30, 0, 1),
    F(19, "pct_mid_range", "share of mid-range shots over the last 10 games, 0-1 (PSZA)", "player_shot_zone_analysis", 0.20, 0, 1),
    F(20, "pct_three", "share of three-point shots over the last 10 games, 0-1 (PSZA)", "player_shot_zone_analysis", 0.35, 0, 1),
    F(21, "pct_free_throw", "free-throw points share of points over the last 10 games (>= 5 games), clamp 0-0.5", "player_game_summary", 0.15, 0, 0.5),
    F(22, "team_pace", "team's mean pace over its last 10 games (PDC)", "player_daily_cache", 100.0, 70, 130),
    F(23, "team_off_rating", "team's mean offensive rating over its last 10 games (PDC)", "player_daily_cache", 112.0, 70, 150),
    F(24, "team_win_pct", "team's win share this season before D (>= 5 games)", "team_offense_game_summary", 0.5, 0, 1),
    F(25, "vegas_points_line", "current pre-tip points line (UPGC; synthetic lines here)", "upcoming_player_game_context", None, 0, 80, True),
    F(26, "vegas_opening_line", "opening pre-tip points line (UPGC)", "upcoming_player_game_context", None, 0, 80, True),
    F(27, "vegas_line_move", "current minus opening line (UPGC)", "upcoming_player_game_context", None, -30, 30, True),
    F(28, "has_vegas_line", "1 if a pre-tip line exists", "upcoming_player_game_context", 0.0, 0, 1),
    F(29, "avg_points_vs_opponent", "mean points against this opponent over the last 3 seasons before D", "player_game_summary", None, 0, 80, True),
    F(30, "games_vs_opponent", "games against this opponent over the last 3 seasons before D", "player_game_summary", 0.0, 0, 30),
    F(31, "minutes_avg_last_10", "mean minutes over the last 10 games (PDC, else PGS)", "player_daily_cache", None, 0, 60, True),
    F(32, "ppm_avg_last_10", "points per minute over the last 10 games", "player_game_summary", None, 0, 5, True),
    F(34, "pts_slope_10g", "least-squares slope of points over the last 10 games (per game; >= 5 games, clamped to ±20)", "player_game_summary", None, -20, 20, True),
    F(35, "pts_vs_season_zscore", "(last-5 mean - season mean) / season std", "player_game_summary", None, -10, 10, True),
    F(36, "breakout_flag", "1 if the last-5 mean exceeds the season mean by 1.5 season std", "player_game_summary", 0.0, 0, 1),
    F(38, "game_total_line", "game total from the game lines (UPGC)", "upcoming_player_game_context", None, 150, 300, True),
    F(39, "days_rest", "days since the player's last game this season, capped at 10 (UPGC)", "upcoming_player_game_context", None, 0, 10, True),
    F(40, "minutes_load_last_7d", "minutes played in D-7 <= date < D (UPGC)", "upcoming_player_game_context", 0.0, 0, 300),
    F(41, "spread_magnitude", "absolute game spread (UPGC)", "upcoming_player_game_context", None, 0, 40, True),
    F(42, "implied_team_total", "game_total / 2 - team spread / 2 (UPGC)", "upcoming_player_game_context", None, 60, 170, True),
    F(43, "points_avg_last_3", "mean points of the last 3 games", "player_game_summary", None, 0, 80, True),
    F(45, "deviation_from_avg_last3", "last-3 mean minus season mean", "player_game_summary", None, -60, 60, True),
    F(46, "consecutive_games_below_avg", "consecutive most recent games in which the player scored below his season mean entering that game", "player_game_summary", 0.0, 0, 82),
    F(48, "usage_rate_last_5", "mean usage rate over the last 5 games (games with a usage rate)", "player_game_summary", None, 0, 100, True),
    F(50, "multi_book_line_std", "std of the books' last pre-tip lines", "upcoming_player_game_context", None, 0, 20, True),
    F(51, "prop_over_streak", "consecutive recent games above the current line (UPGC)", "upcoming_player_game_context", 0.0, 0, 82),
    F(52, "prop_under_streak", "consecutive recent games below the current line (UPGC)", "upcoming_player_game_context", 0.0, 0, 82),
    F(53, "line_vs_season_avg", "current line minus season mean", "upcoming_player_game_context", None, -60, 60, True),
    F(55, "over_rate_last_10", "share of the last 10 games that had a pre-tip line in which the player went over it", "player_game_summary", None, 0, 1, True),
    F(56, "margin_vs_line_avg_last_5", "mean points minus pre-tip line over those of the last 5 games that had a line", "player_game_summary", None, -60, 60, True),
    F(58, "minutes_volatility_last_10", "sample std of minutes over the last 10 games", "player_game_summary", None, 0, 30, True),
    F(59, "opponent_pace_mismatch", "team last-10 pace minus opponent last-10 pace (TOGS)", "team_offense_game_summary", None, -30, 30, True),
)

# Spec indices our data cannot support, with the reason (the README lists them).
UNSUPPORTED: dict[int, tuple[str, str]] = {
    33: ("dnp_rate", "no DNP records for 2021-22 and 2025-26 (the basic log lists only players who played)"),
    37: ("star_teammates_out", "no official pre-game injury report; transactions alone cannot say who sits on D"),
    44: ("scoring_trend_slope", "the same quantity as pts_slope_10g here"),
    47: ("teammate_usage_available", "dead in the original as well"),
    49: ("games_since_structural_change", "needs roster and role-change events the data does not have"),
    54: ("prop_line_delta", "the original's definition is not recoverable from the spec"),
    57: ("blowout_minutes_risk", "needs a minutes-in-blowouts model; not defined by the spec"),
}

SOURCES = ("phase4", "phase3", "calculated", "default")
QUALITY_WEIGHTS = {"phase4": 100.0, "phase3": 75.0, "calculated": 100.0, "default": 40.0}
LABELS = ("label_points", "label_minutes", "label_played", "label_over_line")


def names() -> list[str]:
    return [f.name for f in FEATURES]


def by_name() -> dict[str, Feature]:
    return {f.name: f for f in FEATURES}
