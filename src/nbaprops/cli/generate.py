"""`nbaprops generate`: a deterministic synthetic league in the data/real/ layout."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ..errors import BadInputError
from .common import check_out_dir, console


def generate(
    out: Path = typer.Option(..., "--out", help="Folder to write (created if missing)."),
    seasons: int = typer.Option(4, "--seasons", help="Seasons of the base league."),
    scale: int = typer.Option(
        1,
        "--scale",
        help="Multiplies the history: seasons x scale seasons are written "
        "(scale 1 ≈ the 4 real seasons, ≈ 130 k player-games; 10 ≈ 1.3 M).",
    ),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed writes identical files."),
) -> None:
    """Write a deterministic synthetic league in the data/real/ layout (for `nbaprops ingest DIR`)."""
    from ..synth.league import generate_league

    if out.exists() and not out.is_dir():
        raise BadInputError(f"--out {out} is a file; give a folder")
    check_out_dir(out)
    if scale < 1:
        raise BadInputError(f"--scale must be a whole number >= 1, got {scale}")
    with console.status(f"generating {seasons * scale} synthetic seasons"):
        report = generate_league(out, seasons=seasons * scale, seed=seed)
    t = Table(title=f"synthetic league in {report.out} ({report.seasons} seasons, seed {seed})")
    t.add_column("file")
    t.add_column("rows", justify="right")
    for name, n in report.files.items():
        t.add_row(name, f"{n:,}")
    console.print(t)
