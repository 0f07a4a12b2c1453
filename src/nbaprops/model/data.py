"""The feature store as arrays: the model's inputs (the design matrix), the labels and the
baseline columns the evaluation compares against, one row per feature-store row.

Inputs are exactly the registry's features (features.FEATURES, as floats, NULL → NaN, which
HistGradientBoosting handles natively); no label column is ever an input (`feature_columns`
refuses them), except the leakage canary's LEAK_FEATURE, added on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from .. import features
from ..errors import BadInputError, ModelError
from ..warehouse import Warehouse, one, quote_ident

FEATURE_TABLE = "predictions.ml_feature_store_v2"
LEAK_FEATURE = "label_points"  # the canary's deliberately leaked input: the same-day outcome


def feature_columns(*, leak: bool = False) -> list[str]:
    """The model's inputs: the registry's features, in registry order. Refuses any label.

    leak=True (the canary only) appends the same-day outcome LEAK_FEATURE on purpose."""
    cols = features.names()
    bad = [c for c in cols if c in features.LABELS or c.startswith("label_") or c.endswith("_source")]
    if bad:
        raise ModelError(f"feature registry contains label/bookkeeping columns used as inputs: {bad}")
    if len(set(cols)) != len(cols):
        raise ModelError("feature registry has duplicate names")
    return [*cols, LEAK_FEATURE] if leak else cols


@dataclass
class FeatureRows:
    """The feature store as numpy arrays (rows ordered by game_date, player_lookup)."""

    player_lookup: np.ndarray
    game_id: np.ndarray
    game_date: np.ndarray  # datetime64[D]
    season_year: np.ndarray
    X: np.ndarray  # float64, NaN = NULL; one column per name in `cols`
    cols: list[str]
    points: np.ndarray  # float, NaN if not played / unknown
    played: np.ndarray  # bool
    over: np.ndarray  # float 1/0, NaN = no line or did not play
    line: np.ndarray
    last10: np.ndarray
    season_avg: np.ndarray

    @property
    def n(self) -> int:
        return len(self.game_date)

    @cached_property
    def labelled(self) -> np.ndarray:
        """Rows a regressor can learn from and be judged on: played, with known points."""
        return self.played & ~np.isnan(self.points)

    @cached_property
    def has_over(self) -> np.ndarray:
        """Rows with an over/under outcome (a line, and the player played)."""
        return ~np.isnan(self.over)


def usable_columns(X: np.ndarray) -> np.ndarray:
    """Columns with at least one value (an all-NaN column carries nothing and breaks binning)."""
    return ~np.all(np.isnan(X), axis=0)


def day(d: date) -> np.datetime64:
    """A date in the representation of FeatureRows.game_date."""
    return np.datetime64(d.isoformat(), "D")


def to_date(d: np.datetime64) -> date:
    return date.fromisoformat(str(d.astype("datetime64[D]")))


def require_feature_store(wh: Warehouse) -> None:
    if not wh.table_exists(FEATURE_TABLE):
        raise BadInputError(f"{FEATURE_TABLE} has not been built yet: run `nbaprops backfill` first")


def last_date(wh: Warehouse) -> date:
    """The last date of the feature store (one season is enough: what `train` fits up to)."""
    require_feature_store(wh)
    last = one(wh.con.execute(f"SELECT max(game_date) FROM {FEATURE_TABLE}"))[0]
    if last is None:
        raise BadInputError(f"{FEATURE_TABLE} is empty: run `nbaprops backfill` first")
    return last


def default_range(wh: Warehouse) -> tuple[date, date]:
    """Second season's opening night (a full season of history behind the first block) .. the
    last date of the feature store."""
    require_feature_store(wh)
    rows = wh.con.execute(
        f"SELECT season_year, min(game_date), max(game_date) FROM {FEATURE_TABLE} GROUP BY 1 ORDER BY 1"
    ).fetchall()
    if len(rows) < 2:
        raise BadInputError(
            "the feature store holds fewer than two seasons: give --start-date (predictions need history before them)"
        )
    return rows[1][1], rows[-1][2]


def _floats(col) -> np.ndarray:
    """An Arrow column as float64 with NaN for NULL (booleans → 1.0 / 0.0)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return np.asarray(pc.cast(col, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)


def load_feature_rows(wh: Warehouse, end: date, cols: list[str]) -> FeatureRows:
    """Every feature-store row dated on or before `end`, with the inputs `cols`."""
    require_feature_store(wh)
    have = set(wh.columns(FEATURE_TABLE))
    need = set(cols) | {"player_lookup", "game_id", "game_date", "season_year", *features.LABELS}
    missing = sorted(need - have)
    if missing:
        raise BadInputError(f"{FEATURE_TABLE} lacks columns {missing}: rebuild it with `nbaprops backfill --force`")
    inputs = ", ".join(quote_ident(c) for c in cols if c != LEAK_FEATURE)
    sql = (
        f"SELECT player_lookup, game_id, game_date, season_year, label_points, label_played, "
        f"label_over_line, {inputs} FROM {FEATURE_TABLE} WHERE game_date <= ? "
        f"ORDER BY game_date, player_lookup"
    )
    tbl = wh.con.sql(sql, params=[end]).to_arrow_table()
    played = np.nan_to_num(_floats(tbl.column("label_played")), nan=0.0) == 1.0
    points = _floats(tbl.column("label_points"))
    points[~played] = np.nan
    X = np.empty((tbl.num_rows, len(cols)), dtype=np.float64)
    for j, c in enumerate(cols):
        X[:, j] = points if c == LEAK_FEATURE else _floats(tbl.column(c))
    fmap = features.by_name()

    def baseline(name: str) -> np.ndarray:  # a missing value falls back to the registry default
        v = _floats(tbl.column(name))
        default = fmap[name].default
        return np.where(np.isnan(v), default if default is not None else np.nan, v)

    return FeatureRows(
        player_lookup=np.asarray(tbl.column("player_lookup").to_pylist(), dtype=object),
        game_id=np.asarray(tbl.column("game_id").to_pylist(), dtype=object),
        game_date=tbl.column("game_date").to_numpy().astype("datetime64[D]"),
        season_year=_floats(tbl.column("season_year")).astype(np.int64),
        X=X,
        cols=cols,
        points=points,
        played=played,
        over=_floats(tbl.column("label_over_line")),
        line=_floats(tbl.column("vegas_points_line")),
        last10=baseline("points_avg_last_10"),
        season_avg=baseline("points_avg_season"),
    )
