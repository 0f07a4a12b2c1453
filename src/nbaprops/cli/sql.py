"""`nbaprops sql`: a model's SQL translated to another engine's dialect."""

from __future__ import annotations

import sys

import typer

from ..errors import BadInputError
from .common import model_names


def sql_cmd(
    model: str = typer.Argument(
        ...,
        help="Model name, e.g. player_game_summary or analytics.player_game_summary; "
        "one of " + ", ".join(model_names()) + ".",
    ),
    dialect: str = typer.Option("duckdb", "--dialect", help="duckdb | bigquery | spark (any case)."),
) -> None:
    """Print a model's SQL translated to another engine's dialect (header comment kept)."""
    from ..catalog import Catalog
    from ..dialects import DIALECTS, translate

    dialect = dialect.lower()
    model = model.lower()
    if dialect not in DIALECTS:
        raise BadInputError(f"--dialect must be one of {', '.join(DIALECTS)}, got {dialect!r}")
    catalog = Catalog.load()
    key = model.split(".")[-1]
    if key not in catalog.models or ("." in model and catalog.models[key].table != model):
        raise BadInputError(f"unknown model {model!r}; models: {', '.join(m.table for m in catalog.ordered())}")
    m = catalog.models[key]
    sys.stdout.write(translate(m.sql, dialect, m.table))
