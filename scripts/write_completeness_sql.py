"""Pastes the completeness / dependency snippets (src/nbaprops/completeness.py) into the Phase 4
models, between their `-- completeness:begin` and `-- completeness:end` lines.

    .venv/bin/python scripts/write_completeness_sql.py

tests/models/test_completeness.py fails when a model's block differs from this output. The feature
store takes the same snippets through scripts/write_feature_store_sql.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from nbaprops.completeness import (MODEL_WINDOWS, PLAYER_DEPS, PLAYER_WINDOWS, TEAM_DEPS, TEAM_WINDOWS,
                                   output_cte)  # noqa: E402

NOTE = "(pasted from src/nbaprops/completeness.py by scripts/write_completeness_sql.py)"
PHASE4 = {"team_defense_zone_analysis": (TEAM_DEPS, TEAM_WINDOWS),
          "player_shot_zone_analysis": (PLAYER_DEPS, PLAYER_WINDOWS),
          "player_composite_factors": (PLAYER_DEPS, PLAYER_WINDOWS),
          "player_daily_cache": (PLAYER_DEPS, PLAYER_WINDOWS)}


def blocks(model: str) -> dict[str, str]:
    """Block name -> text: 'deps' goes after the model's cmp_dates, 'windows' after cmp_universe."""
    deps, windows = PHASE4[model]
    return {"deps": deps, "windows": windows + "\n" + output_cte(MODEL_WINDOWS[model])}


def with_blocks(text: str, model: str) -> str:
    for name, body in blocks(model).items():
        begin, end = f"-- completeness:{name}:begin", f"-- completeness:{name}:end"
        a = text.index(begin)
        b = text.index(end, a) + len(end)
        text = text[:a] + f"{begin} {NOTE}\n{body}\n{end}" + text[b:]
    return text


def main() -> None:
    for model in PHASE4:
        path = ROOT / "src/nbaprops/models/precompute" / f"{model}.sql"
        text = path.read_text(encoding="utf-8")
        new = with_blocks(text, model)
        if new != text:
            path.write_text(new, encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
