"""`nbaprops backfill` (a date range) and `nbaprops run` (the daily update): both run the
models through the runner and show its plan or its summary."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import BadInputError, RunFailedError
from ..warehouse import Warehouse
from .common import STATE, check_models, console, err, model_names, open_warehouse, parse_date, parse_date_range
from .run_tables import print_plan, print_preflight, print_summary


def _run_models(
    start: date,
    end: date,
    only,
    start_from,
    chunk: str,
    *,
    force: bool = False,
    no_resume: bool = False,
    dry_run: bool = False,
    daily: bool = False,
    preflight: bool = True,
    parallel: bool = True,
    idle_note: str | None = None,
    wh: Warehouse | None = None,
) -> None:
    """Run the runner and render its plan or summary. `idle_note` (a daily run on a day without
    games): printed instead of the summary when the run computed nothing, else after it. `wh`:
    the warehouse, already open (read-only is enough for a dry run); else it is opened here."""
    from ..runner.backfill import backfill

    opened = contextlib.nullcontext(wh) if wh is not None else open_warehouse(read_only=dry_run)
    if dry_run:
        with opened as wh:
            result = backfill(
                wh,
                start,
                end,
                only=only or None,
                start_from=start_from,
                chunk_mode=chunk,
                force=force,
                no_resume=no_resume,
                dry_run=True,
                daily=daily,
                preflight=preflight,
                parallel=parallel,
            )
        if idle_note and not any(p.chunks for p in result.plans):
            console.print(idle_note, highlight=False)
            return
        print_plan(result)
        print_preflight(result.preflight)
        return
    with opened as wh:
        # the daily run's summary table follows: its progress is not kept (and not printed in a pipe)
        progress = _LiveProgress(daily) if console.is_terminal else _PlainProgress(quiet=daily)
        with progress:
            result = backfill(
                wh,
                start,
                end,
                only=only or None,
                start_from=start_from,
                chunk_mode=chunk,
                force=force,
                no_resume=no_resume,
                daily=daily,
                preflight=preflight,
                parallel=parallel,
                on_model_start=progress.started,
                on_progress=progress.advanced,
            )
    if idle_note and result.ok and all(m.status == "skipped" for m in result.models):
        checked = max((m.dates_skipped for m in result.models), default=0)
        console.print(
            idle_note
            + (f"; the {checked:,} dates computed before are up to date" if checked else "; nothing to compute"),
            highlight=False,
        )
        return
    print_summary(result)
    if idle_note:
        console.print(f"[yellow]note:[/] {escape(idle_note)}", highlight=False)
    stopped = result.preflight is not None and not result.preflight.ok
    if stopped:
        print_preflight(result.preflight)
    if not result.ok:
        for e in result.errors:
            err.print(f"[red]failed:[/] {escape(e)}", highlight=False)
        # raised, not typer.Exit(1): main() runs the app with standalone_mode=False, where
        # click returns an Exit's code instead of exiting with it
        if stopped:
            raise RunFailedError(
                "the backfill stopped at the pre-flight: Phase 3 covers less than 95 % of the scheduled game "
                "dates (see the table); a re-run stops the same way until the missing box scores are ingested, "
                "or run it with --skip-preflight to compute Phase 4 with the holes flagged as MISSING_DEPENDENCY"
            )
        raise RunFailedError(
            "the run failed; failed chunks were rolled back and are retried by the next run (see `nbaprops history`)"
        )


def _start_note(plan, short: bool = False) -> str:
    """What a model's run is about to do (`short`: for the live bar's cell)."""
    n = len(plan.chunks)
    if plan.blocked:
        return "[red]not run[/] (why: below)" if short else f"not run: {plan.blocked}"
    if n:
        return (
            f"{len(plan.pending):,} of {len(plan.dates):,} dates"
            if short
            else f"{len(plan.pending):,} dates to compute, {plan.skipped:,} unchanged"
        )
    return (
        f"{'all' if short else 'skipped: all'} {len(plan.dates):,} dates unchanged"
        if plan.dates
        else "no dates to compute"
    )


class _LiveProgress:
    """On a terminal: a live bar per model (model, bar, chunks done, note, time), transient for
    the daily run. Its cells fit an 80-column terminal."""

    def __init__(self, transient: bool) -> None:
        from rich.table import Column

        from .common import model_names

        name_width = max(len(n) for n in model_names())
        self.progress = Progress(
            TextColumn("{task.description}", table_column=Column(no_wrap=True, min_width=name_width)),
            BarColumn(bar_width=10),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}", table_column=Column(overflow="fold")),  # may wrap, never cut
            TimeElapsedColumn(),
            console=console,
            transient=transient,
            expand=False,
        )
        self.tasks: dict[str, TaskID] = {}

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def started(self, model, plan) -> None:
        n = len(plan.chunks)
        self.tasks[model.name] = self.progress.add_task(
            model.name, total=max(n, 1), completed=0 if n else 1, note=_start_note(plan, short=True)
        )

    def advanced(self, name, chunk, result, error) -> None:
        note = f"[red]{chunk.end} failed[/]" if error else f"{chunk.end} {result.rows:,} rows"
        self.progress.update(self.tasks[name], advance=1, note=note)


class _PlainProgress:
    """Not a terminal (a pipe, a file, a cron log): one plain line per finished chunk (model,
    dates, rows, seconds) and per model with nothing to compute; no bar, nothing cut. `quiet`
    (the daily run, whose summary table follows): nothing."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.chunks: dict[str, tuple[int, int]] = {}  # model -> (chunks done, chunks planned)
        self.clock: dict[str, float] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def _line(self, *parts: str) -> None:
        if not self.quiet:
            from rich.text import Text

            console.print(Text("  ".join(parts)), soft_wrap=True, highlight=False)

    def started(self, model, plan) -> None:
        import time

        self.chunks[model.name] = (0, len(plan.chunks))
        self.clock[model.name] = time.perf_counter()
        if plan.blocked or not plan.chunks:
            self._line(model.name, _start_note(plan))

    def advanced(self, name, chunk, result, error) -> None:
        import time

        now = time.perf_counter()
        seconds, self.clock[name] = now - self.clock.get(name, now), now
        done, total = self.chunks.get(name, (0, 1))
        done += 1
        self.chunks[name] = (done, total)
        n = len(chunk.dates)
        parts = [name, str(chunk), f"{n:,} date{'s' if n != 1 else ''}"]
        if total > 1:
            parts.append(f"chunk {done}/{total}")
        parts.append("failed, rolled back" if error else f"{result.rows:,} rows")
        parts.append(f"{seconds:.1f} s")
        self._line(*parts)


_MODELS = ", ".join(model_names())


def _choice(value: str, option: str, choices) -> str:
    """An option's value among `choices`, in any case; else one line naming them (exit 2)."""
    v = value.strip().lower()
    if v not in choices:
        raise BadInputError(f"{option} must be one of {', '.join(choices)}, got {value!r}")
    return v


def backfill_cmd(
    start_date: str = typer.Option(..., "--start-date", help="First date to compute (YYYY-MM-DD)."),
    end_date: str = typer.Option(..., "--end-date", help="Last date to compute (YYYY-MM-DD)."),
    only: list[str] | None = typer.Option(
        None,
        "--only",
        help="Run only these models: repeat the option or "
        "separate names with commas (--only player_daily_cache,ml_feature_store_v2); "
        "any case, bare or schema.table. Models: " + _MODELS + ".",
    ),
    start_from: str | None = typer.Option(
        None,
        "--start-from",
        help="Start at this model and run everything after "
        "it in the run order (see --dry-run); one of the models --only lists.",
    ),
    chunk: str = typer.Option(
        "auto",
        "--chunk",
        help="auto | all | season | month | date (any case): how pending dates are grouped into one "
        "query + transaction each. Results do not depend on it. 'all' is one chunk per "
        "contiguous run of pending dates (the fastest); 'auto' is the same, split every "
        "4 seasons so decades of history stay within memory.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Print the plan (models, chunks, what is skipped and why); write nothing."
    ),
    force: bool = typer.Option(
        False, "--force", help="Recompute every date in the range, whatever the saved state says."
    ),
    no_resume: bool = typer.Option(
        False,
        "--no-resume",
        help="Forget the saved state of the selected models over the range, then recompute it "
        "(an interrupted --no-resume run resumes where it stopped).",
    ),
    engine: str = typer.Option(
        "duckdb",
        "--engine",
        help="duckdb | spark | bigquery (any case): where the models run "
        "(spark: local PySpark, Parquet tables in --out; bigquery: --project, --dataset-prefix).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="spark/bigquery: output / staging folder (default: <warehouse folder>/<engine>)."
    ),
    project: str | None = typer.Option(None, "--project", help="bigquery: the Google Cloud project."),
    dataset_prefix: str | None = typer.Option(
        None, "--dataset-prefix", help="bigquery: datasets are <prefix>_raw, <prefix>_analytics, ..."
    ),
    skip_preflight: bool = typer.Option(
        False, "--skip-preflight", help="Run Phase 4 even when Phase 3 covers < 95 % of the schedule's game dates."
    ),
) -> None:
    """Compute every model in dependency order over a date range, set-based per chunk.

    Dates already done with unchanged inputs are skipped (per model and date, a fingerprint of
    everything the date reads through its lookback); failed and interrupted work is redone."""
    from ..engines import ENGINES
    from ..runner.plan import CHUNK_MODES

    chunk = _choice(chunk, "--chunk", CHUNK_MODES)
    engine = _choice(engine, "--engine", ENGINES)
    only = check_models([name for value in only or [] for name in value.split(",") if name.strip()], "--only")
    start_from = check_models([start_from], "--start-from")[0] if start_from is not None else None
    s, e = parse_date_range(start_date, end_date)
    if engine != "duckdb":
        from .. import engines

        result = engines.run(
            engine,
            warehouse=STATE.warehouse,
            start=s,
            end=e,
            chunk=chunk,
            only=only or None,
            start_from=start_from,
            dry_run=dry_run,
            out=out,
            project=project,
            dataset_prefix=dataset_prefix,
        )
        console.print(engines.summary(result))
        if not result.ok:
            raise RunFailedError("; ".join(result.errors) or f"the {engine} run failed")
        return
    _run_models(
        s, e, only, start_from, chunk, force=force, no_resume=no_resume, dry_run=dry_run, preflight=not skip_preflight
    )


def run_cmd(
    date_: str | None = typer.Option(
        None,
        "--date",
        help="Compute this one date (and the changed dates) instead of bringing the warehouse up to date as of today.",
    ),
    today: str | None = typer.Option(
        None,
        "--today",
        envvar="NBAPROPS_TODAY",
        help="Take this date as today (default: today's date in US Eastern "
        "time); for replays and tests. Not used with --date.",
    ),
    force: bool = typer.Option(False, "--force", help="Recompute the run's dates even if their inputs are unchanged."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the plan; write nothing."),
) -> None:
    """The daily update: bring the warehouse up to date as of today (US Eastern time).

    Without --date: every scheduled game date up to today that was never computed, oldest first, then today's games.
    With --date D: D only (a note counts the earlier game dates never computed).
    Both: every date already computed whose inputs changed since (e.g. yesterday's corrected box scores).
    A day without games says "no games scheduled on D". When the schedule ends before today, the run says so: fetch and ingest a newer schedule.
    Ingests nothing itself."""  # noqa: E501 - Typer shows the docstring's line breaks as written in --help
    from ..runner.daily import parse_today, plan_daily

    d = parse_date(date_, "--date")
    t = parse_today(today) if d is None else None
    # one open for the plan and the run (opening and closing a warehouse costs ~0.1 s)
    with open_warehouse(read_only=dry_run, create=False) as wh:
        plan = plan_daily(wh, on=d, today=t)
        for note in plan.notes():
            console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
        _run_models(
            plan.start,
            plan.end,
            None,
            None,
            "auto",
            force=force,
            dry_run=dry_run,
            daily=True,
            parallel=plan.parallel,
            idle_note=plan.no_games_note(),
            wh=wh,
        )
    ended = plan.schedule_note()
    if ended:
        console.print(f"[yellow]note:[/] {escape(ended)}", highlight=False)
