"""The models with the completeness and dependency checks taken out: the "checks off" side of
the benchmark's checks-on vs checks-off scenario. The product always runs the checks; this copy
exists only to measure what they cost.

Every Phase 4 model and the feature store carry the checks between `-- completeness:<block>:begin`
and `-- completeness:<block>:end` lines (see src/nbaprops/completeness.py). Checks off replaces
the `deps` block with an empty date check and the `windows` block with an output CTE of NULL
completeness columns, so the models keep their shape and the rest of their SQL runs unchanged;
precompute.player_completeness (the players' windows, computed once) returns no rows. The
pre-flight is the runner's (`--skip-preflight`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from nbaprops.catalog import Catalog
from nbaprops.completeness import MODEL_WINDOWS, PLAYER_SHARED_TABLE, output_column_names

BLOCK = re.compile(r"-- completeness:(deps|windows):begin.*?-- completeness:\1:end", re.S)

DEPS_STUB = """cmp_date_check AS (  -- checks off: no dependency check
    SELECT CAST(NULL AS DATE) AS d, 0 AS missing_dates, CAST(NULL AS DATE) AS first_missing_date
    WHERE false
),
cmp_team_check AS (
    SELECT CAST(NULL AS DATE) AS d, CAST(NULL AS VARCHAR) AS team_abbr, 0 AS missing_games,
           CAST(NULL AS DATE) AS first_missing_game
    WHERE false
),"""


SHARED_STUB = """SELECT CAST(NULL AS VARCHAR) AS player_lookup, CAST(NULL AS DATE) AS analysis_date
WHERE $start_date > $end_date  -- checks off: nothing computed
"""


def _stub_type(column: str) -> str:
    if column.endswith("_pct"):
        return "DOUBLE"
    return {"is_production_ready": "BOOLEAN", "completeness_reason": "VARCHAR"}.get(column, "INTEGER")


def windows_stub(windows: tuple[str, ...]) -> str:
    """cmp_out with the model's completeness columns, all NULL (same names and types)."""
    cols = [f"CAST(NULL AS {_stub_type(c)}) AS {c}" for c in output_column_names(windows)]
    return ("cmp_out AS (  -- checks off: no completeness\n    SELECT entity_id, d, "
            + ",\n           ".join(cols) + "\n    FROM cmp_universe WHERE false\n),")


def without_checks(sql: str, model_name: str) -> str:
    windows = MODEL_WINDOWS[model_name]
    stubs = {"deps": DEPS_STUB, "windows": windows_stub(windows)}
    out, n = BLOCK.subn(lambda m: stubs[m.group(1)], sql)
    if n != 2:
        raise ValueError(f"{model_name}: expected 2 completeness blocks, found {n}")
    return out


def write_models_without_checks(dest: Path) -> Path:
    """Copy every model into dest (same folder layout), the checked ones without their checks."""
    catalog = Catalog.load()
    shutil.rmtree(dest, ignore_errors=True)
    for model in catalog.ordered():
        schema, name = model.table.split(".")
        target = dest / schema / f"{name}.sql"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = model.sql
        if model.table == PLAYER_SHARED_TABLE:
            header = "".join(line + "\n" for line in text.splitlines() if line.startswith("--"))
            text = header.split("-- completeness:")[0] + SHARED_STUB
        elif model.name in MODEL_WINDOWS:
            text = without_checks(text, model.name)
        target.write_text(text, encoding="utf-8")
    return dest
