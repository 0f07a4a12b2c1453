"""The tables of a backfill or daily run: the dry-run plan, the run summary and the pre-flight,
through the listings of render.py (fit 80 columns, never cut in a pipe)."""

from __future__ import annotations

from .common import STATUS_STYLE, console
from .render import Col, Listing, emit

PLAN_COLS = (
    Col("step", "#", kind="int"),
    Col("model", keep=True),
    Col("table", wide=True),
    Col("dates", kind="int"),
    Col("to_compute", "to compute (why)"),
    Col("skipped", "skip", kind="int"),
    Col("chunks"),
)


def dates_why(reasons: dict[str, int]) -> str:
    """{reason: dates} as words: '209 requested dates, 1 date with inputs changed'."""
    out = []
    for reason, n in sorted(reasons.items()):
        noun = "date" if n == 1 else "dates"
        word = reason.removesuffix(" date")
        # one word qualifies the dates (new, forced, requested); a phrase follows them
        out.append(f"{n:,} {word} {noun}" if " " not in word else f"{n:,} {noun} with {word}")
    return ", ".join(out)


def print_plan(result, *, wide: bool = False) -> None:
    from ..runner.plan import fmt_ranges

    rows = []
    for i, p in enumerate(result.plans, 1):
        why = dates_why(p.reasons()) or "0"
        chunks = fmt_ranges([(c.start, c.end) for c in p.chunks])
        if p.chunks:
            chunks = f"{len(p.chunks)}: {chunks}"
        rows.append((i, p.model.name, p.model.table, len(p.dates), why, p.skipped, chunks or "-"))
    emit(
        Listing(
            f"dry run: {result.start} .. {result.end} (chunks: {result.chunk_mode}) — nothing written", PLAN_COLS, rows
        ),
        wide=wide,
    )
    console.print(
        "[dim]'skip': dates whose inputs are unchanged. 'upstream pending' dates are recomputed only if "
        "the upstream model's rows for the dates in their lookback actually change.[/]"
    )


SUMMARY_COLS = (
    Col("model", keep=True),
    Col("status", styles=STATUS_STYLE),
    Col("dates_computed", "done", kind="int"),
    Col("dates_failed", "failed", kind="int", wide=True),
    Col("dates_skipped", "skip", kind="int"),
    Col("chunks", kind="int", wide=True),
    Col("rows", kind="int"),
    Col("failures", "fails", kind="int"),
    Col("read_seconds", "read s", kind="float", wide=True),
    Col("compute_seconds", "compute s", kind="float", wide=True),
    Col("write_seconds", "write s", kind="float", wide=True),
    Col("seconds", "s", kind="float", digits=1),
)


def summary_listing(result) -> Listing:
    rows = [
        (
            m.model,
            m.status,
            m.dates_computed,
            m.dates_failed,
            m.dates_skipped,
            m.chunks,
            m.rows,
            m.failures,
            m.read_seconds,
            m.compute_seconds,
            m.write_seconds,
            m.seconds,
        )
        for m in result.models
    ]
    return Listing(
        f"{result.trigger} {result.run_id}: {result.start} .. {result.end} "
        f"(chunks: {result.chunk_mode}, {result.seconds:.2f} s)",
        SUMMARY_COLS,
        rows,
        name="models",
    )


FAILURE_COLS = (Col("processor"), Col("category"), Col("rows", kind="int"))


def print_summary(result, *, wide: bool = False) -> None:
    emit(summary_listing(result), wide=wide)
    for m in result.models:
        if m.reasons and m.status != "skipped" and (m.dates_computed or m.dates_failed):  # not a model never run
            console.print(
                f"  {m.model}: computed "
                + dates_why(m.reasons)
                + (
                    f"; skipped {m.dates_skipped:,} {'date' if m.dates_skipped == 1 else 'dates'} with unchanged inputs"
                    if m.dates_skipped
                    else ""
                )
            )
        elif m.status == "skipped":
            console.print(f"  {m.model}: skipped — {m.skip_reason}")
    if result.failures_by_category:
        emit(
            Listing(
                "failures written by this run (processing.precompute_failures)",
                FAILURE_COLS,
                list(result.failures_by_category),
            )
        )
    if result.interrupted_marked:
        console.print(
            f"[yellow]note:[/] {result.interrupted_marked} run-history row(s) left 'running' by an "
            "interrupted earlier run were marked 'killed'; its committed chunks were kept."
        )


PREFLIGHT_COLS = (
    Col("table", keep=True),
    Col("game_dates", "dates", kind="int"),
    Col("covered_dates", "covered", kind="int"),
    Col("coverage_pct", "%", kind="float", digits=1),
    Col("ok", kind="bool"),
    Col("covered_games", "games", kind="int", wide=True),
    Col("scheduled_games", "of games", kind="int", wide=True),
    Col("gaps", "dates with gaps (covered/scheduled games)"),
)


def print_preflight(pf, *, wide: bool = False) -> None:
    """The pre-flight table: Phase 3 coverage of the schedule's game dates, and the dates with gaps."""
    if pf is None:
        return
    from ..runner.preflight import MIN_COVERAGE

    rows = []
    for tc in pf.tables:
        gaps = ", ".join(f"{d} ({c}/{n})" for d, n, c in tc.gaps[:8]) + (
            f", … {len(tc.gaps) - 8} more" if len(tc.gaps) > 8 else ""
        )
        rows.append(
            (
                tc.table,
                tc.scheduled_dates,
                tc.covered_dates,
                tc.pct,
                tc.ok,
                tc.covered_games,
                tc.scheduled_games,
                gaps or "none",
            )
        )
    emit(
        Listing(
            f"pre-flight: Phase 3 coverage of scheduled game dates {pf.start}..{pf.end} (needs >= {MIN_COVERAGE:g} %)",
            PREFLIGHT_COLS,
            rows,
        ),
        wide=wide,
    )
    # said apart from the title: a parenthesis this long would break over two lines at 80 columns
    console.print("[dim]the range includes 30 days of lookback; a date is covered when every game has rows[/]")


INGEST_COLS = (
    Col("file", keep=True),
    Col("table", wide=True),
    Col("read", kind="int"),
    Col("loaded", kind="int"),
    Col("unchanged", kind="int"),
    Col("duplicate", kind="int", wide=True),
    Col("superseded", kind="int", wide=True),
    Col("rejected", kind="int"),
    Col("refused", kind="int", wide=True),
)
COUNT_COLS = (Col("table", keep=True), Col("rows", kind="int"))


def print_ingest(report, *, wide: bool = False) -> None:
    """What each file of an ingest did, and the warehouse's row counts."""
    files = [
        (
            f.file,
            f.target,
            f.rows_read,
            f.rows_loaded,
            f.rows_unchanged,
            f.rows_duplicate,
            f.rows_superseded,
            f.rows_rejected,
            f.rows_refused,
        )
        for f in report.files
    ]
    emit(
        [
            Listing(
                f"ingest {report.folder}" + ("" if wide else " (--wide: duplicates, superseded, refused)"),
                INGEST_COLS,
                files,
            ),
            Listing("warehouse row counts", COUNT_COLS, list(report.table_counts.items())),
        ],
        wide=wide,
    )
