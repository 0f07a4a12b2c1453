"""`nbaprops backfill --engine ...`: the option reaches the engine module; DuckDB stays the default."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from datetime import date

import pytest

from nbaprops.engines import EngineResult, ModelResult, run
from nbaprops.errors import BadInputError


def _cli(*args, warehouse):
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(warehouse), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "250"},
    )


def test_unknown_engine_is_bad_input(real_warehouse_path):
    r = _cli(
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-10-25",
        "--engine",
        "oracle",
        warehouse=real_warehouse_path,
    )
    assert r.returncode == 2 and "--engine must be one of duckdb, spark, bigquery" in r.stderr


def test_spark_dry_run_translates_every_model_and_writes_nothing(real_warehouse_path, tmp_path):
    out = tmp_path / "spark"
    r = _cli(
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-11-20",
        "--engine",
        "spark",
        "--dry-run",
        "--out",
        str(out),
        warehouse=real_warehouse_path,
    )
    assert r.returncode == 0, r.stderr
    assert "spark dry run" in r.stdout and "ml_feature_store_v2" in r.stdout
    assert not out.exists()


def test_bigquery_needs_project_and_prefix(real_warehouse_path):
    r = _cli(
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-10-25",
        "--engine",
        "bigquery",
        "--dry-run",
        warehouse=real_warehouse_path,
    )
    assert r.returncode == 2 and "--project and --dataset-prefix" in r.stderr


def _installed(module: str) -> bool:
    """find_spec of a dotted name raises when a parent package is missing (protobuf, a test
    dependency, installs a `google` package without `google.cloud`)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.skipif(_installed("google.cloud.bigquery"), reason="google-cloud-bigquery is installed")
def test_bigquery_without_the_library_says_how_to_install_it(real_warehouse_path):
    r = _cli(
        "backfill",
        "--start-date",
        "2023-10-24",
        "--end-date",
        "2023-10-25",
        "--engine",
        "bigquery",
        "--project",
        "my-project",
        "--dataset-prefix",
        "nbp",
        "--dry-run",
        warehouse=real_warehouse_path,
    )
    assert r.returncode == 2 and "pip install 'nbaprops[bigquery]'" in r.stderr


def test_engine_run_refuses_reversed_range(real_warehouse_path):
    with pytest.raises(BadInputError, match="after"):
        run("spark", warehouse=real_warehouse_path, start=date(2023, 11, 2), end=date(2023, 11, 1))


def test_result_ok_and_errors():
    r = EngineResult(
        "spark",
        date(2023, 1, 1),
        date(2023, 1, 2),
        "all",
        models=[
            ModelResult("a", "analytics.a", status="success"),
            ModelResult("b", "analytics.b", status="failed", error="boom"),
        ],
    )
    assert not r.ok and r.errors == ["b: boom"]
