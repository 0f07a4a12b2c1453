"""Engine tests: one local Spark session for the whole test session (starting one costs ~8 s)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    pytest.importorskip("pyspark", reason="pip install 'nbaprops[spark]' (or '.[test]') to run the Spark tests")
    from nbaprops.engines.spark import spark_session

    session = spark_session(
        master="local[2]", shuffle_partitions=4, warehouse_dir=tmp_path_factory.mktemp("spark-catalog")
    )
    yield session
    session.stop()
