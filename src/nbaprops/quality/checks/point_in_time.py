"""point_in_time — a sample of dates re-run on a copy of the warehouse holding only the world as
of the morning of D (quality.morning); the rows keyed on D (label_* aside) and D's failure rows
must not change."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from ...calendar import BOOTSTRAP_DAYS
from ...catalog import Catalog
from ...runner.plan import game_dates
from ...warehouse import Warehouse, quote_ident, quote_table
from ..morning import morning_of
from ..seasons import date_seasons_sql, season_openers_sql
from .base import FAIL, FAILURES, FEATURE_TABLE, PASS, SAMPLE, WARN, CheckResult, Context


def pick_sample_dates(wh: Warehouse, start: date, end: date, n: int) -> list[date]:
    """n dates spread over the range, outside the bootstrap window when possible (so Phase 4
    rows exist), from the dates the feature store holds (else any schedule date)."""
    if n <= 0:
        return []
    cands: list[date] = []
    if wh.table_exists(FEATURE_TABLE):
        cands = [
            r[0]
            for r in wh.con.execute(
                f"""
            WITH ds AS ({date_seasons_sql()}), o AS ({season_openers_sql()})
            SELECT DISTINCT f.game_date FROM {quote_table(FEATURE_TABLE)} f
            JOIN ds ON ds.d = f.game_date JOIN o ON o.season_year = ds.season_year
            WHERE f.game_date BETWEEN ? AND ? AND date_diff('day', o.opening_night, f.game_date) >= ?
            ORDER BY 1""",
                [start, end, BOOTSTRAP_DAYS],
            ).fetchall()
        ]
    if not cands:
        cands = game_dates(wh.con, start, end)
    if len(cands) <= n:
        return cands
    idx = sorted({round(i * (len(cands) - 1) / max(n - 1, 1)) for i in range(n)}) if n > 1 else [len(cands) // 2]
    return [cands[i] for i in idx]


def _stale(wh: Warehouse, catalog: Catalog, dates: list[date]) -> list[str]:
    """Models whose saved state for a sample date is missing or was computed by other SQL."""
    out = []
    for m in catalog.ordered():
        got = wh.con.execute(
            "SELECT count(*), count(*) FILTER (WHERE model_hash = ?) FROM processing.model_state "
            f"WHERE model = ? AND target_date IN ({', '.join('?' for _ in dates)})",
            [m.sql_hash, m.name, *dates],
        ).fetchall()[0]
        if got[0] < len(dates) or got[1] < got[0]:
            out.append(m.name)
    return out


def _snapshot(con, table: str, tc: str, d: date, cols: list[str], types: dict[str, str]):
    sel = []
    for c in cols:
        q = quote_ident(c)
        t = types.get(c, "").upper()
        if t in ("DOUBLE", "FLOAT", "REAL") or t.startswith("DECIMAL"):
            sel.append(f"round({q}::DOUBLE, 6) AS {q}")
        else:
            sel.append(q)
    return con.sql(
        f"SELECT {', '.join(sel)} FROM {quote_table(table)} WHERE {quote_ident(tc)} = ?", params=[d]
    ).to_arrow_table()


def check_point_in_time(
    wh: Warehouse, catalog: Catalog, start: date, end: date, samples: int = 3, workdir: str | Path | None = None
) -> CheckResult:
    """Re-run a sample of dates on a copy of the warehouse that holds only what was known on the
    morning of D and compare the rows keyed on D (label_* columns and the game-outcome tables with
    lookback 0, whose rows are D's results by definition, aside)."""
    from ...runner.backfill import backfill

    name = "point_in_time"
    dates = pick_sample_dates(wh, start, end, samples)
    if not dates:
        return CheckResult(name, WARN, 0, "no dates to sample")
    compared = [m for m in catalog.ordered() if m.lookback_days > 0]
    if not any(wh.table_exists(m.table) for m in compared):
        return CheckResult(name, WARN, 0, "no model tables built")
    models: list = []
    meta: dict[str, tuple[list[str], dict[str, str]]] = {}
    fail_sql = (
        f"SELECT processor_name, analysis_date, entity_id, failure_category FROM {FAILURES} "
        "WHERE analysis_date = ? ORDER BY 1, 3"
    )
    stale = _stale(wh, catalog, dates) if wh.table_exists("processing.model_state") else ["all"]
    orig: dict[tuple[str, date], Any] = {}  # (table, date) -> its rows (an Arrow table)
    orig_fail: dict[date, list] = {}

    def take_baseline(base: Warehouse) -> None:
        # The tables and columns are those of the baseline itself: after a stale baseline's re-run
        # they include a model or a column added since the warehouse was built (else never compared).
        con = base.con
        models[:] = [m for m in compared if base.table_exists(m.table)]
        for m in models:
            types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {quote_table(m.table)}").fetchall()}
            meta[m.table] = ([c for c in types if not c.startswith("label_")], types)
        for m in models:
            cols, types = meta[m.table]
            for d in dates:
                orig[(m.table, d)] = _snapshot(con, m.table, m.time_column, d, cols, types)
        for d in dates:
            orig_fail[d] = con.execute(fail_sql, [d]).fetchall()

    if not stale:
        take_baseline(wh)
    tmp = Path(tempfile.mkdtemp(prefix="nbaprops-pit-", dir=workdir))
    diffs: list[str] = []
    table: list[tuple] = []
    try:
        copy = tmp / "pit.duckdb"
        shutil.copyfile(wh.path, copy)
        wal = Path(str(wh.path) + ".wal")
        if wal.exists():
            shutil.copyfile(wal, Path(str(copy) + ".wal"))
        with Warehouse.open(copy) as cw:
            if stale:
                # The saved rows were computed by other SQL (or not at all): recompute the sample
                # dates on the full data first, so that only the cut differs between the two runs.
                for d in dates:
                    res = backfill(cw, d, d, catalog=catalog, chunk_mode="date", force=True)
                    if not res.ok:
                        return CheckResult(
                            name, FAIL, 1, f"baseline re-run of {d} failed", [f"{d}: {'; '.join(res.errors)}"]
                        )
                take_baseline(cw)
            for d in sorted(dates, reverse=True):  # later dates first: each cut only removes more
                with cw.transaction() as con:
                    morning_of(con, d)
                res = backfill(cw, d, d, catalog=catalog, chunk_mode="date", force=True)
                if not res.ok:
                    diffs.append(f"{d}: re-run failed: {'; '.join(res.errors)}")
                    table.append((str(d), "(run)", "-", "-", "-", "re-run failed"))
                    continue
                for m in models:
                    cols, types = meta[m.table]
                    new = _snapshot(cw.con, m.table, m.time_column, d, cols, types)
                    old = orig[(m.table, d)]
                    cw.con.register("pit_old", old)
                    cw.con.register("pit_new", new)
                    only_old = cw.con.execute(
                        "SELECT count(*) FROM (SELECT * FROM pit_old EXCEPT ALL SELECT * FROM pit_new)"
                    ).fetchall()[0][0]
                    only_new = cw.con.execute(
                        "SELECT count(*) FROM (SELECT * FROM pit_new EXCEPT ALL SELECT * FROM pit_old)"
                    ).fetchall()[0][0]
                    changed_cols = []
                    if only_old or only_new:
                        keys = [quote_ident(g) for g in m.grain if g != m.time_column]
                        for c in cols:
                            if c in m.grain:
                                continue
                            q = quote_ident(c)
                            n = (
                                cw.con.execute(
                                    f"SELECT count(*) FROM pit_old o JOIN pit_new n USING ({', '.join(keys)}) "
                                    f"WHERE o.{q} IS DISTINCT FROM n.{q}"
                                ).fetchall()[0][0]
                                if keys
                                else 0
                            )
                            if n:
                                changed_cols.append(f"{c} ({n})")
                        diffs.append(
                            f"{m.table} {d}: {only_old} row(s) differ/missing, {only_new} new"
                            + (f"; columns {', '.join(changed_cols[:4])}" if changed_cols else "")
                        )
                    cw.con.unregister("pit_old")
                    cw.con.unregister("pit_new")
                    table.append(
                        (
                            str(d),
                            m.table,
                            old.num_rows,
                            only_old,
                            only_new,
                            ", ".join(changed_cols[:6]) or ("same" if not (only_old or only_new) else "rows differ"),
                        )
                    )
                new_fail = cw.con.execute(fail_sql, [d]).fetchall()
                if new_fail != orig_fail[d]:
                    a, b = set(orig_fail[d]), set(new_fail)
                    diffs.append(f"failures {d}: {len(a - b)} gone, {len(b - a)} new")
                    table.append((str(d), FAILURES, len(a), len(a - b), len(b - a), "failures differ"))
                else:
                    table.append((str(d), FAILURES, len(new_fail), 0, 0, "same"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return CheckResult(
        name,
        FAIL if diffs else PASS,
        len(diffs),
        f"dates {', '.join(str(d) for d in dates)} re-run on the world as of their morning; "
        f"{len(models)} models compared (label_* and lookback-0 game-outcome tables aside)"
        + (f"; baseline recomputed first (stale or missing state: {', '.join(stale)})" if stale else ""),
        diffs[:SAMPLE],
        ["date", "table", "rows", "differ/missing", "new", "changed columns"],
        table,
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    if ctx.pit_samples <= 0:
        return []
    return [check_point_in_time(wh, ctx.catalog, ctx.start, ctx.end, ctx.pit_samples, ctx.workdir)]
