"""Backfill and the daily run: every selected model, in dependency order, over the pending
dates of a range, grouped into chunks.

Per model: fingerprint every candidate date (read), compare with processing.model_state, and
compute only the dates that are new, failed earlier, or whose inputs changed; each chunk
writes its rows and its state in one transaction (see execute.py). Upstream models run first
and record per-date output digests, so a downstream date is recomputed exactly when the
upstream rows it reads (through its lookback) changed.
"""

from __future__ import annotations

import bisect
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

from ..catalog import SOURCE_TABLES, Catalog, Model
from ..errors import BadInputError, ModelError, RunFailedError
from ..warehouse import Warehouse
from .execute import ChunkResult, run_chunk
from .parallel import run_parallel
from .plan import (CHUNK_MODES, DEFAULT_CHUNK, FORCED, INPUTS_CHANGED, NEW, NO_RESUME, REQUESTED,
                   SQL_CHANGED, UNCHANGED, UPSTREAM, Chunk, ModelPlan, game_dates, group_chunks,
                   season_of)
from .preflight import Preflight
from .preflight import check as preflight_check
from .state import DigestCache, fingerprints, load_state, mark_interrupted, write_history

PHASE4_SCHEMAS = ("precompute", "predictions")


@dataclass
class ModelRun:
    model: str
    chunks: int = 0
    chunks_done: int = 0
    chunks_failed: int = 0
    dates_planned: int = 0
    dates_computed: int = 0
    dates_skipped: int = 0
    dates_failed: int = 0
    rows: int = 0
    failures: int = 0
    read_seconds: float = 0.0
    compute_seconds: float = 0.0
    write_seconds: float = 0.0
    status: str = "pending"
    skip_reason: str | None = None
    error: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.compute_seconds + self.write_seconds


@dataclass
class BackfillResult:
    run_id: str
    start: date
    end: date
    chunk_mode: str
    trigger: str = "backfill"
    dry_run: bool = False
    models: list[ModelRun] = field(default_factory=list)
    plans: list[ModelPlan] = field(default_factory=list)
    failures_by_category: list[tuple[str, str, int]] = field(default_factory=list)
    interrupted_marked: int = 0
    seconds: float = 0.0
    preflight: "Preflight | None" = None   # Phase 3 coverage checked before the first Phase 4 model

    @property
    def ok(self) -> bool:
        return all(m.status in ("success", "skipped") for m in self.models)

    @property
    def errors(self) -> list[str]:
        return [f"{m.model}: {m.error}" for m in self.models if m.status == "failed" and m.error]


def select_models(catalog: Catalog, only: list[str] | None, start_from: str | None) -> list[Model]:
    order = catalog.ordered()
    if only and start_from:
        raise BadInputError("use either --only or --start-from, not both")
    if only:
        wanted = {catalog.get(n).name for n in only}
        return [m for m in order if m.name in wanted]
    if start_from:
        first = catalog.get(start_from).name
        names = [m.name for m in order]
        return order[names.index(first):]
    return order


def _reads_phase3(catalog: Catalog, model: Model) -> bool:
    """Does the model read (directly or through its upstream models) a table the pre-flight checks?"""
    from .preflight import PHASE3
    by_table = {m.table: m for m in catalog.ordered()}
    seen, todo = set(), [model]
    while todo:
        m = todo.pop()
        for d in m.depends_on:
            if d in PHASE3:
                return True
            if d in by_table and d not in seen:
                seen.add(d)
                todo.append(by_table[d])
    return False


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def backfill(wh: Warehouse, start: date, end: date, *, catalog: Catalog | None = None,
             only: list[str] | None = None, start_from: str | None = None,
             chunk_mode: str = DEFAULT_CHUNK, force: bool = False, no_resume: bool = False,
             dry_run: bool = False, daily: bool = False, preflight: bool = True, parallel: bool = True,
             on_progress: Callable[[str, Chunk, ChunkResult | None, str | None], None] | None = None,
             on_model_start: Callable[[Model, ModelPlan], None] | None = None) -> BackfillResult:
    """Run (or with dry_run, only plan) the selected models over [start, end].

    daily=True is `nbaprops run`: the candidate dates are [start, end] plus every date already
    done whose inputs changed since (a corrected box score of yesterday reaches yesterday's
    rows and every later window), never dates that were not computed before.

    A daily run runs models side by side as soon as their upstream models are done (its
    one-date queries are too small to keep the cores busy); parallel=False runs them one by one.
    A backfill runs them one by one: its big chunks use every core already, running two at once
    would add up their memory, and the pre-flight must see this run's Phase 3 models finished."""
    t_run = time.perf_counter()
    if start > end:
        raise BadInputError(f"--start-date {start} is after --end-date {end}")
    if chunk_mode not in CHUNK_MODES:
        raise BadInputError(f"--chunk must be one of {', '.join(CHUNK_MODES)}, got {chunk_mode!r}")
    if dry_run is False and wh.read_only:
        raise ModelError("a backfill needs the warehouse opened for writing")
    catalog = catalog or Catalog.load()
    models = select_models(catalog, only, start_from)
    selected = {m.name for m in models}
    run_id = new_run_id()
    trigger = "run" if daily else "backfill"
    result = BackfillResult(run_id=run_id, start=start, end=end, chunk_mode=chunk_mode, trigger=trigger,
                            dry_run=dry_run)
    con = wh.con
    if not dry_run:
        result.interrupted_marked = mark_interrupted(con, run_id)
        # One 'pending' row per selected model, committed before any work: a run killed between
        # two models still shows, model by model, what it never finished.
        with wh.transaction():
            write_history(con, [dict(run_id=run_id, model=m.name, status="pending", start_date=start,
                                     end_date=end, started_at=datetime.now(), trigger=trigger) for m in models])

    t0 = time.perf_counter()
    calendar = game_dates(con)
    in_range = [d for d in calendar if start <= d <= end]
    seasons = season_of(con) if chunk_mode in ("season", "auto") else None
    by_table = {m.table: m for m in catalog.ordered()}
    cache = DigestCache(con, by_table)
    cache.prefetch_sources({d for m in models for d in m.depends_on if d in SOURCE_TABLES})
    shared_read = time.perf_counter() - t0

    if no_resume and not dry_run:
        # Forget the saved state of the selected models over the range: every date is redone,
        # and a run interrupted after this point resumes from where it stopped.
        with wh.transaction():
            con.execute("DELETE FROM processing.model_state WHERE target_date BETWEEN ? AND ? AND model IN "
                        f"({', '.join('?' for _ in selected)})", [start, end, *sorted(selected)])

    # History rows of skipped models are written together (one commit, not one per model),
    # with the next row that commits; the end of the run flushes what is left.
    history_queue: list[dict] = []
    history_lock = threading.Lock()

    def queue_history(values: dict) -> None:
        with history_lock:
            history_queue.append(values)

    def take_queued() -> list[dict]:
        with history_lock:
            rows = list(history_queue)
            history_queue.clear()
            return rows

    def requeue(rows: list[dict]) -> None:
        """Rows taken by a transaction that rolled back: first in line again."""
        with history_lock:
            history_queue[:0] = rows

    def flush_history(w: Warehouse, extra: list[dict] | None = None) -> None:
        queued = take_queued()
        if queued or extra:
            try:
                with w.transaction():
                    write_history(w.con, queued + (extra or []))
            except BaseException:
                requeue(queued)
                raise

    all_state = load_state(con)
    pending_by_model: dict[str, set[date]] = {}
    failed_models: set[str] = set()
    in_range_set = set(in_range)
    plans: dict[str, ModelPlan] = {}

    def plan_model(model: Model, mr: ModelRun) -> ModelPlan:
        """Which of the model's dates are pending, and why (after its upstream models ran)."""
        saved = all_state.get(model.name, {})
        candidates = list(in_range)
        if daily:
            candidates = sorted(set(candidates) | set(saved))
        digests = {dep: cache.get(dep) for dep in model.depends_on}
        fps = fingerprints(model, candidates, digests)
        plan = ModelPlan(model=model, dates=candidates, fingerprints=fps)
        for d in candidates:
            st = saved.get(d)
            if force and d in in_range_set:
                plan.pending[d] = FORCED
            elif no_resume and d in in_range_set:
                plan.pending[d] = NO_RESUME
            elif st is None:
                if d in in_range_set:
                    plan.pending[d] = REQUESTED if daily else NEW
            elif st.model_hash != model.sql_hash:
                plan.pending[d] = SQL_CHANGED
            elif st.fingerprint != fps[d]:
                plan.pending[d] = INPUTS_CHANGED
        if dry_run:
            # Upstream models would rewrite some dates first; a downstream date whose window
            # touches one of them may change too (known only after the upstream has run).
            ups = [u for u in catalog.upstream[model.name] if u in pending_by_model]
            for u in ups:
                up_dates = sorted(pending_by_model[u])
                if not up_dates:
                    continue
                lb = timedelta(days=model.lookback_days)
                for d in candidates:
                    if d in plan.pending:
                        continue
                    j = bisect.bisect_left(up_dates, d - lb)
                    if j < len(up_dates) and up_dates[j] <= d:
                        plan.pending[d] = f"{UPSTREAM} ({u})"
        pending_by_model[model.name] = set(plan.pending)
        plan.chunks = group_chunks(list(plan.pending), calendar, chunk_mode, seasons)
        mr.chunks = len(plan.chunks)
        mr.dates_planned = len(candidates)
        mr.dates_skipped = plan.skipped
        mr.reasons = dict(plan.reasons())
        return plan

    def process(model: Model, mr: ModelRun, w: Warehouse) -> None:
        """Plan and run one model on the handle `w` (a thread's own cursor when models run in
        parallel). Its upstream models have finished."""
        t0 = time.perf_counter()
        started = datetime.now()
        blocked = [u for u in catalog.upstream[model.name] if u in failed_models]
        plan = plans[model.name] = plan_model(model, mr)
        mr.read_seconds += time.perf_counter() - t0
        if blocked:
            plan.blocked = f"upstream {', '.join(sorted(blocked))} failed"
        else:
            # an upstream model left out of this run (--only, --start-from) must have been built
            unbuilt = sorted(dep for dep in model.depends_on
                             if dep in by_table and by_table[dep].name not in selected and not w.table_exists(dep))
            if unbuilt:
                plan.blocked = (f"{', '.join(unbuilt)} not built yet: run "
                                f"{', '.join(by_table[t].name for t in unbuilt)} first, or add "
                                f"{'it' if len(unbuilt) == 1 else 'them'} to --only")
        if on_model_start:
            on_model_start(model, plan)
        if dry_run:
            mr.status = "planned"
            return

        hist = dict(run_id=run_id, model=model.name, start_date=start, end_date=end, started_at=started,
                    trigger=trigger)

        def final_row(status: str, last: ChunkResult | None = None, last_dates: int = 0) -> dict:
            """The model's history row; `last`: a chunk not yet added to mr (it is committing)."""
            fin = datetime.now()
            extra = last or ChunkResult()
            return {**hist, "status": status, "chunks": mr.chunks, "chunks_skipped": None,
                    "rows_written": mr.rows + extra.rows, "failures_written": mr.failures + extra.failures,
                    "finished_at": fin, "duration_seconds": (fin - started).total_seconds(),
                    "read_seconds": mr.read_seconds, "compute_seconds": mr.compute_seconds + extra.compute_seconds,
                    "write_seconds": mr.write_seconds + extra.write_seconds, "error": mr.error,
                    "dates_planned": mr.dates_planned, "dates_computed": mr.dates_computed + last_dates,
                    "dates_skipped": mr.dates_skipped, "dates_failed": mr.dates_failed,
                    "skip_reason": mr.skip_reason}

        if plan.blocked:
            failed_models.add(model.name)   # its dependants are blocked too
            mr.status, mr.error = "failed", f"not run: {plan.blocked}"
            mr.dates_skipped = 0
            flush_history(w, [final_row("failed")])
            return
        if not plan.chunks:
            mr.status = "skipped"
            mr.skip_reason = (f"{UNCHANGED} for all {len(plan.dates)} dates" if plan.dates
                              else "no game dates in range")
            queue_history(final_row("skipped"))
            return

        errors = []
        saved = all_state.get(model.name, {})
        same_sql = any(st.model_hash == model.sql_hash for st in saved.values())
        # The model's row turns 'running' with its first committed chunk, and its progress commits
        # with the chunk it describes; the last chunk of a model without failed chunks commits
        # the final 'success' row, with the queued rows of skipped models (no commit of its own:
        # a daily run is 11 one-chunk models).
        progress_sql = ("UPDATE reference.processor_run_history SET status = 'running', chunks = ?, "
                        "dates_planned = ?, dates_skipped = ?, "
                        "rows_written = coalesce(rows_written, 0) + ?, "
                        "failures_written = coalesce(failures_written, 0) + ?, "
                        "dates_computed = coalesce(dates_computed, 0) + ? WHERE run_id = ? AND model = ?")
        final_committed = False
        riding: list[dict] = []     # queued rows written by the chunk being committed
        for k, chunk in enumerate(plan.chunks):
            def after(cr: ChunkResult, n: int = len(chunk.dates), last: bool = k == len(plan.chunks) - 1) -> None:
                nonlocal final_committed
                if last and not errors:
                    riding[:] = take_queued()
                    write_history(w.con, [*riding, final_row("success", cr, n)])
                    final_committed = True
                else:
                    w.con.execute(progress_sql, [mr.chunks, mr.dates_planned, mr.dates_skipped, cr.rows,
                                                 cr.failures, n, run_id, model.name])
            try:
                cr = run_chunk(w, model, chunk, run_id, plan.fingerprints, after=after,
                               written_by_this_sql=same_sql)
            except BaseException as exc:
                requeue(riding)     # rolled back with the chunk
                riding.clear()
                final_committed = False
                if not isinstance(exc, RunFailedError):
                    raise
                mr.chunks_failed += 1
                mr.dates_failed += len(chunk.dates)
                errors.append(str(exc))
                if on_progress:
                    on_progress(model.name, chunk, None, str(exc))
                continue
            cache.record(model.name, cr.digests)
            mr.chunks_done += 1
            mr.dates_computed += len(chunk.dates)
            mr.rows += cr.rows
            mr.failures += cr.failures
            mr.compute_seconds += cr.compute_seconds
            mr.write_seconds += cr.write_seconds
            if on_progress:
                on_progress(model.name, chunk, cr, None)
        if errors:
            mr.status = "failed"
            mr.error = (f"{mr.chunks_failed} of {mr.chunks} chunks failed (rolled back; retried next run): "
                        + " | ".join(errors[:3]))[:2000]
            failed_models.add(model.name)
        else:
            mr.status = "success"
        if not final_committed:
            flush_history(w, [final_row(mr.status)])

    if daily and parallel and not dry_run and len(models) > 1:
        # A daily run is a dozen one-date queries, each too small to keep both cores busy:
        # models whose upstream models are done run side by side, each on its own cursor.
        runs = {m.name: ModelRun(model=m.name) for m in models}
        result.models.extend(runs.values())
        runs[models[0].name].read_seconds = shared_read
        run_parallel(wh, models, catalog, lambda m, w: process(m, runs[m.name], w))
    else:
        for i, model in enumerate(models):
            if (preflight and result.preflight is None and not daily
                    and model.table.split(".")[0] in PHASE4_SCHEMAS and _reads_phase3(catalog, model)):
                # before the first Phase 4 model (after this run's Phase 3 models): Phase 3 must
                # cover the schedule's game dates over the range, else stop here
                result.preflight = preflight_check(con, start, end)
                if not result.preflight.ok and not dry_run:
                    for rest in models[i:]:
                        result.models.append(ModelRun(model=rest.name, status="failed",
                                                      error="not run: pre-flight failed (Phase 3 coverage below "
                                                            "95 %; see the gaps table, or --skip-preflight)"))
                    break
            mr = ModelRun(model=model.name, read_seconds=shared_read if i == 0 else 0.0)
            result.models.append(mr)
            process(model, mr, wh)
    result.plans = [plans[m.name] for m in models if m.name in plans]

    if not dry_run:
        flush_history(wh)
        not_run = {m.model: m.error for m in result.models if m.status == "failed" and m.error}
        with wh.transaction():
            for name, error in not_run.items():
                con.execute("UPDATE reference.processor_run_history SET status = 'failed', error = ?, "
                            "finished_at = ? WHERE run_id = ? AND model = ? AND status = 'pending'",
                            [error, datetime.now(), run_id, name])
        result.failures_by_category = [tuple(r) for r in con.execute(
            "SELECT processor_name, failure_category, count(*) FROM processing.precompute_failures "
            "WHERE run_id = ? GROUP BY ALL ORDER BY 1, 2", [run_id]).fetchall()]
    result.seconds = time.perf_counter() - t_run
    return result
