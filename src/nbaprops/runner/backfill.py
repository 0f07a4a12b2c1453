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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..catalog import SOURCE_TABLES, Catalog, Model
from ..engines.adapter import DuckDBAdapter, EngineAdapter
from ..errors import BadInputError, ModelError, RunFailedError
from ..warehouse import Warehouse
from .execute import ChunkResult
from .parallel import run_parallel
from .plan import (
    DEFAULT_CHUNK,
    FORCED,
    INPUTS_CHANGED,
    NEW,
    NO_RESUME,
    REQUESTED,
    SQL_CHANGED,
    UNCHANGED,
    UPSTREAM,
    Chunk,
    ModelPlan,
    check_chunk_mode,
    full_chunk,
    group_chunks,
)
from .plan import select_models as plan_select_models
from .preflight import Preflight
from .state import fingerprints

PREFLIGHT_STOPPED = "not run: pre-flight failed (Phase 3 coverage below 95 %; see the gaps table, or --skip-preflight)"


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
    wall_seconds: float = 0.0

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
    preflight: Preflight | None = None  # Phase 3 coverage checked before the first Phase 4 model

    @property
    def ok(self) -> bool:
        return all(m.status in ("success", "skipped") for m in self.models)

    @property
    def errors(self) -> list[str]:
        return [f"{m.model}: {m.error}" for m in self.models if m.status == "failed" and m.error]


def select_models(catalog: Catalog, only: list[str] | None, start_from: str | None) -> list[Model]:
    """The run's models (the same on every engine: runner.plan.select_models)."""
    return plan_select_models(catalog, only, start_from)


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


class LazyFingerprints(dict):
    """A full model's fingerprints: its state covers every date its table holds, known only
    once it is computed; a date not planned gets its fingerprint when asked."""

    def __init__(self, model: Model, digests: dict, planned: dict[date, str]):
        super().__init__(planned)
        self.model, self.digests = model, digests

    def __missing__(self, d: date) -> str:
        fp = fingerprints(self.model, [d], self.digests)[d]
        self[d] = fp
        return fp


class History:
    """The run-history rows of one run. Rows of skipped models wait in a queue and are written
    with the next row that commits (one commit, not one per model); the end of the run flushes
    what is left. Models running side by side share it."""

    def __init__(self, adapter: EngineAdapter):
        self.adapter = adapter
        self._queue: list[dict] = []
        self._lock = threading.Lock()

    def queue(self, row: dict) -> None:
        with self._lock:
            self._queue.append(row)

    def take(self) -> list[dict]:
        with self._lock:
            rows = list(self._queue)
            self._queue.clear()
            return rows

    def requeue(self, rows: list[dict]) -> None:
        """Rows taken by a transaction that rolled back: first in line again."""
        with self._lock:
            self._queue[:0] = rows

    def flush(self, adapter: EngineAdapter, extra: list[dict] | None = None) -> None:
        queued = self.take()
        if queued or extra:
            try:
                with adapter.transaction():
                    adapter.write_history(queued + (extra or []))
            except BaseException:
                self.requeue(queued)
                raise


class Backfill:
    """One run of the selected models over [start, end] on one engine (the adapter). Its steps:

    1. `start()`      — check the arguments, select the models, one 'pending' history row each;
    2. `read_inputs()` — the calendar, the seasons, the saved state and the input digests;
    3. per model, in run order (or side by side, for a daily run): `plan_model()` (pending
       dates and why, chunks), `preflight_fails()` before the first Phase 4 model that computes
       anything, `blocked()` (failed or unbuilt upstream), `run_chunks()` (each chunk: compute,
       write by kind, state and progress in one transaction on DuckDB), its history row;
    4. `finish()`     — flush the history, close the rows of models never run, sum the failures.

    daily=True is `nbaprops run`: the candidate dates are [start, end] plus every date already
    done whose inputs changed since (a corrected box score of yesterday reaches yesterday's
    rows and every later window), never dates that were not computed before.

    Models run side by side as soon as their upstream models are done (a daily run's one-date
    queries are too small to keep the cores busy, and a backfill's big chunks have long
    single-threaded stretches); the models the pre-flight gates start after this run's models of
    the tables it checks (_run_side_by_side). They share one DuckDB instance, so its memory limit
    holds for all of them together. parallel=False runs them one by one.

    On a stateless engine (Spark, BigQuery) nothing is saved: every date of the range is
    computed and no history is written; selection, chunking, kinds and failures are the same."""

    def __init__(
        self,
        adapter: EngineAdapter,
        start: date,
        end: date,
        *,
        catalog: Catalog | None = None,
        only: list[str] | None = None,
        start_from: str | None = None,
        chunk_mode: str = DEFAULT_CHUNK,
        force: bool = False,
        no_resume: bool = False,
        dry_run: bool = False,
        daily: bool = False,
        preflight: bool = True,
        parallel: bool = True,
        run_id: str | None = None,
        on_progress: Callable[[str, Chunk, ChunkResult | None, str | None], None] | None = None,
        on_model_start: Callable[[Model, ModelPlan], None] | None = None,
        on_model_done: Callable[[ModelRun], None] | None = None,
    ):
        self.adapter = adapter
        self.start_date, self.end_date = start, end
        self.given_catalog = catalog  # None: Catalog.load() when the run starts
        self.only, self.start_from = only, start_from
        self.chunk_mode, self.force, self.no_resume = chunk_mode, force, no_resume
        self.dry_run, self.daily, self.check_preflight, self.parallel = dry_run, daily, preflight, parallel
        self.run_id = run_id or new_run_id()
        self.trigger = "run" if daily else "backfill"
        self.on_progress, self.on_model_start, self.on_model_done = on_progress, on_model_start, on_model_done
        self.history = History(adapter)
        self.models: list[Model] = []
        self.plans: dict[str, ModelPlan] = {}
        self.pending_by_model: dict[str, set[date]] = {}
        self.failed_models: set[str] = set()
        self.shared_read = 0.0
        self._preflight_checked = False

    # -- 1. start ----------------------------------------------------------------------------
    def start(self) -> BackfillResult:
        if self.start_date > self.end_date:
            raise BadInputError(f"--start-date {self.start_date} is after --end-date {self.end_date}")
        check_chunk_mode(self.chunk_mode)
        if self.dry_run is False and self.adapter.read_only:
            raise ModelError("a backfill needs the warehouse opened for writing")
        self.catalog = self.given_catalog or Catalog.load()
        self.models = select_models(self.catalog, self.only, self.start_from)
        self.selected = {m.name for m in self.models}
        self.by_table = {m.table: m for m in self.catalog.ordered()}
        self.result = BackfillResult(
            run_id=self.run_id,
            start=self.start_date,
            end=self.end_date,
            chunk_mode=self.chunk_mode,
            trigger=self.trigger,
            dry_run=self.dry_run,
        )
        self.adapter.begin(self.models, self.dry_run)
        if not self.dry_run:
            self.result.interrupted_marked = self.adapter.mark_interrupted(self.run_id)
            # One 'pending' row per selected model, committed before any work: a run killed between
            # two models still shows, model by model, what it never finished.
            with self.adapter.transaction():
                self.adapter.write_history([self._row(m.name, "pending", datetime.now()) for m in self.models])
        return self.result

    def _row(self, model: str, status: str, started: datetime) -> dict:
        return dict(
            run_id=self.run_id,
            model=model,
            status=status,
            start_date=self.start_date,
            end_date=self.end_date,
            started_at=started,
            trigger=self.trigger,
        )

    # -- 2. inputs ---------------------------------------------------------------------------
    def read_inputs(self) -> None:
        t0 = time.perf_counter()
        self.calendar = self.adapter.game_dates()
        self.in_range = [d for d in self.calendar if self.start_date <= d <= self.end_date]
        self.in_range_set = set(self.in_range)
        self.seasons = self.adapter.seasons() if self.chunk_mode in ("season", "auto") else None
        self.cache = self.adapter.digest_cache(
            self.by_table, {d for m in self.models for d in m.depends_on if d in SOURCE_TABLES}
        )
        self.shared_read = time.perf_counter() - t0
        if self.no_resume and not self.dry_run:
            # Forget the saved state of the selected models over the range: every date is redone,
            # and a run interrupted after this point resumes from where it stopped.
            self.adapter.forget_state(sorted(self.selected), self.start_date, self.end_date)
        self.all_state = self.adapter.load_state(self.cache)

    # -- 3. per model ------------------------------------------------------------------------
    def _preflight_due(self, model: Model) -> bool:
        """Whether the pre-flight is still to be asked when this model is next: a Phase 4 model
        reading Phase 3, the pre-flight not asked yet in this run, not a daily run (whether the
        model computes anything decides in preflight_fails)."""
        return (
            self.check_preflight
            and not self._preflight_checked
            and not self.daily
            and (model.phase or 0) >= 4
            and _reads_phase3(self.catalog, model)
        )

    def preflight_fails(self, model: Model, plan: ModelPlan) -> bool:
        """Before the first Phase 4 model that has dates to compute (after this run's Phase 3
        models): Phase 3 must cover the schedule's game dates over the range, else the run stops
        there. A model with nothing to compute (a re-run with unchanged inputs) needs no pre-flight:
        the next Phase 4 model asks again. A dry run always shows it (and never stops)."""
        if not self._preflight_due(model) or not (plan.chunks or self.dry_run):
            return False
        self._preflight_checked = True
        self.result.preflight = self.adapter.preflight(self.start_date, self.end_date)
        return not (self.result.preflight is None or self.result.preflight.ok or self.dry_run)

    def plan_model(self, model: Model, mr: ModelRun) -> ModelPlan:
        """Which of the model's dates are pending, and why (after its upstream models ran)."""
        saved = self.all_state.get(model.name, {})
        candidates = list(self.in_range)
        if self.daily:
            candidates = sorted(set(candidates) | set(saved))
        if self.cache is not None:
            digests = {dep: self.cache.get(dep) for dep in model.depends_on}
            fps = fingerprints(model, candidates, digests)
            if model.kind == "full":
                fps = LazyFingerprints(model, digests, fps)
        else:
            fps = {}
        plan = ModelPlan(model=model, dates=candidates, fingerprints=fps)
        for d in candidates:
            st = saved.get(d)
            if self.force and d in self.in_range_set:
                plan.pending[d] = FORCED
            elif self.no_resume and d in self.in_range_set:
                plan.pending[d] = NO_RESUME
            elif st is None:
                if d in self.in_range_set:
                    plan.pending[d] = REQUESTED if self.daily else NEW
            elif st.model_hash != model.sql_hash:
                plan.pending[d] = SQL_CHANGED
            elif st.fingerprint != fps[d]:
                plan.pending[d] = INPUTS_CHANGED
        if self.dry_run:
            self._upstream_pending(model, plan, candidates)
        self.pending_by_model[model.name] = set(plan.pending)
        plan.chunks = (
            full_chunk(list(plan.pending))
            if model.kind == "full"
            else group_chunks(list(plan.pending), self.calendar, self.chunk_mode, self.seasons)
        )
        mr.chunks = len(plan.chunks)
        mr.dates_planned = len(candidates)
        mr.dates_skipped = plan.skipped
        mr.reasons = dict(plan.reasons())
        return plan

    def _upstream_pending(self, model: Model, plan: ModelPlan, candidates: list[date]) -> None:
        """Dry run: upstream models would rewrite some dates first; a downstream date whose
        window touches one of them may change too (known only after the upstream has run)."""
        for u in [u for u in self.catalog.upstream[model.name] if u in self.pending_by_model]:
            up_dates = sorted(self.pending_by_model[u])
            if not up_dates:
                continue
            lb = timedelta(days=model.lookback_days)
            for d in candidates:
                if d in plan.pending:
                    continue
                j = bisect.bisect_left(up_dates, d - lb)
                if j < len(up_dates) and up_dates[j] <= d:
                    plan.pending[d] = f"{UPSTREAM} ({u})"

    def blocked(self, model: Model, adapter: EngineAdapter) -> str | None:
        """Why the model cannot run: an upstream model failed, or one left out of this run
        (--only, --start-from) was never built."""
        failed = [u for u in self.catalog.upstream[model.name] if u in self.failed_models]
        if failed:
            return f"upstream {', '.join(sorted(failed))} failed"
        unbuilt = sorted(
            dep
            for dep in model.depends_on
            if dep in self.by_table and self.by_table[dep].name not in self.selected and not adapter.table_exists(dep)
        )
        if unbuilt:
            return (
                f"{', '.join(unbuilt)} not built yet: run "
                f"{', '.join(self.by_table[t].name for t in unbuilt)} first, or add "
                f"{'it' if len(unbuilt) == 1 else 'them'} to --only"
            )
        return None

    def process(self, model: Model, mr: ModelRun, adapter: EngineAdapter, plan: ModelPlan | None = None) -> None:
        """Plan (unless `plan` is given) and run one model on `adapter` (a worker's own when
        models run in parallel). Its upstream models have finished."""
        t0 = time.perf_counter()
        started = datetime.now()
        plan = self.plans[model.name] = plan if plan is not None else self.plan_model(model, mr)
        mr.read_seconds += time.perf_counter() - t0
        plan.blocked = self.blocked(model, adapter)
        if self.on_model_start:
            self.on_model_start(model, plan)
        if self.dry_run:
            mr.status = "planned"
            try:
                adapter.validate(model, plan.chunks)
            except ModelError as exc:
                mr.status, mr.error = "failed", str(exc)
            return
        final_row = _FinalRow(self._row(model.name, "", started), mr, started)
        if plan.blocked:
            self.failed_models.add(model.name)  # its dependants are blocked too
            mr.status, mr.error = "failed", f"not run: {plan.blocked}"
            mr.dates_skipped = 0
            self.history.flush(adapter, [final_row("failed")])
            return
        if not plan.chunks:
            mr.status = "skipped"
            mr.skip_reason = f"{UNCHANGED} for all {len(plan.dates)} dates" if plan.dates else "no game dates in range"
            self.history.queue(final_row("skipped"))
            return
        final_committed = self.run_chunks(model, mr, plan, adapter, final_row)
        if not final_committed:
            self.history.flush(adapter, [final_row(mr.status)])

    def run_chunks(
        self, model: Model, mr: ModelRun, plan: ModelPlan, adapter: EngineAdapter, final_row: _FinalRow
    ) -> bool:
        """Run the model's chunks; a failed chunk is rolled back and the next one runs. The model's
        row turns 'running' with its first committed chunk, and its progress commits with the
        chunk it describes; the last chunk of a model without failed chunks commits the final
        'success' row, with the queued rows of skipped models (no commit of its own: a daily
        run is 11 one-chunk models). Returns whether that final row was committed."""
        errors: list[str] = []
        saved = self.all_state.get(model.name, {})
        same_sql = any(st.model_hash == model.sql_hash for st in saved.values())
        final_committed = False
        riding: list[dict] = []  # queued rows written by the chunk being committed
        for k, chunk in enumerate(plan.chunks):

            def after(cr: ChunkResult, n: int = len(chunk.dates), last: bool = k == len(plan.chunks) - 1) -> None:
                nonlocal final_committed
                if last and not errors:
                    riding[:] = self.history.take()
                    adapter.write_history([*riding, final_row("success", cr, n)])
                    final_committed = True
                else:
                    adapter.record_progress(
                        self.run_id,
                        model.name,
                        dict(
                            chunks=mr.chunks,
                            dates_planned=mr.dates_planned,
                            dates_skipped=mr.dates_skipped,
                            rows=cr.rows,
                            failures=cr.failures,
                            dates=n,
                        ),
                    )

            try:
                cr = adapter.run_chunk(
                    model, chunk, self.run_id, plan.fingerprints if self.cache is not None else None, after, same_sql
                )
            except BaseException as exc:
                self.history.requeue(riding)  # rolled back with the chunk
                riding.clear()
                final_committed = False
                if not isinstance(exc, RunFailedError):
                    raise
                mr.chunks_failed += 1
                mr.dates_failed += len(chunk.dates)
                errors.append(str(exc))
                if self.on_progress:
                    self.on_progress(model.name, chunk, None, str(exc))
                continue
            if self.cache is not None:
                self.cache.record(model.name, cr.digests, replace=model.kind == "full")
            mr.chunks_done += 1
            mr.dates_computed += len(chunk.dates)
            mr.rows += cr.rows
            mr.failures += cr.failures
            mr.compute_seconds += cr.compute_seconds
            mr.write_seconds += cr.write_seconds
            if self.on_progress:
                self.on_progress(model.name, chunk, cr, None)
        if errors:
            mr.status = "failed"
            mr.error = (
                f"{mr.chunks_failed} of {mr.chunks} chunks failed (rolled back; retried next run): "
                + " | ".join(errors[:3])
            )[:2000]
            self.failed_models.add(model.name)
        else:
            mr.status = "success"
        return final_committed

    def run_models(self) -> None:
        if self.parallel and not self.dry_run and len(self.models) > 1:
            self._run_side_by_side()
            return
        for i, model in enumerate(self.models):
            mr = ModelRun(model=model.name, read_seconds=self.shared_read if i == 0 else 0.0)
            t0 = time.perf_counter()
            plan = None
            if self._preflight_due(model):
                plan = self.plan_model(model, mr)  # planned first: the pre-flight asks whether it computes
                mr.read_seconds += time.perf_counter() - t0
                if self.preflight_fails(model, plan):
                    for rest in self.models[i:]:
                        self.result.models.append(ModelRun(model=rest.name, status="failed", error=PREFLIGHT_STOPPED))
                    break
            self.result.models.append(mr)
            self.process(model, mr, self.adapter, plan)
            mr.wall_seconds = time.perf_counter() - t0
            if self.on_model_done:
                self.on_model_done(mr)

    def _run_side_by_side(self) -> None:
        """Models side by side, each as soon as its upstream models are done, on its own cursor:
        one model's query seldom keeps both cores busy (a daily run's one-date queries never do,
        a backfill's single-threaded stretches often), and independent models fill the gaps.
        A model that reads Phase 3 while the pre-flight is still to be asked also waits for this
        run's models of the tables the pre-flight checks; the first such model with dates to
        compute asks it, under a lock no other such model passes before the answer."""
        from .preflight import PHASE3

        runs = {m.name: ModelRun(model=m.name) for m in self.models}
        self.result.models.extend(runs.values())
        runs[self.models[0].name].read_seconds = self.shared_read
        checked_tables = {m.name for m in self.models if m.table in PHASE3}
        gated = {m.name for m in self.models if self._preflight_due(m)}
        waits_for = dict.fromkeys(gated, checked_tables)
        gate = threading.Lock()
        stopped = False  # the pre-flight failed: no gated model runs

        def run_one(model: Model, adapter: EngineAdapter) -> None:
            nonlocal stopped
            mr, t0, plan = runs[model.name], time.perf_counter(), None
            if model.name in gated:
                with gate:
                    if not stopped and self._preflight_due(model):
                        plan = self.plan_model(model, mr)
                        mr.read_seconds += time.perf_counter() - t0
                        stopped = self.preflight_fails(model, plan)
                    if stopped:
                        mr.status, mr.error = "failed", PREFLIGHT_STOPPED
                        self.failed_models.add(model.name)
                        return
            self.process(model, mr, adapter, plan)
            mr.wall_seconds = time.perf_counter() - t0
            if self.on_model_done:
                self.on_model_done(mr)

        run_parallel(self.adapter, self.models, self.catalog, run_one, waits_for=waits_for)

    # -- 4. finish ---------------------------------------------------------------------------
    def finish(self) -> None:
        result = self.result
        result.plans = [self.plans[m.name] for m in self.models if m.name in self.plans]
        self.adapter.finish(self.dry_run)
        if self.dry_run:
            return
        self.history.flush(self.adapter)
        self.adapter.close_not_run(
            self.run_id, {m.model: m.error for m in result.models if m.status == "failed" and m.error}
        )
        result.failures_by_category = self.adapter.failures_by_category(self.run_id)

    def run(self) -> BackfillResult:
        t_run = time.perf_counter()
        self.start()
        self.read_inputs()
        self.run_models()
        self.finish()
        self.result.seconds = time.perf_counter() - t_run
        return self.result


class _FinalRow:
    """A model's final history row, built when it is written."""

    def __init__(self, base: dict, mr: ModelRun, started: datetime):
        self.base, self.mr, self.started = base, mr, started

    def __call__(self, status: str, last: ChunkResult | None = None, last_dates: int = 0) -> dict:
        """`last`: a chunk not yet added to the model's counts (it is committing)."""
        mr, fin = self.mr, datetime.now()
        extra = last or ChunkResult()
        return {
            **self.base,
            "status": status,
            "chunks": mr.chunks,
            "chunks_skipped": None,
            "rows_written": mr.rows + extra.rows,
            "failures_written": mr.failures + extra.failures,
            "finished_at": fin,
            "duration_seconds": (fin - self.started).total_seconds(),
            "read_seconds": mr.read_seconds,
            "compute_seconds": mr.compute_seconds + extra.compute_seconds,
            "write_seconds": mr.write_seconds + extra.write_seconds,
            "error": mr.error,
            "dates_planned": mr.dates_planned,
            "dates_computed": mr.dates_computed + last_dates,
            "dates_skipped": mr.dates_skipped,
            "dates_failed": mr.dates_failed,
            "skip_reason": mr.skip_reason,
        }


def backfill(
    wh: Warehouse,
    start: date,
    end: date,
    *,
    catalog: Catalog | None = None,
    only: list[str] | None = None,
    start_from: str | None = None,
    chunk_mode: str = DEFAULT_CHUNK,
    force: bool = False,
    no_resume: bool = False,
    dry_run: bool = False,
    daily: bool = False,
    preflight: bool = True,
    parallel: bool = True,
    on_progress: Callable[[str, Chunk, ChunkResult | None, str | None], None] | None = None,
    on_model_start: Callable[[Model, ModelPlan], None] | None = None,
) -> BackfillResult:
    """Run (or with dry_run, only plan) the selected models over [start, end] in the warehouse
    (see Backfill)."""
    return Backfill(
        DuckDBAdapter(wh),
        start,
        end,
        catalog=catalog,
        only=only,
        start_from=start_from,
        chunk_mode=chunk_mode,
        force=force,
        no_resume=no_resume,
        dry_run=dry_run,
        daily=daily,
        preflight=preflight,
        parallel=parallel,
        on_progress=on_progress,
        on_model_start=on_model_start,
    ).run()
