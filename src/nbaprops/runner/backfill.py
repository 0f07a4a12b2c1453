"""Backfill: every selected model, in dependency order, over the chunks of a date range."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from ..catalog import Catalog, Model
from ..errors import ModelError, RunFailedError
from ..warehouse import Warehouse
from .execute import ChunkResult, run_chunk
from .plan import Chunk, make_chunks


@dataclass
class ModelRun:
    model: str
    chunks: int = 0
    chunks_skipped: int = 0
    rows: int = 0
    failures: int = 0
    read_seconds: float = 0.0
    compute_seconds: float = 0.0
    write_seconds: float = 0.0
    status: str = "pending"
    error: str | None = None

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.compute_seconds + self.write_seconds


@dataclass
class BackfillResult:
    run_id: str
    start: date
    end: date
    chunk_mode: str
    models: list[ModelRun] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(m.status in ("success", "skipped") for m in self.models)


def select_models(catalog: Catalog, only: list[str] | None, start_from: str | None) -> list[Model]:
    order = catalog.ordered()
    if only:
        wanted = {catalog.get(n).name for n in only}
        return [m for m in order if m.name in wanted]
    if start_from:
        first = catalog.get(start_from).name
        names = [m.name for m in order]
        return order[names.index(first):]
    return order


def backfill(wh: Warehouse, start: date, end: date, *, catalog: Catalog | None = None,
             only: list[str] | None = None, start_from: str | None = None, chunk_mode: str = "all",
             on_progress: Callable[[str, Chunk, ChunkResult], None] | None = None,
             on_model_start: Callable[[Model, int], None] | None = None) -> BackfillResult:
    if start > end:
        raise ModelError(f"--start-date {start} is after --end-date {end}")
    catalog = catalog or Catalog.load()
    models = select_models(catalog, only, start_from)
    run_id = datetime.now().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    result = BackfillResult(run_id=run_id, start=start, end=end, chunk_mode=chunk_mode)
    chunks = make_chunks(wh.con, start, end, chunk_mode)
    for model in models:
        mr = ModelRun(model=model.name, chunks=len(chunks))
        result.models.append(mr)
        started = datetime.now()
        _history(wh, run_id, model, mr, start, end, started, "running")
        if on_model_start:
            on_model_start(model, len(chunks))
        try:
            for chunk in chunks:
                cr = run_chunk(wh, model, chunk, run_id)
                mr.rows += cr.rows
                mr.failures += cr.failures
                mr.compute_seconds += cr.compute_seconds
                mr.write_seconds += cr.write_seconds
                if on_progress:
                    on_progress(model.name, chunk, cr)
            mr.status = "success"
        except RunFailedError as exc:
            mr.status, mr.error = "failed", str(exc)
            _history(wh, run_id, model, mr, start, end, started, "failed")
            raise
        _history(wh, run_id, model, mr, start, end, started, mr.status)
    return result


def _history(wh: Warehouse, run_id: str, model: Model, mr: ModelRun, start: date, end: date,
             started: datetime, status: str) -> None:
    finished = None if status == "running" else datetime.now()
    wh.con.execute("DELETE FROM reference.processor_run_history WHERE run_id = ? AND model = ?", [run_id, model.name])
    wh.con.execute(
        "INSERT INTO reference.processor_run_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [run_id, model.name, status, start, end, mr.chunks, mr.chunks_skipped, mr.rows, mr.failures, started,
         finished, (finished - started).total_seconds() if finished else None, mr.read_seconds,
         mr.compute_seconds, mr.write_seconds, mr.error])


