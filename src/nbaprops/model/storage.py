"""Writing a backtest's predictions to the warehouse: predictions.player_points_predictions
(created by migration 007_backtest.sql), the backtest range replaced in one transaction."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

import numpy as np

from ..errors import BadInputError
from ..warehouse import Warehouse
from .board import BOARD_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

    from .backtest import BacktestResult

PREDICTIONS_TABLE = "predictions.player_points_predictions"
# The board's columns the table keeps (migration 012): the line's book and kind, and model/board.py's
BOARD_STORED = ("line_book", "line_synthetic", *BOARD_COLUMNS)


def write_predictions(wh: Warehouse, result: BacktestResult) -> int:
    """Replace the backtest range of predictions.player_points_predictions in one transaction:
    delete every row dated in [start, end], insert the new ones. Returns the rows inserted."""
    if result.leak:
        raise BadInputError("the leakage canary never writes predictions")
    return replace_predictions(
        wh, _arrow_table(result.predictions), result.start, result.end, result.model_version, result.run_id
    )


def replace_predictions(wh: Warehouse, tbl: pa.Table, start, end, model_version: str, run_id: str) -> int:
    """Delete every prediction dated in [start, end] and insert the rows of `tbl` (the columns
    of _arrow_schema), in one transaction. Returns the rows inserted."""
    con = wh.con
    name = f"_predictions_{uuid.uuid4().hex[:8]}"
    con.register(name, tbl)
    try:
        with wh.transaction():
            con.execute(f"DELETE FROM {PREDICTIONS_TABLE} WHERE game_date BETWEEN ? AND ?", [start, end])
            # the board's columns where `tbl` has them (predict), else NULL (a backtest has no prices)
            board = [c for c in BOARD_STORED if c in tbl.column_names]
            con.execute(
                f"""
                INSERT INTO {PREDICTIONS_TABLE} (player_lookup, game_date, game_id, season_year,
                       predicted_points, p_over, p_over_residual, points_line, model_version,
                       trained_through, block_start, train_rows, label_points, label_played,
                       label_over_line, run_id, created_at{"".join(", " + c for c in board)})
                SELECT player_lookup, game_date, game_id, season_year, predicted_points, p_over,
                       p_over_residual, points_line, ? AS model_version, trained_through, block_start,
                       train_rows, CAST(label_points AS INTEGER), label_played, label_over_line,
                       ? AS run_id, ? AS created_at{"".join(", " + c for c in board)}
                FROM {name}""",
                [model_version, run_id, datetime.now()],
            )
    finally:
        con.unregister(name)
    return tbl.num_rows


def _arrow_schema() -> pa.Schema:
    import pyarrow as pa

    floats = ("predicted_points", "p_over", "p_over_residual", "points_line")
    return pa.schema(
        [
            ("player_lookup", pa.string()),
            ("game_date", pa.date32()),
            ("game_id", pa.string()),
            ("season_year", pa.int32()),
            *[(c, pa.float64()) for c in floats],
            ("trained_through", pa.date32()),
            ("block_start", pa.date32()),
            ("train_rows", pa.int32()),
            ("label_points", pa.float64()),
            ("label_played", pa.bool_()),
            ("label_over_line", pa.bool_()),
        ]
    )


def _arrow_table(P: dict[str, np.ndarray]) -> pa.Table:
    """The per-row predictions (BacktestResult.predictions) as an Arrow table, NaN → NULL."""
    import pyarrow as pa

    if len(P.get("game_date", [])) == 0:
        return _arrow_schema().empty_table()

    def nullable_double(a):
        return pa.array(a, type=pa.float64(), from_pandas=True)

    def nullable_bool(a):  # 1.0 / 0.0 / NaN
        return pa.array([None if math.isnan(x) else bool(x) for x in a], type=pa.bool_())

    def day(a):
        return pa.array(a.astype("datetime64[D]"))

    return pa.table(
        {
            "player_lookup": pa.array(P["player_lookup"].tolist(), pa.string()),
            "game_date": day(P["game_date"]),
            "game_id": pa.array(P["game_id"].tolist(), pa.string()),
            "season_year": pa.array(P["season_year"], pa.int32()),
            "predicted_points": nullable_double(P["predicted_points"]),
            "p_over": nullable_double(P["p_over"]),
            "p_over_residual": nullable_double(P["p_over_residual"]),
            "points_line": nullable_double(P["points_line"]),
            "trained_through": day(P["trained_through"]),
            "block_start": day(P["block_start"]),
            "train_rows": pa.array(P["train_rows"], pa.int32()),
            "label_points": nullable_double(P["label_points"]),
            "label_played": pa.array(P["label_played"].tolist(), pa.bool_()),
            "label_over_line": nullable_bool(P["label_over_line"]),
        },
        schema=_arrow_schema(),
    )
