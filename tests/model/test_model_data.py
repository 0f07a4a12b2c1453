"""data.py: the model's inputs never include a label; the design-matrix helpers."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from nbaprops import features
from nbaprops.errors import BadInputError, ModelError
from nbaprops.model import data
from nbaprops.warehouse import Warehouse


def test_no_registry_feature_is_a_label():
    cols = data.feature_columns()
    assert cols == features.names()
    assert not set(cols) & set(features.LABELS)
    assert not [c for c in cols if c.startswith("label_") or c.endswith("_source")]
    # the canary's extra input really is a label (so the canary tests what it claims to)
    leaked = data.feature_columns(leak=True)
    assert leaked[:-1] == cols and leaked[-1] == data.LEAK_FEATURE and data.LEAK_FEATURE in features.LABELS


def test_a_label_in_the_registry_is_refused(monkeypatch):
    bad = (*features.FEATURES, features.Feature(99, "label_points", "oops", "x", 0.0, 0, 80))
    monkeypatch.setattr(features, "FEATURES", bad)
    with pytest.raises(ModelError):
        data.feature_columns()


def test_usable_columns_are_those_with_a_value():
    X = np.array([[np.nan, 1.0, np.nan], [np.nan, np.nan, 0.0]])
    assert data.usable_columns(X).tolist() == [False, True, True]


def test_labelled_rows_played_and_have_points():
    rows = data.FeatureRows(
        player_lookup=np.array(["a", "b", "c"], dtype=object),
        game_id=np.array(["g"] * 3),
        game_date=np.array(["2024-01-01"] * 3, dtype="datetime64[D]"),
        season_year=np.array([2023] * 3),
        X=np.zeros((3, 0)),
        cols=[],
        points=np.array([12.0, np.nan, np.nan]),
        played=np.array([True, True, False]),
        over=np.array([1.0, np.nan, np.nan]),
        line=np.array([10.5, 3.5, np.nan]),
        last10=np.zeros(3),
        season_avg=np.zeros(3),
    )
    assert rows.labelled.tolist() == [True, False, False] and rows.has_over.tolist() == [True, False, False]


def test_day_and_to_date_round_trip():
    assert data.to_date(data.day(date(2024, 2, 29))) == date(2024, 2, 29)


def test_without_a_feature_store_loading_is_bad_input(empty_warehouse):
    with Warehouse.open(empty_warehouse, read_only=True) as wh:
        with pytest.raises(BadInputError, match="backfill"):
            data.load_feature_rows(wh, date(2024, 1, 1), data.feature_columns())
        with pytest.raises(BadInputError, match="backfill"):
            data.default_range(wh)


def test_every_feature_has_a_known_group_and_new_features_join_one():
    assert all(f.group in features.GROUPS for f in features.FEATURES)
    used = {f.group for f in features.FEATURES}
    assert {"scoring", "prop_lines", "availability", "minutes"} <= used
    # a feature given no group is placed by its name; an explicit group wins
    assert features.Feature(98, "dnp_count_last_10", "x", "x", 0.0, 0, 10).group == "availability"
    assert features.Feature(98, "minutes_ewm_7d", "x", "x", 0.0, 0, 60).group == "minutes"
    assert features.Feature(98, "starter_rate_last_10", "x", "x", 0.0, 0, 1).group == "role"
    assert features.Feature(98, "zzz", "x", "x", 0.0, 0, 1).group == "other"
    assert features.Feature(98, "minutes_x", "x", "x", 0.0, 0, 1, group="form").group == "form"
