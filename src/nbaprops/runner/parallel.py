"""Running models side by side: each model starts as soon as the selected models it depends on
have finished, on a worker thread with its own DuckDB cursor (its own transactions and temp
tables). DuckDB releases the GIL while it plans and executes, so small one-date queries of
independent models overlap on the machine's cores."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from ..catalog import Catalog, Model

# More workers than this only queue up behind DuckDB's own threads.
MAX_WORKERS = 4


def workers() -> int:
    return max(2, min(MAX_WORKERS, os.cpu_count() or 2))


def run_parallel(
    wh,
    models: list[Model],
    catalog: Catalog,
    fn: Callable[[Model, Any], None],
    max_workers: int | None = None,
    waits_for: dict[str, set[str]] | None = None,
) -> None:
    """Call fn(model, handle) for every model, a model only after its selected upstream models
    (and the selected models of `waits_for[model]`) returned; `handle` comes from `wh.worker()` (a
    Warehouse's, or an engine adapter's: its own cursor). The first exception stops new starts;
    running models finish; then it is raised."""
    selected = {m.name for m in models}
    extra = waits_for or {}
    needs = {m.name: {u for u in catalog.upstream[m.name] | extra.get(m.name, set()) if u in selected} for m in models}
    # Ready models start longest chain first: the chain PGS -> completeness -> shot zones ->
    # composite factors -> feature store decides when the run ends, a model nobody waits for
    # can run beside it later. Ties keep the catalog order.
    dependants = {m.name: [d.name for d in models if m.name in needs[d.name]] for m in models}
    height: dict[str, int] = {}

    def height_of(name: str) -> int:  # (waits_for may point anywhere in the catalog order)
        if name not in height:
            height[name] = 1 + max((height_of(d) for d in dependants[name]), default=0)
        return height[name]

    for m in models:
        height_of(m.name)
    waiting = sorted(models, key=lambda m: -height[m.name])  # (a stable sort)
    done: set[str] = set()
    running: dict[Future, Model] = {}
    failure: BaseException | None = None

    def task(model: Model) -> None:
        with wh.worker() as w:
            fn(model, w)

    n = max_workers or workers()
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="nbaprops-model") as pool:
        while waiting or running:
            if failure is None:
                # submit only to a free worker: a model queued in the pool could not be
                # overtaken by a longer chain that becomes ready meanwhile
                for m in [m for m in waiting if needs[m.name] <= done][: n - len(running)]:
                    waiting.remove(m)
                    running[pool.submit(task, m)] = m
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for f in finished:
                m = running.pop(f)
                exc = f.exception()
                if exc is not None and failure is None:
                    failure = exc
                done.add(m.name)
    if failure is not None:
        raise failure
    if waiting:  # only possible with a dependency cycle, which the catalog refuses
        raise RuntimeError(f"models never became ready: {', '.join(m.name for m in waiting)}")
