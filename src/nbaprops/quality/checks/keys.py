"""primary_key:<table> — no duplicate (or NULL) grain keys in any model table (the grain from the
model header)."""

from __future__ import annotations

from datetime import date

from ...catalog import Model
from ...warehouse import Warehouse, quote_ident, quote_table
from .base import FAIL, PASS, SAMPLE, WARN, CheckResult, Context, columns_of, key


def check_primary_key(wh: Warehouse, model: Model, start: date, end: date) -> CheckResult:
    name = f"primary_key:{model.table}"
    if not wh.table_exists(model.table):
        return CheckResult(name, WARN, 0, "table not built yet")
    have = columns_of(wh, model.table)
    missing = [g for g in model.grain if g not in have]
    if missing:
        return CheckResult(name, FAIL, 0, f"grain column(s) missing: {', '.join(missing)}")
    grain = ", ".join(quote_ident(g) for g in model.grain)
    tc = quote_ident(model.time_column)
    dups = wh.con.execute(
        f"SELECT {grain}, count(*) AS n FROM {quote_table(model.table)} WHERE {tc} BETWEEN ? AND ? "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC, {grain}",
        [start, end],
    ).fetchall()
    null_cond = " OR ".join(f"{quote_ident(g)} IS NULL" for g in model.grain)
    nulls = wh.con.execute(
        f"SELECT count(*) FROM {quote_table(model.table)} WHERE ({tc} BETWEEN ? AND ? OR {tc} IS NULL) "
        f"AND ({null_cond})",
        [start, end],
    ).fetchall()[0][0]
    sample = [f"{key(r[:-1])} x{r[-1]}" for r in dups[:SAMPLE]]
    if nulls:
        sample.append(f"{nulls} row(s) with a NULL key")
    n = len(dups) + nulls
    return CheckResult(
        name,
        FAIL if n else PASS,
        n,
        f"grain ({', '.join(model.grain)}): {len(dups)} duplicated key(s), {nulls} NULL key(s)",
        sample,
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    return [check_primary_key(wh, m, ctx.start, ctx.end) for m in ctx.catalog.ordered()]
