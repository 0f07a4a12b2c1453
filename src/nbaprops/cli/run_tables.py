"""The Rich tables of a backfill or daily run: the dry-run plan, the run summary and the
pre-flight."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from .common import STATUS_STYLE, console


def _secs(x: float) -> str:
    return f"{x:.2f}"


def print_plan(result) -> None:
    from ..runner.plan import fmt_ranges

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


def print_summary(result) -> None:
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


def print_preflight(pf) -> None:
    """The pre-flight table: Phase 3 coverage of the schedule's game dates, and the dates with gaps."""
    if pf is None:
        return
    from ..runner.preflight import MIN_COVERAGE

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
