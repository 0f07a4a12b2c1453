"""Fixtures of the command-line tests: the real data backfilled once over the 2023-24 season's
first three months (Pascal Siakam's trade to Indiana, 2024-01-17, inside), and a runner of the
real command line in a subprocess, on a terminal of 80 columns or through a pipe."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

START, END = date(2023, 10, 24), date(2024, 1, 25)


@pytest.fixture(scope="package")
def season_wh(real_slice) -> Path:
    """The ingested real data backfilled over START..END. Do not modify (copy it)."""
    return real_slice("cli_season", START, END)


def run_cli(
    wh: Path | None, *args: str, terminal: bool = False, columns: int = 80, timeout: int = 600
) -> subprocess.CompletedProcess:
    """`nbaprops [--warehouse wh] args`; terminal=True makes Rich treat stdout as an 80-column
    terminal (TTY_COMPATIBLE), otherwise stdout is a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR", "NO_COLOR")}
    env.update(COLUMNS=str(columns), NO_COLOR="1")
    if terminal:
        env["TTY_COMPATIBLE"] = "1"
    pre = ["--warehouse", str(wh)] if wh is not None else []
    return subprocess.run(
        [sys.executable, "-m", "nbaprops.cli", *pre, *args], capture_output=True, text=True, env=env, timeout=timeout
    )


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    """The text without terminal escape sequences (styles, a spinner's cursor moves)."""
    return ANSI.sub("", text)


def assert_fits(text: str, width: int = 80) -> None:
    """Every line within `width` columns and nothing cut with an ellipsis."""
    text = plain(text)
    long = [ln for ln in text.splitlines() if len(ln) > width]
    assert not long, f"lines wider than {width}: {long[:3]}"
    assert "…" not in text, text


def assert_uncut(text: str) -> None:
    assert "…" not in text, text


ODDS_DAY = date(2024, 2, 22)  # ORL at CLE: the recorded The Odds API player-points body's game
PROPS_BODY = (
    Path(__file__).resolve().parents[1]
    / "fixtures"
    / "odds_api"
    / ("event_odds_player_points_2024-02-23_ORL-at-CLE.json")
)


@pytest.fixture(scope="package")
def odds_wh(season_wh, shared_warehouse, real_slice) -> Path:
    """season_wh with the recorded ORL-at-CLE player-points body ingested (real lines of ODDS_DAY's
    game beside the synthetic lines of every other game), backfilled on to ODDS_DAY. Do not modify."""
    import shutil

    from nbaprops.ingest import ingest_folder
    from nbaprops.warehouse import Warehouse

    def make(path: Path) -> None:
        shutil.copy(season_wh, path)
        folder = path.parent / "in"
        folder.mkdir()
        shutil.copy(PROPS_BODY, folder / PROPS_BODY.name)
        with Warehouse.open(path) as wh:
            ingest_folder(wh, folder)

    base = shared_warehouse("cli_odds_base", make)
    return real_slice("cli_odds", date(2024, 1, 26), ODDS_DAY, base=base)
