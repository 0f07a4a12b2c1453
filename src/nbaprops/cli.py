"""The `nbaprops` command line: parse arguments, call one function, render the result with Rich.

Exit codes: 0 success, 1 a check or run failed, 2 bad input or usage."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import BadInputError, NbapropsError
from .warehouse import Warehouse

app = typer.Typer(
    name="nbaprops",
    help="Point-in-time NBA player-points features: ingest raw data, backfill the Phase 3/4 tables "
         "and the feature store set-based over whole date ranges, and inspect the results.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)


class _State:
    warehouse: Optional[Path] = None


STATE = _State()


@app.callback()
def _main(
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", envvar="NBAPROPS_WAREHOUSE",
        help="DuckDB warehouse file (default ./warehouse/nbaprops.duckdb)."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        console.print(f"nbaprops {__version__}")
        raise typer.Exit(0)
    STATE.warehouse = warehouse


def _date(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(f"{name} must be a date like 2024-01-31, got {value!r}") from None


def _open(read_only: bool = False) -> Warehouse:
    return Warehouse.open(STATE.warehouse, read_only=read_only)


# --------------------------------------------------------------------------------------------
@app.command()
def ingest(
    folder: Optional[Path] = typer.Argument(
        None, help="Folder laid out like data/real/ (Parquet or CSV, same file names). "
                   "Default: the bundled real NBA data."),
    props_seed: int = typer.Option(20211019, help="Seed of the synthetic prop lines."),
) -> None:
    """Load raw data (Phase 2): validate, normalise keys, quarantine bad rows, upsert.

    All files load in one transaction: a missing column, a wrong type or an unreadable file
    stops with exit code 2 and leaves the warehouse as it was. Row-level problems go to
    processing.rejected_rows with file, row, column and reason; the good rows load.
    Re-running the same ingest changes nothing."""
    from .ingest import ingest_folder

    with _open() as wh:
        with console.status("ingesting") as status:
            report = ingest_folder(wh, folder, props_seed=props_seed,
                                   on_file=lambda f: status.update(f"ingesting {f}"))
    t = Table(title=f"ingest {report.folder}")
    for c in ("file", "table", "read", "loaded", "unchanged", "duplicate", "superseded", "rejected"):
        t.add_column(c, justify="left" if c in ("file", "table") else "right")
    for f in report.files:
        t.add_row(f.file, f.target, f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_unchanged:,}",
                  f"{f.rows_duplicate:,}", f"{f.rows_superseded:,}", f"{f.rows_rejected:,}")
    console.print(t)
    counts = Table(title="warehouse row counts")
    counts.add_column("table")
    counts.add_column("rows", justify="right")
    for name, n in report.table_counts.items():
        counts.add_row(name, f"{n:,}")
    console.print(counts)
    console.print(f"synthetic prop snapshots: {report.props_generated:,} generated, {report.props_changed:,} written")
    console.print(f"rejected rows this ingest: {report.rows_rejected:,} "
                  f"(processing.rejected_rows holds {report.rejected_total:,}; see `nbaprops sql` or export)")
    for name in report.ignored:
        console.print(f"[yellow]skipped[/] {name}: season aggregates are not loaded (they describe the whole season)")
    for name in report.unrecognised:
        console.print(f"[yellow]skipped[/] {name}: not a recognised file name")


# --------------------------------------------------------------------------------------------
def _run(start: date, end: date, only, start_from, chunk: str) -> None:
    from .runner.backfill import backfill

    with _open() as wh:
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=False)
        tasks: dict[str, int] = {}
        with progress:
            result = backfill(
                wh, start, end, only=only or None, start_from=start_from, chunk_mode=chunk,
                on_model_start=lambda m, n: tasks.__setitem__(m.name, progress.add_task(m.name, total=n)),
                on_progress=lambda name, c, r: progress.advance(tasks[name]))
    t = Table(title=f"run {result.run_id}: {start} .. {end} (chunks: {chunk})")
    for c in ("model", "status", "chunks", "rows", "failures", "compute s", "write s"):
        t.add_column(c, justify="left" if c in ("model", "status") else "right")
    for m in result.models:
        t.add_row(m.model, m.status, str(m.chunks), f"{m.rows:,}", f"{m.failures:,}",
                  f"{m.compute_seconds:.2f}", f"{m.write_seconds:.2f}")
    console.print(t)
    if not result.ok:
        raise typer.Exit(1)


@app.command("backfill")
def backfill_cmd(
    start_date: str = typer.Option(..., "--start-date", help="First date to compute (YYYY-MM-DD)."),
    end_date: str = typer.Option(..., "--end-date", help="Last date to compute (YYYY-MM-DD)."),
    only: Optional[list[str]] = typer.Option(None, "--only", help="Run only these models (repeatable)."),
    start_from: Optional[str] = typer.Option(None, "--start-from", help="Start at this model and run everything after it."),
    chunk: str = typer.Option("all", "--chunk", help="Chunking: all | season | month | date. Results do not depend on it."),
) -> None:
    """Compute every model in dependency order over a date range, set-based per chunk."""
    s, e = _date(start_date, "--start-date"), _date(end_date, "--end-date")
    if chunk not in ("all", "season", "month", "date"):
        raise BadInputError(f"--chunk must be all, season, month or date, got {chunk!r}")
    _run(s, e, only, start_from, chunk)


@app.command("run")
def run_cmd(date_: Optional[str] = typer.Option(None, "--date", help="The date to compute (default: the latest date with games).")) -> None:
    """The daily update: compute one date for every model (ingests nothing itself)."""
    d = _date(date_, "--date")
    if d is None:
        with _open(read_only=True) as wh:
            d = wh.con.execute("SELECT max(game_date) FROM raw.schedule WHERE season_type <> 'Pre Season'").fetchone()[0]
        if d is None:
            raise BadInputError("the schedule is empty: run `nbaprops ingest` first")
    _run(d, d, None, None, "date")


# --------------------------------------------------------------------------------------------
@app.command()
def status() -> None:
    """Per model: rows, covered dates and gaps against the schedule's game dates."""
    from .catalog import Catalog
    from .warehouse import quote_ident, quote_table

    catalog = Catalog.load()
    with _open(read_only=True) as wh:
        t = Table(title=f"status of {wh.path}")
        for c in ("model", "rows", "first date", "last date", "dates", "schedule dates in span", "gaps"):
            t.add_column(c, justify="left" if c == "model" else "right")
        for m in catalog.ordered():
            if not wh.table_exists(m.table):
                t.add_row(m.table, "-", "-", "-", "0", "-", "not built")
                continue
            tc = quote_ident(m.time_column)
            n, lo, hi, nd = wh.con.execute(
                f"SELECT count(*), min({tc}), max({tc}), count(DISTINCT {tc}) FROM {quote_table(m.table)}").fetchone()
            expected = wh.con.execute(
                "SELECT count(DISTINCT game_date) FROM raw.schedule WHERE season_type <> 'Pre Season' "
                "AND game_date BETWEEN ? AND ?", [lo, hi]).fetchone()[0] if lo else 0
            t.add_row(m.table, f"{n:,}", str(lo or "-"), str(hi or "-"), f"{nd:,}", f"{expected:,}",
                      str(max(expected - nd, 0)))
        console.print(t)


@app.command()
def history(limit: int = typer.Option(30, help="How many runs to show.")) -> None:
    """Recent model runs from reference.processor_run_history."""
    with _open(read_only=True) as wh:
        rows = wh.con.execute(
            "SELECT run_id, model, status, start_date, end_date, chunks, rows_written, failures_written, "
            "duration_seconds, compute_seconds, write_seconds, error FROM reference.processor_run_history "
            "ORDER BY started_at DESC LIMIT ?", [limit]).fetchall()
    t = Table(title="run history (newest first)")
    for c in ("run", "model", "status", "from", "to", "chunks", "rows", "failures", "seconds", "compute", "write", "error"):
        t.add_column(c)
    for r in rows:
        t.add_row(*[("" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))) for v in r])
    console.print(t)


@app.command()
def failures() -> None:
    """Phase 4 failures by processor, category and week of season."""
    with _open(read_only=True) as wh:
        rows = wh.con.execute("""
            WITH openers AS (SELECT season_year, min(game_date) AS opening FROM raw.schedule
                             WHERE season_type = 'Regular Season' GROUP BY 1),
                 f AS (SELECT f.*, (SELECT max(o.season_year) FROM openers o WHERE o.opening <= f.analysis_date) AS season_year
                       FROM processing.precompute_failures f)
            SELECT f.processor_name, f.failure_category, f.season_year,
                   (datediff('day', o.opening, f.analysis_date) // 7) + 1 AS season_week, count(*)
            FROM f LEFT JOIN openers o USING (season_year)
            GROUP BY ALL ORDER BY 1, 2, 3, 4""").fetchall()
    t = Table(title="precompute failures by processor, category and season week")
    for c in ("processor", "category", "season", "week", "failures"):
        t.add_column(c, justify="right" if c in ("week", "failures") else "left")
    for r in rows:
        t.add_row(r[0], r[1], str(r[2]), str(r[3]), f"{r[4]:,}")
    console.print(t if rows else "no failures recorded")


@app.command()
def export(
    table: str = typer.Argument(..., help="schema.table, e.g. predictions.ml_feature_store_v2"),
    out: Path = typer.Option(..., "--out", help="Parquet file to write."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Only rows on or after this date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Only rows on or before this date."),
) -> None:
    """Write a table (optionally a date range of it) to a Parquet file."""
    from .catalog import Catalog, SOURCE_TABLES
    from .warehouse import quote_ident, quote_table

    s, e = _date(start_date, "--start-date"), _date(end_date, "--end-date")
    catalog = Catalog.load()
    known = {m.table: m.time_column for m in catalog.ordered()}
    known.update({t: None for t in SOURCE_TABLES})
    if table not in known:
        raise BadInputError(f"unknown table {table!r}; tables: {', '.join(sorted(known))}")
    with _open(read_only=True) as wh:
        if not wh.table_exists(table):
            raise BadInputError(f"table {table} has not been built yet: run `nbaprops backfill` first")
        where, params = [], []
        tc = known[table]
        if (s or e) and not tc:
            raise BadInputError(f"{table} has no date column to filter on")
        if s:
            where.append(f"{quote_ident(tc)} >= ?")
            params.append(s)
        if e:
            where.append(f"{quote_ident(tc)} <= ?")
            params.append(e)
        sql = f"SELECT * FROM {quote_table(table)}" + (" WHERE " + " AND ".join(where) if where else "")
        out.parent.mkdir(parents=True, exist_ok=True)
        tbl = wh.con.execute(sql, params).to_arrow_table()
    import pyarrow.parquet as pq

    pq.write_table(tbl, out, compression="zstd")
    console.print(f"wrote {tbl.num_rows:,} rows of {table} to {out}")


def main() -> None:
    try:
        app(standalone_mode=False)
    except NbapropsError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise


if __name__ == "__main__":
    main()
