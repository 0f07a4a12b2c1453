"""Benchmarks (`make bench`): wall time and peak memory of the pipeline, medians of several runs.

Every scenario runs the real CLI in a fresh subprocess (so peak memory is that process's own
maximum resident set), against a warehouse prepared for it. Results go to
benchmarks/results/results.json and results.md (the README quotes the Markdown table).

Scenarios:
  ingest_real                 ingest of the bundled data into an empty warehouse
  backfill_real               full backfill 2021-10-19..2025-06-30 (ingest excluded)
  versus                      the same backfill (CLI, --force) with this tree's code and with the code of
                              each --versus commit, alternated run by run; ratio new / old per commit
  polars_reference            benchmarks/polars_reference.py: nine core rolling features of the same
                              player-games in hand-written Polars, from the same ingested warehouse
                              (read and compute, a fresh process like the CLI's); its runs alternate
                              with backfill_real's (group polars: it runs backfill_real too), and the
                              table shows backfill_real / polars_reference. Once per bench run (not
                              timed) its --check compares its values with the feature store's of the
                              last timed backfill: matched or not is recorded
  checks_on_vs_off            the same backfill with the completeness and dependency checks taken
                              out of the models (benchmarks/checks_off.py) and --skip-preflight,
                              runs alternating with checks-on runs; overhead = on / off − 1
  ingest_plus_backfill_real   both (the sum of the two medians, and one measured run)
  rerun_no_change             the same backfill again: everything skipped by the input hashes
  *_in_process                the same, timed inside the process (the runner's work without the
                              ~0.5 s of Python start-up and imports a CLI call pays)
  daily_run                   `run --date D` for a new date D on a warehouse backfilled through D − 1
  backfill_synthetic_sX       full backfill of a synthetic league of scale X (4·X seasons), and its
                              ingest before it, both with --memory-limit 1536MB (a laptop's budget)
  set_based_vs_date_by_date   one month of 2023-24, `--chunk all` vs `--chunk date`, same process kind
  backtest_real               `nbaprops backtest` over 2021-10-19..2025-06-30 on the fully backfilled
                              warehouse (walk-forward, monthly blocks, predictions written); cpu_s
                              is the process's CPU time (user + system), steadier than wall time
                              on a shared machine
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
REAL_START, REAL_END = "2021-10-19", "2025-06-30"
SYNTH_MEMORY_LIMIT = "1536MB"  # --memory-limit of the synthetic backfills


LAST_CPU = [0.0]  # CPU seconds (user + system) of the last cli() process


def cli(*args: str, warehouse: Path, check: bool = True, env: dict | None = None) -> tuple[float, float]:
    """Run `nbaprops --warehouse W args…`; return (seconds, peak RSS in MB) (its CPU time in LAST_CPU)."""
    cmd = [sys.executable, "-m", "nbaprops.cli", "--warehouse", str(warehouse), *args]
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, **env} if env else None
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    LAST_CPU[0] = usage.ru_utime + usage.ru_stime
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if check and proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(args)}: " + " ".join(err.split())[-600:])
    return seconds, usage.ru_maxrss / 1024.0


INPROC = """
import sys, time
from datetime import date
from nbaprops.warehouse import Warehouse
from nbaprops.runner.backfill import backfill
wh = Warehouse.open(sys.argv[1])
t = time.perf_counter()
r = backfill(wh, date.fromisoformat(sys.argv[2]), date.fromisoformat(sys.argv[3]), daily=sys.argv[4] == "daily")
print(time.perf_counter() - t)
assert r.ok
"""


def inproc(warehouse: Path, start: str, end: str, daily: bool = False) -> tuple[float, float]:
    """The runner's own time for a backfill/run call (no interpreter start-up or imports)."""
    out = subprocess.run(
        [sys.executable, "-c", INPROC, str(warehouse), start, end, "daily" if daily else "backfill"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1]), 0.0


def median_of(n: int, prepare, run) -> dict:
    times, mems = [], []
    for _ in range(n):
        ctx = prepare()
        s, m = run(ctx)
        times.append(s)
        mems.append(m)
    return summary(times, mems)


def summary(times: list[float], mems: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(times), 3),
        "runs_s": [round(x, 3) for x in times],
        "peak_mb": round(max(mems), 1),
    }


POLARS_REFERENCE = ROOT / "benchmarks" / "polars_reference.py"
# The commits `versus` times by default: main before the performance work of issue 32 (7d62595),
# and main before the availability rules of issue 30 (5a58fc3: the backfill the issue measured).
VERSUS_DEFAULT = "7d62595,5a58fc3"


def polars_reference(*args: str) -> tuple[float, float, dict, int]:
    """Run benchmarks/polars_reference.py args… in a fresh process; return (seconds, peak RSS in
    MB, its JSON report, exit code)."""
    cmd = [sys.executable, str(POLARS_REFERENCE), *args]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)  # (its output is one short line: no pipe fills)
    seconds = time.perf_counter() - t
    code = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    lines = out.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise RuntimeError(f"polars_reference failed ({code}): " + " ".join(err.split())[-600:])
    return seconds, usage.ru_maxrss / 1024.0, json.loads(lines[-1]), code


def backfill_and_polars(runs: int, prepare, ingested: Path, with_polars: bool) -> tuple[dict, dict | None]:
    """backfill_real and, with_polars, polars_reference: each run a backfill then the reference,
    each a fresh process, so both see the same machine state. Then (not timed) the reference's
    check against the warehouse of the last backfill."""
    times, mems, p_times, p_mems, reports = [], [], [], [], []
    backfilled = None
    for _ in range(runs):
        backfilled = prepare()
        s, m = cli("backfill", "--start-date", REAL_START, "--end-date", REAL_END, warehouse=backfilled)
        times.append(s)
        mems.append(m)
        if with_polars:
            s, m, report, _ = polars_reference(str(ingested), "--start-date", REAL_START, "--end-date", REAL_END)
            p_times.append(s)
            p_mems.append(m)
            reports.append(report)
    backfill = summary(times, mems)
    if not with_polars:
        return backfill, None
    ref = summary(p_times, p_mems)
    ref.update(
        {
            "read_s": round(statistics.median(r["read_s"] for r in reports), 3),
            "compute_s": round(statistics.median(r["compute_s"] for r in reports), 3),
            "player_games": reports[-1]["rows"],
            "features": reports[-1]["features"],
            "ratio": round(backfill["median_s"] / max(ref["median_s"], 1e-9), 1),
        }
    )
    try:
        _, _, report, _ = polars_reference(
            "--check", str(backfilled), "--start-date", REAL_START, "--end-date", REAL_END
        )
        ref["check"] = {
            k: report["check"][k]
            for k in ("matched", "compared_rows", "mismatching_rows", "mismatches_by_feature", "tolerance")
        }
    except RuntimeError as exc:
        ref["check"] = {"matched": False, "error": str(exc)}
    return backfill, ref


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3, help="runs per scenario (the median is reported)")
    ap.add_argument("--scales", default="1,3,10", help="synthetic scales to run")
    ap.add_argument("--quick", action="store_true", help="one run each, scales 1 only")
    ap.add_argument(
        "--only",
        default="",
        help="comma-separated groups to run: "
        + ", ".join(GROUPS)
        + " (results go to results/partial.{json,md}; the full results stay as they are)",
    )
    ap.add_argument(
        "--versus",
        default=VERSUS_DEFAULT,
        help="comma-separated commits whose code the group versus times against this tree's, alternated "
        f"(default {VERSUS_DEFAULT})",
    )
    args = ap.parse_args()
    only = {g.strip() for g in args.only.split(",") if g.strip()}
    if only - set(GROUPS):
        ap.error(f"unknown groups: {', '.join(sorted(only - set(GROUPS)))}; known: {', '.join(GROUPS)}")
    if (not only or "polars" in only) and importlib.util.find_spec("polars") is None:
        ap.error("the polars group needs Polars: `make bench` installs it (pip install -e '.[bench]')")
    global RESULT_NAME
    if only:
        RESULT_NAME = "partial"

    def want(group: str) -> bool:
        return not only or group in only

    runs = 1 if args.quick else args.runs
    scales = [1] if args.quick else [int(x) for x in args.scales.split(",") if x]
    tmp = Path(tempfile.mkdtemp(prefix="nbaprops-bench-"))
    # Every CLI call is timed with compiled bytecode, as an installed package has it: a
    # PYTHONDONTWRITEBYTECODE environment would recompile every module on every call (0.1-0.2 s
    # of each CLI figure). The bytecode goes to the temporary folder, not into the source tree.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    results: dict = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "date": time.strftime("%Y-%m-%d"),
        "scenarios": {},
    }
    sc = results["scenarios"]
    try:
        ingested = tmp / "ingested.duckdb"
        cli("ingest", warehouse=ingested)

        def fresh_empty():
            p = tmp / "empty.duckdb"
            p.unlink(missing_ok=True)
            return p

        def copy_of(src: Path):
            def prep():
                p = tmp / "work.duckdb"
                shutil.copy(src, p)
                return p

            return prep

        if want("ingest"):
            print("ingest_real …", flush=True)
            sc["ingest_real"] = median_of(runs, fresh_empty, lambda w: cli("ingest", warehouse=w))
            save(results)
        if want("backfill") or want("polars"):
            print("backfill_real" + (" and polars_reference, alternating" if want("polars") else "") + " …", flush=True)
            sc["backfill_real"], ref = backfill_and_polars(runs, copy_of(ingested), ingested, want("polars"))
            if ref is not None:
                sc["polars_reference"] = ref
            if "ingest_real" in sc:
                sc["ingest_plus_backfill_real"] = {
                    "median_s": round(sc["ingest_real"]["median_s"] + sc["backfill_real"]["median_s"], 3),
                    "peak_mb": max(sc["ingest_real"]["peak_mb"], sc["backfill_real"]["peak_mb"]),
                }
            save(results)
        if want("versus"):
            print("versus (old and new code alternated) …", flush=True)
            sc["versus"] = versus(runs, [v.strip() for v in args.versus.split(",") if v.strip()], tmp)
            save(results)
        if want("checks"):
            print("checks_on_vs_off …", flush=True)
            sc["checks_on_vs_off"] = checks_on_vs_off(runs, copy_of(ingested), tmp)
            save(results)
        full = tmp / "full.duckdb"

        def full_warehouse() -> Path:
            if not full.exists():
                shutil.copy(ingested, full)
                cli("backfill", "--start-date", REAL_START, "--end-date", REAL_END, warehouse=full)
            return full

        if want("rerun"):
            full_warehouse()
            print("rerun_no_change …", flush=True)
            sc["rerun_no_change"] = median_of(
                runs,
                copy_of(full),
                lambda w: cli("backfill", "--start-date", REAL_START, "--end-date", REAL_END, warehouse=w),
            )
            sc["rerun_no_change_in_process"] = median_of(runs, copy_of(full), lambda w: inproc(w, REAL_START, REAL_END))
            save(results)
        if want("daily"):
            print("daily_run …", flush=True)
            upto = tmp / "upto.duckdb"  # backfilled through the day before the new date
            shutil.copy(ingested, upto)
            cli("backfill", "--start-date", REAL_START, "--end-date", "2025-04-09", warehouse=upto)
            sc["daily_run"] = median_of(runs, copy_of(upto), lambda w: cli("run", "--date", "2025-04-10", warehouse=w))
            sc["daily_run_in_process"] = median_of(
                runs, copy_of(upto), lambda w: inproc(w, "2025-04-10", "2025-04-10", daily=True)
            )
            save(results)
        if want("set_based"):
            set_based_vs_date_by_date(runs, sc, copy_of(ingested))
            save(results)
        if want("backtest"):
            print("backtest_real …", flush=True)
            sc["backtest_real"] = backtest_real(runs, copy_of(full_warehouse()))
            save(results)
        for x in scales if want("synthetic") else []:
            print(f"synthetic scale {x} …", flush=True)
            out = tmp / f"league_s{x}"
            subprocess.run(
                [sys.executable, "-m", "nbaprops.cli", "generate", "--out", str(out), "--scale", str(x)],
                check=True,
                stdout=subprocess.DEVNULL,
                cwd=ROOT,
            )
            wh = tmp / f"league_s{x}.duckdb"
            ing_s, ing_m = cli("--memory-limit", SYNTH_MEMORY_LIMIT, "ingest", str(out), warehouse=wh)
            first, last = _span(wh)
            try:
                # capped like a laptop user would (the 2 GB target): DuckDB spills beyond it
                sc[f"backfill_synthetic_s{x}"] = median_of(
                    max(1, runs if x < 10 else 1),
                    copy_of(wh),
                    lambda w, first=first, last=last: cli(
                        "--memory-limit",
                        SYNTH_MEMORY_LIMIT,
                        "backfill",
                        "--start-date",
                        first,
                        "--end-date",
                        last,
                        warehouse=w,
                    ),
                )
            except RuntimeError as exc:
                sc[f"backfill_synthetic_s{x}"] = {"median_s": None, "peak_mb": None, "error": str(exc)}
            sc[f"backfill_synthetic_s{x}"].update(
                {"ingest_s": round(ing_s, 3), "ingest_peak_mb": round(ing_m, 1), "player_games": _player_games(wh)}
            )
            save(results)
            (tmp / f"league_s{x}.duckdb").unlink(missing_ok=True)
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        save(results)
    print(markdown(results))


def set_based_vs_date_by_date(runs: int, sc: dict, month_prep) -> None:
    print("set_based_vs_date_by_date …", flush=True)
    month = ("2023-12-01", "2023-12-31")

    def month_run(mode):
        def run(w):
            # Phase 3 needs its history: compute everything up to the month first (not timed)
            cli("backfill", "--start-date", "2023-10-24", "--end-date", "2023-11-30", warehouse=w)
            return cli("backfill", "--start-date", month[0], "--end-date", month[1], "--chunk", mode, warehouse=w)

        return run

    set_based = median_of(runs, month_prep, month_run("all"))
    by_date = median_of(max(1, runs // 2), month_prep, month_run("date"))
    sc["set_based_vs_date_by_date"] = {
        "range": f"{month[0]}..{month[1]}",
        "set_based": set_based,
        "date_by_date": by_date,
        "ratio": round(by_date["median_s"] / max(set_based["median_s"], 1e-9), 1),
    }


def backtest_real(runs: int, prepare) -> dict:
    """The whole walk-forward backtest of the bundled seasons, as `nbaprops backtest` runs it."""
    cpus: list[float] = []

    def run(w):
        out = cli("backtest", "--start-date", REAL_START, "--end-date", REAL_END, "--no-months", warehouse=w)
        cpus.append(LAST_CPU[0])
        return out

    r = median_of(runs, prepare, run)
    r["cpu_s"] = round(statistics.median(cpus), 3)
    r["runs_cpu_s"] = [round(x, 3) for x in cpus]
    return r


def checks_on_vs_off(runs: int, prepare, tmp: Path) -> dict:
    """The full real backfill with and without the checks, alternating (on, off, on, off, …) so
    that both sides see the same machine state."""
    from checks_off import write_models_without_checks

    models = write_models_without_checks(tmp / "models_checks_off")
    backfill = ("backfill", "--start-date", REAL_START, "--end-date", REAL_END)
    on, off = [], []
    for _ in range(max(runs, 5) if runs > 1 else 1):  # a difference of two noisy times: more pairs
        on.append(cli(*backfill, warehouse=prepare())[0])
        off.append(cli(*backfill, "--skip-preflight", warehouse=prepare(), env={"NBAPROPS_MODELS_DIR": str(models)})[0])
    med_on, med_off = statistics.median(on), statistics.median(off)
    return {
        "on": {"median_s": round(med_on, 3), "runs_s": [round(x, 3) for x in on]},
        "off": {"median_s": round(med_off, 3), "runs_s": [round(x, 3) for x in off]},
        "overhead_pct": round(100.0 * (med_on / med_off - 1.0), 1),
    }


def versus(runs: int, baselines: list[str], tmp: Path) -> dict:
    """The full real backfill (CLI, --force) with this tree's code and with each baseline commit's,
    alternated run by run (new, base 1, base 2, new, …) so that all see the same machine state.
    Each code ingests its own warehouse first (not timed: a baseline may not read a newer schema).
    Returns each side's runs and the ratios new / baseline of the medians."""
    codes: dict[str, Path] = {"new": ROOT}
    try:
        for rev in baselines:
            folder = tmp / f"code-{rev}"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(folder), rev],
                check=True,
                capture_output=True,
            )
            codes[rev] = folder
        ingested = {}
        for name, folder in codes.items():
            ingested[name] = tmp / f"versus-{name}.duckdb"
            cli("ingest", warehouse=ingested[name], env={"PYTHONPATH": str(folder / "src")})
        times: dict[str, list[float]] = {n: [] for n in codes}
        mems: dict[str, list[float]] = {n: [] for n in codes}
        backfill = ("backfill", "--start-date", REAL_START, "--end-date", REAL_END, "--force")
        for _ in range(runs):
            for name, folder in codes.items():
                work = tmp / "versus-work.duckdb"
                shutil.copy(ingested[name], work)
                s, m = cli(*backfill, warehouse=work, env={"PYTHONPATH": str(folder / "src")})
                times[name].append(s)
                mems[name].append(m)
        out = {name: summary(times[name], mems[name]) for name in codes}
        for rev in baselines:
            out[rev]["commit"] = _commit(rev)
            out[rev]["ratio_new_to_it"] = round(out["new"]["median_s"] / max(out[rev]["median_s"], 1e-9), 3)
        out["new"]["commit"] = _commit("HEAD")
        return out
    finally:
        for name, folder in codes.items():
            if name != "new":
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(folder)], check=False)


def _commit(rev: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", rev], capture_output=True, text=True, check=False
    ).stdout.strip()


RESULT_NAME = "results"  # "partial" with --only: a subset never replaces the full results
GROUPS = ("ingest", "backfill", "polars", "versus", "checks", "rerun", "daily", "set_based", "synthetic", "backtest")


def save(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{RESULT_NAME}.json").write_text(json.dumps(results, indent=2))
    (RESULTS / f"{RESULT_NAME}.md").write_text(markdown(results))


def _span(wh: Path) -> tuple[str, str]:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    lo, hi = con.execute("SELECT min(game_date), max(game_date) FROM raw.schedule").fetchone()
    con.close()
    return str(lo), str(hi)


def _player_games(wh: Path) -> int:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    n = con.execute("SELECT count(*) FROM raw.player_boxscores WHERE minutes > 0 OR points > 0").fetchone()[0]
    con.close()
    return n


# (issue 32's goals; the full backfill's is a ratio to the old code: the versus rows)
TARGETS = {
    "daily_run": 1.0,
    "daily_run_in_process": 0.5,
    "rerun_no_change": 0.3,
    "rerun_no_change_in_process": 0.3,
    "backfill_synthetic_s10": 60.0,
    "backtest_real": 120.0,
}


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Measured {results['date']} on {m['cpus']} CPUs ({m['platform']}, Python {m['python']}); "
        "median of the runs shown, peak = maximum resident memory of the process.",
        "",
        "| scenario | median s | runs s | peak MB | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, r in results["scenarios"].items():
        if name == "checks_on_vs_off":
            for k in ("on", "off"):
                lines.append(f"| backfill_real, checks {k} | {r[k]['median_s']} | {r[k]['runs_s']} | | | |")
            ok = r["overhead_pct"] <= 20
            lines.append(
                f"| checks: cost (on / off − 1) | {r['overhead_pct']} % | | | ≤ 20 % | {'yes' if ok else 'no'} |"
            )
            continue
        if name == "set_based_vs_date_by_date":
            for k in ("set_based", "date_by_date"):
                lines.append(
                    f"| {name}: {k} ({r['range']}) | {r[k]['median_s']} | {r[k]['runs_s']} | {r[k]['peak_mb']} | | |"
                )
            ok = r["ratio"] >= 50
            lines.append(f"| {name}: ratio | {r['ratio']}× | | | ≥ 50× | {'yes' if ok else 'no'} |")
            continue
        if name == "versus":
            new = r["new"]
            lines.append(
                f"| backfill_real --force, this code ({new['commit']}) | {new['median_s']} | {new['runs_s']} | "
                f"{new['peak_mb']} | | |"
            )
            for rev, b in r.items():
                if rev == "new":
                    continue
                ok = b["ratio_new_to_it"] <= 0.5
                lines.append(
                    f"| backfill_real --force, code of {b['commit']} | {b['median_s']} | {b['runs_s']} | "
                    f"{b['peak_mb']} | | |"
                )
                lines.append(
                    f"| ratio this / {b['commit']} | {b['ratio_new_to_it']} | | | ≤ 0.5 | {'yes' if ok else 'no'} |"
                )
            continue
        if name == "polars_reference":
            lines.extend(_polars_rows(r, results["scenarios"].get("backfill_real")))
            continue
        target = TARGETS.get(name)
        if r.get("error"):
            lines.append(
                f"| {name} | failed | | | {'' if target is None else f'≤ {target} s'} | no: {r['error'][:300]} |"
            )
            continue
        extra = (
            (
                f" ({r['player_games']:,} player-games, --memory-limit {SYNTH_MEMORY_LIMIT}; ingest {r['ingest_s']} s, "
                f"{r['ingest_peak_mb']:,.0f} MB)"
            )
            if "player_games" in r
            else ""
        )
        if "cpu_s" in r:
            extra += f" (CPU {r['cpu_s']} s, runs {r['runs_cpu_s']})"
        met = "" if target is None else ("yes" if r["median_s"] <= target else "no")
        if name == "backfill_synthetic_s10":
            met = met + ("" if r["peak_mb"] <= 2048 else ", memory no")
            ingest_ok = r["ingest_s"] <= 60.0 and r["ingest_peak_mb"] <= 2048
            met += "; ingest (≤ 60 s, ≤ 2 GB) " + ("yes" if ingest_ok else "no")
        peak = r["peak_mb"] if r["peak_mb"] else "—"
        lines.append(
            f"| {name}{extra} | {r['median_s']} | {r.get('runs_s', '')} | {peak} | "
            f"{'' if target is None else f'≤ {target} s'} | {met} |"
        )
    return "\n".join(lines) + "\n"


def _polars_rows(r: dict, backfill: dict | None) -> list[str]:
    """The reference's row and the ratio backfill_real / polars_reference (both medians)."""
    check = r.get("check", {})
    if "error" in check:
        verdict = f"check failed: {check['error'][:200]}"
    elif check.get("matched"):
        verdict = f"check: the store's values on {check['compared_rows']:,} rows, all within {check['tolerance']}"
    else:
        verdict = f"check: {check.get('mismatching_rows', '?'):,} of {check.get('compared_rows', 0):,} rows differ"
    rows = [
        f"| polars_reference ({len(r['features'])} core features, {r['player_games']:,} player-games; "
        f"read {r['read_s']} s, compute {r['compute_s']} s; {verdict}) | {r['median_s']} | {r['runs_s']} | "
        f"{r['peak_mb']} | | |"
    ]
    if backfill:
        rows.append(
            f"| backfill_real / polars_reference ({backfill['median_s']} s / {r['median_s']} s) | "
            f"{r['ratio']}× | | | | |"
        )
    return rows


if __name__ == "__main__":
    main()
