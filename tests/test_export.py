"""`nbaprops export`: a table or a date range of it as Parquet; unknown tables are refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pyarrow.parquet as pq

from nbaprops import features
from nbaprops.runner.backfill import backfill
from nbaprops.warehouse import Warehouse


def _cli(wh, *args):
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(wh), *args], capture_output=True, text=True
    )


def test_export_feature_store_range(real_copy, tmp_path):
    with Warehouse.open(real_copy) as wh:
        assert backfill(wh, date(2023, 10, 24), date(2023, 11, 30)).ok
        expected = wh.con.execute(
            "SELECT count(*) FROM predictions.ml_feature_store_v2 WHERE game_date BETWEEN '2023-11-10' AND '2023-11-20'"
        ).fetchone()[0]
    out = tmp_path / "train.parquet"
    res = _cli(
        real_copy,
        "export",
        "predictions.ml_feature_store_v2",
        "--out",
        str(out),
        "--start-date",
        "2023-11-10",
        "--end-date",
        "2023-11-20",
    )
    assert res.returncode == 0, res.stderr
    table = pq.read_table(out)
    assert table.num_rows == expected > 0
    for col in [*features.names(), *features.LABELS, "is_training_ready", "feature_quality_score"]:
        assert col in table.column_names
    dates = table.column("game_date").to_pylist()
    assert min(dates) >= date(2023, 11, 10) and max(dates) <= date(2023, 11, 20)


def test_export_refuses_unknown_tables_and_bad_dates(real_copy, tmp_path):
    res = _cli(real_copy, "export", "raw.schedule; DROP TABLE raw.schedule", "--out", str(tmp_path / "x.parquet"))
    assert res.returncode == 2 and "unknown table" in res.stderr
    res = _cli(real_copy, "export", "raw.schedule", "--out", str(tmp_path / "x.parquet"), "--start-date", "2024-13-01")
    assert res.returncode == 2
    with Warehouse.open(real_copy, read_only=True) as wh:
        assert wh.count("raw.schedule") > 0
