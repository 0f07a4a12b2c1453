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

from nbaprops.completeness import (MODEL_WINDOWS, PLAYER_DEPS, PLAYER_SHARED_DEPS, TEAM_DEPS,  # noqa: E402
                                   player_shared_block, player_windows, team_windows)

NOTE = "(pasted from src/nbaprops/completeness.py by scripts/write_completeness_sql.py)"
PHASE4 = {"player_completeness": (PLAYER_SHARED_DEPS, lambda _windows: player_shared_block()),
          "team_defense_zone_analysis": (TEAM_DEPS, team_windows),
          "player_shot_zone_analysis": (PLAYER_DEPS, player_windows),
          "player_composite_factors": (PLAYER_DEPS, player_windows),
          "player_daily_cache": (PLAYER_DEPS, player_windows)}


def blocks(model: str) -> dict[str, str]:
    """Block name -> text: 'deps' goes after the model's cmp_dates, 'windows' after cmp_universe."""
    deps, windows = PHASE4[model]
    return {"deps": deps, "windows": windows(MODEL_WINDOWS.get(model, ()))}


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
