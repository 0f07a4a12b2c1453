"""storage.py and migration 007: the predictions table exists from the start, a write replaces
its range only, NaN becomes NULL."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from nbaprops.errors import BadInputError
from nbaprops.model.backtest import BacktestResult
from nbaprops.model.storage import PREDICTIONS_TABLE, write_predictions
from nbaprops.warehouse import Warehouse

COLUMNS = [
    ("player_lookup", "VARCHAR", "NO"),
    ("game_date", "DATE", "NO"),
    ("game_id", "VARCHAR", "YES"),
    ("season_year", "INTEGER", "YES"),
    ("predicted_points", "DOUBLE", "YES"),
    ("p_over", "DOUBLE", "YES"),
    ("p_over_residual", "DOUBLE", "YES"),
    ("points_line", "DOUBLE", "YES"),
    ("model_version", "VARCHAR", "NO"),
    ("trained_through", "DATE", "YES"),
    ("block_start", "DATE", "YES"),
    ("train_rows", "INTEGER", "YES"),
    ("label_points", "INTEGER", "YES"),
    ("label_played", "BOOLEAN", "YES"),
    ("label_over_line", "BOOLEAN", "YES"),
    ("run_id", "VARCHAR", "YES"),
    ("created_at", "TIMESTAMP", "YES"),
    # migration 012: the board beside each prediction (model/board.py)
    ("line_book", "VARCHAR", "YES"),
    ("line_synthetic", "BOOLEAN", "YES"),
    ("books", "INTEGER", "YES"),
    ("consensus_line", "DOUBLE", "YES"),
    ("fair_line", "DOUBLE", "YES"),
    ("p_over_no_vig", "DOUBLE", "YES"),
    ("hold", "DOUBLE", "YES"),
    ("bet_side", "VARCHAR", "YES"),
    ("bet_book", "VARCHAR", "YES"),
    ("bet_line", "DOUBLE", "YES"),
    ("bet_price_american", "DOUBLE", "YES"),
    ("bet_p", "DOUBLE", "YES"),
    ("edge", "DOUBLE", "YES"),
    ("expected_value", "DOUBLE", "YES"),
    ("kelly_stake", "DOUBLE", "YES"),
    ("p_over_blended", "DOUBLE", "YES"),
]


def _columns(wh: Warehouse) -> list[tuple]:
    return wh.con.execute(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'predictions' AND table_name = 'player_points_predictions' "
        "ORDER BY ordinal_position"
    ).fetchall()


def _result(days: list[str], *, run_id: str = "r1", leak: bool = False, start=None, end=None) -> BacktestResult:
    n = len(days)
    gd = np.array(days, dtype="datetime64[D]")
    preds = {
        "player_lookup": np.array([f"p{i}" for i in range(n)], dtype=object),
        "game_id": np.array([f"g{i}" for i in range(n)], dtype=object),
        "game_date": gd,
        "season_year": np.full(n, 2023),
        "predicted_points": np.linspace(10, 20, n),
        "p_over": np.array([0.6, np.nan, 0.4][:n]),
        "p_over_residual": np.array([0.55, np.nan, 0.45][:n]),
        "points_line": np.array([12.5, np.nan, 14.5][:n]),
        "trained_through": gd - 10,
        "block_start": gd - 1,
        "train_rows": np.full(n, 5000),
        "label_points": np.array([14.0, np.nan, 9.0][:n]),
        "label_played": np.array([True, False, True][:n]),
        "label_over_line": np.array([1.0, np.nan, 0.0][:n]),
    }
    return BacktestResult(
        start=start or date.fromisoformat(min(days)),
        end=end or date.fromisoformat(max(days)),
        model_version="m1",
        leak=leak,
        feature_names=[],
        blocks=[],
        metrics=[],
        calibration={},
        probability_scores={},
        timings={},
        run_id=run_id,
        predictions=preds,
    )


def test_a_new_warehouse_has_the_predictions_table(empty_warehouse):
    with Warehouse.open(empty_warehouse, read_only=True) as wh:
        assert _columns(wh) == COLUMNS
        assert {7, 12} <= set(wh.applied_migrations())
        pk = wh.con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() WHERE schema_name = "
            "'predictions' AND table_name = 'player_points_predictions' "
            "AND constraint_type = 'PRIMARY KEY'"
        ).fetchone()
    assert pk == (["player_lookup", "game_date"],)


def test_migration_keeps_a_table_an_earlier_backtest_created(empty_warehouse):
    """Warehouses backtested before migration 007 already hold the table (and its rows)."""
    with Warehouse.open(empty_warehouse) as wh:
        write_predictions(wh, _result(["2024-01-02"]))
        wh.con.execute("DELETE FROM reference.schema_migrations WHERE version = 7")
    with Warehouse.open(empty_warehouse) as wh:
        assert 7 in wh.applied_migrations() and wh.count(PREDICTIONS_TABLE) == 1


def test_write_stores_nan_as_null_and_replaces_only_its_range(empty_warehouse):
    with Warehouse.open(empty_warehouse) as wh:
        assert write_predictions(wh, _result(["2024-01-02", "2024-01-03", "2024-02-01"])) == 3
        rows = wh.con.execute(
            f"SELECT player_lookup, game_date, p_over, points_line, label_points, label_played, "
            f"label_over_line, trained_through, model_version, run_id FROM {PREDICTIONS_TABLE} "
            "ORDER BY game_date"
        ).fetchall()
        assert rows[0] == ("p0", date(2024, 1, 2), 0.6, 12.5, 14, True, True, date(2023, 12, 23), "m1", "r1")
        assert rows[1][2:7] == (None, None, None, False, None)
        assert rows[2][6] is False
        # a second run over January replaces January and leaves February alone
        n = write_predictions(wh, _result(["2024-01-03"], run_id="r2", start=date(2024, 1, 1), end=date(2024, 1, 31)))
        after = wh.con.execute(f"SELECT game_date, run_id FROM {PREDICTIONS_TABLE} ORDER BY game_date").fetchall()
    assert n == 1 and after == [(date(2024, 1, 3), "r2"), (date(2024, 2, 1), "r1")]


def test_an_empty_run_clears_its_range(empty_warehouse):
    with Warehouse.open(empty_warehouse) as wh:
        write_predictions(wh, _result(["2024-01-02"]))
        empty = _result(["2024-01-02"], run_id="r2")
        empty.predictions = {}
        assert write_predictions(wh, empty) == 0
        assert wh.count(PREDICTIONS_TABLE) == 0


def test_the_canary_never_writes(empty_warehouse):
    with Warehouse.open(empty_warehouse) as wh:
        with pytest.raises(BadInputError):
            write_predictions(wh, _result(["2024-01-02"], leak=True))
        assert wh.count(PREDICTIONS_TABLE) == 0
