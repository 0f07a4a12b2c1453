"""The `nbaprops` command line: parse arguments, call one function, render the result with Rich.

Exit codes: 0 success, 1 a check or run failed, 2 bad input or usage, 130 interrupted.
One module per command (or family of commands); this one holds the app, the global options
and the error handling that turns every failure into one line and an exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .. import __version__
from ..errors import NbapropsError
from ..warehouse import is_interrupt
from . import (
    backfill,
    backtest,
    export,
    failures,
    features,
    generate,
    ingest,
    predict,
    rejected,
    report,
    results,
    sql,
    status,
    validate,
)
from .common import STATE, console, err, quiet_exit
from .fetch import fetch_cmd
from .helptext import Command, Group

app = typer.Typer(
    name="nbaprops",
    help="Point-in-time NBA player-points features: ingest raw data, backfill the Phase 3/4 tables "
    "and the feature store set-based over whole date ranges, and inspect the results.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's plain help, re-flowed (helptext): Rich's help panels cut text with '…' at 80
    # columns and pad every line in a pipe
    rich_markup_mode=None,
    cls=Group,
)


def _print_version(value: bool) -> None:
    """--version is eager: it answers while the arguments are parsed, before click asks for a command."""
    if value:
        console.print(f"nbaprops {__version__}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _main(
    warehouse: Path | None = typer.Option(
        None,
        "--warehouse",
        envvar="NBAPROPS_WAREHOUSE",
        help="DuckDB warehouse file (default ./warehouse/nbaprops.duckdb).",
    ),
    memory_limit: str | None = typer.Option(
        None,
        "--memory-limit",
        envvar="NBAPROPS_MEMORY_LIMIT",
        help="Cap DuckDB's memory, e.g. 1536MB (default: DuckDB's own, 80 % of RAM); bigger work spills "
        "to a temp folder beside the warehouse.",
    ),
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version, help="Print the version and exit."
    ),
) -> None:
    STATE.warehouse = warehouse
    STATE.memory_limit = memory_limit


# Registered in this order, the order `nbaprops --help` lists them in.
app.command("fetch", cls=Command)(fetch_cmd)
app.command("ingest", cls=Command)(ingest.ingest)
app.command("backfill", cls=Command)(backfill.backfill_cmd)
app.command("run", cls=Command)(backfill.run_cmd)
app.command("status", cls=Command)(status.status)
app.command("history", cls=Command)(status.history)
app.command("failures", cls=Command)(failures.failures)
app.command("features", cls=Command)(features.features_cmd)
app.command("rejected", cls=Command)(rejected.rejected_cmd)
app.command("export", cls=Command)(export.export)
app.command("generate", cls=Command)(generate.generate)
app.command("sql", cls=Command)(sql.sql_cmd)
app.command("validate", cls=Command)(validate.validate_cmd)
app.command("report", cls=Command)(report.report_cmd)
app.command("backtest", cls=Command)(backtest.backtest_cmd)
app.command("train", cls=Command)(backtest.train_cmd)
app.command("predict", cls=Command)(predict.predict_cmd)
app.command("results", cls=Command)(results.results_cmd)


def _fail(message: object, code: int) -> None:
    """One line on stderr (Rich markup in the message is not interpreted, long lines do not wrap)."""
    from rich.text import Text

    line = " ".join(str(message).split()) or "unknown error"
    err.print(Text.assemble(("error: ", "red"), line), soft_wrap=True, highlight=False)
    sys.exit(code)


INTERRUPTED = 130  # the shell's code for a process ended by Ctrl-C (SIGINT)


def _interrupted() -> None:
    err.print(
        "[yellow]interrupted[/]: what was committed before is kept and the transaction it cut short "
        "was rolled back (a backfill commits chunk by chunk); run the command again to finish"
    )
    sys.exit(INTERRUPTED)


def main() -> None:
    import os

    import duckdb

    try:
        # with standalone_mode=False click returns (not raises) the code of a typer.Exit
        code = app(prog_name="nbaprops", standalone_mode=False)
        if code == INTERRUPTED:  # typer turns a KeyboardInterrupt into Exit(130)
            _interrupted()
        if isinstance(code, int) and code:
            sys.exit(code)
    except BrokenPipeError:  # a reader that stopped early (`| head`): exit 0, as the shell's tools do
        quiet_exit()
    except NbapropsError as exc:
        _fail(exc, exc.exit_code)
    except typer.Exit as exc:
        if exc.exit_code == INTERRUPTED:
            _interrupted()
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _interrupted()
    except Exception as exc:  # click usage errors and the like
        if is_interrupt(exc):  # Ctrl-C inside a DuckDB query
            _interrupted()
        try:
            import click  # type: ignore[import-not-found]  # absent where typer bundles its own
        except ImportError:  # typer bundles its own click
            from typer import _click as click

        if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # `nbaprops` alone: the help
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.ClickException):
            _usage_error(exc)
        if os.environ.get("NBAPROPS_DEBUG"):
            raise
        if isinstance(exc, (duckdb.Error, OSError)):  # e.g. disk full: no traceback, exit 1
            _fail(f"{type(exc).__name__}: {_first_and_cause(exc)} (set NBAPROPS_DEBUG=1 for the traceback)", 1)
        raise


def _usage_error(exc) -> None:
    """A click usage error (an unknown option or command, a missing or invalid value) as one line,
    `nbaprops: error: <what> (see `nbaprops CMD --help`)`, exit 2 — instead of click's three
    lines (Usage / Try / Error)."""
    from rich.text import Text

    message = " ".join(exc.format_message().split()).rstrip(".") or "bad usage"
    ctx = getattr(exc, "ctx", None)
    names: list[str] = []
    if ctx is not None:
        while ctx.parent is not None:
            names.insert(0, ctx.info_name or "")
            ctx = ctx.parent
    else:  # raised while the options were parsed, before a context knew the command
        commands = {c.name for c in app.registered_commands}
        names = [a for a in sys.argv[1:] if a in commands][:1]
    hint = " (see `" + " ".join(["nbaprops", *names, "--help"]) + "`)"
    err.print(Text.assemble(("nbaprops: error: ", "red"), message + hint), soft_wrap=True, highlight=False)
    sys.exit(2)


def _first_and_cause(exc: Exception) -> str:
    """The first line of an error, plus DuckDB's 'Original error' line when it has one (a fatal
    error names its real cause, e.g. a full disk, only there)."""
    lines = [ln.strip() for ln in str(exc).strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    cause = next((ln for ln in lines[1:] if "original error" in ln.lower()), None)
    return lines[0] + (f" — {cause}" if cause else "")
