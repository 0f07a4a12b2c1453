"""primary_key:<table> — no duplicate (or NULL) grain keys in any model table (the grain from the
model header); raw_key:<table> — the same for the raw tables whose key has no index (the largest:
the loader keeps their key unique itself, see migrations 013 and 014)."""

from __future__ import annotations

from datetime import date

from ...catalog import SOURCE_TIME_COLUMNS, Model
from ...ingest.sources import ALL_KINDS
from ...warehouse import Warehouse, quote_ident, quote_table
from .base import FAIL, PASS, SAMPLE, WARN, CheckResult, Context, columns_of, key

# Raw tables without a PRIMARY KEY constraint (an index the size of the table): their key, which
# the loader keeps unique, is checked here.
UNINDEXED_RAW_TABLES = ("raw.shots", "raw.player_points_props")


def raw_key(table: str) -> tuple[str, ...]:
    """The key of a raw table (its file kinds' key)."""
    return next(k.key for k in ALL_KINDS if k.target == table)


def check_primary_key(wh: Warehouse, model: Model, start: date, end: date) -> CheckResult:
    return check_key(wh, f"primary_key:{model.table}", model.table, model.grain, model.time_column, start, end)


def check_key(
    wh: Warehouse, name: str, table: str, grain_cols: tuple[str, ...], time_column: str, start: date, end: date
) -> CheckResult:
    if not wh.table_exists(table):
        return CheckResult(name, WARN, 0, "table not built yet")
    have = columns_of(wh, table)
    missing = [g for g in grain_cols if g not in have]
    if missing:
        return CheckResult(name, FAIL, 0, f"grain column(s) missing: {', '.join(missing)}")
    grain = ", ".join(quote_ident(g) for g in grain_cols)
    tc = quote_ident(time_column)
    dups = wh.con.execute(
        f"SELECT {grain}, count(*) AS n FROM {quote_table(table)} WHERE {tc} BETWEEN ? AND ? "
        f"GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC, {grain}",
        [start, end],
    ).fetchall()
    null_cond = " OR ".join(f"{quote_ident(g)} IS NULL" for g in grain_cols)
    nulls = wh.con.execute(
        f"SELECT count(*) FROM {quote_table(table)} WHERE ({tc} BETWEEN ? AND ? OR {tc} IS NULL) AND ({null_cond})",
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
        f"grain ({', '.join(grain_cols)}): {len(dups)} duplicated key(s), {nulls} NULL key(s)",
        sample,
    )


def run(wh: Warehouse, ctx: Context) -> list[CheckResult]:
    raw = [
        check_key(wh, f"raw_key:{t}", t, raw_key(t), SOURCE_TIME_COLUMNS[t], ctx.start, ctx.end)
        for t in UNINDEXED_RAW_TABLES
    ]
    return raw + [check_primary_key(wh, m, ctx.start, ctx.end) for m in ctx.catalog.ordered()]
