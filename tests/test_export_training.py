"""`nbaprops export predictions.ml_feature_store_v2`: a training set that explains itself.

Through the real command line over a real backfill: the Parquet schema metadata describes every
column from the feature registry (definition, source chain, default, range, units; the source
tags; the label rules; the feature version and the first law); `--columns training` holds only the
keys, the features and the labels; `--missing null` writes NULL exactly where a feature's source
is 'default'; the options are refused for any other table."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from nbaprops import features
from nbaprops.export import FEATURE_STORE, KEY_COLUMNS, LABEL_RULES, SOURCE_TAGS
from nbaprops.line_source import LINE_COLUMNS
from nbaprops.warehouse import Warehouse
from real_slices import EARLY

START, END = EARLY  # the shared slice (early_backfilled)
RANGE = ("--start-date", "2023-11-01", "--end-date", "2023-12-15")


def _cli(wh, *args):
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(wh), *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def built(early_backfilled):
    """The run's shared slice: the real data backfilled over START..END (do not modify)."""
    return early_backfilled


@pytest.fixture(scope="module")
def exports(built, tmp_path_factory):
    """The store exported four ways: (columns, missing) -> the Parquet file's path."""
    out = tmp_path_factory.mktemp("exports")
    paths = {}
    for columns in ("all", "training"):
        for missing in ("default", "null"):
            path = out / f"{columns}_{missing}.parquet"
            res = _cli(
                built, "export", FEATURE_STORE, "--out", str(path), *RANGE, "--columns", columns, "--missing", missing
            )
            assert res.returncode == 0, res.stderr
            assert "columns described in the schema metadata" in res.stdout
            paths[columns, missing] = path
    return paths


def _md(field) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}


def _rows(path) -> dict[tuple, dict]:
    return {(r["player_lookup"], r["game_date"]): r for r in pq.read_table(path).to_pylist()}


def test_metadata_describes_every_column_from_the_registry(built, exports):
    path = exports["all", "default"]
    schema = pq.read_schema(path)
    with Warehouse.open(built, read_only=True) as wh:
        stored = wh.columns(FEATURE_STORE)
        at = stored.index("vegas_points_line_source") + 1  # the line's source follows the line (and its tag)
        assert schema.names == [*stored[:at], *LINE_COLUMNS, *stored[at:]]
        assert (
            pq.read_metadata(path).num_rows
            == wh.con.execute(
                f"SELECT count(*) FROM {FEATURE_STORE} WHERE game_date BETWEEN '2023-11-01' AND '2023-12-15'"
            ).fetchone()[0]
        )
    fields = {f.name: _md(f) for f in schema}
    assert all(md.get("kind") not in (None, "unknown") and md["description"] for md in fields.values()), [
        n for n, md in fields.items() if md.get("kind") in (None, "unknown")
    ]

    for f in features.FEATURES:
        md = fields[f.name]
        assert md["kind"] == "feature" and md["index"] == str(f.index)
        assert md["definition"] == f.definition and f.definition in md["description"]
        assert md["first_source"] == f.source
        assert md["source_chain"].split(", ") == [s for s, _ in f.chain] + ["default"]
        assert md["default"] == ("NULL" if f.default is None else f"{f.default:g}")
        assert (float(md["range_min"]), float(md["range_max"])) == (f.lo, f.hi)
        assert md["optional"] == ("true" if f.optional else "false")
        assert md.get("units") == features.units(f.name), f.name
        assert md.get("units"), f"{f.name} has no units: add it to features.UNITS (or UNIT_FAMILIES)"
        assert "registry default" in md["missing"]
        src = fields[f"{f.name}_source"]
        assert src["kind"] == "source" and src["feature"] == f.name
        tags = json.loads(src["tags"])
        assert list(tags) == list(dict.fromkeys([s for s, _ in f.chain] + ["default"]))
        assert all(tags[t] == SOURCE_TAGS[t] for t in tags) and set(tags) <= set(features.SOURCES)
    for label in features.LABELS:
        assert fields[label]["kind"] == "label" and fields[label]["rule"] == LABEL_RULES[label]
    assert "NULL when he did not play" in fields["label_points"]["rule"]
    assert all(fields[k]["kind"] == "key" for k in KEY_COLUMNS)

    table = {k.decode(): v.decode() for k, v in schema.metadata.items() if k.startswith(b"nbaprops.")}
    assert table["nbaprops.table"] == FEATURE_STORE
    assert table["nbaprops.feature_version"] == features.FEATURE_VERSION
    assert "before D" in table["nbaprops.first_law"] and "label_*" in table["nbaprops.first_law"]
    assert table["nbaprops.columns"] == "all" and "registry default" in table["nbaprops.missing"]
    assert json.loads(table["nbaprops.features"]) == features.names()
    assert json.loads(table["nbaprops.labels"]) == list(features.LABELS)
    assert json.loads(table["nbaprops.keys"]) == list(KEY_COLUMNS)
    assert json.loads(table["nbaprops.source_tags"]) == SOURCE_TAGS
    assert json.loads(table["nbaprops.column_descriptions"]) == fields  # the same, for any Parquet reader
    assert table["nbaprops.date_range"] == "2023-11-01..2023-12-15"


def test_training_columns_are_keys_features_and_labels(exports):
    full = pq.read_table(exports["all", "default"])
    training = pq.read_table(exports["training", "default"])
    assert training.column_names == [*KEY_COLUMNS, *features.names(), *features.LABELS]
    assert not any(c.endswith("_source") or c.startswith(("is_", "feature_", "quality")) for c in training.column_names)
    assert training.num_rows == full.num_rows > 5000
    assert training.to_pylist() == full.select(training.column_names).to_pylist()  # values as stored
    meta = {k.decode(): v.decode() for k, v in training.schema.metadata.items()}
    assert meta["nbaprops.columns"] == "training"
    assert set(json.loads(meta["nbaprops.column_descriptions"])) == set(training.column_names)
    assert _md(training.schema.field("label_played"))["rule"] == LABEL_RULES["label_played"]


def test_missing_null_is_null_exactly_where_the_source_is_default(exports):
    stored = _rows(exports["all", "default"])
    nulled = _rows(exports["all", "null"])
    training = _rows(exports["training", "null"])
    assert stored.keys() == nulled.keys() == training.keys()
    fmap = features.by_name()
    defaults_replaced = 0
    for key, row in stored.items():
        for name in features.names():
            is_default = row[f"{name}_source"] == "default"
            assert (nulled[key][name] is None) == is_default, (key, name, row[name], row[f"{name}_source"])
            assert training[key][name] == nulled[key][name], (key, name)
            if is_default:
                assert row[name] == fmap[name].default  # the stored value was the registry default
                defaults_replaced += fmap[name].default is not None
            else:
                assert nulled[key][name] == row[name]
        for col in features.LABELS:
            assert nulled[key][col] == row[col] and training[key][col] == row[col]
    assert defaults_replaced > 1000  # the range has many non-NULL defaults (a fake 10 points ...)
    schema = pq.read_schema(exports["training", "null"])
    assert "NULL where" in _md(schema.field("points_avg_last_5"))["missing"]
    assert "NULL where" in schema.metadata[b"nbaprops.missing"].decode()


def test_training_csv_and_the_refusals(built, tmp_path):
    out = tmp_path / "train.csv"
    res = _cli(built, "export", FEATURE_STORE, "--out", str(out), *RANGE, "--columns", "training", "--missing", "null")
    assert res.returncode == 0, res.stderr
    assert out.read_text().splitlines()[0].replace('"', "").split(",") == [
        *KEY_COLUMNS,
        *features.names(),
        *features.LABELS,
    ]

    res = _cli(built, "export", "raw.schedule", "--out", str(tmp_path / "s.parquet"), "--columns", "training")
    assert res.returncode == 2 and "--columns training applies to predictions.ml_feature_store_v2 only" in res.stderr
    res = _cli(built, "export", "raw.schedule", "--out", str(tmp_path / "s.parquet"), "--missing", "null")
    assert res.returncode == 2 and "--missing null applies" in res.stderr
    res = _cli(built, "export", FEATURE_STORE, "--out", str(tmp_path / "x.parquet"), "--missing", "zero")
    assert res.returncode == 2 and not (tmp_path / "x.parquet").exists()
    # another table is exported whole, without the feature store's metadata
    res = _cli(built, "export", "raw.schedule", "--out", str(tmp_path / "s.parquet"))
    assert res.returncode == 0 and "described" not in res.stdout
    assert not any(k.startswith(b"nbaprops.") for k in (pq.read_schema(tmp_path / "s.parquet").metadata or {}))
