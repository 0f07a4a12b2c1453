"""Answers about one player on one date without opening DuckDB: his feature-store row (value,
source and quality per feature, completeness, labels), or why he has none.

"Why no row" follows the feature store's universe, the players expected on D
(analytics.upcoming_player_game_context: a player is expected for the team of his most recent
played game before D, when that game is one of the team's last 10 games; see the model's header):
D not computed yet, no game on D, not expected on D and the rule that excluded him, or expected
but a dependency or a failure left no row. Queries bind every value; table names are constants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import features, line_source
from .calendar import NOT_PRESEASON_SQL
from .line_source import LineSource
from .warehouse import Warehouse, one

FEATURE_STORE = "predictions.ml_feature_store_v2"
FEATURE_MODEL = "ml_feature_store_v2"
UPCOMING = "analytics.upcoming_player_game_context"
FAILURES = "processing.precompute_failures"
WINDOWS = ("l10", "l5", "l7d", "l14d")
QUALITY = (
    "feature_quality_score",
    "default_feature_count",
    "quality_tier",
    "is_production_ready",
    "is_training_ready",
    "completeness_reason",
)
CONTEXT = ("game_id", "season_year", "team_abbr", "opponent_team_abbr", "feature_version")
# A played game (README: minutes > 0 or points > 0), outside the preseason.
_PLAYED = f"(coalesce(minutes, 0) > 0 OR coalesce(points, 0) > 0) AND {NOT_PRESEASON_SQL}"


@dataclass
class FeatureValue:
    name: str
    value: Any
    source: str | None
    default: float | None
    definition: str


@dataclass
class Window:
    window: str
    expected: int | None
    actual: int | None
    pct: float | None


@dataclass
class Explanation:
    """Why a player has no feature-store row on a date: `kind` and the sentences that say it."""

    kind: str  # not_computed | no_games | no_history | not_expected | failure | missing_dependency | stale
    reasons: list[str]
    failures: list[tuple] = field(default_factory=list)  # (processor, category, reason) of the player or the date


@dataclass
class PlayerDay:
    lookup: str
    on: date
    context: dict[str, Any] = field(default_factory=dict)
    features: list[FeatureValue] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    quality: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple] = field(default_factory=list)  # Phase 4 failures of the player or the date on D
    missing: Explanation | None = None
    line: LineSource | None = None  # where vegas_points_line comes from (None: no line)

    @property
    def has_row(self) -> bool:
        return self.missing is None


def player_day(wh: Warehouse, lookup: str, on: date) -> PlayerDay:
    """The feature-store row of `lookup` on `on`, or the explanation of its absence."""
    out = PlayerDay(lookup, on)
    row = None
    if wh.table_exists(FEATURE_STORE):
        cur = wh.con.execute(f"SELECT * FROM {FEATURE_STORE} WHERE player_lookup = ? AND game_date = ?", [lookup, on])
        got = cur.fetchone()
        if got is not None:
            row = dict(zip([d[0] for d in cur.description], got))
    if row is None:
        out.missing = explain_missing(wh, lookup, on)
        return out
    out.context = {k: row.get(k) for k in CONTEXT}
    for f in features.FEATURES:
        out.features.append(FeatureValue(f.name, row.get(f.name), row.get(f"{f.name}_source"), f.default, f.definition))
    out.windows = [
        Window(w, row.get(f"{w}_expected_games"), row.get(f"{w}_actual_games"), row.get(f"{w}_completeness_pct"))
        for w in WINDOWS
        if f"{w}_expected_games" in row
    ]
    out.quality = {k: row.get(k) for k in QUALITY}
    if row.get("vegas_points_line") is not None:
        out.line = line_source.line_sources(wh, on, on).get((lookup, on))
    out.failures = day_failures(wh, lookup, on)
    if row.get("label_played"):
        out.labels = {k: row.get(k) for k in features.LABELS}
    else:
        out.labels = {"label_played": row.get("label_played")}
    return out


def day_failures(wh: Warehouse, lookup: str, on: date) -> list[tuple]:
    """(processor, category, reason) of the Phase 4 failures of the player, or of the whole date, on D."""
    if not wh.table_exists(FAILURES):
        return []
    return wh.con.execute(
        f"SELECT processor_name, failure_category, failure_reason FROM {FAILURES} "
        "WHERE analysis_date = ? AND entity_id IN (?, 'DATE_LEVEL') ORDER BY processor_name",
        [on, lookup],
    ).fetchall()


def _computed(wh: Warehouse, model: str, on: date) -> bool:
    return bool(
        one(
            wh.con.execute(
                "SELECT count(*) FROM processing.model_state WHERE model = ? AND target_date = ?", [model, on]
            )
        )[0]
    )


def explain_missing(wh: Warehouse, lookup: str, on: date) -> Explanation:
    """Why `lookup` has no feature-store row on `on` (assumed absent)."""
    con = wh.con
    games = con.execute(
        f"SELECT home_team_abbr, away_team_abbr FROM raw.schedule WHERE game_date = ? AND {NOT_PRESEASON_SQL}", [on]
    ).fetchall()
    if not games:
        return Explanation("no_games", [f"no games are scheduled on {on} (preseason games have no rows)"])
    if not wh.table_exists(FEATURE_STORE) or not _computed(wh, FEATURE_MODEL, on):
        return Explanation(
            "not_computed",
            [
                f"{on} has not been computed for {FEATURE_MODEL} yet: run "
                f"`nbaprops backfill --start-date {on} --end-date {on}`"
            ],
        )
    teams = {t for g in games for t in g}
    played_on = con.execute(
        f"SELECT team_abbr, minutes, points FROM raw.player_boxscores WHERE player_lookup = ? AND game_date = ? "
        f"AND {_PLAYED}",
        [lookup, on],
    ).fetchone()
    on_d = (
        (
            f"On {on} he played for {played_on[0]} ({played_on[2]} points in {played_on[1]:.0f} minutes): an outcome "
            "of D, which decides nothing about D's rows (the first law)"
        )
        if played_on
        else None
    )
    failures = day_failures(wh, lookup, on)
    expected = (
        wh.table_exists(UPCOMING)
        and one(
            con.execute(f"SELECT count(*) FROM {UPCOMING} WHERE player_lookup = ? AND game_date = ?", [lookup, on])
        )[0]
    )
    if expected:
        if failures:
            kind = "missing_dependency" if any(f[1] == "MISSING_DEPENDENCY" for f in failures) else "failure"
            return Explanation(
                kind,
                [
                    f"he is expected on {on}, but the feature store has no row: failures recorded for him or the date",
                ],
                failures,
            )
        return Explanation(
            "stale",
            [
                f"he is expected on {on} ({UPCOMING} has his row) but {FEATURE_STORE} has none: the feature store is "
                f"older than its input; run `nbaprops backfill --start-date {on} --end-date {on}`"
            ],
        )
    last = con.execute(
        f"SELECT game_date, team_abbr, season_year FROM raw.player_boxscores WHERE player_lookup = ? AND game_date < ? "
        f"AND {_PLAYED} ORDER BY game_date DESC LIMIT 1",
        [lookup, on],
    ).fetchone()
    rule = (
        "the feature store holds the players expected on D: a player is expected for the team of his most "
        "recent played game before D, when that game is one of the team's last 10 games"
    )
    reasons: list[str] = []
    if last is None:
        reasons.append(
            f"not expected on {on}: he has no played game before {on} (a player is expected only after his first game)"
        )
    else:
        last_date, team, _season = last
        if team not in teams:
            reasons.append(
                f"not expected on {on}: his most recent played game before {on} was for {team} "
                f"({last_date}), and {team} has no game on {on}"
            )
        else:
            window = one(
                con.execute(
                    "SELECT count(*) FROM raw.schedule WHERE ? IN (home_team_abbr, away_team_abbr) AND game_date > ? "
                    f"AND game_date < ? AND {NOT_PRESEASON_SQL}",
                    [team, last_date, on],
                )
            )[0]
            if window >= 10:
                reasons.append(
                    f"not expected on {on}: his most recent played game for {team} ({last_date}) is "
                    f"not among {team}'s last 10 games before {on} ({window} games since)"
                )
            else:
                reasons.append(
                    f"by the rule he would be expected for {team} on {on} ({UPCOMING} has no row): "
                    f"run `nbaprops backfill --start-date {on} --end-date {on}`"
                )
                return Explanation("stale", reasons + ([on_d] if on_d else []), failures)
    reasons.append(f"rule: {rule}")
    if on_d:
        reasons.append(on_d + "; he is expected for his new team from his next game")
    nxt = one(
        con.execute(
            f"SELECT min(game_date) FROM {FEATURE_STORE} WHERE player_lookup = ? AND game_date > ?", [lookup, on]
        )
    )[0]
    if nxt is not None:
        reasons.append(f"his next feature-store row: {nxt}")
    return Explanation("not_expected", reasons, failures)
