"""The models with the completeness and dependency checks taken out: the "checks off" side of
the benchmark's checks-on vs checks-off scenario. The product always runs the checks; this copy
exists only to measure what they cost.

Every Phase 4 model and the feature store call the checks as macros (src/nbaprops/completeness.py):
`@dependency_check(...)` and `@completeness_windows(kind, windows...)`. Checks off replaces the
first with an empty date check and the second with an output CTE of NULL completeness columns,
so the models keep their shape and the rest of their SQL runs unchanged;
the shared check models (players' and teams' completeness, the dependency holes: computed once)
return no rows. The
pre-flight is the runner's (`--skip-preflight`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from nbaprops.catalog import Catalog
from nbaprops.completeness import HOLES_TABLE, PLAYER_SHARED_TABLE, TEAM_SHARED_TABLE, output_column_names

# the shared check models: computed once for every model, so checks off computes nothing there
SHARED_TABLES = (PLAYER_SHARED_TABLE, TEAM_SHARED_TABLE, HOLES_TABLE)

DEPS_CALL = re.compile(r"@dependency_check\((player|team)\)")
WINDOWS_CALL = re.compile(r"@completeness_windows\((player|team)((?:,\s*l\d+d?)+)\)")

DEPS_STUB = """cmp_date_check AS (  -- checks off: no dependency check
    SELECT CAST(NULL AS DATE) AS d, 0 AS missing_dates, CAST(NULL AS DATE) AS first_missing_date
    WHERE false
),
cmp_team_check AS (
    SELECT CAST(NULL AS DATE) AS d, CAST(NULL AS VARCHAR) AS team_abbr, 0 AS missing_games,
           CAST(NULL AS DATE) AS first_missing_game
    WHERE false
),"""


def shared_stub(model) -> str:
    """A shared check model that computes nothing (its key columns only)."""
    cols = [f"CAST(NULL AS {'DATE' if c == model.time_column else 'VARCHAR'}) AS {c}" for c in model.grain]
    return f"SELECT {', '.join(cols)}\nWHERE $start_date > $end_date  -- checks off: nothing computed\n"


def _stub_type(column: str) -> str:
    if column.endswith("_pct"):
        return "DOUBLE"
    return {"is_production_ready": "BOOLEAN", "completeness_reason": "VARCHAR"}.get(column, "INTEGER")


def windows_stub(windows: tuple[str, ...]) -> str:
    """cmp_out with the model's completeness columns, all NULL (same names and types)."""
    cols = [f"CAST(NULL AS {_stub_type(c)}) AS {c}" for c in output_column_names(windows)]
    return (
        "cmp_out AS (  -- checks off: no completeness\n    SELECT entity_id, d, "
        + ",\n           ".join(cols)
        + "\n    FROM cmp_universe WHERE false\n),"
    )


def checked_windows(catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """Model name -> its completeness windows, for every model that calls the checks."""
    out = {}
    for model in catalog.ordered():
        m = WINDOWS_CALL.search(model.source)
        if m:
            out[model.name] = tuple(w.strip() for w in m.group(2).split(",") if w.strip())
    return out


def without_checks(source: str, model_name: str) -> str:
    out, n1 = DEPS_CALL.subn(DEPS_STUB, source)
    out, n2 = WINDOWS_CALL.subn(
        lambda m: windows_stub(tuple(w.strip() for w in m.group(2).split(",") if w.strip())), out
    )
    if (n1, n2) != (1, 1):
        raise ValueError(
            f"{model_name}: expected one @dependency_check and one @completeness_windows, found {n1}, {n2}"
        )
    return out


def write_models_without_checks(dest: Path) -> Path:
    """Copy every model into dest (same folder layout), the checked ones without their checks."""
    catalog = Catalog.load()
    shutil.rmtree(dest, ignore_errors=True)
    for model in catalog.ordered():
        schema, name = model.table.split(".")
        target = dest / schema / f"{name}.sql"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = model.source
        if model.table in SHARED_TABLES:
            header = "".join(line + "\n" for line in text.splitlines() if line.startswith("--"))
            text = header + shared_stub(model)
        elif WINDOWS_CALL.search(text):
            text = without_checks(text, model.name)
        target.write_text(text, encoding="utf-8")
    return dest
