#!/usr/bin/env python3
"""`make soak`: randomized kill -9 / restart cycles against clean references, bounded in time.

Each cycle starts from an empty warehouse and walks the pipeline — ingest (a small real folder),
backfill 2023-10-24..2023-11-30, the daily run for 2023-12-01, and now and then a forced
recompute — killing each step 0–3 times with SIGKILL at a random moment (a random delay, the
k-th chunk sleeping inside its transaction, or the COMMIT right after it; random chunk modes),
then re-running it normally. After every kill it checks what must hold at any moment (no
duplicate keys; rows, failure rows and saved state agree; the dates done hold the clean run's
rows; a killed ingest changed nothing); after every cycle the warehouse must equal the clean
reference table for table, and the history must tell the truth about every killed run.

    python scripts/soak.py --seconds 300 [--seed N] [--workdir DIR] [--keep]

Prints a summary (cycles, kills by phase and moment, divergences) and exits 1 on any divergence
(the diverging warehouse is kept under the work folder for a post-mortem)."""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))
sys.path.insert(0, str(REPO / "src"))

import crashkit as ck  # noqa: E402

from nbaprops.catalog import Catalog  # noqa: E402

BACKFILL = ("backfill", "--start-date", ck.START, "--end-date", ck.END)
CHUNKS = ("all", "season", "month", "date")


class Divergence(Exception):
    pass


class Soak:
    def __init__(self, work: Path, seed: int, deadline: float):
        self.work, self.rng, self.deadline = work, random.Random(seed), deadline
        self.catalog = Catalog.load()
        self.n_models = len(self.catalog.ordered())
        self.kills: Counter = Counter()  # (phase, moment) -> kills that landed
        self.missed: Counter = Counter()  # phase -> the process ended before the kill
        self.after_work: Counter = Counter()  # phase -> killed after its last commit (all work done)
        self.reruns = 0
        self.cycles = 0
        self.divergences: list[str] = []
        self.cycle_seconds: list[float] = []
        t = time.perf_counter()
        self.world = ck.world(work / "world")
        self.setup_seconds = time.perf_counter() - t
        self.durations = {
            "ingest": self.world.seconds["ingest"],
            "backfill": self.world.seconds["backfill"],
            "run": self.world.seconds["run"],
            "force": self.world.seconds["backfill"] * 1.5,
        }

    # -- one step: kill it 0-3 times, then run it normally ------------------------------------
    def step(self, w: Path, phase: str, args: tuple[str, ...], reference: Path) -> list[str]:
        killed_runs: list[str] = []
        for _ in range(self.rng.choice((0, 1, 1, 2, 3))):
            if time.monotonic() > self.deadline + 60:
                break
            before_runs = ck.run_ids(w)
            # (an earlier kill of this step may have left a WAL: the snapshot keeps it)
            before = ck.snapshot(w, w.with_suffix(".before")) if phase == "ingest" else None
            chunk = self.rng.choice(CHUNKS) if phase in ("backfill", "force") else None
            cargs = args + (("--chunk", chunk) if chunk else ())
            how = self.rng.choice(("delay", "delay", "chunk", "commit") if phase != "ingest" else ("delay", "file"))
            sleep = self.rng.choice((0.25, 0.3)) if how != "delay" else self.rng.choice((None, None, 0.05))
            p = ck.start(w, *cargs, sleep=sleep)
            try:
                if how == "delay":
                    time.sleep(self.rng.uniform(0.0, self.durations[phase]))
                elif how == "file":  # while the loader reads one of the input files
                    ck.wait_open(p, self.rng.choice(sorted(ck.CUT_FILES)), poll=0.0005)
                else:
                    ck.wait_sleeps(p, self.rng.randint(1, 12), idle=0.1)
                    if how == "commit":
                        ck.wait_busy(p)
            except ck.Missed:
                pass
            landed = p.kill()
            if not landed:
                self.missed[phase] += 1
                if p.popen.returncode != 0:
                    raise Divergence(f"{phase} {' '.join(cargs)} exited {p.popen.returncode}: {p.stderr[-800:]}")
            else:
                self.kills[
                    (
                        phase,
                        {
                            "delay": "random delay",
                            "file": "reading a file",
                            "chunk": "mid-chunk",
                            "commit": "in COMMIT",
                        }[how],
                    )
                ] += 1
            self.check_after_kill(w, phase, before, reference, landed)
            if before is not None:
                ck.drop(before)
            new = ck.run_ids(w) - before_runs
            if landed:
                for run_id in sorted(new):
                    if self.finished_before_kill(w, run_id, reference):
                        self.after_work[phase] += 1  # killed while printing or closing: a success
                    else:
                        killed_runs.append(run_id)
        chunk = self.rng.choice(CHUNKS[:3])
        rerun = args + (("--chunk", chunk) if phase in ("backfill", "force") else ())
        p = ck.run(w, *rerun)
        self.reruns += 1
        if p.returncode != 0:
            raise Divergence(f"normal re-run of {phase} exited {p.returncode}: {p.stdout[-1500:]} {p.stderr[-1500:]}")
        return killed_runs

    def finished_before_kill(self, w: Path, run_id: str, reference: Path) -> bool:
        """The kill landed after the run's last commit (while it printed its summary or closed the
        warehouse): every model has its final history row, and the tables must then equal the clean
        reference. A complete-looking history over incomplete tables is a divergence."""
        rows = [r for r in ck.history(w) if r[0] == run_id]
        if len([r for r in rows if r[2] in ("success", "skipped")]) < self.n_models:
            return False
        diff = ck.differences(w, reference)
        if diff:
            raise Divergence(
                f"killed run {run_id} reads as a complete success but the tables differ from the clean run: {diff}"
            )
        return True

    def check_after_kill(self, w: Path, phase: str, before: Path | None, reference: Path, landed: bool) -> None:
        problems = ck.invariants(w, self.catalog)
        if problems:
            raise Divergence(f"after a kill during {phase}: {problems}")
        if phase == "ingest" and before is not None and landed:
            # one transaction: exactly as before, or (killed after the commit) the whole ingest
            same = ck.differences(w, before, exact=True, skip=frozenset())
            if same and ck.differences(w, self.world.ingested):
                raise Divergence(f"a killed ingest left a partial load: {same}")
        if phase != "ingest":
            partial = ck.done_part_matches(w, reference, self.catalog)
            if partial:
                raise Divergence(f"after a kill during {phase}, done dates differ from the clean run: {partial}")

    # -- one cycle: the whole pipeline from an empty warehouse --------------------------------
    def cycle(self) -> None:
        t0 = time.perf_counter()
        w = ck.copy(self.world.empty, self.work / f"cycle-{self.cycles}.duckdb")
        killed: list[str] = []
        try:
            killed += self.step(w, "ingest", ("ingest", str(self.world.cut)), self.world.ingested)
            self.expect(w, self.world.ingested, "ingest")
            killed += self.step(w, "backfill", BACKFILL, self.world.backfilled)
            if self.rng.random() < 0.3:
                killed += self.step(w, "force", (*BACKFILL, "--force"), self.world.backfilled)
            self.expect(w, self.world.backfilled, "backfill")
            killed += self.step(w, "run", ("run", "--date", ck.DAILY), self.world.daily)
            self.expect(w, self.world.daily, "run")
            for run_id in killed:
                problems = ck.history_problems(w, run_id, self.n_models)
                if problems:
                    raise Divergence(f"history: {problems}")
            if "running" in {r[2] for r in ck.history(w)}:
                raise Divergence("a history row is still 'running' after the cycle")
        except Divergence as exc:
            keep = self.work / f"divergence-{len(self.divergences) + 1}"
            keep.mkdir(parents=True, exist_ok=True)
            for f in w.parent.glob(w.name + "*"):
                shutil.copy(f, keep / f.name)
            self.divergences.append(f"cycle {self.cycles + 1}: {exc} (kept in {keep})")
            print(f"  DIVERGENCE in cycle {self.cycles + 1}: {str(exc)[:1500]}", flush=True)
        finally:
            for f in w.parent.glob(w.name + "*"):
                f.unlink()
            for f in w.parent.glob(".out-*"):
                f.unlink()
            for f in w.parent.glob(".err-*"):
                f.unlink()
        self.cycles += 1
        self.cycle_seconds.append(time.perf_counter() - t0)

    def expect(self, w: Path, reference: Path, phase: str) -> None:
        d = ck.differences(w, reference)
        if d:
            raise Divergence(f"after the re-run of {phase} the warehouse differs from the clean run: {d}")
        problems = ck.invariants(w, self.catalog)
        if problems:
            raise Divergence(f"after {phase}: {problems}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=180, help="time budget (no new cycle starts after it)")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: from the clock; printed)")
    ap.add_argument("--workdir", type=Path, default=None, help="work folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time()) % 1_000_000
    work = a.workdir or Path(tempfile.mkdtemp(prefix="nbaprops-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    t_start = time.monotonic()
    print(f"soak: seed {seed}, budget {a.seconds:.0f} s, work folder {work}", flush=True)
    try:
        soak = Soak(work, seed, t_start + a.seconds)
        print(
            f"soak: inputs and clean references built in {soak.setup_seconds:.1f} s "
            f"(ingest {soak.durations['ingest']:.1f} s, backfill {soak.durations['backfill']:.1f} s, "
            f"run {soak.durations['run']:.1f} s)",
            flush=True,
        )
        while time.monotonic() < t_start + a.seconds:
            soak.cycle()
            landed = sum(soak.kills.values())
            print(
                f"  cycle {soak.cycles}: {soak.cycle_seconds[-1]:.1f} s, kills so far {landed}, "
                f"divergences {len(soak.divergences)}",
                flush=True,
            )
    except Exception:
        traceback.print_exc()
        print("soak: ERROR (not a divergence: the harness itself failed)")
        return 2
    finally:
        if not a.keep and not a.workdir and not (locals().get("soak") and soak.divergences):
            shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - t_start
    by_phase = Counter()
    for (phase, _), n in soak.kills.items():
        by_phase[phase] += n
    print()
    print(f"soak summary (seed {seed}, {elapsed:.0f} s)")
    print(
        f"  cycles completed          {soak.cycles}  (mean {sum(soak.cycle_seconds) / max(soak.cycles, 1):.1f} s each)"
    )
    print(f"  kill/restart cycles survived {sum(soak.kills.values())} kills, {soak.reruns} normal re-runs")
    for phase in ("ingest", "backfill", "force", "run"):
        moments = ", ".join(f"{m} {n}" for (p, m), n in sorted(soak.kills.items()) if p == phase)
        print(
            f"  kills during {phase:<9} {by_phase[phase]:>4}  ({moments or '-'}; "
            f"{soak.missed[phase]} ended before the kill, {soak.after_work[phase]} after their last commit)"
        )
    print(f"  divergences               {len(soak.divergences)}")
    for d in soak.divergences:
        print(f"    {d[:2000]}")
    return 1 if soak.divergences else 0


if __name__ == "__main__":
    sys.exit(main())
