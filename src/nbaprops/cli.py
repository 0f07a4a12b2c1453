"""The `nbaprops` command line: parse arguments, call one function, render the result with Rich.

Exit codes: 0 success, 1 a check or run failed, 2 bad input or usage."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__
from .errors import BadInputError, NbapropsError, RunFailedError
from .warehouse import Warehouse, is_interrupt, resolve_path

app = typer.Typer(
    name="nbaprops",
    help="Point-in-time NBA player-points features: ingest raw data, backfill the Phase 3/4 tables "
         "and the feature store set-based over whole date ranges, and inspect the results.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True)


class _State:
    warehouse: Optional[Path] = None
    memory_limit: Optional[str] = None


STATE = _State()


@app.callback()
def _main(
    warehouse: Optional[Path] = typer.Option(
        None, "--warehouse", envvar="NBAPROPS_WAREHOUSE",
        help="DuckDB warehouse file (default ./warehouse/nbaprops.duckdb)."),
    memory_limit: Optional[str] = typer.Option(
        None, "--memory-limit", envvar="NBAPROPS_MEMORY_LIMIT",
        help="Cap DuckDB's memory, e.g. 1536MB (default: DuckDB's own, 80 % of RAM); bigger work spills "
             "to a temp folder beside the warehouse."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        console.print(f"nbaprops {__version__}")
        raise typer.Exit(0)
    STATE.warehouse = warehouse
    STATE.memory_limit = memory_limit


def _date(value: Optional[str], name: str) -> Optional[date]:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BadInputError(f"{name} must be a date like 2024-01-31, got {value!r}") from None


def _date_range(start_date: Optional[str], end_date: Optional[str]) -> tuple[Optional[date], Optional[date]]:
    """--start-date and --end-date, either may be absent; a start after the end is an error."""
    s, e = _date(start_date, "--start-date"), _date(end_date, "--end-date")
    if s and e and s > e:
        raise BadInputError(f"--start-date {s} is after --end-date {e}")
    return s, e


def _open(read_only: bool = False) -> Warehouse:
    return Warehouse.open(STATE.warehouse, read_only=read_only, memory_limit=STATE.memory_limit)


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
    A correction is never partial: a game (or key) already loaded keeps its previous version
    when any new row of it is rejected, its new rows are quarantined as a refused correction,
    and the ingest exits 1 after loading everything else.
    Re-running the same ingest changes nothing."""
    from .ingest import ingest_folder

    with _open() as wh:
        with console.status("ingesting") as status:
            report = ingest_folder(wh, folder, props_seed=props_seed,
                                   on_file=lambda f: status.update(f"ingesting {f}"))
    t = Table(title=f"ingest {report.folder}")
    for c in ("file", "table", "read", "loaded", "unchanged", "duplicate", "superseded", "rejected", "refused"):
        t.add_column(c, justify="left" if c in ("file", "table") else "right")
    for f in report.files:
        t.add_row(f.file, f.target, f"{f.rows_read:,}", f"{f.rows_loaded:,}", f"{f.rows_unchanged:,}",
                  f"{f.rows_duplicate:,}", f"{f.rows_superseded:,}", f"{f.rows_rejected:,}", f"{f.rows_refused:,}")
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
        console.print(f"[yellow]skipped[/] {escape(name)}: season aggregates are not loaded (they describe the whole season)")
    for name in report.unrecognised:
        console.print(f"[yellow]skipped[/] {escape(name)}: not a recognised file name")
    refused = [f for f in report.files if f.rows_refused]
    if refused:
        for f in refused:
            units = ", ".join(f.refused[:5]) + (f" and {len(f.refused) - 5} more" if len(f.refused) > 5 else "")
            console.print(f"[red]correction refused[/] {escape(f.file)}: {escape(units)} keep their previous "
                          f"version ({f.rows_refused:,} new rows quarantined)")
        console.print("[red]some corrections were refused[/]: fix the rejected rows (processing.rejected_rows) "
                      "and ingest again; everything else was loaded")
        raise typer.Exit(1)


# --------------------------------------------------------------------------------------------
def _secs(x: float) -> str:
    return f"{x:.2f}"


def _print_plan(result) -> None:
    from .runner.plan import fmt_ranges

    t = Table(title=f"dry run: {result.start} .. {result.end} (chunks: {result.chunk_mode}) — nothing written")
    for c in ("#", "model", "dates", "to compute (why)", "skip (why)", "chunks"):
        t.add_column(c, justify="right" if c in ("#", "dates") else "left", overflow="fold")
    for i, p in enumerate(result.plans, 1):
        why = ", ".join(f"{n} {r}" for r, n in sorted(p.reasons().items())) or "0"
        skip = f"{p.skipped} inputs unchanged" if p.skipped else "0"
        chunks = fmt_ranges([(c.start, c.end) for c in p.chunks])
        if p.chunks:
            chunks = f"{len(p.chunks)}: {chunks}"
        t.add_row(str(i), p.model.table, f"{len(p.dates):,}", why, skip, chunks or "-")
    console.print(t)
    console.print("[dim]'upstream pending' dates are recomputed only if the upstream model's rows for the "
                  "dates in their lookback actually change.[/]")


# A model run's status (run summary, history).
STATUS_STYLE = {"success": "green", "skipped": "dim", "failed": "red", "killed": "red", "running": "yellow",
                "pending": "yellow"}


def _print_summary(result) -> None:
    t = Table(title=f"{result.trigger} {result.run_id}: {result.start} .. {result.end} "
                    f"(chunks: {result.chunk_mode}, {result.seconds:.2f} s)")
    for c in ("model", "status", "computed", "skipped", "chunks", "rows", "failures", "read/compute/write s", "total s"):
        t.add_column(c, justify="left" if c in ("model", "status") else "right",
                     no_wrap=c in ("model", "status"), overflow="fold")
    for m in result.models:
        t.add_row(m.model, Text(m.status, style=STATUS_STYLE.get(m.status, "")),
                  f"{m.dates_computed:,}" + (f" ({m.dates_failed:,} failed)" if m.dates_failed else ""),
                  f"{m.dates_skipped:,}", f"{m.chunks}", f"{m.rows:,}", f"{m.failures:,}",
                  f"{_secs(m.read_seconds)}/{_secs(m.compute_seconds)}/{_secs(m.write_seconds)}", _secs(m.seconds))
    console.print(t)
    for m in result.models:
        if m.reasons and m.status != "skipped":
            console.print(f"  {m.model}: computed " + ", ".join(f"{n} {r}" for r, n in sorted(m.reasons.items()))
                          + (f"; skipped {m.dates_skipped} with unchanged inputs" if m.dates_skipped else ""))
        elif m.status == "skipped":
            console.print(f"  {m.model}: skipped — {m.skip_reason}")
    if result.failures_by_category:
        f = Table(title="failures written by this run (processing.precompute_failures)")
        for c in ("processor", "category", "rows"):
            f.add_column(c, justify="right" if c == "rows" else "left")
        for proc, cat, n in result.failures_by_category:
            f.add_row(proc, cat, f"{n:,}")
        console.print(f)
    if result.interrupted_marked:
        console.print(f"[yellow]note:[/] {result.interrupted_marked} run-history row(s) left 'running' by an "
                      "interrupted earlier run were marked 'killed'; its committed chunks were kept.")


def _print_preflight(pf) -> None:
    """The pre-flight table: Phase 3 coverage of the schedule's game dates, and the dates with gaps."""
    if pf is None:
        return
    from .runner.preflight import MIN_COVERAGE

    t = Table(title=f"pre-flight: Phase 3 coverage of scheduled game dates {pf.start}..{pf.end} "
                    f"(incl. 30 days of lookback; a date is covered when every game has rows; needs >= {MIN_COVERAGE:g} %)")
    numeric = ("game dates", "covered", "coverage", "games covered")
    for c in ("table", *numeric, "dates with gaps (covered/scheduled games)"):
        t.add_column(c, overflow="fold", justify="right" if c in numeric else "left")
    for tc in pf.tables:
        gaps = ", ".join(f"{d} ({c}/{n})" for d, n, c in tc.gaps[:8]) + (f", … {len(tc.gaps) - 8} more" if len(tc.gaps) > 8 else "")
        t.add_row(tc.table, f"{tc.scheduled_dates:,}", f"{tc.covered_dates:,}",
                  f"[{'green' if tc.ok else 'red'}]{tc.pct:.1f} %[/]",
                  f"{tc.covered_games:,} / {tc.scheduled_games:,}", gaps or "none")
    console.print(t)


def _run(start: date, end: date, only, start_from, chunk: str, *, force: bool = False,
         no_resume: bool = False, dry_run: bool = False, daily: bool = False, preflight: bool = True) -> None:
    from .runner.backfill import backfill

    if dry_run:
        with _open(read_only=True) as wh:
            result = backfill(wh, start, end, only=only or None, start_from=start_from, chunk_mode=chunk,
                              force=force, no_resume=no_resume, dry_run=True, daily=daily, preflight=preflight)
        _print_plan(result)
        _print_preflight(result.preflight)
        return
    with _open() as wh:
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[note]}"), TimeElapsedColumn(), console=console,
                            transient=False)
        tasks: dict[str, int] = {}

        def started(model, plan) -> None:
            n = len(plan.chunks)
            note = (f"{len(plan.pending)} dates to compute, {plan.skipped} unchanged" if n
                    else f"skipped: all {len(plan.dates)} dates unchanged")
            if plan.blocked:
                note = f"not run: {plan.blocked}"
            tasks[model.name] = progress.add_task(model.name, total=max(n, 1), completed=0 if n else 1, note=note)

        def advanced(name, c, r, error) -> None:
            note = f"[red]chunk {c} failed[/]" if error else f"chunk {c}: {r.rows:,} rows"
            progress.update(tasks[name], advance=1, note=note)

        with progress:
            result = backfill(wh, start, end, only=only or None, start_from=start_from, chunk_mode=chunk,
                              force=force, no_resume=no_resume, daily=daily, preflight=preflight,
                              on_model_start=started, on_progress=advanced)
    _print_summary(result)
    if result.preflight is not None and not result.preflight.ok:
        _print_preflight(result.preflight)
    if not result.ok:
        for e in result.errors:
            err.print(f"[red]failed:[/] {escape(e)}", highlight=False)
        # raised, not typer.Exit(1): main() runs the app with standalone_mode=False, where
        # click returns an Exit's code instead of exiting with it
        raise RunFailedError("the run failed; failed chunks were rolled back and are retried by the next run "
                             "(see `nbaprops history`)")


@app.command("backfill")
def backfill_cmd(
    start_date: str = typer.Option(..., "--start-date", help="First date to compute (YYYY-MM-DD)."),
    end_date: str = typer.Option(..., "--end-date", help="Last date to compute (YYYY-MM-DD)."),
    only: Optional[list[str]] = typer.Option(None, "--only", help="Run only these models: repeat the option or "
                                             "separate names with commas (--only player_daily_cache,ml_feature_store_v2)."),
    start_from: Optional[str] = typer.Option(None, "--start-from", help="Start at this model and run everything after it."),
    chunk: str = typer.Option("auto", "--chunk",
                              help="auto | all | season | month | date: how pending dates are grouped into one "
                                   "query + transaction each. Results do not depend on it. 'all' is one chunk per "
                                   "contiguous run of pending dates (the fastest); 'auto' is the same, split every "
                                   "4 seasons so decades of history stay within memory."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan (models, chunks, what is skipped and why); write nothing."),
    force: bool = typer.Option(False, "--force", help="Recompute every date in the range, whatever the saved state says."),
    no_resume: bool = typer.Option(False, "--no-resume",
                                   help="Forget the saved state of the selected models over the range, then recompute it "
                                        "(an interrupted --no-resume run resumes where it stopped)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb | spark | bigquery: where the models run "
                               "(spark: local PySpark, Parquet tables in --out; bigquery: --project, --dataset-prefix)."),
    out: Optional[Path] = typer.Option(None, "--out", help="spark/bigquery: output / staging folder "
                                       "(default: <warehouse folder>/<engine>)."),
    project: Optional[str] = typer.Option(None, "--project", help="bigquery: the Google Cloud project."),
    dataset_prefix: Optional[str] = typer.Option(None, "--dataset-prefix", help="bigquery: datasets are <prefix>_raw, <prefix>_analytics, ..."),
    skip_preflight: bool = typer.Option(False, "--skip-preflight",
                                        help="Run Phase 4 even when Phase 3 covers < 95 % of the schedule's game dates."),
) -> None:
    """Compute every model in dependency order over a date range, set-based per chunk.

    Dates already done with unchanged inputs are skipped (per model and date, a fingerprint of
    everything the date reads through its lookback); failed and interrupted work is redone."""
    s, e = _date_range(start_date, end_date)
    only = [name.strip() for value in only or [] for name in value.split(",") if name.strip()]
    if chunk not in ("auto", "all", "season", "month", "date"):
        raise BadInputError(f"--chunk must be auto, all, season, month or date, got {chunk!r}")
    if engine != "duckdb":
        from . import engines

        result = engines.run(engine, warehouse=STATE.warehouse, start=s, end=e, chunk=chunk, only=only or None,
                             start_from=start_from, dry_run=dry_run, out=out, project=project,
                             dataset_prefix=dataset_prefix)
        console.print(engines.summary(result))
        if not result.ok:
            raise RunFailedError("; ".join(result.errors) or f"the {engine} run failed")
        return
    _run(s, e, only, start_from, chunk, force=force, no_resume=no_resume, dry_run=dry_run,
         preflight=not skip_preflight)


@app.command("run")
def run_cmd(
    date_: Optional[str] = typer.Option(None, "--date", help="The date to compute (default: the latest date with games)."),
    force: bool = typer.Option(False, "--force", help="Recompute the date even if its inputs are unchanged."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
) -> None:
    """The daily update: compute one date for every model, plus any date already computed whose
    inputs changed since (e.g. yesterday's corrected box scores). Ingests nothing itself."""
    d = _date(date_, "--date")
    if d is None:
        with _open(read_only=True) as wh:
            d = wh.con.execute("SELECT max(game_date) FROM raw.schedule WHERE season_type <> 'Pre Season'").fetchone()[0]
        if d is None:
            raise BadInputError("the schedule is empty: run `nbaprops ingest` first")
    _run(d, d, None, None, "auto", force=force, dry_run=dry_run, daily=True)


# --------------------------------------------------------------------------------------------
@app.command()
def status() -> None:
    """Per model: covered date ranges, gaps against the schedule's game dates, stale dates
    (inputs changed since they were computed) and failures per category."""
    from .runner.plan import fmt_ranges
    from .runner.status import model_status

    with _open(read_only=True) as wh:
        rows = model_status(wh)
    t = Table(title=f"status of {resolve_path(STATE.warehouse)}")
    for c in ("model", "rows", "dates done", "covered", "gaps inside", "not yet (before/after)", "stale", "failures"):
        t.add_column(c, justify="right" if c in ("rows", "dates done", "stale") else "left", overflow="fold")
    for s in rows:
        fails = ", ".join(f"{k} {v:,}" for k, v in sorted(s.failures.items())) or "-"
        gaps = f"{len(s.gaps)} ranges: {fmt_ranges(s.gaps)}" if s.gaps else "none"
        t.add_row(s.table, f"{s.rows:,}" if s.built else "not built", f"{s.dates_done:,}", fmt_ranges(s.covered, 4),
                  gaps, f"{s.missing_before:,} / {s.missing_after:,}",
                  f"[yellow]{s.stale:,}[/]" if s.stale else "0", fails)
    console.print(t)


@app.command()
def history(limit: int = typer.Option(30, help="How many model runs to show.")) -> None:
    """Recent model runs from reference.processor_run_history (running, success, failed, skipped,
    killed = the process died mid-run; found and marked by the next run)."""
    with _open(read_only=True) as wh:
        rows = wh.con.execute(
            "SELECT run_id || ' ' || coalesce(trigger, ''), model, status, "
            "CASE WHEN start_date = end_date THEN start_date::VARCHAR ELSE start_date || '..' || end_date END, "
            "dates_computed, dates_skipped, rows_written, failures_written, duration_seconds, "
            "coalesce(error, skip_reason) FROM reference.processor_run_history "
            "ORDER BY started_at DESC, model LIMIT ?", [limit]).fetchall()
    t = Table(title="run history (newest first)")
    for c in ("run", "model", "status", "dates", "computed", "skipped", "rows", "failures", "seconds", "note"):
        t.add_column(c, overflow="fold", no_wrap=c in ("model", "status"),
                     justify="right" if c in ("computed", "skipped", "rows", "failures", "seconds") else "left")
    for r in rows:
        # Text cells: an error message's brackets are shown, never read as Rich markup
        cells = [Text("" if v is None else (f"{v:.2f}" if isinstance(v, float) else
                                            (f"{v:,}" if isinstance(v, int) else str(v)))) for v in r]
        cells[2].stylize(STATUS_STYLE.get(r[2], ""))
        t.add_row(*cells)
    console.print(t if rows else "no runs recorded yet")


@app.command()
def failures(
    start_date: Optional[str] = typer.Option(None, "--start-date", help="Only failures on or after this date."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Only failures on or before this date."),
    on: Optional[str] = typer.Option(None, "--date", help="Only failures of this date (same as equal start and end)."),
    processor: Optional[str] = typer.Option(
        None, "--processor", help="Only this model's failures: its name (player_daily_cache), table or processor name."),
    category: Optional[str] = typer.Option(
        None, "--category", help="Only this category: EXPECTED_INCOMPLETE, INSUFFICIENT_DATA, MISSING_DEPENDENCY."),
    entity: Optional[str] = typer.Option(
        None, "--entity", help="Only this entity: a player_lookup (lebronjames), a team (BOS) or DATE_LEVEL. Lists rows."),
    list_rows: bool = typer.Option(False, "--list", help="List the failure rows with their reasons instead of counts."),
    limit: int = typer.Option(50, "--limit", min=1, help="With --list: at most this many rows (newest first)."),
) -> None:
    """Phase 4 failures: counts by processor, category and week of season, or (--list, --entity)
    the failure rows with their reasons.

    Examples: `nbaprops failures --date 2024-01-10 --category MISSING_DEPENDENCY --list`,
    `nbaprops failures --entity jaysontatum --start-date 2024-01-01`."""
    from .catalog import Catalog
    from .quality.failures import (LISTING_COLUMNS, FailureFilter, check_category, listing, resolve_processor,
                                   summary)

    (s, e), d = _date_range(start_date, end_date), _date(on, "--date")
    if d is not None and (s is not None or e is not None):
        raise BadInputError("--date cannot be combined with --start-date / --end-date")
    flt = FailureFilter(start=d or s, end=d or e, processor=resolve_processor(processor, Catalog.load()),
                        category=check_category(category), entity=entity)
    with _open(read_only=True) as wh:
        if not wh.table_exists("processing.precompute_failures"):
            console.print("no failures recorded (nothing has been backfilled yet)")
            return
        if list_rows or entity is not None:
            rows, total = listing(wh.con, flt, limit)
        else:
            rows, total = summary(wh.con, flt), None
    if not rows:
        console.print("no failures match" if any(vars(flt).values()) else "no failures recorded")
        return
    if total is None:
        t = Table(title="precompute failures by processor, category and season week")
        for c in ("processor", "category", "season", "week", "failures"):
            t.add_column(c, justify="right" if c in ("week", "failures") else "left")
        for r in rows:
            t.add_row(r[0], r[1], str(r[2]), str(r[3]), f"{r[4]:,}")
        console.print(t)
        return
    t = Table(title=f"precompute failures ({min(len(rows), total):,} of {total:,}, newest first)")
    for c in LISTING_COLUMNS:
        t.add_column(c, overflow="fold")
    for day, proc, ent, cat, reason, retry, actual, expected in rows:
        games = "" if expected is None else f"{actual} / {expected}"
        t.add_row(str(day), proc, Text(ent), cat, Text(reason), "yes" if retry else "no", games)
    console.print(t)
    if total > len(rows):
        console.print(f"{total - len(rows):,} more: narrow with --date, --processor, --category or --entity, "
                      "or raise --limit")


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

    s, e = _date_range(start_date, end_date)
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


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="Folder to write (created if missing)."),
    seasons: int = typer.Option(4, "--seasons", help="Seasons of the base league."),
    scale: int = typer.Option(1, "--scale", help="Multiplies the history: seasons x scale seasons are written "
                                                 "(scale 1 ≈ the 4 real seasons, ≈ 130 k player-games; 10 ≈ 1.3 M)."),
    seed: int = typer.Option(7, "--seed", help="Random seed: the same seed writes identical files."),
) -> None:
    """Write a deterministic synthetic league in the data/real/ layout (for `nbaprops ingest DIR`)."""
    from .synth.league import generate_league

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


@app.command("sql")
def sql_cmd(
    model: str = typer.Argument(..., help="Model name, e.g. player_game_summary or analytics.player_game_summary."),
    dialect: str = typer.Option("duckdb", "--dialect", help="duckdb | bigquery | spark"),
) -> None:
    """Print a model's SQL translated to another engine's dialect (header comment kept)."""
    from .catalog import Catalog
    from .dialects import DIALECTS, translate

    if dialect not in DIALECTS:
        raise BadInputError(f"--dialect must be one of {', '.join(DIALECTS)}, got {dialect!r}")
    catalog = Catalog.load()
    key = model.split(".")[-1]
    if key not in catalog.models or ("." in model and catalog.models[key].table != model):
        raise BadInputError(f"unknown model {model!r}; models: {', '.join(m.table for m in catalog.ordered())}")
    m = catalog.models[key]
    sys.stdout.write(translate(m.sql, dialect, m.table))


# --------------------------------------------------------------------------------------------
@app.command("validate")
def validate_cmd(
    start_date: Optional[str] = typer.Option(None, "--start-date", help="First date to check (default: the first computed date)."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Last date to check (default: the last computed date)."),
    pit_samples: int = typer.Option(3, "--pit-samples",
                                    help="Dates for the point-in-time spot check (re-run on a copy holding only the "
                                         "world as of each date's morning); 0 skips it."),
) -> None:
    """Check the warehouse: primary keys, Phase 4 universes (a row or a failure per entity and
    date), PROCESSING_ERROR = 0, critical fields, feature ranges, quality scores, coverage against
    the schedule, the failure ramp by season week (warn only) and a point-in-time spot check.
    Exits 1 when any check fails."""
    from .quality.validate import validate

    s, e = _date_range(start_date, end_date)
    if pit_samples < 0:
        raise BadInputError(f"--pit-samples must be 0 or more, got {pit_samples}")
    with _open(read_only=True) as wh:
        with console.status("validating"):
            rep = validate(wh, s, e, pit_samples=pit_samples)
    style = {"pass": "green", "warn": "yellow", "fail": "bold red"}
    span = f"{rep.start} .. {rep.end}" if rep.start else "nothing computed yet"
    t = Table(title=f"validate {rep.warehouse}: {span}")
    t.add_column("check", no_wrap=True)
    t.add_column("status", no_wrap=True)
    t.add_column("count", justify="right", no_wrap=True)
    t.add_column("sample of offending keys", overflow="fold", min_width=24)
    for r in rep.results:
        kind, _, target = r.check.partition(":")
        label = f"{kind}:{target.split('.')[-1]}" if target else kind   # schema dropped for width
        text = "; ".join(r.sample) if r.sample else (r.detail if r.status != "pass" else "")
        t.add_row(label, f"[{style[r.status]}]{r.status}[/]", f"{r.count:,}", escape(text))
    console.print(t)
    for name in ("quality_scores", "failure_ramp", "point_in_time"):
        r = rep.get(name)
        if r is None or not r.rows or (name == "point_in_time" and r.status == "pass"):
            continue
        d = Table(title=name.replace("_", " "))
        for c in r.columns:
            d.add_column(c, overflow="fold")
        for row in r.rows:
            d.add_row(*[(f"[yellow]{v}[/]" if "far off" in str(v) else escape(str(v))) for v in row])
        console.print(d)
    n = rep.counts()
    console.print(f"{n['pass']} passed, {n['warn']} warned, {n['fail']} failed")
    if not rep.ok:
        sys.exit(1)  # not typer.Exit: main() runs the app with standalone_mode=False, which returns it


@app.command("report")
def report_cmd(
    out: Path = typer.Option(..., "--out", help="HTML file to write (self-contained: opens without network)."),
    start_date: Optional[str] = typer.Option(None, "--start-date", help="First date to show (default: all computed dates)."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Last date to show."),
    players: int = typer.Option(40, "--players", help="How many top scorers the player page embeds."),
) -> None:
    """Write one self-contained HTML report: coverage heat map, failures by category and season
    week, run timings, feature distributions and quality tiers per season, and a player page."""
    from .quality.report import write_report

    s, e = _date_range(start_date, end_date)
    if players < 1:
        raise BadInputError(f"--players must be 1 or more, got {players}")
    with _open(read_only=True) as wh:
        with console.status("building the report"):
            info = write_report(wh, out, start=s, end=e, players=players)
    console.print(f"wrote {info.path} ({info.bytes / 1e6:.1f} MB): {info.summary}")


# --------------------------------------------------------------------------------------------
def _bt_table(title: str, rows: list[dict]) -> Table:
    t = Table(title=title)
    cols = (("scope", "scope"), ("games", "n"), ("MAE model", "mae_model"), ("MAE last-10", "mae_last10"),
            ("MAE season", "mae_season_avg"), ("RMSE model", "rmse_model"), ("RMSE last-10", "rmse_last10"),
            ("RMSE season", "rmse_season_avg"), ("games w/ line", "n_line"),
            ("MAE model (line rows)", "mae_model_line_rows"), ("MAE line", "mae_line"),
            ("RMSE model (line rows)", "rmse_model_line_rows"), ("RMSE line", "rmse_line"))
    for head, _ in cols:
        t.add_column(head, justify="left" if head == "scope" else "right")
    for r in rows:
        t.add_row(*[f"{r[k]:,}" if isinstance(r[k], int) else (f"{r[k]:.2f}" if isinstance(r[k], float) else str(r[k]))
                    for _, k in cols])
    return t


@app.command("backtest")
def backtest_cmd(
    start_date: Optional[str] = typer.Option(None, "--start-date",
                                             help="First date to predict (default: the second season's opening night)."),
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Last date to predict (default: the last feature-store date)."),
    min_train_rows: Optional[int] = typer.Option(None, "--min-train-rows",
                                                 help="A monthly block is predicted only with at least this many "
                                                      "labelled rows before it (default 20000)."),
    canary: bool = typer.Option(False, "--canary",
                                help="Also run the leakage canary (same-day points as an input; must look implausibly good)."),
    months: bool = typer.Option(True, "--months/--no-months", help="Print the per-month table."),
    markdown: Optional[Path] = typer.Option(None, "--markdown", help="Also write the results as Markdown to this file."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the structured results as JSON to this file."),
    no_write: bool = typer.Option(False, "--no-write", help="Do not write predictions.player_points_predictions."),
) -> None:
    """Phase 5 baseline: walk-forward backtest of a HistGradientBoosting points model on the
    feature store (fit on every labelled row before each calendar month, predict the month, roll
    forward), against the last-10, season-average and (synthetic) line baselines, with over/under
    calibration. Writes predictions.player_points_predictions (the range replaced in one transaction)."""
    import json

    from .model.backtest import MIN_TRAIN_ROWS, render_markdown, run_backtest

    s, e = _date_range(start_date, end_date)
    mtr = MIN_TRAIN_ROWS if min_train_rows is None else min_train_rows
    if mtr < 1:
        raise BadInputError(f"--min-train-rows must be 1 or more, got {mtr}")
    with _open(read_only=no_write) as wh:
        with console.status("backtest") as st:
            def on_block(b) -> None:
                st.update(f"backtest: {b.block_start:%Y-%m} {b.status} ({b.train_rows:,} training rows, {b.fit_seconds:.1f} s)")
            res = run_backtest(wh, s, e, write=not no_write, min_train_rows=mtr, on_block=on_block)
            leak = None
            if canary:
                st.update("leakage canary")
                leak = run_backtest(wh, res.start, res.end, leak=True, write=False, min_train_rows=mtr)
    t = res.timings
    console.print(f"model {res.model_version}: {t['blocks_predicted']} monthly blocks, {t['total_seconds']:.1f} s "
                  f"(load {t['load_seconds']:.1f}, fit {t['fit_seconds']:.1f}, predict {t['predict_seconds']:.1f}, "
                  f"write {t['write_seconds']:.1f})")
    for b in res.blocks:
        if b.status == "skipped":
            console.print(f"[dim]skipped {b.block_start:%Y-%m}: {escape(str(b.note))}[/]")
    console.print(_bt_table(f"walk-forward backtest {res.start} .. {res.end}",
                            [m for m in res.metrics if m["scope_kind"] in ("overall", "season")]))
    if months:
        console.print(_bt_table("per month", [m for m in res.metrics if m["scope_kind"] == "month"]))
    p = Table(title="over/under probabilities (rows with a line)")
    for c in ("method", "games", "Brier", "Brier base rate", "log loss", "log loss base", "ECE", "pick acc.", "always under"):
        p.add_column(c, justify="left" if c == "method" else "right")
    for kind, sc in res.probability_scores.items():
        p.add_row(kind, f"{sc['n']:,}", f"{sc['brier']:.4f}", f"{sc['brier_base_rate']:.4f}", f"{sc['log_loss']:.4f}",
                  f"{sc['log_loss_base_rate']:.4f}", f"{sc['ece']:.3f}", f"{sc['pick_accuracy']:.3f}",
                  f"{sc['always_under_accuracy']:.3f}")
    console.print(p)
    r = Table(title="reliability: predicted P(over) bin → observed over rate")
    r.add_column("bin")
    for kind in res.calibration:
        for c in ("games", "mean p", "observed"):
            r.add_column(f"{kind}: {c}", justify="right")
    kinds = list(res.calibration)
    for i, b in enumerate(res.calibration[kinds[0]]):
        cells = []
        for k in kinds:
            x = res.calibration[k][i]
            cells += [f"{x['n']:,}"] + [("-" if x[f] != x[f] else f"{x[f]:.3f}") for f in ("mean_predicted", "observed_over_rate")]
        r.add_row(b["bin"], *cells)
    console.print(r)
    for note in res.notes:
        console.print(f"[dim]note: {escape(str(note))}[/]")
    if leak is not None:
        lo, ro = leak.overall, res.overall
        ok = lo["mae_model"] < 1.0 and ro["mae_model"] > 3.0
        console.print(f"leakage canary (label_points as an input): MAE {lo['mae_model']:.2f} vs real features "
                      f"{ro['mae_model']:.2f} — " + ("[green]as expected[/]" if ok else "[red]UNEXPECTED[/]"))
    if not no_write:
        console.print(f"wrote {res.rows_written:,} rows to predictions.player_points_predictions "
                      f"({res.start} .. {res.end} replaced)")
    if markdown:
        markdown.parent.mkdir(parents=True, exist_ok=True)
        markdown.write_text(render_markdown(res, months=months) + ("\n" + render_markdown(leak, months=False) if leak else ""),
                            encoding="utf-8")
        console.print(f"wrote {markdown}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"backtest": res.to_dict(), "canary": leak.to_dict() if leak else None}
        json_out.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        console.print(f"wrote {json_out}")
    if leak is not None and not ok:
        raise typer.Exit(1)


@app.command("train")
def train_cmd(
    end_date: Optional[str] = typer.Option(None, "--end-date", help="Train on labelled rows up to this date (default: all)."),
    holdout_days: int = typer.Option(30, "--holdout-days",
                                     help="Before the final fit, score a model fitted on earlier rows on the last N days."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the model file (default: <warehouse folder>/models)."),
) -> None:
    """Fit the points model (and the over/under classifier) on every labelled feature-store row up
    to --end-date and save it with joblib. Reports one honest holdout and the in-sample error
    (optimistic by construction); `nbaprops backtest` is the real evaluation."""
    from .model.backtest import train_model

    e = _date(end_date, "--end-date")
    if holdout_days < 1:
        raise BadInputError(f"--holdout-days must be 1 or more, got {holdout_days}")
    with _open(read_only=True) as wh:
        with console.status("training"):
            tr = train_model(wh, e, holdout_days=holdout_days, out_dir=out)
    console.print(f"model {tr.model_version}: {tr.train_rows:,} labelled rows through {tr.trained_through} "
                  f"({tr.seconds:.1f} s)")
    if tr.holdout_start:
        console.print(f"holdout {tr.holdout_start} .. (last {holdout_days} days, {tr.holdout_rows:,} games, model fitted "
                      f"before it): MAE {tr.holdout_mae:.2f} vs last-10 average {tr.holdout_mae_last10:.2f}")
    else:
        console.print("[yellow]no holdout[/]: too few rows before or inside the last "
                      f"{holdout_days} days")
    console.print(f"in-sample MAE {tr.in_sample_mae:.2f} (optimistic: the model has seen these games)")
    console.print(f"saved {tr.path}")


def _fail(message: object, code: int) -> None:
    """One line on stderr (Rich markup in the message is not interpreted, long lines do not wrap)."""
    from rich.text import Text

    line = " ".join(str(message).split()) or "unknown error"
    err.print(Text.assemble(("error: ", "red"), line), soft_wrap=True, highlight=False)
    sys.exit(code)


INTERRUPTED = 130   # the shell's code for a process ended by Ctrl-C (SIGINT)


def _interrupted() -> None:
    err.print("[yellow]interrupted[/]: what was committed before is kept and the transaction it cut short "
              "was rolled back (a backfill commits chunk by chunk); run the command again to finish")
    sys.exit(INTERRUPTED)


def main() -> None:
    import os

    import duckdb

    try:
        # with standalone_mode=False click returns (not raises) the code of a typer.Exit
        code = app(standalone_mode=False)
        if code == INTERRUPTED:     # typer turns a KeyboardInterrupt into Exit(130)
            _interrupted()
        if isinstance(code, int) and code:
            sys.exit(code)
    except NbapropsError as exc:
        _fail(exc, exc.exit_code)
    except typer.Exit as exc:
        if exc.exit_code == INTERRUPTED:
            _interrupted()
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
    except Exception as exc:  # click usage errors and the like
        if is_interrupt(exc):   # Ctrl-C inside a DuckDB query
            _interrupted()
        try:
            import click
        except ImportError:  # typer bundles its own click
            from typer import _click as click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        if os.environ.get("NBAPROPS_DEBUG"):
            raise
        if isinstance(exc, (duckdb.Error, OSError)):  # e.g. disk full: no traceback, exit 1
            _fail(f"{type(exc).__name__}: {_first_and_cause(exc)} (set NBAPROPS_DEBUG=1 for the traceback)", 1)
        raise


def _first_and_cause(exc: Exception) -> str:
    """The first line of an error, plus DuckDB's 'Original error' line when it has one (a fatal
    error names its real cause, e.g. a full disk, only there)."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    cause = next((ln for ln in lines[1:] if "original error" in ln.lower()), None)
    return lines[0] + (f" — {cause}" if cause else "")

if __name__ == "__main__":
    main()
