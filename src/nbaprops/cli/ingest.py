"""`nbaprops ingest`: load a data folder and show what each file did."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from .common import console, open_warehouse
from .run_tables import print_ingest


def ingest(
    folder: Path | None = typer.Argument(
        None,
        help="Folder laid out like data/real/ (Parquet or CSV, same file names), or one such file; "
        "also The Odds API (v4) response bodies saved as .json and the NBA's injury report as .pdf (any name). "
        "A folder's subfolders odds/ and injury_report/ are read too (no other). "
        "Default: the bundled real NBA data.",
    ),
    props_seed: int = typer.Option(20211019, help="Seed of the synthetic prop lines."),
) -> None:
    """Load raw data (Phase 2): validate, normalise keys, quarantine bad rows, upsert.

    All files load in one transaction: a missing column, a wrong type or an unreadable file
    stops with exit code 2 and leaves the warehouse as it was. Row-level problems go to
    processing.rejected_rows with file, row, column and reason; the good rows load.
    A correction is never partial: a game (or key) already loaded keeps its previous version
    when any new row of it is rejected, its new rows are quarantined as a refused correction,
    and the ingest exits 1 after loading everything else.
    Re-running the same ingest changes nothing. A folder with no recognised file (empty, or
    only unknown files) loads nothing and exits 2, listing the file names ingest recognises.
    A .json file is read as a saved The Odds API (v4) body, whatever its name: player_points
    lines go to raw.player_points_props, h2h/spreads/totals to raw.game_lines; an events or
    scores list is noted (nothing to load); any other .json file exits 2 naming it.
    A .pdf file is read as the NBA's injury report (raw.injury_report); any other exits 2.

    Of a folder, its files load, and those of its subfolders odds/ and injury_report/ (one level,
    where `nbaprops fetch` writes them): `nbaprops ingest <feed>/files` loads everything a fetch
    wrote. Other subfolders (the feed's cache, hidden ones, your own) are not read.

    The summary counts file rows: read = loaded + unchanged + duplicate + superseded + rejected
    (refused rows are rejected rows of a refused correction). processing.rejected_rows holds one
    row per rejected file row and failing check (column), so it can hold more rows than were
    rejected."""
    from ..ingest import ingest_folder
    from ..ingest.loader import scan_input

    scan_input(folder)  # a missing path or nothing to load: exit 2 before the warehouse is touched
    with open_warehouse() as wh:
        with console.status("ingesting") as status:
            report = ingest_folder(wh, folder, props_seed=props_seed, on_file=lambda f: status.update(f"ingesting {f}"))
    print_ingest(report)
    for source, by in report.player_resolution.items():
        console.print(
            f"players of {escape(source)} rows: {by['id']:,} by id, {by['name']:,} by name, "
            f"{by['alias']:,} by alias, {by['reference']:,} by the list of players without a game, "
            f"{by['unresolved']:,} unresolved (quarantined)",
            highlight=False,
        )
    for f in report.files:
        if f.rows_alternate:
            console.print(
                f"alternate lines in {escape(f.file)}: {f.rows_alternate:,} not loaded (counted as superseded); "
                "per book, player and snapshot the main line is kept: over and under prices closest to even",
                highlight=False,
            )
    if report.games_derived:
        console.print(
            f"schedule rows derived from box scores (games the schedule lacks): {report.games_derived:,}",
            highlight=False,
        )
    synthetic = report.table_counts.get("raw.player_points_props", 0)
    if report.props_scope is None:
        what = f"{report.props_generated:,} generated"
    else:
        players, games = report.props_scope
        what = (
            f"{report.props_generated:,} regenerated (the lines the changes reach: {players:,} "
            f"player{'s' if players != 1 else ''} from their earliest changed game on, {games:,} "
            f"game{'s' if games != 1 else ''})"
        )
    console.print(
        f"synthetic prop snapshots: {what}, {report.props_changed:,} written "
        f"(raw.player_points_props holds {synthetic:,} rows)",
        highlight=False,
    )
    console.print(
        f"rejected rows this ingest: {report.rows_rejected:,} "
        f"(processing.rejected_rows holds {report.rejected_total:,} entries for every file ingested so far: "
        f"one per rejected row and failing column, with the reason and the row as JSON; `nbaprops rejected` lists them)"
    )
    for name in report.ignored:
        console.print(
            f"[yellow]skipped[/] {escape(name)}: season aggregates are not loaded (they describe the whole season)"
        )
    for name, note in report.notes:
        console.print(f"[yellow]note[/] {escape(name)}: {escape(note)}")
    for name in report.unrecognised:
        console.print(f"[yellow]skipped[/] {escape(name)}: not a recognised file name")
    refused = [f for f in report.files if f.rows_refused]
    if refused:
        for f in refused:
            units = ", ".join(f.refused[:5]) + (f" and {len(f.refused) - 5} more" if len(f.refused) > 5 else "")
            console.print(
                f"[red]correction refused[/] {escape(f.file)}: {escape(units)} keep their previous "
                f"version ({f.rows_refused:,} new rows quarantined)"
            )
        console.print(
            "[red]some corrections were refused[/]: fix the rejected rows (processing.rejected_rows) "
            "and ingest again; everything else was loaded"
        )
        raise typer.Exit(1)
