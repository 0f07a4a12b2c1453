"""Training/serving skew: how much of each feature was real when the model learned, against the
rows it scores.

A feature-store value is real when its `<name>_source` is not 'default' (the registry default
stands in where nothing was available: a feed that does not cover D, too few games). A model
trained on rows whose game lines, prop lines or injury features were real scores garbage-in
when D's rows carry their defaults instead (the bundled game lines end 2024-11-15), and nothing
else says so. So `train` records the coverage of its training rows in the model file, and
`predict` (and `features PLAYER --date D`) compare D's rows with it.

The rule (thresholds chosen, not fitted): a feature the model learned from is one real in at
least TRAINED_MIN of its training rows; it is mostly default on D when its real share on D is
below DROP times its training share (so, at the least, below 25 %: a feature that was real in
94 % of training rows warns under 47 %). Features that warn are reported by their registry
group (features.GROUPS), with the group's mean shares over them. A model file from before
coverage was recorded has coverage None: it keeps working, unchecked ("coverage unknown").

The prop lines are also counted by kind: of the rows with a line, how many are synthetic and how
many a sportsbook's (line_source.py finds the line's snapshot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .. import features, line_source
from ..warehouse import Warehouse, quote_ident
from .data import FEATURE_TABLE

TRAINED_MIN = 0.5  # real in at least half the training rows: the model learned from the values
DROP = 0.5  # real on D in under half the training share: mostly default on D
# What a group's warning tells the user to do; a group without an entry gets DEFAULT_HINT.
HINTS = {
    "game_lines": "fetch them (nbaprops fetch --odds)",
    "prop_lines": "fetch them (nbaprops fetch --odds)",
    "availability": "ingest the injury data for D",
}
DEFAULT_HINT = "no data behind them on D (a missing feed: the rows' feed_gaps; or too few games before D)"


@dataclass
class Coverage:
    """The share of real values per feature over some feature-store rows, and their lines' kinds."""

    rows: int
    features: dict[str, float] = field(default_factory=dict)  # feature -> share of rows real
    lines: int = 0  # rows with a pre-tip points line
    synthetic_lines: int = 0  # of those, generated ones (the rest are a sportsbook's or unknown)
    real_lines: int = 0

    @property
    def synthetic_share(self) -> float | None:
        known = self.synthetic_lines + self.real_lines
        return self.synthetic_lines / known if known else None

    def groups(self) -> dict[str, float]:
        """Per registry group, the mean real share of its features."""
        out: dict[str, list[float]] = {}
        for f in features.FEATURES:
            if f.name in self.features:
                out.setdefault(f.group, []).append(self.features[f.name])
        return {g: sum(v) / len(v) for g, v in out.items()}

    def to_dict(self) -> dict:
        """What the model file keeps (plain values: readable without nbaprops)."""
        return {
            "rows": self.rows,
            "features": dict(self.features),
            "groups": self.groups(),
            "lines": self.lines,
            "synthetic_lines": self.synthetic_lines,
            "real_lines": self.real_lines,
            "rule": f"real = <feature>_source <> 'default'; trained on: >= {TRAINED_MIN:.0%} real; "
            f"mostly default on D: < {DROP:g} x the training share",
        }

    @classmethod
    def from_dict(cls, d: dict | None) -> Coverage | None:
        if not d:
            return None
        return cls(
            int(d["rows"]),
            {k: float(v) for k, v in d["features"].items()},
            int(d.get("lines", 0)),
            int(d.get("synthetic_lines", 0)),
            int(d.get("real_lines", 0)),
        )


@dataclass(frozen=True)
class Gap:
    """A group whose features the model learned from real values and D's rows mostly lack."""

    group: str
    features: tuple[str, ...]  # the group's features that warn
    day_share: float
    train_share: float
    message: str


def measure(wh: Warehouse, where: str, params: list) -> Coverage:
    """The coverage of the feature-store rows matching `where` (SQL over the store's columns)."""
    fs = features.FEATURES
    shares = ", ".join(
        f"avg(CASE WHEN {quote_ident(f.name + '_source')} <> 'default' THEN 1.0 ELSE 0.0 END)" for f in fs
    )
    got = wh.con.execute(f"SELECT count(*), {shares} FROM {FEATURE_TABLE} WHERE {where}", params).fetchone()
    assert got is not None  # an aggregate: always one row
    n, *vals = got
    cov = Coverage(int(n), {f.name: float(v or 0.0) for f, v in zip(fs, vals)} if n else {})
    lined = wh.con.execute(
        f"SELECT count(*) FROM {FEATURE_TABLE} WHERE ({where}) AND vegas_points_line IS NOT NULL", params
    ).fetchone()
    cov.lines = int(lined[0]) if lined else 0
    if cov.lines and line_source.available(wh):
        kinds = wh.con.execute(
            "SELECT count(*) FILTER (WHERE l.line_synthetic), count(*) FILTER (WHERE NOT l.line_synthetic) "
            f"FROM (SELECT player_lookup, game_date FROM {FEATURE_TABLE} "
            f"WHERE ({where}) AND vegas_points_line IS NOT NULL) s "
            f"JOIN ({line_source.provenance_sql()}) l "
            "ON l.player_lookup = s.player_lookup AND l.game_date = s.game_date",
            [*params, date(1900, 1, 1), date(9999, 12, 31)],
        ).fetchone()
        if kinds:
            cov.synthetic_lines, cov.real_lines = int(kinds[0]), int(kinds[1])
    return cov


# The rows a model learns from (train and predict --fit): played, with known points (FeatureRows.labelled).
_LABELLED = "label_played AND label_points IS NOT NULL"


def training_coverage(wh: Warehouse, *, through: date | None = None, before: date | None = None) -> Coverage:
    """The coverage of the labelled rows dated up to `through` (train) or before `before` (predict --fit)."""
    if through is not None:
        return measure(wh, f"{_LABELLED} AND game_date <= ?", [through])
    return measure(wh, f"{_LABELLED} AND game_date < ?", [before])


def day_coverage(wh: Warehouse, on: date) -> Coverage:
    """The coverage of every feature-store row of D (the rows predict scores)."""
    return measure(wh, "game_date = ?", [on])


def _pct(x: float) -> str:
    return f"{round(100 * x)} %"


def compare(trained: Coverage | None, day: Coverage, on: date) -> list[Gap]:
    """The groups whose features were real in training and are mostly default on D (module doc)."""
    if trained is None or not day.rows:
        return []
    by_group: dict[str, list[str]] = {}
    group_size: dict[str, int] = {}
    for f in features.FEATURES:
        t = trained.features.get(f.name)
        if t is None or t < TRAINED_MIN:
            continue
        group_size[f.group] = group_size.get(f.group, 0) + 1
        if day.features.get(f.name, 0.0) < DROP * t:
            by_group.setdefault(f.group, []).append(f.name)
    gaps = []
    for group, names in by_group.items():
        d = sum(day.features.get(n, 0.0) for n in names) / len(names)
        t = sum(trained.features[n] for n in names) / len(names)
        title = group.replace("_", " ")
        if len(names) < group_size[group]:  # part of the group: name its features that warn
            more = f" +{len(names) - 3} more" if len(names) > 3 else ""
            title += f" ({', '.join(names[:3])}{more})"
        hint = HINTS.get(group, DEFAULT_HINT)
        msg = f"{title}: {_pct(d)} real on {on}, {_pct(t)} in training — {hint}, or scores rest on defaults"
        gaps.append(Gap(group, tuple(names), d, t, msg))
    return gaps


def line_note(trained: Coverage | None, day: Coverage, on: date) -> str | None:
    """A note when D's prop lines are of another kind than the training rows' (synthetic vs real)."""
    if trained is None:
        return None
    t, d = trained.synthetic_share, day.synthetic_share
    if t is None or d is None or abs(t - d) < 0.5:
        return None
    return (
        f"prop lines: {_pct(d)} synthetic on {on}, {_pct(t)} in training — the model learned the line's "
        "relation to points from " + ("synthetic lines" if t > d else "sportsbooks' lines")
    )


UNKNOWN = "training coverage unknown (the model file predates it): D's rows are not checked against it; train again"
