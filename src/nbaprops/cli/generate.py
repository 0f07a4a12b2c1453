"""`nbaprops generate`: a deterministic synthetic league in the data/real/ layout."""

from __future__ import annotations

from pathlib import Path

import typer

from ..errors import BadInputError
from .common import check_out_dir, console
from .render import Col, Format, Listing, emit, format_option


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
    fmt: Format = format_option(),
) -> None:
    """Write a deterministic synthetic league in the data/real/ layout (for `nbaprops ingest DIR`)."""
    from ..synth.league import generate_league

    if out.exists() and not out.is_dir():
        raise BadInputError(f"--out {out} is a file; give a folder")
    check_out_dir(out)
    if scale < 1:
        raise BadInputError(f"--scale must be a whole number >= 1, got {scale}")
    n = seasons * scale
    with console.status(f"generating {n} synthetic season{'s' if n != 1 else ''}"):
        report = generate_league(out, seasons=n, seed=seed)
    title = (
        f"synthetic league in {report.out} ({report.seasons} season{'s' if report.seasons != 1 else ''}, seed {seed})"
    )
    cols = [Col("file", keep=True), Col("rows", kind="int")]
    emit(Listing(title, cols, list(report.files.items()), name="files"), fmt)
